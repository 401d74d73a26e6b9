"""Chat use case: forward a message to Rasa; whatever happens, the user's words are not lost.

Personal data is redacted here, at the edge: Rasa, its tracker store, the logs and the
analytics only ever see the redacted text.
"""

from __future__ import annotations

import datetime as dt
import time

import httpx
import structlog
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from api.schemas import ChatResponse, Reply
from api.services.rasa_client import RasaClient, RasaUnavailable, Turn
from core import spool
from core.analytics import store_chat_record
from core.db import session_scope
from core.privacy import redact
from core.settings import get_settings
from core.unresolved import rasa_sender_id, sender_hash

logger = structlog.get_logger(__name__)

UNAVAILABLE_VI = (
    "Xin lỗi, trợ lý đang tạm thời gián đoạn. Câu hỏi của bạn đã được ghi lại; "
    "bạn vui lòng thử lại sau ít phút hoặc gọi tổng đài {hotline}."
)
ACTIONS_DOWN_VI = (
    "Xin lỗi, phần tra cứu thủ tục đang tạm gián đoạn nên mình chưa trả lời được. Câu hỏi của bạn "
    "đã được ghi lại; bạn vui lòng hỏi lại sau ít phút hoặc gọi tổng đài {hotline}."
)
NO_REPLY_VI = "Xin lỗi, mình chưa có câu trả lời cho câu hỏi này. Câu hỏi đã được ghi lại để cán bộ bổ sung."


UNRESOLVED_STATUSES = frozenset({"rasa_unavailable", "no_reply", "actions_unavailable"})


class ChatUnavailable(RuntimeError):
    """Rasa is unreachable; the message has been logged."""


def chat_record(
    sender_id: str, text: str, channel: str, status: str, turn: Turn | None, latency_ms: int
) -> dict:
    """Everything stored about one message, as plain data (written to the database or the spool;
    the sender only as its keyed hash)."""
    return {
        "at": dt.datetime.now(dt.timezone.utc).isoformat(),
        "sender_hash": sender_hash(sender_id),
        "text": text,
        "channel": channel,
        "status": status,
        "unresolved_reason": status if status in UNRESOLVED_STATUSES else None,
        "intent": turn.intent if turn else None,
        "confidence": turn.confidence if turn else None,
        "service": turn.slots.get("service") if turn else None,
        "language": turn.slots.get("language") if turn else None,
        "reply_count": len(turn.replies) if turn else 0,
        "reply_text": "\n\n".join(r.text for r in turn.replies) if turn else None,
        "latency_ms": latency_ms,
    }


def _record_or_spool(record: dict) -> int | None:
    """Store the record and return the exchange id; if the database is unavailable, keep the
    record in the spool (None). After a successful write, whatever waited in the spool is replayed."""
    try:
        with session_scope() as session:
            exchange_id = store_chat_record(session, record).id
    except SQLAlchemyError as exc:
        logger.error("db_unavailable_record_spooled", error=type(exc).__name__, status=record["status"])
        spool.write("chat_exchange", record)
        return None
    if spool.pending():
        spool.replay(spool.apply_chat_exchange)
    return exchange_id


async def _actions_down() -> bool:
    url = get_settings().action_server_url.rstrip("/") + "/health"
    try:
        async with httpx.AsyncClient(timeout=2.0) as client:
            return (await client.get(url)).status_code != 200
    except httpx.HTTPError:
        return True


async def handle_message(rasa: RasaClient, sender_id: str, text: str, channel: str) -> ChatResponse:
    """Send `text` to the assistant as `sender_id` on `channel`; record the exchange."""
    safe_text = redact(text)
    started = time.perf_counter()
    try:
        # Rasa keeps conversations under the keyed hash, never the raw id (a phone number, zalo:<id>).
        turn = await rasa.send(rasa_sender_id(sender_id), safe_text, channel, {"channel": channel})
    except RasaUnavailable as exc:
        logger.warning("rasa_unavailable", error=str(exc), channel=channel)
        elapsed = int((time.perf_counter() - started) * 1000)
        record = chat_record(sender_id, safe_text, channel, "rasa_unavailable", None, elapsed)
        await run_in_threadpool(_record_or_spool, record)
        raise ChatUnavailable from exc
    elapsed = int((time.perf_counter() - started) * 1000)
    status = "answered" if turn.replies else "no_reply"
    fallback = NO_REPLY_VI
    if not turn.replies and await _actions_down():
        status, fallback = "actions_unavailable", ACTIONS_DOWN_VI.format(hotline=get_settings().hotline)
    record = chat_record(sender_id, safe_text, channel, status, turn, elapsed)
    exchange_id = await run_in_threadpool(_record_or_spool, record)
    if exchange_id is None and not turn.replies:
        raise ChatUnavailable("database unavailable; the message was spooled")
    replies = turn.replies or [Reply(text=fallback)]
    return ChatResponse(replies=replies, exchange_id=exchange_id)
