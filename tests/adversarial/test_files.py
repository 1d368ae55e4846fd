"""Hostile and careless files: each is a one-line rejection or quarantined rows, never a crash, never a
lost row, and never stops the files after it."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from surveillance.ingest.read import csv_text, table, workbook
from surveillance.ingest.run import ingest_files
from surveillance.nightly import ingest_day
from surveillance.warehouse.models import FoodResult, IngestBatch, QuarantinedRow
from tests.adversarial.conftest import DAY, FOOD_HEADER, accounted, cli, csv_bytes, food_row, land, reasons
from tests.conftest import INJURY_HEADER_ZH, TODAY, injury_row

pytestmark = pytest.mark.adversarial


def _ingest(settings, source: str, *paths: Path):
    return ingest_files(settings, source, list(paths), day=DAY, today=TODAY)


def _one_line(text: str) -> None:
    assert text and "\n" not in text and "Traceback" not in text and len(text) <= 400, text


def test_a_field_of_several_mb_is_its_rows_problem_and_the_next_file_is_read(settings, engine, tmp_path: Path) -> None:
    big = tmp_path / "long-narrative.csv"
    rows = [injury_row("R1"), injury_row("R2", narrative="烫" * 3_000_000), injury_row("R3")]
    big.write_bytes(csv_bytes(INJURY_HEADER_ZH, rows))
    after = tmp_path / "after.csv"
    after.write_bytes(csv_bytes(INJURY_HEADER_ZH, [injury_row("R4")]))
    result = cli("ingest", "--source", "injury", "--day", DAY.isoformat(), "--today", TODAY.isoformat(), str(big), str(after),
                 env={"SURVEILLANCE_HOME": str(settings.home), "SURVEILLANCE_DB_URL": settings.db_url})
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "read 3 = loaded 2 + quarantined 1 + duplicate 0" in result.stdout
    assert "read 1 = loaded 1" in result.stdout  # the file after it
    assert any("3,000,000 characters" in m for m in reasons(engine))
    with engine.connect() as conn:
        raw = json.loads(conn.execute(select(QuarantinedRow.raw)).scalar())
    assert len(raw["narrative"]) == table.MAX_FIELD_CHARS + 1  # kept, cut short
    accounted(engine)


def test_a_field_past_the_header_sample_does_not_crash_the_header_search() -> None:
    sample = csv_bytes(INJURY_HEADER_ZH, [injury_row("R1", narrative="x" * 200_000)])
    rows = csv_text.sample_rows(sample, "utf-8")
    assert rows[0] == INJURY_HEADER_ZH


def test_100000_columns_are_rejected_in_one_line(settings, engine, tmp_path: Path) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(100_001)) + "\n" + ",".join("1" for _ in range(100_001)) + "\n")
    run = _ingest(settings, "food", wide)
    assert run.results[0].status == "rejected" and "100,001 fields" in run.results[0].error
    _one_line(run.results[0].line())


def test_a_50_mb_line_without_a_newline_is_rejected_in_one_line(settings, engine, tmp_path: Path) -> None:
    path = tmp_path / "one-line.csv"
    with path.open("wb") as f:
        for _ in range(50):
            f.write(b"a" * (1 << 20))
    run = _ingest(settings, "food", path)
    assert run.results[0].status == "rejected"
    _one_line(run.results[0].line())
    with engine.connect() as conn:
        assert conn.execute(select(IngestBatch.status, IngestBatch.error)).one().status == "rejected"


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_nul_bytes(backend: str, settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request) -> None:
    from surveillance.settings import load_settings
    from surveillance.warehouse.db import get_engine

    if backend == "postgres":  # PostgreSQL refuses NUL in text: the row must be quarantined before it gets there
        monkeypatch.setenv("SURVEILLANCE_DB_URL", request.getfixturevalue("pg_url"))
        from surveillance.warehouse.db import upgrade

        settings = load_settings()
        upgrade(settings.db_url)
    engine = get_engine(settings.db_url)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\x00\x01\x02" * 1000)
    later = tmp_path / "nul-in-a-row.csv"
    later.write_bytes(csv_bytes(FOOD_HEADER, [food_row("N1"), food_row("N2", food_name="大\x00米"), food_row("N3")]))
    run = _ingest(settings, "food", binary, later)
    assert run.results[0].status == "rejected" and "binary" in run.results[0].error
    assert run.results[1].line().startswith("accepted") and run.results[1].rows_quarantined == 1
    assert run.results[1].rows_loaded == 2
    assert any("NUL" in m for m in reasons(engine))
    accounted(engine)


def test_a_header_naming_one_field_twice_is_rejected_naming_both(settings, engine, tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    header = ["report_id", *INJURY_HEADER_ZH]  # report_id and 报告卡编号
    path.write_bytes(csv_bytes(header, [["X9", *injury_row("R1")]]))
    run = _ingest(settings, "injury", path)
    error = run.results[0].error
    assert run.results[0].status == "rejected" and "'report_id'" in error and "'报告卡编号'" in error
    _one_line(run.results[0].line())


def test_an_encoding_switching_inside_the_file_rejects_it_whole_and_loads_nothing(settings, engine, tmp_path: Path) -> None:
    rows = [food_row(f"E{i}", food_name="大米" * 50) for i in range(8_000)]  # past the 1 MB sample
    content = csv_bytes(FOOD_HEADER, rows) + ",".join(food_row("GBK", food_name="面粉")).encode("gbk") + b"\n"
    path = tmp_path / "switching.csv"
    path.write_bytes(content)
    run = _ingest(settings, "food", path)
    assert run.results[0].status == "rejected" and "unreadable CSV" in run.results[0].error
    _one_line(run.results[0].line())
    with engine.connect() as conn:
        assert conn.execute(select(FoodResult.id)).first() is None  # the file's transaction left nothing behind


def _xlsx_with_sheet(path: Path, sheet_xml: bytes) -> None:
    from openpyxl import Workbook

    buf = io.BytesIO()
    Workbook().save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item, sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else src.read(item))


def _sheet(rows: list[list[str]], pad: int = 0) -> bytes:
    body = "".join("<row>" + "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in r) + "</row>" for r in rows)
    return (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + b" " * pad + f"<sheetData>{body}</sheetData></worksheet>".encode())


def test_an_xlsx_zip_bomb_is_refused_unopened(settings, engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = tmp_path / "bomb.xlsx"
    _xlsx_with_sheet(bomb, _sheet([FOOD_HEADER, food_row("B1")], pad=64 << 20))  # 64 MB of blanks, a few hundred KB packed
    assert bomb.stat().st_size < 1 << 20
    run = _ingest(settings, "food", bomb)
    assert run.results[0].status == "rejected" and "refused unopened" in run.results[0].error
    _one_line(run.results[0].line())
    monkeypatch.setattr(workbook, "XLSX_MAX_EXPANDED_BYTES", 1 << 16)  # the absolute bound, whatever the ratio
    (tmp_path / "b2.xlsx").write_bytes(bomb.read_bytes().replace(b"B1", b"B2"))
    _xlsx_with_sheet(tmp_path / "b2.xlsx", _sheet([FOOD_HEADER, food_row("B2")], pad=1 << 17))
    assert "refused unopened" in _ingest(settings, "food", tmp_path / "b2.xlsx").results[0].error


def test_an_xlsx_of_300000_rows_stops_at_the_limit_with_bounded_memory(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "huge.xlsx"
    _xlsx_with_sheet(path, _sheet([FOOD_HEADER[:3], *([f"S{i}", "2026-11-20", "610302"] for i in range(300_000))]))
    # VmHWM is this process's own peak: ru_maxrss would also count the pytest process it was forked from (Linux
    # keeps the pre-exec high-water mark), which grows with every test run before this one
    code = ("import re,sys; from surveillance.ingest import read; from surveillance.ingest.contract import CONTRACTS\n"
            "try:\n    read.open_file(sys.argv[1], CONTRACTS['food'])\nexcept read.FileRejected as e:\n    print(e)\n"
            "print(int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) // 1024)")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=600)
    message, peak_mb = out.stdout.strip().splitlines()
    assert f"more than {workbook.XLSX_MAX_ROWS:,} rows" in message and "CSV" in message
    assert int(peak_mb) < 1_000, f"peak {peak_mb} MB"


def test_formulas_and_external_links_in_xlsx_stay_text_never_evaluated(settings, engine, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(FOOD_HEADER)
    ws.append(food_row("F1", food_name='=HYPERLINK("http://evil.example/x","点击")'))
    ws.append(food_row("F2", food_name="='[外部.xlsx]Sheet1'!A1"))
    ws.append(food_row("F3", result="=0.1*10"))
    wb.save(tmp_path / "formulas.xlsx")
    run = _ingest(settings, "food", tmp_path / "formulas.xlsx")
    assert run.results[0].rows_loaded == 2 and run.results[0].rows_quarantined == 1  # a formula is no result
    with engine.connect() as conn:
        names = set(conn.execute(select(FoodResult.food_name)).scalars())
    assert names == {'=HYPERLINK("http://evil.example/x","点击")', "='[外部.xlsx]Sheet1'!A1"}
    accounted(engine)


NAMES = ["with spaces.csv", "检验结果 第3批.csv", "line\nbreak.csv", "-leading-dash.csv"]


def test_file_names_spaces_chinese_newline_leading_dash(settings, engine) -> None:
    for i, name in enumerate(NAMES):
        land(settings, "food", name, csv_bytes(FOOD_HEADER, [food_row(f"N{i}")]))
    run = ingest_day(settings, "food", DAY)
    assert [r.status for r in run.results] == ["accepted"] * 4 and {r.rows_loaded for r in run.results} == {1}
    for r in run.results:
        _one_line(r.line())
    assert any("line\\nbreak.csv" in r.line() for r in run.results)  # shown escaped, not as a second line
    # and by hand: the file names as arguments (after --, as a leading dash needs)
    result = cli("ingest", "--source", "food", "--day", DAY.isoformat(), "--",
                 *(str(settings.landing_dir("food", DAY) / n) for n in NAMES),
                 env={"SURVEILLANCE_HOME": str(settings.home), "SURVEILLANCE_DB_URL": settings.db_url})
    assert result.returncode == 0, result.stderr[-1000:]
    lines = result.stdout.splitlines()
    assert [line[:6] for line in lines[:4]] == ["[1/4] ", "[2/4] ", "[3/4] ", "[4/4] "]
    assert all("already ingested" in line for line in lines[:4]) and lines[4].startswith("4 file(s), 0 rejected")


def test_a_symlink_out_of_the_landing_folder_is_refused(settings, engine, tmp_path: Path) -> None:
    secret = tmp_path / "outside" / "secret.csv"
    secret.parent.mkdir()
    secret.write_bytes(csv_bytes(FOOD_HEADER, [food_row("S1")]))
    folder = settings.landing_dir("food", DAY)
    folder.mkdir(parents=True)
    (folder / "link.csv").symlink_to(secret)
    (folder / "dangling.csv").symlink_to(tmp_path / "nowhere.csv")
    inside = land(settings, "food", "real.csv", csv_bytes(FOOD_HEADER, [food_row("S2")]), DAY)
    (folder / "alias.csv").symlink_to(inside)  # a link inside the landing area is a landed file
    run = ingest_day(settings, "food", DAY)
    by_name = {Path(r.file).name: r for r in run.results}
    assert "outside the landing folder" in by_name["link.csv"].error
    assert "outside the landing folder" in by_name["dangling.csv"].error
    assert sorted((by_name[n].rows_loaded, by_name[n].already_ingested) for n in ("real.csv", "alias.csv")) == [(0, True), (1, False)]
    with engine.connect() as conn:
        assert set(conn.execute(select(FoodResult.sample_id)).scalars()) == {"S2"}
    again = {Path(r.file).name: r for r in ingest_day(settings, "food", DAY).results}
    assert again["link.csv"].status == "rejected"  # refused again, still one batch row
    with engine.connect() as conn:
        assert len(conn.execute(select(IngestBatch.id).where(IngestBatch.file_name == "link.csv")).all()) == 1


def test_a_file_still_being_written_then_landed_complete(settings, engine) -> None:
    whole = csv_bytes(FOOD_HEADER, [food_row(f"W{i}") for i in range(5)])
    half = whole[: whole.rindex(b"\n", 0, len(whole) - 1) + 20]  # the last row cut off mid-way
    land(settings, "food", "lab.csv", half)
    first = ingest_day(settings, "food", DAY).results[0]
    assert (first.rows_read, first.rows_loaded, first.rows_quarantined) == (5, 4, 1)
    assert any("truncated" in m for m in reasons(engine))
    land(settings, "food", "lab.csv", whole)  # the transfer finished: the same name, now complete
    second = ingest_day(settings, "food", DAY).results[0]
    assert (second.rows_read, second.rows_loaded, second.rows_duplicate) == (5, 1, 4)
    with engine.connect() as conn:
        assert sorted(conn.execute(select(FoodResult.sample_id)).scalars()) == [f"W{i}" for i in range(5)]
    accounted(engine)


def test_the_same_content_under_two_names_loads_once(settings, engine) -> None:
    content = csv_bytes(FOOD_HEADER, [food_row("D1"), food_row("D2")])
    land(settings, "food", "a.csv", content)
    land(settings, "food", "b.csv", content)
    a, b = ingest_day(settings, "food", DAY).results
    assert (a.rows_loaded, b.rows_loaded, b.rows_duplicate, b.already_ingested) == (2, 0, 2, True)


def test_deeply_nested_json_lines(settings, engine, tmp_path: Path) -> None:
    keys = FOOD_HEADER
    good = json.dumps(dict(zip(keys, food_row("J1"), strict=True)), ensure_ascii=False)
    abyss = '{"sample_id": ' + "[" * 200_000 + "]" * 200_000 + "}"
    deep = dict(zip(keys, food_row("J3"), strict=True))
    nested: dict = {}
    inner = nested
    for _ in range(40):
        inner["x"] = {}
        inner = inner["x"]
    deep["extra"] = nested
    path = tmp_path / "nested.jsonl"
    path.write_text("\n".join([good, abyss, json.dumps(deep)]) + "\n", encoding="utf-8")
    run = _ingest(settings, "food", path)
    r = run.results[0]
    assert (r.status, r.rows_read, r.rows_loaded, r.rows_quarantined) == ("accepted", 3, 1, 2), r.line()
    messages = reasons(engine)
    assert any("nested too deeply" in m for m in messages) and any("more than 20 levels" in m for m in messages)
    accounted(engine)


def test_one_unreadable_file_never_stops_the_others(settings, engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever a file provokes inside the reader (here a bug simulated in the layout rules), the file is
    rejected in one line and the files after it are read."""
    from surveillance.ingest.read import table as r

    first = tmp_path / "a.csv"
    first.write_bytes(csv_bytes(FOOD_HEADER, [food_row("A1")]))
    second = tmp_path / "b.csv"
    second.write_bytes(csv_bytes(FOOD_HEADER, [food_row("B1")]))
    real = r.apply_layout

    def boom(layout, frame, *args):
        if "A1" in frame.to_string():
            raise KeyError("surprise")
        return real(layout, frame, *args)

    monkeypatch.setattr(r, "apply_layout", boom)
    run = _ingest(settings, "food", first, second)
    assert [x.status for x in run.results] == ["rejected", "accepted"]
    assert "could not be read (KeyError" in run.results[0].error
    _one_line(run.results[0].line())
    assert os.path.basename(run.results[1].file) == "b.csv" and run.results[1].rows_loaded == 1
