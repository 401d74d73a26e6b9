"""Held-out NLU evaluation, split by variant. Runs in the Rasa runtime.

    python -m bot.evaluate --model models/dvc.tar.gz --out reports/nlu_eval.json

Writes the full report (every prediction; not kept in git) and, beside it, `*_summary.json`
with the figures alone (kept in git).

Variants: accented Vietnamese, the same sentences without diacritics (generated), chat
abbreviations, English. The out-of-scope intent is in every variant; a message counts as a
fallback when NLU predicts `out_of_scope` or `nlu_fallback`. The test files are never trained on.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bot.nlu.text import strip_diacritics

EVALUATION_DIR = Path(__file__).resolve().parent.parent / "data" / "eval" / "nlu"
HELDOUT = EVALUATION_DIR / "heldout"
FALLBACK_LABELS = {"out_of_scope", "nlu_fallback"}
# The figures the staff console's training service reads (tests/rasa_runtime/test_evaluate_report.py).
SUMMARY_KEYS = ("overall", "variants", "parse_ms")
METRIC_KEYS = ("n", "accuracy", "in_scope_accuracy", "macro_f1", "fallback_precision", "fallback_recall")
OUT_OF_SCOPE = "out_of_scope"


def load_examples(path: Path) -> list[tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


def variants(heldout: Path = HELDOUT) -> dict[str, list[tuple[str, str]]]:
    accented = load_examples(heldout / "accented.yml")
    return {
        "accented": accented,
        "no_diacritics": [(strip_diacritics(text), intent) for text, intent in accented],
        "abbreviations": load_examples(heldout / "abbreviations.yml"),
        "english": load_examples(heldout / "english.yml"),
    }


def _label(intent: str) -> str:
    return OUT_OF_SCOPE if intent in FALLBACK_LABELS else intent


def score(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """pairs: (true intent, predicted intent)."""
    from sklearn.metrics import f1_score

    truth = [_label(t) for t, _ in pairs]
    predicted = [_label(p) for _, p in pairs]
    correct = sum(t == p for t, p in zip(truth, predicted, strict=True))
    in_scope = [(t, p) for t, p in zip(truth, predicted, strict=True) if t != OUT_OF_SCOPE]
    true_fallback = sum(
        t == OUT_OF_SCOPE and p == OUT_OF_SCOPE for t, p in zip(truth, predicted, strict=True)
    )
    predicted_fallback = sum(p == OUT_OF_SCOPE for p in predicted)
    actual_fallback = sum(t == OUT_OF_SCOPE for t in truth)
    return {
        "n": len(pairs),
        "accuracy": correct / len(pairs) if pairs else 0.0,
        "in_scope_accuracy": sum(t == p for t, p in in_scope) / len(in_scope) if in_scope else 0.0,
        "macro_f1": float(f1_score(truth, predicted, average="macro", zero_division=0)) if pairs else 0.0,
        "fallback_precision": true_fallback / predicted_fallback if predicted_fallback else 0.0,
        "fallback_recall": true_fallback / actual_fallback if actual_fallback else 0.0,
    }


async def predict(model: Path, sets: dict[str, list[tuple[str, str]]]) -> tuple[dict[str, list], list[float]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    results: dict[str, list] = {}
    latencies: list[float] = []
    for name, examples in sets.items():
        rows = []
        for text, intent in examples:
            started = time.perf_counter()
            parsed = await agent.parse_message(text)
            latencies.append((time.perf_counter() - started) * 1000)
            ranking = [r for r in parsed.get("intent_ranking", []) if r["name"] != "nlu_fallback"]
            rows.append(
                {
                    "text": text,
                    "intent": intent,
                    "predicted": parsed["intent"]["name"],
                    "confidence": parsed["intent"]["confidence"],
                    "top_non_fallback": ranking[0]["name"] if ranking else None,
                    "top_confidence": ranking[0]["confidence"] if ranking else 0.0,
                    # with top_confidence: lets fallback thresholds be swept without retraining
                    "second_confidence": ranking[1]["confidence"] if len(ranking) > 1 else 0.0,
                    "entities": [(e["entity"], e["value"]) for e in parsed.get("entities", [])],
                }
            )
        results[name] = rows
    return results, latencies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[index]


def build_report(model: Path, predictions: dict[str, list], latencies: list[float]) -> dict[str, Any]:
    """The report: figures per variant and overall (REPORT_KEYS), the errors, every prediction."""
    report: dict[str, Any] = {"model": str(model), "variants": {}, "errors": {}}
    everything = []
    for name, rows in predictions.items():
        pairs = [(r["intent"], r["predicted"]) for r in rows]
        everything.extend(pairs)
        report["variants"][name] = score(pairs)
        report["errors"][name] = [r for r in rows if _label(r["intent"]) != _label(r["predicted"])]
    report["overall"] = score(everything)
    report["parse_ms"] = {
        "n": len(latencies),
        "p50": round(statistics.median(latencies), 2) if latencies else 0.0,
        "p95": round(percentile(latencies, 95), 2),
        "max": round(max(latencies), 2) if latencies else 0.0,
    }
    report["predictions"] = predictions
    return report


def summary(report: dict[str, Any]) -> dict[str, Any]:
    """The figures without the per-message rows: what is kept in git and in the model history."""
    return {key: report[key] for key in ("model", *SUMMARY_KEYS)}


def evaluate(model: Path, heldout: Path = HELDOUT) -> dict[str, Any]:
    sets = variants(heldout)
    predictions, latencies = asyncio.run(predict(model, sets))
    return build_report(model, predictions, latencies)


def table(report: dict[str, Any]) -> str:
    lines = [
        "| variant | n | accuracy | in-scope acc. | macro-F1 | fallback P | fallback R |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, m in list(report["variants"].items()) + [("overall", report["overall"])]:
        lines.append(
            f"| {name} | {m['n']} | {m['accuracy']:.1%} | {m['in_scope_accuracy']:.1%} | {m['macro_f1']:.3f} "
            f"| {m['fallback_precision']:.1%} | {m['fallback_recall']:.1%} |"
        )
    p = report["parse_ms"]
    lines.append(
        f"\nNLU parse latency over {p['n']} messages: p50 {p['p50']} ms, p95 {p['p95']} ms, max {p['max']} ms"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", type=Path, default=Path("models/dvc.tar.gz"))
    parser.add_argument("--heldout", type=Path, default=HELDOUT)
    parser.add_argument("--out", type=Path, default=Path("reports/nlu_eval.json"))
    args = parser.parse_args(argv)
    import logging

    import structlog

    logging.disable(logging.INFO)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    if not args.model.exists():
        print(f"no model at {args.model}; run `make train`", file=sys.stderr)
        return 2
    report = evaluate(args.model, args.heldout)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    summary_path = args.out.with_name(args.out.stem + "_summary.json")
    summary_text = json.dumps(summary(report), ensure_ascii=False, indent=1) + "\n"
    summary_path.write_text(summary_text, encoding="utf-8")
    print(table(report))
    print(f"\nwrote {args.out} and {summary_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
