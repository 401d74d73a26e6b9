"""Training data is laid out as data/nlu/<language>/<topic>.yml: each intent's examples for a
language are in exactly one file, so they are found by file name."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import yaml

from core.review import NLU_DIR, domain_intents

LANGUAGES = ("vi", "en")
# Staff-console exports land here until someone moves them into the topic files.
EXPORT_FOLDER = "reviewed"


def intents_by_file(language: str) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = defaultdict(list)
    for path in sorted((NLU_DIR / language).glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if "intent" in block:
                found[block["intent"]].append(path)
    return found


def test_the_only_folders_are_languages() -> None:
    folders = {p.name for p in NLU_DIR.iterdir() if p.is_dir()} - {EXPORT_FOLDER}
    assert folders == set(LANGUAGES)
    assert [p.name for p in NLU_DIR.glob("*.yml")] == []


def test_each_intent_is_in_exactly_one_file_per_language() -> None:
    intents = set(domain_intents())
    for language in LANGUAGES:
        found = intents_by_file(language)
        assert set(found) == intents, language
        repeated = {intent: [p.name for p in paths] for intent, paths in found.items() if len(paths) > 1}
        assert repeated == {}, language


def test_topic_files_hold_the_same_intents_in_every_language() -> None:
    layouts = []
    for language in LANGUAGES:
        layout: dict[str, set[str]] = defaultdict(set)
        for intent, paths in intents_by_file(language).items():
            layout[paths[0].stem].add(intent)
        layouts.append(dict(layout))
    assert all(layout == layouts[0] for layout in layouts)
