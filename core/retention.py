"""Retention: delete old conversations from Rasa's tracker store and old rows from our tables.

    python -m cli retention run --days 90                   # tracker store (Rasa)
    python -m cli retention run --days 90 --exchanges-days 365 --unresolved-days 365

Rasa's SQL tracker store keeps every event in its `events` table (sender_id, timestamp as Unix
seconds). A conversation is deleted as a whole once its *latest* event is older than N days, so a
conversation still going on is never cut in half. Our analytics (`chat_exchanges`) and the
unresolved queue (`unresolved_questions`) have their own periods. 0 keeps forever.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import sqlalchemy as sa

from core.db import rowcount, session_scope
from core.models import ChatExchange, UnresolvedQuestion
from core.settings import get_settings


@dataclass
class Deleted:
    tracker_conversations: int = 0
    tracker_events: int = 0
    exchanges: int = 0
    unresolved: int = 0


def tracker_url() -> str | None:
    settings = get_settings()
    if settings.rasa_tracker_url:
        return settings.rasa_tracker_url
    if settings.rasa_tracker_db:
        return f"sqlite:///{settings.rasa_tracker_db}"
    return None


def purge_tracker_store(url: str, days: int, now: float | None = None) -> tuple[int, int]:
    """Delete the conversations whose latest event is older than `days`; (conversations, events)."""
    cutoff = (now if now is not None else time.time()) - days * 86400
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            if not sa.inspect(connection).has_table("events"):
                return 0, 0
            events = sa.table("events", sa.column("sender_id"), sa.column("timestamp"))
            stale = (
                sa.select(events.c.sender_id)
                .group_by(events.c.sender_id)
                .having(sa.func.max(events.c.timestamp) < cutoff)
            )
            senders = [row[0] for row in connection.execute(stale)]
            removed = 0
            for start in range(0, len(senders), 500):
                chunk = senders[start : start + 500]
                removed += connection.execute(sa.delete(events).where(events.c.sender_id.in_(chunk))).rowcount
            return len(senders), removed
    finally:
        engine.dispose()


def purge_app_tables(
    exchanges_days: int, unresolved_days: int, now: dt.datetime | None = None
) -> tuple[int, int]:
    """Delete chat exchanges and unresolved questions older than their periods (0: keep)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    counts = [0, 0]
    with session_scope() as session:
        tables: tuple[tuple[type[ChatExchange] | type[UnresolvedQuestion], int], ...] = (
            (ChatExchange, exchanges_days),
            (UnresolvedQuestion, unresolved_days),
        )
        for index, (model, days) in enumerate(tables):
            if days > 0:
                cutoff = now - dt.timedelta(days=days)
                result = session.execute(sa.delete(model).where(model.created_at < cutoff))
                counts[index] = rowcount(result)
    return counts[0], counts[1]


def run_retention(
    tracker_days: int, exchanges_days: int, unresolved_days: int, tracker_db_url: str | None = None
) -> Deleted:
    deleted = Deleted()
    url = tracker_db_url or tracker_url()
    if tracker_days > 0 and url:
        deleted.tracker_conversations, deleted.tracker_events = purge_tracker_store(url, tracker_days)
    deleted.exchanges, deleted.unresolved = purge_app_tables(exchanges_days, unresolved_days)
    return deleted
