"""PostgreSQL and Redis for the integration tests: make sure they run, or fail clearly.

The machines running this project provide PostgreSQL on 127.0.0.1:5432 and Redis on
127.0.0.1:6379. If one is not answering and its binaries are installed, it is started here
(as the machine notes do); if it cannot be started, the tests that need it FAIL with a message
naming what is missing — they are never skipped.

Each test run works in throwaway databases (`dvc_test_<random>`), dropped at the end.
"""

from __future__ import annotations

import getpass
import os
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PG_HOST = os.environ.get("TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("TEST_PG_PORT", "5432"))
REDIS_HOST = os.environ.get("TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("TEST_REDIS_PORT", "6379"))


class ServiceMissing(RuntimeError):
    """A service the tests need is neither running nor startable here."""


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _wait_port(host: str, port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _port_open(host, port):
            return True
        time.sleep(0.3)
    return False


def _pg_user() -> str:
    """A superuser that trust auth accepts here: $TEST_PG_USER, else the login name, else postgres."""
    import psycopg2

    candidates = [os.environ.get("TEST_PG_USER"), getpass.getuser(), "postgres", "root"]
    errors = []
    for user in dict.fromkeys(c for c in candidates if c):
        try:
            psycopg2.connect(
                host=PG_HOST, port=PG_PORT, user=user, dbname="postgres", connect_timeout=3
            ).close()
            return user
        except psycopg2.Error as exc:
            errors.append(f"{user}: {str(exc).strip()}")
    raise ServiceMissing(
        f"PostgreSQL answers on {PG_HOST}:{PG_PORT} but no user could log in ({'; '.join(errors)}). "
        "Set TEST_PG_USER to a superuser that can connect without a password."
    )


def ensure_postgres() -> str:
    """Make sure PostgreSQL answers; returns the user to connect as."""
    if not _port_open(PG_HOST, PG_PORT):
        clusters = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
        if not shutil.which("pg_ctlcluster") or not clusters:
            raise ServiceMissing(
                f"PostgreSQL is not running on {PG_HOST}:{PG_PORT} and cannot be started here "
                "(pg_ctlcluster or /etc/postgresql/<version>/main missing). Install it "
                "(apt-get install postgresql) or point TEST_PG_HOST/TEST_PG_PORT at a server."
            )
        result = subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", clusters[-1], "main", "start"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if not _wait_port(PG_HOST, PG_PORT, 30):
            raise ServiceMissing(
                f"PostgreSQL did not start on {PG_HOST}:{PG_PORT}: "
                f"{result.stderr.strip() or result.stdout.strip()}"
            )
    return _pg_user()


def ensure_redis() -> str:
    """Make sure Redis answers; returns its URL."""
    if not _port_open(REDIS_HOST, REDIS_PORT):
        if not shutil.which("redis-server"):
            raise ServiceMissing(
                f"Redis is not running on {REDIS_HOST}:{REDIS_PORT} and redis-server is not installed "
                "(apt-get install redis-server), or point TEST_REDIS_HOST/TEST_REDIS_PORT at a server."
            )
        workdir = Path("/var/lib/redis") if os.access("/var/lib/redis", os.W_OK) else Path("/tmp")
        logfile = "/var/log/redis/ci.log" if os.access("/var/log/redis", os.W_OK) else "/tmp/redis-ci.log"
        result = subprocess.run(
            [
                "redis-server",
                "--daemonize",
                "yes",
                "--bind",
                "127.0.0.1",
                "-::1",
                "--port",
                str(REDIS_PORT),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(workdir),
                "--logfile",
                logfile,
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if not _wait_port(REDIS_HOST, REDIS_PORT, 15):
            raise ServiceMissing(f"Redis did not start on {REDIS_HOST}:{REDIS_PORT}: {result.stderr.strip()}")
    import redis

    url = f"redis://{REDIS_HOST}:{REDIS_PORT}/0"
    redis.Redis.from_url(url, socket_timeout=3).ping()
    return url


@dataclass
class Postgres:
    user: str
    host: str = PG_HOST
    port: int = PG_PORT

    def url(self, database: str) -> str:
        return f"postgresql+psycopg2://{self.user}@{self.host}:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        import psycopg2

        connection = psycopg2.connect(host=self.host, port=self.port, user=self.user, dbname="postgres")
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
        finally:
            connection.close()

    def create_database(self, prefix: str = "dvc_test") -> str:
        name = f"{prefix}_{secrets.token_hex(6)}"
        self.admin(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @contextmanager
    def throwaway(self, prefix: str = "dvc_test") -> Iterator[str]:
        """A fresh database for the duration of the block; its name."""
        name = self.create_database(prefix)
        try:
            yield name
        finally:
            self.drop_database(name)

    def block(self, database: str) -> None:
        """Make `database` unavailable: refuse new connections and cut the open ones."""
        self.admin(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
        self.admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
        )

    def unblock(self, database: str) -> None:
        self.admin(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')


def prod_env(pg: Postgres, redis_url: str, rasa_db: str, prefix: str) -> dict[str, str]:
    """Environment for endpoints.prod.yml (Rasa tracker store on PostgreSQL, lock store on Redis)
    and for the API's Redis rate limits."""
    host, port_db = redis_url.split("://", 1)[1].split(":", 1)
    port = port_db.split("/", 1)[0]
    return {
        "RASA_DB_HOST": f"{pg.host}:{pg.port}",
        "RASA_DB_NAME": rasa_db,
        "RASA_DB_USER": pg.user,
        "RASA_DB_PASSWORD": "",
        "RASA_DB_LOGIN_DB": "postgres",
        "RASA_TRACKER_URL": pg.url(rasa_db),
        "REDIS_HOST": host,
        "REDIS_PORT": port,
        "REDIS_DB": "0",
        "REDIS_PASSWORD": "",
        "REDIS_LOCK_PREFIX": prefix,
        "REDIS_URL": redis_url,
        "REDIS_PREFIX": prefix,
    }
