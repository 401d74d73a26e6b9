"""Personal data against the real stack (issue 15, privacy items 1-5): what a citizen types goes
through the API, Rasa and the action server; afterwards it is looked for in every table of the
app database, in Rasa's tracker store and in every process's log file.

Harmless numbers (dates, fees, codes, hotlines) must arrive intact; personal data nowhere in clear.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from pathlib import Path

import httpx
import pytest

from core.privacy import pseudonymise
from tests.support.stack import Stack

pytestmark = pytest.mark.timeout(600)


def ask(stack: Stack, text: str, sender: str | None = None) -> httpx.Response:
    response = httpx.post(
        f"{stack.api_url}/api/chat",
        json={"sender_id": sender or f"privacy-{uuid.uuid4().hex[:12]}", "text": text},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response


def sqlite_dump(path: Path) -> str:
    """Every value of every table of a SQLite database, as one string."""
    connection = sqlite3.connect(path)
    try:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return "\n".join(
            repr(row) for table in tables for row in connection.execute(f'SELECT * FROM "{table}"')
        )
    finally:
        connection.close()


def everything_stored(stack: Stack) -> dict[str, str]:
    """The app database, Rasa's tracker store and the log files of the three processes."""
    stored = {
        "app database": sqlite_dump(Path(stack.database_url.removeprefix("sqlite:///"))),
        "tracker store": sqlite_dump(stack.workdir / "tracker.db"),
    }
    for name in ("api", "rasa", "actions"):
        stored[f"{name}.log"] = (stack.workdir / f"{name}.log").read_text(errors="replace")
    return stored


def assert_nowhere(stack: Stack, *secrets: str) -> None:
    for place, content in everything_stored(stack).items():
        for secret in secrets:
            assert secret not in content, f"{secret!r} found in the {place}"


def tracker_texts(stack: Stack, sender: str) -> list[str]:
    """What Rasa's tracker store keeps of a conversation (under the pseudonymous id)."""
    connection = sqlite3.connect(stack.workdir / "tracker.db")
    try:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
            (pseudonymise(sender, stack.hash_key),),
        ).fetchall()
    finally:
        connection.close()
    return [json.loads(data)["text"] for (data,) in rows]


def exchange_texts(stack: Stack, sender: str) -> list[str]:
    connection = sqlite3.connect(stack.database_url.removeprefix("sqlite:///"))
    try:
        rows = connection.execute(
            "SELECT text FROM chat_exchanges WHERE sender_hash = ? ORDER BY id",
            (pseudonymise(sender, stack.hash_key),),
        ).fetchall()
    finally:
        connection.close()
    return [text for (text,) in rows]


# 1. Harmless numbers reach Rasa and staff as they were typed.
HARMLESS = [
    "Hẹn ngày 12-05-2026 lên lấy kết quả",
    "Hẹn ngày 12.05.2026",
    "Lệ phí 12.000.000 đồng",
    "phạt 120.000.000 đồng",
    "hồ sơ 000.00.12.H26-250101-0001 đến đâu rồi",
    "tra cứu hồ sơ G22.99-240101-0001",
    "tổng đài 1900 0368 có làm việc thứ bảy không",
]


def test_dates_amounts_codes_and_hotlines_arrive_intact(stack: Stack) -> None:
    sender = f"privacy-{uuid.uuid4().hex[:12]}"
    for text in HARMLESS:
        ask(stack, text, sender)
    assert exchange_texts(stack, sender) == HARMLESS
    assert tracker_texts(stack, sender) == HARMLESS


# 2. Log timestamps are ISO 8601, and event names are not redacted.
def test_every_structured_log_line_has_an_iso_timestamp(stack: Stack) -> None:
    sender = f"privacy-{uuid.uuid4().hex[:12]}"
    exchange_id = ask(stack, "Lệ phí làm hộ chiếu bao nhiêu? gọi 0912345673", sender).json()["exchange_id"]
    vote = httpx.post(
        f"{stack.api_url}/api/feedback",
        json={
            "exchange_id": exchange_id,
            "sender_id": sender,
            "rating": "up",
            "comment": "CCCD 001203004570",
        },
        timeout=30,
    )
    assert vote.status_code in (200, 201), vote.text  # logs the event "feedback"
    lines = [
        json.loads(line)
        for line in (stack.workdir / "api.log").read_text(errors="replace").splitlines()
        if line.startswith("{")
    ]
    assert any(line.get("event") == "feedback" for line in lines)
    for line in lines:
        stamp = dt.datetime.fromisoformat(line["timestamp"].replace("Z", "+00:00"))
        assert stamp.tzinfo is not None, line
    assert_nowhere(stack, "0912345673", "001203004570")


# 3. Personal data inside web addresses, behind zero-width characters, or obfuscated.
HIDDEN = {
    "https://dichvucong.gov.vn/tra-cuu?cccd=001203004568&sdt=0912345670 tra cứu giúp": [
        "001203004568",
        "0912345670",
    ],
    "email em là http://nguyenvanb@gmail.com/": ["nguyenvanb@gmail.com", "nguyenvanb"],
    "cccd 001203\u200b004569 bị mất": ["001203004569", "001203\u200b004569"],
    "gửi vào tranthic [at] gmail [dot] com nhé": ["tranthic"],
}


def test_personal_data_in_links_zero_width_and_obfuscated_is_stored_nowhere(stack: Stack) -> None:
    sender = f"privacy-{uuid.uuid4().hex[:12]}"
    for text in HIDDEN:
        ask(stack, text, sender)
    stored = exchange_texts(stack, sender)
    assert stored[0] == "https://dichvucong.gov.vn/tra-cuu?cccd=[SỐ GIẤY TỜ]&sdt=[SĐT] tra cứu giúp"
    assert stored[1:] == ["email em là http://[EMAIL]/", "cccd [SỐ GIẤY TỜ] bị mất", "gửi vào [EMAIL] nhé"]
    assert_nowhere(stack, *(secret for secrets in HIDDEN.values() for secret in secrets))


# 4. Query strings stay out of the access log.
def test_query_strings_are_not_in_the_access_log(stack: Stack) -> None:
    marker = uuid.uuid4().hex[:8]
    response = httpx.get(
        f"{stack.api_url}/api/services",
        params={"q": f"hộ chiếu {marker} gọi 0912345671 email a.{marker}@example.com"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    api_log = (stack.workdir / "api.log").read_text(errors="replace")
    assert '"GET /api/services HTTP/1.1" 200' in api_log  # the access log is still there ...
    assert marker not in api_log and "0912345671" not in api_log  # ... without the query
    assert_nowhere(stack, "0912345671", f"a.{marker}@example.com")


# 5. Rasa keeps conversations under the keyed hash, never the raw sender id.
def test_rasa_never_sees_the_raw_sender_id(stack: Stack) -> None:
    phone_sender = "0912345672"
    # `zalo:<id>` is reserved for verified Zalo users (422 from anyone else): another raw id instead
    zalo_sender = "khach-5432109876543211"
    first = "\n".join(
        r["text"] for r in ask(stack, "Thủ tục làm hộ chiếu online thế nào?", phone_sender).json()["replies"]
    )
    follow_up = ask(stack, "còn lệ phí thì sao?", phone_sender).json()
    # The conversation continues under the pseudonym: the service slot is kept.
    assert "HỘ CHIẾU" in first.upper() and "000 đồng" in follow_up["replies"][0]["text"]
    assert tracker_texts(stack, phone_sender) == [
        "Thủ tục làm hộ chiếu online thế nào?",
        "còn lệ phí thì sao?",
    ]
    # Feedback still belongs to the raw sender id the front end knows.
    vote = httpx.post(
        f"{stack.api_url}/api/feedback",
        json={"exchange_id": follow_up["exchange_id"], "sender_id": phone_sender, "rating": "down"},
        timeout=30,
    )
    assert vote.status_code in (200, 201) and vote.json()["queued_as_unresolved"], vote.text
    # The action server logs an unanswerable question under the same hash as the API.
    ask(stack, "Giá vàng SJC hôm nay bao nhiêu?", zalo_sender)
    connection = sqlite3.connect(stack.database_url.removeprefix("sqlite:///"))
    try:
        logged = connection.execute(
            "SELECT sender_hash FROM unresolved_questions WHERE text = ?",
            ("Giá vàng SJC hôm nay bao nhiêu?",),
        ).fetchall()
    finally:
        connection.close()
    assert (pseudonymise(zalo_sender, stack.hash_key),) in logged
    assert_nowhere(stack, phone_sender, "5432109876543211")
