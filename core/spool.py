"""A durable fallback for chat records while the database is unavailable.

When an exchange (and its unresolved question) cannot be written, it is appended as one JSON
line to a file under SPOOL_DIR (var/spool by default; fsync'ed, mode 0600; the text is already
redacted). As soon as a write succeeds again, the API replays the spool into the database: each
file is claimed by an atomic rename, so several workers never replay the same file twice.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import structlog

from core.settings import get_settings

logger = structlog.get_logger(__name__)

PENDING = ".jsonl"
CLAIMED = ".replaying"
STALE_CLAIM_SECONDS = 600
_lock = threading.Lock()


def spool_dir() -> Path:
    return Path(get_settings().spool_dir)


def write(kind: str, payload: dict[str, Any]) -> Path:
    """Append one record; returns the spool file."""
    directory = spool_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{kind}-{os.getpid()}{PENDING}"
    line = json.dumps({"kind": kind, **payload}, ensure_ascii=False) + "\n"
    with _lock:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, line.encode())
            os.fsync(fd)
        finally:
            os.close(fd)
    return path


def pending() -> list[Path]:
    directory = spool_dir()
    if not directory.is_dir():
        return []
    stale = time.time() - STALE_CLAIM_SECONDS  # a worker died while replaying it
    return sorted(
        p
        for p in directory.iterdir()
        if p.name.endswith(PENDING) or (p.name.endswith(CLAIMED) and p.stat().st_mtime < stale)
    )


def count() -> int:
    return sum(1 for path in pending() for line in path.read_text().splitlines() if line.strip())


def replay(apply: Callable[[dict[str, Any]], None]) -> int:
    """Apply every spooled record (all records of a file in one call each, file by file).

    `apply` must write the record in its own transaction and raise if it cannot; a file whose
    records could not all be applied goes back to the spool with the records not yet applied.
    """
    replayed = 0
    for path in pending():
        stem = path.name.split(".", 1)[0]
        claimed = path.with_name(f"{stem}.{uuid.uuid4().hex}{CLAIMED}")
        try:
            path.rename(claimed)
        except FileNotFoundError:  # another worker took it
            continue
        lines = [line for line in claimed.read_text(encoding="utf-8").splitlines() if line.strip()]
        for index, line in enumerate(lines):
            try:
                apply(json.loads(line))
            except Exception as exc:
                rest = claimed.with_name(f"{stem}-{uuid.uuid4().hex[:8]}{PENDING}")
                rest.write_text("".join(x + "\n" for x in lines[index:]), encoding="utf-8")
                rest.chmod(0o600)
                claimed.unlink()
                logger.warning("spool_replay_stopped", error=type(exc).__name__, left=len(lines) - index)
                return replayed
            replayed += 1
        claimed.unlink()
    if replayed:
        logger.info("spool_replayed", records=replayed)
    return replayed


def apply_chat_exchange(record: dict[str, Any]) -> None:
    """Write one spooled chat record (as api.services.chat records it), keeping its original time."""
    import datetime as dt

    from core.analytics import store_chat_record
    from core.db import session_scope

    with session_scope() as session:
        store_chat_record(session, record, created_at=dt.datetime.fromisoformat(record["at"]))
