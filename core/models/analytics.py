"""What citizens asked: one row per chat message, and the questions the assistant could not answer.
Text is redacted; the sender is a keyed hash."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base


class UnresolvedQuestion(Base):
    """A question the assistant could not answer. Text is redacted; the sender is a keyed hash."""

    __tablename__ = "unresolved_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    channel: Mapped[str] = mapped_column(String(40), default="web", index=True)
    sender_hash: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(40), index=True)
    intents: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    language: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    # The bot's answer, for feedback on a reply (redacted like the question).
    bot_reply: Mapped[str | None] = mapped_column(Text)


class ChatExchange(Base):
    """One user message and the outcome, for analytics. Text is redacted; the sender is a keyed hash."""

    __tablename__ = "chat_exchanges"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    channel: Mapped[str] = mapped_column(String(40), index=True)
    sender_hash: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    # answered | fallback | no_reply | rasa_unavailable
    status: Mapped[str] = mapped_column(String(20), index=True)
    intent: Mapped[str | None] = mapped_column(String(80), index=True)
    confidence: Mapped[float | None] = mapped_column()
    service: Mapped[str | None] = mapped_column(String(80), index=True)
    language: Mapped[str | None] = mapped_column(String(8))
    reply_count: Mapped[int] = mapped_column(Integer, default=0)
    reply_text: Mapped[str | None] = mapped_column(Text)  # the bot's answer (no user data in it)
    latency_ms: Mapped[int | None] = mapped_column(Integer)
