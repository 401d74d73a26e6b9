"""Shared fixtures: a real, migrated database per test (SQLite file by default)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE_DIR = ROOT / "data" / "catalogue"


# Markers from what a test uses, so that `make test-unit` can leave out what needs services.
MARKER_FIXTURES = {
    "stack": {"stack", "prod_stack", "browser"},
    "redis": {"redis_url", "prod_stack"},
    "postgres": {"postgres", "pg_database_url", "prod_stack"},
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.fspath))
        if "rasa_runtime" in path.parts:
            item.add_marker(pytest.mark.rasa_env)
        if "integration" in path.parts:
            item.add_marker(pytest.mark.stack)
        used = set(getattr(item, "fixturenames", ()))
        for marker, fixtures in MARKER_FIXTURES.items():
            if used & fixtures:
                item.add_marker(getattr(pytest.mark, marker))


def _reset_caches() -> None:
    from core.db import get_engine, get_sessionmaker
    from core.settings import get_settings

    get_settings.cache_clear()
    get_engine.cache_clear()
    get_sessionmaker.cache_clear()


def _settle(path: Path) -> None:
    """Fold the write-ahead log into the file, so that a plain copy holds everything."""
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite database migrated to head once per session; tests get copies of it."""
    from alembic import command

    from core.migrations import alembic_config

    path = tmp_path_factory.mktemp("templates") / "migrated.db"
    command.upgrade(alembic_config(f"sqlite:///{path}"), "head")
    _settle(path)
    return path


@pytest.fixture(scope="session")
def _catalogue_template(_migrated_template: Path) -> Path:
    """The migrated template loaded with the shipped catalogue (data/catalogue/), once per session."""
    from sqlalchemy.orm import Session

    from core.catalogue_io import catalogue_files, import_catalogue, parse_catalogue
    from core.db import make_engine

    path = _migrated_template.with_name("catalogue.db")
    shutil.copyfile(_migrated_template, path)
    engine = make_engine(f"sqlite:///{path}")
    try:
        with Session(engine) as session:
            import_catalogue(session, parse_catalogue(catalogue_files(CATALOGUE_DIR)))
            session.commit()
    finally:
        engine.dispose()
    _settle(path)
    return path


def _a_copy_of(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A test's own copy of a template database; settings and engine point at it."""
    target = tmp_path / "app.db"
    shutil.copyfile(template, target)
    target.chmod(0o600)
    url = f"sqlite:///{target}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SENDER_HASH_KEY", "test-key")
    _reset_caches()
    yield url
    from core.db import get_engine

    get_engine().dispose()
    _reset_caches()


@pytest.fixture()
def database_url(_migrated_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty database migrated to head (a copy of the session's template)."""
    yield from _a_copy_of(_migrated_template, tmp_path, monkeypatch)


@pytest.fixture()
def catalogue_db(_catalogue_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A database loaded with the shipped catalogue (data/catalogue/): a copy of the session's
    template, so each test may change it freely."""
    yield from _a_copy_of(_catalogue_template, tmp_path, monkeypatch)


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


# --- Production footing: PostgreSQL, Redis, rate limits ---------------------------------------------

# The shared test stack and in-process apps serve many tests from one IP and a few senders: rate
# limits stay out of their way unless a test sets them (tests/unit/test_ratelimit*.py do).
os.environ.setdefault("RATE_LIMIT_PER_SENDER", "100000/minute")
os.environ.setdefault("RATE_LIMIT_PER_IP", "100000/minute")


@pytest.fixture(scope="session")
def postgres():  # type: ignore[no-untyped-def]
    """The PostgreSQL server (started if needed; the test FAILS, naming what is missing, if it cannot be)."""
    from devtools.services import Postgres, ServiceMissing, ensure_postgres

    try:
        return Postgres(user=ensure_postgres())
    except ServiceMissing as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """URL of the Redis server (started if needed; the test FAILS, naming what is missing, if not)."""
    from devtools.services import ServiceMissing, ensure_redis

    try:
        return ensure_redis()
    except ServiceMissing as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture()
def pg_database_url(postgres, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A throwaway PostgreSQL database (dvc_test_<random>) migrated to head, dropped afterwards;
    settings and engine point at it."""
    from alembic import command

    from core.migrations import alembic_config

    with postgres.throwaway() as name:
        url = postgres.url(name)
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("SENDER_HASH_KEY", "test-key")
        _reset_caches()
        command.upgrade(alembic_config(url), "head")
        yield url
        from core.db import get_engine

        get_engine().dispose()
        _reset_caches()


@pytest.fixture(scope="session")
def prod_stack(postgres, redis_url: str, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The real assistant on the production footing: app database and Rasa tracker store on
    PostgreSQL (throwaway databases dvc_test_*), Rasa lock store and rate limits on Redis.
    Tests that stop a process start it again before they finish."""
    import secrets

    from devtools.services import prod_env
    from tests.support.stack import start_stack

    prefix = f"dvctest{secrets.token_hex(4)}"
    with postgres.throwaway() as app_db, postgres.throwaway("dvc_test_rasa") as rasa_db:
        running = start_stack(
            tmp_path_factory.mktemp("prod_stack"),
            database_url=postgres.url(app_db),
            extra_env=prod_env(postgres, redis_url, rasa_db, prefix),
            endpoints="endpoints.prod.yml",
        )
        running.app_db, running.rasa_db, running.prefix = app_db, rasa_db, prefix  # type: ignore[attr-defined]
        # Several Rasa servers behind the API (RASA_URLS), the first one dead: conversations that
        # stick to it fail over to the live one.
        from tests.support.stack import free_port

        running.extra_env["RASA_URLS"] = f"http://127.0.0.1:{free_port()},{running.rasa_url}"
        running.stop("api")
        running.start("api")
        running.wait_ready("api")
        try:
            yield running
        finally:
            running.stop_all()
