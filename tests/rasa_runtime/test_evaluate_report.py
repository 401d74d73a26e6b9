"""The report of bot.evaluate (Rasa runtime) is what the staff console's training service (app
runtime) reads: the same keys, and its summary/not_worse accept it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from bot.evaluate import METRIC_KEYS, SUMMARY_KEYS, build_report, summary

ROOT = Path(__file__).resolve().parents[2]
APP_PY = ROOT / ".venv" / "bin" / "python"


def row(intent: str, predicted: str) -> dict:
    return {"text": f"{intent} -> {predicted}", "intent": intent, "predicted": predicted}


PREDICTIONS = {
    "accented": [row("ask_fee", "ask_fee"), row("out_of_scope", "nlu_fallback"), row("greet", "thanks")],
    "english": [row("vneid_otp", "vneid_otp"), row("ask_fee", "out_of_scope")],
}


def test_the_report_has_the_figures_the_training_service_reads() -> None:
    report = build_report(Path("m.tar.gz"), PREDICTIONS, [5.0, 6.0, 7.0, 8.0, 9.0])
    for key in SUMMARY_KEYS:
        assert key in report
    for figures in [report["overall"], *report["variants"].values()]:
        assert set(METRIC_KEYS) <= set(figures)
    assert report["overall"]["n"] == 5 and report["overall"]["accuracy"] == 3 / 5
    assert [r["text"] for r in report["errors"]["accented"]] == ["greet -> thanks"]
    assert set(summary(report)) == {"model", *SUMMARY_KEYS}


def test_the_training_service_accepts_the_report(tmp_path: Path) -> None:
    better = build_report(Path("better.tar.gz"), PREDICTIONS, [5.0])
    worse_rows = {name: [{**r, "predicted": "greet"} for r in rows] for name, rows in PREDICTIONS.items()}
    worse = build_report(Path("worse.tar.gz"), worse_rows, [5.0])
    (tmp_path / "better.json").write_text(json.dumps(better), encoding="utf-8")
    (tmp_path / "worse.json").write_text(json.dumps(worse), encoding="utf-8")
    script = (
        "import json, sys\n"
        "from api.services.staff.training import not_worse, summary\n"
        "better, worse = (summary(json.load(open(p))) for p in sys.argv[1:])\n"
        "verdicts = [not_worse(better, worse), not_worse(worse, better)]\n"
        "print(json.dumps([*verdicts, better['overall']['accuracy']]))\n"
    )
    done = subprocess.run(
        [str(APP_PY), "-c", script, str(tmp_path / "better.json"), str(tmp_path / "worse.json")],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [True, False, 3 / 5]
