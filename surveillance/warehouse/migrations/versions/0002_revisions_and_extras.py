"""revision history, revised days, extra columns kept with each record

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

RECORD_TABLES = ("injury_reports", "inspection_results", "food_results")


def upgrade() -> None:
    op.create_table(
        "record_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("record_key", sa.String(length=200), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("row_hash", sa.String(length=32), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("superseded_by_batch_id", sa.Integer(), nullable=False),
        sa.Column("superseded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["ingest_batches.id"]),
        sa.ForeignKeyConstraint(["superseded_by_batch_id"], ["ingest_batches.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_record_revisions_record_id", "record_revisions", ["record_id"])
    op.create_index("ix_record_revisions_superseded_by_batch_id", "record_revisions", ["superseded_by_batch_id"])
    op.create_table(
        "revised_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("rows_changed", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("marked_at", sa.DateTime(), nullable=False),
        sa.Column("recomputed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["batch_id"], ["ingest_batches.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "day", name="uq_revised_source_day"),
    )
    op.create_index("ix_revised_days_day", "revised_days", ["day"])
    for table in RECORD_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("extra", sa.Text(), nullable=True))
    with op.batch_alter_table("quarantined_rows") as batch:
        batch.alter_column("row_number", existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table("ingest_batches") as batch:
        batch.add_column(sa.Column("run_day", sa.Date(), nullable=True))
        batch.add_column(sa.Column("sheet", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("quarantined_rows") as batch:
        batch.alter_column("row_number", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("ingest_batches") as batch:
        batch.drop_column("sheet")
        batch.drop_column("run_day")
    for table in RECORD_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("extra")
    op.drop_table("revised_days")
    op.drop_table("record_revisions")
