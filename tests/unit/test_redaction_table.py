"""Redaction by kind, sentence by sentence: what citizens really write, and what Rasa, the logs
and staff get. Harmless numbers (dates, fees, codes, hotlines, years) must come through intact."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.privacy import ACCOUNT_TOKEN as ACC
from core.privacy import CARD_TOKEN as CARD
from core.privacy import EMAIL_TOKEN as EMAIL
from core.privacy import ID_TOKEN as ID
from core.privacy import PHONE_TOKEN as PHONE
from core.privacy import is_cccd, luhn_valid, redact

KEPT = [
    # dates and times
    "Hẹn ngày 12-05-2026 lên lấy kết quả",
    "Hẹn trả kết quả 12.05.2026",
    "ngày 12/5/26 lúc 8h30 có làm việc không",
    "hạn nộp 30/06/2026, từ 07:30 đến 17:00",
    "giấy hẹn ghi 2026-05-12",
    "thời hạn 05/2026",
    "đăng ký từ 2020-2025 còn giá trị không",
    "năm 2025 có 34 tỉnh",
    "sinh năm 1990 thì làm căn cước thế nào",
    # fees and fines
    "Lệ phí 12.000.000 đồng",
    "phạt 120.000.000 đồng có đúng không",
    "Lệ phí hộ chiếu 200000 đồng",
    "phí 1.500.000.000 đồng cho doanh nghiệp",
    "mức phạt từ 4 triệu đến 6 triệu",
    "The fee is 200,000 VND",
    "nộp 50.000đ qua cổng",
    "giá 500k hay 200k vậy",
    "fee 1,500,000 VND or $60?",
    "phí 12 000 000 đồng",
    # procedure and application codes
    "thủ tục 1.001193 cấp lại hộ chiếu",
    "mã thủ tục 2.000986.000.00.00.H26",
    "mã hồ sơ 000.00.12.H26-250101-0001 đến đâu rồi",
    "tra cứu hồ sơ G22.99-240101-0001",
    "hồ sơ H26.22-240315-0042 bị trả lại",
    "Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân",
    "theo Nghị quyết 23/2026/NQ-HĐND",
    # hotlines
    "tổng đài 1900 0368 có làm việc thứ bảy không",
    "gọi 1800 1234 miễn phí",
    "hotline 19000368",
    "tài khoản VNeID bị khoá thì gọi 1900 0368",
    # ordinary text and links
    "Làm sao đăng nhập VNeID?",
    "How do I renew my passport online?",
    "tài khoản định danh mức 2 dùng để làm gì",
    "Nguồn: https://soha.vn/tu-hom-nay-198250301201248462.htm",
    "xem https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc-hanh-chinh.html?ma_thu_tuc=1.001193",
    "https://dichvucong.gov.vn/p/123456789012",
    "cấp 3 bản sao, mỗi bản 2 trang",
    "👨\u200d👩\u200d👧 gia đình 3 người",
    "phí 2.000.000đ/tháng",
    "Mã hồ sơ: 2.001234.000.00.00.H26",
    "lúc 14:30:00 ngày 2026-05-12",
    "giá 1,5 triệu, khoảng 2.5tr",
    "phường 12 quận 3, mã bưu chính 700000",
    "chuyển khoản 500.000 đồng được không",
    "1.001193 và 1.001194 khác nhau thế nào",
]

REDACTED = [
    # CCCD (structure-checked) and CMND
    ("CCCD của tôi là 001203004567 nhé", f"CCCD của tôi là {ID} nhé"),
    ("số cccd 001 203 004 567", f"số cccd {ID}"),
    ("căn cước 001.203.004.567 bị mất", f"căn cước {ID} bị mất"),
    ("em bị mất thẻ 079195001234 thì làm sao", f"em bị mất thẻ {ID} thì làm sao"),
    ("số định danh 0012 0300 4567", f"số định danh {ID}"),
    ("cccd 001203\u200b004567", f"cccd {ID}"),
    ("CCCD: 123456789012", f"CCCD: {ID}"),  # named by the word before it, even if not valid
    ("cmnd cũ 123456789", f"cmnd cũ {ID}"),
    ("CMND 123 456 789 hết hạn", f"CMND {ID} hết hạn"),
    ("my citizen id is 001203004567", f"my citizen id is {ID}"),
    # phones
    ("sđt em 0912345678 ạ", f"sđt em {PHONE} ạ"),
    ("gọi +84 912 345 678", f"gọi {PHONE}"),
    ("số nhà mạng 0987.654.321", f"số nhà mạng {PHONE}"),
    ("liên hệ 0912-345-678 giúp em", f"liên hệ {PHONE} giúp em"),
    ("Gọi tôi 0912345678 nhé", f"Gọi tôi {PHONE} nhé"),
    ("call me at +84912345678", f"call me at {PHONE}"),
    ("số máy bàn 024 3825 1234", f"số máy bàn {PHONE}"),
    ("sdt 0912\u200b345\u200c678", f"sdt {PHONE}"),
    # emails
    ("mail nguyen.van.a@gmail.com", f"mail {EMAIL}"),
    ("email name [at] gmail [dot] com", f"email {EMAIL}"),
    ("gửi vào nguyenvana a còng gmail chấm com", f"gửi vào {EMAIL}"),
    ("mail tôi: tran.b(at)yahoo(dot)com.vn", f"mail tôi: {EMAIL}"),
    ("write to name at gmail dot com", f"write to {EMAIL}"),
    ("liên hệ abc@gmail.com. Cảm ơn", f"liên hệ {EMAIL}. Cảm ơn"),
    ("mail a.b @ example.com nhé", f"mail {EMAIL} nhé"),
    ("nguyen\u200b@gmail.com", EMAIL),
    # cards (Luhn) and accounts (by their words)
    ("thẻ 4111 1111 1111 1111 bị trừ tiền", f"thẻ {CARD} bị trừ tiền"),
    ("card 5500005555555559", f"card {CARD}"),
    ("stk 0011001234567 vietcombank", f"stk {ACC} vietcombank"),
    ("số tài khoản Vietcombank của tôi là 0011001234567", f"số tài khoản Vietcombank của tôi là {ACC}"),
    ("chuyển vào tài khoản ngân hàng 1903 5678 9012 34", f"chuyển vào tài khoản ngân hàng {ACC}"),
    ("so tai khoan 123456789 agribank", f"so tai khoan {ACC} agribank"),
    ("bank account 19035678901234", f"bank account {ACC}"),
    # inside web addresses
    (
        "https://dichvucong.gov.vn/tra-cuu?cccd=001203004567&sdt=0912345678",
        f"https://dichvucong.gov.vn/tra-cuu?cccd={ID}&sdt={PHONE}",
    ),
    ("http://nguyenvana@gmail.com/", f"http://{EMAIL}/"),
    ("https://x.vn/search?q=gọi+0912345678", f"https://x.vn/search?q=gọi {PHONE}"),
    ("https://x.vn/?email=a%40b.com&page=2", f"https://x.vn/?email={EMAIL}&page=2"),
    ("https://x.vn/form#sdt=0912345678", f"https://x.vn/form#sdt={PHONE}"),
    ("https://x.vn/tra-cuu?id=001203004567", f"https://x.vn/tra-cuu?id={ID}"),
    # several kinds in one message, harmless numbers beside them
    (
        "Hẹn ngày 12-05-2026, lệ phí 200.000 đồng, gọi 0912345678",
        f"Hẹn ngày 12-05-2026, lệ phí 200.000 đồng, gọi {PHONE}",
    ),
    (
        "hồ sơ G22.99-240101-0001 của CCCD 001203004567",
        f"hồ sơ G22.99-240101-0001 của CCCD {ID}",
    ),
    ("Sai rồi, gọi 0912345678, CCCD 001203004567", f"Sai rồi, gọi {PHONE}, CCCD {ID}"),
    ("mất thẻ ATM 9704 0512 3456 7890", f"mất thẻ ATM {CARD}"),
    ("visa 4111-1111-1111-1111 exp 12/27", f"visa {CARD} exp 12/27"),
    ("chuyển khoản 0011001234567 nội dung nộp phí", f"chuyển khoản {ACC} nội dung nộp phí"),
    ("Số CCCD: 079 203 012 345. SĐT: 0903 123 456", f"Số CCCD: {ID}. SĐT: {PHONE}"),
    ("thẻ căn cước 001203004567", f"thẻ căn cước {ID}"),
    ("gọi +84 (0) 912 345 678", f"gọi {PHONE}"),
    ("nhắn https://zalo.me/0912345678", f"nhắn https://zalo.me/{PHONE}"),
    ("https://x.vn/ho-so/001203004567/xem", f"https://x.vn/ho-so/{ID}/xem"),
    (
        "xem https://dichvucong.gov.vn/p/123 rồi gọi 0912345678",
        f"xem https://dichvucong.gov.vn/p/123 rồi gọi {PHONE}",
    ),
]


def test_the_table_has_at_least_sixty_sentences() -> None:
    assert len(KEPT) + len(REDACTED) >= 60


@pytest.mark.parametrize("text", KEPT)
def test_harmless_numbers_are_kept(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(("text", "expected"), REDACTED)
def test_personal_data_is_redacted_by_kind(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_cccd_structure() -> None:
    assert is_cccd("001203004567") and is_cccd("096300000001")
    assert not is_cccd("000203004567")  # province 000
    assert not is_cccd("097203004567")  # province above 096
    assert not is_cccd("001503004567")  # century digit 5: born after 2199


def test_luhn() -> None:
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert not luhn_valid("411111111111")  # too short for a card


_DIGITS_OR_AT = st.characters(blacklist_categories=("Nd", "Cs"), blacklist_characters="@")


@given(st.text(alphabet=_DIGITS_OR_AT, max_size=80))
def test_text_without_digits_at_signs_or_addresses_is_unchanged(text: str) -> None:
    # Obfuscated emails ("a [at] b [dot] com", "a còng") are the one exception: no digits, still redacted.
    folded = text.casefold()
    if "://" in folded or "at" in folded or "còng" in folded or "cong" in folded:
        return
    assert redact(text) == text


_PIECES = st.sampled_from(
    [
        " ",
        ".",
        "-",
        "/",
        ":",
        "@",
        "\u200b",
        "0912345678",
        "001203004567",
        "4111 1111 1111 1111",
        "12-05-2026",
        "12.000.000 đồng",
        "1900 0368",
        "stk ",
        "cccd ",
        "a [at] b [dot] com",
        "https://x.vn/?q=",
        "G22.99-240101-0001",
        "1.001193",
        "đ",
        "năm 2025",
        "x@y.vn",
        "tài khoản ",
        "[SĐT]",
        "+84",
    ]
)


@given(st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=12).map("".join))
def test_redaction_is_idempotent(text: str) -> None:
    once = redact(text)
    assert redact(once) == once


_SECRETS = ["0912345678", "001203004567", "4111 1111 1111 1111", "x@y.vn", "+84 912 345 678"]


@given(st.lists(st.one_of(_PIECES, st.sampled_from(_SECRETS)), max_size=10))
def test_a_secret_between_spaces_never_survives(pieces: list[str]) -> None:
    redacted = redact(" ".join(pieces))
    for secret in set(pieces) & set(_SECRETS):
        assert secret not in redacted, (pieces, redacted)
