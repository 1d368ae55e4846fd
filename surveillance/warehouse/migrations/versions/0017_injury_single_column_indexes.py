"""drop the injury table's single-column indexes (visit date, jurisdiction, product): every read of the table
is by a visit-date range, which ix_injury_reports_counts leads with, or by key; each index cost a B-tree
insert per ingested row (#28)

Revision ID: 0017
Revises: 0016
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

INDEXES = {"ix_injury_reports_visit_date": "visit_date", "ix_injury_reports_jurisdiction_code": "jurisdiction_code",
           "ix_injury_reports_product_code": "product_code"}


def upgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="injury_reports")


def downgrade() -> None:
    for name, column in INDEXES.items():
        op.create_index(name, "injury_reports", [column])
