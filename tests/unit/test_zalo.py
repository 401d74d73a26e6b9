"""Zalo OA channel: webhook signature, reply splitting, button mapping, token refresh atomicity,
Mini App token verification. Zalo itself is the local fake server (tests/support/fake_zalo.py)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.schemas import ButtonOut, Reply
from api.services.zalo import identity, tokens
from api.services.zalo.client import ZaloApiError, ZaloOAClient
from api.services.zalo.messages import MAX_TEXT_CHARS, split_text, to_zalo_messages, zalo_button
from api.services.zalo.signature import SignatureError, compute_signature, verify_signature
from core.db import session_scope
from core.models import ZaloToken
from core.settings import get_settings
from tests.support.fake_zalo import FakeZalo

APP_ID = "4291763606161179100"
SECRET = "oa-secret-key"
NOW = 1_795_000_000.0


def event_body(timestamp_ms: int, text: str = "Lệ phí làm hộ chiếu bao nhiêu?") -> bytes:
    payload = {
        "app_id": APP_ID,
        "user_id_by_app": "552177279717587730",
        "event_name": "user_send_text",
        "timestamp": str(timestamp_ms),
        "sender": {"id": "2468458835296117922"},
        "recipient": {"id": "388613280878808645"},
        "message": {"text": text, "msg_id": "96d3cdf3af150460909"},
    }
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def check(header: str | None, body: bytes, timestamp: str, now: float = NOW) -> None:
    verify_signature(
        header,
        app_id=APP_ID,
        raw_body=body,
        timestamp=timestamp,
        oa_secret_key=SECRET,
        max_age_seconds=300,
        now=now,
    )


# ---- signature ------------------------------------------------------------------------------


def test_signature_is_sha256_of_app_id_body_timestamp_secret() -> None:
    body = event_body(int(NOW * 1000))
    expected = (
        "mac="
        + hashlib.sha256(APP_ID.encode() + body + str(int(NOW * 1000)).encode() + SECRET.encode()).hexdigest()
    )
    assert compute_signature(APP_ID, body, str(int(NOW * 1000)), SECRET) == expected


def test_valid_signature_passes() -> None:
    ts = str(int(NOW * 1000))
    body = event_body(int(ts))
    check(compute_signature(APP_ID, body, ts, SECRET), body, ts)


def test_forged_signature_is_rejected() -> None:
    ts = str(int(NOW * 1000))
    body = event_body(int(ts))
    with pytest.raises(SignatureError, match="bad signature"):
        check(compute_signature(APP_ID, body, ts, "not-our-secret"), body, ts)


def test_stale_event_is_rejected_even_with_a_valid_signature() -> None:
    ts = str(int((NOW - 301) * 1000))
    body = event_body(int(ts))
    with pytest.raises(SignatureError, match="stale"):
        check(compute_signature(APP_ID, body, ts, SECRET), body, ts)
    # within the window: fine
    check(compute_signature(APP_ID, body, ts, SECRET), body, ts, now=NOW - 10)


def test_body_tampered_by_one_byte_is_rejected() -> None:
    ts = str(int(NOW * 1000))
    body = event_body(int(ts))
    signature = compute_signature(APP_ID, body, ts, SECRET)
    tampered = bytearray(body)
    tampered[-5] ^= 0x01
    with pytest.raises(SignatureError):
        check(signature, bytes(tampered), ts)


def test_missing_header_is_rejected() -> None:
    ts = str(int(NOW * 1000))
    with pytest.raises(SignatureError, match="missing"):
        check(None, event_body(int(ts)), ts)
    with pytest.raises(SignatureError, match="missing"):
        check("", event_body(int(ts)), ts)


# ---- webhook endpoint (rejections; accepted events are tested on the real stack) -----------


@pytest.fixture()
def webhook_client(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("ZALO_APP_ID", APP_ID)
    monkeypatch.setenv("ZALO_OA_SECRET_KEY", SECRET)
    get_settings.cache_clear()
    from api.main import create_app

    yield TestClient(create_app())
    get_settings.cache_clear()


def test_webhook_rejects_forged_malformed_and_unsigned(webhook_client: TestClient) -> None:
    ts = str(int(time.time() * 1000))
    body = event_body(int(ts))
    forged = webhook_client.post(
        "/webhooks/zalo",
        content=body,
        headers={"X-ZEvent-Signature": compute_signature(APP_ID, body, ts, "x")},
    )
    assert forged.status_code == 401
    unsigned = webhook_client.post("/webhooks/zalo", content=body)
    assert unsigned.status_code == 401
    malformed = webhook_client.post(
        "/webhooks/zalo", content=b"{not json", headers={"X-ZEvent-Signature": "mac=00"}
    )
    assert malformed.status_code == 400
    from core.models import ZaloEvent

    with session_scope() as session:
        assert session.scalars(select(ZaloEvent)).all() == []


def test_webhook_echo_events_are_ignored(webhook_client: TestClient) -> None:
    ts = str(int(time.time() * 1000))
    body = json.dumps(
        {
            "app_id": APP_ID,
            "event_name": "oa_send_text",
            "timestamp": ts,
            "sender": {"id": "388613280878808645"},
            "recipient": {"id": "2468458835296117922"},
            "message": {"text": "hi", "msg_id": "echo-1"},
        }
    ).encode()
    response = webhook_client.post(
        "/webhooks/zalo",
        content=body,
        headers={"X-ZEvent-Signature": compute_signature(APP_ID, body, ts, SECRET)},
    )
    assert response.status_code == 200 and response.json()["status"] == "ignored"


def test_webhook_without_secrets_is_503(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZALO_APP_ID", "")
    monkeypatch.setenv("ZALO_OA_SECRET_KEY", "")
    get_settings.cache_clear()
    from api.main import create_app

    response = TestClient(create_app()).post("/webhooks/zalo", content=event_body(int(time.time() * 1000)))
    assert response.status_code == 503 and response.json()["detail"] == "Zalo not configured"
    get_settings.cache_clear()


# ---- splitting and buttons -------------------------------------------------------------------


def test_short_text_is_one_message() -> None:
    assert split_text("Xin chào") == ["Xin chào"]


def test_long_reply_is_split_on_paragraphs_within_the_limit() -> None:
    paragraphs = [f"Đoạn {i}: " + "thủ tục hành chính " * 40 for i in range(12)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    assert len(text) > 2 * MAX_TEXT_CHARS
    chunks = split_text(text)
    assert len(chunks) >= 3 and all(len(c) <= MAX_TEXT_CHARS for c in chunks)
    # no paragraph is cut in two, nothing is lost
    for chunk in chunks:
        assert chunk.startswith("Đoạn ")
    assert "\n\n".join(chunks) == text


def test_one_huge_paragraph_is_split_on_sentences() -> None:
    sentences = [f"Câu số {i} nói về giấy tờ cần mang theo khi nộp hồ sơ." for i in range(100)]
    text = " ".join(sentences)
    chunks = split_text(text)
    assert all(len(c) <= MAX_TEXT_CHARS for c in chunks) and len(chunks) >= 2
    assert all(c.endswith(".") for c in chunks)
    assert " ".join(chunks) == text


def test_text_without_any_break_is_hard_cut() -> None:
    chunks = split_text("x" * 4500)
    assert [len(c) for c in chunks] == [2000, 2000, 500]


def test_buttons_become_oa_query_buttons_on_the_last_part() -> None:
    reply = Reply(
        text="a" * 2500,
        buttons=[
            ButtonOut(title="Lệ phí", payload="Lệ phí làm hộ chiếu"),
            ButtonOut(title="Hồ sơ", payload='/ask_documents{"service":"passport"}'),
        ],
    )
    messages = to_zalo_messages(reply)
    assert len(messages) == 2 and "attachment" not in messages[0]
    attachment = messages[1]["attachment"]
    assert attachment["type"] == "template"
    assert attachment["payload"]["buttons"] == [
        {"title": "Lệ phí", "type": "oa.query.show", "payload": "Lệ phí làm hộ chiếu"},
        {"title": "Hồ sơ", "type": "oa.query.hide", "payload": '/ask_documents{"service":"passport"}'},
    ]


def test_button_limits() -> None:
    button = zalo_button("t" * 150, "p" * 1500)
    assert len(button["title"]) == 100 and len(button["payload"]) == 1000
    many = Reply(text="Chọn", buttons=[ButtonOut(title=str(i), payload=str(i)) for i in range(8)])
    assert len(to_zalo_messages(many)[0]["attachment"]["payload"]["buttons"]) == 5


# ---- tokens against the fake Zalo --------------------------------------------------------------


@pytest.fixture()
def fake() -> Iterator[FakeZalo]:
    server = FakeZalo().start()
    yield server
    server.stop()


@pytest.fixture()
def zalo_settings(database_url: str, fake: FakeZalo, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    for key, value in fake.env().items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def stored() -> ZaloToken:
    with session_scope() as session:
        row = session.get(ZaloToken, tokens.TOKEN_ROW)
        assert row is not None
        return row


def test_concurrent_refreshes_spend_the_refresh_token_once(zalo_settings, fake: FakeZalo) -> None:  # type: ignore[no-untyped-def]
    tokens.store_pair(fake.access_token, fake.refresh_token, expires_in=10)  # inside the refresh margin
    fake.refresh_delay = 0.3
    first_refresh_token = fake.refresh_token

    async def run() -> list[str]:
        async with httpx.AsyncClient() as http:
            store = tokens.TokenStore(zalo_settings, http)
            return await asyncio.gather(*(store.access_token() for _ in range(5)))

    results = asyncio.run(run())
    assert len(fake.refresh_calls()) == 1
    assert fake.refresh_calls()[0].form["refresh_token"] == first_refresh_token
    assert set(results) == {fake.access_token}
    row = stored()
    assert (row.access_token, row.refresh_token, row.version) == (fake.access_token, fake.refresh_token, 2)
    assert row.refresh_lease_until is None and row.expires_at > time.time() + 80000


def test_new_pair_is_persisted_before_the_new_access_token_is_used(
    zalo_settings,
    fake: FakeZalo,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    tokens.store_pair(fake.access_token, fake.refresh_token, expires_in=90000)
    fake.expire_access_token()  # Zalo now answers -216 to the stored token
    requests_seen_at_persist: list[int] = []
    original = tokens.save_refreshed

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        requests_seen_at_persist.append(len(fake.requests))
        return original(*args, **kwargs)

    monkeypatch.setattr(tokens, "save_refreshed", spy)

    async def run() -> None:
        client = ZaloOAClient(zalo_settings)
        try:
            await client.send_reply("2468458835296117922", Reply(text="Xin chào"))
        finally:
            await client.aclose()

    asyncio.run(run())
    paths = [r.path for r in fake.requests]
    assert paths == ["/v3.0/oa/message/cs", "/v4/oa/access_token", "/v3.0/oa/message/cs"]
    # persisted after the refresh answer, before the retried message went out
    assert requests_seen_at_persist == [2]
    assert fake.requests[2].headers["access_token"] == stored().access_token == fake.access_token
    assert fake.texts_to("2468458835296117922") == ["Xin chào"]


def test_a_token_refreshed_by_another_process_is_reused_without_a_refresh_call(
    zalo_settings, fake: FakeZalo
) -> None:  # type: ignore[no-untyped-def]
    tokens.store_pair("OLD", "OLD-RT", expires_in=90000)
    tokens.store_pair(fake.access_token, fake.refresh_token, expires_in=90000)  # the other process won

    async def run() -> str:
        async with httpx.AsyncClient() as http:
            return await tokens.TokenStore(zalo_settings, http).refresh(stale_access_token="OLD")

    assert asyncio.run(run()) == fake.access_token
    assert fake.refresh_calls() == []


def test_the_refresh_lease_is_a_compare_and_swap(zalo_settings) -> None:  # type: ignore[no-untyped-def]
    pair = tokens.store_pair("A", "R", expires_in=90000)
    now = time.time()
    assert tokens.claim_lease(pair.version, now) is True
    assert tokens.claim_lease(pair.version, now) is False  # held
    assert tokens.claim_lease(pair.version, now + tokens.LEASE_SECONDS + 1) is True  # expired lease
    assert tokens.claim_lease(pair.version - 1, now + 999) is False  # wrong version


def test_refused_refresh_raises_and_releases_the_lease(zalo_settings, fake: FakeZalo) -> None:  # type: ignore[no-untyped-def]
    tokens.store_pair("A", "spent-refresh-token", expires_in=1)

    async def run() -> None:
        async with httpx.AsyncClient() as http:
            await tokens.TokenStore(zalo_settings, http).access_token()

    with pytest.raises(tokens.ZaloTokenError, match="-14014"):
        asyncio.run(run())
    row = stored()
    assert (row.access_token, row.refresh_lease_until, row.version) == ("A", None, 1)


def test_non_token_errors_are_not_retried(zalo_settings, fake: FakeZalo) -> None:  # type: ignore[no-untyped-def]
    tokens.store_pair(fake.access_token, fake.refresh_token, expires_in=90000)

    async def run() -> None:
        client = ZaloOAClient(zalo_settings)
        try:
            await client.send_message("", {"text": "x"})
        finally:
            await client.aclose()

    with pytest.raises(ZaloApiError) as info:
        asyncio.run(run())
    assert info.value.code == -201 and fake.refresh_calls() == []


# ---- Mini App identity -------------------------------------------------------------------------


def test_graph_me_verification(zalo_settings, fake: FakeZalo) -> None:  # type: ignore[no-untyped-def]
    fake.users["user-token-1"] = ("5432109876543210", "Nguyễn Văn A")
    identity._cache.clear()
    assert asyncio.run(identity.verify_access_token("user-token-1", zalo_settings)) == "5432109876543210"
    request = [r for r in fake.requests if r.path == "/v2.0/me"][-1]
    assert request.query == {"fields": "id,name"}
    assert request.headers["appsecret_proof"] == identity.appsecret_proof("user-token-1", fake.app_secret)
    # cached: no second call
    asyncio.run(identity.verify_access_token("user-token-1", zalo_settings))
    assert len([r for r in fake.requests if r.path == "/v2.0/me"]) == 1
    with pytest.raises(identity.InvalidZaloToken):
        asyncio.run(identity.verify_access_token("forged-token", zalo_settings))
