"""Diacritic folding for Vietnamese text (stdlib only), shared by the NLU components."""

from __future__ import annotations

import unicodedata


def fold_char(char: str) -> str:
    """One character lower-cased without diacritics ("Ộ" -> "o", "đ" -> "d"); "" for a lone mark."""
    decomposed = unicodedata.normalize("NFD", char.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").replace("đ", "d")


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics, collapse spaces: "Hộ  chiếu" -> "ho chieu"."""
    return " ".join(unicodedata.normalize("NFC", "".join(fold_char(c) for c in text)).split())


def strip_diacritics(text: str) -> str:
    """Remove diacritics but keep case: how people type without a Vietnamese keyboard."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", stripped.replace("đ", "d").replace("Đ", "D"))
