"""`python -m cli db ...`: the database schema."""

from __future__ import annotations

import typer

from core.migrations import upgrade

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations (creates the database if it does not exist)."""
    upgrade(revision)
