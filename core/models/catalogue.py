"""The knowledge base: services, VNeID guides and fee reductions, each with its source."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, Localised


class SourcedMixin:
    """Every fact the bot states carries its source and the date it was last checked."""

    source_url: Mapped[str] = mapped_column(String(500))
    source_title: Mapped[str | None] = mapped_column(String(300))
    last_checked: Mapped[dt.date] = mapped_column(Date)
    verified: Mapped[bool] = mapped_column(Boolean, default=True)
    # For maintainers (what is verified, doubts); never shown to citizens.
    notes: Mapped[str | None] = mapped_column(Text)
    extra_sources: Mapped[list[str]] = mapped_column(JSON, default=list)


class Service(SourcedMixin, Base):
    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    procedure_code: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[Localised] = mapped_column(JSON)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    situations: Mapped[Localised] = mapped_column(JSON, default=dict)
    field: Mapped[Localised] = mapped_column(JSON, default=dict)
    level: Mapped[list[str]] = mapped_column(JSON, default=list)
    group: Mapped[str | None] = mapped_column(String(80), index=True)
    agency: Mapped[Localised] = mapped_column(JSON, default=dict)
    end_to_end: Mapped[bool | None] = mapped_column(Boolean)  # None: not verified
    who_may_file: Mapped[Localised] = mapped_column(JSON, default=dict)
    documents: Mapped[Localised] = mapped_column(JSON, default=dict)
    steps: Mapped[Localised] = mapped_column(JSON, default=dict)
    fee_offline: Mapped[int | None] = mapped_column(Integer)
    fee_online: Mapped[int | None] = mapped_column(Integer)
    fee_note: Mapped[Localised] = mapped_column(JSON, default=dict)
    processing_time: Mapped[Localised] = mapped_column(JSON, default=dict)
    where_to_file: Mapped[Localised] = mapped_column(JSON, default=dict)
    conditions: Mapped[Localised] = mapped_column(JSON, default=dict)
    result: Mapped[Localised] = mapped_column(JSON, default=dict)
    portal_url: Mapped[str | None] = mapped_column(String(500))
    legal_basis: Mapped[list[str]] = mapped_column(JSON, default=list)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)


class Guide(SourcedMixin, Base):
    """A help topic (VNeID login, forgot passcode...), answered as short steps."""

    __tablename__ = "guides"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    title: Mapped[Localised] = mapped_column(JSON)
    summary: Mapped[Localised] = mapped_column(JSON, default=dict)
    steps: Mapped[Localised] = mapped_column(JSON, default=dict)
    more: Mapped[Localised] = mapped_column(JSON, default=dict)
    legal_basis: Mapped[list[str]] = mapped_column(JSON, default=list)


class FeeReduction(SourcedMixin, Base):
    """A time-bound fee reduction for online filing, national or provincial."""

    __tablename__ = "fee_reductions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True, index=True)
    service_slug: Mapped[str | None] = mapped_column(
        ForeignKey("services.slug", ondelete="CASCADE", onupdate="CASCADE"), index=True
    )
    # A reduction with no single service (a council resolution) lists the services it covers.
    covers: Mapped[list[str] | None] = mapped_column(JSON, default=list)
    applies_to: Mapped[Localised] = mapped_column(JSON, default=dict)
    scope: Mapped[str] = mapped_column(String(20))  # national | province
    province: Mapped[str | None] = mapped_column(String(80))
    online_fee: Mapped[int | None] = mapped_column(Integer)
    percent_off: Mapped[int | None] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)


class Faq(SourcedMixin, Base):
    """An everyday portal question (pay online, track a file, hotlines...) with a short answer."""

    __tablename__ = "faqs"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    # Ways citizens ask it, per language; matched over folded text (core/faq.py).
    questions: Mapped[Localised] = mapped_column(JSON, default=dict)
    answer: Mapped[Localised] = mapped_column(JSON, default=dict)
    legal_basis: Mapped[list[str]] = mapped_column(JSON, default=list)
