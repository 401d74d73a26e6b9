"""Input channel for our web API: the REST channel plus what the NLU understood.

POST /webhooks/api/webhook with {"sender", "message", "input_channel", "metadata"} answers
{"messages": [...], "intent": {...}, "entities": [...], "slots": {...}} so that the API can
record analytics (intent, confidence, service, language) without a second NLU call.
Every call must carry `Authorization: Bearer $RASA_TOKEN` (the token of Rasa's HTTP API): without
it anyone on the machine could write into any conversation and read its slots back.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import rasa_fixes
from bot.rasa_fixes import capture_saved_tracker

logger = logging.getLogger(__name__)

REPORTED_SLOTS = ("service", "aspect", "province", "language")


class ApiInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "api"

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("the api channel needs RASA_TOKEN (start Rasa with python -m bot.serve)")
        self.expected = f"Bearer {token}".encode()

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> ApiInput:
        rasa_fixes.apply()  # Rasa builds its channels once, before it serves any message
        return cls(os.environ.get("RASA_TOKEN", ""))

    def authorised(self, request: Request) -> bool:
        return secrets.compare_digest(request.headers.get("Authorization", "").encode(), self.expected)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("api_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.authorised(request):
                return response.json({"error": "missing or wrong token"}, status=401)
            body = request.json if isinstance(request.json, dict) else {}
            sender_id = body.get("sender")
            text = body.get("message")
            if not isinstance(sender_id, str) or not isinstance(text, str):
                return response.json({"error": "sender and message must be strings"}, status=400)
            collector = CollectingOutputChannel()
            with capture_saved_tracker() as saved:
                await on_new_message(
                    UserMessage(
                        text,
                        collector,
                        sender_id,
                        input_channel=str(body.get("input_channel") or self.name()),
                        metadata=body.get("metadata") or {},
                    )
                )
            tracker = saved.get("tracker") or await read_tracker(request, sender_id)
            return response.json({"messages": collector.messages, **understood(tracker)})

        return webhook


async def read_tracker(request: Request, sender_id: str) -> DialogueStateTracker | None:
    """Fallback when the turn saved no tracker (e.g. Rasa failed mid-turn)."""
    try:
        return await request.app.ctx.agent.tracker_store.retrieve(sender_id)
    except Exception:  # analytics must never break a reply
        logger.exception("could not read the tracker of this turn")
        return None


def understood(tracker: DialogueStateTracker | None) -> dict[str, Any]:
    """The intent, entities and key slots after this turn (empty if the tracker is unavailable)."""
    if tracker is None:
        return {"intent": None, "entities": [], "slots": {}}
    latest = tracker.latest_message
    return {
        "intent": latest.intent if latest else None,
        "entities": [
            {key: entity.get(key) for key in ("entity", "value", "extractor")}
            for entity in (latest.entities if latest else [])
        ],
        "slots": {name: tracker.get_slot(name) for name in REPORTED_SLOTS if name in tracker.slots},
    }
