"""Read-only public catalogue API: GET /api/services?q= and GET /api/services/{slug}.

Search is diacritic-insensitive ("ho chieu" finds "hộ chiếu"). Every record carries its source and
the date it was last checked; maintainers' notes are never published.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from core.catalogue import get_service, list_services, search_services, service_terms
from core.db import session_scope
from core.models import Service
from core.textnorm import fold

router = APIRouter(prefix="/api", tags=["catalogue"])

Localised = dict[str, Any]


class ServiceSummary(BaseModel):
    slug: str
    name: Localised
    agency: Localised = Field(default_factory=dict)
    fee_offline: int | None = None
    fee_online: int | None = None
    end_to_end: bool | None = None
    source_url: str
    last_checked: dt.date


class ServiceDetail(ServiceSummary):
    procedure_code: str | None = None
    aliases: list[str] = Field(default_factory=list)
    who_may_file: Localised = Field(default_factory=dict)
    documents: Localised = Field(default_factory=dict)
    steps: Localised = Field(default_factory=dict)
    fee_note: Localised = Field(default_factory=dict)
    processing_time: Localised = Field(default_factory=dict)
    where_to_file: Localised = Field(default_factory=dict)
    portal_url: str | None = None
    legal_basis: list[str] = Field(default_factory=list)
    source_title: str | None = None
    extra_sources: list[str] = Field(default_factory=list)
    verified: bool = True


class ServiceList(BaseModel):
    query: str | None
    count: int
    services: list[ServiceSummary]


def _summary(service: Service) -> ServiceSummary:
    return ServiceSummary.model_validate(service, from_attributes=True)


def _find(query: str | None, limit: int) -> list[ServiceSummary]:
    with session_scope() as session:
        services = list_services(session)
        if not query or not fold(query):
            return [_summary(s) for s in services[:limit]]
        ranked = [match.service for match in search_services(session, query, limit=limit)]
        folded = fold(query)
        seen = {s.slug for s in ranked}
        # Browsing by a word or two: every service whose name or alias contains the query.
        for service in services:
            if service.slug not in seen and any(folded in fold(term) for term in service_terms(service)):
                ranked.append(service)
                seen.add(service.slug)
        return [_summary(s) for s in ranked[:limit]]


@router.get("/services", response_model=ServiceList, summary="Search or list public services")
async def services(
    q: str | None = Query(default=None, max_length=200, description="Words to search (accents optional)"),
    limit: int = Query(default=50, ge=1, le=200),
) -> ServiceList:
    found = await run_in_threadpool(_find, q, limit)
    return ServiceList(query=q, count=len(found), services=found)


def _detail(slug: str) -> ServiceDetail | None:
    with session_scope() as session:
        service = get_service(session, slug)
        return ServiceDetail.model_validate(service, from_attributes=True) if service else None


@router.get(
    "/services/{slug}",
    response_model=ServiceDetail,
    responses={404: {"description": "No such service."}},
    summary="One service with its documents, steps, fees, source and last check date",
)
async def service_detail(slug: str) -> ServiceDetail:
    detail = await run_in_threadpool(_detail, slug)
    if detail is None:
        raise HTTPException(404, f"no service {slug!r}")
    return detail
