"""`make eval-catalogue` / `make bench-catalogue`: how well the procedure search decides.

eval: on data/eval/catalogue/{dev,dev2,dev3,heldout}*.yaml, the search over our catalogue records prints
top-1 accuracy, right-or-clarified rate, wrong-procedure rate and out-of-scope recall.
scale: the same, with the portal's whole list of real procedure names indexed beside our records
(../shared/reference/tthc/catalogue_list.jsonl.gz when present), plus build time, memory and
search latency.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.catalogue_io import catalogue_files, parse_catalogue  # noqa: E402
from core.catalogue_official import reference_dir  # noqa: E402
from core.procedure_search import Decision, Entry, Phrase, ProcedureIndex, entry_of  # noqa: E402

EVAL_DIR = ROOT / "data" / "eval" / "catalogue"
PORTAL_PREFIX = "tthc_"  # slugs of the portal's bare names in the scale benchmark


@dataclass
class Scores:
    total: int = 0
    in_scope: int = 0
    top1: int = 0
    right_or_clarified: int = 0
    wrong: int = 0
    oos: int = 0
    oos_none: int = 0
    oos_portal: int = 0  # out of scope for our records, matched to a real portal-only name
    misses: list[str] = field(default_factory=list)

    def add(self, query: dict[str, Any], decision: Decision) -> None:
        self.total += 1
        expect = query.get("expect")
        if expect is None:
            self.oos += 1
            if decision.kind == "none":
                self.oos_none += 1
            else:
                self.oos_portal += all(slug.startswith(PORTAL_PREFIX) for slug in decision.slugs)
                self.misses.append(f"oos  {query['q']!r} -> {decision.kind} {decision.slugs}")
            return
        wanted = {expect} if isinstance(expect, str) else set(expect)
        self.in_scope += 1
        answered = decision.kind == "answer" and decision.slugs[0] in wanted
        clarified = decision.kind == "clarify" and bool(wanted & set(decision.slugs))
        self.top1 += answered
        self.right_or_clarified += answered or clarified
        if decision.kind == "answer" and not answered:
            self.wrong += 1
            self.misses.append(f"WRONG {query['q']!r} -> {decision.slugs[0]} (want {sorted(wanted)})")
        elif not (answered or clarified):
            self.misses.append(
                f"miss {query['q']!r} -> {decision.kind} {decision.slugs} (want {sorted(wanted)})"
            )

    def row(self, name: str) -> str:
        def pct(part: int, whole: int) -> str:
            return f"{100 * part / whole:5.1f}%" if whole else "    -"

        return (
            f"| {name:<14} | {self.total:>5} | {pct(self.top1, self.in_scope)} | "
            f"{pct(self.right_or_clarified, self.in_scope)} | {pct(self.wrong, self.in_scope)} | "
            f"{pct(self.oos_none, self.oos)} |"
        )


HEADER = (
    "| set            | queries | top-1 | right or clarified | wrong procedure | out-of-scope recall |\n"
    "|----------------|---------|-------|--------------------|-----------------|---------------------|"
)


def our_entries(catalogue_dirs: list[Path]) -> list[Entry]:
    paths = [path for directory in catalogue_dirs for path in catalogue_files(directory)]
    return [entry_of(service) for service in parse_catalogue(paths).services]  # type: ignore[arg-type]


def portal_entries(known_codes: set[str]) -> list[Entry]:
    """The portal's list of real procedure names (reference data, read in place, never copied)."""
    directory = reference_dir()
    if directory is None:
        return []
    entries: list[Entry] = []
    with gzip.open(directory / "catalogue_list.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            code = str(record.get("code") or "")
            if not code or code in known_codes:
                continue  # the same procedure as one of our records: ours is the richer entry
            slug = f"{PORTAL_PREFIX}{code}_{len(entries)}"
            phrases = [Phrase(slug, "name", str(record.get("name") or ""))]
            phrases += [Phrase(slug, "field", str(c)) for c in record.get("categories") or []]
            entries.append(Entry(slug, str(record.get("name") or ""), None, code, tuple(phrases)))
    return entries


def load_queries(name: str, directory: Path = EVAL_DIR) -> list[dict[str, Any]]:
    """`<split>.yaml` and every `<split>_<part>.yaml` of the directory."""
    paths = sorted({*directory.glob(f"{name}.yaml"), *directory.glob(f"{name}_*.yaml")})
    return [query for path in paths for query in yaml.safe_load(path.read_text(encoding="utf-8")) or []]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def evaluate(
    index: ProcedureIndex, splits: list[str], verbose: bool, directory: Path = EVAL_DIR
) -> list[float]:
    print(HEADER)
    latencies: list[float] = []
    notes: list[str] = []
    for split in splits:
        queries = load_queries(split, directory)
        if not queries:
            print(f"| {split:<14} | (no {directory / split}.yaml) |")
            continue
        scores = Scores()
        for query in queries:
            started = time.perf_counter()
            decision = index.decide(str(query["q"]))
            latencies.append((time.perf_counter() - started) * 1000)
            scores.add(query, decision)
        print(scores.row(split))
        if scores.oos_portal:
            notes.append(
                f"{split}: {scores.oos_portal} of {scores.oos} out-of-scope questions met only real portal"
                " procedures absent from our records (a province importing the list would hold them)"
            )
        if verbose:
            for miss in scores.misses:
                print(f"    {miss}")
    for note in notes:
        print(note)
    return latencies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=["eval", "scale"])
    parser.add_argument("--catalogue", type=Path, action="append", help="catalogue dir (repeatable)")
    parser.add_argument("--splits", default="dev,dev2,dev3,heldout")
    parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    dirs = args.catalogue or [ROOT / "data" / "catalogue"]
    splits = [s for s in args.splits.split(",") if s]
    ours = our_entries(dirs)
    if args.mode == "eval":
        index = ProcedureIndex.build(ours)
        print(f"{len(ours)} procedures indexed")
        evaluate(index, splits, args.verbose, args.eval_dir)
        return 0
    before = rss_mb()
    real = portal_entries({e.code for e in ours if e.code})
    if not real:
        print("reference list absent (../shared/reference/tthc): scale figures need it", file=sys.stderr)
        return 2
    started = time.perf_counter()
    index = ProcedureIndex.build([*ours, *real])
    build_ms = (time.perf_counter() - started) * 1000
    print(f"{len(ours)} of our procedures + {len(real)} real portal names indexed")
    latencies = evaluate(index, splits, args.verbose, args.eval_dir)
    for _ in range(4):  # more samples for the percentiles
        for split in splits:
            for query in load_queries(split, args.eval_dir):
                started = time.perf_counter()
                index.decide(str(query["q"]))
                latencies.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    print(
        f"\nindex build {build_ms:.0f} ms · memory +{rss_mb() - before:.0f} MB (RSS {rss_mb():.0f} MB) · "
        f"search p50 {cuts[49]:.2f} ms, p95 {cuts[94]:.2f} ms over {len(latencies)} searches"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
