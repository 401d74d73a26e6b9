"""Which procedure the user means, over the whole catalogue, in a conversation.

In order: a button payload (service entity); a pick among the choices just shown ("cái thứ hai",
"số 3, phí bao nhiêu"); a correction ("à không, ý tôi là chứng thực bản sao"); the search index
(answer / clarify / none); a short follow-up keeps the procedure already discussed ("còn giấy
tờ thì sao?"). Everything is read from the tracker: no retraining.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from actions.common import button
from actions.i18n import localised
from core.catalogue import get_service
from core.models import Service
from core.procedure_search import find_procedure, syllables
from core.textnorm import fold

# A message this short can be a follow-up about the procedure already discussed.
FOLLOW_UP_WORDS = 7
MAX_CHOICES = 4

ORDINALS = {
    "mot": 1, "nhat": 1, "dau": 1, "dau tien": 1, "first": 1, "1st": 1,
    "hai": 2, "nhi": 2, "second": 2, "2nd": 2,
    "ba": 3, "third": 3, "3rd": 3,
    "bon": 4, "tu": 4, "fourth": 4, "4th": 4,
}  # fmt: skip
_NUMBER = r"(\d|" + "|".join(sorted(map(re.escape, ORDINALS), key=len, reverse=True)) + ")"
_PICKS = [
    # "số 3", "cái thứ hai", "thủ tục thứ 2", "lựa chọn 1", "option 2", "number 3", "#2"
    re.compile(
        rf"(?:^|\s)(?:so|cai|muc|lua chon|thu tuc|option|number|no\.?|#)\s*(?:thu\s+)?{_NUMBER}(?!\w)"
    ),
    re.compile(rf"(?:^|\s)thu\s+{_NUMBER}(?!\w)"),  # "thứ hai"
    re.compile(rf"(?:^|\s)the\s+{_NUMBER}(?:\s+one)?(?!\w)"),  # "the second one"
    re.compile(r"^\s*(\d)\s*(?:[.,)!?]|$|\s)"),  # "2", "2, phí bao nhiêu"
]
_CORRECTION = re.compile(
    r"^\s*(?:(?:a|a ma|o|ay|thoi)\s+)?(?:khong phai|khong|nham|sai roi|no|sorry|oops)\b[\s,.!]*"
    r"(?:(?:y|cai)\s+(?:toi|minh|em|anh|chi)\s+(?:la|muon hoi)"
    r"|(?:toi|minh|em)\s+(?:muon\s+)?hoi|i\s+mean[t]?|la)?"
    r"[\s,:]*(?P<rest>.+)$"
)
_MEANT = re.compile(r"^\s*(?:y\s+(?:toi|minh|em)\s+la|i\s+meant?)\s*[,:]?\s*(?P<rest>.+)$")

# Aspect words, for messages whose intent says none (picks, fallback): folded patterns.
ASPECT_WORDS = [
    ("reduction", r"giam phi|giam le phi|mien giam|discount|reduction"),
    ("fee", r"phi|bao nhieu tien|fee|cost|how much"),
    ("documents", r"giay to|ho so|can gi|can nhung gi|chuan bi|mang theo|documents?|papers"),
    ("time", r"mat bao lau|mat may ngay|bao lau|may ngay|thoi gian|how long"),
    ("where", r"o dau|noi nao|nop dau|where"),
]
INTENT_BY_ASPECT = {
    "overview": "ask_service",
    "documents": "ask_documents",
    "fee": "ask_fee",
    "reduction": "ask_fee_reduction",
    "time": "ask_processing_time",
    "where": "ask_where_to_file",
}
CHOICE_TEXT = {
    "vi": "Có {count} thủ tục gần với câu hỏi của bạn. Bạn hỏi thủ tục nào? (bấm nút hoặc gõ số)",
    "en": "{count} procedures are close to your question. Which one do you mean? (tap or type its number)",
}


@dataclass
class Resolution:
    service: Service | None = None
    candidates: list[Service] = field(default_factory=list)
    how: str = "none"  # entity | pick | correction | search | follow_up | none


def pick_number(text: str) -> int | None:
    """The choice number in "cái thứ hai", "số 3, phí bao nhiêu", "the second one", "2"."""
    folded = fold(text)
    for pattern in _PICKS:
        found = pattern.search(folded)
        if found:
            word = found.group(1)
            return int(word) if word.isdigit() else ORDINALS[word]
    return None


def correction_rest(text: str) -> str | None:
    """What the user meant in "à không, ý tôi là chứng thực bản sao" (None if not a correction)."""
    folded = fold(text)
    found = _MEANT.match(folded) or _CORRECTION.match(folded)
    rest = found.group("rest").strip() if found else ""
    return rest or None


# Follow-up words left once the aspect is taken out ("còn … thì sao", "vậy", "cần"), folded.
_FOLLOW_UP_WORDS = re.compile(r"(?<!\w)(?:con|vay|the|thi|sao|co|di|la|ma|can|nua|roi|nop|lam)(?!\w)")


def names_something(text: str) -> bool:
    """Whether the message says more than an aspect ("lệ phí bao nhiêu?" names no procedure)."""
    rest = " ".join(syllables(text))  # filler out, told apart by its diacritics when typed
    for _aspect, words in ASPECT_WORDS:
        rest = re.sub(rf"(?<!\w)(?:{words})(?!\w)", " ", rest)
    return bool(_FOLLOW_UP_WORDS.sub(" ", rest).split())


def aspect_from_text(text: str) -> str | None:
    folded = fold(text)
    for aspect, words in ASPECT_WORDS:
        if re.search(rf"(?<!\w)(?:{words})(?!\w)", folded):
            return aspect
    return None


def offered_choices(tracker: Tracker) -> list[str]:
    """The service slugs of the numbered choice the bot showed just before this message."""
    events = list(tracker.events)
    # Skip the current user message, then read the bot turns back to the previous user message.
    seen_current = False
    for event in reversed(events):
        kind = event.get("event")
        if kind == "user":
            if seen_current:
                break
            seen_current = True
            continue
        if kind != "bot" or not seen_current:
            continue
        slugs = [
            _payload_service(b.get("payload", "")) for b in (event.get("data") or {}).get("buttons") or []
        ]
        found = list(dict.fromkeys(slug for slug in slugs if slug))
        if len(found) >= 2:  # aspect buttons all name the same service: not a choice
            return found
    return []


def _payload_service(payload: str) -> str | None:
    start = payload.find("{")
    if start < 0:
        return None
    try:
        entities = json.loads(payload[start:])
    except json.JSONDecodeError:
        return None
    value = entities.get("service") if isinstance(entities, dict) else None
    return str(value) if value else None


def _entity(tracker: Tracker, name: str) -> str | None:
    for entity in tracker.latest_message.get("entities", []):
        if entity.get("entity") == name and entity.get("value"):
            return str(entity["value"])
    return None


# The tagged popular service stands against a search candidate scoring at most this much more.
ENTITY_TIE = 0.05
# ... unless a candidate nearly as good (within SIBLING_GAP) explains a larger share of the question.
SIBLING_FIT = 0.10
SIBLING_GAP = 0.15


def _services(session: Session, slugs: list[str]) -> list[Service]:
    found = [get_service(session, slug) for slug in slugs]
    return [service for service in found if service is not None]


def _search(session: Session, text: str) -> Resolution:
    decision = find_procedure(session, text)
    services = _services(session, decision.slugs)
    if decision.kind == "answer" and services:
        return Resolution(services[0], [], "search")
    if decision.kind == "clarify" and services:
        return Resolution(None, services[:MAX_CHOICES], "search")
    return Resolution()


def _refined(session: Session, named: Service, text: str) -> Resolution:
    """The NLU tags a popular service by one of its words ("khai sinh" in "giấy khai sinh ghi sai
    tên"); the search over the whole catalogue knows better which procedure that is. Its clear
    answer wins; when it hesitates, the tagged service stands if it is as good as the best
    candidate and no candidate explains more of the question, else the choice is shown with the
    tagged one among it; when it finds nothing, the tagged service stands ("hộ chiếu có được giảm
    phí không") unless the question is on another subject ("hộ chiếu ngoại giao"). A button
    payload is taken as it is."""
    if text.startswith("/"):
        return Resolution(named, [], "entity")
    decision = find_procedure(session, text)
    found = _services(session, decision.slugs[:1]) if decision.kind == "answer" else []
    if found and found[0].slug != named.slug:
        return Resolution(found[0], [], "search")
    if decision.other_subjects:  # "hộ chiếu ngoại giao": not the passport we know
        return Resolution(None, [], "search")
    if decision.kind != "clarify":
        return Resolution(named, [], "entity")
    top = decision.candidates[0]
    tagged = next((hit for hit in decision.candidates if hit.slug == named.slug), None)
    # The tag is a word ("hộ chiếu"), not a choice between that service and its siblings: a
    # candidate whose words explain more of the question ("hộ chiếu bị mất") is shown with it.
    other_fits_more = tagged is not None and any(
        hit.entry_share > tagged.entry_share + SIBLING_FIT and hit.score >= tagged.score - SIBLING_GAP
        for hit in decision.candidates
        if hit.slug != named.slug
    )
    if tagged is not None and tagged.score >= top.score - ENTITY_TIE and not other_fits_more:
        return Resolution(named, [], "entity")
    candidates = _services(session, decision.slugs)
    offered = candidates if tagged is not None else [*candidates[: MAX_CHOICES - 1], named]
    return Resolution(None, offered, "search")


def resolve(session: Session, tracker: Tracker, from_fallback: bool = False) -> Resolution:
    """From the fallback (the NLU placed nothing), a follow-up must name no other thing: "mất bao
    lâu?" keeps the procedure, "giá vàng hôm nay?" does not."""
    slug = _entity(tracker, "service")
    text = tracker.latest_message.get("text") or ""
    if slug:
        service = get_service(session, slug)
        if service is not None:
            return _refined(session, service, text)
    choices = offered_choices(tracker)
    number = pick_number(text) if choices else None
    if number is not None and 1 <= number <= len(choices):
        picked = get_service(session, choices[number - 1])
        if picked is not None:
            return Resolution(picked, [], "pick")
    rest = correction_rest(text)
    if rest:
        corrected = _search(session, rest)
        if corrected.service or corrected.candidates:
            corrected.how = "correction"
            return corrected
    found = _search(session, text)
    remembered = tracker.get_slot("service")
    intent = tracker.latest_message.get("intent", {}).get("name")
    short = intent == "inform" or len(text.split()) <= FOLLOW_UP_WORDS or not names_something(text)
    if from_fallback:
        short = not names_something(text)
    if remembered and found.service is None:
        kept = get_service(session, remembered)
        if kept is not None and (short or kept in found.candidates):
            return Resolution(kept, [], "follow_up")
    return found


def choice_message(candidates: list[Service], intent: str, language: str) -> dict[str, Any]:
    """A numbered choice of the real candidates; each button sets the service slot."""
    names = [str(localised(service.name, language)) for service in candidates]
    lines = [CHOICE_TEXT.get(language, CHOICE_TEXT["vi"]).format(count=len(candidates))]
    lines += [f"{number}. {name}" for number, name in enumerate(names, start=1)]
    return {
        "text": "\n".join(lines),
        "buttons": [
            button(f"{number}. {name}"[:60], intent, service=service.slug)
            for number, (name, service) in enumerate(zip(names, candidates, strict=True), start=1)
        ],
    }
