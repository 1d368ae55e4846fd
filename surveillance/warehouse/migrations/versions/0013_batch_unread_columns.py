"""the columns of each file that no layout field read (kept as extra with each record): named per batch, so that
an operator sees what the reader did not understand

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ingest_batches") as batch:
        batch.add_column(sa.Column("unread_columns", sa.Text(), nullable=True))  # JSON list; NULL before 0013


def downgrade() -> None:
    with op.batch_alter_table("ingest_batches") as batch:
        batch.drop_column("unread_columns")
