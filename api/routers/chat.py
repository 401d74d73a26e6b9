"""POST /api/chat — the one chat contract for the web page, the widget and the Zalo Mini App."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.responses import JSONResponse

from api.deps import get_rasa, miniapp_sender
from api.schemas import ChatRequest, ChatResponse, ErrorResponse, Reply
from api.services.chat import UNAVAILABLE_VI, ChatUnavailable, handle_message
from api.services.rasa_client import RasaClient
from core.settings import Settings, get_settings

router = APIRouter(prefix="/api", tags=["chat"])


@router.post(
    "/chat",
    response_model=ChatResponse,
    responses={
        413: {"model": ErrorResponse, "description": "Text longer than 2,000 characters."},
        422: {"description": "Malformed JSON or missing/invalid fields."},
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
    if not body.text.strip():
        raise HTTPException(422, "text must not be empty")
    try:
        return await handle_message(rasa, zalo_user or body.sender_id, body.text, body.channel.value)
    except ChatUnavailable:
        message = UNAVAILABLE_VI.format(hotline=settings.hotline)
        return JSONResponse(
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            content=ErrorResponse(detail="assistant unavailable", replies=[Reply(text=message)]).model_dump(),
            headers={"Retry-After": "30"},
        )
