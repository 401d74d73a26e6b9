"""Everyday words -> official words (core/vocabulary.py, data/reference/vocabulary.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.procedure_search import Entry, Phrase, ProcedureIndex
from core.vocabulary import load_rules, official_words


def _means(text: str) -> list[str]:
    return official_words(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mẹ tôi mất sáng nay ở bệnh viện", "khai tử"),
        ("bo toi vua mat hom qua", "khai tử"),
        ("ông cụ nhà tôi qua đời", "khai tử"),
        ("my father died at home", "khai tử"),
        ("cưới vợ người Campuchia", "kết hôn"),
        ("sổ đỏ bị cháy", "giấy chứng nhận quyền sử dụng đất"),
        ("so do bi chay", "giấy chứng nhận quyền sử dụng đất"),
        ("rút BHXH một lần", "bảo hiểm xã hội một lần"),
        ("Can I drive in Vietnam with my Australian licence?", "giấy phép lái xe"),
        ("bạn trai người Ý", "có yếu tố nước ngoài người nước ngoài"),
    ],
)
def test_everyday_words_bring_the_official_words(text: str, expected: str) -> None:
    assert expected in _means(text)


@pytest.mark.parametrize(
    "text",
    [
        "bà nội mắt kém không ký được",  # mắt (eyes), not mất (died)
        "mẹ tôi mất giấy khai sinh",  # lost a paper, nobody died
        "ba noi mat kem",  # typed without marks: "mat kem" is not a death either
        "anh tôi mất việc",
    ],
)
def test_look_alike_words_are_not_a_death(text: str) -> None:
    assert "khai tử" not in _means(text)


def test_a_rule_reads_whole_words_in_their_place() -> None:
    assert "chứng thực chữ ký" in _means("ký tên vào giấy ủy quyền")
    assert "chứng thực chữ ký" not in _means("đăng ký tên miền .vn cho cửa hàng")


def test_age_bands_only_for_identity_cards() -> None:
    assert "dưới 06 tuổi" in _means("làm căn cước cho bé 3 tuổi")
    assert "từ đủ 14 tuổi trở lên" in _means("làm CCCD cho con 14t")
    assert not any("tuổi" in word for word in _means("đủ 62 tuổi, đóng BHXH 25 năm, làm hồ sơ nhận hưu"))


def test_a_question_with_no_everyday_word_is_left_alone() -> None:
    assert _means("Đăng ký khai sinh") == []
    assert _means("") == []


def test_a_rule_without_words_or_meaning_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "vocabulary.yaml"
    bad.write_text("- {means: khai tử}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="needs 'say' or 'when'"):
        load_rules(bad)


def test_situations_find_the_procedure_only_with_the_vocabulary() -> None:
    names = {"death_registration": "Đăng ký khai tử", "birth_registration": "Đăng ký khai sinh"}
    entries = [Entry(slug, name, None, None, (Phrase(slug, "name", name),)) for slug, name in names.items()]
    with_words = ProcedureIndex.build(entries)
    without = ProcedureIndex.build(entries, vocabulary=())
    question = "mẹ tôi vừa qua đời, báo tử ở đâu"
    assert without.decide(question).kind == "none"
    decision = with_words.decide(question)
    assert decision.kind == "answer" and decision.slugs == ["death_registration"]


def test_an_other_subject_rule_without_its_subject_is_refused(tmp_path: Path) -> None:
    from core.vocabulary import load_other_subjects

    bad = tmp_path / "other_subjects.yaml"
    bad.write_text("- {say: [ca nô], means: phương tiện}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'subject'"):
        load_other_subjects(bad)
