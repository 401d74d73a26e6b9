"""Answers about a public service from the catalogue: overview, documents, fee, fee reductions,
processing time, where to file — in the user's language, for today's date and their province.

Multi-turn: the service, the aspect asked about and the province are kept in slots, so
"còn lệ phí thì sao?" keeps the service and "ở Hà Nội thì sao?" keeps the question and changes
the place. A missing service is asked for (with buttons); so is the province for fee reductions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.common import (
    bullet_list,
    button,
    format_date,
    format_vnd,
    language_of,
    log_question,
    source_line,
    today,
)
from actions.i18n import localised, t
from actions.resolution import (
    INTENT_BY_ASPECT,
    aspect_from_text,
    choice_message,
    names_something,
    resolve,
    with_code_line,
)
from core.catalogue import (
    any_province_reduction,
    current_reductions,
    get_service,
    list_services,
    province_reductions,
)
from core.db import session_scope
from core.models import FeeReduction, Service
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


def place_line(place: Resolved, language: str) -> str:
    unit = place.unit
    if place.is_old_name:
        return t(
            "old_province", language, old=place.said, new=unit.label_vi if language == "vi" else unit.label_en
        )
    return t("province", language, name=unit.label_vi if language == "vi" else unit.label_en)


def reduction_line(reduction: FeeReduction, language: str) -> str:
    if reduction.online_fee is not None:
        what = t("fee_online", language, amount=format_vnd(reduction.online_fee, language))
    elif reduction.percent_off is not None:
        what = t("percent_off", language, percent=reduction.percent_off)
    else:
        what = str(localised(reduction.applies_to, language) or "")
    until = t("until", language, date=format_date(reduction.valid_to)) if reduction.valid_to else ""
    line = t("reduction", language, what=what, document=reduction.document.get("number", ""), until=until)
    scope = localised(reduction.applies_to, language)
    if scope and scope != what:
        line += f" ({scope})"  # say which fees it covers and for whom
    if not reduction.verified:
        line += "\n" + t(
            "reduction_unverified",
            language,
            url=reduction.source_url,
            date=format_date(reduction.last_checked),
        )
    return line


def render_fee(
    session: Session,
    service: Service,
    language: str,
    on: dt.date,
    place: Resolved | None,
    focus_reduction: bool,
) -> tuple[list[str], bool]:
    """The fee lines and whether they answer the question (an amount, or a reduction in force)."""
    parts = []
    amounts = []
    if service.fee_offline is not None:
        amounts.append(t("fee_offline", language, amount=format_vnd(service.fee_offline, language)))
    if service.fee_online is not None:
        amounts.append(t("fee_online", language, amount=format_vnd(service.fee_online, language)))
    parts.append(
        f"{t('fee', language)}: " + "; ".join(amounts) + "." if amounts else t("fee_unknown", language)
    )
    note = localised(service.fee_note, language)
    if note:
        parts.append(str(note))
    national = current_reductions(session, service.slug, on)
    local = province_reductions(session, place.unit.name, on, service.slug) if place else []
    for reduction in [*national, *local]:
        parts.append(reduction_line(reduction, language))
    if focus_reduction and not national and not local:
        parts.append(t("no_current_reduction", language, date=format_date(on)))
    if place is None and not focus_reduction and any_province_reduction(session, service.slug, on):
        parts.append(t("local_reduction_hint", language))
    return parts, bool(amounts or national or local)


def render_aspect(
    session: Session, service: Service, aspect: str, language: str, on: dt.date, place: Resolved | None = None
) -> tuple[str, bool]:
    """The answer text, and whether the catalogue had the information asked for."""
    name = str(localised(service.name, language))
    parts: list[str] = [name.upper()]
    if place is not None:
        parts.append(place_line(place, language))
    answered = True
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
        answered = bool(documents)
        if answered:
            parts.append(f"{t('documents', language)}:\n{bullet_list(documents)}")  # type: ignore[arg-type]
    elif aspect in {"fee", "reduction"}:
        fee_parts, answered = render_fee(session, service, language, on, place, aspect == "reduction")
        parts.extend(fee_parts)
    elif aspect == "time":
        value = localised(service.processing_time, language)
        answered = bool(value)
        if answered:
            parts.append(f"{t('processing_time', language)}: {value}")
    elif aspect == "where":
        value = localised(service.where_to_file, language)
        answered = bool(value or service.portal_url)
        if value:
            parts.append(f"{t('where_to_file', language)}: {value}")
        if service.portal_url:
            parts.append(f"{t('portal', language)}: {service.portal_url}")
    if not answered and aspect not in {"fee", "reduction"}:
        parts.append(t("no_info", language, service=name))
        return "\n\n".join(parts), False
    # Fee answers always carry the service's fee note, so they always end with its source.
    parts.append(source_line(service, language))
    if place is not None and place.is_old_name:
        parts.append(provinces_source(language))
    return "\n\n".join(parts), answered


def render_province_reductions(
    session: Session, place: Resolved, language: str, on: dt.date
) -> tuple[str, list[FeeReduction]]:
    """A province's fee reductions in force today, each with its source (no service named)."""
    parts = [place_line(place, language)]
    local = province_reductions(session, place.unit.name, on)
    name = place.unit.label_vi if language == "vi" else place.unit.label_en
    if not local:
        parts.append(t("no_province_reduction", language, name=name, date=format_date(on)))
    for reduction in local:
        line = reduction_line(reduction, language)
        if reduction.verified:
            title = reduction.source_title or reduction.document.get("number") or reduction.source_url
            line += "\n" + t("source", language, title=title, date=format_date(reduction.last_checked))
            line += f"\n{reduction.source_url}"
        parts.append(line)
    parts.append(t("ask_service_for_fee", language))
    if place.is_old_name:
        parts.append(provinces_source(language))
    return "\n\n".join(parts), local


def provinces_source(language: str) -> str:
    reference = provinces()
    return t("source", language, title=reference.source_title, date=format_date(reference.last_checked))


def aspect_buttons(service: Service, aspect: str, language: str) -> list[dict[str, str]]:
    choices = [
        ("fee", "ask_fee", "button_fee"),
        ("documents", "ask_documents", "button_documents"),
        ("time", "ask_processing_time", "button_time"),
        ("overview", "ask_service", "button_steps"),
    ]
    return [
        button(t(label, language), intent, service=service.slug)
        for key, intent, label in choices
        if key != aspect
    ][:3]


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
            if candidates:
                dispatcher.utter_message(**choice_message(candidates, intent or "ask_service", language))
                return events
            if service is None and aspect == "reduction" and place is not None:
                text, local = render_province_reductions(session, place, language, today())
                if not local:
                    log_question(session, tracker, "missing_content", language)
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
            if aspect == "reduction" and place is None:
                text, _ = render_aspect(session, service, aspect, language, today())
                dispatcher.utter_message(text=with_code_line(text, service, language))
                dispatcher.utter_message(
                    text=t("ask_province", language),
                    buttons=[button(name, "inform", province=name) for name in ASKED_PROVINCE_BUTTONS],
                )
                return events
            text, answered = render_aspect(session, service, aspect, language, today(), place)
            text = with_code_line(text, service, language)
            if not answered:
                log_question(session, tracker, "missing_content", language)
            dispatcher.utter_message(text=text, buttons=aspect_buttons(service, aspect, language))
            return events
