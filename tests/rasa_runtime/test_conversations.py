"""Rasa test stories (tests/stories/) against the trained model: every story must pass."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "dvc.tar.gz"


def test_conversation_stories_pass(tmp_path: Path) -> None:
    assert MODEL.exists(), "run `make train` first (make test does)"
    result = subprocess.run(
        [str(ROOT / ".venv-rasa" / "bin" / "rasa"), "test", "core", "--stories", "tests/stories",
         "--model", str(MODEL), "--out", str(tmp_path), "--no-plot"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    failed = tmp_path / "failed_test_stories.yml"
    content = failed.read_text(encoding="utf-8") if failed.exists() else ""
    stories = (yaml.safe_load(content) or {}).get("stories") if content.strip() else None
    assert not stories, f"failed stories:\n{content}"
