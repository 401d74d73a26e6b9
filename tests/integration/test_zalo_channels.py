"""Zalo channels on the real stack (actions + Rasa + API, SQLite) with a local fake of the Zalo cloud.

OA: signed webhook events go in, the assistant's answers come out at the fake OA message API.
Mini App: the real build served by the API at /miniapp/, driven in Debian's Chromium (anonymous,
as in a plain browser); the Graph /me check of Zalo user tokens against the fake.
"""

from __future__ import annotations

import json
import random
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from core.models import ChatExchange, UnresolvedQuestion, ZaloEvent, ZaloToken
from core.privacy import pseudonymise
from tests.support.browser import PHONE, assert_fits_phone
from tests.support.fake_zalo import FakeZalo
from tests.support.stack import ROOT, Stack, start_stack

pytestmark = pytest.mark.timeout(900)

MINIAPP = ROOT / "miniapp"


def build_miniapp() -> None:
    """`make test` builds it (target `miniapp`); build here too when run on its own."""
    if (MINIAPP / "dist" / "index.html").exists():
        return
    if not (MINIAPP / "node_modules").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=MINIAPP, check=True, capture_output=True)
    subprocess.run(["npm", "run", "build"], cwd=MINIAPP, check=True, capture_output=True)


@pytest.fixture(scope="module")
def zstack(fake: FakeZalo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    build_miniapp()
    running = start_stack(tmp_path_factory.mktemp("zalo-stack"), extra_env=fake.env())
    try:
        yield running
    finally:
        running.stop_all()


def query(stack: Stack, fn: Callable[[Session], Any]) -> Any:
    engine = create_engine(stack.database_url)
    try:
        with Session(engine) as session:
            return fn(session)
    finally:
        engine.dispose()


def new_user() -> str:
    return str(random.randint(10**18, 9 * 10**18))


def event(fake: FakeZalo, name: str, user: str, **extra: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "app_id": fake.app_id,
        "user_id_by_app": new_user(),
        "event_name": name,
        "timestamp": str(int(time.time() * 1000)),
    }
    if name == "follow":
        payload.update(oa_id="388613280878808645", follower={"id": user}, source="oa_profile")
    else:
        payload.update(sender={"id": user}, recipient={"id": "388613280878808645"})
    payload.update(extra)
    return payload


def text_event(fake: FakeZalo, user: str, text: str, msg_id: str | None = None) -> dict[str, Any]:
    return event(fake, "user_send_text", user, message={"text": text, "msg_id": msg_id or uuid.uuid4().hex})


def post(
    stack: Stack,
    fake: FakeZalo,
    payload: dict[str, Any],
    *,
    signature: str | None = None,
    raw: bytes | None = None,
) -> httpx.Response:
    body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
    header = signature if signature is not None else fake.sign(body, str(payload["timestamp"]))
    return httpx.post(
        f"{stack.api_url}/webhooks/zalo",
        content=body,
        headers={"X-ZEvent-Signature": header, "Content-Type": "application/json"},
        timeout=10,
    )


def wait_texts(fake: FakeZalo, user: str, count: int = 1, timeout: float = 90) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        texts = fake.texts_to(user)
        if len(texts) >= count:
            return texts
        time.sleep(0.2)
    raise AssertionError(f"expected {count} message(s) to {user}, got {fake.texts_to(user)}")


# ---- Zalo Official Account ---------------------------------------------------------------------


def test_signed_text_event_is_acknowledged_fast_and_answered(zstack: Stack, fake: FakeZalo) -> None:
    user = new_user()
    started = time.perf_counter()
    response = post(zstack, fake, text_event(fake, user, "Lệ phí làm hộ chiếu bao nhiêu?"))
    elapsed = time.perf_counter() - started
    assert response.status_code == 200 and response.json()["status"] == "accepted", response.text
    assert elapsed < 2.0
    texts = wait_texts(fake, user)
    answer = "\n".join(texts)
    assert "000 đồng" in answer and "HỘ CHIẾU" in answer.upper()
    assert all(len(text) <= 2000 for text in texts)
    sent = [m for m in fake.sent_messages() if m["recipient"]["user_id"] == user]
    assert all(r.headers["access_token"] for r in fake.requests if r.path == "/v3.0/oa/message/cs")
    assert sent[0]["recipient"] == {"user_id": user}

    def rows(session: Session) -> tuple[list[str], ChatExchange | None]:
        statuses = list(session.scalars(select(ZaloEvent.status).where(ZaloEvent.user_id == user)))
        exchange = session.scalars(
            select(ChatExchange).where(ChatExchange.channel == "zalo_oa").order_by(ChatExchange.id.desc())
        ).first()
        return statuses, exchange

    deadline = time.monotonic() + 10
    while (statuses := query(zstack, rows)[0]) != ["done"] and time.monotonic() < deadline:
        time.sleep(0.2)
    statuses, exchange = query(zstack, rows)
    assert statuses == ["done"]
    assert exchange is not None and exchange.intent == "ask_fee" and user not in exchange.sender_hash


def test_forged_signature_is_refused_and_nothing_happens(zstack: Stack, fake: FakeZalo) -> None:
    def counts(s):  # type: ignore[no-untyped-def]
        return (
            s.scalar(select(func.count(ZaloEvent.id))),
            s.scalar(select(func.count(ChatExchange.id))),
            s.scalar(select(func.count(UnresolvedQuestion.id))),
        )

    before = query(zstack, counts)
    requests_before = len(fake.requests)
    user = new_user()
    payload = text_event(fake, user, "Lệ phí làm hộ chiếu bao nhiêu?")
    body = json.dumps(payload, ensure_ascii=False).encode()
    forged = "mac=" + "0" * 64
    assert post(zstack, fake, payload, signature=forged).status_code == 401
    wrong_key = FakeZalo(app_id=fake.app_id).sign(body, payload["timestamp"])  # another OA's secret
    assert post(zstack, fake, payload, signature=wrong_key, raw=body).status_code == 401
    tampered = body.replace("hộ chiếu".encode(), "hộ chiêu".encode())
    assert (
        post(zstack, fake, payload, signature=fake.sign(body, payload["timestamp"]), raw=tampered).status_code
        == 401
    )
    stale = text_event(fake, user, "Xin chào")
    stale["timestamp"] = str(int((time.time() - 600) * 1000))
    assert post(zstack, fake, stale).status_code == 401
    malformed = httpx.post(
        f"{zstack.api_url}/webhooks/zalo",
        content=b"{oops",
        headers={"X-ZEvent-Signature": forged},
        timeout=10,
    )
    assert malformed.status_code == 400
    time.sleep(1.5)
    assert len(fake.requests) == requests_before and fake.texts_to(user) == []
    assert query(zstack, counts) == before


def test_duplicate_msg_id_gets_exactly_one_answer(zstack: Stack, fake: FakeZalo) -> None:
    user = new_user()
    payload = text_event(fake, user, "Xin chào", msg_id="dup-" + uuid.uuid4().hex)
    first = post(zstack, fake, payload)
    second = post(zstack, fake, payload)  # Zalo retries the same event
    assert (first.json()["status"], second.json()["status"]) == ("accepted", "duplicate")
    texts = wait_texts(fake, user)
    time.sleep(2)
    assert fake.texts_to(user) == texts and len(texts) == 1
    assert "Xin chào" in texts[0]


def test_follow_gets_a_welcome(zstack: Stack, fake: FakeZalo) -> None:
    user = new_user()
    assert post(zstack, fake, event(fake, "follow", user)).json()["status"] == "accepted"
    assert "Xin chào" in wait_texts(fake, user)[0]


@pytest.mark.parametrize("name", ["user_send_image", "user_send_sticker", "user_send_location"])
def test_non_text_events_get_please_send_text(zstack: Stack, fake: FakeZalo, name: str) -> None:
    user = new_user()
    extra = {
        "message": {
            "msg_id": uuid.uuid4().hex,
            "attachments": [
                {"type": name.removeprefix("user_send_"), "payload": {"url": "https://example.invalid/x"}}
            ],
        }
    }
    assert post(zstack, fake, event(fake, name, user, **extra)).json()["status"] == "accepted"
    text = wait_texts(fake, user)[0]
    assert "tin nhắn chữ" in text and "gõ câu hỏi" in text


def test_oa_echo_events_are_ignored(zstack: Stack, fake: FakeZalo) -> None:
    user = new_user()
    echo = event(
        fake,
        "oa_send_text",
        "388613280878808645",
        recipient={"id": user},
        message={"text": "Xin chào", "msg_id": uuid.uuid4().hex},
    )
    assert post(zstack, fake, echo).json()["status"] == "ignored"
    time.sleep(1)
    assert fake.texts_to(user) == []


def test_expired_access_token_is_refreshed_then_the_reply_is_retried(zstack: Stack, fake: FakeZalo) -> None:
    old_token = fake.access_token
    fake.expire_access_token()
    refreshes_before = len(fake.refresh_calls())
    user = new_user()
    assert post(zstack, fake, text_event(fake, user, "Xin chào")).json()["status"] == "accepted"
    assert "Xin chào" in wait_texts(fake, user)[0]
    assert len(fake.refresh_calls()) == refreshes_before + 1
    rejected = [r for r in fake.requests if r.path == "/v3.0/oa/message/cs" and not r.accepted]
    assert rejected and rejected[-1].headers["access_token"] == old_token
    row = query(zstack, lambda s: s.get(ZaloToken, 1))
    assert (row.access_token, row.refresh_token) == (fake.access_token, fake.refresh_token)


# ---- Mini App ----------------------------------------------------------------------------------


def test_catalogue_api_search_is_accent_insensitive(zstack: Stack) -> None:
    for q in ("hộ chiếu", "ho chieu", "HO CHIEU"):
        body = httpx.get(f"{zstack.api_url}/api/services", params={"q": q}, timeout=10).json()
        assert "passport" in [s["slug"] for s in body["services"]], (q, body)
    detail = httpx.get(f"{zstack.api_url}/api/services/passport", timeout=10).json()
    assert detail["source_url"].startswith("http") and detail["last_checked"]
    assert "notes" not in detail
    assert httpx.get(f"{zstack.api_url}/api/services/no-such-thing", timeout=10).status_code == 404


def test_miniapp_zalo_token_is_verified_with_graph_me(zstack: Stack, fake: FakeZalo) -> None:
    fake.users["miniapp-token-ok"] = ("5432109876543210", "Nguyễn Văn A")
    ok = httpx.post(
        f"{zstack.api_url}/api/chat",
        headers={"X-Zalo-Access-Token": "miniapp-token-ok"},
        json={"sender_id": "anon-1", "text": "Xin chào", "channel": "zalo_miniapp"},
        timeout=60,
    )
    assert ok.status_code == 200, ok.text
    me = [r for r in fake.requests if r.path == "/v2.0/me"][-1]
    assert me.headers["access_token"] == "miniapp-token-ok" and me.headers["appsecret_proof"]
    row = query(zstack, lambda s: s.scalars(select(ChatExchange).order_by(ChatExchange.id.desc())).first())
    assert row.channel == "zalo_miniapp"
    assert row.sender_hash == pseudonymise("zalo:5432109876543210", zstack.hash_key)
    bad = httpx.post(
        f"{zstack.api_url}/api/chat",
        headers={"X-Zalo-Access-Token": "forged"},
        json={"sender_id": "anon-1", "text": "Xin chào", "channel": "zalo_miniapp"},
        timeout=60,
    )
    assert bad.status_code == 401


def test_miniapp_in_a_plain_browser(zstack: Stack, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 400, "height": 820}, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    chats: list[dict[str, Any]] = []
    page.on(
        "request",
        lambda r: (
            chats.append({"headers": r.headers, "body": r.post_data_json})
            if r.url.endswith("/api/chat")
            else None
        ),
    )
    try:
        page.goto(f"{zstack.api_url}/miniapp/")
        page.get_by_placeholder("Nhập câu hỏi…").fill("Lệ phí làm hộ chiếu bao nhiêu?")
        page.get_by_role("button", name="Gửi").click()
        answer = page.locator("[data-testid=msg-bot]").filter(has_text="000 đồng")
        answer.first.wait_for(timeout=60_000)
        assert page.locator("[data-testid=msg-user]").first.inner_text() == "Lệ phí làm hộ chiếu bao nhiêu?"
        # anonymous: no Zalo token outside Zalo; the session id is kept in localStorage
        assert chats and "x-zalo-access-token" not in chats[0]["headers"]
        assert chats[0]["body"]["channel"] == "zalo_miniapp"
        stored = page.evaluate("localStorage.getItem('dvc-miniapp-sender')")
        assert stored and chats[0]["body"]["sender_id"] == stored
        page.screenshot(path=str(tmp_path / "miniapp-chat.png"))

        page.get_by_text("Thủ tục", exact=True).click()
        search = page.get_by_placeholder("Tìm thủ tục (vd: hộ chiếu)")
        search.fill("hộ chiếu")
        search.press("Enter")
        item = page.locator("[data-testid=service-passport]")
        item.wait_for(timeout=15_000)
        item.click()
        source = page.locator("[data-testid=service-source]")
        source.wait_for(timeout=15_000)
        detail = httpx.get(f"{zstack.api_url}/api/services/passport", timeout=10).json()
        assert source.locator("a").get_attribute("href") == detail["source_url"]
        assert detail["last_checked"] in source.inner_text()
        assert "Cấp hộ chiếu phổ thông" in page.locator("[data-testid=service-detail]").inner_text()
        # The Mini App states today's fee as the chat does (core/fees.py via the catalogue API).
        today_online = f"{detail['fee_in_force']['online']:,}".replace(",", ".") + " đồng"
        assert today_online in page.locator("[data-testid=fee-today]").inner_text()
        page.screenshot(path=str(tmp_path / "miniapp-service.png"))
        assert errors == []
    finally:
        context.close()


def test_miniapp_answer_fits_a_390px_phone(zstack: Stack, browser) -> None:  # type: ignore[no-untyped-def]
    """The Mini App chat on a phone: the answer-first bubble fits, nothing scrolls sideways."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(f"{zstack.api_url}/miniapp/")
        page.get_by_placeholder("Nhập câu hỏi…").fill(
            "Ở Hà Giang làm hộ chiếu online có được giảm lệ phí không?"
        )
        page.get_by_role("button", name="Gửi").click()
        bubble = page.locator("[data-testid=msg-bot]").filter(has_text="Nguồn:").last
        bubble.wait_for(timeout=60_000)
        assert "Tuyên Quang" in bubble.inner_text() and "nếu không" in bubble.inner_text()
        assert_fits_phone(page, bubble, page.locator(".messages"), "miniapp-390.png")
    finally:
        context.close()
