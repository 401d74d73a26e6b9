"""The shipped knowledge base: every record sourced and dated; generated lookups in sync."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from core.catalogue_io import catalogue_files, parse_catalogue
from core.lookups import CATALOGUE_DIR, LEXICON_DIR, service_entries
from core.provinces import load_provinces

TODAY = dt.date.today()  # a record checked today is valid; a future date is not


def catalogue():  # type: ignore[no-untyped-def]
    return parse_catalogue(catalogue_files(CATALOGUE_DIR))


def test_every_record_has_a_source_and_a_checked_date() -> None:
    data = catalogue()
    records = [*data.services, *data.guides, *data.fee_reductions]
    assert len(data.services) >= 17 and len(data.guides) >= 10
    for record in records:
        assert str(record.source_url).startswith("https://") or str(record.source_url).startswith("http://")
        assert dt.date(2020, 1, 1) <= record.last_checked <= TODAY


def test_vneid_topics_are_all_covered() -> None:
    slugs = {guide.slug for guide in catalogue().guides}
    assert {
        "vneid_account_levels",
        "vneid_register",
        "vneid_activate",
        "vneid_login",
        "vneid_forgot_passcode",
        "vneid_change_phone",
        "vneid_new_device",
        "vneid_otp",
        "vneid_locked",
        "vneid_support",
    } <= slugs


def test_domain_vneid_intents_have_a_guide() -> None:
    domain = yaml.safe_load((CATALOGUE_DIR.parent.parent / "domain.yml").read_text(encoding="utf-8"))
    vneid_intents = {i for i in domain["intents"] if i.startswith("vneid_")}
    assert vneid_intents <= {guide.slug for guide in catalogue().guides}


def test_reductions_have_a_document_and_sane_validity() -> None:
    for reduction in catalogue().fee_reductions:
        assert reduction.document.number
        if reduction.valid_from and reduction.valid_to:
            assert reduction.valid_from <= reduction.valid_to


def test_provincial_reductions_name_a_current_unit() -> None:
    units = {unit.name for unit in load_provinces().units}
    for reduction in catalogue().fee_reductions:
        if reduction.scope == "province":
            assert reduction.province in units, reduction.id


def test_province_reference_has_34_units_and_63_old_names() -> None:
    reference = load_provinces()
    assert len(reference.units) == 34
    assert sum(len(unit.formed_from) for unit in reference.units) == 63
    assert sum(unit.kind == "city" for unit in reference.units) == 6


def test_generated_service_lookups_match_the_catalogue() -> None:
    generated = yaml.safe_load((LEXICON_DIR / "services.yml").read_text(encoding="utf-8"))
    assert generated["entries"] == service_entries(), "run `make lookups` after changing the catalogue"


def test_lookups_follow_a_new_service_without_hand_edits(tmp_path: Path) -> None:
    source = yaml.safe_load((CATALOGUE_DIR / "services.yaml").read_text(encoding="utf-8"))
    new = dict(
        source["services"][0],
        slug="new_service",
        name={"vi": "Thủ tục mới", "en": "New service"},
        aliases=["thủ tục thử nghiệm"],
    )
    source["services"].append(new)
    (tmp_path / "services.yaml").write_text(yaml.safe_dump(source, allow_unicode=True), encoding="utf-8")
    entries = service_entries(tmp_path)
    assert entries["new_service"] == sorted({"Thủ tục mới", "New service", "thủ tục thử nghiệm"})
