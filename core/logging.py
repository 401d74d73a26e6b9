"""structlog set-up: JSON lines, with personal data redacted from the fields that may carry user
text; uvicorn's access log without query strings."""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

import structlog

from core.privacy import redact

# Fields set by structlog or by our code that never carry what a user typed.
STRUCTURAL_FIELDS = frozenset({"timestamp", "event", "level", "logger"})


def redact_event(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> dict[str, Any]:
    return {
        key: value if key in STRUCTURAL_FIELDS else _redact_value(value) for key, value in event_dict.items()
    }


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, (list, tuple)):
        return [_redact_value(item) for item in value]
    if isinstance(value, dict):
        return {key: _redact_value(item) for key, item in value.items()}
    return value


class AccessLogPathOnly(logging.Filter):
    """uvicorn's access log line, `client - "METHOD path HTTP/x" status`, with the query string
    cut off (it carries what users search for) and the path redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            path = args[2].split("?", 1)[0]
            record.args = (args[0], args[1], redact(path), args[3], args[4])
        return True


def configure_logging(level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(message)s")
    access_log = logging.getLogger("uvicorn.access")
    if not any(isinstance(existing, AccessLogPathOnly) for existing in access_log.filters):
        access_log.addFilter(AccessLogPathOnly())
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            redact_event,  # before the time stamp: there is nothing to redact in it
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        cache_logger_on_first_use=True,
    )
