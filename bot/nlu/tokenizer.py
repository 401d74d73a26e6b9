"""Vietnamese tokenizer for Rasa: normalisation, word segmentation (underthesea), folded lemmas.

1. Normalise: Unicode NFC, then chat abbreviations and spelling variants from a lexicon file
   ("ko dc" -> "không được", "vn eid" -> "VNeID"); whole tokens only, nothing ambiguous.
2. Segment: underthesea groups syllables into words ("đăng nhập", "hộ chiếu").
3. Each token keeps the span of the original text it came from; its `text` is the normalised
   word and its `lemma` the word without diacritics, so a featurizer with `use_lemma: true`
   sees "dang nhap" for both "đăng nhập" and "dang nhap" (robust to missing diacritics) while
   one with `use_lemma: false` keeps the accents (no loss on accented text).

Anything odd (an underthesea error, an alignment failure, very long input) falls back to plain
word splitting, so no input can break the pipeline.
"""

from __future__ import annotations

import logging
import unicodedata
from typing import Any

import regex
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import lexicon
from bot.nlu.text import fold_char, strip_diacritics

logger = logging.getLogger(__name__)

_WORD = regex.compile(r"[\w#@&]+(?:[.'’-][\w]+)*", regex.UNICODE)
_RAW = regex.compile(r"[\w#@&]+(?:[.'’-][\w]+)*|[^\w\s]", regex.UNICODE)
_HAS_WORD_CHAR = regex.compile(r"\w", regex.UNICODE)
# underthesea's CRF is linear in the input; beyond this, plain splitting is good enough.
MAX_SEGMENTED_CHARS = 3000
MAX_PHRASE_WORDS = 3

Span = tuple[str, int, int]


def _skeleton(text: str) -> list[tuple[str, int]]:
    """(folded character, index in `text`) for every non-space character."""
    return [(c, index) for index, char in enumerate(text) for c in fold_char(char) if not c.isspace()]


def fallback_words(text: str) -> list[Span]:
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def align(words: list[str], text: str) -> list[Span] | None:
    """Spans of `words` in `text`, matched on folded characters; None if they do not line up."""
    source = _skeleton(text)
    position = 0
    spans = []
    for word in words:
        target = [c for c, _ in _skeleton(word)]
        if not target:
            continue
        chunk = source[position : position + len(target)]
        if [c for c, _ in chunk] != target:
            return None
        start = chunk[0][1]
        end = chunk[-1][1] + 1
        while end < len(text) and unicodedata.category(text[end]) == "Mn":
            end += 1  # keep trailing combining marks with their letter
        spans.append((word, start, end))
        position += len(target)
    return spans


class Normaliser:
    """Replaces abbreviations (whole tokens or short runs of tokens) and remembers where each
    character of the normalised text came from in the original."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = {" ".join(unicodedata.normalize("NFC", k).lower().split()): v for k, v in table.items()}

    def apply(self, text: str) -> tuple[str, list[tuple[int, int] | None]]:
        raw = [(m.group(), m.start(), m.end()) for m in _RAW.finditer(text)]
        pieces: list[tuple[str, int, int]] = []
        index = 0
        while index < len(raw):
            for size in range(min(MAX_PHRASE_WORDS, len(raw) - index), 0, -1):
                window = raw[index : index + size]
                key = " ".join(word.lower() for word, _, _ in window)
                if key in self.table:
                    pieces.append((self.table[key], window[0][1], window[-1][2]))
                    index += size
                    break
            else:
                pieces.append(raw[index])
                index += 1
        normalised: list[str] = []
        origin: list[tuple[int, int] | None] = []
        for word, start, end in pieces:
            if normalised:
                normalised.append(" ")
                origin.append(None)
            normalised.append(word)
            if word == text[start:end]:
                origin.extend((start + i, start + i + 1) for i in range(len(word)))
            else:
                origin.extend([(start, end)] * len(word))
        return "".join(normalised), origin


def segment(text: str, normaliser: Normaliser | None = None) -> list[Span]:
    """(word, start, end) in `text`: normalised underthesea words, or plain words as a fallback."""
    text = text or ""
    if not text.strip() or len(text) > MAX_SEGMENTED_CHARS:
        return fallback_words(text)
    nfc = unicodedata.normalize("NFC", text)
    if len(nfc) != len(text):  # decomposed input: align on the original characters instead
        normaliser = None
        nfc = text
    normalised, origin = normaliser.apply(nfc) if normaliser else (nfc, [(i, i + 1) for i in range(len(nfc))])
    try:
        from underthesea import word_tokenize

        words = word_tokenize(normalised)
    except Exception:  # underthesea raises on some inputs; never let that break a conversation
        logger.debug("underthesea failed; falling back to plain splitting", exc_info=True)
        return fallback_words(text)
    spans = align(words, normalised)
    if spans is None:
        return fallback_words(text)
    result = []
    for word, start, end in spans:
        if not _HAS_WORD_CHAR.search(word):
            continue
        covered = [o for o in origin[start:end] if o is not None]
        result.append((word, covered[0][0], covered[-1][1]))
    return result


def without_diacritics(training_data: TrainingData) -> list[Message]:
    """Copies of the intent examples typed without diacritics (only where that changes the text)."""
    copies = []
    for example in training_data.intent_examples:
        text = example.get(TEXT)
        plain = strip_diacritics(text) if text else text
        if plain and plain != text and not example.get(ENTITIES):
            copies.append(Message(data={TEXT: plain, INTENT: example.get(INTENT)}))
    return copies


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class VietnameseTokenizer(Tokenizer):
    """Tokenizer that normalises chat Vietnamese and keeps multi-syllable words together."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            # YAML file of abbreviation tables (read at training time, stored in the model).
            "lexicon": None,
            # Also train on a copy of each example typed without diacritics.
            "augment_without_diacritics": False,
        }

    @staticmethod
    def required_packages() -> list[str]:
        return ["underthesea"]

    def __init__(
        self,
        config: dict[str, Any],
        table: dict[str, str] | None = None,
        model_storage: ModelStorage | None = None,
        resource: Resource | None = None,
    ) -> None:
        super().__init__(config)
        self.table = table or {}
        self.normaliser = Normaliser(self.table) if self.table else None
        self._model_storage = model_storage
        self._resource = resource

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> VietnameseTokenizer:
        return cls(config, model_storage=model_storage, resource=resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> VietnameseTokenizer:
        stored = lexicon.restore(model_storage, resource) or {}
        return cls(config, stored.get("table"), model_storage, resource)

    @staticmethod
    def read_table(path: str | None) -> dict[str, str]:
        table: dict[str, str] = {}
        for section in lexicon.read_yaml(path).values():
            if isinstance(section, dict):
                table.update({str(k): str(v) for k, v in section.items()})
        return table

    def train(self, training_data: TrainingData) -> Resource:
        self.table = self.read_table(self._config.get("lexicon"))
        self.normaliser = Normaliser(self.table) if self.table else None
        if self._model_storage is not None and self._resource is not None:
            lexicon.persist(self._model_storage, self._resource, {"table": self.table})
        return self._resource  # type: ignore[return-value]

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        if self._config.get("augment_without_diacritics"):
            training_data = training_data.merge(TrainingData(without_diacritics(training_data)))
        return super().process_training_data(training_data)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text = message.get(attribute) or ""
        spans = segment(text, self.normaliser)
        if not spans:
            return [Token(text, 0)]
        tokens = [Token(word, start, end, lemma=lexicon.fold(word)) for word, start, end in spans]
        return self._apply_token_pattern(tokens)
