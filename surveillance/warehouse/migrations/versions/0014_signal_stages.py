"""a signal's sampling stage may name several stages (a failure or exceedance rate names the stages of the
samples behind it, joined by 、), so that each stage's agencies receive it

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signals") as batch:
        batch.alter_column("sampling_stage", existing_type=sa.String(length=10), type_=sa.String(length=60),
                           existing_nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("signals") as batch:
        batch.alter_column("sampling_stage", existing_type=sa.String(length=60), type_=sa.String(length=10),
                           existing_nullable=True)
