"""The procedure index and its decision: answer one clear winner, clarify among real candidates,
none for what the catalogue does not hold — never a different procedure with confidence."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db import session_scope
from core.models import Service
from core.procedure_search import Entry, Phrase, ProcedureIndex, catalogue_index, find_procedure, tokens


def entry(
    slug: str, name: str, *aliases: str, group: str | None = None, situations: tuple[str, ...] = ()
) -> Entry:
    phrases = [Phrase(slug, "name", name), *(Phrase(slug, "alias", a) for a in aliases)]
    phrases += [Phrase(slug, "situation", s) for s in situations]
    return Entry(slug, name, group, None, tuple(phrases))


INDEX = ProcedureIndex.build(
    [
        entry("birth", "Đăng ký khai sinh", group="birth"),
        entry("birth_again", "Đăng ký lại khai sinh", "làm lại giấy khai sinh", group="birth"),
        entry("birth_foreign", "Đăng ký khai sinh có yếu tố nước ngoài", group="birth"),
        entry("sign_cert", "Chứng thực chữ ký trong giấy tờ, văn bản", group="cert"),
        entry("copy_cert", "Chứng thực bản sao từ bản chính", "sao y bản chính", group="cert"),
        entry("death", "Đăng ký khai tử", "báo tử", situations=("người thân vừa mất, báo tử ở đâu",)),
        entry("passport", "Cấp hộ chiếu phổ thông", "hộ chiếu", "passport"),
        entry("construction", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "xin phép xây nhà"),
        entry("will", "Chứng thực di chúc", "lập di chúc"),
    ]
)


def test_tokens_are_folded_syllables_and_bigrams_without_question_words() -> None:
    assert tokens("Lệ phí làm HỘ CHIẾU bao nhiêu?") == ["ho", "chieu", "ho_chieu"]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("đăng ký khai sinh", "birth"),
        ("dang ky khai sinh co yeu to nuoc ngoai", "birth_foreign"),
        ("làm lại giấy khai sinh", "birth_again"),
        ("chứng thực chữ ký", "sign_cert"),
        ("lệ phí làm hộ chiếu bao nhiêu", "passport"),
        ("how much is a passport", "passport"),
        ("ba tôi mất hôm qua, báo tử ở đâu", "death"),
    ],
)
def test_a_clear_winner_is_answered(text: str, slug: str) -> None:
    decision = INDEX.decide(text)
    assert (decision.kind, decision.slugs) == ("answer", [slug])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("chứng thực", {"sign_cert", "copy_cert"}),
        ("khai sinh", {"birth", "birth_again", "birth_foreign"}),
    ],
)
def test_close_siblings_get_a_choice(text: str, expected: set[str]) -> None:
    decision = INDEX.decide(text)
    assert decision.kind == "clarify"
    assert expected <= set(decision.slugs) and len(decision.slugs) <= 4


@pytest.mark.parametrize("text", ["cấp phép bay flycam", "thời tiết hôm nay", "", "?!", "x" * 3000])
def test_nothing_relevant_is_none(text: str) -> None:
    assert INDEX.decide(text).kind == "none"


def test_the_index_is_kept_warm_and_rebuilt_when_the_catalogue_changes(catalogue_db: str) -> None:
    with session_scope() as session:
        first = catalogue_index(session)
        assert catalogue_index(session) is first
        assert find_procedure(session, "nuôi chim yến").kind == "none"
        template = session.scalar(select(Service).where(Service.slug == "passport"))
        assert template is not None
        session.add(
            Service(
                slug="tthc_9_900001",
                procedure_code="9.900001",
                name={"vi": "Cấp giấy phép nuôi chim yến trong khu dân cư"},
                source_url=template.source_url,
                last_checked=template.last_checked,
            )
        )
        session.flush()
        rebuilt = catalogue_index(session)
        assert rebuilt is not first
        decision = find_procedure(session, "xin phép nuôi chim yến")
    assert (decision.kind, decision.slugs) == ("answer", ["tthc_9_900001"])


def test_an_update_in_place_is_seen_after_the_refresh_interval(
    catalogue_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import core.procedure_search as search

    with session_scope() as session:
        first = catalogue_index(session)
        row = session.scalar(select(Service).where(Service.slug == "passport"))
        assert row is not None
        row.aliases = [*row.aliases, "sổ thông hành"]
        session.flush()
        assert catalogue_index(session) is first  # same count and ids, inside the interval
        monkeypatch.setattr(search, "REFRESH_SECONDS", 0.0)
        assert find_procedure(session, "làm sổ thông hành").slugs == ["passport"]
        unchanged = catalogue_index(session)
        assert catalogue_index(session) is unchanged  # digest equal: no rebuild


def test_tone_marks_written_on_both_sides_must_agree() -> None:
    # Folded, "tổ chức" and "di chúc" share "chuc"; written with their marks they differ.
    assert INDEX.decide("chức").kind == "none"
    assert INDEX.decide("lap di chuc").slugs == ["will"]  # unaccented still matches


OTHER_SUBJECT_INDEX = ProcedureIndex.build(
    [
        entry("driving", "Cấp giấy phép lái xe", "bằng lái xe", "thi bằng lái"),
        entry("fishing_boat", "Đăng ký tàu cá", "đăng ký tàu thuyền đánh cá"),
        entry("sickness", "Giải quyết hưởng chế độ ốm đau", "bảo hiểm xã hội nằm viện", "bảo hiểm nằm viện"),
    ]
)


@pytest.mark.parametrize("text", ["học bằng lái ca nô chạy trên sông", "bảo hiểm nhân thọ nằm viện"])
def test_words_of_another_subject_leave_the_lookalike_procedure_out(text: str) -> None:
    assert OTHER_SUBJECT_INDEX.decide(text).kind == "none"
    without_rules = ProcedureIndex.build(OTHER_SUBJECT_INDEX.entries.values(), other_subjects=())
    assert without_rules.decide(text).kind != "none"  # the lookalike it would have offered


def test_a_procedure_that_has_the_other_subject_words_still_answers() -> None:
    decision = OTHER_SUBJECT_INDEX.decide("đăng ký tàu cá cho ngư dân")
    assert decision.kind == "answer" and decision.slugs == ["fishing_boat"]
