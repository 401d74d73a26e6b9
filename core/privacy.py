"""Personal-data protection (Decree 13/2023/ND-CP): redaction and pseudonymous sender ids.

Redaction works by kind and validates what it finds, so that the numbers citizens ask about
(dates, fees, procedure and application codes, hotlines) reach Rasa and staff intact:

- emails, also obfuscated ("name [at] gmail [dot] com", "a còng ... chấm com");
- CCCD (12 digits: province code 001-096, century/sex digit 0-3) and CMND (9 digits);
- Vietnamese phone numbers (the `phonenumbers` library); 1800/1900 hotlines are kept;
- Luhn-valid card numbers; bank accounts only after "số tài khoản", "STK", "tài khoản ngân hàng"...;
- any number of 6+ digits named by the words before it ("CCCD:", "sđt", "thẻ ATM", "STK");
- inside web addresses: the query string, the fragment, the user info and whole path segments.

Format characters (Unicode category Cf, e.g. zero-width spaces) next to ASCII characters are
removed first, so "001203\u200b004567" is seen as one number.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable
from urllib.parse import unquote, unquote_plus

import phonenumbers

EMAIL_TOKEN = "[EMAIL]"
PHONE_TOKEN = "[SĐT]"
ID_TOKEN = "[SỐ GIẤY TỜ]"
ACCOUNT_TOKEN = "[SỐ TÀI KHOẢN]"
CARD_TOKEN = "[SỐ THẺ]"
TOKENS = (EMAIL_TOKEN, PHONE_TOKEN, ID_TOKEN, ACCOUNT_TOKEN, CARD_TOKEN)

# Stands in for text already claimed (kept or replaced): no detector matches it or joins across it.
_FILLER = "\u00a4"
_SEP = r"[ .\-\u00a0\u2009\u202f]"
_SPACE_SEP = r"[ \-\u00a0\u2009\u202f]"
_I = re.IGNORECASE

# Cheap pre-check: text without any of these cannot hold personal data we redact.
_MAY_HOLD_DATA = re.compile(r"\d|@|://|\bat\b|c[oò]ng\b", _I)

# --- web addresses ---------------------------------------------------------------------------
_URL = re.compile(r"https?://\S+", _I)
_URL_PARTS = re.compile(
    r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<netloc>[^/?#]*)(?P<path>[^?#]*)"
    r"(?:\?(?P<query>[^#]*))?(?:#(?P<fragment>.*))?",
    _I | re.DOTALL,
)

# --- emails ----------------------------------------------------------------------------------
_LOCAL = r"[\w.+-]+"
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_OPEN, _CLOSE = r"[\[({<]", r"[\])}>]"
_AT = rf"(?:\s?@\s?|\s*{_OPEN}\s*(?:at|@|a\s?c[oò]ng)\s*{_CLOSE}\s*|\s+a\s?c[oò]ng\s+)"
_DOT = rf"(?:\.|\s*{_OPEN}\s*(?:dot|ch[aấ]m|\.)\s*{_CLOSE}\s*|\s+(?:dot|ch[aấ]m)\s+)"
_EMAIL = re.compile(rf"(?<![\w.+-]){_LOCAL}{_AT}{_LABEL}(?:{_DOT}{_LABEL})+(?![\w-])", _I)
# Plain words ("name at gmail dot com") only when it ends in a common top-level domain.
_TLD = r"(?:com|net|org|edu|gov|info|biz|io|me|co|vn)"
_EMAIL_WORDS = re.compile(
    rf"(?<![\w.+-]){_LOCAL}\s+at\s+{_LABEL}(?:\s+dot\s+{_LABEL})*\s+dot\s+{_TLD}(?![\w-])", _I
)

# --- never personal data: kept as they are ----------------------------------------------------
_KEPT = [
    # tokens of an earlier redaction
    re.compile("|".join(re.escape(token) for token in TOKENS)),
    # ISO dates and timestamps: 2026-12-03, 2026-12-03T20:59:12.123Z
    re.compile(
        r"(?<![\d.,/-])(?:19|20)\d{2}([/.-])\d{1,2}\1\d{1,2}"
        r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?!\d)",
        _I,
    ),
    # dates: 12-05-2026, 12.05.2026, 12/5/26, 05/2026
    re.compile(r"(?<![\d.,/-])\d{1,2}([/.-])\d{1,2}\1(?:\d{4}|\d{2})(?![\d/.-]\d)"),
    re.compile(r"(?<![\d.,/-])\d{1,2}[/.-](?:19|20)\d{2}(?![\d/.-]\d)"),
    # times: 20:59, 20:59:12.5, 8h30
    re.compile(r"(?<!\d)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?!\d)"),
    re.compile(r"(?<!\d)\d{1,2}h\d{2}(?!\d)", _I),
    # year ranges: 2020-2025
    re.compile(r"(?<!\d)(?:19|20)\d{2}\s?[-–—]\s?(?:19|20)\d{2}(?!\d)"),
    # portal application codes: 000.00.12.H26-250101-0001, G22.99-240101-0001
    re.compile(r"(?<![\w.-])[a-z0-9]+(?:\.[a-z0-9]+)*-\d{6}-\d{4,6}(?![\w-])", _I),
    # national procedure codes: 1.001193, 2.000986.000.00.00.H26
    re.compile(r"(?<![\d.])\d\.\d{6}(?:\.\d{3}\.\d{2}\.\d{2}\.h\d{2})?(?![\d])", _I),
]
_CURRENCY = (
    r"(?:đồng|dong|vnđ|vnd|đ|₫|usd|\$|€|eur|triệu|trieu|tr|nghìn|nghin|ngàn|ngan|k|tỷ|tỉ|ty)(?![^\W\d_])"
)
_AMOUNTS = [
    # not from 0 (phones and CCCDs are) nor over 10 plain digits
    # (nor the last group of a grouped number: "4111 1111 1111 1111 đ")
    re.compile(
        rf"(?<![\d.,+])(?<!\d[ \-])(?:[1-9]\d{{0,2}}(?:{_SEP}\d{{3}})+|[1-9]\d{{0,9}}|0)"
        rf"(?:[.,]\d+)?\s?{_CURRENCY}",
        _I,
    ),
    re.compile(r"(?:vnđ|vnd|usd|\$|€)\s?\d+(?:[.,]\d+)*", _I),
]
# 12.000.000 or 1,500,000: thousands separators, one kind throughout.
_THOUSANDS = re.compile(r"(?<![\d.,+])\d{1,3}([.,])\d{3}(?:\1\d{3})*(?![\d]|[.,]\d)")

# --- numbers named by the words before them ---------------------------------------------------
_ID_WORDS = (
    r"cccd|căn cước(?: công dân)?|can cuoc(?: cong dan)?|cmnd|cmt|chứng minh(?: nhân dân| thư)?|"
    r"chung minh(?: nhan dan| thu)?|(?:số|mã|so|ma) định danh(?: cá nhân)?|(?:so|ma) dinh danh(?: ca nhan)?|"
    r"citizen id|national id|id card|identity card"
)
_PHONE_WORDS = (
    r"sđt|sdt|số điện thoại|so dien thoai|điện thoại|dien thoai|phone(?: number)?|mobile|số zalo|so zalo"
)
_ACCOUNT_WORDS = (
    r"số tài khoản|so tai khoan|stk|số tk|so tk|tài khoản(?: ngân hàng)?|tai khoan(?: ngan hang)?|"
    r"tk ngân hàng|tk ngan hang|tk|bank account|account(?: number| no\.?)?|acct|chuyển khoản|chuyen khoan"
)
_CARD_WORDS = (
    r"thẻ(?: atm| ngân hàng| tín dụng| ghi nợ| visa| napas)?|the atm|the tin dung|atm|visa|mastercard|"
    r"master card|napas|jcb|(?:credit |debit )?card(?: number)?"
)
_BANKS = (
    r"\w*bank|bidv|mb|acb|vib|shb|scb|ocb|msb|seabank|lpbank|hdbank|vcb|ctg|agribank|momo|"
    r"ngân hàng|ngan hang"
)
_GAP_WORDS = (
    rf"là|la|của|cua|tôi|toi|em|mình|minh|anh|chị|chi|con|cũ|cu|mới|moi|my|is|number|no|số|so|{_BANKS}"
)
_GAP = rf"(?:[\s:=#.,\-]*\b(?:{_GAP_WORDS})\b){{0,4}}[\s:=#\-]*"
_DIGIT_RUN = rf"\d(?:{_SEP}?\d){{5,22}}(?![\d])"
_CONTEXT = re.compile(
    rf"\b(?:(?P<id>{_ID_WORDS})|(?P<phone>{_PHONE_WORDS})|(?P<account>{_ACCOUNT_WORDS})"
    rf"|(?P<card>{_CARD_WORDS})){_GAP}"
    rf"(?P<number>{_DIGIT_RUN})",
    _I,
)
_CURRENCY_AFTER = re.compile(rf"\s?{_CURRENCY}", _I)

# --- numbers recognised by their shape ---------------------------------------------------------
_CCCD = re.compile(
    rf"(?<![\d.,])(?:\d{{12}}|\d{{3}}(?P<a>{_SEP})\d{{3}}(?P=a)\d{{3}}(?P=a)\d{{3}}"
    rf"|\d{{4}}(?P<b>{_SEP})\d{{4}}(?P=b)\d{{4}}|\d{{6}}{_SEP}\d{{6}})(?![\d]|[.,]\d)"
)
_CARD = re.compile(
    rf"(?<![\d.,])(?:\d{{13,19}}|\d{{4}}(?P<s>{_SEP})\d{{4}}(?:(?P=s)\d{{4}}){{1,2}}(?:(?P=s)\d{{1,3}})?"
    rf"|\d{{4}}(?P<t>{_SPACE_SEP})\d{{6}}(?P=t)\d{{4,5}})(?![\d]|[.,]\d)"
)
_CMND = re.compile(rf"(?<![\d.,])(?:\d{{9}}|\d{{3}}(?P<s>{_SPACE_SEP})\d{{3}}(?P=s)\d{{3}})(?![\d]|[.,]\d)")
_KEPT_PHONE_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.TOLL_FREE,  # 1800 ...
        phonenumbers.PhoneNumberType.PREMIUM_RATE,  # 1900 ...
        phonenumbers.PhoneNumberType.SHARED_COST,
        phonenumbers.PhoneNumberType.UAN,
    }
)
# Vietnamese numbers the library's matcher can miss next to other digit groups
# ("0912345678 1900 0368"): mobiles (9 digits after 0/84) and landlines (10 digits, from 2).
_VN_PHONE = re.compile(
    rf"(?<![\d+])(?:\+84|84|0){_SEP}?(?:\(0\){_SEP}?)?(?:[35789](?:{_SEP}?\d){{8}}|2(?:{_SEP}?\d){{9}})(?!\d)"
)
_HOTLINE = re.compile(r"^1[89]00\d{4,6}$")

# Query-string keys whose value is personal data whatever it looks like.
_QUERY_KEYS = {
    "cccd": ID_TOKEN,
    "cmnd": ID_TOKEN,
    "cmt": ID_TOKEN,
    "so_dinh_danh": ID_TOKEN,
    "sdt": PHONE_TOKEN,
    "phone": PHONE_TOKEN,
    "tel": PHONE_TOKEN,
    "mobile": PHONE_TOKEN,
    "email": EMAIL_TOKEN,
    "mail": EMAIL_TOKEN,
    "stk": ACCOUNT_TOKEN,
    "account": ACCOUNT_TOKEN,
    "so_tai_khoan": ACCOUNT_TOKEN,
}


def redact(text: str) -> str:
    """Replace emails, phone numbers, ID-card numbers, card and account numbers with placeholders;
    dates, amounts, codes, hotlines and the rest of the text are kept."""
    # A placeholder is a boundary the original text did not have ("com001203004567" becomes
    # "com[SỐ GIẤY TỜ]"): repeat until nothing changes, so that redaction is idempotent.
    for _ in range(5):
        if not text or not _MAY_HOLD_DATA.search(text):
            return text
        redacted = _redact_once(text)
        if redacted == text:
            return text
        text = redacted
    return text


def _redact_once(text: str) -> str:
    work = _Work(strip_format_characters(text))
    for match in _URL.finditer(work.text):
        work.claim(match.start(), match.end(), _redact_url(match.group()))
    _redact_plain(work)
    return work.result()


def strip_format_characters(text: str) -> str:
    """Drop invisible format characters (Cf) next to ASCII characters, where they only serve to
    hide a number or an address; between emoji (ZWJ sequences) or other scripts they stay."""
    out: list[str] = []
    index = 0
    while index < len(text):
        if unicodedata.category(text[index]) != "Cf":
            out.append(text[index])
            index += 1
            continue
        end = index
        while end < len(text) and unicodedata.category(text[end]) == "Cf":
            end += 1
        before = text[index - 1] if index else ""
        after = text[end] if end < len(text) else ""
        if not (_visible_ascii(before) or _visible_ascii(after)):
            out.append(text[index:end])
        index = end
    return "".join(out)


def _visible_ascii(char: str) -> bool:
    return bool(char) and char.isascii() and not char.isspace()


class _Work:
    """The text being redacted: spans already decided are blanked out for later detectors."""

    def __init__(self, text: str) -> None:
        self.original = text
        self.text = text
        self.replacements: list[tuple[int, int, str]] = []

    def claim(self, start: int, end: int, replacement: str | None = None) -> None:
        """Take text[start:end] out of further detection; replace it if `replacement` differs."""
        if replacement is not None and replacement != self.original[start:end]:
            self.replacements.append((start, end, replacement))
        self.text = self.text[:start] + _FILLER * (end - start) + self.text[end:]

    def result(self) -> str:
        pieces: list[str] = []
        position = 0
        for start, end, replacement in sorted(self.replacements):
            pieces.append(self.original[position:start])
            pieces.append(replacement)
            position = end
        pieces.append(self.original[position:])
        return "".join(pieces)


def _redact_plain(work: _Work) -> None:
    for pattern in (_EMAIL, _EMAIL_WORDS):
        for match in pattern.finditer(work.text):
            work.claim(match.start(), match.end(), EMAIL_TOKEN)
    for pattern in _KEPT:
        for match in pattern.finditer(work.text):
            work.claim(match.start(), match.end())
    for match in _CONTEXT.finditer(work.text):
        digits = _digits(match.group("number"))
        after = work.text[match.end() :]
        kind = _kind(match)
        if _HOTLINE.match(digits) or _CURRENCY_AFTER.match(after) or (kind == "card" and len(digits) < 13):
            continue
        work.claim(match.start("number"), match.end("number"), _CONTEXT_TOKENS[kind])
    for pattern in _AMOUNTS:
        for match in pattern.finditer(work.text):
            work.claim(match.start(), match.end())
    for match in _THOUSANDS.finditer(work.text):
        if not is_cccd(_digits(match.group())):
            work.claim(match.start(), match.end())
    _claim_valid(work, _CCCD, ID_TOKEN, lambda text: is_cccd(_digits(text)))
    _claim_valid(work, _CARD, CARD_TOKEN, lambda text: luhn_valid(_digits(text)))
    for start, end in _phone_spans(work.text):
        work.claim(start, end, PHONE_TOKEN)
    _claim_valid(work, _VN_PHONE, PHONE_TOKEN, _valid_phone)
    _claim_valid(work, _CMND, ID_TOKEN)


_CONTEXT_TOKENS = {"id": ID_TOKEN, "phone": PHONE_TOKEN, "account": ACCOUNT_TOKEN, "card": CARD_TOKEN}


def _kind(match: re.Match[str]) -> str:
    return next(kind for kind in _CONTEXT_TOKENS if match.group(kind))


def _claim_valid(
    work: _Work, pattern: re.Pattern[str], token: str, valid: Callable[[str], bool] = lambda _text: True
) -> None:
    """Claim the matches `valid` accepts; after one it refuses, look again from its second
    character ("2025 4111 1111 1111 1111": the card starts at the second group)."""
    position = 0
    while match := pattern.search(work.text, position):
        if valid(match.group()):
            work.claim(match.start(), match.end(), token)
            position = match.end()
        else:
            position = match.start() + 1


def _phone_spans(text: str) -> list[tuple[int, int]]:
    return [
        (match.start, match.end)
        for match in phonenumbers.PhoneNumberMatcher(text, "VN", leniency=phonenumbers.Leniency.VALID)
        if phonenumbers.number_type(match.number) not in _KEPT_PHONE_TYPES
    ]


def _valid_phone(text: str) -> bool:
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) not in _KEPT_PHONE_TYPES


def _digits(text: str) -> str:
    return "".join(str(unicodedata.digit(char)) for char in text if char.isdecimal())


def is_cccd(digits: str) -> bool:
    """A citizen identity card number: 12 digits, province code 001-096, then the century/sex
    digit (0/1: born 1900-1999, 2/3: 2000-2099)."""
    return len(digits) == 12 and 1 <= int(digits[:3]) <= 96 and digits[3] in "0123"


def luhn_valid(digits: str) -> bool:
    """Payment card check digit (ISO/IEC 7812), for 13 to 19 digits."""
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _redact_url(url: str) -> str:
    """Personal data in a web address: the user info ("name@host") and the query and fragment
    values. The host and the path are kept (digits in a path are page ids), except emails and
    segments that are a whole phone or CCCD number (https://zalo.me/0912345678)."""
    parts = _URL_PARTS.match(url)
    if parts is None:
        return url
    netloc = EMAIL_TOKEN if "@" in parts["netloc"] else parts["netloc"]
    path = "/".join(_redact_path_segment(segment) for segment in parts["path"].split("/"))
    rebuilt = parts["scheme"] + netloc + path
    if parts["query"] is not None:
        rebuilt += "?" + _redact_query(parts["query"])
    if parts["fragment"] is not None:
        rebuilt += "#" + _redact_query(parts["fragment"])
    return rebuilt


def _redact_path_segment(segment: str) -> str:
    decoded = unquote(segment)  # in a path "+" is a plus sign (+84...), not a space
    if "@" in decoded:
        return _EMAIL.sub(EMAIL_TOKEN, decoded)
    if is_cccd(decoded) and decoded.isdigit():
        return ID_TOKEN
    if decoded and _phone_spans(decoded) == [(0, len(decoded))]:
        return PHONE_TOKEN
    return segment


def _redact_query(query: str) -> str:
    fields = []
    for field in query.split("&"):
        key, equals, value = field.partition("=")
        if not equals:
            key, value = "", key
        decoded = unquote_plus(value)
        token = _QUERY_KEYS.get(unquote_plus(key).strip().lower())
        if token and _MAY_HOLD_DATA.search(decoded):
            value = token
        else:
            work = _Work(decoded)
            _redact_plain(work)
            if work.replacements:
                value = work.result()
        fields.append(f"{key}{equals}{value}" if equals else value)
    return "&".join(fields)


def pseudonymise(sender_id: str, key: str) -> str:
    """Keyed hash of a sender id: stable per install, not reversible without the key."""
    return hmac.new(key.encode(), sender_id.encode(), hashlib.sha256).hexdigest()[:32]


_PSEUDONYM = re.compile(r"^[0-9a-f]{32}$")


def is_pseudonym(sender_id: str) -> bool:
    """Whether an id has the shape of `pseudonymise`'s output (what the API gives Rasa)."""
    return bool(_PSEUDONYM.match(sender_id))
