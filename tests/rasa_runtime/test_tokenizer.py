"""VietnameseTokenizer: words, offsets, and odd input. Runs in the Rasa runtime."""

from __future__ import annotations

import unicodedata

import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.lexicon import fold
from bot.nlu.tokenizer import VietnameseTokenizer, align, segment


@pytest.fixture(scope="module")
def tokenizer() -> VietnameseTokenizer:
    return VietnameseTokenizer(VietnameseTokenizer.get_default_config())


def words(tokenizer: VietnameseTokenizer, text: str) -> list[str]:
    return [token.text for token in tokenizer.tokenize(Message({TEXT: text}), TEXT)]


def test_groups_multi_syllable_words(tokenizer: VietnameseTokenizer) -> None:
    assert words(tokenizer, "Lệ phí làm hộ chiếu bao nhiêu?") == ["Lệ phí", "làm", "hộ chiếu", "bao nhiêu"]
    assert "đăng nhập" in words(tokenizer, "Làm sao đăng nhập VNeID?")


@pytest.mark.parametrize(
    "text",
    [
        "Làm sao đăng nhập VNeID?",
        "ko dang nhap dc vneid",
        "hoà bình, hòa bình",  # underthesea rewrites tone placement; offsets must still point at the input
        unicodedata.normalize("NFD", "Hộ chiếu ở Đà Nẵng"),
        "Привет мир 你好 hộ chiếu",
        "email a.b@gmail.com, sđt 0912 345 678",
    ],
)
def test_offsets_point_at_the_original_text(tokenizer: VietnameseTokenizer, text: str) -> None:
    """Token text is the normalised word (NFC, canonical tone marks); its span is the input's."""
    tokens = tokenizer.tokenize(Message({TEXT: text}), TEXT)
    assert tokens
    for token in tokens:
        assert fold(text[token.start : token.end]) == fold(token.text)
    starts = [t.start for t in tokens]
    assert starts == sorted(starts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [""]),
        ("   ", ["   "]),
        ("😀😀😀", ["😀😀😀"]),
        ("?!...", ["?!..."]),
        ("12345 abc", ["12345", "abc"]),
        ("VNeID 2.0", ["VNeID", "2.0"]),
    ],
)
def test_odd_input_never_breaks(tokenizer: VietnameseTokenizer, text: str, expected: list[str]) -> None:
    assert words(tokenizer, text) == expected


def test_long_input_is_tokenized(tokenizer: VietnameseTokenizer) -> None:
    text = ("hộ chiếu " * 250)[:2000]
    tokens = tokenizer.tokenize(Message({TEXT: text}), TEXT)
    assert len(tokens) > 200
    assert all(text[t.start : t.end] == t.text for t in tokens)


def test_alignment_failure_falls_back_to_plain_words() -> None:
    assert align(["không", "khớp"], "hoàn toàn khác") is None
    assert [w for w, _, _ in segment("x" * 5000)] == ["x" * 5000]
