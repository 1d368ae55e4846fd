"""The GX suites run through GX's own API: row failures, evaluation errors, Data Docs."""

import json
from datetime import date
from pathlib import Path

import pandas as pd

from surveillance.ingest.validate.rows import RowValidator
from surveillance.ingest.validate.suites import build_suite, suite_path
from tests.conftest import TODAY


def test_committed_suites_match_the_contract_and_reference_data() -> None:
    for source in ("injury", "inspection", "food"):
        assert json.loads(suite_path(source).read_text(encoding="utf-8")) == build_suite(source)


def _frame(**over) -> pd.DataFrame:
    row = dict(report_id="R1", hospital_code="H1", region_code="610102", jurisdiction_code="610100",
               visit_date=date(2026, 11, 20), sex="男", age=35.0, injury_cause="烧烫伤", injury_intent="非故意（意外事故）",
               injury_nature="烧烫伤", body_part="上肢", severity="轻度", outcome="处理后离院", product_code="P0201",
               product_name="电热水壶", narrative="")
    rows = [row, {**row, "report_id": "R2", **over}]
    return pd.DataFrame(rows)


def test_row_failures_name_row_column_and_expectation() -> None:
    validator = RowValidator("injury", TODAY)
    failures, errors = validator.validate(_frame(age=130.0, sex="X"), "t")
    assert errors == []
    assert {(f.row, f.column, f.expectation, f.value) for f in failures} == {
        (1, "age", "expect_column_values_to_be_between", "130.0"),
        (1, "sex", "expect_column_values_to_be_in_set", "X"),
    }


def test_an_expectation_gx_cannot_evaluate_is_an_error_not_a_pass() -> None:
    frame = _frame()
    frame["visit_date"] = ["2026-11-20", "2026-11-21"]  # text where the suite compares dates
    _, errors = RowValidator("injury", TODAY).validate(frame, "t")
    assert errors and "visit_date" in errors[0]


def test_data_docs_are_written_for_the_run(tmp_path: Path) -> None:
    validator = RowValidator("injury", TODAY, tmp_path / "docs")
    validator.validate(_frame(sex="X"), "cards.csv part 1")
    index = validator.build_docs()
    assert index == tmp_path / "docs" / "index.html" and index.exists()
    pages = list((tmp_path / "docs" / "validations").rglob("*.html"))
    assert len(pages) == 1
    page = pages[0].read_text(encoding="utf-8")
    assert "unexpected values found. 50% of 2 total rows" in page and "X</div>" in page  # the failed sex check
    assert "cards.csv part 1" in index.read_text(encoding="utf-8")
    assert RowValidator("injury", TODAY, tmp_path / "empty").build_docs() is None  # nothing validated, no report


def test_every_suite_loads_into_gx() -> None:
    for source in ("injury", "inspection", "food"):
        assert len(RowValidator(source, TODAY).checkpoint.validation_definitions[0].suite.expectations) > 10


def test_food_limits_that_make_sense(engine, tmp_path: Path) -> None:
    from surveillance.ingest.file import ingest_file
    from tests.conftest import write_csv

    header = ["样品编号", "采样日期", "行政区划代码", "食品类别", "食品名称", "采样环节", "检测项目", "检测结果", "单位", "检出限", "限量值"]
    rows = [["S1", "2026-11-20", "610102", "F01", "大米", "流通", "镉", "未检出", "mg/kg", "0.5", "0.2"],  # LOD above the limit
            ["S2", "2026-11-20", "610102", "F01", "大米", "流通", "镉", "-0.1", "mg/kg", "0.01", ""],  # negative result
            ["S3", "2026-11-20", "610102", "F01", "大米", "流通", "镉", "0.1", "mg/kg", "0.01", ""]]
    result = ingest_file(engine, write_csv(tmp_path / "f.csv", header, rows), "food", "salt", TODAY)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 2)
    with engine.connect() as conn:
        reasons = [json.loads(r) for (r,) in conn.exec_driver_sql("select reasons from quarantined_rows order by id")]
    assert reasons[0][0]["check"] == "expect_column_pair_values_a_to_be_greater_than_b" and reasons[0][0]["column"] == "limit_value,lod"
    assert reasons[1][0]["check"] == "expect_column_values_to_be_between" and reasons[1][0]["column"] == "result_value"
