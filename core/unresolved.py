"""The feedback loop's inbox: questions the assistant could not answer, stored redacted."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.models import UnresolvedQuestion
from core.privacy import is_pseudonym, pseudonymise, redact
from core.settings import get_settings

MAX_STORED_CHARS = 4000


class MissingSecretError(RuntimeError):
    pass


def sender_hash(sender_id: str) -> str:
    key = get_settings().sender_hash_key
    if not key:
        raise MissingSecretError("SENDER_HASH_KEY is not set (run `make env` or set it in .env)")
    return pseudonymise(sender_id, key)


def rasa_sender_id(sender_id: str) -> str:
    """The conversation id Rasa (tracker store, lock store, action server) sees: the sender hash
    itself, so that the action server can log questions under the same hash as the API."""
    return sender_hash(sender_id)


def hash_of_rasa_sender(rasa_id: str) -> str:
    """The sender hash of a Rasa conversation: ids from the API already are the hash; any other
    (Rasa's REST channel, `rasa shell`) is hashed here."""
    return rasa_id if is_pseudonym(rasa_id) else sender_hash(rasa_id)


def log_unresolved(
    session: Session,
    *,
    text: str,
    sender_id: str | None = None,
    hashed_sender: str | None = None,
    channel: str,
    reason: str,
    intents: list[dict[str, Any]] | None = None,
    language: str | None = None,
) -> UnresolvedQuestion:
    """Store a question for staff, redacted; the sender is given raw (`sender_id`, hashed here) or
    already hashed (`hashed_sender`)."""
    if hashed_sender is None:
        if sender_id is None:
            raise ValueError("log_unresolved needs sender_id or hashed_sender")
        hashed_sender = sender_hash(sender_id)
    row = UnresolvedQuestion(
        text=redact(text)[:MAX_STORED_CHARS],
        sender_hash=hashed_sender,
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
