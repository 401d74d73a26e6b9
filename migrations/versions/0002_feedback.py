"""answer feedback (👍/👎 on an exchange)

Revision ID: 0002_feedback
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_feedback"
down_revision = "0001"
branch_labels = ("feedback",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answer_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("exchange_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("sender_hash", sa.String(length=64), nullable=False),
        sa.Column("rating", sa.String(length=8), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("unresolved_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["exchange_id"], ["chat_exchanges.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unresolved_id"], ["unresolved_questions.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("answer_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_answer_feedback_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_answer_feedback_exchange_id"), ["exchange_id"], unique=True)
        batch_op.create_index(batch_op.f("ix_answer_feedback_channel"), ["channel"], unique=False)
        batch_op.create_index(batch_op.f("ix_answer_feedback_sender_hash"), ["sender_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_answer_feedback_rating"), ["rating"], unique=False)


def downgrade() -> None:
    op.drop_table("answer_feedback")
