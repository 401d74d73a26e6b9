"""Analytics records: one row per chat message, redacted at write time."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.models import ChatExchange
from core.privacy import redact
from core.unresolved import MAX_STORED_CHARS, sender_hash

FALLBACK_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})


def record_exchange(
    session: Session,
    *,
    text: str,
    sender_id: str,
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
        sender_hash=sender_hash(sender_id),
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
