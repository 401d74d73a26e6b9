"""Staff console security: every page and API needs a login, CSRF on state changes, roles,
argon2 hashes, lock-out, cookie flags, audit, and the CLI (no default password)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from core.db import session_scope
from core.models import AuditEntry, StaffSession, StaffUser
from core.staff.accounts import create_user

ADMIN = ("chief", "correct horse battery")
REVIEWER = ("rev1", "reviewer password 1")
PUBLIC = {("GET", "/staff/login"), ("POST", "/api/staff/login")}


@pytest.fixture()
def client(database_url: str) -> Iterator[TestClient]:
    from api.main import create_app

    with session_scope() as session:
        create_user(session, username=ADMIN[0], password=ADMIN[1], role="admin")
        create_user(session, username=REVIEWER[0], password=REVIEWER[1], role="reviewer")
    with TestClient(create_app()) as test_client:
        yield test_client


def login(client: TestClient, username: str, password: str) -> str:
    assert client.get("/staff/login").status_code == 200
    response = client.post(
        "/api/staff/login",
        json={"username": username, "password": password},
        headers={"X-CSRF-Token": client.cookies.get("staff_login_csrf") or ""},
    )
    assert response.status_code == 200, response.text
    return response.json()["csrf"]


def staff_routes(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Every (method, path) under /staff and /api/staff, read from the app's router tree."""

    def flat(routes):  # type: ignore[no-untyped-def]
        for route in routes:
            if hasattr(route, "effective_candidates"):  # FastAPI's included-router node
                yield from flat(route.effective_candidates())
            elif hasattr(route, "routes") and not hasattr(route, "methods"):
                yield from flat(route.routes)
            else:
                yield route

    found = set()
    for route in flat(app.routes):
        path = getattr(route, "path", "") or ""
        if path.startswith(("/staff", "/api/staff")):
            for method in getattr(route, "methods", None) or {"GET"}:
                if method != "HEAD":
                    found.add((method, path))
    return sorted(found)


def concrete(path: str) -> str:
    return re.sub(r"\{[a-z_]+\}", "1", path.replace("{name}", "console.js"))


def test_no_page_or_api_is_reachable_without_login(client: TestClient) -> None:
    routes = staff_routes(client.app)
    assert len(routes) >= 20, routes  # the enumeration really sees the console
    assert ("GET", "/api/staff/inbox") in routes and ("GET", "/staff") in routes
    for method, path in routes:
        if (method, path) in PUBLIC:
            continue
        response = client.request(method, concrete(path), json={}, follow_redirects=False)
        if response.status_code == 303:
            assert response.headers["location"].startswith("/staff/login"), (method, path)
        else:
            assert response.status_code in (401, 403), (method, path, response.status_code)
    # The login API itself refuses a request without the login page's CSRF token.
    assert (
        client.post("/api/staff/login", json={"username": ADMIN[0], "password": ADMIN[1]}).status_code == 403
    )
    # The login page's own assets are public; the console's are not.
    assert client.get("/staff/static/login.js").status_code == 200
    assert client.get("/staff/static/console.js").status_code == 401


def test_login_sets_a_safe_session_cookie_and_pages_open(client: TestClient) -> None:
    client.get("/staff/login")
    response = client.post(
        "/api/staff/login",
        json={"username": ADMIN[0], "password": ADMIN[1]},
        headers={"X-CSRF-Token": client.cookies.get("staff_login_csrf") or ""},
    )
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert (
        "staff_session=" in cookie
        and "HttpOnly" in cookie
        and "SameSite=strict" in cookie.replace("Strict", "strict")
    )
    assert "Secure" not in cookie  # plain http in tests; "auto" follows the scheme
    token = client.cookies.get("staff_session")
    with session_scope() as session:
        stored = [s.token_hash for s in session.scalars(select(StaffSession))]
    assert token not in stored and len(stored) == 1  # only the digest is stored
    assert client.get("/staff", follow_redirects=False).status_code == 200
    assert client.get("/staff/static/console.js").status_code == 200
    me = client.get("/api/staff/me").json()
    assert me["username"] == ADMIN[0] and me["role"] == "admin"


def test_secure_cookie_over_https_in_auto_mode(client: TestClient) -> None:
    secure = TestClient(client.app, base_url="https://testserver")
    page = secure.get("/staff/login")
    assert "Secure" in page.headers["set-cookie"]
    response = secure.post(
        "/api/staff/login",
        json={"username": ADMIN[0], "password": ADMIN[1]},
        headers={"X-CSRF-Token": secure.cookies.get("staff_login_csrf") or ""},
    )
    assert response.status_code == 200, response.text
    assert "Secure" in response.headers["set-cookie"] and "HttpOnly" in response.headers["set-cookie"]


def test_secure_cookie_forced_by_setting(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.settings import get_settings

    monkeypatch.setenv("STAFF_COOKIE_SECURE", "true")
    get_settings.cache_clear()
    try:
        assert "Secure" in client.get("/staff/login").headers["set-cookie"]  # even over http
    finally:
        monkeypatch.delenv("STAFF_COOKIE_SECURE")
        get_settings.cache_clear()


def test_state_changes_need_the_csrf_header(client: TestClient) -> None:
    csrf = login(client, *ADMIN)
    body = {"username": "newbie", "password": "a long password 9", "role": "reviewer"}
    assert client.post("/api/staff/users", json=body).status_code == 403
    assert client.post("/api/staff/users", json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert client.post("/api/staff/review", json={"question_ids": [1], "action": "ignore"}).status_code == 403
    assert client.post("/api/staff/logout").status_code == 403
    response = client.post("/api/staff/users", json=body, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 201, response.text
    # Logging out ends the session.
    assert client.post("/api/staff/logout", headers={"X-CSRF-Token": csrf}).status_code == 200
    assert client.get("/api/staff/me").status_code == 401


def test_passwords_are_argon2_hashes(client: TestClient) -> None:
    with session_scope() as session:
        users = list(session.scalars(select(StaffUser)))
    assert users and all(u.password_hash.startswith("$argon2id$") for u in users)
    assert all(ADMIN[1] not in u.password_hash and REVIEWER[1] not in u.password_hash for u in users)


def test_reviewer_cannot_manage_accounts(client: TestClient) -> None:
    csrf = login(client, *REVIEWER)
    headers = {"X-CSRF-Token": csrf}
    assert client.get("/api/staff/inbox").status_code == 200  # but can review
    assert client.get("/api/staff/users").status_code == 403
    assert (
        client.post(
            "/api/staff/users",
            json={"username": "sneaky", "password": "a long password 9", "role": "admin"},
            headers=headers,
        ).status_code
        == 403
    )
    assert client.patch("/api/staff/users/2", json={"role": "admin"}, headers=headers).status_code == 403
    assert client.get("/api/staff/audit").status_code == 403
    assert client.post("/api/staff/models/1/load", headers=headers).status_code == 403
    with session_scope() as session:
        assert session.scalars(select(StaffUser).where(StaffUser.username == "sneaky")).first() is None
        assert (
            session.scalars(select(StaffUser).where(StaffUser.username == REVIEWER[0])).one().role
            == "reviewer"
        )


def test_admin_manages_accounts_and_it_is_audited(client: TestClient) -> None:
    csrf = login(client, *ADMIN)
    headers = {"X-CSRF-Token": csrf}
    created = client.post(
        "/api/staff/users",
        json={"username": "Lan.Nguyen", "password": "mật khẩu dài 123", "role": "reviewer"},
        headers=headers,
    )
    assert created.status_code == 201 and created.json()["username"] == "lan.nguyen"
    weak = client.post(
        "/api/staff/users",
        json={"username": "x-weak", "password": "short", "role": "reviewer"},
        headers=headers,
    )
    assert weak.status_code == 422 and "at least" in weak.json()["detail"]
    uid = created.json()["id"]
    assert (
        client.patch(f"/api/staff/users/{uid}", json={"role": "admin"}, headers=headers).json()["role"]
        == "admin"
    )
    assert (
        client.patch(f"/api/staff/users/{uid}", json={"active": False}, headers=headers).json()["active"]
        is False
    )
    me_id = client.get("/api/staff/users").json()["users"][0]["id"]
    assert (
        client.patch(f"/api/staff/users/{me_id}", json={"active": False}, headers=headers).status_code == 422
    )
    actions = [e["action"] for e in client.get("/api/staff/audit").json()["entries"]]
    assert actions.count("user_update") == 2 and "user_create" in actions and "login" in actions
    # A deactivated account cannot log in.
    other = TestClient(client.app)
    other.get("/staff/login")
    refused = other.post(
        "/api/staff/login",
        json={"username": "lan.nguyen", "password": "mật khẩu dài 123"},
        headers={"X-CSRF-Token": other.cookies.get("staff_login_csrf") or ""},
    )
    assert refused.status_code == 401


def attempt(client: TestClient, username: str, password: str) -> tuple[int, str]:
    client.get("/staff/login")
    response = client.post(
        "/api/staff/login",
        json={"username": username, "password": password},
        headers={"X-CSRF-Token": client.cookies.get("staff_login_csrf") or ""},
    )
    return response.status_code, response.text


def test_lock_out_after_repeated_failures_from_one_address(client: TestClient) -> None:
    answers = [attempt(client, REVIEWER[0], f"wrong {i}") for i in range(5)]
    unknown = attempt(client, "nobody-here", "wrong 0")
    # Locked, unknown and wrong password: the same answer (no enumeration, no lock oracle).
    assert set(answers) == {unknown} and unknown[0] == 401
    assert attempt(client, REVIEWER[0], REVIEWER[1]) == unknown  # locked: even the right password
    with session_scope() as session:
        entries = list(session.scalars(select(AuditEntry).where(AuditEntry.target == f"user:{REVIEWER[0]}")))
    assert [e.action for e in entries].count("login_failed") == 6
    assert "account_locked" in [e.action for e in entries]
    assert entries[-1].details == {"reason": "locked"}
    assert all("password" not in str(e.details).replace("wrong password", "") for e in entries)
    # The owner, from another address, is not locked out by whoever failed from this one.
    elsewhere = TestClient(client.app, client=("198.51.100.7", 50000))
    login(elsewhere, *REVIEWER)
    # An admin can unlock it for every address.
    csrf = login(client, *ADMIN)
    users = client.get("/api/staff/users").json()["users"]
    rid, locked = next((u["id"], u["locked"]) for u in users if u["username"] == REVIEWER[0])
    assert locked is True
    changed = client.patch(f"/api/staff/users/{rid}", json={"unlock": True}, headers={"X-CSRF-Token": csrf})
    assert changed.json()["locked"] is False
    login(TestClient(client.app), *REVIEWER)


def test_login_throttle_per_address_and_overall(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from api.main import create_app
    from core.settings import get_settings

    monkeypatch.setenv("STAFF_LOGIN_RATE_PER_IP", "3/minute")
    monkeypatch.setenv("STAFF_LOGIN_RATE_OVERALL", "5/minute")
    get_settings.cache_clear()
    app = create_app()
    one = TestClient(app, client=("198.51.100.1", 50000))
    codes = [attempt(one, "someone", "wrong password")[0] for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    other = TestClient(app, client=("198.51.100.2", 50000))
    # 3 + 2 attempts in all: the overall limit (5) is reached, whatever the address
    assert [attempt(other, "someone", "wrong password")[0] for _ in range(3)] == [401, 401, 429]
    third = TestClient(app, client=("198.51.100.3", 50000))
    code, body = attempt(third, "someone", "wrong password")
    assert code == 429 and "too many login attempts" in body


def test_cli_creates_users_without_a_default_password(database_url: str) -> None:
    from cli.app import app

    runner = CliRunner()
    result = runner.invoke(
        app,
        ["staff", "create-user", "--username", "ops", "--role", "admin", "--password-stdin"],
        input="a strong passphrase\n",
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app, ["staff", "create-user", "--username", "ops2", "--password-stdin"], input="\n"
    )
    assert result.exit_code == 2  # empty password refused; nothing is created with a default
    with session_scope() as session:
        names = {u.username: u for u in session.scalars(select(StaffUser))}
    assert set(names) == {"ops"} and names["ops"].password_hash.startswith("$argon2id$")


def test_login_throttle_is_shared_through_redis(redis_url: str) -> None:
    import secrets

    from core.staff.throttle import LoginThrottle

    prefix = f"dvctest-login-{secrets.token_hex(4)}"
    workers = [LoginThrottle(redis_url, "2/minute", "", prefix=prefix) for _ in range(2)]
    assert [w.check("198.51.100.9").allowed for w in (*workers, workers[0])] == [True, True, False]
    # Redis down: logins go on (the lock-out still applies), the failure is logged.
    assert LoginThrottle("redis://127.0.0.1:9/0", "1/minute", "").check("198.51.100.9").allowed
