"""Performance fixes for Rasa 3.6, applied when our input channel is loaded by `rasa run`.

Measured with `make bench` and py-spy (docs/deployment.md); each keeps Rasa's behaviour:
1. Rasa checks every action-server response with `jsonschema.validate()`, which re-checks Rasa's
   large events schema against the meta-schema on each call (~45 ms per custom action). A
   validator compiled once gives the same verdict in ~1 ms; invalid responses still go through
   Rasa's own check, so its error messages are unchanged.
2. Every tracker read resolves each stored event's class by walking all Event subclasses
   (~6% of Rasa's CPU per message); a name -> class cache does it once.
3. The embedded SQLite tracker store opened and closed a connection per query (SQLAlchemy 1.4's
   NullPool for SQLite files) and committed with synchronous=FULL (an fsync per commit). One
   kept connection per thread, in WAL mode with synchronous=NORMAL (SQLite's recommended
   setting: no corruption and no loss on a process crash; only an OS crash or power cut may
   roll back the last commits). PostgreSQL is untouched.
4. `capture_saved_tracker()` hands our channel the tracker Rasa saved at the end of the turn,
   so that it need not read it back from the tracker store (~10% of Rasa's CPU per message).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

import jsonschema
import rasa.core.tracker_store
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import SingletonThreadPool

# 1. compiled validation of action responses
_schema = RemoteAction.action_response_format_spec()
_validator = jsonschema.validators.validator_for(_schema)(_schema)
_original_validate = RemoteAction._validate_action_result


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    if _validator.is_valid(result):
        return True
    return _original_validate(self, result)  # raises with Rasa's own explanation


RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]

# 2. event class lookup by type name, cached (misses keep Rasa's behaviour)
rasa_resolve_by_type = Event.resolve_by_type
_event_classes: dict[str, type[Event]] = {}


def _resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    cls = _event_classes.get(type_name)
    if cls is None:
        cls = rasa_resolve_by_type(type_name, default)
        if cls is not None and cls is not default:
            _event_classes[type_name] = cls
    return cls


Event.resolve_by_type = staticmethod(_resolve_by_type)  # type: ignore[assignment]


# 3. SQLite: a kept connection per thread, WAL + synchronous=NORMAL (no effect on other databases)
_original_engine_kwargs = rasa.core.tracker_store.create_engine_kwargs


def _engine_kwargs(url: Any) -> dict[str, Any]:
    kwargs = _original_engine_kwargs(url)
    if str(url).startswith("sqlite"):
        kwargs["poolclass"] = SingletonThreadPool
    return kwargs


rasa.core.tracker_store.create_engine_kwargs = _engine_kwargs


@sa_event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


# 4. the tracker saved at the end of this turn, for the caller of `handle_message`
_saved_tracker: ContextVar[dict[str, DialogueStateTracker] | None] = ContextVar("saved_tracker", default=None)
_original_save = MessageProcessor.save_tracker


async def _save_tracker(self: MessageProcessor, tracker: DialogueStateTracker) -> None:
    await _original_save(self, tracker)
    holder = _saved_tracker.get()
    if holder is not None:
        holder["tracker"] = tracker


MessageProcessor.save_tracker = _save_tracker  # type: ignore[assignment]


@contextlib.contextmanager
def capture_saved_tracker() -> Iterator[dict[str, DialogueStateTracker]]:
    """Within this block, `holder["tracker"]` is the last tracker Rasa saved in this task."""
    holder: dict[str, DialogueStateTracker] = {}
    token = _saved_tracker.set(holder)
    try:
        yield holder
    finally:
        _saved_tracker.reset(token)
