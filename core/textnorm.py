"""Vietnamese text helpers: Unicode normalisation and diacritic folding (stdlib only)."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case and strip Vietnamese diacritics: "Hộ chiếu Đà Nẵng" -> "ho chieu da nang"."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    stripped = stripped.replace("đ", "d")
    return _SPACES.sub(" ", unicodedata.normalize("NFC", stripped)).strip()
