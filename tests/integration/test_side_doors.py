"""Side doors of the running stack, probed from the same machine: Rasa's channel webhooks and the
action server without their secrets, secrets on command lines, database file modes, forged
X-Forwarded-For, and the staff login (enumeration, lock-out of others, throttle).

Each staff-login test talks from its own loopback address (127.0.0.x) so that per-address
lock-outs and throttles of one test stay out of the others' way.
"""

from __future__ import annotations

import statistics
import subprocess
import time
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from core.models import AuditEntry, UnresolvedQuestion
from tests.support.stack import APP_PY, ROOT, Stack

pytestmark = pytest.mark.timeout(600)

OWNER = ("door-owner", "owner password " + uuid.uuid4().hex[:8])
OTHER = ("door-other", "other password " + uuid.uuid4().hex[:8])


def unresolved_count(stack: Stack) -> int:
    engine = create_engine(stack.database_url)
    try:
        with Session(engine) as session:
            return session.scalar(select(func.count()).select_from(UnresolvedQuestion)) or 0
    finally:
        engine.dispose()


def audit_rows(stack: Stack, target: str) -> list[AuditEntry]:
    engine = create_engine(stack.database_url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(AuditEntry).where(AuditEntry.target == target)))
    finally:
        engine.dispose()


def rasa_user_texts(stack: Stack, sender: str) -> list[str]:
    tracker = httpx.get(
        f"{stack.rasa_url}/conversations/{sender}/tracker", params={"token": stack.token}, timeout=30
    )
    assert tracker.status_code == 200, tracker.text
    return [e.get("text") for e in tracker.json()["events"] if e["event"] == "user"]


# --- 6. Rasa's channel webhooks ---------------------------------------------------------------


def test_rasa_channel_refuses_calls_without_the_token(stack: Stack) -> None:
    sender = f"door-{uuid.uuid4().hex[:8]}"
    body = {"sender": sender, "message": "Thủ tục làm hộ chiếu", "input_channel": "web", "metadata": {}}
    url = f"{stack.rasa_url}/webhooks/api/webhook"
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": stack.token}):
        refused = httpx.post(url, json=body, headers=headers, timeout=60)
        assert refused.status_code == 401, (headers, refused.text)
        assert "slots" not in refused.text
    assert rasa_user_texts(stack, sender) == []  # nothing was written into the conversation
    # Rasa's plain REST channel is gone.
    rest = httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook", json=body, timeout=60)
    assert rest.status_code == 404
    # The API's own calls carry the token and still work.
    answered = httpx.post(
        f"{stack.api_url}/api/chat", json={"sender_id": sender, "text": "Xin chào"}, timeout=60
    )
    assert answered.status_code == 200, answered.text


# --- 7. The action server -----------------------------------------------------------------------


def forged_action_call(sender: str) -> dict[str, object]:
    return {
        "next_action": "action_log_unresolved",
        "sender_id": sender,
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": {},
            "latest_message": {
                "text": "forged question",
                "intent": {"name": "nlu_fallback"},
                "metadata": {"channel": "forged"},
            },
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": None,
            "latest_input_channel": "forged",
        },
    }


def test_action_server_refuses_forged_calls(stack: Stack) -> None:
    url = f"http://127.0.0.1:{stack.ports['actions']}/webhook"
    call = forged_action_call(f"forged-{uuid.uuid4().hex[:8]}")
    before = unresolved_count(stack)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Bearer {stack.token}"}):
        refused = httpx.post(url, json=call, headers=headers, timeout=30)
        assert refused.status_code == 401, (headers, refused.text)
    listing = httpx.get(f"http://127.0.0.1:{stack.ports['actions']}/actions", timeout=30)
    assert listing.status_code == 401
    assert unresolved_count(stack) == before
    # The same call with Rasa's secret is served: the refusal above is the secret's doing.
    served = httpx.post(url, json=call, headers={"Authorization": f"Bearer {stack.action_token}"}, timeout=30)
    assert served.status_code == 200, served.text
    assert unresolved_count(stack) == before + 1


# --- 9. Secrets on command lines, file modes, forwarded addresses ------------------------------


@pytest.mark.parametrize("name", ["rasa", "actions"])
def test_no_secret_on_a_command_line(stack: Stack, name: str) -> None:
    pid = stack.processes[name].pid
    shown = subprocess.run(
        ["ps", "-ww", "-o", "args=", "-p", str(pid)], capture_output=True, text=True
    ).stdout
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    assert ("bot.serve" if name == "rasa" else "actions.serve") in shown
    for secret in (stack.token, stack.action_token):
        assert secret not in shown and secret not in cmdline


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_database_files_are_private(stack: Stack, tmp_path: Path) -> None:
    assert mode(stack.workdir / "app.db") == 0o600  # migrated by the CLI, written by API and actions
    assert mode(stack.workdir / "tracker.db") == 0o600  # Rasa's tracker store
    # A fresh install: the database folder is created private.
    database = tmp_path / "var" / "dvc.db"
    subprocess.run(
        [str(APP_PY), "-m", "cli", "db", "upgrade"],
        cwd=ROOT,
        env={**stack.env(), "DATABASE_URL": f"sqlite:///{database}"},
        check=True,
        capture_output=True,
    )
    assert mode(database.parent) == 0o700
    assert [mode(p) for p in sorted(database.parent.iterdir())] == [0o600] * len(
        list(database.parent.iterdir())
    )


# --- 10. Staff login ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def staff_users(stack: Stack) -> None:
    for username, password in (OWNER, OTHER):
        subprocess.run(
            [str(APP_PY), "-m", "cli", "staff", "create-user", "--username", username]
            + ["--role", "reviewer", "--password-stdin"],
            cwd=ROOT,
            env=stack.env(),
            input=password + "\n",
            capture_output=True,
            text=True,
            check=True,
        )


def from_address(stack: Stack, address: str) -> httpx.Client:
    """A client whose connections come from `address` (any 127.x.y.z is this machine)."""
    client = httpx.Client(
        base_url=stack.api_url, transport=httpx.HTTPTransport(local_address=address), timeout=60
    )
    assert client.get("/staff/login").status_code == 200  # the login page's CSRF cookie
    return client


def attempt(client: httpx.Client, username: str, password: str, **headers: str) -> tuple[int, str, float]:
    started = time.perf_counter()
    response = client.post(
        "/api/staff/login",
        json={"username": username, "password": password},
        headers={"X-CSRF-Token": client.cookies.get("staff_login_csrf") or "", **headers},
    )
    return response.status_code, response.text, time.perf_counter() - started


def test_forged_forwarded_for_does_not_reach_the_audit_log(stack: Stack, staff_users: None) -> None:
    client = from_address(stack, "127.0.0.1")  # the address uvicorn's own default trusts
    code, _, _ = attempt(client, OTHER[0], "not the password", **{"X-Forwarded-For": "203.0.113.66"})
    assert code == 401
    assert audit_rows(stack, f"user:{OTHER[0]}")[-1].ip == "127.0.0.1"


def test_login_answers_alike_for_unknown_locked_and_wrong(stack: Stack, staff_users: None) -> None:
    stranger = from_address(stack, "127.0.0.22")
    for i in range(5):  # locks OWNER, but only for this address
        assert attempt(stranger, OWNER[0], f"guess {i}")[0] == 401
    samples: dict[str, list[tuple[int, str, float]]] = {"locked": [], "unknown": [], "wrong": []}
    for _ in range(3):
        samples["locked"].append(attempt(stranger, OWNER[0], OWNER[1]))  # even the right password
        samples["unknown"].append(attempt(stranger, "no-such-user", OWNER[1]))
        samples["wrong"].append(attempt(stranger, OTHER[0], "not the password"))
    answers = {(code, text) for rows in samples.values() for code, text, _ in rows}
    assert len(answers) == 1 and next(iter(answers))[0] == 401, answers
    # Same work for each (one argon2 verification): no timing oracle either.
    medians = {kind: statistics.median(t for _, _, t in rows) for kind, rows in samples.items()}
    assert 0.4 < medians["locked"] / medians["unknown"] < 2.5, medians
    assert 0.4 < medians["wrong"] / medians["unknown"] < 2.5, medians
    # The lock was the stranger's: the owner, from elsewhere, logs in.
    owner = from_address(stack, "127.0.0.23")
    assert attempt(owner, *OWNER)[0] == 200
    locked_rows = [e for e in audit_rows(stack, f"user:{OWNER[0]}") if e.action == "account_locked"]
    assert [e.ip for e in locked_rows] == ["127.0.0.22"]


def test_login_is_throttled_per_address(stack: Stack, staff_users: None) -> None:
    client = from_address(stack, "127.0.0.24")
    codes = [attempt(client, f"guess-{i}", "password guess")[0] for i in range(21)]
    assert codes == [401] * 20 + [429]  # STAFF_LOGIN_RATE_PER_IP: 20/minute
    # Another address is not affected.
    assert attempt(from_address(stack, "127.0.0.25"), "guess-x", "password guess")[0] == 401
