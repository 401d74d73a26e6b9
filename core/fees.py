"""The fee in force on a date for a service: base fee per filing method, the national and provincial
reductions in force (expired ones ignored, future ones not yet), and conditional waivers.

Computed once here and used by every channel (actions, Zalo, Mini App, catalogue API), so they all
state the same amount. Where several cuts apply, the most favourable one counts (as the fee
circulars say, e.g. Art. 2(2) of Circular 117/2026/TT-BTC).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from core.catalogue import current_reductions, province_reductions
from core.models import FeeReduction, Service
from core.textnorm import fold

# Words of `applies_to` that tell what a reduction needs (folded text).
ALL_CHANNELS = ("moi hinh thuc nop", "any channel", "all channels")
DIGITAL_CITIZEN = ("dinh danh dien tu muc 2", "level-2 e-id")

CONDITIONS = {
    "digital_citizen": {
        "vi": "có tài khoản VNeID mức 2 đã tích hợp giấy tờ của thủ tục và nộp trực tuyến",
        "en": "you have a level-2 VNeID account with the procedure's documents integrated and file online",
    },
    "online": {"vi": "nộp trực tuyến", "en": "you file online"},
}


@dataclass(frozen=True)
class AppliedReduction:
    reduction: FeeReduction
    condition: str | None  # a key of CONDITIONS, None = applies to everyone on its channels
    online_only: bool
    online: int | None  # the amount it sets for online filing (None: not stated)
    offline: int | None  # the amount it sets for filing in person


@dataclass(frozen=True)
class FeeQuote:
    """What a citizen pays on `on`: the unconditional rate per filing method, and the waivers or cuts
    that need a condition (the best one first)."""

    on: dt.date
    base_online: int | None
    base_offline: int | None
    online: int | None
    offline: int | None
    unconditional: list[AppliedReduction] = field(default_factory=list)
    conditional: list[AppliedReduction] = field(default_factory=list)

    @property
    def known(self) -> bool:
        return self.online is not None or self.offline is not None or bool(self.conditional)

    @property
    def reduced(self) -> bool:
        return bool(self.unconditional or self.conditional)

    @property
    def deciding(self) -> FeeReduction | None:
        """The reduction that sets the amount stated first (for its source line)."""
        if self.conditional:
            return self.conditional[0].reduction
        if self.unconditional:
            return self.unconditional[0].reduction
        return None

    def as_dict(self) -> dict[str, object]:
        """The JSON form published by the catalogue API."""
        return {
            "on": self.on.isoformat(),
            "base": {"online": self.base_online, "offline": self.base_offline},
            "online": self.online,
            "offline": self.offline,
            "reductions": [
                {
                    "id": applied.reduction.key,
                    "document": applied.reduction.document.get("number"),
                    "online": applied.online,
                    "offline": applied.offline,
                    "online_only": applied.online_only,
                    "condition": CONDITIONS[applied.condition] if applied.condition else None,
                    "valid_to": applied.reduction.valid_to.isoformat()
                    if applied.reduction.valid_to
                    else None,
                    "verified": applied.reduction.verified,
                }
                for applied in [*self.conditional, *self.unconditional]
            ],
        }


def _text(reduction: FeeReduction) -> str:
    return fold(" ".join(str(v) for v in (reduction.applies_to or {}).values()))


def _amount(reduction: FeeReduction, base: int | None) -> int | None:
    if reduction.online_fee is not None:
        return reduction.online_fee
    if reduction.percent_off is not None and (base is not None or reduction.percent_off == 100):
        return 0 if reduction.percent_off == 100 else round((base or 0) * (100 - reduction.percent_off) / 100)
    return None


def applied(reduction: FeeReduction, service: Service) -> AppliedReduction:
    text = _text(reduction)
    condition = "digital_citizen" if any(w in text for w in DIGITAL_CITIZEN) else None
    online_only = not any(w in text for w in ALL_CHANNELS)
    online = _amount(reduction, service.fee_online)
    offline = None if online_only else _amount(reduction, service.fee_offline)
    if condition is None and online_only:
        condition = None  # online filing is shown per method, not as a condition
    return AppliedReduction(reduction, condition, online_only, online, offline)


def _lowest(*amounts: int | None) -> int | None:
    known = [a for a in amounts if a is not None]
    return min(known) if known else None


def fee_in_force(session: Session, service: Service, on: dt.date, province: str | None = None) -> FeeQuote:
    """The fee of `service` on `on`, for someone in `province` (today's unit name) if given."""
    reductions = current_reductions(session, service.slug, on)
    if province:
        reductions += province_reductions(session, province, on, service.slug)
    unconditional: list[AppliedReduction] = []
    conditional: list[AppliedReduction] = []
    for reduction in reductions:
        item = applied(reduction, service)
        if item.online is None and item.offline is None:
            continue  # says nothing about this service's amount
        (conditional if item.condition else unconditional).append(item)
    online = _lowest(service.fee_online, *(a.online for a in unconditional))
    offline = _lowest(service.fee_offline, *(a.offline for a in unconditional))
    unconditional.sort(key=lambda a: a.online if a.online is not None else 10**12)
    conditional.sort(key=lambda a: a.online if a.online is not None else 10**12)
    # A cut below the base that is beaten by a lower one is not the deciding one: keep the lowest.
    return FeeQuote(on, service.fee_online, service.fee_offline, online, offline, unconditional, conditional)
