"""Per-message language detection (Vietnamese or English), emitted as a `language` entity.

Short messages and Vietnamese typed without diacritics must not be taken for English, so the
decision counts evidence per word instead of guessing from letters:
- a Vietnamese letter with diacritics (ă â đ ê ô ơ ư and tone marks) is Vietnamese evidence;
- a word that cannot be a Vietnamese syllable (phonotactics: "passport", "how", "fee") is English
  evidence, unless it is an acronym or contains digits ("VNeID", "OTP", "CCCD", "2");
- a word that could be both ("do", "can", "the") counts only if it is not an English function word.
No entity is emitted when the evidence is too thin (e.g. "ok"); the slot then keeps its value.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import regex
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from bot.nlu.text import fold

_LETTERS = regex.compile(r"[^\W\d_]+", regex.UNICODE)
_VIETNAMESE_ONLY = regex.compile(
    r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", regex.IGNORECASE
)
# Onset + nucleus + coda of a Vietnamese syllable, on text without diacritics.
_SYLLABLE = regex.compile(
    r"^(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx])?"
    r"(?:[aeiouy]{1,3})"
    r"(ch|ng|nh|[cmnpt])?$"
)
ENGLISH_FUNCTION_WORDS = frozenset(ENGLISH_STOP_WORDS)


def evidence(text: str) -> dict[str, int]:
    vi = en = 0
    for match in _LETTERS.finditer(unicodedata.normalize("NFC", text or "")):
        word = match.group()
        if _VIETNAMESE_ONLY.search(word):
            vi += 1
            continue
        if len(word) > 1 and sum(c.isupper() for c in word) > 1:
            continue  # acronyms and brand names: VNeID, OTP, CCCD
        plain = fold(word)
        if not plain.isascii() or not regex.search(r"[aeiouy]", plain):
            continue  # another script, or a vowel-less chat abbreviation ("dc", "mk"): no evidence
        if _SYLLABLE.match(plain):
            if plain not in ENGLISH_FUNCTION_WORDS:
                vi += 1
        else:
            en += 1
    return {"vi": vi, "en": en}


def detect(text: str, min_evidence: int = 2) -> str | None:
    """'vi', 'en', or None when undecided. A single accented word is enough for Vietnamese."""
    counts = evidence(text)
    vi, en = counts["vi"], counts["en"]
    if vi > en and (vi >= min_evidence or _VIETNAMESE_ONLY.search(text or "")):
        return "vi"
    if en > vi and en >= min_evidence:
        return "en"
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageDetector(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"min_evidence": 2}

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = config

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            # Prefer the tokenizer's normalised words ("dc" -> "được") when they are there.
            tokens = message.get(TOKENS_NAMES[TEXT]) or []
            text = " ".join(t.text for t in tokens) if tokens else message.get(TEXT) or ""
            language = detect(text, self._config["min_evidence"])
            if language is None:
                continue
            entity = {"entity": "language", "value": language, "start": 0, "end": 0, "confidence": 1.0}
            message.set(
                ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name([entity]), add_to_output=True
            )
        return messages
