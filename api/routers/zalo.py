"""POST /webhooks/zalo — the Zalo Official Account webhook.

Verifies X-ZEvent-Signature on the raw body, stores the event (de-duplicated by msg_id) and answers
200 at once; the assistant's replies go out through the OA message API in the background.
"""

from __future__ import annotations

import json

import structlog
from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.deps import get_zalo_client
from api.schemas import ZaloAck
from api.services.zalo.events import is_echo, parse_event, persist_event, process_event
from api.services.zalo.signature import SignatureError, verify_signature
from core.settings import Settings, get_settings

logger = structlog.get_logger(__name__)

router = APIRouter(tags=["zalo"])


def _answer(status_code: int, detail: str) -> JSONResponse:
    return JSONResponse(status_code=status_code, content={"detail": detail})


@router.post(
    "/webhooks/zalo",
    summary="Zalo OA webhook (signed events)",
    responses={
        200: {
            "model": ZaloAck,
            "description": "Event accepted (answered in the background), duplicate or ignored.",
        },
        400: {"description": "Body is not a JSON object."},
        401: {"description": "Missing, forged or stale X-ZEvent-Signature; nothing was processed."},
        503: {"description": "Zalo is not configured on this server (ZALO_APP_ID / ZALO_OA_SECRET_KEY)."},
    },
)
async def zalo_webhook(
    request: Request,
    background: BackgroundTasks,
    settings: Settings = Depends(get_settings),
) -> JSONResponse:
    if not (settings.zalo_app_id and settings.zalo_oa_secret_key):
        return _answer(503, "Zalo not configured")
    raw = await request.body()
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return _answer(400, "Request body is not valid JSON.")
    if not isinstance(payload, dict):
        return _answer(400, "Request body must be a JSON object.")
    try:
        verify_signature(
            request.headers.get("X-ZEvent-Signature"),
            app_id=settings.zalo_app_id,
            raw_body=raw,
            timestamp=payload.get("timestamp"),
            oa_secret_key=settings.zalo_oa_secret_key,
            max_age_seconds=settings.zalo_webhook_max_age_seconds,
        )
    except SignatureError as exc:
        logger.warning("zalo_webhook_rejected", reason=str(exc))
        return _answer(401, f"Invalid event signature ({exc}).")
    if is_echo(payload):
        return JSONResponse({"status": "ignored", "reason": "oa echo"})
    event = parse_event(payload)
    if event is None:
        return JSONResponse({"status": "ignored"})
    event_id = await run_in_threadpool(persist_event, event)
    if event_id is None:
        logger.info("zalo_webhook_duplicate", event_name=event.event_name)
        return JSONResponse({"status": "duplicate"})
    background.add_task(process_event, event_id, request.app.state.rasa, get_zalo_client(request))
    return JSONResponse({"status": "accepted"})
