"""Rate limits for the chat endpoint: per sender and per client IP, fixed windows.

Backed by Redis when REDIS_URL is set (shared by every API worker and machine), in memory
otherwise (per process: right for one worker, generous enough for a few). Built on `limits`.
If Redis is unreachable the limiter lets requests through (and logs it): a rate limit must
never take the assistant down.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import structlog
from limits import RateLimitItem, parse_many
from limits.aio.strategies import FixedWindowRateLimiter
from limits.storage import storage_from_string

logger = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0  # seconds, when refused
    scope: str = ""  # "sender" | "ip", when refused


ALLOWED = Decision(True)


def _items(spec: str) -> list[RateLimitItem]:
    spec = (spec or "").strip()
    if not spec or spec in {"0", "off", "none"}:
        return []
    return list(parse_many(spec))


def storage_uri(redis_url: str) -> str:
    if not redis_url:
        return "async+memory://"
    if redis_url.startswith(("redis://", "rediss://", "unix://")):
        return "async+" + redis_url
    return redis_url


class RateLimiter:
    def __init__(self, redis_url: str, per_sender: str, per_ip: str, prefix: str = "dvc-ratelimit") -> None:
        uri = storage_uri(redis_url)
        options: dict[str, Any] = {"wrap_exceptions": True}
        if "redis" in uri:
            options.update(
                implementation="redispy", key_prefix=prefix, socket_timeout=1.0, socket_connect_timeout=1.0
            )
        self.backend = "redis" if "redis" in uri else "memory"
        self._limiter = FixedWindowRateLimiter(storage_from_string(uri, **options))
        self._rules: list[tuple[str, RateLimitItem]] = [
            *(("sender", item) for item in _items(per_sender)),
            *(("ip", item) for item in _items(per_ip)),
        ]

    @property
    def enabled(self) -> bool:
        return bool(self._rules)

    async def check(self, sender_id: str | None, client_ip: str | None) -> Decision:
        """Count one request; refuse it if any of its limits is exhausted."""
        keys = {"sender": sender_id, "ip": client_ip}
        try:
            for scope, item in self._rules:
                key = keys[scope]
                if not key:
                    continue
                if not await self._limiter.hit(item, scope, key):
                    stats = await self._limiter.get_window_stats(item, scope, key)
                    retry = max(1, math.ceil(stats.reset_time - time.time()))
                    return Decision(False, retry, scope)
        except Exception as exc:  # storage down: fail open, loudly
            logger.warning("ratelimit_storage_error", error=type(exc).__name__, backend=self.backend)
        return ALLOWED

    async def reset(self) -> None:
        await self._limiter.storage.reset()
