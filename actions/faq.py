"""The portal's everyday questions (how to pay, track a file, hotlines...) from the FAQ collection."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.common import source_line
from actions.i18n import localised
from core.faq import match_faq


def answer_faq(session: Session, dispatcher: CollectingDispatcher, tracker: Tracker, language: str) -> bool:
    """Answer the latest message from the FAQ collection if it asks one (own threshold)."""
    found = match_faq(session, tracker.latest_message.get("text") or "", language)
    if found is None:
        return False
    faq = found.faq
    text = f"{localised(faq.answer, language)}\n{source_line(faq, language)}"
    dispatcher.utter_message(text=text)
    return True
