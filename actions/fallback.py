"""Fallback: an everyday portal question gets its FAQ answer; anything else is logged (redacted) for
staff and answered politely with the hotline."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import button, language_of, log_question
from actions.faq import answer_faq
from actions.i18n import t
from actions.services import ActionAnswerService
from core.db import session_scope
from core.settings import get_settings

logger = logging.getLogger(__name__)


def fallback_reason(tracker: Tracker) -> str:
    intent = tracker.latest_message.get("intent", {}).get("name")
    if intent == "nlu_fallback":
        return "nlu_fallback"
    if intent == "out_of_scope":
        return "out_of_scope"
    return "core_fallback"


class ActionLogUnresolved(Action):
    def name(self) -> str:
        return "action_log_unresolved"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        language = language_of(tracker)
        # An everyday portal question first (its own strict threshold), then what the NLU could not
        # place may still name a catalogue procedure ("ba tôi mất hôm qua, báo tử ở đâu", "cái thứ hai").
        with session_scope() as session:
            if answer_faq(session, dispatcher, tracker, language):
                return []
        events = ActionAnswerService(from_fallback=True).run(dispatcher, tracker, domain)
        if events:
            return events
        try:
            with session_scope() as session:
                log_question(session, tracker, fallback_reason(tracker), language)
        except Exception:  # the user still gets an answer; the failure is visible in the logs
            logger.exception("could not log an unresolved question")
        dispatcher.utter_message(
            text=t("fallback", language, hotline=get_settings().hotline),
            buttons=[
                button(t("fallback_vneid", language), "vneid_login"),
                button(t("fallback_passport", language), "ask_service", service="passport"),
            ],
        )
        return []


class ActionDefaultFallback(ActionLogUnresolved):
    """Rasa's own fallback (no policy is confident) goes through the same log."""

    def name(self) -> str:
        return "action_default_fallback"
