"""Answer-first rendering of catalogue answers, the same for every channel (widget, Zalo OA, Mini App).

Layout: the first sentence answers exactly what was asked (for today's date and the user's place),
then at most three short lines, then one source line; the other aspects and "Xem chi tiết" are
buttons. The default answer stays within ANSWER_LIMIT characters; long lists are behind a button.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from actions.common import bullet_list, button, format_date, format_vnd, source_line
from actions.i18n import localised, t
from core.catalogue import any_province_reduction, province_reductions
from core.fees import CONDITIONS, AppliedReduction, FeeQuote, fee_in_force
from core.models import FeeReduction, Service
from core.provinces import Resolved, provinces
from core.sources import is_official

ANSWER_LIMIT = 600
MAX_EXTRA_LINES = 3
LIST_PAGE = 3  # documents shown before "Xem đủ ..."

ASPECT_INTENTS = {
    "fee": ("ask_fee", "button_fee"),
    "documents": ("ask_documents", "button_documents"),
    "time": ("ask_processing_time", "button_time"),
    "where": ("ask_where_to_file", "button_where"),
    "overview": ("ask_service", "button_steps"),
}


@dataclass
class Answer:
    text: str
    answered: bool  # False: the catalogue lacks the aspect (logged for staff as needs_content)
    buttons: list[dict[str, str]] = field(default_factory=list)


def procedure_code_line(service: Service, language: str) -> str | None:
    """'Mã thủ tục 1.001193' for records with a national procedure code."""
    return t("procedure_code", language, code=service.procedure_code) if service.procedure_code else None


def unit_label(place: Resolved, language: str) -> str:
    return place.unit.label_vi if language == "vi" else place.unit.label_en


def fit(first: str, lines: list[str], last: str, limit: int = ANSWER_LIMIT) -> str:
    """First sentence, up to three lines, the source line; drop trailing lines to stay in limit."""
    kept = [line for line in lines if line][:MAX_EXTRA_LINES]
    while kept and len("\n".join([first, *kept, last])) > limit:
        kept.pop()
    room = limit - len(last) - 1
    if len(first) > room:
        first = first[: room - 1].rstrip() + "…"
    return "\n".join([first, *kept, last])


def _short(text: object, limit: int = 160) -> str:
    """The first sentence of a note, cut to `limit`."""
    value = str(text or "").strip()
    sentence = value.split(". ")[0].rstrip(".")
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def _rest(quote: FeeQuote, language: str) -> str:
    """The unconditional amount: one figure when both methods cost the same."""
    online, offline = quote.online, quote.offline
    if online is not None and offline is not None:
        if online == offline:
            return format_vnd(online, language)
        return t(
            "fee_by_method",
            language,
            online=format_vnd(online, language),
            offline=format_vnd(offline, language),
        )
    if online is not None:
        return t("fee_online_only", language, online=format_vnd(online, language))
    if offline is not None:
        return t("fee_offline_only", language, offline=format_vnd(offline, language))
    return t("fee_unknown", language).rstrip(".").lower()


def _basis(item: AppliedReduction, language: str) -> str:
    reduction = item.reduction
    number = reduction.document.get("number", "")
    until = t("until_short", language, date=format_date(reduction.valid_to)) if reduction.valid_to else ""
    if item.online == 0:
        return t("fee_basis_waiver", language, document=number, until=until)
    amount = format_vnd(item.online if item.online is not None else item.offline or 0, language)
    return t("fee_basis_amount", language, amount=amount, document=number, until=until)


def fee_sentence(name: str, quote: FeeQuote, language: str, focus_reduction: bool) -> str:
    if quote.conditional:
        best = quote.conditional[0]
        condition = str(localised(CONDITIONS[best.condition or "online"], language))
        if best.online == 0:
            return t("fee_waiver_if", language, name=name, condition=condition, rest=_rest(quote, language))
        amount = format_vnd(best.online or 0, language)
        return t(
            "fee_cut_if", language, name=name, amount=amount, condition=condition, rest=_rest(quote, language)
        )
    if not quote.known:
        return t("fee_none_known", language, name=name)
    if focus_reduction and not quote.reduced:
        return t("fee_no_cut", language, name=name, date=format_date(quote.on), rest=_rest(quote, language))
    return t("fee_now", language, name=name, rest=_rest(quote, language))


def place_note(
    session: Session, service: Service, place: Resolved | None, on: dt.date, quote: FeeQuote, language: str
) -> str | None:
    if place is None:
        if any_province_reduction(session, service.slug, on):
            return t("local_hint_short", language)
        return None
    label = unit_label(place, language)
    local = any(a.reduction.scope == "province" for a in [*quote.conditional, *quote.unconditional])
    note = t("place_local" if local else "place_no_local", language, place=label)
    if place.is_old_name:
        return t("place_merged", language, old=place.said, new=label) + "; " + note
    return note[0].upper() + note[1:]


def render_fee(
    session: Session, service: Service, language: str, on: dt.date, place: Resolved | None, focus: bool
) -> tuple[str, list[str], FeeReduction | None, bool]:
    """The fee's first sentence, its short lines, the record to cite and whether an amount is known."""
    name = str(localised(service.name, language))
    quote = fee_in_force(session, service, on, place.unit.name if place else None)
    lines = []
    shown = [*quote.conditional[:1], *quote.unconditional[:1]]
    if shown:
        lines.append(t("fee_basis", language, items="; ".join(_basis(item, language) for item in shown)))
    lines.append(place_note(session, service, place, on, quote, language) or "")
    if not quote.known:
        note = localised(service.fee_note, language)
        if note:
            lines.append(t("fee_known_note", language, note=_short(note)))
        agency = localised(service.agency, language)
        if agency:
            lines.append(t("ask_agency", language, agency=_short(agency, 120)))
    return fee_sentence(name, quote, language, focus), lines, quote.deciding, quote.known


def render_missing(service: Service, aspect: str, language: str) -> tuple[str, list[str]]:
    """What is known when an aspect is missing: the agency and where to ask or look."""
    name = str(localised(service.name, language))
    first = t("missing_aspect", language, name=name, aspect=t(f"aspect_{aspect}", language))
    lines = []
    agency = localised(service.agency, language)
    if agency:
        lines.append(t("ask_agency", language, agency=_short(agency, 160)))
    if service.portal_url:
        lines.append(t("check_online", language, portal=service.portal_url))
    return first, lines


def aspect_buttons(service: Service, aspect: str, language: str, more: str | None) -> list[dict[str, str]]:
    """Up to three other aspects, then "Xem chi tiết" (or "Xem đủ N giấy tờ") when there is more."""
    buttons = [
        button(t(label, language), intent, service=service.slug)
        for key, (intent, label) in ASPECT_INTENTS.items()
        if key != aspect and not (aspect == "reduction" and key == "fee")
    ][:3]
    if more:
        intent = ASPECT_INTENTS.get(aspect, ("ask_fee", ""))[0]
        buttons.append(button(more, intent, service=service.slug, detail="more"))
    return buttons


def render_detail(session: Session, service: Service, aspect: str, language: str, on: dt.date) -> str:
    """The long form behind "Xem chi tiết": full lists and the fee note, still one source line."""
    name = str(localised(service.name, language))
    parts = [name]
    if aspect == "documents":
        parts.append(bullet_list(localised(service.documents, language)))  # type: ignore[arg-type]
    elif aspect in {"fee", "reduction"}:
        note = localised(service.fee_note, language)
        if note:
            parts.append(str(note))
    else:
        steps = localised(service.steps, language)
        if steps:
            parts.append(f"{t('steps', language)}:\n{bullet_list(steps)}")  # type: ignore[arg-type]
        who = localised(service.who_may_file, language)
        if who:
            parts.append(str(who))
    parts.append(source_line(service, language))
    return "\n".join(parts)


def render_answer(
    session: Session,
    service: Service,
    aspect: str,
    language: str,
    on: dt.date,
    place: Resolved | None = None,
    detail: bool = False,
) -> Answer:
    if detail:
        return Answer(
            render_detail(session, service, aspect, language, on),
            True,
            aspect_buttons(service, aspect, language, None),
        )
    name = str(localised(service.name, language))
    cited: object = service
    more: str | None = t("button_detail", language)
    answered = True
    lines: list[str] = []
    if aspect in {"fee", "reduction"}:
        first, lines, deciding, answered = render_fee(
            session, service, language, on, place, aspect == "reduction"
        )
        cited = deciding or service
    elif aspect == "documents":
        documents = list(localised(service.documents, language) or [])  # type: ignore[call-overload]
        answered = bool(documents)
        if answered:
            first = t("documents_count", language, name=name, count=len(documents))
            lines = [bullet_list(documents[:LIST_PAGE])]
            more = t("documents_more", language, count=len(documents)) if len(documents) > LIST_PAGE else None
    elif aspect == "time":
        value = localised(service.processing_time, language)
        answered = bool(value)
        if answered:
            first = t("time_is", language, name=name, value=value)
    elif aspect == "where":
        value = localised(service.where_to_file, language) or service.portal_url
        answered = bool(value)
        if answered:
            first = t("where_is", language, name=name, value=value)
            if service.portal_url and service.portal_url not in str(value):
                lines.append(t("portal", language) + f": {service.portal_url}")
    else:
        portal = service.portal_url or localised(service.where_to_file, language)
        answered = bool(portal)
        if answered:
            key = {True: "overview_e2e", False: "overview_partial", None: "overview_plain"}[
                service.end_to_end
            ]
            first = t(key, language, name=name, portal=portal)
            agency = localised(service.agency, language)
            if agency:
                lines.append(f"{t('agency', language)}: {_short(agency, 140)}")
    if not answered and aspect not in {"fee", "reduction"}:
        first, lines = render_missing(service, aspect, language)
        more = None
    last = source_line(cited, language)
    code = procedure_code_line(service, language)  # so a citizen finds it on the portal, staff check it
    text = fit(first, lines, f"{last} · {code}" if code else last)
    return Answer(text, answered, aspect_buttons(service, aspect, language, more))


def render_province_reductions(
    session: Session, place: Resolved, language: str, on: dt.date
) -> tuple[str, list[FeeReduction]]:
    """A province's reductions in force (no service named): the first one answers, one source."""
    local = province_reductions(session, place.unit.name, on)
    label = unit_label(place, language)
    merged = t("place_merged", language, old=place.said, new=label) + "." if place.is_old_name else ""
    if not local:
        first = t("no_province_reduction", language, name=label, date=format_date(on))
        reference = provinces()
        # The merger's legal act, not the news page that reported it (core/sources.py rule).
        act = (
            reference.source_url
            if is_official(reference.source_url)
            else reference.source_title.split(";")[0]
        )
        last = t("source", language, title=act, date=format_date(reference.last_checked))
        return fit(first, [merged, t("ask_service_for_fee", language)], last), local
    head = local[0]
    number = head.document.get("number", "")
    what = _short(localised(head.applies_to, language), 220)
    first = f"{label}: {what} ({number})."
    others = ", ".join(r.document.get("number", "") for r in local[1:])
    lines = [merged, others and (t("fee_basis", language, items=others)), t("ask_service_for_fee", language)]
    return fit(first, lines, source_line(head, language)), local
