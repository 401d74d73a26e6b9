"""Named leases: a lock that every process and machine sharing the database respects."""

from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base


class Lease(Base):
    """Held by `holder` until `expires_at` (Unix seconds, compared the same way on SQLite and
    PostgreSQL); the holder renews it while it works. No holder, or an expired one: free."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(200))
    expires_at: Mapped[float] = mapped_column(Float, default=0.0)
