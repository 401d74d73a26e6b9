"""Review helpers: similarity clustering of unresolved questions and export of reviewed examples.

Clustering is Vietnamese-aware and diacritic-insensitive: texts are redacted, folded
(core.textnorm.fold: lower case, no diacritics, đ -> d) and stripped of punctuation, then
grouped greedily by RapidFuzz similarity in id order, so the result is deterministic.

Export writes Rasa YAML (NLU, version 3.1) with examples that are new after folding: not in the
training data, not in an earlier export, not twice in the batch, and never a held-out test example.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process

from core.privacy import redact
from core.settings import PROJECT_ROOT
from core.textnorm import fold, nfc

DEFAULT_THRESHOLD = 72.0
EVALUATION_DIR = PROJECT_ROOT / "data" / "eval" / "nlu"
HELDOUT_DIR = EVALUATION_DIR / "heldout"
# Dev sets (tuning) by two writers who never saw the training data; held-out only reports.
DEV_DIRS = (EVALUATION_DIR / "dev", EVALUATION_DIR / "dev2")
EVALUATION_DIRS = (HELDOUT_DIR, *DEV_DIRS)  # never exported to training data
NLU_DIR = PROJECT_ROOT / "data" / "nlu"
# What Rasa trains on (`--data`); data/eval/ and the catalogue are not training data.
TRAINING_DATA = (NLU_DIR, PROJECT_ROOT / "data" / "rules", PROJECT_ROOT / "data" / "stories")
DOMAIN_FILE = PROJECT_ROOT / "domain.yml"

_NOT_WORD = re.compile(r"[^\w\s\[\]]+", re.UNICODE)
_SPACES = re.compile(r"\s+")
# Rasa entity annotations in training examples: [text](entity) or [text]{"entity": ...}.
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def comparable(text: str) -> str:
    """The form texts are compared in: redacted, folded, no punctuation, single spaces."""
    folded = fold(redact(text or ""))
    return _SPACES.sub(" ", _NOT_WORD.sub(" ", folded)).strip()


def similarity(a: str, b: str, **_kwargs: Any) -> float:
    """0-100. Token-set (word overlap) balanced with token-sort, so 'vneid' alone does not
    swallow every VNeID question."""
    if not a or not b:
        return 100.0 if a == b else 0.0
    return (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 2.0


@dataclass
class Item:
    id: int
    text: str
    data: Any = None


@dataclass
class Cluster:
    key: int  # smallest member id: stable while that question stays in view
    members: list[Item] = field(default_factory=list)
    representative: Item = field(init=False)  # set by cluster()

    @property
    def count(self) -> int:
        return len(self.members)


def cluster(items: Iterable[Item], threshold: float = DEFAULT_THRESHOLD) -> list[Cluster]:
    """Group items by similarity. Deterministic: items are taken in id order and each joins the
    most similar existing cluster seed (first on ties) scoring at least `threshold`.
    Clusters come back largest first, then by key."""
    ordered = sorted(items, key=lambda item: item.id)
    seeds: list[str] = []
    clusters: list[Cluster] = []
    forms: dict[int, str] = {}
    for item in ordered:
        form = comparable(item.text)
        forms[item.id] = form
        best = process.extractOne(form, seeds, scorer=similarity, score_cutoff=threshold) if seeds else None
        if best is None:
            seeds.append(form)
            clusters.append(Cluster(key=item.id, members=[item]))
        else:
            clusters[best[2]].members.append(item)
    for group in clusters:
        group.representative = _medoid(group.members, forms)
    clusters.sort(key=lambda group: (-group.count, group.key))
    return clusters


def _medoid(members: Sequence[Item], forms: dict[int, str]) -> Item:
    """The member most similar to the others (lowest id on ties); the seed for huge clusters."""
    if len(members) <= 2 or len(members) > 300:
        return members[0]
    texts = [forms[member.id] for member in members]
    totals = [sum(similarity(a, b) for b in texts) for a in texts]
    best = max(range(len(members)), key=lambda i: (totals[i], -members[i].id))
    return members[best]


# --- training data --------------------------------------------------------------------------


def clean_example(text: str) -> str:
    """One line of training text: redacted again, NFC, single spaces, no entity-annotation syntax."""
    line = _SPACES.sub(" ", nfc(redact(text or ""))).strip()
    return line.replace("](", "] (").replace("]{", "] {")


def _examples_in(path: Path) -> Iterable[tuple[str, str]]:
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return
    for block in content.get("nlu") or [] if isinstance(content, dict) else []:
        if not isinstance(block, dict) or "intent" not in block:
            continue
        examples = block.get("examples") or ""
        lines = examples.splitlines() if isinstance(examples, str) else [str(e) for e in examples]
        for raw in lines:
            line = raw.strip()
            if line.startswith("- "):
                line = line[2:]
            elif line == "-":
                continue
            if line:
                yield str(block["intent"]), _ANNOTATION.sub(r"\1", line)


def yaml_files(folders: Iterable[Path]) -> list[Path]:
    found: set[Path] = set()
    for folder in folders:
        if folder.is_file():
            found.add(folder.resolve())
        elif folder.is_dir():
            found.update(p.resolve() for p in folder.rglob("*.yml"))
            found.update(p.resolve() for p in folder.rglob("*.yaml"))
    return sorted(found)


def example_keys(folders: Iterable[Path]) -> set[str]:
    """Comparable forms of every NLU example under the folders."""
    return {comparable(text) for path in yaml_files(folders) for _intent, text in _examples_in(path)}


def domain_intents(domain_file: Path = DOMAIN_FILE) -> list[str]:
    content = yaml.safe_load(domain_file.read_text(encoding="utf-8")) or {}
    intents = []
    for entry in content.get("intents") or []:
        intents.append(next(iter(entry)) if isinstance(entry, dict) else str(entry))
    return intents


@dataclass
class Candidate:
    key: Any  # caller's id (a decision id)
    intent: str
    text: str


@dataclass
class ExportPlan:
    written: dict[str, list[str]] = field(default_factory=dict)  # intent -> examples
    results: dict[Any, str] = field(
        default_factory=dict
    )  # key -> exported|duplicate|heldout|unknown_intent|empty

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.written.values())


def plan_export(
    candidates: Sequence[Candidate],
    *,
    training: Iterable[Path],
    heldout: Iterable[Path] = EVALUATION_DIRS,
    intents: Iterable[str],
) -> ExportPlan:
    """Decide which candidates become examples. Held-out and dev examples are never exported."""
    known = set(intents)
    heldout_keys = example_keys(heldout)
    seen = example_keys(training)
    plan = ExportPlan()
    for candidate in candidates:
        text = clean_example(candidate.text)
        key = comparable(text)
        if not key:
            plan.results[candidate.key] = "empty"
        elif candidate.intent not in known:
            plan.results[candidate.key] = "unknown_intent"
        elif key in heldout_keys:
            plan.results[candidate.key] = "heldout"
        elif key in seen:
            plan.results[candidate.key] = "duplicate"
        else:
            seen.add(key)
            plan.written.setdefault(candidate.intent, []).append(text)
            plan.results[candidate.key] = "exported"
    return plan


def render_nlu_yaml(examples: dict[str, list[str]], note: str = "") -> str:
    """Rasa 3.1 NLU YAML with `examples: |` blocks, intents sorted."""
    lines = [
        f"# {note}" if note else "# Reviewed examples exported by the staff console.",
        'version: "3.1"',
        "nlu:",
    ]
    for intent in sorted(examples):
        lines.append(f"- intent: {intent}")
        lines.append("  examples: |")
        lines.extend(f"    - {text}" for text in examples[intent])
    text = "\n".join(lines) + "\n"
    parsed = yaml.safe_load(text)  # must round-trip
    assert [b["intent"] for b in parsed["nlu"]] == sorted(examples)
    return text


def export_filename(now: dt.datetime) -> str:
    return f"reviewed_{now.strftime('%Y%m%dT%H%M%S')}.yml"


def write_export(folder: Path, examples: dict[str, list[str]], now: dt.datetime, note: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / export_filename(now)
    counter = 1
    while path.exists():
        path = folder / export_filename(now).replace(".yml", f"_{counter}.yml")
        counter += 1
    path.write_text(render_nlu_yaml(examples, note), encoding="utf-8")
    return path


def training_data_args(export_dir: Path) -> list[str]:
    """`--data` arguments: the training data plus the export folder when it lies outside data/nlu/."""
    paths = [str(path) for path in TRAINING_DATA]
    try:
        export_dir.resolve().relative_to(NLU_DIR.resolve())
    except ValueError:
        paths.append(str(export_dir))
    return paths


@dataclass
class Validation:
    ok: bool
    output: str


def validate_training_data(rasa_bin: Path, export_dir: Path, timeout: float = 300) -> Validation:
    """`rasa data validate` on the training data (+ export folder) against domain.yml, in the Rasa env."""
    import os

    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), TF_CPP_MIN_LOG_LEVEL="2")
    command = [
        str(rasa_bin),
        "data",
        "validate",
        "--data",
        *training_data_args(export_dir),
        "--domain",
        str(DOMAIN_FILE),
    ]
    try:
        done = subprocess.run(
            command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Validation(False, f"could not run rasa data validate: {exc}")
    output = (done.stdout + done.stderr)[-4000:]
    return Validation(done.returncode == 0, output)
