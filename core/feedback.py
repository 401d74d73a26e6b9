"""Answer feedback (👍/👎) on one chat exchange.

One vote per exchange: a second vote replaces the first. A 👎 puts the exchange (question and
the bot's answer, both redacted) in the unresolved queue with reason "thumbs_down"; changing the
vote to 👍 takes it out again while staff have not started on it (status "new").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import AnswerFeedback, ChatExchange, UnresolvedQuestion
from core.privacy import redact
from core.unresolved import MAX_STORED_CHARS, log_unresolved, sender_hash

Rating = Literal["up", "down"]
RATINGS: frozenset[str] = frozenset({"up", "down"})
MAX_COMMENT_CHARS = 500
THUMBS_DOWN = "thumbs_down"
_URL = re.compile(r"https?://\S+")


class FeedbackError(Exception):
    """Base class of the refusals below."""


class ExchangeNotFound(FeedbackError):
    pass


class NotYourExchange(FeedbackError):
    """The sender id does not match the sender of the exchange."""


class InvalidFeedback(FeedbackError, ValueError):
    pass


@dataclass(frozen=True)
class FeedbackResult:
    feedback: AnswerFeedback
    created: bool


def redact_answer(text: str) -> str:
    """Redact a bot answer but leave its links whole (source URLs are full of long digit runs
    that core.privacy.redact would take for account numbers)."""
    parts: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        parts.append(redact(text[last : match.start()]))
        parts.append(match.group(0))
        last = match.end()
    parts.append(redact(text[last:]))
    return "".join(parts)


def clean_comment(comment: str | None) -> str | None:
    """Trim, cap and redact a free-text comment; blank becomes None."""
    if comment is None:
        return None
    comment = comment.strip()
    if not comment:
        return None
    if len(comment) > MAX_COMMENT_CHARS:
        raise InvalidFeedback(f"comment is {len(comment)} characters; the limit is {MAX_COMMENT_CHARS}")
    return redact(comment)


def record_feedback(
    session: Session,
    *,
    exchange_id: int,
    sender_id: str,
    rating: str,
    comment: str | None = None,
) -> FeedbackResult:
    """Store (or replace) the sender's vote on an exchange; 👎 queues the exchange as unresolved.

    Raises ExchangeNotFound, NotYourExchange or InvalidFeedback. Flushes, does not commit.
    """
    if rating not in RATINGS:
        raise InvalidFeedback(f"rating must be one of {sorted(RATINGS)}")
    comment = clean_comment(comment)
    exchange = session.get(ChatExchange, exchange_id)
    if exchange is None:
        raise ExchangeNotFound(f"no exchange {exchange_id}")
    hashed = sender_hash(sender_id)
    if hashed != exchange.sender_hash:
        raise NotYourExchange(f"exchange {exchange_id} belongs to another conversation")

    feedback = session.scalars(
        select(AnswerFeedback).where(AnswerFeedback.exchange_id == exchange_id)
    ).one_or_none()
    created = feedback is None
    if feedback is None:
        feedback = AnswerFeedback(exchange_id=exchange_id, channel=exchange.channel, sender_hash=hashed)
        session.add(feedback)
    feedback.rating = rating
    feedback.comment = comment

    if rating == "down" and feedback.unresolved_id is None:
        entry = log_unresolved(
            session,
            text=exchange.text,
            sender_id=sender_id,
            channel=exchange.channel,
            reason=THUMBS_DOWN,
            language=exchange.language,
        )
        entry.bot_reply = (
            redact_answer(exchange.reply_text)[:MAX_STORED_CHARS] if exchange.reply_text else None
        )
        session.flush()
        feedback.unresolved_id = entry.id
    elif rating == "up" and feedback.unresolved_id is not None:
        queued = session.get(UnresolvedQuestion, feedback.unresolved_id)
        if queued is not None and queued.status == "new" and queued.reason == THUMBS_DOWN:
            session.delete(queued)
            feedback.unresolved_id = None
    session.flush()
    return FeedbackResult(feedback=feedback, created=created)


def feedback_for(session: Session, exchange_id: int) -> AnswerFeedback | None:
    return session.scalars(
        select(AnswerFeedback).where(AnswerFeedback.exchange_id == exchange_id)
    ).one_or_none()
