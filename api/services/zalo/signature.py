"""Webhook signature of the Zalo OA.

X-ZEvent-Signature = "mac=" + sha256_hex(app_id + body + timestamp + OA secret key).

Computed on the raw request bytes (never on re-serialised JSON); `timestamp` is the body's own field.
"""

from __future__ import annotations

import hashlib
import hmac
import time

PREFIX = "mac="


class SignatureError(ValueError):
    """The event is not signed by Zalo with our OA secret key, or is too old."""


def compute_signature(app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> str:
    digest = hashlib.sha256(
        app_id.encode("utf-8") + raw_body + str(timestamp).encode("utf-8") + oa_secret_key.encode("utf-8")
    ).hexdigest()
    return PREFIX + digest


def timestamp_seconds(timestamp: str | int) -> float:
    """Zalo timestamps are milliseconds since the epoch (as a string); seconds are accepted too."""
    value = float(timestamp)
    return value / 1000.0 if value > 1e11 else value


def verify_signature(
    header: str | None,
    *,
    app_id: str,
    raw_body: bytes,
    timestamp: str | int | None,
    oa_secret_key: str,
    max_age_seconds: float,
    now: float | None = None,
) -> None:
    """Raise SignatureError unless `header` is the valid, fresh signature of `raw_body`."""
    if not header:
        raise SignatureError("missing X-ZEvent-Signature")
    if timestamp is None or str(timestamp).strip() == "":
        raise SignatureError("missing timestamp")
    expected = compute_signature(app_id, raw_body, str(timestamp), oa_secret_key)
    if not hmac.compare_digest(header.strip().lower().encode(), expected.encode()):
        raise SignatureError("bad signature")
    try:
        sent = timestamp_seconds(timestamp)
    except (TypeError, ValueError) as exc:
        raise SignatureError("bad timestamp") from exc
    current = time.time() if now is None else now
    if abs(current - sent) > max_age_seconds:
        raise SignatureError("stale event")
