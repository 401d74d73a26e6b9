"""staff review console: accounts, sessions, audit log, review decisions, drafts, models

Revision ID: 0004_staff
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_staff"
down_revision = "0001"
branch_labels = ("staff",)
depends_on = None

NOW = sa.text("(CURRENT_TIMESTAMP)")


def upgrade() -> None:
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("first_failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_staff_users_username", "staff_users", ["username"], unique=True)

    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_staff_sessions_token_hash", "staff_sessions", ["token_hash"], unique=True)
    op.create_index("ix_staff_sessions_user_id", "staff_sessions", ["user_id"])

    op.create_table(
        "staff_audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column(
            "actor_id", sa.Integer(), sa.ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(200), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("ip", sa.String(64), nullable=True),
    )
    op.create_index("ix_staff_audit_log_created_at", "staff_audit_log", ["created_at"])
    op.create_index("ix_staff_audit_log_actor", "staff_audit_log", ["actor"])
    op.create_index("ix_staff_audit_log_action", "staff_audit_log", ["action"])

    op.create_table(
        "staff_review_decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "question_id",
            sa.Integer(),
            sa.ForeignKey("unresolved_questions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("intent", sa.String(80), nullable=True),
        sa.Column("example_text", sa.Text(), nullable=True),
        sa.Column("cluster_key", sa.Integer(), nullable=True),
        sa.Column(
            "decided_by", sa.Integer(), sa.ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("decided_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("exported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("export_result", sa.String(20), nullable=True),
        sa.Column("export_file", sa.String(300), nullable=True),
    )
    op.create_index(
        "ix_staff_review_decisions_question_id", "staff_review_decisions", ["question_id"], unique=True
    )
    op.create_index("ix_staff_review_decisions_action", "staff_review_decisions", ["action"])
    op.create_index("ix_staff_review_decisions_exported_at", "staff_review_decisions", ["exported_at"])

    op.create_table(
        "staff_content_drafts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column(
            "created_by", sa.Integer(), sa.ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("question_ids", sa.JSON(), nullable=False),
        sa.Column("question_text", sa.Text(), nullable=False),
        sa.Column("title", sa.String(300), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("source_url", sa.String(500), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column(
            "completed_by", sa.Integer(), sa.ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_staff_content_drafts_status", "staff_content_drafts", ["status"])

    op.create_table(
        "staff_training_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "started_by", sa.Integer(), sa.ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("config", sa.String(500), nullable=False),
        sa.Column("log_path", sa.String(500), nullable=False),
        sa.Column("model_path", sa.String(500), nullable=True),
        sa.Column("baseline_path", sa.String(500), nullable=True),
        sa.Column("metrics", sa.JSON(), nullable=True),
        sa.Column("baseline_metrics", sa.JSON(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
    )
    op.create_index("ix_staff_training_runs_state", "staff_training_runs", ["state"])

    op.create_table(
        "staff_model_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("path", sa.String(500), nullable=False, unique=True),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column(
            "run_id",
            sa.Integer(),
            sa.ForeignKey("staff_training_runs.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("accuracy", sa.Float(), nullable=True),
        sa.Column("macro_f1", sa.Float(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("live", sa.Boolean(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    for table in (
        "staff_model_versions",
        "staff_training_runs",
        "staff_content_drafts",
        "staff_review_decisions",
        "staff_audit_log",
        "staff_sessions",
        "staff_users",
    ):
        op.drop_table(table)
