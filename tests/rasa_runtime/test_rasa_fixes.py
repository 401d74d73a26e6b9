"""bot/rasa_fixes.py: each fix keeps Rasa's behaviour; the fixes are applied only to the pinned
Rasa, whose patched functions keep their 3.6.21 signatures."""

from __future__ import annotations

import asyncio
import inspect
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jsonschema
import pytest
import rasa
import rasa.core.test  # defines EndToEndUserUtterance, which shares UserUttered's type name
import rasa.core.tracker_store
import sqlalchemy as sa
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses

from bot import rasa_fixes
from bot.rasa_fixes import ORIGINALS, PINNED_RASA, TrackerSQLitePool, capture_saved_tracker

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.rasa_env


@pytest.fixture(autouse=True, scope="module")
def applied() -> None:
    assert rasa_fixes.apply()


def parameters(function: Any) -> list[tuple[str, object]]:
    return [(p.name, p.default) for p in inspect.signature(function).parameters.values()]


def test_the_pinned_rasa_is_installed_and_the_originals_keep_their_signatures() -> None:
    assert rasa.__version__ == PINNED_RASA
    empty = inspect.Parameter.empty
    assert parameters(ORIGINALS["RemoteAction._validate_action_result"]) == [
        ("self", empty),
        ("result", empty),
    ]
    assert parameters(ORIGINALS["Event.resolve_by_type"]) == [("type_name", empty), ("default", None)]
    assert parameters(ORIGINALS["tracker_store.create_engine_kwargs"]) == [("url", empty)]
    assert parameters(ORIGINALS["MessageProcessor.save_tracker"]) == [("self", empty), ("tracker", empty)]
    assert inspect.iscoroutinefunction(ORIGINALS["MessageProcessor.save_tracker"])


def test_another_rasa_version_is_refused_with_one_log_line_and_nothing_patched() -> None:
    # A fresh interpreter: importing the module patches nothing, and apply() on 3.7 refuses.
    script = (
        "import logging\n"
        "logging.basicConfig(level=logging.INFO, format='%(name)s %(levelname)s %(message)s')\n"
        "from bot import rasa_fixes\n"
        "from rasa.core.actions.action import RemoteAction\n"
        "from rasa.shared.core.events import Event\n"
        "import rasa.core.tracker_store as ts\n"
        "from rasa.core.processor import MessageProcessor\n"
        "def current():\n"
        "    return {'RemoteAction._validate_action_result': RemoteAction._validate_action_result,\n"
        "            'Event.resolve_by_type': Event.resolve_by_type,\n"
        "            'tracker_store.create_engine_kwargs': ts.create_engine_kwargs,\n"
        "            'MessageProcessor.save_tracker': MessageProcessor.save_tracker}\n"
        "assert current() == rasa_fixes.ORIGINALS, 'patched on import'\n"
        "print('applied' if rasa_fixes.apply('3.7.0') else 'refused')\n"
        "assert current() == rasa_fixes.ORIGINALS, 'patched after refusing'\n"
        "assert rasa_fixes.apply() and current() != rasa_fixes.ORIGINALS\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "refused"
    lines = [line for line in done.stderr.splitlines() if line.startswith("bot.rasa_fixes")]
    assert lines == [
        "bot.rasa_fixes WARNING bot.rasa_fixes: Rasa 3.7.0 is not the pinned 3.6.21; "
        "performance fixes NOT applied"
    ]


VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "service", "value": "passport"}], "responses": [{"text": "ok"}]},
    {"events": [{"event": "action", "name": "action_listen"}]},
]
INVALID = [
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": [{"text": 3}], "events": [{"event": "slot"}]},
]


@pytest.mark.parametrize("result", VALID)
def test_valid_action_responses_pass_as_in_rasa(result: dict) -> None:
    action = RemoteAction("action_x", None)
    assert ORIGINALS["RemoteAction._validate_action_result"](action, result) is True
    assert action._validate_action_result(result) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_action_responses_fall_back_to_rasas_check_and_message(result: dict) -> None:
    action = RemoteAction("action_x", None)
    with pytest.raises(jsonschema.ValidationError) as rasa_error:
        ORIGINALS["RemoteAction._validate_action_result"](action, result)
    with pytest.raises(jsonschema.ValidationError) as ours:
        action._validate_action_result(result)
    assert "Failed to validate Action server response" in ours.value.message
    assert ours.value.message == rasa_error.value.message


def test_event_classes_resolve_as_in_rasa() -> None:
    # Rasa returns the first subclass with the name: "user" is UserUttered, not the test-only subclass.
    original = ORIGINALS["Event.resolve_by_type"]
    for cls in all_subclasses(Event):
        assert Event.resolve_by_type(cls.type_name) is original(cls.type_name)
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")


def test_sqlite_tracker_store_keeps_a_connection_in_wal_mode(tmp_path: Path) -> None:
    kwargs = rasa.core.tracker_store.create_engine_kwargs
    assert kwargs("sqlite:///x.db")["poolclass"] is TrackerSQLitePool
    assert "poolclass" not in kwargs("postgresql://u@h/db")
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    tracker = DialogueStateTracker.from_events(
        "s1", [ActionExecuted("action_listen"), UserUttered("xin chào")]
    )
    asyncio.run(store.save(tracker))
    restored = asyncio.run(store.retrieve("s1"))
    assert restored is not None and restored.latest_message.text == "xin chào"
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    with sqlite3.connect(tmp_path / "tracker.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_other_sqlite_engines_are_untouched(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'other.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL, SQLite's default
    engine.dispose()


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


def test_the_channel_applies_the_fixes_when_rasa_builds_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.channels.api import ApiInput

    monkeypatch.setenv("RASA_TOKEN", "channel-token")
    assert isinstance(ApiInput.from_credentials(None), ApiInput)
    assert RemoteAction._validate_action_result is not ORIGINALS["RemoteAction._validate_action_result"]
