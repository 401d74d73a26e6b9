"""Login with lock-out after repeated failures (per account and client address), and login sessions."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import as_utc, utcnow
from core.models import LoginAttempt, StaffSession, StaffUser
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
    """One answer for an unknown user, a wrong password, an inactive or a locked account."""

    def __init__(self) -> None:
        super().__init__("wrong username or password")


def authenticate(session: Session, username: str, password: str, ip: str | None = None) -> StaffUser:
    """Check the password; count failures per (account, client address) and lock that pair after
    too many. Unknown, locked and wrong all look alike to the caller (same error, one argon2
    verification each). Audits every attempt."""
    settings = get_settings()
    now = utcnow()
    name = username.strip().lower()
    user = session.scalars(select(StaffUser).where(StaffUser.username == name)).first()
    attempt = None
    if user is not None:
        attempt = session.scalars(
            select(LoginAttempt).where(LoginAttempt.user_id == user.id, LoginAttempt.client == client_key(ip))
        ).first()
    locked = attempt is not None and is_locked(attempt, now)
    # Always exactly one verification: the dummy hash when the result cannot matter.
    checked_hash = user.password_hash if user is not None and not locked else DUMMY_HASH
    password_ok = verify_password(checked_hash, password)
    if user is None:
        audit(
            session,
            actor=None,
            actor_name=name[:64] or "-",
            action="login_failed",
            target=f"user:{name[:64]}",
            details={"reason": "unknown user"},
            ip=ip,
        )
        raise LoginRefused()
    if locked:
        audit(
            session,
            actor=user,
            action="login_failed",
            target=f"user:{user.username}",
            details={"reason": "locked"},
            ip=ip,
        )
        raise LoginRefused()
    if not password_ok or not user.active:
        attempt = count_failure(session, user, attempt, ip, now)
        details: dict[str, Any] = {
            "reason": "inactive" if not user.active else "wrong password",
            "failures": attempt.failures,
        }
        if attempt.locked_until is not None:
            details["locked_minutes"] = settings.staff_lockout_minutes
        audit(
            session, actor=user, action="login_failed", target=f"user:{user.username}", details=details, ip=ip
        )
        if attempt.locked_until is not None:
            audit(
                session,
                actor=user,
                action="account_locked",
                target=f"user:{user.username}",
                details={"minutes": settings.staff_lockout_minutes},
                ip=ip,
            )
        raise LoginRefused()
    if attempt is not None:
        session.delete(attempt)
    user.last_login_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def client_key(ip: str | None) -> str:
    return (ip or "-")[:64]


def is_locked(attempt: LoginAttempt, now: dt.datetime) -> bool:
    locked_until = as_utc(attempt.locked_until)
    return locked_until is not None and locked_until > now


def count_failure(
    session: Session, user: StaffUser, attempt: LoginAttempt | None, ip: str | None, now: dt.datetime
) -> LoginAttempt:
    """One more failure of `user` from `ip`; locks the pair once there are too many in the window."""
    settings = get_settings()
    window = dt.timedelta(minutes=settings.staff_failed_window_minutes)
    if attempt is None:
        attempt = LoginAttempt(user_id=user.id, client=client_key(ip), failures=0, first_failed_at=now)
        session.add(attempt)
    first = as_utc(attempt.first_failed_at)
    if attempt.locked_until is not None or first is None or now - first > window:
        attempt.first_failed_at, attempt.failures, attempt.locked_until = now, 0, None
    attempt.failures += 1
    if attempt.failures >= settings.staff_max_failed_logins:
        attempt.locked_until = now + dt.timedelta(minutes=settings.staff_lockout_minutes)
    session.flush()
    return attempt


def locked_user_ids(session: Session) -> set[int]:
    """Accounts locked from at least one client address right now."""
    now = utcnow()
    return {a.user_id for a in session.scalars(select(LoginAttempt)) if is_locked(a, now)}


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
