"""signal episodes (lifecycle), alert per level and count, delivery attempts with back-off and catch-up marking

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "episodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_key", sa.String(length=300), nullable=False),
        sa.Column("domain", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("last_detected_on", sa.Date(), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("signals", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_episodes_episode_key", "episodes", ["episode_key"])
    op.create_index("ix_episodes_status", "episodes", ["status"])
    with op.batch_alter_table("signals") as batch:
        batch.add_column(sa.Column("episode_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("status", sa.String(length=12), nullable=True))
        batch.create_index("ix_signals_episode_id", ["episode_id"])
        batch.create_foreign_key("fk_signals_episode", "episodes", ["episode_id"], ["id"])
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("level", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("status", sa.String(length=12), nullable=True))
        batch.add_column(sa.Column("observed", sa.Float(), nullable=True))
        batch.drop_constraint("uq_alert_signal_agency", type_="unique")
        batch.create_unique_constraint("uq_alert_signal_agency_level", ["signal_id", "agency_id", "level", "observed"])
    op.execute("UPDATE alerts SET level = (SELECT level FROM signals WHERE signals.id = alerts.signal_id), "
               "observed = (SELECT observed FROM signals WHERE signals.id = alerts.signal_id)")
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("catch_up", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(), nullable=True))
    op.create_table(
        "delivery_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(), nullable=False),
        sa.Column("transport", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),  # sent | failed | resent
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["delivery_id"], ["deliveries.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_delivery_attempts_delivery_id", "delivery_attempts", ["delivery_id"])


def downgrade() -> None:
    op.drop_table("delivery_attempts")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("next_attempt_at")
        batch.drop_column("catch_up")
    with op.batch_alter_table("alerts") as batch:
        batch.drop_constraint("uq_alert_signal_agency_level", type_="unique")
        batch.create_unique_constraint("uq_alert_signal_agency", ["signal_id", "agency_id"])
        batch.drop_column("observed")
        batch.drop_column("status")
        batch.drop_column("level")
    with op.batch_alter_table("signals") as batch:
        batch.drop_constraint("fk_signals_episode", type_="foreignkey")
        batch.drop_index("ix_signals_episode_id")
        batch.drop_column("status")
        batch.drop_column("episode_id")
    op.drop_table("episodes")
