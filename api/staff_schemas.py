"""Response models of the staff console's JSON API (/api/staff). Unknown fields are refused, so
an answer that drifts from its model fails loudly in the tests instead of going undocumented."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Who(Out):
    username: str
    role: str
    csrf: str


class Ok(Out):
    ok: bool


class Intents(Out):
    intents: list[str]


class Decision(Out):
    action: str
    intent: str | None
    exported: str | None


class Question(Out):
    id: int
    text: str
    created_at: str | None
    channel: str
    language: str | None
    reason: str
    status: str
    bot_reply: str | None
    decision: Decision | None


class Cluster(Out):
    key: int
    count: int
    representative: Question
    question_ids: list[int]
    members: list[Question]
    channels: dict[str, int]
    reasons: dict[str, int]


class InboxFilters(Out):
    channels: list[str]
    languages: list[str]
    reasons: list[str]
    statuses: list[str]


class Inbox(Out):
    total_questions: int
    total_clusters: int
    page: int
    page_size: int
    pages: int
    clusters: list[Cluster]
    filters: InboxFilters


class Reviewed(Out):
    updated: int
    action: str
    intent: str | None
    draft_id: int | None


class Reopened(Out):
    updated: int


class PendingExample(Out):
    question_id: int
    intent: str | None
    text: str | None


class PendingExamples(Out):
    count: int
    examples: list[PendingExample]


class Exported(Out):
    file: str | None
    examples: int
    results: dict[str, int]
    intents: dict[str, int]
    validation: str


class Draft(Out):
    id: int
    created_at: str | None
    question_ids: list[int]
    question_text: str
    title: str | None
    answer: str | None
    source_url: str | None
    status: str
    completed_at: str | None


class Drafts(Out):
    drafts: list[Draft]


class TrainingStarted(Out):
    run_id: int


class TrainingRun(Out):
    id: int
    state: str
    created_at: str | None
    finished_at: str | None
    config: str
    model: str | None
    baseline: str | None
    metrics: dict[str, Any] | None
    baseline_metrics: dict[str, Any] | None
    message: str | None
    log: list[str] | None = None  # the tail of the run's log, on GET /training/{id}


class TrainingRuns(Out):
    runs: list[TrainingRun]


class ModelFigures(Out):
    accuracy: float | None
    macro_f1: float | None


class ModelVersion(Out):
    id: int
    file: str
    origin: str
    run_id: int | None
    accuracy: float | None
    macro_f1: float | None
    live: bool
    created_at: str | None
    loaded_at: str | None
    variants: dict[str, ModelFigures]
    exists: bool
    loadable: bool


class ModelVersions(Out):
    models: list[ModelVersion]


class ModelLoaded(Out):
    loaded: str
    rollback: bool


class FallbackRate(Out):
    overall: float | None
    total: int
    unanswered: int
    per_day: list[float | None]


class FeedbackCounts(Out):
    available: bool
    up: int
    down: int
    rate_up: float | None


class TopCluster(Out):
    key: int
    count: int
    text: str


class ServiceCount(Out):
    service: str
    count: int


class Dashboard(Out):
    days: int
    dates: list[str]
    channels: list[str]
    conversations: dict[str, list[int]]
    fallback_rate: FallbackRate
    feedback: FeedbackCounts
    top_clusters: list[TopCluster]
    services: list[ServiceCount]


class AuditLine(Out):
    id: int
    at: str | None
    actor: str
    action: str
    target: str | None
    details: dict[str, Any]
    ip: str | None


class AuditLog(Out):
    total: int
    page: int
    entries: list[AuditLine]


class StaffAccount(Out):
    id: int
    username: str
    role: str
    active: bool
    locked: bool
    last_login_at: str | None


class StaffAccounts(Out):
    users: list[StaffAccount]
    roles: list[str]
