"""Hostile input on the real app (issue 15): reserved sender ids, lone surrogates, invisible-only
text, ids beyond BIGINT, CORS for the Mini App hosted by Zalo, security headers, the docs."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from core.db import session_scope
from core.models import ChatExchange, UnresolvedQuestion
from core.settings import get_settings
from core.staff.accounts import create_user
from tests.unit.test_staff_auth import ADMIN, login, staff_routes

JSON = {"Content-Type": "application/json"}
TOO_BIG = 2**63
ZALO_ORIGIN = "https://h5.zdn.vn"


@pytest.fixture()
def client(database_url: str) -> Iterator[TestClient]:
    from api.main import create_app

    with session_scope() as session:
        create_user(session, username=ADMIN[0], password=ADMIN[1], role="admin")
    with TestClient(create_app()) as test_client:
        yield test_client


def stored_texts() -> list[str]:
    with session_scope() as session:
        return [row.text for row in session.scalars(select(UnresolvedQuestion))] + [
            row.text for row in session.scalars(select(ChatExchange))
        ]


# --- 8: sender ids the API builds for verified Zalo users ------------------------------------


@pytest.mark.parametrize("sender", ["zalo:1234567890", "ZALO:1234567890", "zalo_oa:3f2a9c", "Zalo_OA:x"])
def test_a_client_cannot_claim_a_zalo_sender_id(client: TestClient, sender: str) -> None:
    chat = client.post("/api/chat", json={"sender_id": sender, "text": "Lệ phí hộ chiếu?"})
    assert chat.status_code == 422
    assert "sender_id: must not start with 'zalo:'" in chat.json()["message"]
    feedback = client.post("/api/feedback", json={"exchange_id": 1, "sender_id": sender, "rating": "down"})
    assert feedback.status_code == 422
    assert "reserved for verified Zalo users" in feedback.json()["message"]
    assert stored_texts() == []


def test_ordinary_sender_ids_with_zalo_inside_still_pass_validation(client: TestClient) -> None:
    # Rasa is a closed port here: 503 is the documented answer once the input is valid.
    for sender in ("web-zalo:1", "miniapp-zalo_oa"):
        assert client.post("/api/chat", json={"sender_id": sender, "text": "xin chào"}).status_code == 503


# --- 11 and 14: text that cannot be stored or shows nothing -----------------------------------


def test_a_lone_surrogate_is_422_with_a_clear_message(client: TestClient) -> None:
    body = b'{"sender_id": "web-1", "text": "h\\ud800 chieu"}'
    response = client.post("/api/chat", content=body, headers=JSON)
    assert response.status_code == 422
    assert response.json()["message"] == (
        "text: contains an invalid character (a lone UTF-16 surrogate); send valid Unicode text"
    )
    comment = b'{"exchange_id": 1, "sender_id": "web-1", "rating": "down", "comment": "\\udc00"}'
    assert client.post("/api/feedback", content=comment, headers=JSON).status_code == 422
    assert stored_texts() == []


def test_a_valid_surrogate_pair_is_ordinary_text(client: TestClient) -> None:
    body = b'{"sender_id": "web-1", "text": "h\\ud83d\\ude00 chieu"}'  # an emoji, escaped
    assert client.post("/api/chat", content=body, headers=JSON).status_code == 503  # reached "Rasa"


@pytest.mark.parametrize(
    "text",
    ["\u200b", "\u200b\u200c\u200d\u2060\ufeff", " \u200b \u00ad ", "\u3164\u3164", "\u2800", "\u202e\u200e"],
)
def test_text_of_invisible_characters_only_is_422(client: TestClient, text: str) -> None:
    response = client.post("/api/chat", json={"sender_id": "web-1", "text": text})
    assert response.status_code == 422
    assert response.json()["message"] == "text: must not be empty (only spaces or invisible characters)"
    assert stored_texts() == []


# --- 12: ids beyond what the database holds -------------------------------------------------


def test_feedback_on_an_id_beyond_bigint_is_422(client: TestClient) -> None:
    response = client.post(
        "/api/feedback", json={"exchange_id": TOO_BIG, "sender_id": "web-1", "rating": "up"}
    )
    assert response.status_code == 422
    assert "exchange_id" in response.json()["message"]


def test_every_staff_id_beyond_bigint_is_422(client: TestClient) -> None:
    csrf = login(client, *ADMIN)
    headers = {"X-CSRF-Token": csrf}
    with_ids = [(m, p) for m, p in staff_routes(client.app) if "_id}" in p]
    assert len(with_ids) >= 4  # drafts, training runs, models, users
    bodies = {"PUT": {"status": "open"}, "PATCH": {"active": True}, "POST": {}}
    for method, path in with_ids:
        url = path.split("{")[0] + str(TOO_BIG) + path.split("}", 1)[1]
        response = client.request(method, url, json=bodies.get(method), headers=headers)
        assert response.status_code == 422, (method, path, response.status_code)
    for route in ("/api/staff/review", "/api/staff/review/reopen"):
        body = {"question_ids": [1, TOO_BIG], "action": "ignore"}
        response = client.post(route, json=body, headers=headers)
        assert response.status_code == 422, route
        assert "question_ids.1" in response.json()["message"]


# --- 11 and 13: other ways in, and the log ----------------------------------------------


def test_a_lone_surrogate_from_the_zalo_webhook_path_is_kept_not_a_crash(database_url: str) -> None:
    import asyncio

    from api.services.chat import ChatUnavailable, handle_message
    from api.services.rasa_client import RasaClient

    async def send() -> None:
        rasa = RasaClient("http://127.0.0.1:9", "", 2.0)  # a closed port: Rasa down
        try:
            await handle_message(rasa, "zalo_oa:abc", "h\ud800 chieu", "zalo_oa")
        finally:
            await rasa.aclose()

    with pytest.raises(ChatUnavailable):  # Rasa's fault, and the question is kept
        asyncio.run(send())
    assert stored_texts() == ["h\ufffd chieu", "h\ufffd chieu"]


def test_the_log_says_how_rasa_failed(
    client: TestClient, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.INFO)
    response = client.post("/api/chat", json={"sender_id": "web-2", "text": "Lệ phí hộ chiếu?"})
    assert response.status_code == 503
    logged = caplog.text + capsys.readouterr().out
    assert '"failure": "unreachable"' in logged and '"event": "rasa_unavailable"' in logged


# --- 15: CORS for the Mini App hosted by Zalo and for the catalogue -----------------------------


def test_preflight_allows_the_zalo_token_header_on_chat(client: TestClient) -> None:
    response = client.options(
        "/api/chat",
        headers={
            "Origin": ZALO_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-zalo-access-token",
        },
    )
    assert response.status_code == 200
    assert "x-zalo-access-token" in response.headers["access-control-allow-headers"].lower()


def test_catalogue_answers_carry_cors_headers(catalogue_db: str) -> None:
    from api.main import create_app

    with TestClient(create_app()) as client:
        for path in ("/api/services?q=ho%20chieu", "/api/services/passport"):
            response = client.get(path, headers={"Origin": ZALO_ORIGIN})
            assert response.status_code == 200, path
            assert response.headers["access-control-allow-origin"] == "*"


def test_allowed_origins_are_configurable(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from api.main import create_app

    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", f"{ZALO_ORIGIN}, https://portal.example/")
    get_settings.cache_clear()
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    with TestClient(create_app()) as client:
        for origin in (ZALO_ORIGIN, "https://portal.example"):
            allowed = client.options("/api/chat", headers={**preflight, "Origin": origin})
            assert allowed.status_code == 200
            assert allowed.headers["access-control-allow-origin"] == origin
        refused = client.options("/api/chat", headers={**preflight, "Origin": "https://evil.example"})
        assert refused.status_code == 400
        catalogue = client.get("/api/services", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in catalogue.headers
    get_settings.cache_clear()


# --- 16: security headers, staff JSON not cached, the docs ------------------------------------


@pytest.mark.parametrize("path", ["/", "/demo"])
def test_pages_send_a_csp_without_inline_script_and_cannot_be_framed(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    # The page itself keeps to the policy: no inline script, handler or style.
    html = response.text.lower()
    assert "<style" not in html and " style=" not in html and " onsubmit=" not in html
    assert "<script>" not in html


def test_assets_and_api_answers_are_nosniff(client: TestClient) -> None:
    for path in ("/widget.js", "/static/chat/chat.js", "/health/live"):
        assert client.get(path).headers["x-content-type-options"] == "nosniff", path


def test_staff_json_is_never_cached(client: TestClient) -> None:
    assert client.get("/api/staff/me").headers["cache-control"] == "no-store"  # the 401 too
    login(client, *ADMIN)
    for path in ("/api/staff/me", "/api/staff/inbox", "/api/staff/users"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path


def test_no_docs_from_a_cdn_and_no_staff_routes_in_the_public_schema(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    spec = client.get("/openapi.json").json()
    assert "/api/chat" in spec["paths"]
    assert [path for path in spec["paths"] if path.startswith(("/api/staff", "/staff"))] == []
