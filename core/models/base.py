"""The declarative base of every table. Localised fields are JSON objects keyed by language:
{"vi": ..., "en": ...}."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import DeclarativeBase

Localised = dict[str, Any]


class Base(DeclarativeBase):
    pass
