"""indexes for the hot queries: credited totals per lot, candidates by criterion

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 11:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_hours_entry_lot_totals",
        "hours_entry",
        ["lot_id", "is_current", "status", "credited_hours"],
    )
    op.create_index("ix_eligibility_criterion", "eligibility", ["criterion", "participant_id"])


def downgrade() -> None:
    op.drop_index("ix_eligibility_criterion", table_name="eligibility")
    op.drop_index("ix_hours_entry_lot_totals", table_name="hours_entry")
