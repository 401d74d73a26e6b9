"""Catalogue queries: diacritic-insensitive service search (core/procedure_search.py) and look-ups."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import FeeReduction, Guide, Service
from core.procedure_search import NONE_SCORE, catalogue_index
from core.textnorm import fold


@dataclass(frozen=True)
class ServiceMatch:
    service: Service
    score: float  # 0-100
    matched: str  # the name, alias or situation that matched
    length: int  # its folded length


def service_terms(service: Service) -> list[str]:
    """Every name a citizen may use for a service (names in all languages and aliases)."""
    terms = [text for text in service.name.values() if text]
    terms.extend(service.aliases or [])
    return terms


def search_services(session: Session, text: str, limit: int = 3) -> list[ServiceMatch]:
    """Services relevant to `text`, best first, from the warm procedure index (nothing below
    the calibrated none-threshold). For what to answer, use core.procedure_search.find_procedure."""
    hits = [hit for hit in catalogue_index(session).search(text, limit) if hit.score >= NONE_SCORE]
    services = {
        s.slug: s for s in session.scalars(select(Service).where(Service.slug.in_([h.slug for h in hits])))
    }
    return [
        ServiceMatch(services[hit.slug], round(hit.score * 100, 1), hit.matched, len(fold(hit.matched)))
        for hit in hits
        if hit.slug in services
    ]


def get_service(session: Session, slug: str) -> Service | None:
    return session.scalar(select(Service).where(Service.slug == slug))


def get_guide(session: Session, slug: str) -> Guide | None:
    return session.scalar(select(Guide).where(Guide.slug == slug))


def list_services(session: Session) -> list[Service]:
    return list(session.scalars(select(Service).order_by(Service.slug)))


def is_current(record: Any, on: dt.date) -> bool:
    """True when `on` falls inside the record's validity period (open ends allowed)."""
    valid_from = getattr(record, "valid_from", None)
    valid_to = getattr(record, "valid_to", None)
    return (valid_from is None or valid_from <= on) and (valid_to is None or on <= valid_to)


def covers_service(reduction: FeeReduction, slug: str) -> bool:
    """A reduction counts for a service when it is for that service or lists it in `covers`."""
    return reduction.service_slug == slug or slug in (reduction.covers or [])


def current_reductions(session: Session, slug: str, on: dt.date) -> list[FeeReduction]:
    """National reductions for a service that are in force on `on`."""
    rows = session.scalars(
        select(FeeReduction).where(FeeReduction.scope == "national").order_by(FeeReduction.key)
    )
    return [row for row in rows if is_current(row, on) and covers_service(row, slug)]


def province_reductions(
    session: Session, province: str, on: dt.date, slug: str | None = None
) -> list[FeeReduction]:
    """A province's reductions in force on `on`: all of them, or only those covering `slug`."""
    rows = session.scalars(
        select(FeeReduction)
        .where(FeeReduction.scope == "province", FeeReduction.province == province)
        .order_by(FeeReduction.key)
    )
    return [row for row in rows if is_current(row, on) and (slug is None or covers_service(row, slug))]


def any_province_reduction(session: Session, slug: str, on: dt.date) -> bool:
    """Whether some province has a reduction covering `slug` in force on `on`."""
    rows = session.scalars(select(FeeReduction).where(FeeReduction.scope == "province"))
    return any(is_current(row, on) and covers_service(row, slug) for row in rows)
