"""Everyday portal questions (data/catalogue/faqs.yaml): match a message to an FAQ, or to none.

Same kind of retrieval as the catalogue search (folded text, rapidfuzz), with its own threshold,
calibrated in tests/unit/test_faq.py so that out-of-scope messages get no FAQ answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Faq
from core.textnorm import fold

# Below this score a message is not this FAQ (see the calibration test).
FAQ_THRESHOLD = 82.0
# Words that carry no topic: a match must share at least one other word with the question.
_STOPWORD_TEXT = (
    "la gi nhu the nao thi sao o dau cua toi minh ban co khong duoc cach lam the sao de vay a nhe "
    "oi muon hay cho hoi xin "
    "what is how do i my the a an to of on in for can where why please"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split(" "))


@dataclass(frozen=True)
class FaqMatch:
    faq: Faq
    score: float
    question: str  # the stored wording that matched


def _content(text: str) -> str:
    """The topic words of a folded text (question words and politeness removed)."""
    words = [w for w in text.replace("?", " ").replace(",", " ").split() if w not in STOPWORDS]
    return " ".join(words)


def score(question: str, text: str) -> float:
    """How well `text` (folded) asks `question` (folded): word-order-free fuzzy similarity of
    their topic words; 0 when they share none."""
    question, text = _content(question), _content(text)
    if not set(question.split()) & set(text.split()):
        return 0.0
    # A short wording inside a longer message counts only as a phrase: "ký số" is in "đăng ký
    # chữ ký số", not in "đăng ký biển số".
    inside = fuzz.token_set_ratio(question, text) - 10 if f" {question} " in f" {text} " else 0.0
    return float(max(fuzz.token_sort_ratio(question, text), inside))


def match_faq(session: Session, text: str, language: str | None = None) -> FaqMatch | None:
    """The FAQ that `text` asks, or None when none is close enough. Both languages are searched
    (a question typed in English on a Vietnamese session still matches); `language` breaks ties."""
    folded = fold(text)
    if not folded:
        return None
    best: FaqMatch | None = None
    for faq in session.scalars(select(Faq).order_by(Faq.slug)):
        for lang, wordings in (faq.questions or {}).items():
            for wording in wordings or []:
                value = score(fold(wording), folded) + (0.5 if lang == language else 0.0)
                if best is None or value > best.score:
                    best = FaqMatch(faq, value, wording)
    return best if best is not None and best.score >= FAQ_THRESHOLD else None
