"""The log processors: user text redacted, structure (timestamps, event names) untouched."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
import structlog

from core.logging import AccessLogPathOnly, configure_logging


def test_log_line_keeps_its_iso_timestamp_and_redacts_user_text(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging()
    structlog.get_logger("t").warning(
        "rasa_unavailable_0912345678", error="gọi 0912345678, hẹn 12-05-2026", details=["cccd 001203004567"]
    )
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert dt.datetime.fromisoformat(line["timestamp"].replace("Z", "+00:00")).tzinfo is not None
    assert line["event"] == "rasa_unavailable_0912345678"  # event names are ours, not user text
    assert line["error"] == "gọi [SĐT], hẹn 12-05-2026"
    assert line["details"] == ["cccd [SỐ GIẤY TỜ]"]


def test_access_log_has_the_path_without_the_query() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/api/services?q=gọi+0912345678", "1.1", 200),
        None,
    )
    assert AccessLogPathOnly().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /api/services HTTP/1.1" 200'


def test_configure_logging_installs_the_access_filter_once() -> None:
    configure_logging()
    configure_logging()
    filters = logging.getLogger("uvicorn.access").filters
    assert sum(isinstance(f, AccessLogPathOnly) for f in filters) == 1
