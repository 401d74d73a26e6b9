"""POST /api/feedback — 👍/👎 on one answer of the assistant."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, status

from api.deps import miniapp_sender
from api.schemas import FeedbackRequest, FeedbackResponse
from api.services.feedback import submit_feedback
from core.feedback import ExchangeNotFound, InvalidFeedback, NotYourExchange

router = APIRouter(prefix="/api", tags=["feedback"])


@router.post(
    "/feedback",
    status_code=status.HTTP_201_CREATED,
    response_model=FeedbackResponse,
    responses={
        403: {"description": "The sender_id is not the one that sent this exchange."},
        404: {"description": "No exchange with this exchange_id."},
        422: {"description": "Malformed JSON or missing/invalid fields (rating must be up or down)."},
    },
    summary="Rate an answer 👍/👎 (one vote per exchange; voting again replaces the vote)",
    description=(
        "Stores the rating of the answer identified by `exchange_id` (from POST /api/chat). "
        "The channel is taken from the exchange. A 👎 puts the question and the answer in the "
        "unresolved queue (reason `thumbs_down`); changing it to 👍 removes it while still `new`. "
        "The comment is redacted (phone numbers, emails, ID numbers) before it is stored."
    ),
)
async def feedback(
    body: FeedbackRequest,
    zalo_user: str | None = Depends(miniapp_sender),  # a verified Mini App user rates as "zalo:<id>"
) -> FeedbackResponse:
    if zalo_user:
        body = body.model_copy(update={"sender_id": zalo_user})
    try:
        return await submit_feedback(body)
    except ExchangeNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "exchange not found") from exc
    except NotYourExchange as exc:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "this exchange belongs to another conversation"
        ) from exc
    except InvalidFeedback as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc)) from exc
