"""Everyday words -> the words official procedure names use (data/reference/vocabulary.yaml).

Citizens describe situations ("bố tôi mất hôm qua", "sổ đỏ bị cháy", "rút BHXH một lần"); the
national database names procedures ("Đăng ký khai tử", "Cấp lại Giấy chứng nhận quyền sử dụng
đất do bị mất"). The search adds the official words of every rule a question matches; the
question's own words still count.

A rule matches whole words. Written with diacritics, it is matched with diacritics when the
question has them ("mất" is not "mắt" nor "mật") and folded when the question is typed without.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from core.textnorm import fold, nfc

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"
VOCABULARY_FILE = REFERENCE_DIR / "vocabulary.yaml"
# Words that put a question on another subject ("bảo hiểm nhân thọ", "bằng lái ca nô").
OTHER_SUBJECTS_FILE = REFERENCE_DIR / "other_subjects.yaml"

_AGE = re.compile(r"(?<!\w)(\d{1,2}) ?(?:tuổi|tuoi|t)(?!\w)")


@dataclass(frozen=True)
class Rule:
    means: str
    accented: re.Pattern[str]
    folded: re.Pattern[str]


def _pattern(alternatives: list[str]) -> str:
    return r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)"


def _rule(raw: dict[str, Any], key: str = "means") -> Rule:
    words = [re.escape(nfc(str(word)).lower()) for word in raw.get("say") or []]
    words += [nfc(str(pattern)) for pattern in raw.get("when") or []]
    if not words or not raw.get(key):
        raise ValueError(f"vocabulary rule needs 'say' or 'when', and '{key}': {raw}")
    accented = _pattern(words)
    return Rule(str(raw[key]), re.compile(accented), re.compile(_without_marks(accented)))


def _without_marks(pattern: str) -> str:
    """fold() for a regular expression: diacritics off, case kept (\\S is not \\s)."""
    decomposed = unicodedata.normalize("NFD", pattern)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped.replace("đ", "d").replace("Đ", "D"))


@lru_cache(maxsize=4)
def load_rules(path: Path = VOCABULARY_FILE) -> tuple[Rule, ...]:
    if not path.exists():
        return ()
    return tuple(_rule(raw) for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or [])


@lru_cache(maxsize=4)
def load_other_subjects(path: Path = OTHER_SUBJECTS_FILE) -> tuple[Rule, ...]:
    """Rules whose `means` is the other subject ("bảo hiểm thương mại")."""
    if not path.exists():
        return ()
    raw_rules = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return tuple(_rule(raw, "subject") for raw in raw_rules)


_CARD = re.compile(r"(?<!\w)(can cuoc|cccd|cmnd|the|id card)(?!\w)")


def _age_words(text: str) -> list[str]:
    """ID card procedures are named by age bands: "căn cước cho bé 3 tuổi" -> "dưới 06 tuổi"."""
    if not _CARD.search(text):
        return []
    words = []
    for match in _AGE.finditer(text):
        age = int(match.group(1))
        if age < 6:
            words.append("dưới 06 tuổi")
        elif age < 14:
            words.append("dưới 14 tuổi")
        else:
            words.append("từ đủ 14 tuổi trở lên")
    return words


@dataclass(frozen=True)
class Found:
    """What a question says in everyday words (`said`, as typed, folded) and what it means."""

    means: str
    said: tuple[str, ...] = ()


def understood(text: str, rules: tuple[Rule, ...] | None = None, ages: bool = True) -> list[Found]:
    """Every rule the question matches, in rule order, each meaning once (with `ages`, the
    ID card age band of an age the question gives)."""
    rules = load_rules() if rules is None else rules
    lowered = " ".join(nfc(text).lower().split())
    folded = fold(text)
    accented = folded != lowered  # any diacritic or đ typed
    found: dict[str, list[str]] = {}
    for rule in rules:
        pattern, subject = (rule.accented, lowered) if accented else (rule.folded, folded)
        spans = [fold(match.group(0)) for match in pattern.finditer(subject)]
        if spans:
            found.setdefault(rule.means, []).extend(spans)
    for word in _age_words(folded) if ages else []:
        found.setdefault(word, [])
    return [Found(means, tuple(said)) for means, said in found.items()]


def official_words(text: str, rules: tuple[Rule, ...] | None = None) -> list[str]:
    """The official words of every rule the question matches, in rule order, each once."""
    return [item.means for item in understood(text, rules)]
