"""Fallback: log the unresolved question (redacted) for staff, answer politely with the hotline."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import button, channel_of, language_of
from actions.i18n import t
from core.db import session_scope
from core.settings import get_settings
from core.unresolved import log_unresolved

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
        message = tracker.latest_message
        try:
            with session_scope() as session:
                log_unresolved(
                    session,
                    text=message.get("text") or "",
                    sender_id=tracker.sender_id,
                    channel=channel_of(tracker),
                    reason=fallback_reason(tracker),
                    intents=message.get("intent_ranking") or [],
                    language=language,
                )
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
