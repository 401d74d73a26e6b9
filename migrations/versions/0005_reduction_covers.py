"""catalogue: a general fee reduction lists the services it covers

Revision ID: 0005_reduction_covers
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_reduction_covers"
down_revision = "0001"
branch_labels = ("reduction_covers",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fee_reductions") as batch:
        batch.add_column(sa.Column("covers", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("fee_reductions") as batch:
        batch.drop_column("covers")
