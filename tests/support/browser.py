"""Playwright driving Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling out, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@contextmanager
def chromium() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM_PATH):
        raise RuntimeError(f"{CHROMIUM_PATH} is missing: run scripts/ensure-chromium.sh (make test does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "reports" / "screenshots"


def assert_fits_phone(page, bubble, scroller, name: str) -> None:  # type: ignore[no-untyped-def]
    """The answer bubble lies inside a 390-px viewport, nothing scrolls sideways (the page and the
    message list `scroller`, a Locator: it may sit in a shadow root); saves a PNG."""
    box = bubble.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, box
    page_widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    list_widths = scroller.evaluate("(el) => [el.scrollWidth, el.clientWidth]")
    assert page_widths[0] <= page_widths[1] and list_widths[0] <= list_widths[1], (page_widths, list_widths)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=False)
