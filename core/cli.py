"""Maintenance CLI: `python -m core.cli --help`."""

from __future__ import annotations

from pathlib import Path

import typer
import yaml
from alembic import command
from alembic.config import Config

from api.services.zalo.cli import zalo_app
from core.catalogue_io import (
    CatalogueError,
    catalogue_files,
    export_catalogue,
    import_catalogue,
    parse_catalogue,
)
from core.db import session_scope
from core.settings import PROJECT_ROOT, get_settings

app = typer.Typer(help="dvc-assistant maintenance commands.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
catalogue_app = typer.Typer(help="Service catalogue (YAML files <-> database).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(catalogue_app, name="catalogue")
nlu_app = typer.Typer(help="NLU data generated from the catalogue.", no_args_is_help=True)
app.add_typer(nlu_app, name="nlu")
app.add_typer(zalo_app, name="zalo")
from core.retention import app as retention_app  # noqa: E402  (issue 7)

app.add_typer(retention_app, name="retention")
from core.staff import cli as staff_cli  # noqa: E402  (issue 6)

app.add_typer(staff_cli, name="staff")

DEFAULT_CATALOGUE = PROJECT_ROOT / "data" / "catalogue"


def alembic_config(database_url: str | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url or get_settings().database_url
    return config


@db_app.command("upgrade")
def db_upgrade(revision: str = "heads") -> None:
    """Apply migrations (creates the database if it does not exist)."""
    command.upgrade(alembic_config(), revision)


def _load(source: Path):  # type: ignore[no-untyped-def]
    paths = catalogue_files(source) if source.is_dir() else [source]
    if not paths:
        typer.echo(f"no YAML files in {source}", err=True)
        raise typer.Exit(2)
    try:
        return parse_catalogue(paths)
    except CatalogueError as exc:
        typer.echo(f"{len(exc.problems)} problem(s) in the catalogue:", err=True)
        for problem in exc.problems:
            typer.echo(f"  - {problem}", err=True)
        raise typer.Exit(1) from exc


@catalogue_app.command("validate")
def catalogue_validate(source: Path = typer.Argument(DEFAULT_CATALOGUE)) -> None:
    """Check YAML files without touching the database."""
    catalogue = _load(source)
    typer.echo(
        f"ok: {len(catalogue.services)} services, {len(catalogue.guides)} guides, "
        f"{len(catalogue.fee_reductions)} fee reductions"
    )


@catalogue_app.command("import")
def catalogue_import(source: Path = typer.Argument(DEFAULT_CATALOGUE)) -> None:
    """Validate, then replace the catalogue in the database with the YAML content."""
    catalogue = _load(source)
    with session_scope() as session:
        counts = import_catalogue(session, catalogue)
    typer.echo("imported: " + ", ".join(f"{n} {k}" for k, n in counts.items()))


@catalogue_app.command("export")
def catalogue_export(target: Path = typer.Argument(..., help="YAML file to write")) -> None:
    """Write the database catalogue as one YAML file in the import format."""
    with session_scope() as session:
        content = export_catalogue(session)
    target.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")
    typer.echo(f"wrote {target}")


@nlu_app.command("lookups")
def nlu_lookups() -> None:
    """Regenerate data/lexicon/services.yml and provinces.yml (only files whose content changed)."""
    from core.lookups import write_lookups

    written = write_lookups()
    typer.echo("updated: " + ", ".join(str(p) for p in written) if written else "lookups up to date")


if __name__ == "__main__":
    app()
