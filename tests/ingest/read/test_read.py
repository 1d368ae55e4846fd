"""Reading what senders export: encodings, XLSX, JSON Lines, header variants, broken files."""

import json
from pathlib import Path

import pytest

from surveillance.ingest.contract import FOOD, INJURY
from surveillance.ingest.read import FileRejected, csv_text, open_file
from surveillance.ingest.read.table import clean_header
from tests.conftest import INJURY_HEADER_ZH, injury_row, write_csv


def _rows(path: Path, contract=INJURY, **kw):
    raw = open_file(path, contract, **kw)
    chunks = list(raw.chunks())
    return raw, chunks


def test_plain_utf8(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", INJURY_HEADER_ZH, [injury_row("R1"), injury_row("R2")])
    raw, chunks = _rows(path)
    assert raw.encoding == "utf-8" and len(chunks[0].frame) == 2 and chunks[0].invalid == []
    assert chunks[0].frame["report_id"].tolist() == ["R1", "R2"]


def test_gbk_file_with_chinese_headers_is_decoded(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "gbk.csv", INJURY_HEADER_ZH, [injury_row("R1", narrative="在厨房被开水烫伤")],
                     encoding="gbk")
    raw, chunks = _rows(path)
    assert raw.encoding == "gb18030"
    assert chunks[0].frame.at[0, "narrative"] == "在厨房被开水烫伤" and chunks[0].frame.at[0, "report_id"] == "R1"


def test_gb18030_four_byte_characters(tmp_path: Path) -> None:
    text = "骑行时摔倒，车把断裂𠮷家"  # 𠮷 exists only in GB18030's four-byte range
    path = write_csv(tmp_path / "gb.csv", INJURY_HEADER_ZH, [injury_row("R1", narrative=text)] * 1, encoding="gb18030")
    raw, chunks = _rows(path)
    assert raw.encoding == "gb18030" and chunks[0].frame.at[0, "narrative"] == text


def test_utf8_bom_and_header_variants(tmp_path: Path) -> None:
    header = [" 报告卡编号 ", "医院编码", "行政区划代码", "就诊日期（年月日）", "性 别", *INJURY_HEADER_ZH[5:]]
    path = write_csv(tmp_path / "bom.csv", header, [injury_row("R1")], encoding="utf-8-sig")
    raw, chunks = _rows(path)
    assert raw.encoding == "utf-8-sig"
    assert {"report_id", "hospital_code", "visit_date", "sex"} <= set(raw.mapping.values())
    assert chunks[0].frame.at[0, "report_id"] == "R1"
    assert clean_header("检测结果(mg/kg)") == "检测结果" and clean_header("检测结果[μg/kg]") == "检测结果"
    assert clean_header("ＲＥＰＯＲＴ_ＩＤ") == "report_id"


def test_undeterminable_encoding_is_rejected_not_loaded_as_mojibake(tmp_path: Path) -> None:
    header = ",".join(INJURY_HEADER_ZH).encode("utf-8")
    noise = bytes(range(0x80, 0x100)) * 40
    path = tmp_path / "noise.csv"
    path.write_bytes(header + b"\n" + noise.replace(b"\x0a", b""))
    with pytest.raises(FileRejected, match=r"encoding could not be determined|not valid"):
        _rows(path)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.csv", b"", "file is empty"),
    ("blank.csv", b"\n\n  \n", "file is empty"),
    ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20, "binary"),
    ("zip.csv", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00\x01\x02" * 300, "binary"),
    ("report.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
    ("broken.xlsx", b"PK\x03\x04 this is not really a workbook", "not a readable XLSX workbook"),
])
def test_unreadable_files_are_rejected_with_one_line(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FileRejected, match=message) as info:
        _rows(path)
    assert "\n" not in str(info.value)


def test_wrong_source_is_named(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "injury.csv", INJURY_HEADER_ZH, [injury_row("R1")])
    with pytest.raises(FileRejected, match="this is a injury file, not a food file"):
        _rows(path, FOOD)


def test_missing_required_columns_rejected(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ["报告卡编号", "医院编码"], [["R1", "H1"]])
    # the nearest layout is the one with the largest share of its identifying fields present: the national card here
    with pytest.raises(FileRejected, match=r"missing required columns: 伤害发生原因 \(injury_cause\)、伤害性质 \(injury_nature\)"
                                           r"、性别 \(sex\)、年龄 \(age_value\); nearest layout: injury-card"):
        _rows(path)


def test_unknown_columns_are_kept(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [*INJURY_HEADER_ZH, "备注"], [[*injury_row("R1"), "复诊"]])
    raw, chunks = _rows(path)
    assert raw.extra_columns == ("备注",)
    assert chunks[0].frame.at[0, "备注"] == "复诊"


def test_title_rows_and_blank_lines_above_the_header(tmp_path: Path) -> None:
    path = tmp_path / "titled.csv"
    lines = ["西安市中心医院伤害监测报告卡,,,", ",,,", "", ",".join(INJURY_HEADER_ZH), ",".join(injury_row("R1")), ",,,,",
             ",".join(injury_row("R2"))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, chunks = _rows(path)
    assert chunks[0].frame["report_id"].tolist() == ["R1", "R2"]  # the all-empty line is not a record


def test_a_line_with_too_many_or_too_few_fields_is_kept_as_an_invalid_line(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    rows = [",".join(INJURY_HEADER_ZH), ",".join(injury_row("R1")), ",".join([*injury_row("R2"), "surplus"]),
            ",".join(injury_row("R3"))]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    _, chunks = _rows(path)
    assert chunks[0].frame["report_id"].tolist() == ["R1", "R3"]
    assert len(chunks[0].invalid) == 1 and "16 fields, the header has 15" in chunks[0].invalid[0].reason


@pytest.mark.parametrize("cut_after", ["擦", "H61010201,610102"])
def test_truncated_file_keeps_the_complete_rows(tmp_path: Path, cut_after: str) -> None:
    full = write_csv(tmp_path / "full.csv", INJURY_HEADER_ZH,
                     [injury_row("R1", narrative="玩耍"), injury_row("R2", narrative="骑车摔倒擦伤膝盖")]).read_bytes()
    end = full.rindex(cut_after.encode()) + len(cut_after.encode())
    path = tmp_path / "cut.csv"
    path.write_bytes(full[: end + 1] if cut_after == "擦" else full[:end])  # "擦" + 1 byte: inside 伤
    _, chunks = _rows(path)
    assert chunks[0].frame["report_id"].tolist() == ["R1"]
    assert len(chunks[0].invalid) == 1 and "truncated" in chunks[0].invalid[0].reason


def test_csv_is_read_in_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_text, "BLOCK_BYTES", 512)
    path = write_csv(tmp_path / "many.csv", INJURY_HEADER_ZH, [injury_row(f"R{i}") for i in range(40)])
    _, chunks = _rows(path, chunk_rows=10)
    assert len(chunks) > 2 and sum(len(c.frame) for c in chunks) == 40
    assert chunks[0].first_row == 1
    assert chunks[1].frame.index[0] == len(chunks[0].frame)  # row positions continue across chunks


def _workbook(path: Path, sheets: dict[str, list[list[str]]], merge_title: bool = False) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if merge_title:
            ws.merge_cells("A3:O3")
    wb.save(path)
    return path


def test_xlsx_with_blank_rows_a_merged_title_and_a_formula_string(tmp_path: Path) -> None:
    formula = '=HYPERLINK("http://example.invalid","点击")'
    rows = [[], [], ["2026年11月伤害监测报告卡汇总"], INJURY_HEADER_ZH, injury_row("R1", narrative=formula)]
    path = _workbook(tmp_path / "report.xlsx", {"汇总": rows}, merge_title=True)
    raw, chunks = _rows(path)
    assert raw.encoding == "xlsx"
    assert len(chunks[0].frame) == 1 and chunks[0].frame.at[0, "report_id"] == "R1"
    assert chunks[0].frame.at[0, "narrative"] == formula  # kept as text, never evaluated


def test_xlsx_named_sheet(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "two.xlsx", {"说明": [["本表为填报说明", ""]],
                                             "伤害病例": [INJURY_HEADER_ZH, injury_row("R9")]})
    _, chunks = _rows(path, sheet="伤害病例")
    assert chunks[0].frame.at[0, "report_id"] == "R9"
    with pytest.raises(FileRejected, match="no sheet named '病例' \\(sheets: 说明, 伤害病例\\)"):
        _rows(path, sheet="病例")
    raw, chunks = _rows(path)  # the first sheet is the instructions: the data sheet is read, the other named
    assert chunks[0].frame.at[0, "report_id"] == "R9" and raw.skipped[0].startswith("sheet '说明' not read: ")
    instructions_only = _workbook(tmp_path / "one.xlsx", {"说明": [["本表为填报说明", ""]]})
    with pytest.raises(FileRejected):
        _rows(instructions_only)


def test_json_lines(tmp_path: Path) -> None:
    record = dict(zip(INJURY_HEADER_ZH, injury_row("R1"), strict=True))
    record["年龄"] = 35  # numbers arrive as JSON numbers
    lines = [json.dumps(record, ensure_ascii=False), "", "{not json", json.dumps(dict(record, 报告卡编号="R2"), ensure_ascii=False)]
    path = tmp_path / "cards.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, chunks = _rows(path)
    assert chunks[0].frame["report_id"].tolist() == ["R1", "R2"] and chunks[0].frame.at[0, "age"] == "35"
    assert len(chunks[0].invalid) == 1 and "line 3 is not valid JSON" in chunks[0].invalid[0].reason

