"""Greetings, thanks, goodbyes and "what can you do": the domain's responses, unless the NLU took
a procedure question for small talk ("cham dut hoat dong ho kinh doanh" read as goodbye)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.services import ActionAnswerService
from core.db import session_scope
from core.procedure_search import find_procedure

# Small talk the NLU is this sure of is small talk ("cảm ơn nhiều", "chào bạn").
SURE = 0.8
# A shorter message stays small talk unless the catalogue answers it with one procedure
# ("I need assistance" is not a question about social assistance).
CHOICE_WORDS = 5
RESPONSES = {
    "greet": "utter_greet",
    "goodbye": "utter_goodbye",
    "thanks": "utter_thanks",
    "bot_capabilities": "utter_capabilities",
}


def names_a_procedure(text: str, confidence: float) -> bool:
    if confidence >= SURE or not text or text.startswith("/"):
        return False
    with session_scope() as session:
        decision = find_procedure(session, text)
    return decision.kind == "answer" or (decision.kind == "clarify" and len(text.split()) >= CHOICE_WORDS)


class ActionSmallTalk(Action):
    def name(self) -> str:
        return "action_small_talk"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        intent = tracker.latest_message.get("intent") or {}
        text = tracker.latest_message.get("text") or ""
        if names_a_procedure(text, float(intent.get("confidence") or 0.0)):
            events = ActionAnswerService(from_fallback=True).run(dispatcher, tracker, domain)
            if events:  # from the fallback, no events means no answer
                return events
        dispatcher.utter_message(response=RESPONSES.get(str(intent.get("name")), "utter_greet"))
        return []
