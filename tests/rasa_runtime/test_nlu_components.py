"""Normaliser, folding, language detection and the gazetteer: behaviour and odd input."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import lexicon
from bot.nlu.gazetteer import PhraseIndex, fold_keep_offsets
from bot.nlu.language import detect
from bot.nlu.tokenizer import Normaliser, VietnameseTokenizer, segment, without_diacritics

ODD = [
    "",
    "   ",
    "😀" * 30,
    "Привет мир 你好 hộ chiếu",
    "<script>alert(1)</script>",
    "x" * 2000,
    "0912 345 678",
]


@pytest.fixture(scope="module")
def normaliser() -> Normaliser:
    return Normaliser(VietnameseTokenizer.read_table("data/lexicon/abbreviations.yml"))


@pytest.fixture(scope="module")
def gazetteer() -> PhraseIndex:
    return PhraseIndex(
        [lexicon.read_yaml("data/lexicon/services.yml"), lexicon.read_yaml("data/lexicon/provinces.yml")]
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ko dang nhap dc vneid", ["không", "dang", "nhap", "được", "VNeID"]),
        ("phi bn tien", ["phi", "bao nhiêu", "tien"]),
        ("lam ntn z", ["lam", "như thế nào", "vậy"]),
        ("vn eid bị khóa r", ["VNeID", "bị", "khóa", "rồi"]),
    ],
)
def test_abbreviations_are_expanded(normaliser: Normaliser, text: str, expected: list[str]) -> None:
    assert [word for word, _, _ in segment(text, normaliser)] == expected


def test_expanded_tokens_keep_the_original_span(normaliser: Normaliser) -> None:
    text = "ko dang nhap dc"
    spans = segment(text, normaliser)
    assert [(text[s:e]) for _, s, e in spans] == ["ko", "dang", "nhap", "dc"]


def test_tokens_carry_a_folded_lemma() -> None:
    tokenizer = VietnameseTokenizer({**VietnameseTokenizer.get_default_config()})
    tokens = tokenizer.tokenize(Message({TEXT: "Đăng nhập VNeID"}), TEXT)
    assert [(t.text, t.lemma) for t in tokens] == [("Đăng nhập", "dang nhap"), ("VNeID", "vneid")]


@pytest.mark.parametrize("text", ODD)
def test_odd_input_is_safe(normaliser: Normaliser, gazetteer: PhraseIndex, text: str) -> None:
    for word, start, end in segment(text, normaliser):
        assert 0 <= start < end <= len(text) and word
    assert detect(text) in {"vi", "en", None}
    for entity in gazetteer.find(text):
        assert entity["entity"] in {"service", "province"}


def test_augmentation_adds_diacritic_free_copies() -> None:
    data = TrainingData(
        [
            Message({TEXT: "Đăng nhập VNeID", "intent": "vneid_login"}),
            Message({TEXT: "hello", "intent": "greet"}),
        ]
    )
    copies = without_diacritics(data)
    assert [(m.get(TEXT), m.get("intent")) for m in copies] == [("Dang nhap VNeID", "vneid_login")]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Làm sao đăng nhập VNeID?", "vi"),
        ("lam sao dang nhap vneid", "vi"),
        ("không được", "vi"),
        ("How do I get a passport?", "en"),
        ("What documents do I need for temporary residence?", "en"),
        ("How to register temporary residence (tạm trú)?", "en"),
        ("tôi muốn làm passport", "vi"),
        ("ok", None),
        ("VNeID OTP", None),
        ("😀😀", None),
    ],
)
def test_language_detection(text: str, language: str | None) -> None:
    assert detect(text) == language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lệ phí làm hộ chiếu ở Hà Giang bao nhiêu?", [("service", "passport"), ("province", "Hà Giang")]),
        ("le phi lam ho chieu o ha giang", [("service", "passport"), ("province", "Hà Giang")]),
        ("đăng ký tạm trú tại TP.HCM", [("service", "temporary_residence"), ("province", "Hồ Chí Minh")]),
        ("HỘ CHIẾU ĐÀ NẴNG", [("service", "passport"), ("province", "Đà Nẵng")]),
        ("thời tiết hôm nay", []),
    ],
)
def test_gazetteer_with_and_without_diacritics(gazetteer: PhraseIndex, text: str, expected: list) -> None:
    assert [(e["entity"], e["value"]) for e in gazetteer.find(text)] == expected


def test_gazetteer_knows_all_old_and_new_province_names(gazetteer: PhraseIndex) -> None:
    import yaml

    reference = yaml.safe_load(Path("data/reference/provinces.yaml").read_text(encoding="utf-8"))
    for unit in reference["units"]:
        for name in [unit["name"], *unit["formed_from"]]:
            found = [e["value"] for e in gazetteer.find(f"tôi ở {name}") if e["entity"] == "province"]
            assert found == [name], name


def test_fold_keeps_offsets() -> None:
    text = "Hộ chiếu Đà Nẵng"
    assert len(fold_keep_offsets(text)) == len(text)
    assert fold_keep_offsets(text) == "ho chieu da nang"
