"""POST /api/chat — the one chat contract for the web page, the widget and the Zalo Mini App."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.responses import JSONResponse

from api.deps import get_rasa, miniapp_sender
from api.schemas import ChatRequest, ChatResponse, ErrorResponse, Reply
from api.services.chat import (
    BUSY_VI,
    FAILED_VI,
    UNAVAILABLE_VI,
    ChatFailed,
    ChatUnavailable,
    SenderBusy,
    handle_message,
    sender_gate,
)
from api.services.rasa_client import RasaClient
from core.settings import Settings, get_settings

router = APIRouter(prefix="/api", tags=["chat"])


def _error(status_code: int, detail: str, message: str, retry_after: int | None = None) -> JSONResponse:
    return JSONResponse(
        status_code=status_code,
        content=ErrorResponse(detail=detail, replies=[Reply(text=message)]).model_dump(),
        headers={"Retry-After": str(retry_after)} if retry_after is not None else None,
    )


@router.post(
    "/chat",
    response_model=ChatResponse,
    responses={
        413: {"model": ErrorResponse, "description": "Text longer than 2,000 characters."},
        422: {"description": "Malformed JSON or missing/invalid fields."},
        429: {
            "model": ErrorResponse,
            "description": "Too many messages, or this sender's previous message is still being answered "
            "(see Retry-After).",
        },
        500: {"model": ErrorResponse, "description": "Our own error; the message was logged."},
        503: {"model": ErrorResponse, "description": "The assistant is unreachable; the message was logged."},
    },
    summary="Send a user message, get the assistant's replies",
)
async def chat(
    body: ChatRequest,
    rasa: RasaClient = Depends(get_rasa),
    settings: Settings = Depends(get_settings),
    zalo_user: str | None = Depends(miniapp_sender),  # "zalo:<id>" when X-Zalo-Access-Token is valid
) -> ChatResponse | JSONResponse:
    if len(body.text) > settings.max_message_chars:
        raise HTTPException(
            413,
            f"text is {len(body.text)} characters; the limit is {settings.max_message_chars}",
        )
    sender = zalo_user or body.sender_id
    try:
        async with sender_gate().hold(sender):
            return await handle_message(rasa, sender, body.text, body.channel.value)
    except SenderBusy as exc:
        return _error(
            status.HTTP_429_TOO_MANY_REQUESTS,
            "previous message of this sender is still being answered",
            BUSY_VI,
            exc.retry_after,
        )
    except ChatUnavailable:
        return _error(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "assistant unavailable",
            UNAVAILABLE_VI.format(hotline=settings.hotline),
            30,
        )
    except ChatFailed:
        return _error(
            status.HTTP_500_INTERNAL_SERVER_ERROR,
            "internal error",
            FAILED_VI.format(hotline=settings.hotline),
        )
