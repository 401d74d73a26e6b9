"""The production footing, for real: PostgreSQL app database and Rasa tracker store,
Redis lock store and rate limits — started by the `prod_stack` fixture on throwaway databases."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid

import httpx
import pytest
import redis
import sqlalchemy as sa

from core.privacy import pseudonymise
from tests.support.stack import Stack

pytestmark = pytest.mark.timeout(600)


def ask(stack: Stack, text: str, sender: str) -> httpx.Response:
    return httpx.post(f"{stack.api_url}/api/chat", json={"sender_id": sender, "text": text}, timeout=60)


def reply_text(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return "\n".join(reply["text"] for reply in response.json()["replies"])


def test_health_on_postgres(prod_stack: Stack) -> None:
    response = httpx.get(f"{prod_stack.api_url}/health", timeout=10)
    assert response.status_code == 200, response.text
    assert prod_stack.database_url.startswith("postgresql")


def test_conversation_lives_in_postgres_and_locks_in_redis(prod_stack: Stack, redis_url: str) -> None:
    stack = prod_stack
    sender = f"prod-{uuid.uuid4().hex[:10]}"
    commands: list[str] = []
    monitor_client = redis.Redis.from_url(redis_url)
    stop = threading.Event()

    def watch() -> None:
        with monitor_client.monitor() as monitor:
            for command in monitor.listen():
                commands.append(str(command.get("command", "")))
                if stop.is_set():
                    return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    time.sleep(0.5)
    first = reply_text(ask(stack, "Thủ tục làm hộ chiếu online thế nào?", sender))
    follow_up = reply_text(ask(stack, "còn lệ phí thì sao?", sender))
    stop.set()
    monitor_client.ping()  # wakes the monitor up so that it sees `stop`
    watcher.join(timeout=5)
    assert "HỘ CHIẾU" in first.upper() and "000 đồng" in follow_up
    # Rasa's lock for this conversation went through Redis, under our prefix.
    rasa_id = pseudonymise(sender, stack.hash_key)  # Rasa never sees the raw sender id
    assert any(f"{stack.prefix}:lock:{rasa_id}" in c for c in commands), commands[-20:]  # type: ignore[attr-defined]
    # Rasa's tracker store: the events of this conversation are rows in PostgreSQL.
    engine = sa.create_engine(stack.extra_env["RASA_TRACKER_URL"])
    with engine.connect() as connection:
        texts = (
            connection.execute(
                sa.text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id"),
                {"s": rasa_id},
            )
            .scalars()
            .all()
        )
    engine.dispose()
    assert [json.loads(data)["text"] for data in texts] == [
        "Thủ tục làm hộ chiếu online thế nào?",
        "còn lệ phí thì sao?",
    ]
    # Our analytics: both exchanges in the PostgreSQL app database.
    engine = sa.create_engine(stack.database_url)
    with engine.connect() as connection:
        statuses = connection.execute(
            sa.text("SELECT status, service FROM chat_exchanges ORDER BY id DESC LIMIT 2")
        ).all()
    engine.dispose()
    assert [tuple(row) for row in statuses] == [("answered", "passport"), ("answered", "passport")]


def test_parallel_conversations_all_answered(prod_stack: Stack) -> None:
    """20 conversations at once: every message answered, each conversation keeps its own service."""
    import asyncio

    async def conversation(client: httpx.AsyncClient, index: int) -> tuple[str, str]:
        sender = f"par-{index}-{uuid.uuid4().hex[:6]}"
        first = await client.post(
            "/api/chat", json={"sender_id": sender, "text": "Thủ tục làm hộ chiếu online thế nào?"}
        )
        second = await client.post("/api/chat", json={"sender_id": sender, "text": "còn lệ phí thì sao?"})
        assert first.status_code == 200 and second.status_code == 200, (first.text, second.text)
        return first.json()["replies"][0]["text"], second.json()["replies"][0]["text"]

    async def run() -> list[tuple[str, str]]:
        async with httpx.AsyncClient(base_url=prod_stack.api_url, timeout=120) as client:
            return await asyncio.gather(*(conversation(client, i) for i in range(20)))

    # In a thread of its own: Playwright's sync API (browser tests in the same session) keeps an
    # event loop on the main thread, where asyncio.run() refuses to start.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        results = pool.submit(asyncio.run, run()).result()
    for first, second in results:
        assert "HỘ CHIẾU" in first.upper() and "000 đồng" in second


def test_api_fails_over_past_a_dead_rasa_server(prod_stack: Stack) -> None:
    """RASA_URLS lists a dead server first: every conversation is still answered, whichever
    server its sender id sticks to."""
    assert prod_stack.extra_env["RASA_URLS"].count(",") == 1
    for index in range(8):
        assert "Xin chào" in reply_text(ask(prod_stack, "Xin chào", f"pool-{index}-{uuid.uuid4().hex[:6]}"))


def test_rate_limit_state_is_in_redis(prod_stack: Stack, redis_url: str) -> None:
    sender = f"rl-{uuid.uuid4().hex[:8]}"
    ask(prod_stack, "Xin chào", sender)
    keys = redis.Redis.from_url(redis_url).keys(f"{prod_stack.prefix}-ratelimit*")  # type: ignore[attr-defined]
    # keyed by the sender hash, never the raw id (it may be a phone number)
    hashed = hmac.new(prod_stack.hash_key.encode(), sender.encode(), hashlib.sha256).hexdigest()[:32]
    assert any(hashed.encode() in key for key in keys), keys
    assert not any(sender.encode() in key for key in keys), keys


def test_process_logs_never_contain_message_text(prod_stack: Stack) -> None:
    marker = f"Zebra{uuid.uuid4().hex[:8]}"
    sender = f"log-{uuid.uuid4().hex[:8]}"
    ask(prod_stack, f"Lệ phí hộ chiếu {marker} gọi 0912345678", sender)
    time.sleep(0.5)
    api_log = (prod_stack.workdir / "api.log").read_text(errors="replace")
    assert "POST /api/chat" in api_log  # uvicorn's access log is on ...
    assert marker not in api_log and "0912345678" not in api_log  # ... and never has the text


def test_retention_purges_the_real_tracker_store(prod_stack: Stack) -> None:
    """Last in this module: purges every conversation of the throwaway tracker store."""
    from core.retention import purge_tracker_store

    url = prod_stack.extra_env["RASA_TRACKER_URL"]
    sender = f"ret-{uuid.uuid4().hex[:8]}"
    reply_text(ask(prod_stack, "Xin chào", sender))
    assert purge_tracker_store(url, 30) == (0, 0)  # everything here is recent
    conversations, events = purge_tracker_store(url, 1, now=time.time() + 2 * 86400)
    assert conversations >= 1 and events >= 3
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM events")).scalar_one() == 0
    engine.dispose()
    # Rasa starts a fresh conversation for a purged sender.
    assert "Xin chào" in reply_text(ask(prod_stack, "Xin chào", sender))
