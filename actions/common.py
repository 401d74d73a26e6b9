"""Helpers shared by the actions: tracker look-ups and answer formatting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from actions.i18n import DEFAULT_LANGUAGE, t
from core import clock
from core.sources import shown_source
from core.unresolved import hash_of_rasa_sender, log_unresolved


def language_of(tracker: Tracker) -> str:
    return tracker.get_slot("language") or DEFAULT_LANGUAGE


def channel_of(tracker: Tracker) -> str:
    metadata = tracker.latest_message.get("metadata") or {}
    channel = metadata.get("channel") if isinstance(metadata, dict) else None
    return str(channel or tracker.get_latest_input_channel() or "unknown")


def today() -> dt.date:
    return clock.today()


def format_date(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def format_vnd(amount: int, language: str) -> str:
    if amount == 0:
        return t("fee_free", language)
    grouped = f"{amount:,}"
    return f"{grouped.replace(',', '.')} đồng" if language == "vi" else f"{grouped} VND"


def source_line(record: Any, language: str) -> str:
    """The one closing line of a factual answer: an official page or the legal document, the date
    it was last checked, and "unverified" once when the record is."""
    shown = shown_source(record, language)
    line = t(
        "source",
        language,
        title=shown.title or t("no_official_source", language),
        date=format_date(shown.last_checked),
    )
    if not shown.verified and shown.title:
        line += " · " + t("unverified", language)
    return line


def bullet_list(items: list[str] | None) -> str:
    return "\n".join(f"{index}. {item}" for index, item in enumerate(items or [], start=1))


def button(title: str, intent: str, **entities: str) -> dict[str, str]:
    payload = f"/{intent}"
    if entities:
        inner = ",".join(f'"{key}":"{value}"' for key, value in entities.items())
        payload += "{" + inner + "}"
    return {"title": title, "payload": payload}


def log_question(session: Session, tracker: Tracker, reason: str, language: str) -> None:
    """Send the latest user message to the staff inbox (redacted, sender hashed)."""
    log_unresolved(
        session,
        text=tracker.latest_message.get("text") or "",
        hashed_sender=hash_of_rasa_sender(tracker.sender_id),  # the API gives Rasa the hash
        channel=channel_of(tracker),
        reason=reason,
        intents=tracker.latest_message.get("intent_ranking") or [],
        language=language,
    )
