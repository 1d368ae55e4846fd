"""sender layouts: the layout of each batch, the card's categories, today's divisions, announcements'
manufacturers without credit codes, the lab's own verdict, and room for names our tables lack

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# our earlier labels -> the national injury card's (injury_codes.csv)
CARD_LABELS = {
    "injury_intent": {"非故意": "非故意（意外事故）", "故意(被他人伤害)": "故意（暴力、攻击）"},
    "injury_nature": {"器官系统损伤": "内脏器官伤"},
}
# divisions renamed or re-coded since the reference table was first taken (region_successors.csv, frozen here)
SUCCESSORS = {"610125": "610118", "610322": "610305", "610427": "610482", "610623": "610681", "610721": "610703",
              "610821": "610881", "610928": "610981"}


def upgrade() -> None:
    op.add_column("ingest_batches", sa.Column("layout", sa.String(length=60), nullable=True))
    with op.batch_alter_table("injury_reports") as t:
        t.alter_column("product_code", type_=sa.String(length=80), existing_type=sa.String(length=10), existing_nullable=True)
    with op.batch_alter_table("inspection_results") as t:
        t.alter_column("product_category", type_=sa.String(length=80), existing_type=sa.String(length=10), existing_nullable=False)
        t.alter_column("manufacturer_uscc", nullable=True, existing_type=sa.String(length=18))
        t.add_column(sa.Column("manufacturer_key", sa.String(length=40), nullable=True))
        t.add_column(sa.Column("manufacturer_address", sa.String(length=300), nullable=True))
        t.add_column(sa.Column("counterfeit", sa.Boolean(), nullable=False, server_default=sa.false()))
        t.create_index("ix_inspection_results_manufacturer_key", ["manufacturer_key"])
    with op.batch_alter_table("food_results") as t:
        t.alter_column("food_category", type_=sa.String(length=80), existing_type=sa.String(length=10), existing_nullable=False)
        t.alter_column("analyte", type_=sa.String(length=80), existing_type=sa.String(length=10), existing_nullable=False)
        t.alter_column("limit_standard", type_=sa.String(length=120), existing_type=sa.String(length=64), existing_nullable=True)
        t.add_column(sa.Column("sender_verdict", sa.String(length=10), nullable=True))
        t.add_column(sa.Column("verdict_conflict", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("signals") as t:
        t.alter_column("category_code", type_=sa.String(length=80), existing_type=sa.String(length=20), existing_nullable=True)

    op.execute("UPDATE inspection_results SET manufacturer_key = manufacturer_uscc")
    for column, renames in CARD_LABELS.items():
        for old, new in renames.items():
            op.execute(sa.text(f"UPDATE injury_reports SET {column} = :new WHERE {column} = :old").bindparams(old=old, new=new))
    for old, new in SUCCESSORS.items():
        for table in ("injury_reports", "inspection_results", "food_results"):
            op.execute(sa.text(f"UPDATE {table} SET region_code = :new WHERE region_code = :old").bindparams(old=old, new=new))


def downgrade() -> None:
    for column, renames in CARD_LABELS.items():
        for old, new in renames.items():
            op.execute(sa.text(f"UPDATE injury_reports SET {column} = :old WHERE {column} = :new").bindparams(old=old, new=new))
    with op.batch_alter_table("food_results") as t:
        t.drop_column("verdict_conflict")
        t.drop_column("sender_verdict")
    with op.batch_alter_table("inspection_results") as t:
        t.drop_index("ix_inspection_results_manufacturer_key")
        t.drop_column("counterfeit")
        t.drop_column("manufacturer_address")
        t.drop_column("manufacturer_key")
    op.drop_column("ingest_batches", "layout")
