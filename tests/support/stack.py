"""Starts the real processes (action server, Rasa server, API) on free loopback ports for tests."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
APP_PY = ROOT / ".venv" / "bin" / "python"
RASA_PY = ROOT / ".venv-rasa" / "bin" / "python"
MODEL = ROOT / "models" / "dvc.tar.gz"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception as exc:  # still starting
            last_error = exc
        time.sleep(0.5)
    raise TimeoutError(f"{what} not ready after {timeout:.0f}s (last error: {last_error!r})")


@dataclass
class Stack:
    """The three processes of the assistant, sharing one database."""

    workdir: Path
    database_url: str
    ports: dict[str, int] = field(
        default_factory=lambda: {k: free_port() for k in ("actions", "rasa", "api")}
    )
    # Starts with "-" on purpose: one in 64 tokens from `make env` does, and Rasa must still get it.
    token: str = field(default_factory=lambda: "-" + secrets.token_urlsafe(16))
    hash_key: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    action_token: str = field(default_factory=lambda: "-" + secrets.token_urlsafe(16))
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    # Extra environment for every process (e.g. the PostgreSQL/Redis settings of endpoints.prod.yml).
    extra_env: dict[str, str] = field(default_factory=dict)
    endpoints: str = "endpoints.yml"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['api']}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['rasa']}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            PYTHONPATH=str(ROOT),
            DATABASE_URL=self.database_url,
            RASA_URL=self.rasa_url,
            RASA_TOKEN=self.token,
            ACTION_SERVER_TOKEN=self.action_token,
            SENDER_HASH_KEY=self.hash_key,
            ACTION_SERVER_URL=f"http://127.0.0.1:{self.ports['actions']}",
            ACTION_ENDPOINT_URL=f"http://127.0.0.1:{self.ports['actions']}/webhook",
            RASA_TRACKER_DB=str(self.workdir / "tracker.db"),
            SANIC_HOST="127.0.0.1",
            TF_CPP_MIN_LOG_LEVEL="2",
            SQLALCHEMY_SILENCE_UBER_WARNING="1",
            SPOOL_DIR=str(self.workdir / "spool"),
        )
        env.update(self.extra_env)
        return env

    def command(self, name: str) -> list[str]:
        port = str(self.ports[name])
        if name == "actions":
            # as in the Procfile: secrets come from the environment, never argv
            return [str(APP_PY), "-m", "actions.serve", "--actions", "actions", "--port", port]
        if name == "rasa":
            return [
                str(RASA_PY),
                "-m",
                "bot.serve",
                "--enable-api",
                "--interface",
                "127.0.0.1",
                "--port",
                port,
                "--model",
                str(MODEL),
                "--endpoints",
                self.endpoints,
                "--credentials",
                "credentials.yml",
            ]
        return [
            str(APP_PY),
            "-m",
            "uvicorn",
            "api.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            port,
            "--ws",
            "none",
            "--forwarded-allow-ips=",  # as in the Procfile: no X-Forwarded-For is trusted
        ]

    def start(self, name: str) -> None:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        self.processes[name] = subprocess.Popen(
            self.command(name),
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def wait_ready(self, name: str, timeout: float = 240) -> None:
        urls = {
            "actions": f"http://127.0.0.1:{self.ports['actions']}/health",
            "rasa": f"{self.rasa_url}/status?token={self.token}",
            "api": f"{self.api_url}/health/live",
        }

        def ready() -> bool:
            process = self.processes[name]
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited: see {self.workdir / (name + '.log')}")
            response = httpx.get(urls[name], timeout=2)
            return response.status_code == 200 and (name != "rasa" or bool(response.json().get("model_file")))

        try:
            wait_until(ready, timeout, name)
        except Exception as exc:
            tail = (self.workdir / f"{name}.log").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{exc}\n--- {name} log ---\n{tail}") from exc

    def start_all(self) -> None:
        for name in ("actions", "rasa", "api"):
            self.start(name)
        for name in ("actions", "api", "rasa"):
            self.wait_ready(name)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)


def start_stack(
    workdir: Path,
    database_url: str | None = None,
    extra_env: dict[str, str] | None = None,
    endpoints: str = "endpoints.yml",
) -> Stack:
    """Migrate and seed a fresh database (SQLite in `workdir` unless `database_url` is given),
    then start all three processes."""
    if not MODEL.exists():
        raise RuntimeError(f"no trained model at {MODEL}: run `make train` (make test does it)")
    running = Stack(
        workdir=workdir,
        database_url=database_url or f"sqlite:///{workdir / 'app.db'}",
        extra_env=dict(extra_env or {}),
        endpoints=endpoints,
    )
    for args in (["db", "upgrade"], ["catalogue", "import", "data/catalogue"]):
        subprocess.run(
            [str(APP_PY), "-m", "cli", *args],
            cwd=ROOT,
            env=running.env(),
            check=True,
            capture_output=True,
        )
    try:
        running.start_all()
    except Exception:
        running.stop_all()
        raise
    return running
