"""Zalo channel state: webhook events (persisted before processing, de-duplicated) and the OA token pair.

Event text is stored redacted (core.privacy.redact), like every other user message we keep.
The token pair is a single row guarded by a version number (compare-and-swap) and a short
refresh lease, so that the single-use refresh token is never spent twice.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime, Float, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base


class ZaloEvent(Base):
    """One webhook event from the Zalo OA, stored when it arrives (before the 200 answer)."""

    __tablename__ = "zalo_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    # message.msg_id when the event has one, else event_name:user:timestamp. Unique: duplicates are dropped.
    event_key: Mapped[str] = mapped_column(String(200), unique=True)
    event_name: Mapped[str] = mapped_column(String(60), index=True)
    user_id: Mapped[str] = mapped_column(String(64))  # Zalo user id of the follower (needed to reply)
    text: Mapped[str | None] = mapped_column(Text)  # redacted
    event_timestamp: Mapped[int | None] = mapped_column(BigInteger)
    # pending | processing | done | ignored | failed
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(500))
    processed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ZaloToken(Base):
    """The OA access/refresh token pair (one row, id 1)."""

    __tablename__ = "zalo_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    access_token: Mapped[str] = mapped_column(Text)
    refresh_token: Mapped[str] = mapped_column(Text)
    # Times as Unix seconds: compared in SQL the same way on SQLite and PostgreSQL.
    expires_at: Mapped[float] = mapped_column(Float)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # While in the future, one process holds the right to spend the (single-use) refresh token.
    refresh_lease_until: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
