"""Official formats of the national procedure database (CSDL quốc gia về TTHC, dichvucong.gov.vn):

- the list export: Excel (.xlsx), one row per procedure, columns "Mã thủ tục", "Tên thủ tục",
  "Lĩnh vực", "Cấp thực hiện", "Cơ quan thực hiện" (header row found by its titles);
- the per-procedure detail: JSON lines with the portal page's fields (ma_thu_tuc, ten_thu_tuc,
  linh_vuc, cap_thuc_hien, co_quan_thuc_hien, thanh_phan_ho_so, trinh_tu_thuc_hien,
  cach_thuc_thuc_hien, ...), or list lines (code, name, categories, departments).

Each row becomes a ServiceIn (slug "tthc_<code>"); a bad row is named and skipped, the others are
imported. Re-import updates in place: created / updated / unchanged / kept (a curated record
with the same code is left as written) / skipped.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.catalogue_io import OFFICIAL_SLUG_PREFIX, ServiceIn, service_columns
from core.models import Service
from core.settings import PROJECT_ROOT
from core.textnorm import fold

OFFICIAL_PREFIX = OFFICIAL_SLUG_PREFIX
PORTAL_URL = "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html"
NO_INFO = "không có thông tin"
LEVELS = {"cap xa": "commune", "cap tinh": "province", "cap bo": "central", "cap trung uong": "central"}
# Folded column titles of the list export -> our field.
LIST_COLUMNS = {
    "ma thu tuc": "code",
    "ten thu tuc": "name",
    "linh vuc": "field",
    "cap thuc hien": "level",
    "co quan thuc hien": "agency",
    "duong dan": "url",
    "url": "url",
}
METHODS = {"Trực tiếp": "offline", "Trực tuyến": "online", "Dịch vụ bưu chính": "post"}
_METHOD_SPLIT = re.compile("(" + "|".join(METHODS) + ")")
_TIME = re.compile(r"\s*(\d+(?:[.,]\d+)?)\s*(Ngày làm việc|Ngày|Giờ làm việc|Giờ|Tháng)?", re.IGNORECASE)
_AMOUNT = re.compile(r"^\s*(?:Lệ phí|Phí)?\s*:?\s*(\d[\d.,]*)\s*(?:VNĐ|Đồng|đồng)")
# Document numbers end with the issuer ("NĐ-CP", "TT-BTP", "QH13"); the export glues the next title on.
_ISSUERS = "|".join(
    [
        *[
            "CP",
            "TTg",
            "BTP",
            "BTC",
            "BCA",
            "BYT",
            "BGDĐT",
            "BLĐTBXH",
            "BXD",
            "BTNMT",
            "BNNMT",
            "BNNPTNT",
            "BKHĐT",
            "BCT",
            "BGTVT",
        ],
        *["BTTTT", "BNV", "BQP", "NHNN", "BKHCN", "BVHTTDL", "BNG", "BDTTG"],
        r"UBTVQH\d{2}",
        r"QH\d{2}",
    ]
)
_LEGAL_CODE = re.compile(rf"(?<![\d.])\d+(?:\.\d+)?/\d{{4}}/(?:[A-ZĐ]+-)?(?:{_ISSUERS})")
_DOC_SPLIT = re.compile(r"\d+\s*bản\s*(?:chính|sao)")
_DOC_HEADERS = re.compile(
    r"-*\s*(\*\s*Giấy tờ phải (?:nộp|xuất trình):)?\s*Tên giấy tờMẫu đơn, tờ khaiSố lượng"
)
CODE = re.compile(r"\d\.\d{6}")
_ATTACHMENT = re.compile(
    r"[A-Za-z0-9_-]+\.(?:docx?|pdf|xlsx?)\b", re.IGNORECASE
)  # form files named in the export
MAX_ITEMS = 12
MAX_ITEM_CHARS = 400


def reference_dir() -> Path | None:
    """The read-only reference records (../shared/reference/tthc), when this machine has them."""
    env = os.environ.get("TTHC_REFERENCE_DIR")
    candidates = [Path(env)] if env else []
    candidates += [parent / "shared" / "reference" / "tthc" for parent in PROJECT_ROOT.parents[:3]]
    return next((path for path in candidates if (path / "catalogue_list.jsonl.gz").exists()), None)


def is_official_file(path: Path) -> bool:
    return path.name.lower().endswith((".xlsx", ".jsonl", ".jsonl.gz", ".json"))


@dataclass
class OfficialBatch:
    records: list[ServiceIn] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.kept)} kept (curated record with the same code), {len(self.skipped)} skipped"
        )


def _text(value: Any) -> str:
    text = re.sub(r"\s+", " ", str(value or "")).strip()
    return "" if fold(text) in {"", fold(NO_INFO)} else text


def _items(parts: list[str]) -> list[str]:
    cleaned = [
        _text(_ATTACHMENT.sub("", part)).lstrip("-+* ").rstrip(" .;")[:MAX_ITEM_CHARS] for part in parts
    ]
    return [part for part in cleaned if re.search(r"\w{2}", part)][:MAX_ITEMS]


def _levels(value: Any) -> list[str]:
    found = [LEVELS.get(fold(part).strip()) for part in str(value or "").split(",")]
    return list(dict.fromkeys(level for level in found if level))


def _vi(value: Any) -> dict[str, Any]:
    return {"vi": value} if value else {}


def _ways(table: str) -> tuple[dict[str, str], dict[str, int | None], list[str]]:
    """The portal's flattened "ways of filing" table -> time per way, amount per way, fee texts."""
    times: dict[str, str] = {}
    amounts: dict[str, int | None] = {}
    notes: list[str] = []
    pieces = _METHOD_SPLIT.split(table or "")
    for method, rest in zip(pieces[1::2], pieces[2::2], strict=False):
        time = _TIME.match(rest)
        if time:
            unit = time.group(2) or "ngày (đơn vị không ghi trên trang)"
            times[method] = f"{time.group(1)} {unit.lower()}"
            rest = rest[time.end() :]
        elif rest.lower().startswith(NO_INFO):
            rest = rest[len(NO_INFO) :]
        amount = _AMOUNT.match(rest)
        if amount:
            amounts[METHODS[method]] = int(re.sub(r"[.,]", "", amount.group(1)))
        elif rest.startswith("Miễn phí") and not rest[len("Miễn phí") :].strip():
            amounts[METHODS[method]] = 0
        fee_text = _text(rest)
        if fee_text and fee_text not in notes:
            notes.append(fee_text[:MAX_ITEM_CHARS])
    return times, amounts, notes


def _record(raw: dict[str, Any], source: Path, on: dt.date) -> dict[str, Any]:
    """One official record (detail, list line or Excel row) -> ServiceIn fields."""
    code = _text(raw.get("ma_thu_tuc") or raw.get("code"))
    name = _text(raw.get("ten_thu_tuc") or raw.get("name"))
    categories = raw.get("categories")
    field_name = _text(raw.get("linh_vuc") or raw.get("field") or (categories[0] if categories else ""))
    departments = raw.get("departments")
    agency = _text(
        raw.get("co_quan_thuc_hien")
        or raw.get("co_quan_co_tham_quyen")
        or raw.get("agency")
        or ("; ".join(departments) if departments else "")
    ) or _text(raw.get("co_quan_co_tham_quyen"))
    url = _text(raw.get("detail_url") or raw.get("url"))
    record: dict[str, Any] = {
        "slug": OFFICIAL_PREFIX + code.replace(".", "_"),
        "procedure_code": code or None,
        "name": {"vi": name},
        "field": _vi(field_name),
        "level": _levels(raw.get("cap_thuc_hien") or raw.get("level")),
        "agency": _vi(agency),
        "source_url": url or PORTAL_URL,
        "source_title": f"Cơ sở dữ liệu quốc gia về thủ tục hành chính ({source.name})",
        "portal_url": url or None,
        "last_checked": on,
        "verified": False,
        "notes": f"Imported from the official export {source.name}; not re-checked against the legal text.",
    }
    if "ma_thu_tuc" not in raw:
        return record
    times, amounts, fee_notes = _ways(str(raw.get("cach_thuc_thuc_hien") or ""))
    documents = _DOC_SPLIT.split(_DOC_HEADERS.sub("\n", str(raw.get("thanh_phan_ho_so") or "")))
    steps = re.split(r"\n+(?=Bước\s*\d)|\n{2,}", str(raw.get("trinh_tu_thuc_hien") or ""))
    results = re.split(r"Mã: KQ\.[\w.]+", str(raw.get("ket_qua_xu_ly") or "").split("Từ khóa")[0])
    record.update(
        who_may_file=_vi(_text(raw.get("doi_tuong_thuc_hien"))),
        documents=_vi(_items(documents)),
        steps=_vi(_items(steps)),
        processing_time=_vi("; ".join(f"{way}: {time}" for way, time in times.items())),
        fee={
            "offline": amounts.get("offline"),
            "online": amounts.get("online"),
            "note": _vi(" ".join(fee_notes)),
        },
        where_to_file=_vi(_text(raw.get("dia_chi_tiep_nhan"))),
        conditions=_vi(_text(raw.get("yeu_cau_dieu_kien"))[:1500]),
        result=_vi("; ".join(_items(results))),
        legal_basis=list(dict.fromkeys(_LEGAL_CODE.findall(str(raw.get("can_cu_phap_ly") or ""))))[
            :MAX_ITEMS
        ],
    )
    return record


def _xlsx_rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    from openpyxl import load_workbook  # only needed for Excel exports

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            columns: dict[int, str] | None = None
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                if columns is None:
                    titles = {
                        i: LIST_COLUMNS.get(fold(str(cell or "")).strip(" *:")) for i, cell in enumerate(row)
                    }
                    if "code" in titles.values() and "name" in titles.values():
                        columns = {i: name for i, name in titles.items() if name}
                    continue
                if all(cell in (None, "") for cell in row):
                    continue
                values = {name: row[i] for i, name in columns.items() if i < len(row)}
                yield f"{sheet.title}!row {number}", values
            if columns is None:
                yield f"{sheet.title}", {"_error": "no header row with 'Mã thủ tục' and 'Tên thủ tục'"}
    finally:
        workbook.close()


def _json_rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        text = handle.read()
    if path.name.endswith(".json"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            yield "file", {"_error": f"not valid JSON: {exc}"}
            return
        for number, raw in enumerate(document if isinstance(document, list) else [document], start=1):
            yield f"record {number}", raw if isinstance(raw, dict) else {"_error": "not a JSON object"}
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            yield f"line {number}", {"_error": f"not valid JSON: {exc.msg}"}
            continue
        yield f"line {number}", raw if isinstance(raw, dict) else {"_error": "not a JSON object"}


def read_official(path: Path, on: dt.date | None = None) -> OfficialBatch:
    """Every valid record of an official export; each bad row named in `problems`."""
    on = on or dt.date.today()
    batch = OfficialBatch()
    rows = _xlsx_rows(path) if path.name.lower().endswith(".xlsx") else _json_rows(path)
    seen: dict[str, str] = {}
    for where, raw in rows:
        if "_error" in raw:
            batch.problems.append(f"{path.name}: {where}: {raw['_error']}")
            continue
        fields = {
            key: (value.strftime("%d/%m/%Y") if isinstance(value, dt.datetime) else value)
            for key, value in raw.items()
        }
        record = _record(fields, path, on)
        code = record["procedure_code"] or "?"
        label = f"{path.name}: {where} ({code})"
        if not CODE.fullmatch(code):
            batch.problems.append(f"{label}: '{code}' is not a procedure code (d.dddddd)")
            continue
        if not record["name"]["vi"]:
            batch.problems.append(f"{label}: no procedure name")
            continue
        try:
            service = ServiceIn.model_validate(record)
        except ValidationError as exc:
            first = exc.errors()[0]
            where_field = ".".join(str(part) for part in first["loc"])
            shown = "code" if where_field in {"procedure_code", "slug"} else where_field
            batch.problems.append(f"{label}: {shown}: {first['msg']}")
            continue
        if service.slug in seen:
            batch.problems.append(f"{label}: same code as {seen[service.slug]}, skipped")
            continue
        seen[service.slug] = where
        batch.records.append(service)
    return batch


COMPARED_OUT = {"last_checked"}  # re-reading the same export is not a change


def upsert_official(session: Session, batch: OfficialBatch) -> ImportReport:
    """Add or update the batch's records in place; nothing else in the catalogue is touched."""
    report = ImportReport(skipped=list(batch.problems))
    rows = {row.slug: row for row in session.scalars(select(Service))}
    curated = {
        row.procedure_code: row.slug
        for row in rows.values()
        if row.procedure_code and not row.slug.startswith(OFFICIAL_PREFIX)
    }
    for record in batch.records:
        if record.procedure_code in curated:
            report.kept.append(f"{record.procedure_code} ({curated[record.procedure_code]})")
            continue
        columns = service_columns(record)
        row = rows.get(record.slug)
        if row is None:
            session.add(Service(**columns))
            report.created.append(record.slug)
            continue
        changed = {
            name: value
            for name, value in columns.items()
            if name not in COMPARED_OUT and getattr(row, name) != value
        }
        if not changed:
            report.unchanged.append(record.slug)
            continue
        for name, value in {**changed, "last_checked": columns["last_checked"]}.items():
            setattr(row, name, value)
        report.updated.append(record.slug)
    session.flush()
    return report
