"""Analytics records: one row per chat message, redacted at write time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from core.models import ChatExchange
from core.privacy import redact
from core.unresolved import MAX_STORED_CHARS, log_unresolved, sender_hash

FALLBACK_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})


def record_exchange(
    session: Session,
    *,
    text: str,
    sender_id: str | None = None,
    hashed_sender: str | None = None,
    channel: str,
    status: str,
    intent: str | None = None,
    confidence: float | None = None,
    service: str | None = None,
    language: str | None = None,
    reply_count: int = 0,
    reply_text: str | None = None,
    latency_ms: int | None = None,
) -> ChatExchange:
    if status == "answered" and intent in FALLBACK_INTENTS:
        status = "fallback"
    row = ChatExchange(
        text=redact(text)[:MAX_STORED_CHARS],
        sender_hash=hashed_sender or sender_hash(_required(sender_id)),
        channel=channel[:40],
        status=status,
        intent=intent,
        confidence=confidence,
        service=service,
        language=language,
        reply_count=reply_count,
        reply_text=reply_text[:MAX_STORED_CHARS] if reply_text else None,
        latency_ms=latency_ms,
    )
    session.add(row)
    session.flush()
    return row


def _required(sender_id: str | None) -> str:
    if sender_id is None:
        raise ValueError("record_exchange needs sender_id or hashed_sender")
    return sender_id


def store_chat_record(
    session: Session, record: dict[str, Any], created_at: dt.datetime | None = None
) -> ChatExchange:
    """Write one chat record (see api.services.chat.chat_record): the exchange, and the
    unresolved question when the record names a reason. Used live and when replaying the spool
    (records spooled before the sender was hashed at the edge carry `sender_id`)."""
    hashed = record.get("sender_hash") or sender_hash(record["sender_id"])
    if record.get("unresolved_reason"):
        question = log_unresolved(
            session,
            text=record["text"],
            hashed_sender=hashed,
            channel=record["channel"],
            reason=record["unresolved_reason"],
        )
        if created_at is not None:
            question.created_at = created_at
    exchange = record_exchange(
        session,
        text=record["text"],
        hashed_sender=hashed,
        channel=record["channel"],
        status=record["status"],
        intent=record.get("intent"),
        confidence=record.get("confidence"),
        service=record.get("service"),
        language=record.get("language"),
        reply_count=record.get("reply_count", 0),
        reply_text=record.get("reply_text"),
        latency_ms=record.get("latency_ms"),
    )
    if created_at is not None:
        exchange.created_at = created_at
    return exchange
