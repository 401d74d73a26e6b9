"""Shared fixtures: a real, migrated database per test (SQLite file by default)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE_DIR = ROOT / "data" / "catalogue"


def _reset_caches() -> None:
    from core.db import get_engine, get_sessionmaker
    from core.settings import get_settings

    get_settings.cache_clear()
    get_engine.cache_clear()
    get_sessionmaker.cache_clear()


@pytest.fixture()
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty database migrated to head; settings and engine point at it."""
    from alembic import command

    from core.cli import alembic_config

    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SENDER_HASH_KEY", "test-key")
    _reset_caches()
    command.upgrade(alembic_config(url), "heads")
    yield url
    from core.db import get_engine

    get_engine().dispose()
    _reset_caches()


@pytest.fixture()
def catalogue_db(database_url: str) -> str:
    """The database loaded with the shipped catalogue (data/catalogue/)."""
    from core.catalogue_io import catalogue_files, import_catalogue, parse_catalogue
    from core.db import session_scope

    with session_scope() as session:
        import_catalogue(session, parse_catalogue(catalogue_files(CATALOGUE_DIR)))
    return database_url


@pytest.fixture(autouse=True)
def _no_leaking_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests never talk to a developer's running services by accident.
    for name in ("RASA_URL", "ACTION_SERVER_URL"):
        monkeypatch.setenv(name, os.environ.get(f"TEST_{name}", "http://127.0.0.1:9"))


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """A headless Debian Chromium driven by Playwright, shared by the browser tests."""
    from tests.support.browser import chromium

    with chromium() as running:
        yield running


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The real assistant (actions + Rasa + API) on a fresh SQLite database, shared by tests
    that only talk to it. Tests that stop processes start their own with `start_stack`."""
    from tests.support.stack import start_stack

    running = start_stack(tmp_path_factory.mktemp("stack"))
    try:
        yield running
    finally:
        running.stop_all()
