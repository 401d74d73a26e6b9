"""Answers about a public service from the catalogue: overview, documents, fee, time, where to file."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.common import (
    bullet_list,
    button,
    channel_of,
    format_date,
    format_vnd,
    language_of,
    source_line,
    today,
)
from actions.i18n import localised, t
from core.catalogue import ServiceMatch, current_reductions, get_service, list_services, search_services
from core.db import session_scope
from core.models import Service
from core.unresolved import log_unresolved

ASPECT_BY_INTENT = {
    "ask_service": "overview",
    "ask_documents": "documents",
    "ask_fee": "fee",
    "ask_fee_reduction": "fee",
    "ask_processing_time": "time",
    "ask_where_to_file": "where",
}
AMBIGUITY_MARGIN = 3.0
POPULAR_SERVICES = 4


def _entity(tracker: Tracker, name: str) -> str | None:
    for entity in tracker.latest_message.get("entities", []):
        if entity.get("entity") == name and entity.get("value"):
            return str(entity["value"])
    return None


def resolve_service(session: Session, tracker: Tracker) -> tuple[Service | None, list[ServiceMatch]]:
    """The service the user means: an extracted entity, a fuzzy match in the text, or the last one."""
    slug = _entity(tracker, "service")
    if slug:
        service = get_service(session, slug)
        if service is not None:
            return service, []
    matches = search_services(session, slug or tracker.latest_message.get("text") or "")
    if matches:
        top = matches[0]
        rivals = [m for m in matches[1:] if top.score - m.score < AMBIGUITY_MARGIN and m.length >= top.length]
        if rivals:
            return None, [top, *rivals]
        return top.service, []
    remembered = tracker.get_slot("service")
    if remembered:
        return get_service(session, remembered), []
    return None, []


def render_aspect(session: Session, service: Service, aspect: str, language: str) -> tuple[str, bool]:
    """The answer text, and whether the catalogue had the information asked for."""
    name = str(localised(service.name, language))
    parts: list[str] = [name.upper()]
    if aspect == "overview":
        if service.end_to_end is not None:
            parts.append(t("end_to_end" if service.end_to_end else "partial", language))
        agency = localised(service.agency, language)
        if agency:
            parts.append(f"{t('agency', language)}: {agency}")
        steps = localised(service.steps, language)
        if steps:
            parts.append(f"{t('steps', language)}:\n{bullet_list(steps)}")  # type: ignore[arg-type]
        if service.portal_url:
            parts.append(f"{t('portal', language)}: {service.portal_url}")
    elif aspect == "documents":
        documents = localised(service.documents, language)
        if not documents:
            return t("no_info", language, service=name), False
        parts.append(f"{t('documents', language)}:\n{bullet_list(documents)}")  # type: ignore[arg-type]
    elif aspect == "fee":
        if service.fee_offline is None and service.fee_online is None:
            return f"{name.upper()}\n\n{t('fee_unknown', language)}", False
        parts.append(render_fee(session, service, language))
    elif aspect == "time":
        value = localised(service.processing_time, language)
        if not value:
            return t("no_info", language, service=name), False
        parts.append(f"{t('processing_time', language)}: {value}")
    elif aspect == "where":
        value = localised(service.where_to_file, language)
        if not value and not service.portal_url:
            return t("no_info", language, service=name), False
        if value:
            parts.append(f"{t('where_to_file', language)}: {value}")
        if service.portal_url:
            parts.append(f"{t('portal', language)}: {service.portal_url}")
    parts.append(source_line(service, language))
    return "\n\n".join(parts), True


def render_fee(session: Session, service: Service, language: str) -> str:
    amounts = []
    if service.fee_offline is not None:
        amounts.append(t("fee_offline", language, amount=format_vnd(service.fee_offline, language)))
    if service.fee_online is not None:
        amounts.append(t("fee_online", language, amount=format_vnd(service.fee_online, language)))
    lines = [f"{t('fee', language)}: " + "; ".join(amounts) + "."]
    note = localised(service.fee_note, language)
    if note:
        lines.append(str(note))
    for reduction in current_reductions(session, service.slug, today()):
        if reduction.online_fee is not None:
            what = t("fee_online", language, amount=format_vnd(reduction.online_fee, language))
        else:
            what = f"-{reduction.percent_off}%"
        until = t("until", language, date=format_date(reduction.valid_to)) if reduction.valid_to else ""
        document = reduction.document.get("number", "")
        lines.append(t("reduction", language, what=what, document=document, until=until))
    return "\n".join(lines)


def aspect_buttons(service: Service, aspect: str, language: str) -> list[dict[str, str]]:
    choices = [("fee", "ask_fee", "button_fee"), ("documents", "ask_documents", "button_documents"),
               ("time", "ask_processing_time", "button_time")]
    return [
        button(t(label, language), intent, service=service.slug)
        for key, intent, label in choices
        if key != aspect
    ]


def log_gap(session: Session, tracker: Tracker, reason: str, language: str) -> None:
    """A question we could not fully answer goes to the staff inbox like a fallback."""
    log_unresolved(
        session,
        text=tracker.latest_message.get("text") or "",
        sender_id=tracker.sender_id,
        channel=channel_of(tracker),
        reason=reason,
        intents=tracker.latest_message.get("intent_ranking") or [],
        language=language,
    )


class ActionAnswerService(Action):
    """Handles ask_service / ask_documents / ask_fee / ask_processing_time / ask_where_to_file."""

    def name(self) -> str:
        return "action_answer_service"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        language = language_of(tracker)
        intent = tracker.latest_message.get("intent", {}).get("name") or ""
        aspect = ASPECT_BY_INTENT.get(intent) or tracker.get_slot("aspect") or "overview"
        with session_scope() as session:
            service, candidates = resolve_service(session, tracker)
            if candidates:
                dispatcher.utter_message(
                    text=t("did_you_mean", language),
                    buttons=[
                        button(str(localised(m.service.name, language)), intent or "ask_service",
                               service=m.service.slug)
                        for m in candidates[:3]
                    ],
                )
                return [SlotSet("aspect", aspect)]
            if service is None:
                log_gap(session, tracker, "unknown_service", language)
                dispatcher.utter_message(
                    text=t("ask_which_service", language),
                    buttons=[
                        button(str(localised(s.name, language)), intent or "ask_service", service=s.slug)
                        for s in list_services(session)[:POPULAR_SERVICES]
                    ],
                )
                return [SlotSet("aspect", aspect)]
            text, answered = render_aspect(session, service, aspect, language)
            if not answered:
                log_gap(session, tracker, "missing_content", language)
            dispatcher.utter_message(text=text, buttons=aspect_buttons(service, aspect, language))
            return [SlotSet("service", service.slug), SlotSet("aspect", aspect)]
