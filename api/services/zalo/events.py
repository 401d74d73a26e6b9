"""OA webhook events: stored first (redacted, de-duplicated by msg_id), then processed in the background."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from api.schemas import Reply
from api.services.chat import UNAVAILABLE_VI, ChatUnavailable, handle_message
from api.services.rasa_client import RasaClient
from api.services.zalo.client import ZaloOAClient
from api.services.zalo.messages import TEXT_ONLY_VI, WELCOME_VI
from core.db import rowcount, session_scope
from core.models import ZaloEvent
from core.privacy import redact
from core.settings import get_settings
from core.unresolved import sender_hash

logger = structlog.get_logger(__name__)

CHANNEL = "zalo_oa"
TEXT_EVENT = "user_send_text"
FOLLOW_EVENT = "follow"
NON_TEXT_EVENTS = frozenset(
    {
        "user_send_image",
        "user_send_sticker",
        "user_send_file",
        "user_send_location",
        "user_send_audio",
        "user_send_video",
        "user_send_gif",
        "user_send_link",
        "user_send_business_card",
    }
)
HANDLED_EVENTS = NON_TEXT_EVENTS | {TEXT_EVENT, FOLLOW_EVENT}
STUCK_AFTER_SECONDS = 120


@dataclass(frozen=True)
class IncomingEvent:
    key: str
    event_name: str
    user_id: str
    text: str | None
    timestamp: int | None


def is_echo(payload: dict[str, Any]) -> bool:
    """Events about the OA's own messages (oa_send_text, oa_send_image...): never answered."""
    return str(payload.get("event_name", "")).startswith("oa_send_")


def parse_event(payload: dict[str, Any]) -> IncomingEvent | None:
    """The parts we use; None for events we do not handle or that lack a user."""
    name = str(payload.get("event_name") or "")
    if name not in HANDLED_EVENTS:
        return None
    who = payload.get("follower") if name == FOLLOW_EVENT else payload.get("sender")
    user_id = str((who or {}).get("id") or "") if isinstance(who, dict) else ""
    if not user_id:
        return None
    message: dict[str, Any] = payload["message"] if isinstance(payload.get("message"), dict) else {}
    try:
        timestamp = int(str(payload.get("timestamp")))
    except ValueError:
        timestamp = None
    msg_id = str(message.get("msg_id") or "")
    key = msg_id or f"{name}:{user_id}:{timestamp}"
    text = message.get("text") if name == TEXT_EVENT else None
    return IncomingEvent(
        key=key[:200],
        event_name=name,
        user_id=user_id[:64],
        text=str(text) if text is not None else None,
        timestamp=timestamp,
    )


def persist_event(event: IncomingEvent) -> int | None:
    """Store the event; None if it was already received (same msg_id)."""
    max_chars = get_settings().max_message_chars
    try:
        with session_scope() as session:
            row = ZaloEvent(
                event_key=event.key,
                event_name=event.event_name,
                user_id=event.user_id,
                text=redact(event.text)[:max_chars] if event.text is not None else None,
                event_timestamp=event.timestamp,
                status="pending",
                attempts=0,
            )
            session.add(row)
            session.flush()
            return row.id
    except IntegrityError:
        return None


def _claim(event_id: int) -> ZaloEvent | None:
    with session_scope() as session:
        claimed = rowcount(
            session.execute(
                update(ZaloEvent)
                .where(ZaloEvent.id == event_id, ZaloEvent.status == "pending")
                .values(status="processing", attempts=ZaloEvent.attempts + 1)
            )
        )
        if claimed != 1:
            return None
        return session.get(ZaloEvent, event_id)


def _finish(event_id: int, status: str, error: str | None = None) -> None:
    with session_scope() as session:
        session.execute(
            update(ZaloEvent)
            .where(ZaloEvent.id == event_id)
            .values(
                status=status,
                error=(error or None) and error[:500],
                processed_at=dt.datetime.now(dt.timezone.utc),
            )
        )


def rasa_sender(user_id: str) -> str:
    """The conversation id Rasa sees: pseudonymous, stable per Zalo user."""
    return f"zalo_oa:{sender_hash('zalo:' + user_id)[:40]}"


async def replies_for(event: ZaloEvent, rasa: RasaClient) -> list[Reply]:
    if event.event_name == FOLLOW_EVENT:
        return [Reply(text=WELCOME_VI)]
    if event.event_name in NON_TEXT_EVENTS or not (event.text or "").strip():
        return [Reply(text=TEXT_ONLY_VI)]
    try:
        response = await handle_message(rasa, rasa_sender(event.user_id), event.text or "", CHANNEL)
    except ChatUnavailable:
        return [Reply(text=UNAVAILABLE_VI.format(hotline=get_settings().hotline))]
    return response.replies


async def process_event(event_id: int, rasa: RasaClient, zalo: ZaloOAClient) -> str:
    """Answer one stored event through the OA; returns its final status."""
    event = await run_in_threadpool(_claim, event_id)
    if event is None:
        return "skipped"
    started = time.perf_counter()
    try:
        replies = await replies_for(event, rasa)
        sent = 0
        for reply in replies:
            sent += await zalo.send_reply(event.user_id, reply)
    except Exception as exc:  # noqa: BLE001 - recorded on the event, never lost
        logger.warning(
            "zalo_event_failed",
            event_id=event_id,
            event_name=event.event_name,
            error=f"{type(exc).__name__}: {exc}"[:300],
        )
        await run_in_threadpool(_finish, event_id, "failed", f"{type(exc).__name__}: {exc}")
        return "failed"
    await run_in_threadpool(_finish, event_id, "done")
    logger.info(
        "zalo_event_done",
        event_id=event_id,
        event_name=event.event_name,
        messages=sent,
        ms=int((time.perf_counter() - started) * 1000),
    )
    return "done"


def pending_event_ids(include_failed: bool = False) -> list[int]:
    """Events not answered: pending, stuck in processing (crash), optionally failed."""
    stuck_before = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=STUCK_AFTER_SECONDS)
    statuses = ["pending", "failed"] if include_failed else ["pending"]
    with session_scope() as session:
        stuck = list(
            session.scalars(
                select(ZaloEvent.id).where(
                    ZaloEvent.status == "processing", ZaloEvent.received_at < stuck_before
                )
            )
        )
        if stuck:
            session.execute(update(ZaloEvent).where(ZaloEvent.id.in_(stuck)).values(status="pending"))
        if include_failed:
            session.execute(update(ZaloEvent).where(ZaloEvent.status == "failed").values(status="pending"))
        return list(
            session.scalars(
                select(ZaloEvent.id)
                .where(or_(*(ZaloEvent.status == s for s in statuses), ZaloEvent.id.in_(stuck)))
                .order_by(ZaloEvent.id)
            )
        )
