"""The Alembic migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from surveillance.warehouse.db import get_engine, upgrade
from surveillance.warehouse.models import Base


def schema_differences(url: str) -> list:
    upgrade(url)
    with get_engine(url).connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), Base.metadata)


def test_sqlite_schema_matches_the_models(tmp_path) -> None:
    assert schema_differences(f"sqlite:///{tmp_path / 'w.db'}") == []


@pytest.mark.postgres
def test_postgres_schema_matches_the_models(pg_url: str) -> None:
    assert schema_differences(pg_url) == []


def test_0006_moves_stored_rows_to_the_cards_labels_and_todays_divisions(tmp_path) -> None:
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'w.db'}"
    upgrade(url, "0005")
    engine = get_engine(url)
    with engine.begin() as conn:
        conn.execute(text("insert into ingest_batches (id, source, file_name, file_path, content_hash, status, rows_read, "
                          "rows_loaded, rows_quarantined, rows_duplicate, ingested_at) values "
                          "(1, 'injury', 'a', 'a', 'h', 'accepted', 1, 1, 0, 0, '2026-11-20 00:00:00')"))
        conn.execute(text("insert into injury_reports (report_id, hospital_code, region_code, jurisdiction_code, visit_date, "
                          "sex, age, injury_cause, injury_intent, injury_nature, body_part, severity, outcome, row_hash, "
                          "batch_id) values ('R1', 'H1', '610821', '610800', '2026-11-20', '男', 30, '烧烫伤', '非故意', "
                          "'器官系统损伤', '上肢', '轻度', '住院', 'x', 1)"))
    upgrade(url)
    with engine.connect() as conn:
        row = conn.execute(text("select region_code, injury_intent, injury_nature from injury_reports")).one()
    assert tuple(row) == ("610881", "非故意（意外事故）", "内脏器官伤")


def test_0016_moves_accounts_of_the_2015_departments_to_todays_agencies_and_keeps_old_steps_overall(tmp_path) -> None:
    from sqlalchemy import text

    from surveillance import reference

    url = f"sqlite:///{tmp_path / 'w.db'}"
    upgrade(url, "0015")
    engine = get_engine(url)
    with engine.begin() as conn:
        for n, agency in enumerate(("SX-ZJ", "610300-GS", "610900-NY", "SX-CIQ", "610100-JY")):
            conn.execute(text("insert into console_users (id, username, display_name, role, agency_id, patient_records, "
                              "password_hash, active, created_at, password_changed_at) values (:id, :u, 'x', 'agency', :a, 0, 'h', 1, "
                              "'2026-11-20 00:00:00', '2026-11-20 00:00:00')"), dict(id=n + 1, u=f"u{n}", a=agency))
    upgrade(url)
    with engine.connect() as conn:
        moved = [r[0] for r in conn.execute(text("select agency_id from console_users order by id"))]
    assert moved == ["SX-SCJG", "610300-SCJG", "610900-NYNC", "SX-HG", "610100-JY"]
    # the migration's frozen mapping agrees with the reference table of successors
    successors = reference.former_agencies().set_index("agency_id")["successor_id"]
    assert [successors.get(a, a) for a in ("SX-ZJ", "610300-GS", "610900-NY", "SX-CIQ", "610100-JY")] == moved
