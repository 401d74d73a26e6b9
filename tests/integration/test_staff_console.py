"""The staff console in a real browser against a private real stack (Rasa, actions, API).

A staff admin logs in, turns a cluster of unanswered questions into training examples, exports
them (checked by `rasa data validate`), retrains with a small config, watches the progress, sees
the candidate evaluated on the held-out set and loaded into the running Rasa server because it
is not worse than the live model, rolls back, and looks at the dashboard and the audit log.

To keep the test near a minute of training, the "live" model at the start is a deliberately weak
one (config.yml with 1 epoch), trained here and loaded into Rasa through its HTTP API; the
console's candidate (config.yml with 20 epochs, STAFF_TRAIN_EPOCHS) must beat it on the held-out set.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from playwright.sync_api import expect
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from core.models import AuditEntry, ModelVersion, UnresolvedQuestion
from tests.support.stack import ROOT, Stack, start_stack

pytestmark = pytest.mark.timeout(900)

RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
CONFIG = ROOT / "config.yml"
SMALL_EPOCHS = 20
PASSWORD = "staff console test " + uuid.uuid4().hex[:8]
CLUSTER = [
    "mình vào vneid bằng mật mã mà cứ báo lỗi hoài",
    "minh vao vneid bang mat ma ma cu bao loi hoai",  # the same, without diacritics: exported once
    "vào vneid bằng mật mã cứ báo lỗi hoài là sao",
]
OTHER = "giá vàng SJC hôm nay bao nhiêu"


def rasa_env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="2")


def train_weak_model(workdir: Path) -> Path:
    from api.services.staff.training import small_config

    config_path = small_config(CONFIG, 1, workdir / "weak_config.yml")
    subprocess.run(
        [
            str(RASA),
            "train",
            "--data",
            "data/nlu",
            "data/rules",
            "data/stories",
            "--domain",
            "domain.yml",
            "--config",
            str(config_path),
            "--out",
            str(workdir),
            "--fixed-model-name",
            "weak",
            "--quiet",
        ],
        cwd=ROOT,
        env=rasa_env(),
        check=True,
        capture_output=True,
        timeout=600,
    )
    return workdir / "weak.tar.gz"


@pytest.fixture()
def console_stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Stack, Path]]:
    weak = train_weak_model(tmp_path)
    for name, value in {
        "STAFF_TRAIN_EPOCHS": str(SMALL_EPOCHS),  # config.yml with a small number of epochs
        "STAFF_EXPORT_DIR": str(tmp_path / "reviewed"),
        "STAFF_MODELS_DIR": str(tmp_path / "models"),
        "STAFF_BASELINE_MODEL": str(weak),
    }.items():
        monkeypatch.setenv(name, value)  # the stack's processes inherit the environment
    running = start_stack(tmp_path)
    try:
        loaded = httpx.put(
            f"{running.rasa_url}/model",
            params={"token": running.token},
            json={"model_file": str(weak)},
            timeout=300,
        )
        assert loaded.status_code == 204, loaded.text
        assert rasa_model(running) == "weak.tar.gz"
        created = subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "python"),
                "-m",
                "cli",
                "staff",
                "create-user",
                "--username",
                "chief",
                "--role",
                "admin",
                "--password-stdin",
            ],
            cwd=ROOT,
            env=running.env(),
            input=PASSWORD + "\n",
            capture_output=True,
            text=True,
            check=True,
        )
        assert "created admin chief" in created.stdout
        yield running, tmp_path
    finally:
        running.stop_all()


def rasa_model(stack: Stack) -> str:
    return httpx.get(f"{stack.rasa_url}/status", params={"token": stack.token}, timeout=10).json()[
        "model_file"
    ]


def db(stack: Stack) -> Session:
    return Session(create_engine(stack.database_url))


def seed(stack: Stack) -> None:
    with db(stack) as session:
        for i, text in enumerate([*CLUSTER, OTHER]):
            session.add(
                UnresolvedQuestion(
                    text=text,
                    channel="web" if i % 2 else "zalo",
                    sender_hash=f"s{i}",
                    reason="nlu_fallback",
                    intents=[],
                    language="vi",
                    status="new",
                )
            )
        session.commit()
    # A real conversation for the dashboard.
    reply = httpx.post(
        f"{stack.api_url}/api/chat", json={"sender_id": "staff-test", "text": "Xin chào"}, timeout=60
    )
    assert reply.status_code == 200


def test_review_export_retrain_rollback_and_dashboard(console_stack: tuple[Stack, Path], browser) -> None:  # type: ignore[no-untyped-def]
    stack, workdir = console_stack
    seed(stack)
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Script errors and CSP violations fail the test (a refused login's 401 in the console does not).
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "Failed to load resource" not in msg.text
            else None
        ),
    )

    # Not logged in: the console sends us to the login page; a wrong password is refused.
    page.goto(f"{stack.api_url}/staff")
    assert "/staff/login" in page.url
    page.fill("#username", "chief")
    page.fill("#password", "not the password")
    page.click("#login-button")
    expect(page.locator("#login-error")).to_contain_text("wrong username or password")
    page.fill("#password", PASSWORD)
    page.click("#login-button")
    page.wait_for_url(f"{stack.api_url}/staff")
    page.wait_for_selector("article.cluster")
    assert page.text_content("#whoami") == "chief (admin)"

    # The three phrasings (with and without diacritics) are one cluster; the gold price is apart.
    clusters = page.locator("article.cluster")
    before = clusters.count()
    top = clusters.filter(has_text="vneid bằng mật mã")
    assert top.count() == 1 and top.locator(".count").text_content() == "3"
    gold = clusters.filter(has_text=OTHER)
    assert gold.count() == 1 and gold.locator(".count").text_content() == "1"

    # Assign the whole cluster to an intent.
    top.locator("select.intent-select").select_option("vneid_login")
    top.locator("button.assign").click()
    expect(page.locator("#flash")).to_contain_text("3 câu hỏi (assign → vneid_login)")
    expect(page.locator("article.cluster")).to_have_count(before - 1)
    expect(page.locator("article.cluster").filter(has_text="vneid bằng mật mã")).to_have_count(0)

    # Export: the folded duplicate is written once; rasa data validate passes.
    page.click("#export-button")
    expect(page.locator("#export-result")).to_contain_text("Đã xuất", timeout=180_000)
    result = page.text_content("#export-result")
    assert "Đã xuất 2 ví dụ" in result and "duplicate: 1" in result
    exported = list((workdir / "reviewed").glob("reviewed_*.yml"))
    assert len(exported) == 1
    examples = yaml.safe_load(exported[0].read_text(encoding="utf-8"))["nlu"][0]
    assert examples["intent"] == "vneid_login" and examples["examples"].count("\n- ") == 1

    # Retrain with the small config: progress is visible, then the result.
    page.click("button[data-tab=training]")
    started = time.monotonic()
    page.click("#train-button")
    seen_states: set[str] = set()
    log_seen = False
    final = None
    while time.monotonic() - started < 600:
        state = page.get_attribute("#run-state", "data-state") if page.locator("#run-state").count() else None
        if state:
            seen_states.add(state)
            log_seen = log_seen or len(page.text_content("#run-log") or "") > 0
            if state in {"loaded", "rejected", "failed"}:
                final = state
                break
        time.sleep(0.5)
    run_seconds = time.monotonic() - started
    message = page.text_content("#run-status")
    assert final == "loaded", f"{final}: {message}\n{page.text_content('#run-log')}"
    assert {"training", "evaluating"} <= seen_states and log_seen
    assert "accuracy" in page.text_content("#run-figures")
    print(f"\nretrain + evaluation + load took {run_seconds:.0f}s; {message}")

    # The candidate is live in the running Rasa server; figures are in the history.
    served = rasa_model(stack)
    assert served.startswith("staff-") and served.endswith("run1.tar.gz")
    with db(stack) as session:
        versions = {Path(v.path).name: v for v in session.scalars(select(ModelVersion))}
    assert versions[served].live and versions["weak.tar.gz"].live is False
    assert versions[served].macro_f1 >= versions["weak.tar.gz"].macro_f1
    assert versions[served].accuracy >= versions["weak.tar.gz"].accuracy
    # The new model answers.
    answer = httpx.post(
        f"{stack.api_url}/api/chat", json={"sender_id": "after", "text": "Xin chào"}, timeout=60
    )
    assert answer.status_code == 200 and answer.json()["replies"]

    # Roll back to the previous model from the history.
    page.wait_for_selector("#models button.load-model")
    page.click("#models button.load-model")
    expect(page.locator("#flash")).to_contain_text("rollback", timeout=120_000)
    assert rasa_model(stack) == "weak.tar.gz"

    # Dashboard: charts drawn by the vendored Chart.js, figures from the real exchanges.
    page.click("button[data-tab=dashboard]")
    expect(page.locator("#kpi-total")).not_to_have_text("–")
    assert int(page.text_content("#kpi-total")) >= 2
    assert page.evaluate("typeof Chart") == "function"
    assert page.evaluate("!!Chart.getChart(document.getElementById('chart-conversations'))")
    expect(page.locator("#top-clusters tbody")).to_contain_text(OTHER)  # still open
    expect(page.locator("#top-clusters tbody")).not_to_contain_text("mật mã")  # reviewed

    # Audit log: every step is there, with its actor.
    page.click("button[data-tab=audit]")
    page.wait_for_selector("#audit tbody tr")
    with db(stack) as session:
        actions = [(e.actor, e.action) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    for expected in [
        "login_failed",
        "login",
        "review_assign",
        "export",
        "retrain",
        "model_load",
        "retrain_loaded",
        "rollback",
    ]:
        assert any(action == expected for _actor, action in actions), (expected, actions)
    assert ("chief", "rollback") in actions
    assert page.locator("#audit tbody tr").count() >= 8

    # Log out: the console is closed again.
    page.click("#logout")
    page.wait_for_url(f"{stack.api_url}/staff/login")
    assert httpx.get(f"{stack.api_url}/api/staff/me", timeout=10).status_code == 401
    assert not errors, errors
    context.close()
