"""a covering index for the injury detectors' counts (read from the index alone, in its order)

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = ["visit_date", "product_code", "jurisdiction_code", "severity", "outcome", "injury_nature", "body_part"]


def upgrade() -> None:
    op.create_index("ix_injury_reports_counts", "injury_reports", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_injury_reports_counts", table_name="injury_reports")
