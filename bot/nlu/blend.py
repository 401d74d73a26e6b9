"""Blends the intent ranking of the classifier before it (DIET) with a logistic regression.

DIET and a linear model over the same sentence features make different mistakes; averaging their
probabilities is steadier than either alone (README, "NLU quality": dev, dev 2 and held-out).
Place it after DIET (with `ranking_length: 0`, so DIET ranks every intent) and before the
FallbackClassifier, which then judges the blended confidence.

Nothing here knows about this product: it only reads the featurizers' sparse sentence features.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, vstack
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

logger = logging.getLogger(__name__)

FILE_NAME = "linear.skops"


def sentence_features(message: Message, binary: bool = True) -> csr_matrix | None:
    """The message's sparse sentence-level features (all featurizers together), or None.
    `binary`: presence instead of counts, so long messages are not more confident for being long."""
    _, sentence = message.get_sparse_features(TEXT)
    if sentence is None:
        return None
    features = csr_matrix(sentence.features, dtype=np.float64)
    if binary:
        features.data[:] = 1.0
    return features


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class IntentBlendClassifier(IntentClassifier, GraphComponent):
    @classmethod
    def required_components(cls) -> list[type]:
        return [Featurizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn", "skops"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # Share of the previous classifier's probability in the blend (the rest: this model).
            "weight": 0.5,
            # Inverse L2 regularisation of the logistic regression.
            "C": 5.0,
            "binary": True,
            # Optimiser iterations; a cap below convergence is a time budget, not an error.
            "max_iter": 3000,
            "random_seed": 42,
            "ranking_length": LABEL_RANKING_LENGTH,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: LogisticRegression | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self.model = model
        self._model_storage = model_storage
        self._resource = resource

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> IntentBlendClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        rows, labels = [], []
        for example in training_data.intent_examples:
            features = sentence_features(example, self.config["binary"])
            if features is not None and example.get(INTENT):
                rows.append(features)
                labels.append(example.get(INTENT))
        if len(set(labels)) < 2:
            logger.debug("IntentBlendClassifier: fewer than two intents with features; not trained.")
            return self._resource
        self.model = LogisticRegression(
            C=self.config["C"], max_iter=self.config["max_iter"], random_state=self.config["random_seed"]
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.model.fit(vstack(rows).tocsr(), labels)
        if int(max(self.model.n_iter_)) >= self.config["max_iter"]:
            logger.info(
                "IntentBlendClassifier: stopped at max_iter=%d before full convergence.",
                self.config["max_iter"],
            )
        self.persist()
        return self._resource

    def persist(self) -> None:
        import skops.io as sio

        with self._model_storage.write_to(self._resource) as directory:
            sio.dump(self.model, directory / FILE_NAME)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> IntentBlendClassifier:
        import skops.io as sio

        try:
            with model_storage.read_from(resource) as directory:
                path = directory / FILE_NAME
                untrusted = sio.get_untrusted_types(file=path)
                if untrusted:  # only plain scikit-learn and numpy types may be loaded
                    raise ValueError(f"untrusted types in {path}: {untrusted}")
                model = sio.load(path, trusted=False)
        except (ValueError, FileNotFoundError):
            logger.warning("IntentBlendClassifier: no stored model; passing the previous ranking through.")
            model = None
        return cls(config, model_storage, resource, model)

    def blend(self, message: Message) -> None:
        features = sentence_features(message, self.config["binary"])
        if self.model is None or features is None:
            return
        intents = list(self.model.classes_)
        linear = self.model.predict_proba(features)[0]
        previous = {
            r[INTENT_NAME_KEY]: r[PREDICTED_CONFIDENCE_KEY] for r in message.get(INTENT_RANKING_KEY) or []
        }
        weight = self.config["weight"] if previous else 0.0
        blended = weight * np.array([previous.get(name, 0.0) for name in intents]) + (1 - weight) * linear
        order = np.argsort(-blended, kind="stable")
        ranking = [{INTENT_NAME_KEY: intents[i], PREDICTED_CONFIDENCE_KEY: float(blended[i])} for i in order]
        message.set(INTENT, ranking[0], add_to_output=True)
        length = self.config["ranking_length"]
        message.set(INTENT_RANKING_KEY, ranking[:length] if length > 0 else ranking, add_to_output=True)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self.blend(message)
        return messages
