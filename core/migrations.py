"""Alembic configuration of the app database (migrations/ holds the revisions)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from core.settings import PROJECT_ROOT, get_settings


def alembic_config(database_url: str | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url or get_settings().database_url
    return config


def upgrade(revision: str = "head", database_url: str | None = None) -> None:
    """Apply migrations (creates the database if it does not exist)."""
    command.upgrade(alembic_config(database_url), revision)
