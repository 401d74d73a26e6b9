"""`python -m cli catalogue ...`: the service catalogue (YAML files <-> database)."""

from __future__ import annotations

from pathlib import Path

import typer
import yaml

from core.catalogue_io import (
    CatalogueError,
    catalogue_files,
    export_catalogue,
    import_catalogue,
    parse_catalogue,
)
from core.catalogue_official import is_official_file, read_official, upsert_official
from core.db import session_scope
from core.settings import PROJECT_ROOT
from core.sources import non_official_records

app = typer.Typer(help="Service catalogue (YAML files <-> database).", no_args_is_help=True)

DEFAULT_CATALOGUE = PROJECT_ROOT / "data" / "catalogue"


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


@app.command("validate")
def catalogue_validate(
    source: Path = typer.Argument(DEFAULT_CATALOGUE),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when a source is not official"),
) -> None:
    """Check YAML files without touching the database; list records without an official source."""
    catalogue = _load(source)
    typer.echo(
        f"ok: {len(catalogue.services)} services, {len(catalogue.guides)} guides, "
        f"{len(catalogue.fee_reductions)} fee reductions, {len(catalogue.faqs)} FAQs"
    )
    # A warning, not an error: answers then cite the legal document (core/sources.py).
    unofficial = non_official_records(catalogue)
    if unofficial:
        typer.echo(f"{len(unofficial)} record(s) whose source is not an official page:")
        for line in unofficial:
            typer.echo(f"  - {line}")
        if strict:
            raise typer.Exit(1)


def _import_official(source: Path) -> None:
    batch = read_official(source)
    with session_scope() as session:
        report = upsert_official(session, batch)
    for problem in report.skipped:
        typer.echo(f"  skipped: {problem}", err=True)
    typer.echo(f"{source.name}: {report.summary()}")
    if not batch.records and batch.problems:
        raise typer.Exit(1)


@app.command("import")
def catalogue_import(source: Path = typer.Argument(DEFAULT_CATALOGUE)) -> None:
    """Validate, then replace the catalogue in the database with the YAML content; an official
    export (.xlsx list, .jsonl/.json detail) is added to it, updated in place."""
    if source.is_file() and is_official_file(source):
        _import_official(source)
        return
    catalogue = _load(source)
    with session_scope() as session:
        counts = import_catalogue(session, catalogue)
    typer.echo("imported: " + ", ".join(f"{n} {k}" for k, n in counts.items()))


@app.command("export")
def catalogue_export(target: Path = typer.Argument(..., help="YAML file to write")) -> None:
    """Write the database catalogue as one YAML file in the import format."""
    with session_scope() as session:
        content = export_catalogue(session)
    target.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")
    typer.echo(f"wrote {target}")
