"""Catalogue import/export: YAML files in `data/catalogue/` <-> database, validated with pydantic.

Every record must carry a source URL and a last-checked date; errors name the file and the record.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Faq, FeeReduction, Guide, Service

SLUG_PATTERN = r"^[a-z0-9][a-z0-9_]*$"


class CatalogueError(ValueError):
    """Raised with one line per invalid record."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _localised(value: Any, *, required: bool = False) -> dict[str, Any]:
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise ValueError("must be a mapping of language code to text, e.g. {vi: ..., en: ...}")
    if required and not value.get("vi"):
        raise ValueError("needs at least a Vietnamese ('vi') text")
    return value


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source_url: HttpUrl
    source_title: str | None = Field(default=None, max_length=300)  # the column's length
    last_checked: dt.date
    verified: bool = True
    notes: str | None = None
    extra_sources: list[HttpUrl] = Field(default_factory=list)

    @field_validator("last_checked")
    @classmethod
    def _not_in_future(cls, value: dt.date) -> dt.date:
        if value > dt.date.today():
            raise ValueError("last_checked is in the future")
        if value.year < 2015:
            raise ValueError("last_checked is implausibly old")
        return value


class FeeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    offline: int | None = Field(default=None, ge=0)
    online: int | None = Field(default=None, ge=0)
    note: dict[str, Any] = Field(default_factory=dict)


Level = Literal["commune", "province", "central"]


class ServiceIn(_Record):
    slug: str = Field(pattern=SLUG_PATTERN)
    procedure_code: str | None = Field(default=None, pattern=r"^\d\.\d{6}$")
    name: dict[str, Any]
    aliases: list[str] = Field(default_factory=list)
    # Everyday ways a citizen describes the need ("vợ mới sinh con"), per language; searched, never shown.
    situations: dict[str, Any] = Field(default_factory=dict)
    field: dict[str, Any] = Field(default_factory=dict)  # lĩnh vực, as the national database names it
    level: list[Level] = Field(default_factory=list)  # cấp thực hiện
    # Procedures of one family (first issue, re-issue, change...) share a group: asked back among them.
    group: str | None = Field(default=None, pattern=SLUG_PATTERN)
    agency: dict[str, Any] = Field(default_factory=dict)
    end_to_end: bool | None = None  # None: not verified yet
    who_may_file: dict[str, Any] = Field(default_factory=dict)
    documents: dict[str, Any] = Field(default_factory=dict)
    steps: dict[str, Any] = Field(default_factory=dict)
    fee: FeeIn = Field(default_factory=FeeIn)
    processing_time: dict[str, Any] = Field(default_factory=dict)
    where_to_file: dict[str, Any] = Field(default_factory=dict)
    conditions: dict[str, Any] = Field(default_factory=dict)  # yêu cầu, điều kiện
    result: dict[str, Any] = Field(default_factory=dict)  # kết quả (what the citizen receives)
    portal_url: HttpUrl | None = None
    legal_basis: list[str] = Field(default_factory=list)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value: Any) -> dict[str, Any]:
        return _localised(value, required=True)

    @field_validator(
        "agency",
        "who_may_file",
        "documents",
        "steps",
        "processing_time",
        "where_to_file",
        "situations",
        "field",
        "conditions",
        "result",
        mode="before",
    )
    @classmethod
    def _loc(cls, value: Any) -> dict[str, Any]:
        return _localised(value)

    @model_validator(mode="after")
    def _validity(self) -> ServiceIn:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self


class GuideIn(_Record):
    slug: str = Field(pattern=SLUG_PATTERN)
    title: dict[str, Any]
    summary: dict[str, Any] = Field(default_factory=dict)
    steps: dict[str, Any] = Field(default_factory=dict)
    more: dict[str, Any] = Field(default_factory=dict)
    legal_basis: list[str] = Field(default_factory=list)

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, value: Any) -> dict[str, Any]:
        return _localised(value, required=True)


class DocumentRef(BaseModel):
    model_config = ConfigDict(extra="allow")
    number: str
    title: str | None = None
    issued: dt.date | None = None
    url: HttpUrl | None = None


class FeeReductionIn(_Record):
    id: str = Field(pattern=SLUG_PATTERN)
    service: str | None = None
    # Services a general reduction (service: null) covers; it is shown with their fee answers.
    covers: list[str] = Field(default_factory=list)
    applies_to: dict[str, Any] = Field(default_factory=dict)
    scope: Literal["national", "province"]
    province: str | None = None
    online_fee: int | None = Field(default=None, ge=0)
    percent_off: int | None = Field(default=None, ge=0, le=100)
    document: DocumentRef
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    @model_validator(mode="after")
    def _consistent(self) -> FeeReductionIn:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        if self.scope == "province" and not self.province:
            raise ValueError("a provincial reduction needs a province")
        if self.service and self.online_fee is None and self.percent_off is None:
            raise ValueError("a reduction for a service needs online_fee or percent_off")
        if self.service and self.covers:
            raise ValueError("give either service or covers, not both")
        return self


class FaqIn(_Record):
    """An everyday portal question: ways to ask it and a short answer, in both languages."""

    slug: str = Field(pattern=SLUG_PATTERN)
    questions: dict[str, Any]
    answer: dict[str, Any]
    legal_basis: list[str] = Field(default_factory=list)

    @field_validator("questions", "answer", mode="before")
    @classmethod
    def _required(cls, value: Any) -> dict[str, Any]:
        return _localised(value, required=True)


class Catalogue(BaseModel):
    services: list[ServiceIn] = Field(default_factory=list)
    guides: list[GuideIn] = Field(default_factory=list)
    fee_reductions: list[FeeReductionIn] = Field(default_factory=list)
    faqs: list[FaqIn] = Field(default_factory=list)


_SECTIONS: dict[str, type[BaseModel]] = {
    "services": ServiceIn,
    "guides": GuideIn,
    "fee_reductions": FeeReductionIn,
    "faqs": FaqIn,
}


def _record_label(section: str, index: int, raw: Any) -> str:
    key = raw.get("slug") or raw.get("id") if isinstance(raw, dict) else None
    return f"{section}[{index}]" + (f" ({key})" if key else "")


def parse_catalogue(paths: list[Path]) -> Catalogue:
    """Parse and validate YAML files; raise CatalogueError naming every bad record."""
    problems: list[str] = []
    collected: dict[str, list[BaseModel]] = {name: [] for name in _SECTIONS}
    for path in paths:
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: not valid YAML: {exc}")
            continue
        if not isinstance(document, dict):
            problems.append(f"{path}: expected a mapping with {', '.join(_SECTIONS)}")
            continue
        for section, rows in document.items():
            model = _SECTIONS.get(section)
            if model is None:
                problems.append(f"{path}: unknown section '{section}'")
                continue
            for index, raw in enumerate(rows or []):
                try:
                    collected[section].append(model.model_validate(raw))
                except ValidationError as exc:
                    for error in exc.errors():
                        where = ".".join(str(part) for part in error["loc"]) or "record"
                        problems.append(
                            f"{path}: {_record_label(section, index, raw)}: {where}: {error['msg']}"
                        )
    catalogue = Catalogue(**collected)  # type: ignore[arg-type]
    problems.extend(_cross_checks(catalogue))
    if problems:
        raise CatalogueError(problems)
    return catalogue


def _cross_checks(catalogue: Catalogue) -> list[str]:
    problems: list[str] = []
    for section, key in (
        ("services", "slug"),
        ("guides", "slug"),
        ("fee_reductions", "id"),
        ("faqs", "slug"),
    ):
        seen: set[str] = set()
        for record in getattr(catalogue, section):
            value = getattr(record, key)
            if value in seen:
                problems.append(f"{section}: duplicate {key} '{value}'")
            seen.add(value)
    slugs = {service.slug for service in catalogue.services}
    for reduction in catalogue.fee_reductions:
        if reduction.service and reduction.service not in slugs:
            problems.append(f"fee_reductions ({reduction.id}): unknown service '{reduction.service}'")
        for covered in reduction.covers:
            if covered not in slugs:
                problems.append(f"fee_reductions ({reduction.id}): covers unknown service '{covered}'")
    return problems


def catalogue_files(directory: Path) -> list[Path]:
    """The curated files and the procedure records under `procedures/` (not `drafts/`)."""
    found = [*directory.glob("*.y*ml"), *directory.glob("procedures/*.y*ml")]
    return sorted(p for p in found if p.is_file())


def _str_or_none(value: Any) -> str | None:
    return str(value) if value is not None else None


# Procedures loaded from an official export (core/catalogue_official.py) are not in the YAML files:
# a YAML import leaves them in place.
OFFICIAL_SLUG_PREFIX = "tthc_"


def _sync(session: Session, model: type, key: str, records: dict[str, dict[str, Any]]) -> int:
    """Make the table of `model` hold exactly `records` (key value -> column values), except
    for services imported from official exports."""
    rows: list[Any] = list(session.scalars(select(model)))
    existing = {getattr(row, key): row for row in rows}
    for value, data in records.items():
        row = existing.pop(value, None) or model(**{key: value})
        for name, column_value in data.items():
            setattr(row, name, column_value)
        session.add(row)
    for value, stale in existing.items():
        if model is Service and str(value).startswith(OFFICIAL_SLUG_PREFIX):
            continue
        session.delete(stale)
    session.flush()
    return len(records)


def _dates(record: BaseModel, *names: str) -> dict[str, Any]:
    # model_dump(mode="json") turns dates into strings; the columns want dates.
    return {name: getattr(record, name) for name in names}


def service_columns(service: ServiceIn) -> dict[str, Any]:
    """The `services` column values of a record."""
    return {
        **service.model_dump(mode="json", exclude={"fee"}),
        "fee_offline": service.fee.offline,
        "fee_online": service.fee.online,
        "fee_note": service.fee.note,
        **_dates(service, "last_checked", "valid_from", "valid_to"),
    }


def import_catalogue(session: Session, catalogue: Catalogue) -> dict[str, int]:
    """Upsert every record by its key; records missing from the files are removed (services
    imported from official exports excepted)."""
    services = {s.slug: service_columns(s) for s in catalogue.services}
    guides = {g.slug: {**g.model_dump(mode="json"), **_dates(g, "last_checked")} for g in catalogue.guides}
    reductions = {
        r.id: {
            **r.model_dump(mode="json", exclude={"id", "service"}),
            "service_slug": r.service,
            **_dates(r, "last_checked", "valid_from", "valid_to"),
        }
        for r in catalogue.fee_reductions
    }
    faqs = {f.slug: {**f.model_dump(mode="json"), **_dates(f, "last_checked")} for f in catalogue.faqs}
    return {
        "services": _sync(session, Service, "slug", services),
        "guides": _sync(session, Guide, "slug", guides),
        "fee_reductions": _sync(session, FeeReduction, "key", reductions),
        "faqs": _sync(session, Faq, "slug", faqs),
    }


def export_catalogue(session: Session) -> dict[str, list[dict[str, Any]]]:
    """The database content in the import format (round-trips through `parse_catalogue`)."""

    def sourced(row: Any) -> dict[str, Any]:
        return {
            "source_url": row.source_url,
            "source_title": row.source_title,
            "last_checked": row.last_checked,
            "verified": row.verified,
            "notes": row.notes,
            "extra_sources": row.extra_sources,
        }

    services = [
        {
            "slug": s.slug,
            "procedure_code": _str_or_none(s.procedure_code),
            "name": s.name,
            "aliases": s.aliases,
            "situations": s.situations,
            "field": s.field,
            "level": s.level,
            "group": s.group,
            "agency": s.agency,
            "end_to_end": s.end_to_end,
            "who_may_file": s.who_may_file,
            "documents": s.documents,
            "steps": s.steps,
            "fee": {"offline": s.fee_offline, "online": s.fee_online, "note": s.fee_note},
            "processing_time": s.processing_time,
            "where_to_file": s.where_to_file,
            "conditions": s.conditions,
            "result": s.result,
            "portal_url": s.portal_url,
            "legal_basis": s.legal_basis,
            "valid_from": s.valid_from,
            "valid_to": s.valid_to,
            **sourced(s),
        }
        for s in session.scalars(select(Service).order_by(Service.slug))
    ]
    guides = [
        {
            "slug": g.slug,
            "title": g.title,
            "summary": g.summary,
            "steps": g.steps,
            "more": g.more,
            "legal_basis": g.legal_basis,
            **sourced(g),
        }
        for g in session.scalars(select(Guide).order_by(Guide.slug))
    ]
    reductions = [
        {
            "id": r.key,
            "service": r.service_slug,
            "covers": r.covers or [],
            "applies_to": r.applies_to,
            "scope": r.scope,
            "province": r.province,
            "online_fee": r.online_fee,
            "percent_off": r.percent_off,
            "document": r.document,
            "valid_from": r.valid_from,
            "valid_to": r.valid_to,
            **sourced(r),
        }
        for r in session.scalars(select(FeeReduction).order_by(FeeReduction.key))
    ]
    faqs = [
        {
            "slug": f.slug,
            "questions": f.questions,
            "answer": f.answer,
            "legal_basis": f.legal_basis,
            **sourced(f),
        }
        for f in session.scalars(select(Faq).order_by(Faq.slug))
    ]
    return {"services": services, "guides": guides, "fee_reductions": reductions, "faqs": faqs}
