"""Catalogue queries of the public API: search or list services, one service by slug.

Returns loaded ORM rows (the session does not expire them); the router turns them into its
response models.
"""

from __future__ import annotations

from core.catalogue import get_service, list_services, search_services, service_terms
from core.clock import today
from core.db import session_scope
from core.fees import fee_in_force
from core.models import Service
from core.provinces import provinces
from core.textnorm import fold


def find_services(query: str | None, limit: int) -> list[Service]:
    with session_scope() as session:
        services = list_services(session)
        if not query or not fold(query):
            return services[:limit]
        ranked = [match.service for match in search_services(session, query, limit=limit)]
        folded = fold(query)
        seen = {s.slug for s in ranked}
        # Browsing by a word or two: every service whose name or alias contains the query.
        for service in services:
            if service.slug not in seen and any(folded in fold(term) for term in service_terms(service)):
                ranked.append(service)
                seen.add(service.slug)
        return ranked[:limit]


def service_by_slug(slug: str) -> Service | None:
    with session_scope() as session:
        return get_service(session, slug)


def service_with_fee(slug: str, province: str | None = None) -> tuple[Service, dict[str, object]] | None:
    """A service and the fee in force today (core/fees.py, the amount every channel states)."""
    with session_scope() as session:
        service = get_service(session, slug)
        if service is None:
            return None
        place = provinces().resolve(province)
        quote = fee_in_force(session, service, today(), place.unit.name if place else None)
        return service, quote.as_dict()
