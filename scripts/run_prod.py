"""Start the production layout on one machine: actions + N Rasa servers + N API workers.

    make run-prod WORKERS=2        # or: .venv/bin/python scripts/run_prod.py --workers 2

- the action server runs with ACTION_SERVER_SANIC_WORKERS=N;
- N Rasa servers listen on RASA_PORT, RASA_PORT+1, ... (one process each: Rasa's own Sanic
  workers need a non-in-memory lock store, and one model per process keeps them independent);
- uvicorn runs the API with --workers N and RASA_URLS listing every Rasa server: the API sticks
  each conversation to one server and fails over to the next if it is down.

With WORKERS > 1, Rasa must share its tracker and lock stores: use --endpoints endpoints.prod.yml
(PostgreSQL + Redis, see docs/deployment.md) and DATABASE_URL on PostgreSQL. Values come from the
environment and from .env (environment wins). Ctrl-C (or SIGTERM) stops everything.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_PY = ROOT / ".venv" / "bin" / "python"
RASA_PY = ROOT / ".venv-rasa" / "bin" / "python"


def read_dotenv(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, value = line.split("=", 1)
                values[key.strip()] = value.strip().strip('"').strip("'")
    return values


def build(args: argparse.Namespace) -> tuple[dict[str, str], dict[str, list[str]]]:
    env = {**read_dotenv(ROOT / ".env"), **os.environ}
    # Rasa and the action server both start here: without a configured secret, one for this run.
    env.setdefault("ACTION_SERVER_TOKEN", secrets.token_urlsafe(32))
    actions_url = f"http://127.0.0.1:{args.actions_port}"
    rasa_ports = [args.rasa_port + i for i in range(args.workers)]
    env.update(
        PYTHONPATH=os.pathsep.join(
            dict.fromkeys([str(ROOT), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))])
        ),
        ACTION_SERVER_URL=actions_url,
        ACTION_ENDPOINT_URL=f"{actions_url}/webhook",
        ACTION_SERVER_SANIC_WORKERS=str(args.workers),
        RASA_URL=f"http://127.0.0.1:{rasa_ports[0]}",
        RASA_URLS=",".join(f"http://127.0.0.1:{port}" for port in rasa_ports),
        SANIC_HOST="127.0.0.1",
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    commands = {
        # both read their secrets (ACTION_SERVER_TOKEN, RASA_TOKEN) from the environment, not argv
        "actions": [
            str(APP_PY),
            "-m",
            "actions.serve",
            "--actions",
            "actions",
            "--port",
            str(args.actions_port),
        ],
        **{
            f"rasa{i}": [
                str(RASA_PY),
                "-m",
                "bot.serve",
                "--enable-api",
                "--interface",
                "127.0.0.1",
                "--port",
                str(port),
                "--model",
                args.model,
                "--endpoints",
                args.endpoints,
                "--credentials",
                "credentials.yml",
            ]
            for i, port in enumerate(rasa_ports)
        },
        "api": [
            str(APP_PY),
            "-m",
            "uvicorn",
            "api.main:app",
            "--host",
            args.host,
            "--port",
            str(args.api_port),
            "--ws",
            "none",
            "--workers",
            str(args.workers),
            "--no-access-log",
            # explicit: uvicorn's default trusts X-Forwarded-For from 127.0.0.1
            f"--forwarded-allow-ips={args.forwarded_allow_ips}",
        ],
    }
    return env, commands


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", "2")))
    parser.add_argument("--endpoints", default=os.environ.get("RASA_ENDPOINTS", "endpoints.prod.yml"))
    parser.add_argument("--model", default="models/dvc.tar.gz")
    parser.add_argument("--host", default=os.environ.get("API_HOST", "127.0.0.1"))
    parser.add_argument("--api-port", type=int, default=int(os.environ.get("API_PORT", "8000")))
    parser.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT", "5005")))
    parser.add_argument("--actions-port", type=int, default=int(os.environ.get("ACTIONS_PORT", "5055")))
    parser.add_argument(
        "--forwarded-allow-ips",
        default=os.environ.get("FORWARDED_ALLOW_IPS", ""),
        help="IPs of the load balancer(s) whose X-Forwarded-For is trusted",
    )
    parser.add_argument("--log-dir", default=os.environ.get("LOG_DIR", ""), help="one log file per process")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")

    env, commands = build(args)
    processes: dict[str, subprocess.Popen[bytes]] = {}
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for name, command in commands.items():
        output = None
        if args.log_dir:
            Path(args.log_dir).mkdir(parents=True, exist_ok=True)
            output = open(Path(args.log_dir) / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the process
        processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        print(f"started {name} (pid {processes[name].pid})", flush=True)
    print(
        f"API on http://{args.host}:{args.api_port} with {args.workers} worker(s); Rasa on "
        f"{env['RASA_URLS']}; Ctrl-C stops all.",
        flush=True,
    )
    exit_code = 0
    try:
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"{name} exited with {process.returncode}; stopping everything", file=sys.stderr)
                    exit_code, stopping = 1, True
                    break
            time.sleep(0.5)
    finally:
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
    return exit_code


def wait_ready(api_url: str, timeout: float = 300) -> None:
    """Wait until GET {api_url}/health answers 200 (every part up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=3) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise TimeoutError(f"{api_url}/health not ready after {timeout:.0f}s")


if __name__ == "__main__":
    raise SystemExit(main())
