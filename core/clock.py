"""Time in UTC, the same way on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite returns naive datetimes: treat them as UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def today() -> dt.date:
    """Today's date in Vietnam: the date fees and reductions are judged on."""
    return dt.datetime.now(VIETNAM).date()
