"""catalogue: FAQ collection (everyday portal questions, sourced, vi + en)

Revision ID: 0010_faqs
Revises: 0009_login_attempts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_faqs"
down_revision = "0009_login_attempts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "faqs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slug", sa.String(80), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("legal_basis", sa.JSON(), nullable=False),
        sa.Column("source_url", sa.String(500), nullable=False),
        sa.Column("source_title", sa.String(300), nullable=True),
        sa.Column("last_checked", sa.Date(), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("extra_sources", sa.JSON(), nullable=False),
    )
    op.create_index("ix_faqs_slug", "faqs", ["slug"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_faqs_slug", table_name="faqs")
    op.drop_table("faqs")
