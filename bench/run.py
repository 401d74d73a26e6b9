"""`make bench`: load figures for SQLite/1 worker and PostgreSQL+Redis/N workers.

Starts each set-up with scripts/run_prod.py on free loopback ports (fresh throwaway databases,
rate limits off: the generator sends back to back from one IP), drives 1, 10, 20 and 50
concurrent conversations through POST /api/chat, and writes reports/bench.json plus a Markdown
table. Bounded: each level stops after --duration seconds or --max-messages messages.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import run_level, warm_up  # noqa: E402

APP_PY = ROOT / ".venv" / "bin" / "python"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_port_block(count: int) -> int:
    """A base port with `count` consecutive free ports."""
    for _ in range(50):
        base = free_port()
        ports = range(base, base + count)
        try:
            for port in ports:
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
    raise RuntimeError("no block of free ports")


class Setup:
    def __init__(
        self,
        name: str,
        workers: int,
        workdir: Path,
        env: dict[str, str],
        endpoints: str,
        extra_catalogues: tuple[str, ...] = (),
    ) -> None:
        self.name, self.workers, self.workdir = name, workers, workdir
        self.extra_catalogues = extra_catalogues
        self.api_port, self.actions_port = free_port(), free_port()
        self.rasa_base = free_port_block(workers)
        self.token = "bench-" + os.urandom(8).hex()
        self.env = {
            **os.environ,
            **env,
            "RASA_TOKEN": self.token,
            "SENDER_HASH_KEY": "bench-" + os.urandom(8).hex(),
            "RATE_LIMIT_PER_SENDER": "",
            "RATE_LIMIT_PER_IP": "",
            "SPOOL_DIR": str(workdir / "spool"),
            "PYTHONPATH": os.environ.get("PYTHONPATH") or str(ROOT),
        }
        self.endpoints = endpoints
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def start(self) -> None:
        imports = [["catalogue", "import", source] for source in ("data/catalogue", *self.extra_catalogues)]
        for args in (["db", "upgrade"], *imports):
            subprocess.run(
                [str(APP_PY), "-m", "cli", *args],
                cwd=ROOT,
                env=self.env,
                check=True,
                capture_output=True,
            )
        self.process = subprocess.Popen(
            [
                str(APP_PY),
                "scripts/run_prod.py",
                "--workers",
                str(self.workers),
                "--endpoints",
                self.endpoints,
                "--api-port",
                str(self.api_port),
                "--rasa-port",
                str(self.rasa_base),
                "--actions-port",
                str(self.actions_port),
                "--log-dir",
                str(self.workdir / "logs"),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 300
        urls = [
            f"http://127.0.0.1:{self.rasa_base + i}/status?token={self.token}" for i in range(self.workers)
        ]
        urls += [f"{self.api_url}/health"]
        for url in urls:
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name}: run_prod exited; see {self.workdir / 'logs'}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{self.name}: {url} not ready")
                try:
                    if httpx.get(url, timeout=3).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(1)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def sqlite_setup(workdir: Path, extra_catalogues: tuple[str, ...] = ()) -> Setup:
    """The embedded footing: one worker, SQLite app and tracker databases in `workdir`, no Redis."""
    return Setup(
        "SQLite, 1 worker",
        1,
        workdir,
        {
            "DATABASE_URL": f"sqlite:///{workdir / 'app.db'}",
            "RASA_TRACKER_DB": str(workdir / "tracker.db"),
            "REDIS_URL": "",
        },
        "endpoints.yml",
        extra_catalogues,
    )


def measure(setup: Setup, levels: list[tuple[int, float]], duration: float, max_messages: int) -> list[dict]:
    asyncio.run(warm_up(setup.api_url))
    rows = []
    for level, think in levels:
        result = asyncio.run(run_level(setup.api_url, level, duration, max_messages, think=think))
        row = {
            "setup": setup.name,
            "workers": setup.workers,
            **result.summary(),
            "load_avg_1min": round(os.getloadavg()[0], 2),
        }  # other work on the machine skews the figures
        print(json.dumps(row, ensure_ascii=False), flush=True)
        rows.append(row)
    return rows


def markdown(rows: list[dict]) -> str:
    lines = [
        "| set-up | concurrent conversations | pace | messages | p50 ms | p95 ms | p99 ms "
        "| messages/s | errors |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        pace = "back to back" if not r["think_s"] else f"pause ~{r['think_s']:g} s"
        lines.append(
            f"| {r['setup']} | {r['concurrency']} | {pace} | {r['messages']} | "
            f"{r['p50_ms']:.0f} | {r['p95_ms']:.0f} | "
            f"{r['p99_ms']:.0f} | {r['throughput_msg_s']:.1f} | {r['errors']} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--levels", default="1,10,20,50", help="closed loop: messages back to back")
    parser.add_argument(
        "--paced", default="20,50", help="paced conversations (pause --think s between messages)"
    )
    parser.add_argument(
        "--think", type=float, default=2.0, help="mean pause between a user's messages, seconds"
    )
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per level")
    parser.add_argument("--max-messages", type=int, default=4000, help="messages per level, at most")
    parser.add_argument("--workers", type=int, default=2, help="workers of the PostgreSQL+Redis set-up")
    parser.add_argument("--setups", default="sqlite,postgres")
    parser.add_argument("--out", default=str(ROOT / "reports" / "bench.json"))
    parser.add_argument(
        "--import",
        dest="imports",
        action="append",
        default=[],
        help="a further catalogue to import (e.g. ../shared/reference/tthc/catalogue_list.jsonl.gz)",
    )
    args = parser.parse_args()
    levels = [(int(x), 0.0) for x in args.levels.split(",") if x]
    levels += [(int(x), args.think) for x in args.paced.split(",") if x]
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="dvc-bench-") as tmp:
        for which in args.setups.split(","):
            workdir = Path(tmp) / which
            workdir.mkdir()
            dropped: list[str] = []
            if which == "sqlite":
                setup = sqlite_setup(workdir, tuple(args.imports))
            else:
                from devtools.services import Postgres, ensure_postgres, ensure_redis

                pg = Postgres(ensure_postgres())
                redis_url = ensure_redis()
                app_db, rasa_db = pg.create_database("dvc_bench"), pg.create_database("dvc_bench_rasa")
                dropped = [app_db, rasa_db]
                setup = Setup(
                    f"PostgreSQL + Redis, {args.workers} workers",
                    args.workers,
                    workdir,
                    {
                        "DATABASE_URL": pg.url(app_db),
                        "REDIS_URL": redis_url.rsplit("/", 1)[0] + "/2",
                        "RASA_DB_HOST": f"{pg.host}:{pg.port}",
                        "RASA_DB_NAME": rasa_db,
                        "RASA_DB_USER": pg.user,
                        "RASA_DB_PASSWORD": "",
                        "RASA_DB_LOGIN_DB": "postgres",
                        "REDIS_HOST": pg.host,
                        "REDIS_PORT": "6379",
                        "REDIS_DB": "2",
                        "REDIS_PASSWORD": "",
                        "REDIS_LOCK_PREFIX": "dvcbench",
                    },
                    "endpoints.prod.yml",
                    tuple(args.imports),
                )
            try:
                print(f"== {setup.name}: starting", flush=True)
                setup.start()
                rows += measure(setup, levels, args.duration, args.max_messages)
            finally:
                setup.stop()
                for name in dropped:
                    pg.drop_database(name)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                },
                "duration_s_per_level": args.duration,
                "rows": rows,
            },
            indent=2,
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    print(f"\nwrote {out}\n")
    print(markdown(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
