"""merge the feature branches (feedback, zalo, staff, reduction covers) into one head

Revision ID: 0006_merge_heads
Revises: 0002_feedback, 0003_zalo, 0004_staff, 0005_reduction_covers
"""

from __future__ import annotations

revision = "0006_merge_heads"
down_revision = ("0002_feedback", "0003_zalo", "0004_staff", "0005_reduction_covers")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
