"""Database leases: at most one holder at a time, across processes and machines.

acquire() is one conditional UPDATE (free or expired -> mine), atomic on SQLite and PostgreSQL;
the holder renews the lease while it works (LeaseKeeper) and releases it at the end. A holder
that dies stops renewing, so its lease expires and someone else may take it.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid

import structlog
from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError

from core.db import rowcount, session_scope
from core.models import Lease

logger = structlog.get_logger(__name__)


def new_holder() -> str:
    """Unique per call: two requests in one process are two holders."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def acquire(name: str, holder: str, seconds: float) -> bool:
    try:
        with session_scope() as session:
            if session.get(Lease, name) is None:
                session.add(Lease(name=name, holder=None, expires_at=0.0))
    except IntegrityError:
        pass  # another process created the row first
    now = time.time()
    with session_scope() as session:
        taken = session.execute(
            update(Lease)
            .where(Lease.name == name, or_(Lease.holder.is_(None), Lease.expires_at < now))
            .values(holder=holder, expires_at=now + seconds)
        )
        return rowcount(taken) == 1


def renew(name: str, holder: str, seconds: float) -> bool:
    with session_scope() as session:
        kept = session.execute(
            update(Lease)
            .where(Lease.name == name, Lease.holder == holder)
            .values(expires_at=time.time() + seconds)
        )
        return rowcount(kept) == 1


def release(name: str, holder: str) -> None:
    with session_scope() as session:
        session.execute(
            update(Lease)
            .where(Lease.name == name, Lease.holder == holder)
            .values(holder=None, expires_at=0.0)
        )


class LeaseKeeper:
    """Renews a held lease every `seconds / 3` until the block ends, then releases it."""

    def __init__(self, name: str, holder: str, seconds: float) -> None:
        self.name, self.holder, self.seconds = name, holder, seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew, name=f"lease-{name}", daemon=True)

    def _renew(self) -> None:
        while not self._stop.wait(self.seconds / 3):
            try:
                if not renew(self.name, self.holder, self.seconds):
                    logger.warning("lease_lost", lease=self.name, holder=self.holder)
            except Exception as exc:  # database briefly down: try again at the next tick
                logger.warning("lease_renew_failed", lease=self.name, error=str(exc))

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        release(self.name, self.holder)
