"""Per-sender and per-IP rate limits on POST /api/chat: 429 with Retry-After.

The body is read once here (it is small: BodySizeLimit runs first) to find `sender_id`, then
handed on unchanged. Bodies that are not valid JSON are only limited per IP; the route answers 4xx.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.middleware.body_limit import send_json
from core.ratelimit import RateLimiter
from core.settings import get_settings

logger = structlog.get_logger(__name__)

LIMITED_PATHS = frozenset({"/api/chat"})
TOO_MANY_VI = "Bạn gửi tin nhắn quá nhanh. Vui lòng đợi {seconds} giây rồi thử lại."


def _sender_of(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    sender = data.get("sender_id") if isinstance(data, dict) else None
    if not isinstance(sender, str) or not sender:
        return None
    # The limiter's keys (in Redis with several workers) carry a keyed hash, never the raw id (a
    # phone number); "surrogatepass": the body is not validated yet.
    key = (get_settings().sender_hash_key or "rate-limit").encode()
    return hmac.new(key, sender[:128].encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:32]


class ChatRateLimit:
    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope.get("method") != "POST"
            or scope.get("path") not in LIMITED_PATHS
            or not self.limiter.enabled
        ):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        messages: list[Message] = []
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        client = scope.get("client")
        decision = await self.limiter.check(_sender_of(b"".join(chunks)), client[0] if client else None)
        if not decision.allowed:
            logger.info("rate_limited", scope=decision.scope, retry_after=decision.retry_after)
            body = json.dumps(
                {
                    "detail": f"rate limit exceeded ({decision.scope})",
                    "replies": [{"text": TOO_MANY_VI.format(seconds=decision.retry_after), "buttons": []}],
                },
                ensure_ascii=False,
            ).encode()
            await send_json(send, 429, body, [(b"retry-after", str(decision.retry_after).encode())])
            return

        pending = list(messages)

        async def replay() -> Message:
            if pending:
                return pending.pop(0)
            return await receive()

        await self.app(scope, replay, send)
