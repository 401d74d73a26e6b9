"""Staff accounts, login sessions and the audit log, as the console's API uses them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import AuditEntry, StaffSession, StaffUser
from core.staff.accounts import ROLES, create_user, set_password, unlock
from core.staff.audit import audit
from core.staff.errors import NotFound, StaffError
from core.staff.login import authenticate, close_sessions, locked_user_ids, open_session


def login(session: Session, username: str, password: str, ip: str | None) -> tuple[str, dict[str, Any]]:
    """(session cookie token, who logged in). Raises LoginRefused; failures are recorded in
    `session` (commit it even then: they count towards the lock-out)."""
    user = authenticate(session, username, password, ip=ip)
    token, row = open_session(session, user)
    audit(session, actor=user, action="login", target=f"user:{user.username}", ip=ip)
    return token, {"username": user.username, "role": user.role, "csrf": row.csrf_token}


def logout(session: Session, *, session_id: int, user_id: int, username: str, ip: str | None) -> None:
    row = session.get(StaffSession, session_id)
    if row is not None:
        session.delete(row)
    audit(session, actor=session.get(StaffUser, user_id), action="logout", target=f"user:{username}", ip=ip)


def user_json(session: Session, user: StaffUser, locked: set[int] | None = None) -> dict[str, Any]:
    """`locked`: the ids of locked accounts, when the caller has already read them."""
    locked = locked_user_ids(session) if locked is None else locked
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role,
        "active": user.active,
        "locked": user.id in locked,
        "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
    }


def list_users(session: Session) -> dict[str, Any]:
    users = session.scalars(select(StaffUser).order_by(StaffUser.username))
    locked = locked_user_ids(session)
    return {"users": [user_json(session, u, locked) for u in users], "roles": list(ROLES)}


def add_user(
    session: Session, *, actor_id: int, ip: str | None, username: str, password: str, role: str
) -> dict[str, Any]:
    user = create_user(session, username=username, password=password, role=role)
    audit(
        session,
        actor=session.get(StaffUser, actor_id),
        action="user_create",
        target=f"user:{user.username}",
        details={"role": user.role},
        ip=ip,
    )
    return user_json(session, user)


def change_user(
    session: Session,
    *,
    actor_id: int,
    ip: str | None,
    user_id: int,
    role: str | None = None,
    active: bool | None = None,
    password: str | None = None,
    unlock_account: bool = False,
) -> dict[str, Any]:
    """Change role, active flag, password or lock of an account; audited. Admins cannot
    deactivate or demote themselves."""
    user = session.get(StaffUser, user_id)
    if user is None:
        raise NotFound("no such user")
    if user.id == actor_id and (active is False or role == "reviewer"):
        raise StaffError("you cannot deactivate or demote yourself")
    changes: dict[str, object] = {}
    if role is not None and role != user.role:
        changes["role"] = [user.role, role]
        user.role = role
    if active is not None and active != user.active:
        changes["active"] = active
        user.active = active
        if not active:
            close_sessions(session, user.id)
    if password:
        set_password(user, password)
        close_sessions(session, user.id)
        changes["password"] = "reset"
    if unlock_account:
        unlock(session, user)
        changes["unlocked"] = True
    audit(
        session,
        actor=session.get(StaffUser, actor_id),
        action="user_update",
        target=f"user:{user.username}",
        details=changes,
        ip=ip,
    )
    return user_json(session, user)


def audit_log(session: Session, *, action: str | None, page: int, page_size: int) -> dict[str, Any]:
    query = select(AuditEntry)
    count = select(func.count()).select_from(AuditEntry)
    if action:
        query, count = query.where(AuditEntry.action == action), count.where(AuditEntry.action == action)
    total = session.scalar(count) or 0
    rows = session.scalars(
        query.order_by(AuditEntry.id.desc()).offset((page - 1) * page_size).limit(page_size)
    )
    return {
        "total": total,
        "page": page,
        "entries": [
            {
                "id": e.id,
                "at": e.created_at.isoformat() if e.created_at else None,
                "actor": e.actor,
                "action": e.action,
                "target": e.target,
                "details": e.details,
                "ip": e.ip,
            }
            for e in rows
        ],
    }
