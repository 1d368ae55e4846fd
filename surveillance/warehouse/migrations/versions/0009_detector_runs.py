"""each night's figures per detector (signals found, tests made, expected false alarms), kept so that
the output check can compare a night with the nights before it

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "detector_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False, index=True),
        sa.Column("detector", sa.String(length=60), nullable=False),
        sa.Column("signals", sa.Integer(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("ran_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("day", "detector", name="uq_detector_run_day"),
    )


def downgrade() -> None:
    op.drop_table("detector_runs")
