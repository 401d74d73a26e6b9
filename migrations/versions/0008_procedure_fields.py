"""catalogue: national-procedure fields (situations, field, level, sibling group, conditions, result)

Revision ID: 0008_procedure_fields
Revises: 0007_leases
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_procedure_fields"
down_revision = "0007_leases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("services") as batch:
        batch.add_column(sa.Column("situations", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("field", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("level", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("conditions", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("result", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("group", sa.String(80), nullable=True))
        batch.create_index("ix_services_group", ["group"])


def downgrade() -> None:
    with op.batch_alter_table("services") as batch:
        batch.drop_index("ix_services_group")
        batch.drop_column("group")
        batch.drop_column("result")
        batch.drop_column("conditions")
        batch.drop_column("level")
        batch.drop_column("field")
        batch.drop_column("situations")
