"""The `python -m cli` command tree."""

from __future__ import annotations

import typer

from cli import catalogue, db, nlu, retention, staff, zalo

app = typer.Typer(help="dvc-assistant maintenance commands.", no_args_is_help=True)
app.add_typer(db.app, name="db")
app.add_typer(catalogue.app, name="catalogue")
app.add_typer(nlu.app, name="nlu")
app.add_typer(zalo.app, name="zalo")
app.add_typer(retention.app, name="retention")
app.add_typer(staff.app, name="staff")
