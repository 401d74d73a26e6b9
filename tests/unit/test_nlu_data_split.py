"""The evaluation sets stay out of the training data and out of each other (compared diacritic- and
case-insensitively)."""

from __future__ import annotations

from itertools import combinations

import pytest

from core.review import EVALUATION_DIRS, NLU_DIR, example_keys


def test_no_evaluation_sentence_is_trained_on() -> None:
    training = example_keys([NLU_DIR])
    assert len(training) > 1000
    for folder in EVALUATION_DIRS:
        evaluation = example_keys([folder])
        assert len(evaluation) > 300, folder
        assert sorted(training & evaluation) == [], folder


@pytest.mark.parametrize(("first", "second"), list(combinations(EVALUATION_DIRS, 2)), ids=lambda p: p.name)
def test_evaluation_sets_are_disjoint(first, second) -> None:
    assert sorted(example_keys([first]) & example_keys([second])) == []
