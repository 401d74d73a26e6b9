"""Personal-data protection (Decree 13/2023/ND-CP): redaction and pseudonymous sender ids."""

from __future__ import annotations

import hashlib
import hmac
import re

import phonenumbers

EMAIL_TOKEN = "[EMAIL]"
PHONE_TOKEN = "[SĐT]"
ID_TOKEN = "[SỐ GIẤY TỜ]"
ACCOUNT_TOKEN = "[SỐ TÀI KHOẢN]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# CCCD (12 digits) and CMND (9 digits), also written in groups: "001 203 004 567".
_ID_NUMBER = re.compile(r"(?<!\d)(?:\d{12}|\d{9}|\d{3}[ .-]\d{3}[ .-]\d{3}(?:[ .-]\d{3})?)(?!\d)")
# Any other long run of digits (bank accounts, card numbers), spaces or dashes allowed inside.
_LONG_DIGITS = re.compile(r"(?<!\d)\d(?:[ .-]?\d){7,18}(?!\d)")


_URL = re.compile(r"https?://\S+", re.IGNORECASE)


def redact(text: str) -> str:
    """Replace emails, phone numbers, ID-card numbers and account numbers with placeholders.
    Web addresses are kept whole (digits in a link are not personal data)."""
    if not text:
        return text
    pieces = []
    position = 0
    for match in _URL.finditer(text):
        pieces.append(_redact_plain(text[position : match.start()]))
        pieces.append(match.group())
        position = match.end()
    pieces.append(_redact_plain(text[position:]))
    return "".join(pieces)


def _redact_plain(text: str) -> str:
    if not text:
        return text
    text = _EMAIL.sub(EMAIL_TOKEN, text)
    # Phone numbers first: a Vietnamese mobile number (10 digits) is not an ID number.
    spans = [
        (match.start, match.end)
        for match in phonenumbers.PhoneNumberMatcher(text, "VN", leniency=phonenumbers.Leniency.VALID)
    ]
    for start, end in reversed(spans):
        text = text[:start] + PHONE_TOKEN + text[end:]
    text = _ID_NUMBER.sub(ID_TOKEN, text)
    return _LONG_DIGITS.sub(ACCOUNT_TOKEN, text)


def pseudonymise(sender_id: str, key: str) -> str:
    """Keyed hash of a sender id: stable per install, not reversible without the key."""
    return hmac.new(key.encode(), sender_id.encode(), hashlib.sha256).hexdigest()[:32]
