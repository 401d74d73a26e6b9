"""Two real API worker processes on one database: two training requests start one training, and a
worker that did not start it neither starts another nor marks the running one failed. When the
worker running it dies, its lease expires and the other worker may train again."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from core.models import TrainingRun
from tests.support.stack import APP_PY, ROOT, Stack

pytestmark = [pytest.mark.stack, pytest.mark.timeout(600)]

PASSWORD = "lease-test-password"
LEASE_SECONDS = 3


@pytest.fixture()
def workers(tmp_path: Path) -> Iterator[list[Stack]]:
    database_url = f"sqlite:///{tmp_path / 'app.db'}"
    extra = {
        "STAFF_TRAIN_EPOCHS": "1",
        "STAFF_MODELS_DIR": str(tmp_path / "models"),
        "STAFF_EXPORT_DIR": str(tmp_path / "reviewed"),
        "STAFF_TRAINING_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    stacks = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        stacks.append(Stack(workdir=tmp_path / name, database_url=database_url, extra_env=extra))
    env = stacks[0].env()
    subprocess.run([str(APP_PY), "-m", "cli", "db", "upgrade"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [str(APP_PY), "-m", "cli", "staff", "create-user", "--username", "trainer", "--password-stdin"],
        cwd=ROOT,
        env=env,
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    try:
        for stack in stacks:
            stack.start("api")
        for stack in stacks:
            stack.wait_ready("api")
        yield stacks
    finally:
        for stack in stacks:
            stack.stop_all()


def logged_in(stack: Stack) -> httpx.Client:
    client = httpx.Client(base_url=stack.api_url, timeout=30)
    assert client.get("/staff/login").status_code == 200
    answer = client.post(
        "/api/staff/login",
        json={"username": "trainer", "password": PASSWORD},
        headers={"X-CSRF-Token": client.cookies.get("staff_login_csrf") or ""},
    )
    assert answer.status_code == 200, answer.text
    client.headers["X-CSRF-Token"] = answer.json()["csrf"]
    return client


def runs(stack: Stack) -> list[tuple[int, str, str | None]]:
    engine = create_engine(stack.database_url)
    with Session(engine) as session:
        found = [
            (r.id, r.state, r.message) for r in session.scalars(select(TrainingRun).order_by(TrainingRun.id))
        ]
    engine.dispose()
    return found


def rasa_trainings(stack: Stack) -> int:
    """`rasa train` processes started by this worker (`-ww`: without a terminal, ps cuts lines at
    80 columns, before " train " when the checkout's path is long)."""
    pid = stack.processes["api"].pid
    children = subprocess.run(
        ["ps", "-ww", "-o", "args=", "--ppid", str(pid)], capture_output=True, text=True
    ).stdout
    return sum(" train " in f" {line} " for line in children.splitlines())


def test_two_workers_two_requests_one_training(workers: list[Stack]) -> None:
    clients = [logged_in(stack) for stack in workers]
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda client: client.post("/api/staff/training"), clients))
    assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
    started = next(i for i, a in enumerate(answers) if a.status_code == 200)
    other = 1 - started
    run_id = answers[started].json()["run_id"]
    # It names the run, or, when it lost the race before the run was written, says one is starting.
    assert answers[other].json()["detail"] in (
        f"training run {run_id} is still queued",
        f"training run {run_id} is still training",
        "another training is starting",
    )

    time.sleep(2 * LEASE_SECONDS)  # past one lease period: the running worker keeps renewing it
    again = clients[other].post("/api/staff/training")
    assert again.status_code == 409, again.text
    assert f"training run {run_id} is still" in again.json()["detail"]
    [(only_id, state, _)] = runs(workers[0])
    assert only_id == run_id and state in ("queued", "training")
    assert rasa_trainings(workers[started]) == 1 and rasa_trainings(workers[other]) == 0

    # The worker running the training is killed (with its `rasa train`): once its lease expires,
    # the other one may train, and the orphaned run is marked failed.
    killed = workers[started].processes["api"]
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait(timeout=30)
    time.sleep(LEASE_SECONDS + 1)
    retried = clients[other].post("/api/staff/training")
    assert retried.status_code == 200, retried.text
    (first, first_state, message), (second, second_state, _) = runs(workers[0])
    assert (first, first_state) == (run_id, "failed") and "interrupted" in (message or "")
    assert second == retried.json()["run_id"] and second_state in ("queued", "training")
    for client in clients:
        client.close()
