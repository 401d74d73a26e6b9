"""Login with lock-out after repeated failures, and login sessions."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import as_utc, utcnow
from core.models import StaffSession, StaffUser
from core.settings import get_settings
from core.staff.audit import audit
from core.staff.errors import StaffError
from core.staff.passwords import (
    DUMMY_HASH,
    hash_password,
    needs_rehash,
    new_token,
    token_digest,
    verify_password,
)


class LoginRefused(StaffError):
    def __init__(self, message: str, locked: bool = False) -> None:
        super().__init__(message)
        self.locked = locked


def authenticate(session: Session, username: str, password: str, ip: str | None = None) -> StaffUser:
    """Check the password; count failures; lock the account after too many. Audits every attempt."""
    settings = get_settings()
    now = utcnow()
    name = username.strip().lower()
    user = session.scalars(select(StaffUser).where(StaffUser.username == name)).first()
    if user is None:
        # Same work as a real check, so timing does not tell which usernames exist.
        verify_password(DUMMY_HASH, password)
        audit(
            session,
            actor=None,
            actor_name=name[:64] or "-",
            action="login_failed",
            target=f"user:{name[:64]}",
            details={"reason": "unknown user"},
            ip=ip,
        )
        raise LoginRefused("wrong username or password")
    locked_until = as_utc(user.locked_until)
    if locked_until and locked_until > now:
        audit(
            session,
            actor=user,
            action="login_failed",
            target=f"user:{user.username}",
            details={"reason": "locked"},
            ip=ip,
        )
        minutes = max(1, int((locked_until - now).total_seconds() // 60) + 1)
        raise LoginRefused(f"account locked after too many failed logins; try again in {minutes} min", True)
    if not verify_password(user.password_hash, password) or not user.active:
        window = dt.timedelta(minutes=settings.staff_failed_window_minutes)
        first = as_utc(user.first_failed_at)
        if first is None or now - first > window:
            user.first_failed_at, user.failed_logins = now, 1
        else:
            user.failed_logins += 1
        details: dict[str, Any] = {
            "reason": "inactive" if not user.active else "wrong password",
            "failures": user.failed_logins,
        }
        locked = user.failed_logins >= settings.staff_max_failed_logins
        if locked:
            user.locked_until = now + dt.timedelta(minutes=settings.staff_lockout_minutes)
            user.failed_logins, user.first_failed_at = 0, None
            details["locked_minutes"] = settings.staff_lockout_minutes
        audit(
            session, actor=user, action="login_failed", target=f"user:{user.username}", details=details, ip=ip
        )
        if locked:
            audit(
                session,
                actor=user,
                action="account_locked",
                target=f"user:{user.username}",
                details={"minutes": settings.staff_lockout_minutes},
                ip=ip,
            )
            raise LoginRefused("account locked after too many failed logins", True)
        raise LoginRefused("wrong username or password")
    user.failed_logins, user.first_failed_at, user.locked_until = 0, None, None
    user.last_login_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def open_session(session: Session, user: StaffUser) -> tuple[str, StaffSession]:
    """Create a login session; return the cookie token (only its digest is stored)."""
    token = new_token()
    hours = get_settings().staff_session_hours
    row = StaffSession(
        token_hash=token_digest(token),
        csrf_token=secrets.token_urlsafe(32),
        user_id=user.id,
        expires_at=utcnow() + dt.timedelta(hours=hours),
    )
    session.add(row)
    session.flush()
    return token, row


def find_session(session: Session, token: str | None) -> tuple[StaffSession, StaffUser] | None:
    if not token or len(token) > 200:
        return None
    row = session.scalars(select(StaffSession).where(StaffSession.token_hash == token_digest(token))).first()
    if row is None:
        return None
    expires = as_utc(row.expires_at)
    if expires is None or expires <= utcnow():
        session.delete(row)
        return None
    user = session.get(StaffUser, row.user_id)
    if user is None or not user.active:
        return None
    return row, user


def close_sessions(session: Session, user_id: int) -> None:
    for row in session.scalars(select(StaffSession).where(StaffSession.user_id == user_id)):
        session.delete(row)
