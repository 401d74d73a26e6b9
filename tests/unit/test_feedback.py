"""Answer feedback (👍/👎): core rules and the POST /api/feedback contract, on a real migrated SQLite."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from core.analytics import record_exchange
from core.db import session_scope
from core.feedback import (
    AnswerFeedback,
    ExchangeNotFound,
    InvalidFeedback,
    NotYourExchange,
    record_feedback,
)
from core.models import UnresolvedQuestion

ANSWER = (
    "HỘ CHIẾU PHỔ THÔNG\nLệ phí: 200.000 đồng. Hỗ trợ: gọi 0912345678.\n"
    "Nguồn: https://example.gov.vn/tin-tuc/le-phi-17225122410473143.htm (cập nhật 2026-11-01)"
)


@pytest.fixture()
def client(database_url: str) -> Iterator[TestClient]:
    from api.main import create_app

    with TestClient(create_app()) as test_client:
        yield test_client


def make_exchange(sender: str = "widget-abc", channel: str = "widget", text: str = "Lệ phí hộ chiếu?") -> int:
    with session_scope() as session:
        row = record_exchange(
            session,
            text=text,
            sender_id=sender,
            channel=channel,
            status="answered",
            intent="ask_fee",
            language="vi",
            reply_count=1,
            reply_text=ANSWER,
        )
        return row.id


def feedback_rows() -> list[AnswerFeedback]:
    with session_scope() as session:
        return list(session.scalars(select(AnswerFeedback).order_by(AnswerFeedback.id)))


def unresolved_rows() -> list[UnresolvedQuestion]:
    with session_scope() as session:
        return list(session.scalars(select(UnresolvedQuestion).order_by(UnresolvedQuestion.id)))


def vote(client: TestClient, exchange_id: int, rating: str, sender: str = "widget-abc", **extra: object):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/feedback", json={"exchange_id": exchange_id, "sender_id": sender, "rating": rating, **extra}
    )


def test_thumbs_up_is_stored_with_the_exchange_channel(client: TestClient) -> None:
    exchange_id = make_exchange(channel="zalo_miniapp")
    response = vote(client, exchange_id, "up")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["exchange_id"] == exchange_id and body["rating"] == "up"
    assert body["channel"] == "zalo_miniapp"
    assert body["queued_as_unresolved"] is False and body["updated"] is False
    [row] = feedback_rows()
    assert (row.exchange_id, row.rating, row.channel, row.unresolved_id) == (
        exchange_id,
        "up",
        "zalo_miniapp",
        None,
    )
    assert row.sender_hash != "widget-abc"
    assert unresolved_rows() == []


def test_thumbs_down_queues_the_question_and_the_answer(client: TestClient) -> None:
    exchange_id = make_exchange(text="Lệ phí hộ chiếu? email tôi a.b@example.com")
    response = vote(client, exchange_id, "down")
    assert response.status_code == 201, response.text
    assert response.json()["queued_as_unresolved"] is True
    [entry] = unresolved_rows()
    assert (entry.reason, entry.channel, entry.status, entry.language) == (
        "thumbs_down",
        "widget",
        "new",
        "vi",
    )
    assert entry.text.startswith("Lệ phí hộ chiếu?") and "a.b@example.com" not in entry.text
    assert entry.bot_reply and "200.000 đồng" in entry.bot_reply
    assert "0912345678" not in entry.bot_reply and "[SĐT]" in entry.bot_reply
    assert "https://example.gov.vn/tin-tuc/le-phi-17225122410473143.htm (cập nhật" in entry.bot_reply
    [row] = feedback_rows()
    assert row.unresolved_id == entry.id and row.rating == "down"
    # The queue entry belongs to the same pseudonymous sender as the exchange.
    assert entry.sender_hash == row.sender_hash


def test_a_second_vote_replaces_the_first(client: TestClient) -> None:
    exchange_id = make_exchange()
    assert vote(client, exchange_id, "down").status_code == 201
    again = vote(client, exchange_id, "down")
    assert again.status_code == 201 and again.json()["updated"] is True
    assert len(feedback_rows()) == 1 and len(unresolved_rows()) == 1  # not queued twice

    changed = vote(client, exchange_id, "up")
    assert changed.status_code == 201
    assert changed.json() | {"id": 0} == {
        "id": 0,
        "exchange_id": exchange_id,
        "rating": "up",
        "channel": "widget",
        "queued_as_unresolved": False,
        "updated": True,
    }
    [row] = feedback_rows()
    assert row.rating == "up" and row.unresolved_id is None
    assert unresolved_rows() == []  # withdrawn while staff had not started on it

    assert vote(client, exchange_id, "down").json()["queued_as_unresolved"] is True
    assert [r.reason for r in unresolved_rows()] == ["thumbs_down"]


def test_changing_to_up_keeps_an_entry_staff_already_work_on(client: TestClient) -> None:
    exchange_id = make_exchange()
    vote(client, exchange_id, "down")
    with session_scope() as session:
        session.scalars(select(UnresolvedQuestion)).one().status = "in_progress"
    assert vote(client, exchange_id, "up").status_code == 201
    [entry] = unresolved_rows()
    assert entry.status == "in_progress"


def test_unknown_exchange_is_404(client: TestClient) -> None:
    response = vote(client, 999_999, "down")
    assert response.status_code == 404
    assert response.json()["detail"] == "exchange not found"
    assert feedback_rows() == [] and unresolved_rows() == []


def test_someone_elses_exchange_is_403(client: TestClient) -> None:
    exchange_id = make_exchange(sender="widget-owner")
    response = vote(client, exchange_id, "down", sender="widget-intruder")
    assert response.status_code == 403
    assert feedback_rows() == [] and unresolved_rows() == []


def test_comment_is_redacted_and_capped(client: TestClient) -> None:
    exchange_id = make_exchange()
    response = vote(client, exchange_id, "down", comment="  Sai rồi, gọi 0912345678, CCCD 001203004567  ")
    assert response.status_code == 201
    [row] = feedback_rows()
    assert row.comment == "Sai rồi, gọi [SĐT], CCCD [SỐ GIẤY TỜ]"
    too_long = vote(client, exchange_id, "down", comment="x" * 501)
    assert too_long.status_code == 422 and "comment" in too_long.json()["message"]
    assert feedback_rows()[0].comment == row.comment  # the stored vote is untouched


INVALID_BODIES: list[object] = [
    {"exchange_id": 1, "sender_id": "widget-abc", "rating": "meh"},
    {"exchange_id": 0, "sender_id": "widget-abc", "rating": "up"},
    {"exchange_id": "one", "sender_id": "widget-abc", "rating": "up"},
    {"exchange_id": 1, "sender_id": "bad id", "rating": "up"},
    {"exchange_id": 1, "rating": "up"},
    {"exchange_id": 1, "sender_id": "widget-abc", "rating": "up", "extra": True},
    [1, 2],
]


def test_invalid_bodies_are_422_with_a_message(client: TestClient) -> None:
    # One migrated database for all of them (each is rejected before the database is touched).
    for body in INVALID_BODIES:
        response = client.post("/api/feedback", json=body)
        assert response.status_code == 422, body
        assert response.json()["message"], body
    malformed = client.post(
        "/api/feedback", content=b'{"exchange_id": ', headers={"Content-Type": "application/json"}
    )
    assert malformed.status_code == 422 and malformed.json()["message"] == "Request body is not valid JSON."
    assert feedback_rows() == []


def test_core_refusals(database_url: str) -> None:
    exchange_id = make_exchange(sender="widget-owner")
    with session_scope() as session:
        with pytest.raises(ExchangeNotFound):
            record_feedback(session, exchange_id=exchange_id + 1, sender_id="widget-owner", rating="up")
        with pytest.raises(NotYourExchange):
            record_feedback(session, exchange_id=exchange_id, sender_id="someone", rating="up")
        with pytest.raises(InvalidFeedback):
            record_feedback(session, exchange_id=exchange_id, sender_id="widget-owner", rating="sideways")
        result = record_feedback(
            session, exchange_id=exchange_id, sender_id="widget-owner", rating="up", comment=" "
        )
        assert result.created and result.feedback.comment is None


def test_openapi_documents_feedback(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/api/feedback"]["post"]
    assert {"201", "403", "404", "422"} <= set(operation["responses"])
    schema = spec["components"]["schemas"]["FeedbackRequest"]
    assert set(schema["required"]) == {"exchange_id", "sender_id", "rating"}
    assert schema["properties"]["rating"]["enum"] == ["up", "down"]


def test_widget_assets_and_demo_are_served(client: TestClient) -> None:
    script = client.get("/widget.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "innerHTML" not in script.text and "insertAdjacentHTML" not in script.text
    assert '"widget"' in script.text  # the channel it reports
    css = client.get("/widget.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    demo = client.get("/demo")
    assert demo.status_code == 200 and "DEMO" in demo.text
    # Embedded with exactly one script tag, nothing from a CDN.
    scripts = re.findall(r"<script\b[^>]*>", demo.text)
    assert scripts == ['<script src="/widget.js" data-lang="vi" defer>']
    assert "cdn" not in demo.text.lower()


def test_cors_allows_the_widget_endpoints_only(client: TestClient) -> None:
    preflight = {
        "Origin": "https://portal.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    for path in ("/api/chat", "/api/feedback"):
        response = client.options(path, headers=preflight)
        assert response.status_code == 200, path
        assert response.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in response.headers
    health = client.get("/health/live", headers={"Origin": "https://portal.example"})
    assert "access-control-allow-origin" not in health.headers


def test_simultaneous_votes_on_one_exchange_leave_one_vote_and_one_queue_entry(database_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from api.schemas import FeedbackRequest
    from api.services.feedback import _store

    exchange_id = make_exchange()
    body = FeedbackRequest(exchange_id=exchange_id, sender_id="widget-abc", rating="down")
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: _store(body), range(6)))
    assert {r.rating for r in results} == {"down"}
    assert sum(not r.updated for r in results) == 1
    assert len(feedback_rows()) == 1
    assert [r.reason for r in unresolved_rows()] == ["thumbs_down"]
