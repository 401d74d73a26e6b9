"""The embeddable widget in a real headless Chromium, on the demo portal, against the real stack.

Asks a real question, follows a quick reply, gives 👎 and finds the exchange in the unresolved
queue, reloads and finds the transcript, and drives it with the keyboard. Accessibility is
checked with axe-core, which the axe-playwright-python package ships (nothing is fetched).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from core.models import AnswerFeedback, ChatExchange, UnresolvedQuestion
from core.privacy import pseudonymise
from tests.support.browser import PHONE, assert_fits_phone
from tests.support.stack import Stack

pytestmark = pytest.mark.timeout(300)

ANSWER_TIMEOUT = 30_000


def widget_violations(page: Page) -> list[str]:
    """axe-core (WCAG 2.0/2.1 A and AA) on the widget only; returns a readable list of violations."""
    results = Axe().run(
        page,
        context={"include": [["#dvc-widget-root"]]},
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            "resultTypes": ["violations"],
        },
    )
    return [
        f"{v['id']}: {v['help']} -> {[node['target'] for node in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def db_rows(stack: Stack, model, *where):  # type: ignore[no-untyped-def]
    engine = create_engine(stack.database_url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(model).where(*where).order_by(model.id)))
    finally:
        engine.dispose()


def test_widget_on_the_demo_portal(stack: Stack, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(stack.api_url + "/demo")
        expect(page.get_by_text("TRANG DEMO")).to_be_visible()
        launcher = page.get_by_role("button", name="Mở trợ lý dịch vụ công")
        dialog = page.get_by_role("dialog", name="Trợ lý dịch vụ công")
        expect(dialog).to_be_hidden()

        # Keyboard: Enter on the launcher opens and focuses the input; Escape closes and focuses the launcher.
        launcher.focus()
        page.keyboard.press("Enter")
        expect(dialog).to_be_visible()
        box = page.get_by_label("Nhập câu hỏi")
        expect(box).to_be_focused()
        # (The open panel covers the corner, so the launcher is hidden meanwhile.)
        expect(page.locator(".dvc-launcher")).to_have_attribute("aria-expanded", "true")
        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        expect(launcher).to_be_focused()
        expect(launcher).to_have_attribute("aria-expanded", "false")
        page.keyboard.press("Enter")
        expect(box).to_be_focused()

        # Ask with the keyboard (Enter sends); typing indicator while waiting; a sourced answer.
        box.fill("Lệ phí làm hộ chiếu bao nhiêu?")
        page.keyboard.press("Enter")
        expect(page.locator(".dvc-msg--user").last).to_have_text("Bạn: Lệ phí làm hộ chiếu bao nhiêu?")
        first = page.locator(".dvc-msg--bot").first  # the greeting went away with the first message
        expect(first).to_contain_text("000 đồng", timeout=ANSWER_TIMEOUT)
        expect(page.get_by_role("status").filter(has_text="Trợ lý đang trả lời")).to_be_hidden()
        expect(box).to_have_value("")

        # Quick reply: sends the payload, shows the title, gets its own answer.
        chip = first.locator(".dvc-chip").first
        title = chip.inner_text().strip()
        assert title
        bots_before = page.locator(".dvc-msg--bot").count()
        chip.click()
        expect(page.locator(".dvc-msg--user").last).to_have_text(f"Bạn: {title}")
        expect(page.locator(".dvc-msg--bot")).to_have_count(bots_before + 1, timeout=ANSWER_TIMEOUT)
        expect(page.locator(".dvc-msg--bot").last.locator(".dvc-msg__text")).not_to_be_empty()

        # 👎 on the fee answer: stored, and the exchange lands in the unresolved queue.
        down = first.get_by_role("button", name="Câu trả lời chưa hữu ích")
        down.click()
        expect(first.get_by_role("status")).to_contain_text("chuyển cho cán bộ")
        expect(down).to_have_attribute("aria-pressed", "true")
        # An optional remark after 👎; personal data is redacted before it is stored.
        first.get_by_label("Góp ý thêm (không bắt buộc)").fill("Thiếu lệ phí làm gấp. Gọi tôi 0912345678")
        first.get_by_role("button", name="Gửi góp ý").click()
        expect(first.get_by_role("status")).to_have_text("Đã nhận góp ý. Cảm ơn bạn!")
        sender = page.evaluate("window.DvcWidget.senderId()")
        assert sender.startswith("widget-")
        hashed = pseudonymise(sender, stack.hash_key)
        exchanges = db_rows(stack, ChatExchange, ChatExchange.sender_hash == hashed)
        assert [e.channel for e in exchanges] == ["widget", "widget"]
        fee_exchange = exchanges[0]
        [entry] = db_rows(stack, UnresolvedQuestion, UnresolvedQuestion.sender_hash == hashed)
        assert (entry.reason, entry.channel, entry.text) == (
            "thumbs_down",
            "widget",
            "Lệ phí làm hộ chiếu bao nhiêu?",
        )
        assert entry.bot_reply and "000 đồng" in entry.bot_reply
        assert entry.bot_reply == fee_exchange.reply_text
        [vote] = db_rows(stack, AnswerFeedback, AnswerFeedback.exchange_id == fee_exchange.id)
        assert (vote.rating, vote.channel, vote.unresolved_id) == ("down", "widget", entry.id)
        assert vote.comment == "Thiếu lệ phí làm gấp. Gọi tôi [SĐT]"

        assert widget_violations(page) == []

        # Reload: same conversation, same votes, still open.
        page.reload()
        expect(dialog).to_be_visible()
        expect(page.locator(".dvc-msg--user").first).to_have_text("Bạn: Lệ phí làm hộ chiếu bao nhiêu?")
        expect(page.locator(".dvc-msg--bot").first).to_contain_text("000 đồng")
        expect(page.locator(".dvc-msg--bot")).to_have_count(bots_before + 1)
        expect(
            page.locator(".dvc-msg--bot").first.get_by_role("button", name="Câu trả lời chưa hữu ích")
        ).to_have_attribute("aria-pressed", "true")
        assert page.evaluate("window.DvcWidget.senderId()") == sender

        # Language toggle switches the UI and is kept.
        page.get_by_role("button", name="Switch to English").click()
        expect(page.get_by_role("dialog", name="Public service assistant")).to_be_visible()
        expect(page.get_by_label("Type your question")).to_be_visible()
        page.keyboard.press("Escape")
        expect(page.get_by_role("button", name="Open the public service assistant")).to_be_focused()
        assert errors == []
    finally:
        context.close()


def test_widget_accessibility_on_a_phone(stack: Stack, browser: Browser) -> None:
    """Roles, names and contrast (axe-core) with no conversation yet; full screen on a small screen."""
    context = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(stack.api_url + "/demo")
        launcher = page.get_by_role("button", name="Mở trợ lý dịch vụ công")
        expect(launcher).to_have_attribute("aria-haspopup", "dialog")
        assert widget_violations(page) == []
        launcher.click()
        dialog = page.get_by_role("dialog", name="Trợ lý dịch vụ công")
        expect(dialog).to_be_visible()
        assert dialog.bounding_box() == {"x": 0, "y": 0, "width": 375, "height": 667}
        log = dialog.get_by_role("log", name="Hội thoại với trợ lý")
        expect(log).to_have_attribute("aria-live", "polite")
        for name in ("Đóng trợ lý", "Bắt đầu cuộc trò chuyện mới", "Switch to English", "Gửi"):
            expect(dialog.get_by_role("button", name=name)).to_be_visible()
        expect(dialog.get_by_role("group", name="Gợi ý câu hỏi").get_by_role("button")).to_have_count(3)
        expect(dialog.get_by_role("textbox", name="Nhập câu hỏi")).to_be_focused()
        assert widget_violations(page) == []
    finally:
        context.close()


@pytest.fixture()
def portal_url(stack: Stack) -> Iterator[str]:
    """A province portal on an origin of its own (its own server, on localhost), with the one tag."""
    html = (
        "<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>Cổng tỉnh</title></head>"
        f"<body><h1>Cổng tỉnh</h1><script src='{stack.api_url}/widget.js' data-lang='en'></script>"
        "</body></html>"
    ).encode()

    class Portal(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Portal)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        # "localhost" and "127.0.0.1" are different origins: every API call is cross-origin.
        yield f"http://localhost:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_one_script_tag_on_another_origin(stack: Stack, browser: Browser, portal_url: str) -> None:
    """A portal on its own origin pastes the tag; the widget calls our API cross-origin (CORS)."""
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(portal_url)
        page.get_by_role("button", name="Open the public service assistant").click()
        box = page.get_by_label("Type your question")
        hostile = '<img src=x onerror="window.__xss=1">Xin chào'
        box.fill(hostile)
        page.get_by_role("button", name="Send").click()
        expect(page.locator(".dvc-msg--user").last).to_have_text("You: " + hostile)
        expect(page.locator(".dvc-msg--bot").last.locator(".dvc-feedback")).to_be_visible(
            timeout=ANSWER_TIMEOUT
        )
        assert page.locator("#dvc-widget-root img").count() == 0
        assert page.evaluate("window.__xss") is None
        page.locator(".dvc-msg--bot").last.get_by_role("button", name="Helpful answer", exact=True).click()
        expect(page.locator(".dvc-msg--bot").last.get_by_role("status")).to_have_text(
            "Thank you for your feedback!"
        )
    finally:
        context.close()


def test_widget_answer_fits_a_390px_phone(stack: Stack, browser: Browser) -> None:
    """The fee question of issue 13 on a phone: a short answer-first bubble, no sideways scroll."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(stack.api_url + "/demo")
        page.get_by_role("button", name="Mở trợ lý dịch vụ công").click()
        page.get_by_label("Nhập câu hỏi").fill("Ở Hà Giang làm hộ chiếu online có được giảm lệ phí không?")
        page.keyboard.press("Enter")
        bubble = page.locator(".dvc-msg--bot").filter(has_text="Nguồn:").last
        expect(bubble).to_contain_text("Tuyên Quang", timeout=ANSWER_TIMEOUT)
        expect(bubble).to_contain_text("nếu không")
        assert_fits_phone(page, bubble, page.locator(".dvc-log"), "widget-390.png")
    finally:
        context.close()
