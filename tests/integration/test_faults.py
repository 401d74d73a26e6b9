"""Faults, for real: each test stops and starts a real process or cuts the real database,
and checks that the user gets a clear, friendly answer, nothing they sent is lost, and the service
recovers by itself. Runs on the production footing (`prod_stack`: PostgreSQL + Redis), plus one
SQLite case on the shared `stack`.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.support.stack import Stack

pytestmark = pytest.mark.timeout(900)


def ask(stack: Stack, text: str, sender: str) -> httpx.Response:
    return httpx.post(f"{stack.api_url}/api/chat", json={"sender_id": sender, "text": text}, timeout=90)


def reply_text(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return "\n".join(reply["text"] for reply in response.json()["replies"])


def rows(database_url: str, sql: str, **params: object) -> list[tuple]:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(sql), params)]
    finally:
        engine.dispose()


def unresolved_for(stack: Stack, text: str) -> list[str]:
    return [
        r[0]
        for r in rows(
            stack.database_url, "SELECT reason FROM unresolved_questions WHERE text = :t ORDER BY id", t=text
        )
    ]


def spooled(stack: Stack) -> int:
    spool = Path(stack.env()["SPOOL_DIR"])
    return sum(len(p.read_text().splitlines()) for p in spool.glob("*.jsonl")) if spool.is_dir() else 0


def test_action_server_down_gives_a_friendly_answer_and_logs_the_question(prod_stack: Stack) -> None:
    stack = prod_stack
    text = f"Lệ phí làm hộ chiếu bao nhiêu? ({uuid.uuid4().hex[:6]})"
    stack.stop("actions")
    try:
        response = ask(stack, text, f"fault-act-{uuid.uuid4().hex[:6]}")
        answer = reply_text(response)
        assert "tạm gián đoạn" in answer and "ghi lại" in answer and "1900" in answer
        assert unresolved_for(stack, text) == ["actions_unavailable"]
        health = httpx.get(f"{stack.api_url}/health", timeout=10).json()
        assert health["components"]["actions"]["status"] == "down"
    finally:
        stack.start("actions")
        stack.wait_ready("actions")
    assert "000 đồng" in reply_text(
        ask(stack, "Lệ phí làm hộ chiếu bao nhiêu?", f"fault-act-{uuid.uuid4().hex[:6]}")
    )


def test_rasa_restarted_mid_conversation_continues_from_the_tracker_store(prod_stack: Stack) -> None:
    stack = prod_stack
    sender = f"fault-rasa-{uuid.uuid4().hex[:6]}"
    first = reply_text(ask(stack, "Thủ tục làm hộ chiếu online thế nào?", sender))
    assert "HỘ CHIẾU" in first.upper()
    stack.stop("rasa")
    try:
        # While Rasa is down: a clear 503 with a friendly message, and the question is kept.
        down = ask(stack, "còn lệ phí thì sao?", sender)
        assert down.status_code == 503 and down.headers.get("Retry-After")
        assert "gián đoạn" in down.json()["replies"][0]["text"]
        assert "rasa_unavailable" in unresolved_for(stack, "còn lệ phí thì sao?")
    finally:
        stack.start("rasa")
        stack.wait_ready("rasa")
    # A new Rasa process: the conversation (slot `service`) comes back from PostgreSQL.
    follow_up = reply_text(ask(stack, "còn lệ phí thì sao?", sender))
    assert "HỘ CHIẾU" in follow_up.upper() and "000 đồng" in follow_up


def test_postgres_briefly_unavailable_fails_cleanly_keeps_the_message_and_recovers(
    prod_stack: Stack, postgres
) -> None:  # type: ignore[no-untyped-def]
    stack = prod_stack
    database = stack.app_db  # type: ignore[attr-defined]
    lost_text = f"Làm căn cước cho con thế nào? ({uuid.uuid4().hex[:6]})"
    sender = f"fault-db-{uuid.uuid4().hex[:6]}"
    assert spooled(stack) == 0
    postgres.block(database)  # refuse new connections and cut the open ones
    try:
        response = ask(stack, lost_text, sender)
        assert response.status_code in {200, 503}, response.text  # never a 500
        if response.status_code == 503:
            assert "ghi lại" in response.json()["replies"][0]["text"]
        assert spooled(stack) == 1  # the message waits in the spool, not lost
        health = httpx.get(f"{stack.api_url}/health", timeout=10)
        assert health.status_code == 503 and health.json()["components"]["db"]["status"] == "down"
    finally:
        postgres.unblock(database)
    # Back: the next request works without any restart, and the spooled message is replayed.
    assert "000 đồng" in reply_text(ask(stack, "Lệ phí làm hộ chiếu bao nhiêu?", sender))
    assert spooled(stack) == 0
    assert rows(stack.database_url, "SELECT count(*) FROM chat_exchanges WHERE text = :t", t=lost_text) == [
        (1,)
    ]
    assert httpx.get(f"{stack.api_url}/health", timeout=10).status_code == 200


def test_sqlite_locked_fails_cleanly_keeps_the_message_and_recovers(stack: Stack) -> None:
    """The embedded default: another process holds the SQLite database locked for a while."""
    path = stack.database_url.split("///", 1)[1]
    locked_text = f"Lệ phí làm hộ chiếu bao nhiêu? ({uuid.uuid4().hex[:6]})"
    sender = f"fault-sqlite-{uuid.uuid4().hex[:6]}"
    before = spooled(stack)
    holder = sqlite3.connect(path, timeout=1, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        response = ask(stack, locked_text, sender)
        assert response.status_code in {200, 503}, response.text  # readers may still answer; never a 500
        assert spooled(stack) == before + 1
        assert time.monotonic() - started < 60
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    reply_text(ask(stack, "Xin chào", sender))
    assert spooled(stack) == 0
    assert rows(stack.database_url, "SELECT count(*) FROM chat_exchanges WHERE text = :t", t=locked_text) == [
        (1,)
    ]
