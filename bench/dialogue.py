"""`make eval-dialogue`: the catalogue evaluation sets asked through the whole assistant.

`make eval-catalogue` scores the procedure search alone. Here every query goes, as a new
conversation, through POST /api/chat of a running stack (scripts/run_prod.py: Rasa NLU and
policies, the action server, the API, a fresh SQLite database with the shipped catalogue), and
the reply is read as a citizen sees it:
- an answer: buttons that all carry one procedure (its other aspects), with "Mã thủ tục";
- a choice: numbered buttons ("1. …") carrying the candidates;
- anything else (the fallback, an everyday-question answer, "which service?"): no procedure.
The same table as eval-catalogue; -v lists every miss.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.catalogue import HEADER, Scores, load_queries  # noqa: E402
from bench.run import sqlite_setup  # noqa: E402

_SERVICE = re.compile(r'"service":"([^"]+)"')


@dataclass
class Reading:
    """A reply read as a decision (the shape bench.catalogue.Scores scores)."""

    kind: str
    slugs: list[str] = field(default_factory=list)


def read_reply(reply: dict[str, Any]) -> Reading:
    texts = [str(part.get("text") or "") for part in reply.get("replies", [])]
    buttons = [button for part in reply.get("replies", []) for button in part.get("buttons") or []]
    offered = [
        match.group(1)
        for button in buttons
        if re.match(r"\d+\. ", str(button.get("title", "")))
        and (match := _SERVICE.search(str(button.get("payload", ""))))
    ]
    if offered:
        return Reading("clarify", list(dict.fromkeys(offered)))
    carried = [m.group(1) for b in buttons if (m := _SERVICE.search(str(b.get("payload", ""))))]
    coded = any("Mã thủ tục" in text or "Procedure code" in text for text in texts)
    # An answer's buttons are its other aspects, all of one procedure; the fallback offers one.
    if len(set(carried)) == 1 and (coded or len(carried) >= 2):
        return Reading("answer", carried[:1])
    return Reading("none")


def ask(client: httpx.Client, api_url: str, text: str) -> dict[str, Any]:
    sender = f"eval-{uuid.uuid4().hex[:16]}"
    response = client.post(f"{api_url}/api/chat", json={"sender_id": sender, "text": text}, timeout=60)
    response.raise_for_status()
    return response.json()  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--splits", default="dev,dev2,dev3,heldout")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    parser.add_argument("--out", default=str(ROOT / "reports" / "dialogue_eval.json"))
    args = parser.parse_args(argv)
    splits = [s for s in args.splits.split(",") if s]
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="dvc-eval-dialogue-") as tmp:
        setup = sqlite_setup(Path(tmp))
        try:
            setup.start()
            print(HEADER)
            started = time.perf_counter()
            asked = 0
            with httpx.Client() as client:
                for split in splits:
                    scores = Scores()
                    for query in load_queries(split):
                        scores.add(query, read_reply(ask(client, setup.api_url, str(query["q"]))))  # type: ignore[arg-type]
                        asked += 1
                    print(scores.row(split), flush=True)
                    report[split] = {
                        "queries": scores.total,
                        "top1": scores.top1 / max(scores.in_scope, 1),
                        "right_or_clarified": scores.right_or_clarified / max(scores.in_scope, 1),
                        "wrong": scores.wrong / max(scores.in_scope, 1),
                        "out_of_scope_recall": scores.oos_none / max(scores.oos, 1),
                        "misses": scores.misses,
                    }
                    if args.verbose:
                        for miss in scores.misses:
                            print(f"    {miss}")
            print(f"\n{asked} conversations in {time.perf_counter() - started:.0f} s")
        finally:
            setup.stop()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
