"""The real stack with the national catalogue: an official-format export imported with the CLI is
answered without retraining; a numbered choice among real candidates, then a pick by number."""

from __future__ import annotations

import subprocess
import uuid

import httpx
import pytest

from tests.support.stack import APP_PY, ROOT, Stack

pytestmark = pytest.mark.timeout(600)
DETAILS = ROOT / "tests" / "fixtures" / "official" / "procedure_details.jsonl"


def ask(stack: Stack, text: str, sender: str) -> dict:  # type: ignore[type-arg]
    response = httpx.post(f"{stack.api_url}/api/chat", json={"sender_id": sender, "text": text}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def text_of(reply: dict) -> str:  # type: ignore[type-arg]
    return "\n".join(r["text"] for r in reply["replies"])


def test_an_imported_official_export_is_answered_without_retraining(stack: Stack) -> None:
    imported = subprocess.run(
        [str(APP_PY), "-m", "cli", "catalogue", "import", str(DETAILS)],
        cwd=ROOT,
        env=stack.env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert "2 created" in imported.stdout or "2 unchanged" in imported.stdout, imported.stdout
    assert "skipped: procedure_details.jsonl: line 4 (9-900103)" in imported.stderr
    text = text_of(ask(stack, "làm thẻ thư viện cộng đồng cần giấy tờ gì?", f"test-{uuid.uuid4().hex[:12]}"))
    assert "THẺ THƯ VIỆN CỘNG ĐỒNG" in text.upper()
    assert "Ảnh chân dung 3x4" in text and "Mã thủ tục 9.900101" in text


def test_a_numbered_choice_then_a_pick_by_number(stack: Stack) -> None:
    sender = f"test-{uuid.uuid4().hex[:12]}"
    choice = ask(stack, "thủ tục cấp lại", sender)
    buttons = [b for r in choice["replies"] for b in r.get("buttons") or []]
    titles = [b["title"] for b in buttons]
    assert len(titles) >= 2 and all(t.startswith(f"{n}. ") for n, t in enumerate(titles, 1)), titles
    assert all('"service":' in b["payload"] for b in buttons)
    second = titles[1].split(". ", 1)[1]
    answer = text_of(ask(stack, "số 2, phí bao nhiêu", sender))
    assert answer.upper().startswith(second.upper()[:20]) and "Nguồn:" in answer
    follow_up = text_of(ask(stack, "còn giấy tờ thì sao?", sender))
    assert follow_up.upper().startswith(second.upper()[:20]) and "giấy tờ" in follow_up
