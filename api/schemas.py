"""Request and response models of the public HTTP API (the contract every front end uses)."""

from __future__ import annotations

import unicodedata
from enum import Enum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

# Largest id a database integer column holds (BIGINT); larger ids are a 422, not an OverflowError.
MAX_ID = 2**63 - 1
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]

# Sender ids the API builds itself for verified Zalo users: "zalo:<id>" (Mini App, api/deps.py)
# and "zalo_oa:<hash>" (OA webhook, api/services/zalo/events.py). A client may not claim them.
RESERVED_SENDER_PREFIXES = ("zalo:", "zalo_oa:")
# Characters that show nothing but are not whitespace for str.strip() (Hangul fillers, braille blank).
INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


def no_lone_surrogates(value: str) -> str:
    """JSON can carry "\\ud800" alone; such a string cannot be encoded, stored or sent on."""
    if any("\ud800" <= char <= "\udfff" for char in value):
        raise PydanticCustomError(
            "lone_surrogate",
            "contains an invalid character (a lone UTF-16 surrogate); send valid Unicode text",
        )
    return value


def visible(value: str) -> bool:
    """True when `value` has at least one character that shows (not whitespace, control or format)."""
    return any(
        not char.isspace() and char not in INVISIBLE and unicodedata.category(char) not in ("Cc", "Cf")
        for char in value
    )


def not_blank(value: str) -> str:
    if not visible(value):
        raise PydanticCustomError("blank", "must not be empty (only spaces or invisible characters)")
    return value


def not_reserved_sender(value: str) -> str:
    if value.lower().startswith(RESERVED_SENDER_PREFIXES):
        raise PydanticCustomError(
            "reserved_sender_id",
            "must not start with 'zalo:' or 'zalo_oa:' (reserved for verified Zalo users; "
            "the Mini App proves its user with the X-Zalo-Access-Token header)",
        )
    return value


# Any text a client sends (also used by the staff API's bodies).
CleanText = Annotated[str, AfterValidator(no_lone_surrogates)]
SenderId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9_.:@-]+$",
        description="Stable id of the conversation, chosen by the front end (e.g. a random UUID); "
        "'zalo:' and 'zalo_oa:' are reserved.",
    ),
    AfterValidator(not_reserved_sender),
]


class Channel(str, Enum):
    web = "web"
    widget = "widget"
    miniapp = "zalo_miniapp"


class ChatRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"sender_id": "b7f1c2d0-web", "text": "Làm sao đăng nhập VNeID?"}]},
    )

    sender_id: SenderId
    text: Annotated[CleanText, AfterValidator(not_blank)] = Field(
        description="What the user typed; at most 2,000 characters (longer: 413); not only "
        "spaces or invisible characters."
    )
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

    exchange_id: int = Field(ge=1, le=MAX_ID, description="`exchange_id` of the ChatResponse being rated.")
    sender_id: SenderId = Field(
        description="The sender_id that sent the message; only its sender may rate an answer "
        "(a verified Mini App user sends X-Zalo-Access-Token instead)."
    )
    rating: Literal["up", "down"] = Field(
        description='"up" (helpful) or "down" (not helpful: queued for staff).'
    )
    comment: CleanText | None = Field(
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
