"""A citizen's 👍/👎 on one answer."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base


class AnswerFeedback(Base):
    """A user's rating of the assistant's answer to one exchange. The comment is redacted."""

    __tablename__ = "answer_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    exchange_id: Mapped[int] = mapped_column(
        ForeignKey("chat_exchanges.id", ondelete="CASCADE"), unique=True, index=True
    )
    channel: Mapped[str] = mapped_column(String(40), index=True)
    sender_hash: Mapped[str] = mapped_column(String(64), index=True)
    rating: Mapped[str] = mapped_column(String(8), index=True)  # up | down
    comment: Mapped[str | None] = mapped_column(Text)
    # The unresolved-queue entry a 👎 created (None for 👍, or once staff removed it).
    unresolved_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("unresolved_questions.id", ondelete="SET NULL")
    )
