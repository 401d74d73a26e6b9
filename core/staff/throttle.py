"""Login throttle: attempts per client address and in all, fixed windows (the `limits` library).

Shared through Redis when REDIS_URL is set, in memory otherwise; like the chat rate limits
(core/ratelimit.py) it lets attempts through, loudly, if Redis is unreachable.
"""

from __future__ import annotations

import math
import time
from typing import Any

import structlog
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from core.ratelimit import ALLOWED, Decision, _items

logger = structlog.get_logger(__name__)


class LoginThrottle:
    def __init__(self, redis_url: str, per_ip: str, overall: str, prefix: str = "dvc-login") -> None:
        options: dict[str, Any] = {"wrap_exceptions": True}
        if redis_url:
            options.update(key_prefix=prefix, socket_timeout=1.0, socket_connect_timeout=1.0)
        self._limiter = FixedWindowRateLimiter(storage_from_string(redis_url or "memory://", **options))
        self._rules = [
            *(("ip", item) for item in _items(per_ip)),
            *(("all", item) for item in _items(overall)),
        ]

    def check(self, client_ip: str | None) -> Decision:
        """Count one login attempt; refuse it if a limit is exhausted."""
        keys = {"ip": client_ip or "-", "all": "all"}
        try:
            for scope, item in self._rules:
                if not self._limiter.hit(item, "staff-login", scope, keys[scope]):
                    stats = self._limiter.get_window_stats(item, "staff-login", scope, keys[scope])
                    return Decision(False, max(1, math.ceil(stats.reset_time - time.time())), scope)
        except Exception as exc:  # storage down: fail open, loudly
            logger.warning("login_throttle_storage_error", error=type(exc).__name__)
        return ALLOWED
