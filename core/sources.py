"""Which source an answer may show: an official page, else the legal document (number, issuer,
date). News and third-party pages may support a record (extra_sources) but are never shown."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

# Official hosts: the state's own domains and the official legal-text and gazette sites.
OFFICIAL_SUFFIXES = (".gov.vn",)
OFFICIAL_HOSTS = {
    "vbpl.vn",
    "chinhphu.vn",
    "vanban.chinhphu.vn",
    "congbao.chinhphu.vn",
    "datafiles.chinhphu.vn",
    "baochinhphu.vn",
    "xaydungchinhsach.chinhphu.vn",
    "quochoi.vn",
    "dichvucong.gov.vn",
}

# "64/2025/TT-BTC", "66.22/2026/NQ-CP", "49/2019/QH14", "411/NQ-HĐND" (no year).
DOCUMENT_NUMBER = re.compile(r"\d+(?:\.\d+)?/(?:\d{4}/)?(?:QH\d+|[A-ZĐ]+(?:-[A-ZĐ]+)+)")
ISSUERS = {
    "QH": {"vi": "Quốc hội", "en": "National Assembly"},
    "NQ-CP": {"vi": "Chính phủ", "en": "Government"},
    "NĐ-CP": {"vi": "Chính phủ", "en": "Government"},
    "QĐ-TTG": {"vi": "Thủ tướng Chính phủ", "en": "Prime Minister"},
    "TT-BTC": {"vi": "Bộ Tài chính", "en": "Ministry of Finance"},
    "TT-BCA": {"vi": "Bộ Công an", "en": "Ministry of Public Security"},
    "TT-BTP": {"vi": "Bộ Tư pháp", "en": "Ministry of Justice"},
    "NQ-HĐND": {"vi": "HĐND", "en": "People's Council"},
}


def is_official(url: object) -> bool:
    if not url:
        return False
    host = (urlparse(str(url)).hostname or "").lower().removeprefix("www.")
    return host in OFFICIAL_HOSTS or host.endswith(OFFICIAL_SUFFIXES)


def issuer_of(number: str, language: str) -> str | None:
    """'64/2025/TT-BTC' -> 'Bộ Tài chính'; '49/2019/QH14' -> 'Quốc hội'."""
    suffix = number.split("/")[-1].upper()
    for key, names in ISSUERS.items():
        if suffix == key or (key == "QH" and re.fullmatch(r"QH\d+", suffix)):
            return names.get(language) or names["vi"]
    return None


@dataclass(frozen=True)
class ShownSource:
    """What the source line says: a title (official URL or legal document) and the last check."""

    title: str | None  # None: no official source
    last_checked: dt.date
    verified: bool


def _document_title(number: str, language: str, issued: Any = None, place: str | None = None) -> str:
    issuer = issuer_of(number, language)
    if issuer and place and "HĐND" in number.upper():
        issuer = f"{issuer} {place}" if language == "vi" else f"{place} {issuer}"
    details = [d for d in (issuer, issued.strftime("%d/%m/%Y") if isinstance(issued, dt.date) else None) if d]
    return f"{number} ({', '.join(details)})" if details else number


def shown_source(record: Any, language: str) -> ShownSource:
    """The source a citizen sees for `record` (a service, guide, reduction or FAQ)."""
    url = getattr(record, "source_url", None)
    checked = record.last_checked
    verified = bool(getattr(record, "verified", True))
    if is_official(url):
        return ShownSource(url, checked, verified)
    document = getattr(record, "document", None) or {}
    if document.get("number"):
        if is_official(document.get("url")):
            return ShownSource(str(document["url"]), checked, verified)
        issued = document.get("issued")
        if isinstance(issued, str):
            try:
                issued = dt.date.fromisoformat(issued)
            except ValueError:
                issued = None
        place = getattr(record, "province", None)
        return ShownSource(_document_title(document["number"], language, issued, place), checked, verified)
    for basis in getattr(record, "legal_basis", None) or []:
        found = DOCUMENT_NUMBER.search(basis)
        if found:
            return ShownSource(_document_title(found.group(0), language), checked, verified)
    return ShownSource(None, checked, False)


def non_official_records(catalogue: Any) -> list[str]:
    """Records of a parsed catalogue whose shown source would not be official (for `validate`)."""
    problems = []
    sections = ("services", "guides", "fee_reductions", "faqs")
    for section in sections:
        for record in getattr(catalogue, section, None) or []:
            label = getattr(record, "slug", None) or getattr(record, "id", None) or "?"
            if is_official(str(record.source_url)):
                continue
            document = getattr(record, "document", None)
            number = getattr(document, "number", None) if document is not None else None
            bases = [b for b in getattr(record, "legal_basis", None) or [] if DOCUMENT_NUMBER.search(b)]
            fallback = (
                f"legal document {number}" if number else (f"legal basis {bases[0]}" if bases else None)
            )
            problems.append(
                f"{section}/{label}: source_url {record.source_url} is not official"
                + (f" (answers cite the {fallback})" if fallback else " and no legal document to cite")
            )
    return problems
