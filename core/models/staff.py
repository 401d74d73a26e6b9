"""The staff console: accounts, login sessions, audit log, review decisions, content drafts,
training runs and the model history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))  # reviewer | admin
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class LoginAttempt(Base):
    """Failed logins of one account from one client address, and its lock. Counted per pair:
    someone elsewhere cannot lock the owner out."""

    __tablename__ = "staff_login_attempts"
    __table_args__ = (UniqueConstraint("user_id", "client", name="uq_staff_login_attempts_user_client"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    client: Mapped[str] = mapped_column(String(64))  # the client IP address ("-" when unknown)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class StaffSession(Base):
    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """Who did what to what, and when. Details never hold passwords or tokens."""

    __tablename__ = "staff_audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(64), index=True)  # username (kept if the user goes)
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))


class ReviewDecision(Base):
    """A reviewer's decision on one unresolved question: assign | new_content | ignore."""

    __tablename__ = "staff_review_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("unresolved_questions.id", ondelete="CASCADE"), unique=True, index=True
    )
    action: Mapped[str] = mapped_column(String(20), index=True)
    intent: Mapped[str | None] = mapped_column(String(80))
    example_text: Mapped[str | None] = mapped_column(Text)  # redacted, single line
    cluster_key: Mapped[int | None] = mapped_column(Integer)  # representative question id
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    exported_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    # exported | duplicate | heldout | unknown_intent (why an assigned example was or was not written)
    export_result: Mapped[str | None] = mapped_column(String(20))
    export_file: Mapped[str | None] = mapped_column(String(300))


class ContentDraft(Base):
    """A question that needs new content: a draft answer/catalogue entry for an admin to complete."""

    __tablename__ = "staff_content_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    question_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    question_text: Mapped[str] = mapped_column(Text)  # representative question (redacted)
    title: Mapped[str | None] = mapped_column(String(300))
    answer: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open | done | dismissed
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class TrainingRun(Base):
    """One retraining: export folder + config -> candidate model -> evaluation -> load or reject."""

    __tablename__ = "staff_training_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    started_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    # queued | training | evaluating | loading | loaded | rejected | failed
    state: Mapped[str] = mapped_column(String(20), index=True)
    config: Mapped[str] = mapped_column(String(500))
    log_path: Mapped[str] = mapped_column(String(500))
    model_path: Mapped[str | None] = mapped_column(String(500))
    baseline_path: Mapped[str | None] = mapped_column(String(500))
    metrics: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    baseline_metrics: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    message: Mapped[str | None] = mapped_column(Text)


class ModelVersion(Base):
    """A model known to the console, with its held-out figures; `live` marks the one Rasa serves."""

    __tablename__ = "staff_model_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    path: Mapped[str] = mapped_column(String(500), unique=True)
    origin: Mapped[str] = mapped_column(String(20))  # baseline | retrain
    run_id: Mapped[int | None] = mapped_column(ForeignKey("staff_training_runs.id", ondelete="SET NULL"))
    accuracy: Mapped[float | None] = mapped_column(Float)
    macro_f1: Mapped[float | None] = mapped_column(Float)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    live: Mapped[bool] = mapped_column(Boolean, default=False)
    loaded_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
