"""weeks left out of later baselines (a confirmed outbreak's weeks), per series, visible and reversible:
a restored exclusion keeps its row with who restored it and when

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "baseline_exclusions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("domain", sa.String(length=20), nullable=False),
        sa.Column("series", sa.String(length=200), nullable=False, index=True),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("episode_id", sa.Integer(), sa.ForeignKey("episodes.id", name="fk_baseline_exclusions_episode"),
                  nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("restored_by", sa.String(length=100), nullable=True),
        sa.Column("restored_at", sa.DateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("baseline_exclusions")
