"""bot/rasa_fixes.py keeps Rasa's behaviour while making it cheaper."""

from __future__ import annotations

import asyncio
import sqlite3
from types import SimpleNamespace

import pytest
import rasa.core.test  # defines EndToEndUserUtterance, which shares UserUttered's type name
import rasa.core.tracker_store
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses
from sqlalchemy.pool import SingletonThreadPool

from bot.rasa_fixes import capture_saved_tracker, rasa_resolve_by_type


def test_event_classes_resolve_as_in_rasa() -> None:
    # Rasa returns the first subclass with the name: "user" is UserUttered, not the test-only subclass.
    for cls in all_subclasses(Event):
        assert Event.resolve_by_type(cls.type_name) is rasa_resolve_by_type(cls.type_name)
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")


def test_sqlite_tracker_store_keeps_a_connection_in_wal_mode(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert rasa.core.tracker_store.create_engine_kwargs("sqlite:///x.db")["poolclass"] is SingletonThreadPool
    assert "poolclass" not in rasa.core.tracker_store.create_engine_kwargs("postgresql://u@h/db")
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    tracker = DialogueStateTracker.from_events(
        "s1", [ActionExecuted("action_listen"), UserUttered("xin chào")]
    )
    asyncio.run(store.save(tracker))
    restored = asyncio.run(store.retrieve("s1"))
    assert restored is not None and restored.latest_message.text == "xin chào"
    with sqlite3.connect(tmp_path / "tracker.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_saved_tracker_is_handed_to_the_caller() -> None:
    processor = SimpleNamespace(tracker_store=InMemoryTrackerStore(Domain.empty()))
    tracker = DialogueStateTracker.from_events("s2", [UserUttered("hộ chiếu")])

    async def turn() -> dict:
        with capture_saved_tracker() as saved:
            await MessageProcessor.save_tracker(processor, tracker)  # type: ignore[arg-type]
        return saved

    assert asyncio.run(turn())["tracker"] is tracker
    # outside a capture block nothing is kept, and saving still works
    asyncio.run(MessageProcessor.save_tracker(processor, tracker))  # type: ignore[arg-type]
    assert asyncio.run(processor.tracker_store.retrieve("s2")) is not None
