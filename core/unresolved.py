"""The feedback loop's inbox: questions the assistant could not answer, stored redacted."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.models import UnresolvedQuestion
from core.privacy import pseudonymise, redact
from core.settings import get_settings

MAX_STORED_CHARS = 4000


class MissingSecretError(RuntimeError):
    pass


def sender_hash(sender_id: str) -> str:
    key = get_settings().sender_hash_key
    if not key:
        raise MissingSecretError("SENDER_HASH_KEY is not set (run `make env` or set it in .env)")
    return pseudonymise(sender_id, key)


def log_unresolved(
    session: Session,
    *,
    text: str,
    sender_id: str,
    channel: str,
    reason: str,
    intents: list[dict[str, Any]] | None = None,
    language: str | None = None,
) -> UnresolvedQuestion:
    row = UnresolvedQuestion(
        text=redact(text)[:MAX_STORED_CHARS],
        sender_hash=sender_hash(sender_id),
        channel=channel[:40],
        reason=reason,
        intents=[
            {"name": str(i.get("name")), "confidence": round(float(i.get("confidence") or 0.0), 4)}
            for i in (intents or [])[:5]
        ],
        language=language,
    )
    session.add(row)
    session.flush()
    return row
