"""Small data files (abbreviations, gazetteers) that NLU components read at training time and
persist inside the model, so a model always runs with the tables it was trained with."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

from bot.nlu.text import fold  # noqa: F401  (re-exported for the components)

FILE_NAME = "lexicon.json"


def read_yaml(path: str | None) -> dict[str, Any]:
    if not path:
        return {}
    content = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return content if isinstance(content, dict) else {}


def persist(model_storage: ModelStorage, resource: Resource, data: dict[str, Any]) -> None:
    with model_storage.write_to(resource) as directory:
        (directory / FILE_NAME).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def restore(model_storage: ModelStorage, resource: Resource) -> dict[str, Any] | None:
    try:
        with model_storage.read_from(resource) as directory:
            return json.loads((directory / FILE_NAME).read_text(encoding="utf-8"))
    except (ValueError, FileNotFoundError):
        return None
