"""Chat use case: forward a message to Rasa; whatever happens, the user's words are not lost.

Personal data is redacted here, at the edge: Rasa, its tracker store, the logs and the
analytics only ever see the redacted text.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import lru_cache

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
BUSY_VI = "Mình vẫn đang trả lời tin nhắn trước của bạn. Bạn vui lòng đợi giây lát rồi gửi lại."
FAILED_VI = (
    "Xin lỗi, hệ thống gặp lỗi nên chưa trả lời được. Câu hỏi của bạn đã được ghi lại; "
    "bạn vui lòng thử lại sau ít phút hoặc gọi tổng đài {hotline}."
)


UNRESOLVED_STATUSES = frozenset({"rasa_unavailable", "no_reply", "actions_unavailable", "internal_error"})


class ChatUnavailable(RuntimeError):
    """Rasa is unreachable; the message has been logged."""


class ChatFailed(RuntimeError):
    """Our own error (not Rasa's) while handling a message; the message has been logged."""


class SenderBusy(RuntimeError):
    """This sender already has messages in flight; answer 429 with Retry-After."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("sender busy")
        self.retry_after = retry_after


@dataclass
class _Slot:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0  # the message in flight plus those waiting


class SenderGate:
    """At most one message per sender in flight in this process (Rasa would serialise them anyway,
    by polling its lock once a second); up to `max_waiting` more wait, at most `wait_seconds`."""

    def __init__(self, max_waiting: int, wait_seconds: float) -> None:
        self.max_waiting = max_waiting
        self.wait_seconds = wait_seconds
        self._slots: dict[str, _Slot] = {}

    @property
    def retry_after(self) -> int:
        return max(1, round(self.wait_seconds / 2))

    @asynccontextmanager
    async def hold(self, sender_id: str) -> AsyncIterator[None]:
        slot = self._slots.setdefault(sender_id, _Slot())
        if slot.users > self.max_waiting:
            logger.info("sender_busy", waiting=slot.users - 1)
            raise SenderBusy(self.retry_after)
        slot.users += 1
        try:
            try:
                await asyncio.wait_for(slot.lock.acquire(), self.wait_seconds)
            except asyncio.TimeoutError:
                logger.info("sender_busy_timeout", waited_seconds=self.wait_seconds)
                raise SenderBusy(self.retry_after) from None
            try:
                yield
            finally:
                slot.lock.release()
        finally:
            slot.users -= 1
            if slot.users == 0 and self._slots.get(sender_id) is slot:
                del self._slots[sender_id]


@lru_cache
def sender_gate() -> SenderGate:
    settings = get_settings()
    return SenderGate(settings.chat_sender_max_waiting, settings.chat_sender_wait_seconds)


def valid_unicode(text: str) -> str:
    """Lone UTF-16 surrogates (JSON "\\ud800") cannot be encoded for Rasa or the database: U+FFFD.
    The public API refuses them (422); this covers the other ways in (the Zalo OA webhook)."""
    return "".join("\ufffd" if "\ud800" <= char <= "\udfff" else char for char in text)


def rasa_failure(exc: RasaUnavailable) -> str:
    """How Rasa failed: not reached, too slow, an error status, or an answer we cannot read."""
    cause = exc.__cause__
    if isinstance(cause, httpx.TimeoutException):
        return "timeout"
    if isinstance(cause, httpx.HTTPStatusError):
        return "error_status"
    if isinstance(cause, httpx.TransportError):
        return "unreachable"
    return "bad_answer"


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
    safe_text = redact(valid_unicode(text))
    started = time.perf_counter()

    async def keep(status: str) -> None:
        elapsed = int((time.perf_counter() - started) * 1000)
        await run_in_threadpool(
            _record_or_spool, chat_record(sender_id, safe_text, channel, status, None, elapsed)
        )

    try:
        # Rasa keeps conversations under the keyed hash, never the raw id (a phone number, zalo:<id>).
        turn = await rasa.send(rasa_sender_id(sender_id), safe_text, channel, {"channel": channel})
    except RasaUnavailable as exc:
        logger.warning("rasa_unavailable", failure=rasa_failure(exc), error=str(exc), channel=channel)
        await keep("rasa_unavailable")
        raise ChatUnavailable from exc
    except Exception as exc:  # ours, not Rasa's: say so in the log, keep the question
        logger.exception("chat_internal_error", error=type(exc).__name__, channel=channel)
        await keep("internal_error")
        raise ChatFailed from exc
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
