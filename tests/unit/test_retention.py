"""Retention: old conversations leave Rasa's tracker store, old rows leave our tables.

The tracker store here is a SQLite file with Rasa's `events` table layout (rasa.core.tracker_store
.SQLTrackerStore.SQLEvent); tests/integration/test_prod.py runs the same purge on the table the
real Rasa server created in PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from core.analytics import record_exchange
from core.db import session_scope
from core.models import ChatExchange, UnresolvedQuestion
from core.unresolved import log_unresolved

DAY = 86400


def make_tracker_store(path: Path, conversations: dict[str, list[float]]) -> str:
    url = f"sqlite:///{path}"
    engine = sa.create_engine(url)
    metadata = sa.MetaData()
    events = sa.Table(
        "events",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(255), nullable=False, index=True),
        sa.Column("type_name", sa.String(255), nullable=False),
        sa.Column("timestamp", sa.Float),
        sa.Column("intent_name", sa.String(255)),
        sa.Column("action_name", sa.String(255)),
        sa.Column("data", sa.Text),
    )
    metadata.create_all(engine)
    with engine.begin() as connection:
        for sender, stamps in conversations.items():
            for stamp in stamps:
                connection.execute(
                    events.insert().values(
                        sender_id=sender, type_name="user", timestamp=stamp, data=json.dumps({"text": "hi"})
                    )
                )
    engine.dispose()
    return url


def senders(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT sender_id, count(*) FROM events GROUP BY sender_id")).all()
    engine.dispose()
    return dict(rows)


def test_tracker_conversations_idle_for_n_days_are_deleted_whole(tmp_path: Path) -> None:
    from core.retention import purge_tracker_store

    now = time.time()
    url = make_tracker_store(
        tmp_path / "tracker.db",
        {
            "old": [now - 40 * DAY, now - 35 * DAY],
            "ongoing": [now - 40 * DAY, now - 1 * DAY],  # started long ago, still active: kept whole
            "recent": [now - 2 * DAY],
        },
    )
    assert purge_tracker_store(url, 30, now=now) == (1, 2)
    assert senders(url) == {"ongoing": 2, "recent": 1}
    assert purge_tracker_store(url, 30, now=now) == (0, 0)


def _add_rows(created: dt.datetime, text: str) -> None:
    with session_scope() as session:
        exchange = record_exchange(session, text=text, sender_id="s", channel="web", status="answered")
        exchange.created_at = created
        question = log_unresolved(session, text=text, sender_id="s", channel="web", reason="no_reply")
        question.created_at = created


def _texts(model) -> list[str]:  # type: ignore[no-untyped-def]
    with session_scope() as session:
        return sorted(session.scalars(sa.select(model.text)))


def test_app_tables_have_their_own_periods(database_url: str) -> None:
    from core.retention import purge_app_tables

    now = dt.datetime.now(dt.timezone.utc)
    _add_rows(now - dt.timedelta(days=400), "very old")
    _add_rows(now - dt.timedelta(days=100), "old")
    _add_rows(now - dt.timedelta(days=1), "new")
    assert purge_app_tables(exchanges_days=90, unresolved_days=365, now=now) == (2, 1)
    assert _texts(ChatExchange) == ["new"]
    assert _texts(UnresolvedQuestion) == ["new", "old"]
    assert purge_app_tables(exchanges_days=0, unresolved_days=0, now=now) == (0, 0)  # 0 keeps forever


def test_cli_retention_run(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cli.app import app
    from core.settings import get_settings

    now = time.time()
    url = make_tracker_store(tmp_path / "tracker.db", {"old": [now - 10 * DAY], "new": [now - 60]})
    monkeypatch.setenv("RASA_TRACKER_URL", url)
    get_settings.cache_clear()
    _add_rows(dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=10), "ten days")
    _add_rows(dt.datetime.now(dt.timezone.utc), "today")
    result = CliRunner().invoke(
        app, ["retention", "run", "--days", "7", "--exchanges-days", "7", "--unresolved-days", "0"]
    )
    assert result.exit_code == 0, result.output
    assert "1 conversations (1 events)" in result.output and "1 chat exchanges" in result.output
    assert senders(url) == {"new": 1}
    assert _texts(ChatExchange) == ["today"]
    assert _texts(UnresolvedQuestion) == ["ten days", "today"]


def test_cli_uses_rasa_tracker_db_by_default(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli.app import app
    from core.settings import get_settings

    make_tracker_store(tmp_path / "t.db", {"old": [time.time() - 100 * DAY]})
    monkeypatch.delenv("RASA_TRACKER_URL", raising=False)
    monkeypatch.setenv("RASA_TRACKER_DB", str(tmp_path / "t.db"))
    monkeypatch.setenv("RETENTION_TRACKER_DAYS", "90")
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["retention", "run"])
    assert result.exit_code == 0, result.output
    assert senders(f"sqlite:///{tmp_path / 't.db'}") == {}
