"""IntentBlendClassifier: blends the previous ranking with its own model, survives odd input, persists."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.blend import IntentBlendClassifier

EXAMPLES = {
    "ask_fee": ["how much is a passport", "passport fee", "how much does it cost", "what is the fee"],
    "greet": ["hello there", "hi", "good morning", "hello"],
    "goodbye": ["bye", "see you later", "goodbye now", "bye bye"],
}


@pytest.fixture()
def storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


def featurised_training_data(storage: LocalModelStorage, context: ExecutionContext):
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    featurizer = CountVectorsFeaturizer.create(
        {
            **CountVectorsFeaturizer.get_default_config(),
            "analyzer": "char_wb",
            "min_ngram": 1,
            "max_ngram": 3,
        },
        storage,
        Resource("cvf"),
        context,
    )
    data = TrainingData(
        [Message({TEXT: text, "intent": intent}) for intent, texts in EXAMPLES.items() for text in texts]
    )
    tokenizer.process_training_data(data)
    featurizer.train(data)
    featurizer.process_training_data(data)
    return tokenizer, featurizer, data


@pytest.fixture()
def pipeline(storage: LocalModelStorage):
    context = ExecutionContext(graph_schema=None, node_name="blend")  # type: ignore[arg-type]
    tokenizer, featurizer, data = featurised_training_data(storage, context)
    blend = IntentBlendClassifier.create({"weight": 0.5}, storage, Resource("blend"), context)
    blend.train(data)

    def featurise(text: str, ranking: dict[str, float] | None = None) -> Message:
        message = Message({TEXT: text})
        tokenizer.process([message])
        featurizer.process([message])
        if ranking is not None:
            message.set("intent_ranking", [{"name": k, "confidence": v} for k, v in ranking.items()])
        return message

    return blend, featurise, context


def ranking_of(message: Message) -> dict[str, float]:
    return {r["name"]: r["confidence"] for r in message.get("intent_ranking")}


def test_alone_it_classifies_from_the_features(pipeline) -> None:
    blend, featurise, _ = pipeline
    message = blend.process([featurise("hello hi")])[0]
    assert message.get("intent")["name"] == "greet"
    assert sum(ranking_of(message).values()) == pytest.approx(1.0)


def test_blend_is_the_weighted_average_of_both_rankings(pipeline) -> None:
    blend, featurise, _ = pipeline
    alone = ranking_of(blend.process([featurise("passport fee")])[0])
    previous = {"goodbye": 1.0}
    blended = blend.process([featurise("passport fee", previous)])[0]
    expected = {name: 0.5 * previous.get(name, 0.0) + 0.5 * p for name, p in alone.items()}
    assert ranking_of(blended) == pytest.approx(expected)
    confidences = [r["confidence"] for r in blended.get("intent_ranking")]
    assert confidences == sorted(confidences, reverse=True)
    assert blended.get("intent")["name"] == max(expected, key=expected.get)


def test_a_confident_previous_classifier_can_be_overruled(pipeline) -> None:
    blend, featurise, _ = pipeline
    message = blend.process([featurise("how much is the passport fee", {"goodbye": 0.55, "ask_fee": 0.45})])[
        0
    ]
    assert message.get("intent")["name"] == "ask_fee"


@pytest.mark.parametrize("text", ["", "😀" * 50, "x" * 2000, "Привет 你好 hộ chiếu"])
def test_odd_input_gets_a_valid_ranking(pipeline, text: str) -> None:
    blend, featurise, _ = pipeline
    message = blend.process([featurise(text, {"greet": 0.7, "ask_fee": 0.3})])[0]
    assert message.get("intent")["name"] in EXAMPLES
    assert sum(ranking_of(message).values()) == pytest.approx(1.0)


def test_message_without_features_is_left_alone(pipeline) -> None:
    blend, _, _ = pipeline
    message = Message({TEXT: "hello"})
    message.set("intent", {"name": "greet", "confidence": 0.9})
    blend.process([message])
    assert message.get("intent") == {"name": "greet", "confidence": 0.9}


def test_persisted_model_predicts_the_same(pipeline, storage: LocalModelStorage) -> None:
    blend, featurise, context = pipeline
    loaded = IntentBlendClassifier.load({"weight": 0.5}, storage, Resource("blend"), context)
    before = ranking_of(blend.process([featurise("see you later")])[0])
    after = ranking_of(loaded.process([featurise("see you later")])[0])
    assert after == pytest.approx(before) and max(after, key=after.get) == "goodbye"


def test_missing_model_passes_the_previous_ranking_through(storage: LocalModelStorage, pipeline) -> None:
    _, featurise, context = pipeline
    empty = IntentBlendClassifier.load({}, storage, Resource("never-trained"), context)
    message = featurise("hello", {"greet": 0.8, "goodbye": 0.2})
    message.set("intent", {"name": "greet", "confidence": 0.8})
    empty.process([message])
    assert message.get("intent") == {"name": "greet", "confidence": 0.8}


def test_an_iteration_cap_is_logged_not_warned(
    storage: LocalModelStorage, caplog: pytest.LogCaptureFixture
) -> None:
    context = ExecutionContext(graph_schema=None, node_name="capped")  # type: ignore[arg-type]
    _, _, data = featurised_training_data(storage, context)
    capped = IntentBlendClassifier.create({"max_iter": 1}, storage, Resource("capped"), context)
    with (
        warnings.catch_warnings(record=True) as caught,
        caplog.at_level(logging.INFO, logger="bot.nlu.blend"),
    ):
        warnings.simplefilter("always")
        capped.train(data)
    assert not [w for w in caught if "converge" in str(w.message).lower()]
    assert "stopped at max_iter=1" in caplog.text
    assert capped.model is not None and set(capped.model.classes_) == set(EXAMPLES)
