"""Answers about a public service from the catalogue: overview, documents, fee, fee reductions,
processing time, where to file — in the user's language, for today's date and their province.

Multi-turn: the service, the aspect asked about and the province are kept in slots, so
"còn lệ phí thì sao?" keeps the service and "ở Hà Nội thì sao?" keeps the question and changes
the place. A missing service is asked for (with buttons); so is the province for fee reductions.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.common import button, language_of, log_question, today
from actions.faq import answer_faq
from actions.i18n import localised, t
from actions.render import render_answer, render_province_reductions
from actions.resolution import INTENT_BY_ASPECT, aspect_from_text, choice_message, names_something, resolve
from core.catalogue import get_service, list_services
from core.db import session_scope
from core.models import Service
from core.provinces import Resolved, provinces
from core.settings import get_settings

ASPECT_BY_INTENT = {
    "ask_service": "overview",
    "ask_documents": "documents",
    "ask_fee": "fee",
    "ask_fee_reduction": "reduction",
    "ask_processing_time": "time",
    "ask_where_to_file": "where",
}
POPULAR_SERVICES = 4
ASKED_PROVINCE_BUTTONS = ("Hà Nội", "Hồ Chí Minh", "Đà Nẵng", "Hải Phòng", "Cần Thơ", "Huế")


def entity_value(tracker: Tracker, name: str) -> str | None:
    for entity in tracker.latest_message.get("entities", []):
        if entity.get("entity") == name and entity.get("value"):
            return str(entity["value"])
    return None


def resolve_service(
    session: Session, tracker: Tracker, from_fallback: bool = False
) -> tuple[Service | None, list[Service]]:
    """The procedure the user means (actions/resolution.py), or the candidates to choose from."""
    resolution = resolve(session, tracker, from_fallback)
    return resolution.service, resolution.candidates


def resolve_province(tracker: Tracker) -> Resolved | None:
    return provinces().resolve(entity_value(tracker, "province") or tracker.get_slot("province"))


class ActionAnswerService(Action):
    """Handles ask_service / ask_documents / ask_fee / ask_fee_reduction / ask_processing_time /
    ask_where_to_file, and `inform` follow-ups that only name a service or a place."""

    def __init__(self, from_fallback: bool = False) -> None:
        # Run by the fallback (the NLU placed nothing): answers only what the catalogue knows
        # (no events otherwise). Not a subclass: the SDK registers every Action subclass by name.
        self.from_fallback = from_fallback

    def name(self) -> str:
        return "action_answer_service"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        language = language_of(tracker)
        intent = tracker.latest_message.get("intent", {}).get("name") or ""
        text = tracker.latest_message.get("text") or ""
        aspect = (
            ASPECT_BY_INTENT.get(intent) or aspect_from_text(text) or tracker.get_slot("aspect") or "overview"
        )
        if intent not in ASPECT_BY_INTENT:
            intent = INTENT_BY_ASPECT.get(aspect, "ask_service")
        place = resolve_province(tracker)
        events: list[dict[str, Any]] = [SlotSet("aspect", aspect)]
        if place is not None:
            events.append(SlotSet("province", place.said))
        with session_scope() as session:
            service, candidates = resolve_service(session, tracker, self.from_fallback)
            if self.from_fallback and service is None and not candidates:
                return []
            # An everyday portal question ("thanh toán lệ phí online thế nào") beats a weak choice.
            local_question = service is None and aspect == "reduction" and place is not None
            if service is None and not local_question and answer_faq(session, dispatcher, tracker, language):
                return events
            if candidates:
                dispatcher.utter_message(**choice_message(candidates, intent or "ask_service", language))
                return events
            if service is None and aspect == "reduction" and place is not None:
                text, local = render_province_reductions(session, place, language, today())
                if not local:
                    log_question(session, tracker, "needs_content", language)
                covered = [slug for reduction in local for slug in (reduction.covers or [])]
                choices = [get_service(session, slug) for slug in dict.fromkeys(covered)] or list_services(
                    session
                )
                dispatcher.utter_message(
                    text=text,
                    buttons=[
                        button(str(localised(s.name, language)), "ask_fee", service=s.slug)
                        for s in choices[:POPULAR_SERVICES]
                        if s is not None
                    ],
                )
                return events
            if service is None:
                log_question(session, tracker, "unknown_service", language)
                if names_something(text):  # a procedure we do not have: say so, never a neighbour
                    dispatcher.utter_message(text=t("fallback", language, hotline=get_settings().hotline))
                    return events
                dispatcher.utter_message(
                    text=t("ask_which_service", language),
                    buttons=[
                        button(str(localised(s.name, language)), intent or "ask_service", service=s.slug)
                        for s in list_services(session)[:POPULAR_SERVICES]
                    ],
                )
                return events
            events.append(SlotSet("service", service.slug))
            detail = entity_value(tracker, "detail") == "more"
            answer = render_answer(session, service, aspect, language, today(), place, detail)
            if not answer.answered:
                log_question(session, tracker, "needs_content", language)
            if aspect == "reduction" and place is None and not detail:
                dispatcher.utter_message(text=answer.text)
                dispatcher.utter_message(
                    text=t("ask_province", language),
                    buttons=[button(name, "inform", province=name) for name in ASKED_PROVINCE_BUTTONS],
                )
                return events
            dispatcher.utter_message(text=answer.text, buttons=answer.buttons)
            return events
