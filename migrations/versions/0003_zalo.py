"""zalo: webhook events (dedup by msg_id) and the OA token pair

Revision ID: 0003_zalo
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_zalo"
down_revision = "0001"
branch_labels = ("zalo",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "zalo_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("event_key", sa.String(length=200), nullable=False),
        sa.Column("event_name", sa.String(length=60), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("event_timestamp", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_key", name="uq_zalo_events_event_key"),
    )
    op.create_index("ix_zalo_events_received_at", "zalo_events", ["received_at"])
    op.create_index("ix_zalo_events_event_name", "zalo_events", ["event_name"])
    op.create_index("ix_zalo_events_status", "zalo_events", ["status"])
    op.create_table(
        "zalo_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=False),
        sa.Column("refresh_token", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("refresh_lease_until", sa.Float(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("zalo_tokens")
    op.drop_index("ix_zalo_events_status", table_name="zalo_events")
    op.drop_index("ix_zalo_events_event_name", table_name="zalo_events")
    op.drop_index("ix_zalo_events_received_at", table_name="zalo_events")
    op.drop_table("zalo_events")
