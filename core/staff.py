"""Staff review console: accounts, login sessions, audit log, review decisions, drafts, models.

Passwords are argon2id hashes (argon2-cffi). Session tokens and CSRF tokens are random; only the
SHA-256 of a session token is stored, so a database leak does not hand out live sessions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.models import Base
from core.settings import get_settings

ROLES: tuple[str, ...] = ("reviewer", "admin")
MIN_PASSWORD_CHARS = 10
USERNAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")

_hasher = PasswordHasher()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite returns naive datetimes: treat them as UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))  # reviewer | admin
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    first_failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class StaffSession(Base):
    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """Who did what to what, and when. Details never hold passwords or tokens."""

    __tablename__ = "staff_audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(64), index=True)  # username (kept if the user goes)
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))


class ReviewDecision(Base):
    """A reviewer's decision on one unresolved question: assign | new_content | ignore."""

    __tablename__ = "staff_review_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("unresolved_questions.id", ondelete="CASCADE"), unique=True, index=True
    )
    action: Mapped[str] = mapped_column(String(20), index=True)
    intent: Mapped[str | None] = mapped_column(String(80))
    example_text: Mapped[str | None] = mapped_column(Text)  # redacted, single line
    cluster_key: Mapped[int | None] = mapped_column(Integer)  # representative question id
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    exported_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    # exported | duplicate | heldout | unknown_intent (why an assigned example was or was not written)
    export_result: Mapped[str | None] = mapped_column(String(20))
    export_file: Mapped[str | None] = mapped_column(String(300))


class ContentDraft(Base):
    """A question that needs new content: a draft answer/catalogue entry for an admin to complete."""

    __tablename__ = "staff_content_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    question_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    question_text: Mapped[str] = mapped_column(Text)  # representative question (redacted)
    title: Mapped[str | None] = mapped_column(String(300))
    answer: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open | done | dismissed
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class TrainingRun(Base):
    """One retraining: export folder + config -> candidate model -> evaluation -> load or reject."""

    __tablename__ = "staff_training_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    started_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    # queued | training | evaluating | loading | loaded | rejected | failed
    state: Mapped[str] = mapped_column(String(20), index=True)
    config: Mapped[str] = mapped_column(String(500))
    log_path: Mapped[str] = mapped_column(String(500))
    model_path: Mapped[str | None] = mapped_column(String(500))
    baseline_path: Mapped[str | None] = mapped_column(String(500))
    metrics: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    baseline_metrics: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    message: Mapped[str | None] = mapped_column(Text)


class ModelVersion(Base):
    """A model known to the console, with its held-out figures; `live` marks the one Rasa serves."""

    __tablename__ = "staff_model_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    path: Mapped[str] = mapped_column(String(500), unique=True)
    origin: Mapped[str] = mapped_column(String(20))  # baseline | retrain
    run_id: Mapped[int | None] = mapped_column(ForeignKey("staff_training_runs.id", ondelete="SET NULL"))
    accuracy: Mapped[float | None] = mapped_column(Float)
    macro_f1: Mapped[float | None] = mapped_column(Float)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    live: Mapped[bool] = mapped_column(Boolean, default=False)
    loaded_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


# --- passwords and tokens -------------------------------------------------------------------


class StaffError(ValueError):
    """A refusal with a message fit for the user."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise StaffError(f"password must be at least {MIN_PASSWORD_CHARS} characters")
    if password.strip() != password or not password.strip():
        raise StaffError("password must not start or end with spaces")


def normalise_username(username: str) -> str:
    name = username.strip().lower()
    if not 3 <= len(name) <= 64 or not set(name) <= USERNAME_CHARS:
        raise StaffError("username: 3-64 characters, letters, digits, '.', '_' or '-'")
    return name


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


# --- accounts -------------------------------------------------------------------------------


def create_user(session: Session, *, username: str, password: str, role: str) -> StaffUser:
    name = normalise_username(username)
    if role not in ROLES:
        raise StaffError(f"role must be one of {', '.join(ROLES)}")
    check_password_strength(password)
    if session.scalars(select(StaffUser).where(StaffUser.username == name)).first() is not None:
        raise StaffError(f"user {name!r} already exists")
    user = StaffUser(
        username=name, password_hash=hash_password(password), role=role, active=True, failed_logins=0
    )
    session.add(user)
    session.flush()
    return user


def set_password(user: StaffUser, password: str) -> None:
    check_password_strength(password)
    user.password_hash = hash_password(password)


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


# --- login, lock-out, sessions --------------------------------------------------------------


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
        verify_password(_DUMMY_HASH, password)
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
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


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


# --- CLI: `python -m core.cli staff ...` ----------------------------------------------------

import sys  # noqa: E402

import typer  # noqa: E402

cli = typer.Typer(
    help="Staff console accounts (passwords are prompted for or read from stdin).", no_args_is_help=True
)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        check_password_strength(password)
    except StaffError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    return password


@cli.command("create-user")
def cli_create_user(
    username: str = typer.Option(..., help="login name"),
    role: str = typer.Option("reviewer", help="reviewer | admin"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="read the password from stdin"),
) -> None:
    """Create a staff account. There is no default password."""
    from core.db import session_scope

    password = _read_password(password_stdin)
    try:
        with session_scope() as session:
            user = create_user(session, username=username, password=password, role=role)
            audit(
                session,
                actor=None,
                actor_name="cli",
                action="user_create",
                target=f"user:{user.username}",
                details={"role": user.role, "via": "cli"},
            )
            typer.echo(f"created {user.role} {user.username}")
    except StaffError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc


@cli.command("set-password")
def cli_set_password(
    username: str = typer.Option(...),
    password_stdin: bool = typer.Option(False, "--password-stdin"),
) -> None:
    """Reset a password (and end the user's sessions)."""
    from core.db import session_scope

    password = _read_password(password_stdin)
    with session_scope() as session:
        user = session.scalars(
            select(StaffUser).where(StaffUser.username == username.strip().lower())
        ).first()
        if user is None:
            typer.echo(f"error: no user {username!r}", err=True)
            raise typer.Exit(1)
        set_password(user, password)
        user.locked_until, user.failed_logins, user.first_failed_at = None, 0, None
        close_sessions(session, user.id)
        audit(
            session,
            actor=None,
            actor_name="cli",
            action="user_update",
            target=f"user:{user.username}",
            details={"password": "reset", "via": "cli"},
        )
    typer.echo(f"password changed for {username}")


@cli.command("list")
def cli_list() -> None:
    """List staff accounts."""
    from core.db import session_scope

    with session_scope() as session:
        for user in session.scalars(select(StaffUser).order_by(StaffUser.username)):
            typer.echo(f"{user.username}\t{user.role}\t{'active' if user.active else 'inactive'}")
