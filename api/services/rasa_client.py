"""Talks to the Rasa server: our `api` input channel for messages, the token-protected HTTP API for status."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from api.schemas import ButtonOut, Reply


class RasaUnavailable(RuntimeError):
    """Rasa could not be reached or answered with an error."""


@dataclass
class Turn:
    """What Rasa answered to one message, and what it understood."""

    replies: list[Reply]
    intent: str | None = None
    confidence: float | None = None
    slots: dict[str, Any] = field(default_factory=dict)


class RasaClient:
    def __init__(self, base_url: str, token: str, timeout: float) -> None:
        self._token = token
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def send(self, sender_id: str, text: str, channel: str, metadata: dict[str, Any]) -> Turn:
        try:
            response = await self._http.post(
                "/webhooks/api/webhook",
                json={"sender": sender_id, "message": text, "input_channel": channel, "metadata": metadata},
                headers={"Authorization": f"Bearer {self._token}"},  # the channel refuses calls without it
            )
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise RasaUnavailable(str(exc) or type(exc).__name__) from exc
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            raise RasaUnavailable("unexpected answer from Rasa")
        intent = body.get("intent") or {}
        return Turn(
            replies=to_replies(body["messages"]),
            intent=intent.get("name"),
            confidence=intent.get("confidence"),
            slots=body.get("slots") or {},
        )

    async def status(self) -> dict[str, Any]:
        response = await self._http.get("/status", params={"token": self._token}, timeout=3.0)
        response.raise_for_status()
        return response.json()


def to_replies(messages: list[dict[str, Any]]) -> list[Reply]:
    """Rasa bot messages -> our reply format (text + quick-reply buttons; images become links)."""
    replies: list[Reply] = []
    for message in messages:
        text = message.get("text") or ""
        if message.get("image"):
            text = f"{text}\n{message['image']}".strip()
        buttons = [
            ButtonOut(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
            for b in message.get("buttons") or []
            if b.get("payload")
        ]
        if not text and not buttons:
            continue
        if not text and buttons and replies:
            replies[-1].buttons.extend(buttons)
            continue
        replies.append(Reply(text=text, buttons=buttons))
    return replies
