"""Catalogue queries: fuzzy, diacritic-insensitive service search and record look-ups."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import FeeReduction, Guide, Service
from core.textnorm import fold

MATCH_THRESHOLD = 90.0
# Short aliases ("cccd", "gplx") must appear as whole words, never as fuzzy fragments.
SHORT_ALIAS = 5


@dataclass(frozen=True)
class ServiceMatch:
    service: Service
    score: float
    matched: str  # the name or alias that matched
    length: int  # its folded length: a longer alias is a more specific match

    @property
    def rank(self) -> tuple[float, int]:
        return (self.score, self.length)


def service_terms(service: Service) -> list[str]:
    """Every name a citizen may use for a service (names in all languages and aliases)."""
    terms = [text for text in service.name.values() if text]
    terms.extend(service.aliases or [])
    return terms


def _score(term: str, text: str) -> float:
    """How well the user's text mentions `term` (both folded)."""
    if len(term) <= SHORT_ALIAS:
        return 100.0 if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text) else 0.0
    if len(term) > len(text):
        # The text is shorter than the name: it must resemble the whole name, not a piece of it.
        return float(fuzz.ratio(term, text))
    return float(fuzz.partial_ratio(term, text))


def search_services(session: Session, text: str, limit: int = 3) -> list[ServiceMatch]:
    """Services whose names or aliases appear in `text`, best first (ties: longer alias first)."""
    folded = fold(text)
    if not folded:
        return []
    best: dict[str, ServiceMatch] = {}
    for service in session.scalars(select(Service)):
        for term in service_terms(service):
            folded_term = fold(term)
            if not folded_term:
                continue
            score = _score(folded_term, folded)
            if score < MATCH_THRESHOLD:
                continue
            candidate = ServiceMatch(service, score, term, len(folded_term))
            current = best.get(service.slug)
            if current is None or candidate.rank > current.rank:
                best[service.slug] = candidate
    return sorted(best.values(), key=lambda m: m.rank, reverse=True)[:limit]


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
