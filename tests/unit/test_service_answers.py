"""Service answers from the real catalogue database: dates on both sides of a validity
boundary, provinces old and new, languages, and the source line on every factual answer."""

from __future__ import annotations

import datetime as dt

import pytest

from actions.services import render_aspect
from core.catalogue import get_service
from core.db import session_scope
from core.provinces import provinces

LAST_DAY_OF_TT64 = dt.date(2025, 12, 31)
FIRST_DAY_AFTER = dt.date(2026, 1, 1)


def answer(slug: str, aspect: str, on: dt.date, language: str = "vi", place: str | None = None) -> tuple[str, bool]:
    with session_scope() as session:
        service = get_service(session, slug)
        assert service is not None, slug
        return render_aspect(session, service, aspect, language, on, provinces().resolve(place))


def test_passport_reduction_shown_while_valid(catalogue_db: str) -> None:
    text, answered = answer("passport", "fee", LAST_DAY_OF_TT64)
    assert answered
    assert "64/2025/TT-BTC" in text and "100.000 đồng" in text and "31/12/2025" in text


def test_passport_reduction_not_presented_after_it_expired(catalogue_db: str) -> None:
    text, _ = answer("passport", "reduction", FIRST_DAY_AFTER)
    assert "Đang áp dụng" not in text
    assert "không có mức giảm lệ phí nào đang áp dụng" in text
    assert "200.000 đồng" in text


def test_open_ended_residence_reduction_is_current_today(catalogue_db: str) -> None:
    text, _ = answer("temporary_residence", "fee", dt.date(2026, 11, 23))
    assert "Đang áp dụng" in text and "75/2022/TT-BTC" in text


LAST_DAY_OF_TT117 = dt.date(2027, 2, 28)


@pytest.mark.parametrize("slug", ["passport", "id_card_renewal", "driving_licence_exchange", "temporary_residence"])
def test_digital_citizen_waiver_says_whom_it_covers_and_ends(catalogue_db: str, slug: str) -> None:
    text, _ = answer(slug, "fee", LAST_DAY_OF_TT117)
    assert "117/2026/TT-BTC" in text and "28/02/2027" in text
    assert "tài khoản định danh điện tử mức 2" in text and "66.22/2026/NQ-CP" in text
    assert "Chưa đối chiếu được với văn bản gốc; nguồn: https://" in text  # the record is unverified
    english, _ = answer(slug, "fee", LAST_DAY_OF_TT117, language="en")
    assert "level-2 e-ID account" in english
    after, _ = answer(slug, "reduction", LAST_DAY_OF_TT117 + dt.timedelta(days=1))
    assert "117/2026/TT-BTC" not in after


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("Hà Giang", "Hà Giang — nay thuộc tỉnh Tuyên Quang"),
        ("binh duong", "Bình Dương — nay thuộc thành phố Hồ Chí Minh"),
        ("Hà Nội", "Địa phương: thành phố Hà Nội"),
    ],
)
def test_old_province_names_are_answered_with_the_new_unit(catalogue_db: str, place: str, expected: str) -> None:
    text, _ = answer("temporary_residence", "fee", dt.date(2026, 11, 23), place=place)
    assert expected in text


def test_provincial_reduction_applies_to_the_merged_city(catalogue_db: str) -> None:
    text, _ = answer("temporary_residence", "reduction", dt.date(2026, 11, 23), place="Bình Dương")
    assert "411" in text  # Hồ Chí Minh City resolution, valid for the whole merged city


def test_english_answer(catalogue_db: str) -> None:
    text, answered = answer("passport", "fee", FIRST_DAY_AFTER, language="en")
    assert answered and "200,000 VND" in text and "Source:" in text and "PASSPORT" in text.upper()


@pytest.mark.parametrize("aspect", ["overview", "documents", "fee", "time", "where"])
def test_every_factual_answer_ends_with_source_and_date(catalogue_db: str, aspect: str) -> None:
    text, answered = answer("passport", aspect, FIRST_DAY_AFTER)
    assert answered
    assert "Nguồn:" in text and "cập nhật 23/11/2026" in text


def test_missing_fee_is_not_guessed(catalogue_db: str) -> None:
    text, answered = answer("criminal_record_certificate", "fee", FIRST_DAY_AFTER)
    assert not answered and "Chưa có thông tin lệ phí" in text
