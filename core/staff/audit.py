"""The audit log: who did what to what, and when."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.models import AuditEntry, StaffUser


def audit(
    session: Session,
    *,
    actor: StaffUser | None,
    action: str,
    target: str | None = None,
    details: dict[str, Any] | None = None,
    actor_name: str | None = None,
    ip: str | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        actor_id=actor.id if actor else None,
        actor=(actor.username if actor else actor_name or "-")[:64],
        action=action,
        target=target[:200] if target else None,
        details=details or {},
        ip=ip,
    )
    session.add(entry)
    session.flush()
    return entry
