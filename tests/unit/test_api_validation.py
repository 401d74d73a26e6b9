"""API contract: validation errors, limits, and Rasa unreachable (a closed port, not a mock)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from core.db import session_scope
from core.models import UnresolvedQuestion


@pytest.fixture()
def client(database_url: str) -> Iterator[TestClient]:
    from api.main import create_app

    with TestClient(create_app()) as test_client:
        yield test_client


def _unresolved() -> list[UnresolvedQuestion]:
    with session_scope() as session:
        return list(session.scalars(select(UnresolvedQuestion)))


def test_malformed_json_is_422_with_a_clear_message(client: TestClient) -> None:
    response = client.post(
        "/api/chat", content=b'{"sender_id": "a", "text": ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["message"] == "Request body is not valid JSON."


def test_missing_field_is_422_naming_the_field(client: TestClient) -> None:
    response = client.post("/api/chat", json={"sender_id": "abc"})
    assert response.status_code == 422
    assert "text: Field required" in response.json()["message"]


@pytest.mark.parametrize(
    "body",
    [
        {"sender_id": "", "text": "xin chào"},
        {"sender_id": "bad id with spaces", "text": "xin chào"},
        {"sender_id": "abc", "text": 42},
        {"sender_id": "abc", "text": "xin chào", "extra": 1},
        {"sender_id": "abc", "text": "xin chào", "channel": "fax"},
        [1, 2, 3],
    ],
)
def test_invalid_bodies_are_422(client: TestClient, body: object) -> None:
    assert client.post("/api/chat", json=body).status_code == 422


def test_blank_text_is_422(client: TestClient) -> None:
    response = client.post("/api/chat", json={"sender_id": "abc", "text": "   "})
    assert response.status_code == 422
    assert response.json()["message"] == "text: must not be empty (only spaces or invisible characters)"


def test_text_over_2000_characters_is_413(client: TestClient) -> None:
    response = client.post("/api/chat", json={"sender_id": "abc", "text": "a" * 2001})
    assert response.status_code == 413
    assert "2000" in response.json()["detail"]


def test_rasa_unreachable_is_503_friendly_and_the_message_is_logged_redacted(client: TestClient) -> None:
    response = client.post(
        "/api/chat", json={"sender_id": "web-1", "text": "Hộ chiếu gửi về 0912345678 được không"}
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    reply = response.json()["replies"][0]["text"]
    assert "Xin lỗi" in reply and "ghi lại" in reply
    rows = _unresolved()
    assert len(rows) == 1
    assert rows[0].reason == "rasa_unavailable"
    assert rows[0].channel == "web"
    assert "0912345678" not in rows[0].text and "[SĐT]" in rows[0].text
    assert rows[0].sender_hash != "web-1"


def test_health_reports_each_part_and_503_when_down(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["components"]["db"]["status"] == "ok"
    assert body["components"]["rasa"]["status"] == "down"
    assert body["components"]["actions"]["status"] == "down"
    assert client.get("/health/live").status_code == 200


def test_openapi_documents_the_chat_contract(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/api/chat"]["post"]
    assert {"200", "413", "422", "503"} <= set(operation["responses"])
    assert "ChatRequest" in spec["components"]["schemas"]


def test_chat_page_is_served(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "Trợ lý dịch vụ công" in page.text
    assert client.get("/static/chat/chat.js").status_code == 200
