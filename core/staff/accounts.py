"""Staff accounts: usernames, roles, creation, password changes, unlocking."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.models import LoginAttempt, StaffUser
from core.staff.errors import StaffError
from core.staff.passwords import check_password_strength, hash_password

ROLES: tuple[str, ...] = ("reviewer", "admin")
USERNAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")


def normalise_username(username: str) -> str:
    name = username.strip().lower()
    if not 3 <= len(name) <= 64 or not set(name) <= USERNAME_CHARS:
        raise StaffError("username: 3-64 characters, letters, digits, '.', '_' or '-'")
    return name


def create_user(session: Session, *, username: str, password: str, role: str) -> StaffUser:
    name = normalise_username(username)
    if role not in ROLES:
        raise StaffError(f"role must be one of {', '.join(ROLES)}")
    check_password_strength(password)
    if session.scalars(select(StaffUser).where(StaffUser.username == name)).first() is not None:
        raise StaffError(f"user {name!r} already exists")
    user = StaffUser(username=name, password_hash=hash_password(password), role=role, active=True)
    session.add(user)
    session.flush()
    return user


def set_password(user: StaffUser, password: str) -> None:
    check_password_strength(password)
    user.password_hash = hash_password(password)


def find_user(session: Session, username: str) -> StaffUser | None:
    return session.scalars(select(StaffUser).where(StaffUser.username == username.strip().lower())).first()


def unlock(session: Session, user: StaffUser) -> None:
    """Lift every lock and forget every failed login of `user`."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.user_id == user.id))
