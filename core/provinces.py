"""The 34 provincial units since 2025 and the 63 old names they absorbed (data/reference/provinces.yaml)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from core.settings import PROJECT_ROOT
from core.textnorm import fold

REFERENCE = PROJECT_ROOT / "data" / "reference" / "provinces.yaml"


@dataclass(frozen=True)
class Unit:
    name: str
    kind: str  # city | province
    formed_from: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    old_aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def label_vi(self) -> str:
        return f"thành phố {self.name}" if self.kind == "city" else f"tỉnh {self.name}"

    @property
    def label_en(self) -> str:
        return f"{self.name} city" if self.kind == "city" else f"{self.name} province"


@dataclass(frozen=True)
class Resolved:
    """What a citizen named, and the unit it belongs to today."""

    said: str
    unit: Unit
    is_old_name: bool


@dataclass
class ProvinceMap:
    units: list[Unit]
    source_url: str
    source_title: str
    last_checked: dt.date
    _index: dict[str, tuple[str, Unit]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for unit in self.units:
            for name in (unit.name, *unit.formed_from, *unit.aliases):
                canonical = name if name in (unit.name, *unit.formed_from) else unit.name
                self._index.setdefault(fold(name), (canonical, unit))
            for old, spellings in unit.old_aliases:
                for spelling in spellings:
                    self._index.setdefault(fold(spelling), (old, unit))

    def resolve(self, name: str | None) -> Resolved | None:
        """Map any name (old, new, alias, with or without diacritics) to today's unit."""
        if not name:
            return None
        hit = self._index.get(fold(name))
        if hit is None:
            return None
        said, unit = hit
        return Resolved(said=said, unit=unit, is_old_name=fold(said) != fold(unit.name))

    def names(self) -> dict[str, list[str]]:
        """Canonical name (new or old) -> the spellings that refer to it, for NLU lookups."""
        table: dict[str, list[str]] = {}
        for unit in self.units:
            table.setdefault(unit.name, []).extend([unit.name, *unit.aliases])
            for old in unit.formed_from:
                table.setdefault(old, []).append(old)
            for old, spellings in unit.old_aliases:
                table.setdefault(old, []).extend(spellings)
        return {name: sorted(set(spellings)) for name, spellings in table.items()}


def load_provinces(path: Path = REFERENCE) -> ProvinceMap:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    units = [
        Unit(
            u["name"],
            u["kind"],
            tuple(u["formed_from"]),
            tuple(u.get("aliases") or ()),
            tuple((old, tuple(spellings)) for old, spellings in (u.get("old_aliases") or {}).items()),
        )
        for u in data["units"]
    ]
    return ProvinceMap(units, data["source_url"], data["source_title"], data["last_checked"])


@lru_cache
def provinces() -> ProvinceMap:
    return load_provinces()
