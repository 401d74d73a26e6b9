"""Entity extraction from name lists (services, provinces), with or without diacritics.

Reads lookup files (`data/lexicon/*.yml`: {entity, entries: {value: [spellings]}}) at training
time and stores them in the model. Matching uses spaCy's PhraseMatcher on a diacritic-free,
lower-cased copy of the text that keeps character offsets, so "ho chieu", "Hộ chiếu" and
"HỘ CHIẾU" all match "hộ chiếu". Longest match wins; a spelling shared by several values is
ambiguous and not extracted (the action asks the user instead).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import lexicon
from bot.nlu.text import fold_char


def fold_keep_offsets(text: str) -> str:
    """Diacritic-free lower-case copy of NFC `text` with exactly one character per input character."""
    return "".join(fold_char(char)[:1] or " " for char in text)


class PhraseIndex:
    """spaCy PhraseMatcher over folded spellings, one label per entity type."""

    def __init__(self, tables: list[dict[str, Any]]) -> None:
        import spacy
        from spacy.matcher import PhraseMatcher

        self.nlp = spacy.blank("xx")
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.values: dict[tuple[str, str], set] = {}
        for table in tables:
            entity = table["entity"]
            for value, spellings in table.get("entries", {}).items():
                for spelling in spellings:
                    key = " ".join(fold_keep_offsets(unicodedata.normalize("NFC", spelling)).split())
                    if key:
                        self.values.setdefault((entity, key), set()).add(value)
        by_entity: dict[str, list[str]] = {}
        for entity, key in self.values:
            by_entity.setdefault(entity, []).append(key)
        for entity, keys in by_entity.items():
            self.matcher.add(entity, list(self.nlp.tokenizer.pipe(keys)))

    def find(self, text: str) -> list[dict[str, Any]]:
        from spacy.util import filter_spans

        nfc = unicodedata.normalize("NFC", text)
        doc = self.nlp.make_doc(fold_keep_offsets(nfc))
        spans = []
        for match_id, start, end in self.matcher(doc):
            span = doc[start:end]
            span.label_ = self.nlp.vocab.strings[match_id]
            spans.append(span)
        found = []
        for span in filter_spans(spans):
            values = self.values.get((span.label_, " ".join(span.text.split())), set())
            if len(values) != 1:
                continue  # ambiguous spelling
            found.append(
                {
                    "entity": span.label_,
                    "value": next(iter(values)),
                    "start": span.start_char,
                    "end": span.end_char,
                    "text": nfc[span.start_char : span.end_char],
                    "confidence": 1.0,
                }
            )
        return found


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class GazetteerEntityExtractor(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"lookups": []}

    @staticmethod
    def required_packages() -> list[str]:
        return ["spacy"]

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        tables: list[dict[str, Any]] | None = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self.tables = tables or []
        self.index = PhraseIndex(self.tables) if self.tables else None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GazetteerEntityExtractor:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> GazetteerEntityExtractor:
        stored = lexicon.restore(model_storage, resource) or {}
        return cls(config, model_storage, resource, stored.get("tables"))

    def train(self, training_data: TrainingData) -> Resource:
        self.tables = [lexicon.read_yaml(path) for path in self._config.get("lookups") or []]
        self.index = PhraseIndex(self.tables) if self.tables else None
        lexicon.persist(self._model_storage, self._resource, {"tables": self.tables})
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        if self.index is None:
            return messages
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            entities = self.add_extractor_name(self.index.find(text))
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages
