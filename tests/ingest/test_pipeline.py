import json
from pathlib import Path

from sqlalchemy import select, text

from surveillance.ingest.pipeline import ingest_file
from surveillance.warehouse.models import IngestBatch, InjuryReport, QuarantinedRow
from tests.conftest import INJURY_HEADER_ZH, TODAY, injury_row, write_csv


def _file(tmp_path: Path) -> Path:
    rows = [
        injury_row("R1"),
        injury_row("R2", region_code="619999"),  # not a Shaanxi county: quarantined by GX
        injury_row("R3", visit_date="2026-13-45"),  # unparseable date
        injury_row("R1"),  # exact duplicate of the first row
        injury_row("R4", age="36", sex="F", visit_date="2026年11月21日"),
        injury_row("R5", product_code="=HYPERLINK(\"http://x\")"),  # unknown code: quarantined, kept as text
    ]
    return write_csv(tmp_path / "injury_H61010201.csv", INJURY_HEADER_ZH, rows)


def test_counts_add_up_and_bad_rows_keep_their_reasons(engine, tmp_path: Path) -> None:
    result = ingest_file(engine, _file(tmp_path), "injury", "salt", TODAY)
    assert result.status == "accepted"
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined, result.rows_duplicate) == (6, 2, 3, 1)
    assert result.rows_read == result.rows_loaded + result.rows_quarantined + result.rows_duplicate
    with engine.connect() as conn:
        batch = conn.execute(select(IngestBatch)).one()
        assert (batch.rows_read, batch.rows_loaded, batch.rows_quarantined, batch.rows_duplicate) == (6, 2, 3, 1)
        quarantined = {json.loads(r.raw)["report_id"]: json.loads(r.reasons)
                       for r in conn.execute(select(QuarantinedRow))}
    assert quarantined["R2"] == [{"check": "expect_column_values_to_be_in_set", "column": "region_code",
                                  "message": "value '619999'"}]
    assert quarantined["R3"][0]["column"] == "visit_date" and "unparseable date" in quarantined["R3"][0]["message"]
    assert quarantined["R5"][0]["column"] == "product_code"


def test_same_file_again_loads_nothing(engine, tmp_path: Path) -> None:
    path = _file(tmp_path)
    ingest_file(engine, path, "injury", "salt", TODAY)
    again = ingest_file(engine, path, "injury", "salt", TODAY)
    assert again.already_ingested and again.rows_loaded == 0 and again.rows_duplicate == again.rows_read
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from injury_reports")).scalar() == 2
        assert conn.execute(text("select count(*) from ingest_batches")).scalar() == 1


def test_corrected_resubmission_updates_the_record(engine, tmp_path: Path) -> None:
    write_csv(tmp_path / "a.csv", INJURY_HEADER_ZH, [injury_row("R1"), injury_row("R2")])
    write_csv(tmp_path / "b.csv", INJURY_HEADER_ZH, [injury_row("R1", severity="重度"), injury_row("R2")])
    ingest_file(engine, tmp_path / "a.csv", "injury", "salt", TODAY)
    second = ingest_file(engine, tmp_path / "b.csv", "injury", "salt", TODAY)
    assert (second.rows_loaded, second.rows_duplicate) == (1, 1)
    with engine.connect() as conn:
        rows = conn.execute(select(InjuryReport.report_id, InjuryReport.severity)).all()
    assert sorted(rows) == [("R1", "重度"), ("R2", "轻度")]


def test_rejected_file_is_recorded_with_a_one_line_reason(engine, tmp_path: Path) -> None:
    path = tmp_path / "truncated.csv"
    path.write_bytes(b"\xff\xfe\x00garbage\x00" * 50)
    result = ingest_file(engine, path, "injury", "salt", TODAY)
    assert result.status == "rejected" and "\n" not in result.error and result.error
    with engine.connect() as conn:
        assert conn.execute(select(IngestBatch.status)).scalar() == "rejected"


def test_personal_data_is_hashed_and_never_stored(engine, tmp_path: Path) -> None:
    header = [*INJURY_HEADER_ZH, "姓名", "身份证号", "联系电话"]
    row = [*injury_row("R1", narrative="患者电话13912345678自述烫伤"), "张伟", "610102199001011234", "13912345678"]
    bad = [*injury_row("R2", sex="?"), "李娜", "61010219900101567X", "13800000000"]
    path = write_csv(tmp_path / "pii.csv", header, [row, bad])
    result = ingest_file(engine, path, "injury", "salt", TODAY)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    dump = "\n".join(str(r) for table in ("injury_reports", "quarantined_rows")
                     for r in engine.connect().execute(text(f"select * from {table}")))
    for secret in ("张伟", "610102199001011234", "13912345678", "李娜", "61010219900101567X", "13800000000"):
        assert secret not in dump
    with engine.connect() as conn:
        stored = conn.execute(select(InjuryReport.patient_hash, InjuryReport.narrative)).one()
    assert len(stored.patient_hash) == 64 and "[已脱敏]" in stored.narrative
