"""Chat use case: forward a message to Rasa; whatever happens, the user's words are not lost.

Personal data is redacted here, at the edge: Rasa, its tracker store, the logs and the
analytics only ever see the redacted text.
"""

from __future__ import annotations

import time

import structlog
from starlette.concurrency import run_in_threadpool

from api.schemas import ChatResponse, Reply
from api.services.rasa_client import RasaClient, RasaUnavailable, Turn
from core.analytics import record_exchange
from core.db import session_scope
from core.privacy import redact
from core.unresolved import log_unresolved

logger = structlog.get_logger(__name__)

UNAVAILABLE_VI = (
    "Xin lỗi, trợ lý đang tạm thời gián đoạn. Câu hỏi của bạn đã được ghi lại; "
    "bạn vui lòng thử lại sau ít phút hoặc gọi tổng đài {hotline}."
)
NO_REPLY_VI = "Xin lỗi, mình chưa có câu trả lời cho câu hỏi này. Câu hỏi đã được ghi lại để cán bộ bổ sung."


class ChatUnavailable(RuntimeError):
    """Rasa is unreachable; the message has been logged."""


def _record(
    sender_id: str, text: str, channel: str, status: str, turn: Turn | None, latency_ms: int
) -> int:
    """Store the exchange (and the unresolved question, if any); return the exchange id."""
    with session_scope() as session:
        if status in {"rasa_unavailable", "no_reply"}:
            log_unresolved(session, text=text, sender_id=sender_id, channel=channel, reason=status)
        exchange = record_exchange(
            session,
            text=text,
            sender_id=sender_id,
            channel=channel,
            status=status,
            intent=turn.intent if turn else None,
            confidence=turn.confidence if turn else None,
            service=(turn.slots.get("service") if turn else None),
            language=(turn.slots.get("language") if turn else None),
            reply_count=len(turn.replies) if turn else 0,
            reply_text="\n\n".join(r.text for r in turn.replies) if turn else None,
            latency_ms=latency_ms,
        )
        return exchange.id


async def handle_message(rasa: RasaClient, sender_id: str, text: str, channel: str) -> ChatResponse:
    """Send `text` to the assistant as `sender_id` on `channel`; record the exchange."""
    safe_text = redact(text)
    started = time.perf_counter()
    try:
        turn = await rasa.send(sender_id, safe_text, channel, {"channel": channel})
    except RasaUnavailable as exc:
        logger.warning("rasa_unavailable", error=str(exc), channel=channel)
        elapsed = int((time.perf_counter() - started) * 1000)
        await run_in_threadpool(_record, sender_id, safe_text, channel, "rasa_unavailable", None, elapsed)
        raise ChatUnavailable from exc
    elapsed = int((time.perf_counter() - started) * 1000)
    status = "answered" if turn.replies else "no_reply"
    exchange_id = await run_in_threadpool(_record, sender_id, safe_text, channel, status, turn, elapsed)
    replies = turn.replies or [Reply(text=NO_REPLY_VI)]
    return ChatResponse(replies=replies, exchange_id=exchange_id)
