"""Rate limits on POST /api/chat: per sender and per IP, 429 with Retry-After.

In memory (no REDIS_URL) and on the real Redis server (shared by several app instances, as by
several API workers). Rasa is a closed port: an allowed message gets the documented 503.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient


def make_client(
    monkeypatch: pytest.MonkeyPatch, per_sender: str, per_ip: str, redis: str = "", prefix: str = ""
) -> TestClient:
    from api.main import create_app
    from core.settings import get_settings

    monkeypatch.setenv("RATE_LIMIT_PER_SENDER", per_sender)
    monkeypatch.setenv("RATE_LIMIT_PER_IP", per_ip)
    monkeypatch.setenv("REDIS_URL", redis)
    monkeypatch.setenv("REDIS_PREFIX", prefix or f"test{secrets.token_hex(4)}")
    get_settings.cache_clear()
    return TestClient(create_app(), raise_server_exceptions=False)


def say(client: TestClient, sender: str, text: str = "Lệ phí hộ chiếu?"):  # type: ignore[no-untyped-def]
    return client.post("/api/chat", json={"sender_id": sender, "text": text})


@pytest.fixture()
def memory_client(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    with make_client(monkeypatch, "3/minute", "5/minute") as client:
        yield client


def test_per_sender_limit_is_429_with_retry_after(memory_client: TestClient) -> None:
    statuses = [say(memory_client, "alice").status_code for _ in range(3)]
    assert statuses == [503, 503, 503]  # allowed (Rasa is a closed port)
    refused = say(memory_client, "alice")
    assert refused.status_code == 429
    retry_after = int(refused.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    body = refused.json()
    assert "sender" in body["detail"] and str(retry_after) in body["replies"][0]["text"]
    # Another sender from the same IP is still served (IP limit 5 not reached).
    assert say(memory_client, "bob").status_code == 503


def test_per_ip_limit_covers_every_sender(memory_client: TestClient) -> None:
    statuses = [say(memory_client, f"user{i}").status_code for i in range(6)]
    assert statuses[:5] == [503] * 5 and statuses[5] == 429
    assert "ip" in memory_client.post("/api/chat", json={"sender_id": "new", "text": "x"}).json()["detail"]


def test_refused_messages_are_not_processed(memory_client: TestClient) -> None:
    from sqlalchemy import func, select

    from core.db import session_scope
    from core.models import ChatExchange

    for _ in range(5):
        say(memory_client, "carol")
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(ChatExchange)) == 3


def test_other_routes_and_bad_bodies_are_not_counted_per_sender(memory_client: TestClient) -> None:
    for _ in range(10):
        assert memory_client.get("/health/live").status_code == 200
    assert memory_client.post(
        "/api/chat", content=b"not json", headers={"content-type": "application/json"}
    ).status_code in {400, 422}
    assert say(memory_client, "dave").status_code == 503


def test_limits_can_be_switched_off(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with make_client(monkeypatch, "", "") as client:
        assert {say(client, "erin").status_code for _ in range(8)} == {503}


def test_redis_limits_are_shared_between_workers(
    database_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefix = f"test{secrets.token_hex(4)}"
    with (
        make_client(monkeypatch, "4/minute", "100/minute", redis_url, prefix) as first,
        make_client(monkeypatch, "4/minute", "100/minute", redis_url, prefix) as second,
    ):
        statuses = [say(client, "frank").status_code for client in (first, second, first, second, first)]
    assert statuses == [503, 503, 503, 503, 429]
    import redis

    keys = redis.Redis.from_url(redis_url).keys(f"{prefix}-ratelimit*")
    assert keys, "the counters live in Redis"


def test_redis_down_lets_requests_through(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rate limiter must never take the assistant down: storage errors fail open."""
    with make_client(monkeypatch, "1/minute", "1/minute", "redis://127.0.0.1:9/0") as client:
        assert [say(client, "gina").status_code for _ in range(3)] == [503, 503, 503]


def test_limiter_directly_on_redis(redis_url: str) -> None:
    from core.ratelimit import RateLimiter

    limiter = RateLimiter(redis_url, "2/second", "", prefix=f"test{secrets.token_hex(4)}")
    assert limiter.backend == "redis"

    async def run() -> list[bool]:
        return [(await limiter.check("s", "1.2.3.4")).allowed for _ in range(3)]

    assert asyncio.run(run()) == [True, True, False]
