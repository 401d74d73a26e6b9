"""staff: failed logins counted per (account, client address); the per-account counters go

Revision ID: 0009_login_attempts
Revises: 0008_procedure_fields
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_login_attempts"
down_revision = "0008_procedure_fields"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_login_attempts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("user_id", "client", name="uq_staff_login_attempts_user_client"),
    )
    op.create_index("ix_staff_login_attempts_user_id", "staff_login_attempts", ["user_id"])
    # Per-account counters and locks are dropped: any lock in place is lifted.
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("failed_logins")
        batch.drop_column("first_failed_at")
        batch.drop_column("locked_until")


def downgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("first_failed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    op.drop_index("ix_staff_login_attempts_user_id", table_name="staff_login_attempts")
    op.drop_table("staff_login_attempts")
