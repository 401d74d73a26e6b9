"""Prove that a reorganisation of NLU files kept the same examples.

    python scripts/compare_nlu_examples.py REV OLD_DIR [NEW_DIR]

Compares the multiset of (intent, text) in OLD_DIR at git revision REV with NEW_DIR (default
OLD_DIR) in the work tree. Exit 0 when equal; otherwise lists what was lost or gained.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def examples(content: str) -> Counter[tuple[str, str]]:
    found: Counter[tuple[str, str]] = Counter()
    for item in (yaml.safe_load(content) or {}).get("nlu") or []:
        if "intent" in item:
            for line in str(item.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    found[(item["intent"], line.strip()[2:].strip())] += 1
    return found


def at_revision(rev: str, folder: str) -> Counter[tuple[str, str]]:
    names = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", rev, folder],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    total: Counter[tuple[str, str]] = Counter()
    for name in names:
        if name.endswith((".yml", ".yaml")):
            total += examples(
                subprocess.run(
                    ["git", "show", f"{rev}:{name}"], cwd=ROOT, capture_output=True, text=True, check=True
                ).stdout
            )
    return total


def in_work_tree(folder: str) -> Counter[tuple[str, str]]:
    total: Counter[tuple[str, str]] = Counter()
    for path in sorted((ROOT / folder).rglob("*.y*ml")):
        total += examples(path.read_text(encoding="utf-8"))
    return total


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    rev, old_dir = argv[0], argv[1]
    old, new = at_revision(rev, old_dir), in_work_tree(argv[-1] if len(argv) == 3 else old_dir)
    lost, gained = old - new, new - old
    for (intent, text), n in sorted(lost.items()):
        print(f"lost   {n}x {intent}: {text}")
    for (intent, text), n in sorted(gained.items()):
        print(f"gained {n}x {intent}: {text}")
    print(
        f"{rev}:{old_dir} {sum(old.values())} examples, work tree {sum(new.values())}: "
        + ("same multiset" if not lost and not gained else "DIFFERENT")
    )
    return 0 if not lost and not gained else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
