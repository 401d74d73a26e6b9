"""Health checks: /health/live (process up) and /health (every part; 503 if any is down)."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Request, Response, status
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from api.schemas import ComponentHealth, HealthReport, Liveness
from core.db import get_engine
from core.settings import get_settings

router = APIRouter(tags=["health"])


def _check_db() -> None:
    with get_engine().connect() as connection:
        connection.execute(text("SELECT 1"))


async def db_health() -> ComponentHealth:
    try:
        await run_in_threadpool(_check_db)
    except Exception as exc:
        return ComponentHealth(status="down", detail=type(exc).__name__)
    return ComponentHealth(status="ok")


async def rasa_health(request: Request) -> ComponentHealth:
    try:
        info = await request.app.state.rasa.status()
    except (httpx.HTTPError, ValueError) as exc:
        return ComponentHealth(status="down", detail=type(exc).__name__)
    if not info.get("model_file"):
        return ComponentHealth(status="down", detail="no model loaded")
    return ComponentHealth(status="ok", detail=str(info.get("model_id") or ""))


async def actions_health() -> ComponentHealth:
    url = get_settings().action_server_url.rstrip("/") + "/health"
    try:
        async with httpx.AsyncClient(timeout=3.0) as client:
            response = await client.get(url)
            response.raise_for_status()
    except httpx.HTTPError as exc:
        return ComponentHealth(status="down", detail=type(exc).__name__)
    return ComponentHealth(status="ok")


@router.get("/health/live", response_model=Liveness, summary="Liveness: the API process answers")
async def live() -> Liveness:
    return Liveness(status="ok")


@router.get(
    "/health",
    response_model=HealthReport,
    responses={503: {"model": HealthReport, "description": "At least one part is down."}},
    summary="Readiness: database, Rasa server and action server",
)
async def health(request: Request, response: Response) -> HealthReport:
    components = {
        "db": await db_health(),
        "rasa": await rasa_health(request),
        "actions": await actions_health(),
    }
    healthy = all(c.status == "ok" for c in components.values())
    if not healthy:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return HealthReport(status="ok" if healthy else "down", components=components)
