"""Rasa test stories (tests/stories/) against the trained model: every story must pass, and every
user message in them must be parsed to its annotated intent and entities."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "dvc.tar.gz"


def test_conversation_stories_pass(tmp_path: Path) -> None:
    assert MODEL.exists(), "run `make train` first (make test does)"
    result = subprocess.run(
        [
            str(ROOT / ".venv-rasa" / "bin" / "rasa"),
            "test",
            "core",
            "--stories",
            "tests/stories",
            "--model",
            str(MODEL),
            "--out",
            str(tmp_path),
            "--no-plot",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    failed = tmp_path / "failed_test_stories.yml"
    content = failed.read_text(encoding="utf-8") if failed.exists() else ""
    stories = (yaml.safe_load(content) or {}).get("stories") if content.strip() else None
    assert not stories, f"failed stories:\n{content}"


# `rasa test core` checks the next actions only: it takes each story's intent label as given.
# So the user messages of the stories are also parsed by the trained model, here.
ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<short>[^)]+)\)|\[(?P<text2>[^\]]+)\](?P<json>\{[^}]+\})")


def story_messages() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(plain text, intent, [(entity, value)]) for every user step of every test story."""
    messages = []
    for path in sorted((ROOT / "tests" / "stories").glob("*.yml")):
        for story in yaml.safe_load(path.read_text(encoding="utf-8"))["stories"]:
            for step in story["steps"]:
                if "user" not in step:
                    continue
                entities = []
                for match in ANNOTATION.finditer(step["user"]):
                    if match["json"]:
                        annotation = json.loads(match["json"])
                        entities.append((annotation["entity"], annotation.get("value", match["text2"])))
                    else:
                        entities.append((match["short"], match["text"]))
                text = ANNOTATION.sub(lambda m: m["text"] or m["text2"], step["user"]).strip()
                messages.append((text, step["intent"], entities))
    return messages


def test_story_messages_are_understood_as_annotated() -> None:
    from rasa.core.agent import Agent

    messages = story_messages()
    assert len(messages) >= 8
    agent = Agent.load(str(MODEL))
    wrong = []
    for text, intent, entities in messages:
        parsed = asyncio.run(agent.parse_message(text))
        found = {(e["entity"], e["value"]) for e in parsed["entities"]}
        if parsed["intent"]["name"] != intent or not set(entities) <= found:
            wrong.append((text, intent, entities, parsed["intent"]["name"], sorted(found)))
    assert not wrong, wrong
