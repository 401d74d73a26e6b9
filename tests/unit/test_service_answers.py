"""Service answers from the real catalogue database: dates on both sides of a validity
boundary, provinces old and new, languages, and the source line on every factual answer."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from actions.render import render_answer, render_province_reductions
from core.catalogue import get_service
from core.db import session_scope
from core.provinces import provinces

LAST_DAY_OF_TT64 = dt.date(2025, 12, 31)
FIRST_DAY_AFTER = dt.date(2026, 1, 1)


def answer(
    slug: str, aspect: str, on: dt.date, language: str = "vi", place: str | None = None
) -> tuple[str, bool]:
    with session_scope() as session:
        service = get_service(session, slug)
        assert service is not None, slug
        rendered = render_answer(session, service, aspect, language, on, provinces().resolve(place))
        return rendered.text, rendered.answered


def test_passport_reduction_shown_while_valid(catalogue_db: str) -> None:
    text, answered = answer("passport", "fee", LAST_DAY_OF_TT64)
    assert answered
    assert "64/2025/TT-BTC" in text and "100.000 đồng" in text.split("\n")[0] and "31/12/2026" in text


def test_passport_reduction_not_presented_after_it_expired(catalogue_db: str) -> None:
    last_day, _ = answer("passport", "reduction", dt.date(2026, 12, 31))
    day_after, _ = answer("passport", "reduction", dt.date(2027, 1, 1))
    assert "100.000 đồng theo 64/2025/TT-BTC đến 31/12/2026" in last_day
    assert "64/2025/TT-BTC" not in day_after and "nếu không: 200.000 đồng" in day_after
    after_every_cut, _ = answer("passport", "reduction", dt.date(2027, 3, 1))
    assert "Căn cứ" not in after_every_cut
    first = after_every_cut.split("\n")[0]
    assert "không có mức giảm lệ phí nào" in first and "200.000 đồng" in first


def test_open_ended_residence_reduction_is_current_today(catalogue_db: str) -> None:
    text, _ = answer("temporary_residence", "fee", dt.date(2026, 11, 23))
    assert "7.000 đồng theo 75/2022/TT-BTC" in text


LAST_DAY_OF_TT117 = dt.date(2027, 2, 28)


@pytest.mark.parametrize(
    "slug",
    [
        "passport",
        "id_card_renewal",
        "driving_licence_exchange",
        "temporary_residence",
        "criminal_record_certificate",
    ],
)
def test_digital_citizen_waiver_says_whom_it_covers_and_ends(catalogue_db: str, slug: str) -> None:
    text, _ = answer(slug, "fee", LAST_DAY_OF_TT117)
    first = text.split("\n")[0]
    assert "miễn lệ phí nếu có tài khoản VNeID mức 2" in first and "nộp trực tuyến" in first
    assert "miễn theo 117/2026/TT-BTC đến 28/02/2027" in text
    assert text.count("chưa xác minh") == 1  # the record is unverified: said once, briefly
    assert "https://github.com" not in text  # a mirror is never the shown source
    english, _ = answer(slug, "fee", LAST_DAY_OF_TT117, language="en")
    assert "level-2 VNeID account" in english
    after, _ = answer(slug, "reduction", LAST_DAY_OF_TT117 + dt.timedelta(days=1))
    assert "117/2026/TT-BTC" not in after


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("Hà Giang", "Hà Giang nay thuộc tỉnh Tuyên Quang"),
        ("binh duong", "Bình Dương nay thuộc thành phố Hồ Chí Minh"),
        ("Hà Nội", "Chưa có mức giảm riêng của thành phố Hà Nội"),
    ],
)
def test_old_province_names_are_answered_with_the_new_unit(
    catalogue_db: str, place: str, expected: str
) -> None:
    text, _ = answer("temporary_residence", "fee", dt.date(2026, 11, 23), place=place)
    assert expected in text


TODAY = dt.date(2026, 11, 23)


def test_provincial_reduction_applies_to_the_merged_city(catalogue_db: str) -> None:
    text, _ = answer("marriage_registration", "reduction", TODAY, place="Bình Dương")
    assert "411/NQ-HĐND" in text  # Hồ Chí Minh City resolution, valid for the whole merged city


def test_provincial_reduction_is_shown_only_for_the_fees_it_covers(catalogue_db: str) -> None:
    # HCMC 411 covers council-set fees (civil status, land, construction, business), not the
    # police's residence fee, which is set nationally.
    text, _ = answer("temporary_residence", "reduction", TODAY, place="Hồ Chí Minh")
    assert "411/NQ-HĐND" not in text and "75/2022/TT-BTC" in text
    # Hải Phòng 23/2026 lists civil status but not business registration.
    civil, _ = answer("marital_status_certificate", "fee", TODAY, place="Hải Phòng")
    business, _ = answer("business_household_registration", "fee", TODAY, place="Hải Phòng")
    assert "23/2026/NQ-HĐND" in civil and "23/2026/NQ-HĐND" not in business


def test_provincial_reduction_starts_on_its_first_day(catalogue_db: str) -> None:
    before, _ = answer("marriage_registration", "reduction", dt.date(2026, 8, 7), place="Hải Dương")
    first, _ = answer("marriage_registration", "reduction", dt.date(2026, 8, 8), place="Hải Dương")
    assert "theo 07/2025/NQ-HĐND" in before and "theo 23/2026/NQ-HĐND" not in before
    assert "theo 23/2026/NQ-HĐND" in first and "07/2025/NQ-HĐND" not in first
    assert "Hải Dương nay thuộc thành phố Hải Phòng" in first


def test_english_answer(catalogue_db: str) -> None:
    text, answered = answer("passport", "fee", dt.date(2027, 3, 1), language="en")
    assert answered and "200,000 VND" in text and "Source:" in text and "passport" in text.lower()


@pytest.mark.parametrize("aspect", ["overview", "documents", "fee", "time", "where"])
def test_every_factual_answer_ends_with_source_and_date(catalogue_db: str, aspect: str) -> None:
    text, answered = answer("passport", aspect, FIRST_DAY_AFTER)
    assert answered
    # the date of the record the line cites (the service, or the reduction a fee answer rests on)
    assert re.search(r"^Nguồn: .+ · cập nhật \d\d/\d\d/20\d\d", text.split("\n")[-1])
    assert text.count("Nguồn:") == 1 and "Lưu ý" not in text


def test_criminal_record_fee_and_reduced_rate(catalogue_db: str) -> None:
    text, answered = answer("criminal_record_certificate", "fee", TODAY)
    assert answered and "nếu không: 200.000 đồng" in text.split("\n")[0]


def test_missing_fee_is_not_guessed(catalogue_db: str) -> None:
    # on-time death registration is free by law; the marital-status fee is set by each province
    text, answered = answer("marital_status_certificate", "fee", FIRST_DAY_AFTER)
    assert not answered and "chưa có mức lệ phí đã kiểm chứng" in text.split("\n")[0]
    assert "HĐND cấp tỉnh quy định" in text  # what is known: who sets it
    assert "Hỏi trực tiếp:" in text  # and where to ask
    assert "Nguồn:" in text  # the note is a fact, so the answer still carries its source


def test_reduction_shown_when_the_base_fee_is_unknown(catalogue_db: str) -> None:
    text, answered = answer("marital_status_certificate", "reduction", LAST_DAY_OF_TT117)
    assert answered
    assert "miễn lệ phí nếu" in text and "66.22/2026/NQ-CP" in text
    after, answered_after = answer(
        "marital_status_certificate", "reduction", LAST_DAY_OF_TT117 + dt.timedelta(days=1)
    )
    assert not answered_after and "66.22/2026/NQ-CP" not in after
    civil, answered_civil = answer("marriage_registration", "fee", TODAY, place="Hà Nội")
    assert answered_civil and "77/2025/NQ-HĐND" in civil


def province_answer(place: str, on: dt.date, language: str = "vi") -> tuple[str, list[str]]:
    with session_scope() as session:
        resolved = provinces().resolve(place)
        assert resolved is not None, place
        text, local = render_province_reductions(session, resolved, language, on)
        return text, [r.key for r in local]


def test_province_question_without_a_service_lists_its_reductions(catalogue_db: str) -> None:
    text, keys = province_answer("Hải Phòng", TODAY)
    assert keys == ["haiphong_nq23_2026"]  # the former Hải Dương rule has expired
    assert "23/2026/NQ-HĐND" in text and "07/2025/NQ-HĐND" not in text
    assert text.endswith("· chưa xác minh") and "github" not in text.lower()
    # HCMC 411 rests on a news page (unverified); Thanh Hóa's source is the police ministry portal
    verified, _ = province_answer("Thanh Hóa", TODAY, language="en")
    assert "12/2025/NQ-HĐND" in verified and "Source:" in verified and "checked 23/11/2026" in verified
    assert "not yet verified" not in verified


def test_province_without_a_recorded_reduction_says_so(catalogue_db: str) -> None:
    text, keys = province_answer("Quảng Ninh", TODAY)
    assert keys == []
    assert "chưa có chính sách giảm phí" in text and "23/11/2026" in text
    assert "Nguồn: Nghị quyết của Quốc hội về sắp xếp đơn vị hành chính cấp tỉnh" in text
    assert "vietnamnews" not in text


def test_fee_answer_without_a_place_points_to_local_reductions(catalogue_db: str) -> None:
    hint = "Một số tỉnh miễn/giảm thêm khi nộp trực tuyến"
    without_place, _ = answer("marriage_registration", "fee", TODAY)
    with_place, _ = answer("marriage_registration", "fee", TODAY, place="Hà Nội")
    national_only, _ = answer("passport", "fee", TODAY)
    assert hint in without_place and hint not in with_place and hint not in national_only
