from __future__ import annotations

import unicodedata

from core.textnorm import fold


def test_fold_strips_vietnamese_diacritics_and_case() -> None:
    assert fold("Cấp Hộ chiếu phổ thông ở Đà Nẵng") == "cap ho chieu pho thong o da nang"


def test_fold_is_insensitive_to_unicode_form_and_spacing() -> None:
    decomposed = unicodedata.normalize("NFD", "  Lệ   phí ")
    assert fold(decomposed) == "le phi"


def test_fold_keeps_other_scripts_and_handles_empty() -> None:
    assert fold("") == ""
    assert fold("你好 😀") == "你好 😀"
