from pathlib import Path

import pytest

from surveillance.ingest.contract import FOOD, INJURY
from surveillance.ingest.readers import FileRejected, clean_header, read_file
from tests.conftest import INJURY_HEADER_ZH, injury_row, write_csv


def test_gbk_file_with_chinese_headers_is_decoded(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "gbk.csv", INJURY_HEADER_ZH, [injury_row("R1", narrative="在厨房被开水烫伤")],
                     encoding="gbk")
    raw = read_file(path, INJURY)
    assert raw.encoding == "gb18030"
    assert raw.frame.at[0, "narrative"] == "在厨房被开水烫伤"
    assert raw.frame.at[0, "report_id"] == "R1"


def test_utf8_bom_and_header_variants(tmp_path: Path) -> None:
    header = [" 报告卡编号 ", "医院编码", "行政区划代码", "就诊日期（年月日）", *INJURY_HEADER_ZH[4:]]
    header[1] = "医院编码"  # full-width characters in the file
    path = write_csv(tmp_path / "bom.csv", header, [injury_row("R1")], encoding="utf-8-sig")
    raw = read_file(path, INJURY)
    assert {"report_id", "hospital_code", "visit_date"} <= set(raw.frame.columns)
    assert clean_header("检测结果(mg/kg)") == "检测结果"


@pytest.mark.parametrize(("content", "message"), [
    (b"", "file is empty"),
    (b"\x00\x01\x02PK\x03\x04" * 100, "binary"),
])
def test_unreadable_files_are_rejected(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(FileRejected, match=message):
        read_file(path, INJURY)


def test_wrong_source_is_named(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "injury.csv", INJURY_HEADER_ZH, [injury_row("R1")])
    with pytest.raises(FileRejected, match="this is a injury file, not a food file"):
        read_file(path, FOOD)


def test_missing_required_columns_rejected(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ["报告卡编号", "医院编码"], [["R1", "H1"]])
    with pytest.raises(FileRejected, match="missing required columns: region_code"):
        read_file(path, INJURY)


def test_unknown_columns_are_kept(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [*INJURY_HEADER_ZH, "备注"], [[*injury_row("R1"), "复诊"]])
    raw = read_file(path, INJURY)
    assert raw.extra_columns == ("备注",)
    assert raw.frame.at[0, "备注"] == "复诊"


def test_xlsx_with_a_merged_title_row(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["2026年11月伤害监测报告卡汇总"])
    ws.merge_cells("A1:O1")
    ws.append(INJURY_HEADER_ZH)
    ws.append(injury_row("R1", narrative="=HYPERLINK(\"http://x\",\"点击\")"))
    path = tmp_path / "report.xlsx"
    wb.save(path)
    raw = read_file(path, INJURY)
    assert len(raw.frame) == 1 and raw.frame.at[0, "report_id"] == "R1"
    assert raw.frame.at[0, "narrative"].startswith("=HYPERLINK")  # kept as text, never evaluated
