"""each recipient of a digest with its own outcome: a server refusing one address neither marks the others
unsent nor lets the refused one pass as delivered

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delivery_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), sa.ForeignKey("deliveries.id"), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("delivery_id", "address", name="uq_delivery_recipient"),
    )
    op.create_index("ix_delivery_recipients_delivery_id", "delivery_recipients", ["delivery_id"])
    # the digests already in the ledger: each of their recipients shares the digest's outcome
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, status, recipients, attempts, sent_at FROM deliveries")).all()
    table = sa.table("delivery_recipients", sa.column("delivery_id"), sa.column("address"), sa.column("status"),
                     sa.column("attempts"), sa.column("sent_at"))
    values = [dict(delivery_id=i, address=a.strip(), status="sent" if status == "sent" else "queued", attempts=attempts or 0,
                   sent_at=sent_at) for i, status, recipients, attempts, sent_at in rows
              for a in dict.fromkeys((recipients or "").split(",")) if a.strip()]
    if values:
        op.bulk_insert(table, values)


def downgrade() -> None:
    op.drop_index("ix_delivery_recipients_delivery_id", "delivery_recipients")
    op.drop_table("delivery_recipients")
