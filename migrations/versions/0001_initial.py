"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 06:22:17.827592
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "chat_exchanges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("sender_hash", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("intent", sa.String(length=80), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("service", sa.String(length=80), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("reply_count", sa.Integer(), nullable=False),
        sa.Column("reply_text", sa.Text(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("chat_exchanges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chat_exchanges_channel"), ["channel"], unique=False)
        batch_op.create_index(batch_op.f("ix_chat_exchanges_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_chat_exchanges_intent"), ["intent"], unique=False)
        batch_op.create_index(batch_op.f("ix_chat_exchanges_sender_hash"), ["sender_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_chat_exchanges_service"), ["service"], unique=False)
        batch_op.create_index(batch_op.f("ix_chat_exchanges_status"), ["status"], unique=False)

    op.create_table(
        "guides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("more", sa.JSON(), nullable=False),
        sa.Column("legal_basis", sa.JSON(), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("source_title", sa.String(length=300), nullable=True),
        sa.Column("last_checked", sa.Date(), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("extra_sources", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("guides", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guides_slug"), ["slug"], unique=True)

    op.create_table(
        "services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("procedure_code", sa.String(length=40), nullable=True),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("agency", sa.JSON(), nullable=False),
        sa.Column("end_to_end", sa.Boolean(), nullable=True),
        sa.Column("who_may_file", sa.JSON(), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("fee_offline", sa.Integer(), nullable=True),
        sa.Column("fee_online", sa.Integer(), nullable=True),
        sa.Column("fee_note", sa.JSON(), nullable=False),
        sa.Column("processing_time", sa.JSON(), nullable=False),
        sa.Column("where_to_file", sa.JSON(), nullable=False),
        sa.Column("portal_url", sa.String(length=500), nullable=True),
        sa.Column("legal_basis", sa.JSON(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("source_title", sa.String(length=300), nullable=True),
        sa.Column("last_checked", sa.Date(), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("extra_sources", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_services_slug"), ["slug"], unique=True)

    op.create_table(
        "unresolved_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("sender_hash", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("intents", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("bot_reply", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("unresolved_questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unresolved_questions_channel"), ["channel"], unique=False)
        batch_op.create_index(batch_op.f("ix_unresolved_questions_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_unresolved_questions_reason"), ["reason"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_unresolved_questions_sender_hash"), ["sender_hash"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_unresolved_questions_status"), ["status"], unique=False)

    op.create_table(
        "fee_reductions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("service_slug", sa.String(length=80), nullable=True),
        sa.Column("applies_to", sa.JSON(), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("province", sa.String(length=80), nullable=True),
        sa.Column("online_fee", sa.Integer(), nullable=True),
        sa.Column("percent_off", sa.Integer(), nullable=True),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("source_title", sa.String(length=300), nullable=True),
        sa.Column("last_checked", sa.Date(), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("extra_sources", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["service_slug"], ["services.slug"], onupdate="CASCADE", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("fee_reductions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fee_reductions_key"), ["key"], unique=True)
        batch_op.create_index(batch_op.f("ix_fee_reductions_service_slug"), ["service_slug"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("fee_reductions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fee_reductions_service_slug"))
        batch_op.drop_index(batch_op.f("ix_fee_reductions_key"))

    op.drop_table("fee_reductions")
    with op.batch_alter_table("unresolved_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unresolved_questions_status"))
        batch_op.drop_index(batch_op.f("ix_unresolved_questions_sender_hash"))
        batch_op.drop_index(batch_op.f("ix_unresolved_questions_reason"))
        batch_op.drop_index(batch_op.f("ix_unresolved_questions_created_at"))
        batch_op.drop_index(batch_op.f("ix_unresolved_questions_channel"))

    op.drop_table("unresolved_questions")
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_services_slug"))

    op.drop_table("services")
    with op.batch_alter_table("guides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guides_slug"))

    op.drop_table("guides")
    with op.batch_alter_table("chat_exchanges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_exchanges_status"))
        batch_op.drop_index(batch_op.f("ix_chat_exchanges_service"))
        batch_op.drop_index(batch_op.f("ix_chat_exchanges_sender_hash"))
        batch_op.drop_index(batch_op.f("ix_chat_exchanges_intent"))
        batch_op.drop_index(batch_op.f("ix_chat_exchanges_created_at"))
        batch_op.drop_index(batch_op.f("ix_chat_exchanges_channel"))

    op.drop_table("chat_exchanges")
