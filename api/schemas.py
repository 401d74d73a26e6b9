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


class ComponentHealth(BaseModel):
    status: Literal["ok", "down"]
    detail: str | None = None


class HealthReport(BaseModel):
    status: Literal["ok", "down"]
    components: dict[str, ComponentHealth]
