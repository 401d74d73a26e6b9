"""Performance fixes for Rasa 3.6.21, applied by `apply()` when our input channel is built.

Measured with `make bench` and py-spy (docs/deployment.md); each keeps Rasa's behaviour:
1. Rasa checks every action-server response with `jsonschema.validate()`, which re-checks Rasa's
   large events schema against the meta-schema on each call (~45 ms per custom action). A
   validator compiled once gives the same verdict in ~1 ms; invalid responses still go through
   Rasa's own check, so its error messages are unchanged.
2. Every tracker read resolves each stored event's class by walking all Event subclasses; a
   name -> class cache does it once.
3. The SQLite tracker store opened and closed a connection per query (SQLAlchemy 1.4's NullPool
   for SQLite files) and committed with synchronous=FULL (an fsync per commit). Its engine now
   keeps one connection per thread, in WAL mode with synchronous=NORMAL (no corruption and no
   loss on a process crash; an OS crash or power cut may roll back the last commits). Only the
   tracker store's SQLite engine is affected; PostgreSQL and every other engine are untouched.
4. `capture_saved_tracker()` hands our channel the tracker Rasa saved at the end of the turn,
   so that it need not read it back from the tracker store.

The fixes replace Rasa internals, so they are applied only to the pinned Rasa version: on any
other, `apply()` logs one line and changes nothing (the channel still works, only slower).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

import jsonschema
import rasa
import rasa.core.tracker_store
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event as sa_event
from sqlalchemy.pool import SingletonThreadPool

logger = logging.getLogger(__name__)

PINNED_RASA = "3.6.21"
# The Rasa functions the fixes replace, as Rasa defines them (the fixes call them).
ORIGINALS: dict[str, Callable[..., Any]] = {
    "RemoteAction._validate_action_result": RemoteAction._validate_action_result,
    "Event.resolve_by_type": Event.resolve_by_type,
    "tracker_store.create_engine_kwargs": rasa.core.tracker_store.create_engine_kwargs,
    "MessageProcessor.save_tracker": MessageProcessor.save_tracker,
}
_applied = False


def apply(rasa_version: str = rasa.__version__) -> bool:
    """Apply the four fixes once. On a Rasa version other than the pinned one, apply none."""
    global _applied
    if rasa_version != PINNED_RASA:
        logger.warning(
            "bot.rasa_fixes: Rasa %s is not the pinned %s; performance fixes NOT applied",
            rasa_version,
            PINNED_RASA,
        )
        return False
    if not _applied:
        RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
        Event.resolve_by_type = staticmethod(_resolve_by_type)  # type: ignore[method-assign,assignment]
        rasa.core.tracker_store.create_engine_kwargs = _engine_kwargs
        MessageProcessor.save_tracker = _save_tracker  # type: ignore[method-assign]
        _applied = True
    return True


# 1. compiled validation of action responses
_schema = RemoteAction.action_response_format_spec()
_validator = jsonschema.validators.validator_for(_schema)(_schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    if _validator.is_valid(result):
        return True
    return bool(ORIGINALS["RemoteAction._validate_action_result"](self, result))  # raises Rasa's error


# 2. event class lookup by type name, cached (misses keep Rasa's behaviour)
_event_classes: dict[str, type[Event]] = {}


def _resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    cls = _event_classes.get(type_name)
    if cls is None:
        cls = ORIGINALS["Event.resolve_by_type"](type_name, default)
        if cls is not None and cls is not default:
            _event_classes[type_name] = cls
    return cls


# 3. the SQLite tracker store: a kept connection per thread, WAL + synchronous=NORMAL
class TrackerSQLitePool(SingletonThreadPool):
    """The pool of the tracker store's SQLite engine; the pragmas listen on this class only."""


@sa_event.listens_for(TrackerSQLitePool, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _engine_kwargs(url: Any) -> dict[str, Any]:
    kwargs = dict(ORIGINALS["tracker_store.create_engine_kwargs"](url))
    if str(url).startswith("sqlite"):
        kwargs["poolclass"] = TrackerSQLitePool
    return kwargs


# 4. the tracker saved at the end of this turn, for the caller of `handle_message`
_saved_tracker: ContextVar[dict[str, DialogueStateTracker] | None] = ContextVar("saved_tracker", default=None)


async def _save_tracker(self: MessageProcessor, tracker: DialogueStateTracker) -> None:
    await ORIGINALS["MessageProcessor.save_tracker"](self, tracker)
    holder = _saved_tracker.get()
    if holder is not None:
        holder["tracker"] = tracker


@contextlib.contextmanager
def capture_saved_tracker() -> Iterator[dict[str, DialogueStateTracker]]:
    """Within this block, `holder["tracker"]` is the last tracker Rasa saved in this task (when
    the fixes are applied; otherwise the holder stays empty and the caller reads the tracker)."""
    holder: dict[str, DialogueStateTracker] = {}
    token = _saved_tracker.set(holder)
    try:
        yield holder
    finally:
        _saved_tracker.reset(token)
