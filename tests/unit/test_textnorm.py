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


def test_the_rasa_runtime_folds_text_the_same_way() -> None:
    """bot.nlu.text (Rasa runtime, may not import core) and core.textnorm (app runtime) keep
    separate copies of fold(): the staff inbox and the NLU must compare texts alike."""
    from bot.nlu.text import fold as nlu_fold
    from core.review import EVALUATION_DIRS, NLU_DIR, _examples_in, yaml_files

    texts = [text for path in yaml_files([NLU_DIR, *EVALUATION_DIRS]) for _intent, text in _examples_in(path)]
    assert len(texts) > 8000
    texts += [
        unicodedata.normalize("NFD", "Đăng KÝ   tạm trú"),
        "ĐĐđđ",
        "\u0301 lone mark",
        "tab\tand\nnewline",
        "Ǆ ǅ ß İ",
        "😀 你好",
        "",
    ]
    assert [nlu_fold(t) for t in texts] == [fold(t) for t in texts]
