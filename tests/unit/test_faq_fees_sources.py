"""The FAQ matcher's own threshold, the fee in force on a date (core/fees.py, also published by the
catalogue API) and the official-source rule with `catalogue validate`."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli.app import app as cli_app
from core import clock
from core.catalogue import get_service
from core.db import session_scope
from core.faq import FAQ_THRESHOLD, match_faq
from core.fees import fee_in_force
from core.sources import is_official, shown_source


def faq_slug(text: str, language: str = "vi") -> str | None:
    with session_scope() as session:
        found = match_faq(session, text, language)
        return found.faq.slug if found else None


def test_faq_matches_with_and_without_diacritics_and_in_english(catalogue_db: str) -> None:
    assert faq_slug("Làm sao tra cứu hồ sơ đã nộp?") == "track_application"
    assert faq_slug("lam sao tra cuu ho so da nop") == "track_application"
    assert faq_slug("How can I track my application?", "en") == "track_application"
    assert faq_slug("phan anh kien nghi ve can bo") == "complaints_feedback"


def test_faq_threshold_keeps_out_of_scope_questions_out(catalogue_db: str) -> None:
    assert FAQ_THRESHOLD > 70
    for text in [
        "giá vàng hôm nay",
        "tôi muốn mua điện thoại mới",
        "phí chuyển tiền ngân hàng bao nhiêu",
        "hi",
    ]:
        assert faq_slug(text) is None, text


def quote(slug: str, on: dt.date, province: str | None = None):  # type: ignore[no-untyped-def]
    with session_scope() as session:
        service = get_service(session, slug)
        assert service is not None
        return fee_in_force(session, service, on, province)


def test_fee_in_force_ignores_expired_and_future_reductions(catalogue_db: str) -> None:
    before_117 = quote("passport", dt.date(2026, 8, 14))
    assert (before_117.online, before_117.offline) == (100000, 100000)  # 64/2025 covers every channel
    assert before_117.conditional == []  # 117/2026 starts on 15/8/2026
    today = quote("passport", dt.date(2026, 12, 3))
    assert today.conditional[0].reduction.key == "tt117_2026_passport" and today.conditional[0].online == 0
    after = quote("passport", dt.date(2027, 3, 1))
    assert (after.online, after.offline, after.reduced) == (200000, 200000, False)
    residence = quote("temporary_residence", dt.date(2027, 3, 1))
    assert (residence.online, residence.offline) == (7000, 15000)  # online-only rate, open-ended


def test_provincial_waiver_counts_only_in_its_province(catalogue_db: str) -> None:
    # building-permit fees are set by each province; Hồ Chí Minh's council waives them online
    assert quote("construction_permit", dt.date(2026, 12, 3), "Hồ Chí Minh").online == 0
    assert quote("construction_permit", dt.date(2026, 12, 3), "Quảng Ninh").online is None


def test_catalogue_api_states_the_same_fee(catalogue_db: str) -> None:
    from api.main import create_app

    with TestClient(create_app()) as client:
        body = client.get("/api/services/passport").json()
        local = client.get("/api/services/marriage_registration", params={"province": "Hà Nội"}).json()
    fee = body["fee_in_force"]
    assert fee["base"] == {"online": 200000, "offline": 200000}
    assert fee["on"] == clock.today().isoformat()
    expected = quote("passport", dt.date.fromisoformat(fee["on"]))
    assert (fee["online"], fee["offline"]) == (expected.online, expected.offline)
    assert local["fee_in_force"]["online"] == 0


def test_news_and_mirrors_are_not_official() -> None:
    assert is_official("https://dichvucong.gov.vn/p/home/dvc-trang-chu.html")
    assert is_official("https://vanban.chinhphu.vn/?docid=1") and is_official("https://vbpl.vn/x")
    for url in [
        "https://cafef.vn/a",
        "https://github.com/x/y",
        "https://lawnet.vn/a",
        "https://evilgov.vn.example.com",
    ]:
        assert not is_official(url), url


def test_shown_source_falls_back_to_the_legal_document(catalogue_db: str) -> None:
    with session_scope() as session:
        # its source_url is a news page: the answer cites the law instead
        id_card = get_service(session, "id_card_renewal")
        shown = shown_source(id_card, "vi")
    assert shown.title == "26/2023/QH15 (Quốc hội)" and not shown.verified


def test_catalogue_validate_reports_unofficial_sources() -> None:
    result = CliRunner().invoke(cli_app, ["catalogue", "validate"])
    assert result.exit_code == 0, result.output
    assert "15 FAQs" in result.output
    assert "services/id_card_renewal: source_url https://cafef.vn/" in result.output
    assert "services/birth_registration" not in result.output  # official portal source
    strict = CliRunner().invoke(cli_app, ["catalogue", "validate", "--strict"])
    assert strict.exit_code == 1
