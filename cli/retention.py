"""`python -m cli retention run`: delete old conversations and records."""

from __future__ import annotations

import typer

from core.retention import run_retention, tracker_url
from core.settings import get_settings

app = typer.Typer(help="Retention: delete old conversations and records.", no_args_is_help=True)


@app.command("run")
def run(
    days: int = typer.Option(
        None,
        help="Rasa tracker store: delete conversations idle for more than N days "
        "(default RETENTION_TRACKER_DAYS; 0 keeps).",
    ),
    exchanges_days: int = typer.Option(None, help="chat_exchanges (default RETENTION_EXCHANGES_DAYS)."),
    unresolved_days: int = typer.Option(
        None, help="unresolved_questions (default RETENTION_UNRESOLVED_DAYS)."
    ),
    tracker_url_option: str = typer.Option(
        None,
        "--tracker-url",
        help="SQLAlchemy URL of Rasa's tracker store (default RASA_TRACKER_URL, "
        "else sqlite:///$RASA_TRACKER_DB).",
    ),
) -> None:
    """Delete what is older than the retention periods."""
    settings = get_settings()
    url = tracker_url_option or tracker_url()
    tracker_days = settings.retention_tracker_days if days is None else days
    if tracker_days > 0 and not url:
        typer.echo("no tracker store configured (RASA_TRACKER_URL or RASA_TRACKER_DB); skipping it", err=True)
    deleted = run_retention(
        tracker_days,
        settings.retention_exchanges_days if exchanges_days is None else exchanges_days,
        settings.retention_unresolved_days if unresolved_days is None else unresolved_days,
        url,
    )
    typer.echo(
        f"deleted: {deleted.tracker_conversations} conversations ({deleted.tracker_events} events) from the "
        f"tracker store, {deleted.exchanges} chat exchanges, {deleted.unresolved} unresolved questions"
    )
