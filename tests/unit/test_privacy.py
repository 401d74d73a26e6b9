from __future__ import annotations

import pytest

from core.privacy import ACCOUNT_TOKEN, EMAIL_TOKEN, ID_TOKEN, PHONE_TOKEN, pseudonymise, redact


@pytest.mark.parametrize(
    ("text", "secret", "token"),
    [
        ("CCCD của tôi là 001203004567 nhé", "001203004567", ID_TOKEN),
        ("số cccd 001 203 004 567", "001 203 004 567", ID_TOKEN),
        ("cmnd cũ 123456789", "123456789", ID_TOKEN),
        ("sđt em 0912345678 ạ", "0912345678", PHONE_TOKEN),
        ("gọi +84 912 345 678", "912 345 678", PHONE_TOKEN),
        ("số nhà mạng 0987.654.321", "0987.654.321", PHONE_TOKEN),
        ("mail nguyen.van.a@gmail.com", "nguyen.van.a@gmail.com", EMAIL_TOKEN),
        ("stk 0011001234567 vietcombank", "0011001234567", ACCOUNT_TOKEN),
    ],
)
def test_personal_data_is_replaced(text: str, secret: str, token: str) -> None:
    redacted = redact(text)
    assert secret not in redacted
    assert token in redacted


@pytest.mark.parametrize(
    "text",
    [
        "Lệ phí hộ chiếu 200000 đồng",
        "năm 2025 có 34 tỉnh",
        "",
        "Làm sao đăng nhập VNeID?",
        "😀" * 50,
        "Nguồn: https://soha.vn/tu-hom-nay-198250301201248462.htm",
    ],
)
def test_ordinary_text_is_kept(text: str) -> None:
    assert redact(text) == text


def test_pseudonym_is_stable_keyed_and_not_the_id() -> None:
    first = pseudonymise("zalo-user-123", "key-a")
    assert first == pseudonymise("zalo-user-123", "key-a")
    assert first != pseudonymise("zalo-user-123", "key-b")
    assert "123" not in first and len(first) == 32


def test_personal_data_next_to_a_link_is_still_redacted() -> None:
    redacted = redact("xem https://dichvucong.gov.vn/p/123456789012 rồi gọi 0912345678")
    assert "https://dichvucong.gov.vn/p/123456789012" in redacted and "0912345678" not in redacted
