"""The evaluation sets stay out of the training data (compared diacritic- and case-insensitively)."""

from __future__ import annotations

from core.review import DEV_DIR, HELDOUT_DIR, TRAINING_DIR, example_keys


def test_no_heldout_or_dev_sentence_is_trained_on() -> None:
    training = example_keys([TRAINING_DIR / "nlu"])
    heldout, dev = example_keys([HELDOUT_DIR]), example_keys([DEV_DIR])
    assert len(training) > 1000 and len(heldout) > 300 and len(dev) > 300
    assert sorted(training & heldout) == []
    assert sorted(training & dev) == []


def test_dev_and_heldout_sets_are_disjoint() -> None:
    assert sorted(example_keys([HELDOUT_DIR]) & example_keys([DEV_DIR])) == []
