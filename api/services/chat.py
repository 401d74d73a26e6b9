"""Chat use case: forward a message to Rasa; whatever happens, the user's words are not lost."""

from __future__ import annotations

import structlog
from starlette.concurrency import run_in_threadpool

from api.schemas import ChatRequest, ChatResponse, Reply
from api.services.rasa_client import RasaClient, RasaUnavailable
from core.db import session_scope
from core.unresolved import log_unresolved

logger = structlog.get_logger(__name__)

UNAVAILABLE_VI = (
    "Xin lỗi, trợ lý đang tạm thời gián đoạn. Câu hỏi của bạn đã được ghi lại; "
    "bạn vui lòng thử lại sau ít phút hoặc gọi tổng đài {hotline}."
)
NO_REPLY_VI = "Xin lỗi, mình chưa có câu trả lời cho câu hỏi này. Câu hỏi đã được ghi lại để cán bộ bổ sung."


class ChatUnavailable(RuntimeError):
    """Rasa is unreachable; the message has been logged."""


def record_unanswered(request: ChatRequest, reason: str) -> None:
    with session_scope() as session:
        log_unresolved(
            session,
            text=request.text,
            sender_id=request.sender_id,
            channel=request.channel.value,
            reason=reason,
        )


async def handle_message(rasa: RasaClient, request: ChatRequest) -> ChatResponse:
    try:
        replies = await rasa.send(request.sender_id, request.text, {"channel": request.channel.value})
    except RasaUnavailable as exc:
        logger.warning("rasa_unavailable", error=str(exc), channel=request.channel.value)
        await run_in_threadpool(record_unanswered, request, "rasa_unavailable")
        raise ChatUnavailable from exc
    if not replies:
        await run_in_threadpool(record_unanswered, request, "no_reply")
        replies = [Reply(text=NO_REPLY_VI)]
    return ChatResponse(replies=replies)
