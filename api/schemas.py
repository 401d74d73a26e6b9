"""Request and response models of the public HTTP API (the contract every front end uses)."""

from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Channel(str, Enum):
    web = "web"
    widget = "widget"
    miniapp = "zalo_miniapp"


class ChatRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"sender_id": "b7f1c2d0-web", "text": "Làm sao đăng nhập VNeID?"}]},
    )

    sender_id: str = Field(
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9_.:@-]+$",
        description="Stable id of the conversation, chosen by the front end (e.g. a random UUID).",
    )
    text: str = Field(description="What the user typed; at most 2,000 characters (longer: 413).")
    channel: Channel = Field(default=Channel.web, description="Which front end sent the message.")


class ButtonOut(BaseModel):
    title: str
    payload: str = Field(description="Send this back as `text` when the user clicks the button.")


class Reply(BaseModel):
    text: str
    buttons: list[ButtonOut] = Field(default_factory=list)


class ChatResponse(BaseModel):
    replies: list[Reply]
    exchange_id: int | None = Field(
        default=None, description="Id of this exchange, to attach feedback (👍/👎) to the answer."
    )


class ErrorResponse(BaseModel):
    detail: str
    replies: list[Reply] = Field(
        default_factory=list, description="A message a front end can show to the user as is."
    )


class Liveness(BaseModel):
    status: Literal["ok"]


class ComponentHealth(BaseModel):
    status: Literal["ok", "down"]
    detail: str | None = None


class HealthReport(BaseModel):
    status: Literal["ok", "down"]
    components: dict[str, ComponentHealth]


class FeedbackRequest(BaseModel):
    """A 👍/👎 on the answer to one exchange (`exchange_id` from ChatResponse)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"exchange_id": 42, "sender_id": "b7f1c2d0-web", "rating": "down"}]},
    )

    exchange_id: int = Field(ge=1, description="`exchange_id` of the ChatResponse being rated.")
    sender_id: str = Field(
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9_.:@-]+$",
        description="The sender_id that sent the message; only its sender may rate an answer.",
    )
    rating: Literal["up", "down"] = Field(
        description='"up" (helpful) or "down" (not helpful: queued for staff).'
    )
    comment: str | None = Field(
        default=None,
        max_length=500,
        description="Optional remark, at most 500 characters; personal data is redacted.",
    )


class FeedbackResponse(BaseModel):
    id: int
    exchange_id: int
    rating: Literal["up", "down"]
    channel: str = Field(description="Channel of the rated exchange (web, widget, zalo_miniapp...).")
    queued_as_unresolved: bool = Field(
        description="True when the exchange is in the unresolved queue for staff."
    )
    updated: bool = Field(description="True when this vote replaced an earlier vote on the same exchange.")


class ZaloAck(BaseModel):
    """What the Zalo webhook answers to a signed event."""

    status: Literal["accepted", "duplicate", "ignored"]
    reason: str | None = None
