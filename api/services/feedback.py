"""Feedback use case: store a 👍/👎 on an exchange; a 👎 queues the exchange for staff."""

from __future__ import annotations

import structlog
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from api.schemas import FeedbackRequest, FeedbackResponse
from core.db import session_scope
from core.feedback import record_feedback

logger = structlog.get_logger(__name__)


def _store(body: FeedbackRequest) -> FeedbackResponse:
    # Two votes on one exchange at the same moment: the loser of the unique index retries as an update.
    for attempt in (1, 2):
        try:
            with session_scope() as session:
                result = record_feedback(
                    session,
                    exchange_id=body.exchange_id,
                    sender_id=body.sender_id,
                    rating=body.rating,
                    comment=body.comment,
                )
                feedback = result.feedback
                response = FeedbackResponse(
                    id=feedback.id,
                    exchange_id=feedback.exchange_id,
                    rating=feedback.rating,  # type: ignore[arg-type]
                    channel=feedback.channel,
                    queued_as_unresolved=feedback.unresolved_id is not None,
                    updated=not result.created,
                )
            logger.info(
                "feedback", rating=response.rating, channel=response.channel, updated=response.updated
            )
            return response
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def submit_feedback(body: FeedbackRequest) -> FeedbackResponse:
    return await run_in_threadpool(_store, body)
