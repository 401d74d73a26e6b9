"""`python -m cli nlu ...`: NLU data generated from the catalogue."""

from __future__ import annotations

import typer

app = typer.Typer(help="NLU data generated from the catalogue.", no_args_is_help=True)


@app.command("lookups")
def nlu_lookups() -> None:
    """Regenerate data/lexicon/services.yml and provinces.yml (only files whose content changed)."""
    from core.lookups import write_lookups

    written = write_lookups()
    typer.echo("updated: " + ", ".join(str(p) for p in written) if written else "lookups up to date")
