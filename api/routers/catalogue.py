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

from api.services.catalogue import find_services, service_with_fee
from core.models import Service

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
    # Today's fee after the reductions in force (same computation as the chat answers).
    fee_in_force: dict[str, Any] = Field(default_factory=dict)


class ServiceList(BaseModel):
    query: str | None
    count: int
    services: list[ServiceSummary]


def _summary(service: Service) -> ServiceSummary:
    return ServiceSummary.model_validate(service, from_attributes=True)


@router.get("/services", response_model=ServiceList, summary="Search or list public services")
async def services(
    q: str | None = Query(default=None, max_length=200, description="Words to search (accents optional)"),
    limit: int = Query(default=50, ge=1, le=200),
) -> ServiceList:
    found = [_summary(s) for s in await run_in_threadpool(find_services, q, limit)]
    return ServiceList(query=q, count=len(found), services=found)


@router.get(
    "/services/{slug}",
    response_model=ServiceDetail,
    responses={404: {"description": "No such service."}},
    summary="One service with its documents, steps, fees, source and last check date",
)
async def service_detail(
    slug: str,
    province: str | None = Query(default=None, max_length=80, description="Province (old names work)"),
) -> ServiceDetail:
    found = await run_in_threadpool(service_with_fee, slug, province)
    if found is None:
        raise HTTPException(404, f"no service {slug!r}")
    service, fee = found
    detail = ServiceDetail.model_validate(service, from_attributes=True)
    detail.fee_in_force = fee
    return detail
