"""Service search over the shipped catalogue: diacritic-insensitive and fuzzy."""

from __future__ import annotations

import pytest

from core.catalogue import search_services
from core.db import session_scope
from core.procedure_search import find_procedure


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Cấp hộ chiếu phổ thông", "passport"),
        ("ho chieu", "passport"),
        ("lệ phí làm hộ chiếu bao nhiêu?", "passport"),
        ("LAM HO CHIEU MAT BAO LAU", "passport"),
        ("xin phiếu lý lịch tư pháp online", "criminal_record_certificate"),
        ("ly lich tu phap", "criminal_record_certificate"),
        ("đăng ký khai sinh", "birth_registration"),
        ("dang ky tam tru", "temporary_residence"),
        ("lệ phí đăng ký kết hôn", "marriage_registration"),
        ("thông báo lưu trú", "residence_notification"),
    ],
)
def test_finds_the_service(catalogue_db: str, text: str, slug: str) -> None:
    with session_scope() as session:
        matches = search_services(session, text)
    assert matches, f"nothing found for {text!r}"
    assert matches[0].service.slug == slug


def test_a_bare_abbreviation_asks_among_its_siblings(catalogue_db: str) -> None:
    with session_scope() as session:
        decision = find_procedure(session, "gplx")
    assert decision.kind == "clarify"
    siblings = {"driving_licence_new", "driving_licence_reissue", "driving_licence_exchange"}
    assert siblings <= set(decision.slugs)


@pytest.mark.parametrize(
    "text", ["", "   ", "thời tiết hôm nay thế nào", "làm sao đăng nhập vneid", "😀😀😀", "x" * 2000]
)
def test_unrelated_text_finds_nothing(catalogue_db: str, text: str) -> None:
    with session_scope() as session:
        assert search_services(session, text) == []
