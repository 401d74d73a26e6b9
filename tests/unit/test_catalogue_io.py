from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from core.catalogue import current_reductions
from core.catalogue_io import CatalogueError, export_catalogue, import_catalogue, parse_catalogue
from core.db import session_scope

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "catalogue_min.yaml"


def _write(tmp_path: Path, document: dict) -> Path:
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def _fixture() -> dict:
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


def test_fixture_is_valid() -> None:
    catalogue = parse_catalogue([FIXTURE])
    assert [s.slug for s in catalogue.services] == ["sample_service"]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["services"][0].pop("source_url"),
            "services[0] (sample_service): source_url: Field required",
        ),
        (lambda d: d["services"][0].pop("last_checked"), "last_checked: Field required"),
        (lambda d: d["services"][0].update(source_url="not a url"), "source_url"),
        (lambda d: d["services"][0].update(last_checked="2999-01-01"), "last_checked is in the future"),
        (lambda d: d["services"][0].update(slug="Bad Slug"), "slug"),
        (lambda d: d["fee_reductions"][0].update(valid_to="2025-01-01"), "valid_to is before valid_from"),
        (lambda d: d["fee_reductions"][0].update(service="nope"), "unknown service 'nope'"),
        (
            lambda d: d["fee_reductions"][0].update(service=None, covers=["sample_service", "nope"]),
            "fee_reductions (sample_reduction): covers unknown service 'nope'",
        ),
        (lambda d: d["fee_reductions"][0].update(covers=["sample_service"]), "either service or covers"),
        (lambda d: d["guides"].append(dict(d["guides"][0])), "duplicate slug 'sample_guide'"),
    ],
)
def test_invalid_records_are_named(tmp_path: Path, mutate, expected: str) -> None:  # type: ignore[no-untyped-def]
    document = _fixture()
    mutate(document)
    with pytest.raises(CatalogueError) as error:
        parse_catalogue([_write(tmp_path, document)])
    assert expected in str(error.value)


def test_broken_yaml_is_reported_with_its_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("services: [\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="broken.yaml: not valid YAML"):
        parse_catalogue([path])


def test_import_export_round_trip(database_url: str, tmp_path: Path) -> None:
    catalogue = parse_catalogue([FIXTURE])
    with session_scope() as session:
        assert import_catalogue(session, catalogue) == {
            "services": 1,
            "guides": 1,
            "fee_reductions": 1,
            "faqs": 1,
        }
    with session_scope() as session:
        exported = export_catalogue(session)
    reparsed = parse_catalogue([_write(tmp_path, exported)])
    assert reparsed.model_dump() == catalogue.model_dump()


def test_reimport_replaces_and_removes_records(database_url: str, tmp_path: Path) -> None:
    with session_scope() as session:
        import_catalogue(session, parse_catalogue([FIXTURE]))
    document = _fixture()
    document["services"][0]["fee"]["online"] = 80000
    document["fee_reductions"] = []
    with session_scope() as session:
        import_catalogue(session, parse_catalogue([_write(tmp_path, document)]))
    with session_scope() as session:
        exported = export_catalogue(session)
    assert exported["services"][0]["fee"]["online"] == 80000
    assert exported["fee_reductions"] == []


@pytest.mark.parametrize(
    ("day", "current"),
    [
        (dt.date(2025, 12, 31), False),
        (dt.date(2026, 1, 1), True),
        (dt.date(2026, 6, 30), True),
        (dt.date(2026, 7, 1), False),
    ],
)
def test_reduction_is_current_only_inside_its_validity(
    database_url: str, day: dt.date, current: bool
) -> None:
    with session_scope() as session:
        import_catalogue(session, parse_catalogue([FIXTURE]))
        keys = [r.key for r in current_reductions(session, "sample_service", day)]
    assert keys == (["sample_reduction"] if current else [])


def test_general_reduction_counts_for_the_services_it_covers(database_url: str, tmp_path: Path) -> None:
    document = _fixture()
    general = dict(
        document["fee_reductions"][0], id="general_reduction", service=None, covers=["sample_service"]
    )
    document["fee_reductions"].append(general)
    catalogue = parse_catalogue([_write(tmp_path, document)])
    with session_scope() as session:
        import_catalogue(session, catalogue)
        keys = [r.key for r in current_reductions(session, "sample_service", dt.date(2026, 3, 1))]
        exported = export_catalogue(session)
    assert keys == ["general_reduction", "sample_reduction"]
    reparsed = parse_catalogue([_write(tmp_path, exported)])
    by_id = {r.id: r.model_dump() for r in catalogue.fee_reductions}
    assert {r.id: r.model_dump() for r in reparsed.fee_reductions} == by_id
