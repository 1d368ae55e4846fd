"""A file end to end: accounting, quarantine reasons, idempotency, revisions, revised days, PII."""

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from surveillance.ingest import read
from surveillance.ingest.file import ingest_file
from surveillance.ingest.read import csv_text
from surveillance.warehouse.models import IngestBatch, InjuryReport, QuarantinedRow, RecordRevision, RevisedDay
from tests.conftest import INJURY_HEADER_ZH, TODAY, injury_row, write_csv


def _file(tmp_path: Path) -> Path:
    rows = [
        injury_row("R1"),
        injury_row("R2", region_code="619999"),  # not a Shaanxi county: quarantined by GX
        injury_row("R3", visit_date="2026-13-45"),  # unparseable date
        injury_row("R1"),  # exact duplicate of the first row
        injury_row("R4", age="36", sex="F", visit_date="2026年11月21日"),
        injury_row("R5", product_code="=HYPERLINK(\"http://x\")"),  # a code our table lacks: loaded, counted
    ]
    return write_csv(tmp_path / "injury_H61010201.csv", INJURY_HEADER_ZH, rows)


def _quarantined(engine) -> dict[str, list[dict]]:
    with engine.connect() as conn:
        return {json.loads(r.raw).get("report_id", json.loads(r.raw).get("line")): json.loads(r.reasons)
                for r in conn.execute(select(QuarantinedRow))}


def _count(engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(f"select count(*) from {table}")).scalar()


def test_counts_add_up_and_bad_rows_keep_their_reasons(engine, tmp_path: Path) -> None:
    result = ingest_file(engine, _file(tmp_path), "injury", "salt", TODAY)
    assert result.status == "accepted"
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined, result.rows_duplicate) == (6, 3, 2, 1)
    assert result.not_in_reference == {"product_code": 1} and "not in reference: product_code 1" in result.line()
    with engine.connect() as conn:
        batch = conn.execute(select(IngestBatch)).one()
        assert (batch.rows_read, batch.rows_loaded, batch.rows_quarantined, batch.rows_duplicate) == (6, 3, 2, 1)
        assert batch.layout == "native-injury"
        assert (batch.first_day, batch.last_day) == (date(2026, 11, 20), date(2026, 11, 21))
    quarantined = _quarantined(engine)
    assert quarantined["R2"] == [{"check": "expect_column_values_to_be_in_set", "column": "region_code",
                                  "message": "value '619999'"}]
    assert quarantined["R3"][0]["column"] == "visit_date" and "unparseable date" in quarantined["R3"][0]["message"]
    assert "R5" not in quarantined


def test_dates_in_the_future_or_before_the_programme_are_quarantined(engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", INJURY_HEADER_ZH, [
        injury_row("R1", visit_date="2026-11-28"), injury_row("R2", visit_date="2014-12-31"), injury_row("R3")])
    result = ingest_file(engine, path, "injury", "salt", TODAY)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 2)
    reasons = _quarantined(engine)
    assert reasons["R1"][0]["check"] == reasons["R2"][0]["check"] == "expect_column_values_to_be_between"


def test_same_key_with_different_values_in_one_file(engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_text, "BLOCK_BYTES", 600)  # several chunks, so repeats cross chunk borders too
    rows = [injury_row(f"R{i}") for i in range(30)] + [injury_row("R3", severity="重度"), injury_row("R29", age="80")]
    path = write_csv(tmp_path / "k.csv", INJURY_HEADER_ZH, rows + [injury_row("R5")])
    result = ingest_file(engine, path, "injury", "salt", TODAY)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined, result.rows_duplicate) == (33, 30, 2, 1)
    reasons = _quarantined(engine)
    assert {r[0]["check"] for r in reasons.values()} <= {"expect_compound_columns_to_be_unique"}
    assert set(reasons) == {"R3", "R29"}
    with engine.connect() as conn:  # the first version is the one stored
        assert conn.execute(select(InjuryReport.severity).where(InjuryReport.report_id == "R3")).scalar() == "轻度"


def test_same_file_again_loads_nothing(engine, tmp_path: Path) -> None:
    path = _file(tmp_path)
    ingest_file(engine, path, "injury", "salt", TODAY)
    again = ingest_file(engine, path, "injury", "salt", TODAY)
    assert again.already_ingested and again.rows_loaded == 0 and again.rows_duplicate == again.rows_read
    assert _count(engine, "injury_reports") == 3 and _count(engine, "ingest_batches") == 1
    assert _count(engine, "quarantined_rows") == 2


def test_corrected_resubmission_updates_the_record_and_keeps_the_old_version(engine, tmp_path: Path) -> None:
    # two files of one sender (SOURCE_SENDER_DATE): the second corrects the first
    write_csv(tmp_path / "injury_H61010201_20261120.csv", INJURY_HEADER_ZH, [injury_row("R1"), injury_row("R2")])
    write_csv(tmp_path / "injury_H61010201_20261121.csv", INJURY_HEADER_ZH,
              [injury_row("R1", severity="重度", outcome="住院"), injury_row("R2")])
    first = ingest_file(engine, tmp_path / "injury_H61010201_20261120.csv", "injury", "salt", TODAY)
    second = ingest_file(engine, tmp_path / "injury_H61010201_20261121.csv", "injury", "salt", TODAY)
    assert (second.rows_read, second.rows_loaded, second.rows_updated, second.rows_duplicate) == (2, 1, 1, 1)
    with engine.connect() as conn:
        rows = conn.execute(select(InjuryReport.report_id, InjuryReport.severity, InjuryReport.batch_id)).all()
        revisions = conn.execute(select(RecordRevision)).all()
    assert sorted(rows) == [("R1", "重度", second.batch_id), ("R2", "轻度", first.batch_id)]
    assert len(revisions) == 1
    old = json.loads(revisions[0].data)
    assert (old["severity"], old["outcome"], revisions[0].record_key) == ("轻度", "处理后离院", "H61010201/R1")
    assert (revisions[0].batch_id, revisions[0].superseded_by_batch_id) == (first.batch_id, second.batch_id)


def test_late_rows_mark_their_days_as_revised(engine, tmp_path: Path) -> None:
    day = date(2026, 11, 26)
    on_time = write_csv(tmp_path / "on_time.csv", INJURY_HEADER_ZH, [injury_row("R1", visit_date="2026-11-26")])
    late = write_csv(tmp_path / "H61010201-late.csv", INJURY_HEADER_ZH, [
        injury_row("R2", visit_date="2026-11-20"), injury_row("R3", visit_date="2026-11-20"),
        injury_row("R4", visit_date="2026-11-24"), injury_row("R5", visit_date="2026-11-26")])
    assert ingest_file(engine, on_time, "injury", "salt", TODAY, day=day).revised_days == []
    result = ingest_file(engine, late, "injury", "salt", TODAY, day=day)
    assert result.revised_days == ["2026-11-20", "2026-11-24"]
    with engine.connect() as conn:
        marks = {r.day: r.rows_changed for r in conn.execute(select(RevisedDay)).all()}
    assert marks == {date(2026, 11, 20): 2, date(2026, 11, 24): 1}
    fix = write_csv(tmp_path / "H61010201-fix.csv", INJURY_HEADER_ZH, [injury_row("R2", visit_date="2026-11-20", age="9岁")])
    ingest_file(engine, fix, "injury", "salt", TODAY, day=day)  # a correction revises its day again
    with engine.connect() as conn:
        assert conn.execute(select(RevisedDay.rows_changed).where(RevisedDay.day == date(2026, 11, 20))).scalar() == 3
        assert conn.execute(select(func.count()).select_from(RevisedDay)).scalar() == 2


def test_rejected_file_is_recorded_with_a_one_line_reason(engine, tmp_path: Path) -> None:
    path = tmp_path / "garbage.csv"
    path.write_bytes(b"\xff\xfe\x00garbage\x00" * 50)
    result = ingest_file(engine, path, "injury", "salt", TODAY)
    assert result.status == "rejected" and "\n" not in result.error and result.error
    with engine.connect() as conn:
        assert conn.execute(select(IngestBatch.status)).scalar() == "rejected"
    again = ingest_file(engine, path, "injury", "salt", TODAY)  # tried again, rejected again: still one row
    assert again.status == "rejected" and again.error == result.error
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(IngestBatch)).scalar() == 1


def test_file_unreadable_half_way_leaves_nothing_behind(engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_text, "BLOCK_BYTES", 600)
    monkeypatch.setattr(read, "CHUNK_ROWS", 3)
    good = [injury_row(f"R{i}") for i in range(20)]
    path = write_csv(tmp_path / "half.csv", INJURY_HEADER_ZH, good)
    path.write_bytes(path.read_bytes() + b"R99,H1,610102,2026-11-20,\xff\xfe\xfa,1,2,3,4,5,6,7,8,9,10\n" + b"R100" + b",x" * 14 + b"\n")
    result = ingest_file(engine, path, "injury", "salt", TODAY)
    assert result.status == "rejected" and "\n" not in result.error
    assert result.rows_loaded == 0
    assert _count(engine, "injury_reports") == 0 and _count(engine, "quarantined_rows") == 0


def test_truncated_file_loads_complete_rows_and_quarantines_the_cut_one(engine, tmp_path: Path) -> None:
    full = write_csv(tmp_path / "full.csv", INJURY_HEADER_ZH, [injury_row("R1"), injury_row("R2")]).read_bytes()
    path = tmp_path / "cut.csv"
    path.write_bytes(full[: full.rindex(b"H61010201") + 4])
    result = ingest_file(engine, path, "injury", "salt", TODAY)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 1, 1)
    with engine.connect() as conn:
        row = conn.execute(select(QuarantinedRow.row_number, QuarantinedRow.reasons, QuarantinedRow.raw)).one()
    assert row.row_number is None and "truncated" in row.reasons and json.loads(row.raw)["line"].startswith("R2,H610")


def test_json_lines_file_with_a_bad_line(engine, tmp_path: Path) -> None:
    record = dict(zip(INJURY_HEADER_ZH, injury_row("R1"), strict=True))
    path = tmp_path / "cards.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n{\"报告卡编号\": \n", encoding="utf-8")
    result = ingest_file(engine, path, "injury", "salt", TODAY)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 1, 1)


def test_extra_columns_are_stored_with_the_record(engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [*INJURY_HEADER_ZH, "备注", "复诊电话"],
                     [[*injury_row("R1"), "=1+1", "13912345678"], [*injury_row("R2"), "", ""]])
    ingest_file(engine, path, "injury", "salt", TODAY)
    with engine.connect() as conn:
        extras = dict(conn.execute(select(InjuryReport.report_id, InjuryReport.extra)).all())
    assert json.loads(extras["R1"]) == {"备注": "=1+1"}  # text, never evaluated; a phone column is not kept at all
    assert json.loads(extras["R2"]) == {}


def test_personal_data_is_hashed_and_never_stored(engine, tmp_path: Path) -> None:
    header = [*INJURY_HEADER_ZH, "姓名", "身份证号", "联系电话", "家庭住址"]
    row = [*injury_row("R1", narrative="患者电话13912345678自述烫伤"), "张伟", "610102199001011234", "13912345678", "碑林区某街1号"]
    bad = [*injury_row("R2", sex="?"), "李娜", "61010219900101567X", "13800000000", "雁塔区某路2号"]
    again = [*injury_row("R3"), "张伟", "610102199001011234", "13912345678", ""]
    path = write_csv(tmp_path / "pii.csv", header, [row, bad, again])
    result = ingest_file(engine, path, "injury", "salt", TODAY)
    assert (result.rows_loaded, result.rows_quarantined) == (2, 1)
    dump = "\n".join(str(r) for table in ("injury_reports", "quarantined_rows")
                     for r in engine.connect().execute(text(f"select * from {table}")))
    for secret in ("张伟", "610102199001011234", "13912345678", "李娜", "61010219900101567X", "13800000000", "某街", "某路"):
        assert secret not in dump
    with engine.connect() as conn:
        stored = conn.execute(select(InjuryReport.patient_hash, InjuryReport.narrative).order_by(InjuryReport.report_id)).all()
    assert len(stored[0].patient_hash) == 32 and "[已脱敏]" in stored[0].narrative
    assert stored[0].patient_hash == stored[1].patient_hash  # the same patient is linkable across reports
    other_salt = ingest_file(engine, write_csv(tmp_path / "p2.csv", header, [[*injury_row("R9"), *row[-4:]]]),
                             "injury", "another-salt", TODAY)
    assert other_salt.rows_loaded == 1
    with engine.connect() as conn:
        assert conn.execute(select(InjuryReport.patient_hash).where(InjuryReport.report_id == "R9")).scalar() != stored[0].patient_hash


def test_formula_strings_in_an_xlsx_are_stored_as_text(engine, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["某医院伤害监测报告卡"])
    ws.append(INJURY_HEADER_ZH)
    formula = '=HYPERLINK("http://example.invalid/x","详情")'
    ws.append(injury_row("R1", narrative=formula, product_name="@SUM(1+1)"))
    wb.save(tmp_path / "cards.xlsx")
    result = ingest_file(engine, tmp_path / "cards.xlsx", "injury", "salt", TODAY)
    assert (result.rows_read, result.rows_loaded, result.encoding) == (1, 1, "xlsx")
    with engine.connect() as conn:
        stored = conn.execute(select(InjuryReport.narrative, InjuryReport.product_name)).one()
    assert tuple(stored) == (formula, "@SUM(1+1)")
