"""each agency verifies what it was sent; the lead agency (牵头) or the office decides an episode's overall
state; an alert withheld (its agency dismissed the episode as a data artefact) says why; accounts of the
2015 plan's departments move to the agency their duty passed to in the 2018 reform

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# the 2018 reform, frozen here as it was when this migration was written (reference/data/former_agencies.csv)
_SUCCESSOR_SUFFIX = {"ZJ": "SCJG", "GS": "SCJG", "SYJ": "SCJG", "WJ": "WJW", "NY": "NYNC", "CIQ": "HG"}


def upgrade() -> None:
    with op.batch_alter_table("episode_actions") as batch:
        batch.add_column(sa.Column("agency_id", sa.String(length=20), nullable=True))
        # steps recorded before this revision were the episode's one shared state: they stay its overall state
        batch.add_column(sa.Column("overall", sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("lead", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("withheld", sa.Text(), nullable=True))
    users = sa.table("console_users", sa.column("agency_id", sa.String))
    for old, new in _SUCCESSOR_SUFFIX.items():
        for prefix in ("SX", "610100", "610200", "610300", "610400", "610500", "610600", "610700", "610800",
                       "610900", "611000", "610403"):
            if old == "CIQ" and prefix != "SX":
                continue
            op.execute(users.update().where(users.c.agency_id == f"{prefix}-{old}").values(agency_id=f"{prefix}-{new}"))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("withheld")
        batch.drop_column("lead")
    with op.batch_alter_table("episode_actions") as batch:
        batch.drop_column("overall")
        batch.drop_column("agency_id")
