"""Background retraining: train a candidate, evaluate it against the live model on the held-out
set (bot.evaluate, Rasa env), load it into the running Rasa server only if it is not worse.

One run at a time across every API worker and machine: starting a run takes the database lease
"staff-training" (core.lease), which the run's thread renews until it ends. The run itself is a
thread of the API process that took the lease; state and figures are kept in the database, the
subprocess output in a log file whose tail the console shows.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import structlog
import yaml
from sqlalchemy import select

from core.clock import utcnow
from core.db import session_scope
from core.lease import LeaseKeeper, acquire, new_holder, release
from core.models import ModelVersion, StaffUser, TrainingRun
from core.review import DOMAIN_FILE, training_data_args
from core.settings import PROJECT_ROOT, get_settings
from core.staff.audit import audit
from core.staff.errors import NotFound, StaffError

logger = structlog.get_logger(__name__)

RUNNING = ("queued", "training", "evaluating", "loading")
TRAINING_LEASE = "staff-training"
TOLERANCE = 1e-9
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _env() -> dict[str, str]:
    return dict(
        os.environ,
        PYTHONPATH=str(PROJECT_ROOT),
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )


def log_tail(path: str | Path, lines: int = 40) -> list[str]:
    try:
        raw = Path(path).read_bytes()[-64_000:].decode("utf-8", errors="replace")
    except OSError:
        return []
    parts = [_ANSI.sub("", part).rstrip() for part in re.split(r"[\r\n]+", raw)]
    return [part for part in parts if part.strip()][-lines:]


def summary(report: dict[str, Any]) -> dict[str, Any]:
    """The figures kept in the database (the per-message predictions stay in the report file)."""
    return {key: report.get(key) for key in ("overall", "variants", "parse_ms")}


def not_worse(candidate: dict[str, Any], baseline: dict[str, Any]) -> bool:
    new, old = candidate["overall"], baseline["overall"]
    return new["accuracy"] >= old["accuracy"] - TOLERANCE and new["macro_f1"] >= old["macro_f1"] - TOLERANCE


def fingerprint(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}:{int(stat.st_mtime)}"


def small_config(config: Path, epochs: int, target: Path) -> Path:
    """The training config with every `epochs` setting (DIET, TED...) capped: same pipeline, faster."""
    content = yaml.safe_load(config.read_text(encoding="utf-8"))
    for component in [*(content.get("pipeline") or []), *(content.get("policies") or [])]:
        if isinstance(component, dict) and "epochs" in component:
            component["epochs"] = min(int(component["epochs"]), epochs)
    target.write_text(
        f"# {config.name} with epochs <= {epochs} (staff console, STAFF_TRAIN_EPOCHS)\n"
        + yaml.safe_dump(content, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return target


class RasaAdmin:
    """Rasa's HTTP API, with the server's token. With several Rasa servers (RASA_URLS), a model is
    loaded into each of them; the first one answers status questions."""

    def __init__(self) -> None:
        settings = get_settings()
        extra = [
            u.strip().rstrip("/")
            for u in str(getattr(settings, "rasa_urls", "") or "").split(",")
            if u.strip()
        ]
        self.urls = extra or [settings.rasa_url.rstrip("/")]
        self.url = self.urls[0]
        self.params = {"token": settings.rasa_token} if settings.rasa_token else {}

    def status(self, url: str | None = None) -> dict[str, Any]:
        response = httpx.get(f"{url or self.url}/status", params=self.params, timeout=10)
        response.raise_for_status()
        return response.json()

    def load(self, model_path: Path) -> None:
        for url in self.urls:
            response = httpx.put(
                f"{url}/model", params=self.params, json={"model_file": str(model_path)}, timeout=300
            )
            if response.status_code not in (200, 204):
                raise RuntimeError(
                    f"Rasa at {url} refused the model ({response.status_code}): {response.text[:300]}"
                )
            served = self.status(url).get("model_file")
            if served != model_path.name:
                raise RuntimeError(f"Rasa at {url} serves {served!r} after loading {model_path.name!r}")


def live_model(session: Any) -> Path:
    """The model Rasa serves, as far as the console knows: the live history entry whose file name
    Rasa reports, else the configured baseline (models/dvc.tar.gz)."""
    settings = get_settings()
    try:
        served = RasaAdmin().status().get("model_file")
    except Exception:
        served = None
    versions = list(session.scalars(select(ModelVersion).order_by(ModelVersion.id.desc())))
    for version in versions:
        if served and Path(version.path).name == served and Path(version.path).exists():
            return Path(version.path)
    for version in versions:
        if version.live and Path(version.path).exists() and not served:
            return Path(version.path)
    return Path(settings.staff_baseline_model).resolve()


class Trainer:
    """Starts and runs retrainings; one per API process (the lease keeps it to one overall)."""

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None

    # -- public ---------------------------------------------------------------------------

    def start(self, *, user_id: int, ip: str | None, config: Path | None = None) -> int:
        """Queue a run and start it in the background; StaffError while another run is going."""
        settings = get_settings()
        config = Path(config or settings.staff_train_config).resolve()
        if not config.is_file():
            raise StaffError(f"training config {config} does not exist")
        holder = new_holder()
        if not acquire(TRAINING_LEASE, holder, settings.staff_training_lease_seconds):
            with session_scope() as session:
                busy = session.scalars(
                    select(TrainingRun).where(TrainingRun.state.in_(RUNNING)).order_by(TrainingRun.id.desc())
                ).first()
                busy_text = f"training run {busy.id} is still {busy.state}" if busy else None
                raise StaffError(busy_text or "another training is starting")
        try:
            with session_scope() as session:
                # Holding the lease, nobody else is training: runs still marked running are orphans.
                self._reap(session)
                runs_dir = Path(settings.staff_models_dir) / "runs"
                runs_dir.mkdir(parents=True, exist_ok=True)
                run = TrainingRun(state="queued", config=str(config), log_path="", started_by=user_id)
                session.add(run)
                session.flush()
                run.log_path = str(runs_dir / f"run-{run.id}-{utcnow():%Y%m%dT%H%M%S}.log")
                audit(
                    session,
                    actor=session.get(StaffUser, user_id),
                    action="retrain",
                    target=f"run:{run.id}",
                    details={"config": str(config)},
                    ip=ip,
                )
                run_id = run.id
        except Exception:
            release(TRAINING_LEASE, holder)
            raise
        self._thread = threading.Thread(
            target=self._run_holding, args=(run_id, holder), name=f"staff-train-{run_id}", daemon=True
        )
        self._thread.start()
        return run_id

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    # -- the job ----------------------------------------------------------------------------

    def _reap(self, session: Any) -> None:
        """Runs left running by a process that stopped (its lease expired) are marked failed."""
        for run in session.scalars(select(TrainingRun).where(TrainingRun.state.in_(RUNNING))):
            run.state, run.finished_at = "failed", utcnow()
            run.message = "interrupted (the process running it stopped)"

    def _run_holding(self, run_id: int, holder: str) -> None:
        with LeaseKeeper(TRAINING_LEASE, holder, get_settings().staff_training_lease_seconds):
            self._run(run_id)

    def _set(self, run_id: int, **values: Any) -> None:
        with session_scope() as session:
            run = _run_row(session, run_id)
            for key, value in values.items():
                setattr(run, key, value)

    def _log(self, log_path: str, line: str) -> None:
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(f"[{utcnow():%H:%M:%S}] {line}\n")

    def _subprocess(self, command: list[str], log_path: str, timeout: float = 3600) -> int:
        with open(log_path, "ab") as log:
            process = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=_env(), stdout=log, stderr=subprocess.STDOUT
            )
            try:
                return process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                return -9

    def _evaluate(self, model: Path, log_path: str) -> dict[str, Any]:
        settings = get_settings()
        out = (
            Path(settings.staff_models_dir)
            / "reports"
            / f"{model.name.removesuffix('.tar.gz')}-{fingerprint(model).replace(':', '-')}.json"
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        self._log(log_path, f"evaluating {model.name} on the held-out set")
        code = self._subprocess(
            [str(settings.staff_rasa_python), "-m", "bot.evaluate", "--model", str(model), "--out", str(out)],
            log_path,
            timeout=1800,
        )
        if code != 0 or not out.is_file():
            raise RuntimeError(f"evaluation of {model.name} failed (exit {code})")
        return json.loads(out.read_text(encoding="utf-8"))

    def _baseline(self, log_path: str) -> tuple[Path, dict[str, Any]]:
        with session_scope() as session:
            path = live_model(session)
            version = session.scalars(select(ModelVersion).where(ModelVersion.path == str(path))).first()
            if version and version.report and version.report.get("fingerprint") == fingerprint(path):
                self._log(log_path, f"current model {path.name}: figures from the history")
                return path, version.report
        report = summary(self._evaluate(path, log_path))
        report["fingerprint"] = fingerprint(path)
        with session_scope() as session:
            version = session.scalars(select(ModelVersion).where(ModelVersion.path == str(path))).first()
            if version is None:
                version = ModelVersion(path=str(path), origin="baseline", live=True, loaded_at=None)
                session.add(version)
            version.report = report
            version.accuracy = report["overall"]["accuracy"]
            version.macro_f1 = report["overall"]["macro_f1"]
            if not session.scalars(select(ModelVersion).where(ModelVersion.live.is_(True))).first():
                version.live = True
        return path, report

    def _run(self, run_id: int) -> None:
        settings = get_settings()
        with session_scope() as session:
            run = _run_row(session, run_id)
            log_path, config, user_id = run.log_path, Path(run.config), run.started_by
            if settings.staff_train_epochs > 0:
                config = small_config(
                    config, settings.staff_train_epochs, Path(log_path).parent / f"config-run{run_id}.yml"
                )
                run.config = str(config)
        models_dir = Path(settings.staff_models_dir).resolve()
        name = f"staff-{utcnow():%Y%m%dT%H%M%S}-run{run_id}"
        model = models_dir / f"{name}.tar.gz"
        try:
            self._set(run_id, state="training")
            rasa = settings.staff_rasa_python.with_name("rasa")
            command = [
                str(rasa),
                "train",
                "--data",
                *training_data_args(Path(settings.staff_export_dir)),
                "--domain",
                str(DOMAIN_FILE),
                "--config",
                str(config),
                "--out",
                str(models_dir),
                "--fixed-model-name",
                name,
            ]
            self._log(log_path, "training: " + " ".join(Path(c).name if "/" in c else c for c in command[1:]))
            code = self._subprocess(command, log_path)
            if code != 0 or not model.is_file():
                raise RuntimeError(f"rasa train failed (exit {code})")
            self._set(run_id, state="evaluating", model_path=str(model))
            # The two evaluations (current model, if not known yet, and candidate) run side by side.
            with ThreadPoolExecutor(max_workers=2) as pool:
                current = pool.submit(self._baseline, log_path)
                evaluated = pool.submit(self._evaluate, model, log_path)
                baseline_path, baseline = current.result()
                candidate = summary(evaluated.result())
            candidate["fingerprint"] = fingerprint(model)
            better = not_worse(candidate, baseline)
            with session_scope() as session:
                session.add(
                    ModelVersion(
                        path=str(model),
                        origin="retrain",
                        run_id=run_id,
                        report=candidate,
                        live=False,
                        accuracy=candidate["overall"]["accuracy"],
                        macro_f1=candidate["overall"]["macro_f1"],
                    )
                )
            figures = (
                f"candidate accuracy {candidate['overall']['accuracy']:.3f} / macro-F1 "
                f"{candidate['overall']['macro_f1']:.3f}; current {baseline['overall']['accuracy']:.3f} / "
                f"{baseline['overall']['macro_f1']:.3f}"
            )
            self._log(log_path, figures)
            self._set(run_id, metrics=candidate, baseline_metrics=baseline, baseline_path=str(baseline_path))
            if not better:
                self._finish(
                    run_id, user_id, "rejected", f"not loaded: worse than the current model ({figures})"
                )
                return
            self._set(run_id, state="loading")
            self._log(log_path, f"loading {model.name} into Rasa")
            RasaAdmin().load(model)
            with session_scope() as session:
                for other in session.scalars(select(ModelVersion).where(ModelVersion.live.is_(True))):
                    other.live = False
                version = session.scalars(select(ModelVersion).where(ModelVersion.path == str(model))).one()
                version.live, version.loaded_at = True, utcnow()
                audit(
                    session,
                    actor=session.get(StaffUser, user_id) if user_id else None,
                    action="model_load",
                    target=f"model:{version.id}",
                    details={"file": model.name, "run": run_id, "auto": True},
                )
            self._finish(run_id, user_id, "loaded", f"loaded: not worse than the current model ({figures})")
        except Exception as exc:  # the run records why; the API stays up
            logger.warning("staff_training_failed", run=run_id, error=str(exc))
            self._log(log_path, f"FAILED: {exc}")
            self._finish(run_id, user_id, "failed", str(exc)[:1000])

    def _finish(self, run_id: int, user_id: int | None, state: str, message: str) -> None:
        with session_scope() as session:
            run = _run_row(session, run_id)
            run.state, run.message, run.finished_at = state, message, utcnow()
            audit(
                session,
                actor=session.get(StaffUser, user_id) if user_id else None,
                action=f"retrain_{state}",
                target=f"run:{run_id}",
                details={"message": message[:500]},
            )
        self._log(run.log_path, message)


def _run_row(session: Any, run_id: int) -> TrainingRun:
    run = session.get(TrainingRun, run_id)
    if run is None:
        raise RuntimeError(f"training run {run_id} is gone")
    return run


def run_json(run: TrainingRun, with_log: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": run.id,
        "state": run.state,
        "created_at": run.created_at.isoformat() if run.created_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "config": Path(run.config).name,
        "model": Path(run.model_path).name if run.model_path else None,
        "baseline": Path(run.baseline_path).name if run.baseline_path else None,
        "metrics": (run.metrics or {}).get("overall"),
        "baseline_metrics": (run.baseline_metrics or {}).get("overall"),
        "message": run.message,
    }
    if with_log:
        data["log"] = log_tail(run.log_path)
    return data


def list_runs(session: Any) -> dict[str, Any]:
    runs = session.scalars(select(TrainingRun).order_by(TrainingRun.id.desc()).limit(20))
    return {"runs": [run_json(run) for run in runs]}


def get_run(session: Any, run_id: int) -> dict[str, Any]:
    run = session.get(TrainingRun, run_id)
    if run is None:
        raise NotFound("no such run")
    return run_json(run, with_log=True)


trainer = Trainer()
