"""Vietnamese word segmentation for Rasa, using underthesea.

Vietnamese writes one syllable per space-separated unit; words often span several syllables
("đăng nhập", "hộ chiếu"). underthesea groups syllables into words. Its output is normalised
(tone-mark placement may change), so tokens are aligned back to the original text on a
diacritic-free skeleton. Anything odd (an underthesea error, an alignment failure) falls back
to splitting on word characters, so no input can break the pipeline.
"""

from __future__ import annotations

import logging
import unicodedata
from typing import Any, Dict, List, Optional, Text, Tuple

import regex
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

logger = logging.getLogger(__name__)

_WORD = regex.compile(r"[\w#@&]+(?:[.'’-][\w]+)*", regex.UNICODE)
_HAS_WORD_CHAR = regex.compile(r"\w", regex.UNICODE)
# underthesea's CRF is linear in the input; cap what we hand it, the rest is split plainly.
MAX_SEGMENTED_CHARS = 3000


def _fold_char(char: Text) -> Text:
    decomposed = unicodedata.normalize("NFD", char.lower())
    folded = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return folded.replace("đ", "d")


def _skeleton(text: Text) -> List[Tuple[Text, int]]:
    """(folded character, index in `text`) for every non-space character."""
    return [(c, index) for index, char in enumerate(text) for c in _fold_char(char) if not c.isspace()]


def fallback_words(text: Text) -> List[Tuple[Text, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def align(words: List[Text], text: Text) -> Optional[List[Tuple[Text, int, int]]]:
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
        spans.append((text[start:end], start, end))
        position += len(target)
    return spans


def segment(text: Text) -> List[Tuple[Text, int, int]]:
    """Word spans of `text`: underthesea words when possible, plain word splitting otherwise."""
    if not text or not text.strip() or len(text) > MAX_SEGMENTED_CHARS:
        return fallback_words(text)
    try:
        from underthesea import word_tokenize

        words = word_tokenize(text)
    except Exception:  # underthesea raises on some inputs; never let that break a conversation
        logger.debug("underthesea failed; falling back to plain splitting", exc_info=True)
        return fallback_words(text)
    spans = align(words, text)
    if spans is None:
        return fallback_words(text)
    return [span for span in spans if _HAS_WORD_CHAR.search(span[0])]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class VietnameseTokenizer(Tokenizer):
    """Tokenizer that keeps Vietnamese multi-syllable words together."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["underthesea"]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "VietnameseTokenizer":
        return cls(config)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text = message.get(attribute) or ""
        spans = segment(text)
        if not spans:
            return [Token(text, 0)]
        tokens = [Token(word, start, end) for word, start, end in spans]
        return self._apply_token_pattern(tokens)
