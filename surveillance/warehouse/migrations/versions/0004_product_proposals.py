"""product proposals: the classifier's category for an uncoded injury report, stored once per version

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "product_proposals",
        sa.Column("injury_report_id", sa.Integer(), nullable=False),
        sa.Column("row_hash", sa.String(length=32), nullable=False),
        sa.Column("product_code", sa.String(length=10), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("proposed_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["injury_report_id"], ["injury_reports.id"]),
        sa.PrimaryKeyConstraint("injury_report_id"),
    )


def downgrade() -> None:
    op.drop_table("product_proposals")
