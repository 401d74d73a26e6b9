"""`python -m cli staff ...`: staff console accounts (passwords are prompted for or read from stdin)."""

from __future__ import annotations

import sys

import typer
from sqlalchemy import select

from core.db import session_scope
from core.models import StaffUser
from core.staff.accounts import create_user, find_user, set_password, unlock
from core.staff.audit import audit
from core.staff.errors import StaffError
from core.staff.login import close_sessions
from core.staff.passwords import check_password_strength

app = typer.Typer(
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


@app.command("create-user")
def create_user_command(
    username: str = typer.Option(..., help="login name"),
    role: str = typer.Option("reviewer", help="reviewer | admin"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="read the password from stdin"),
) -> None:
    """Create a staff account. There is no default password."""
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


@app.command("set-password")
def set_password_command(
    username: str = typer.Option(...),
    password_stdin: bool = typer.Option(False, "--password-stdin"),
) -> None:
    """Reset a password (and end the user's sessions)."""
    password = _read_password(password_stdin)
    with session_scope() as session:
        user = find_user(session, username)
        if user is None:
            typer.echo(f"error: no user {username!r}", err=True)
            raise typer.Exit(1)
        set_password(user, password)
        unlock(session, user)
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


@app.command("list")
def list_command() -> None:
    """List staff accounts."""
    with session_scope() as session:
        for user in session.scalars(select(StaffUser).order_by(StaffUser.username)):
            typer.echo(f"{user.username}\t{user.role}\t{'active' if user.active else 'inactive'}")
