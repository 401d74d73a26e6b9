"""The chat page in a real headless Chromium against the real stack."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.support.stack import Stack


def test_chat_page_answers_and_quick_replies_work(stack: Stack, browser: Browser) -> None:
    page = browser.new_page()
    try:
        page.goto(stack.api_url + "/")
        page.get_by_label("Nhập câu hỏi").fill("Lệ phí làm hộ chiếu bao nhiêu?")
        page.get_by_role("button", name="Gửi").click()
        bot = page.locator(".msg--bot").last
        expect(bot).to_contain_text("000 đồng", timeout=30_000)
        expect(bot).to_contain_text("Nguồn:")
        page.locator(".msg--bot").last.get_by_role("button", name="Hồ sơ cần có").click()
        expect(page.locator(".msg--bot").last).to_contain_text("loại giấy tờ", timeout=30_000)
        # Text is never rendered as HTML.
        page.get_by_label("Nhập câu hỏi").fill("<img src=x onerror=alert(1)>")
        page.get_by_role("button", name="Gửi").click()
        expect(page.locator(".msg--user").last).to_have_text("<img src=x onerror=alert(1)>")
        assert page.locator(".chat__log img").count() == 0
    finally:
        page.close()
