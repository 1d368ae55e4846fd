"""Every layout of the corpus (tests/ingest/corpus/) read as a correct reading reads it: the records, their
verdicts, exceedances, places, dates and ages; or refused with the reason, never misread."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import TODAY
from tests.ingest.corpus import all_cases, read_case

CASES = all_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_real_layout_reads_right(case, engine, tmp_path: Path) -> None:
    outcome = read_case(case, tmp_path / "landing", engine, TODAY)
    assert outcome.ok, outcome.explain()


_PERSONAL = ("姓名", "身份证", "证件", "电话", "手机", "监护人", "家长", "乡镇", "街道", "村", "门牌", "详细地址", "住址", "住处",
             "xm", "sfzh", "lxdh", "jhr", "patient_name", "id_card", "phone", "guardian", "name")


def _personal_values(case) -> set[str]:
    """Values of the columns of a card file that name, identify or locate a patient below the county."""
    values = set()
    for sheet in case.sheets:
        rows = [[str(c or "") for c in r] for r in sheet.rows]
        for n, row in enumerate(rows):
            cols = [k for k, h in enumerate(row) if any(p in "".join(h.split()).lower() for p in _PERSONAL)
                    and not any(w in h.lower() for w in ("医院", "产品", "product", "hospital"))]
            if len(cols) >= 2:
                for later in rows[n + 1 :]:
                    values |= {later[k].strip() for k in cols if k < len(later) and len(later[k].strip()) >= 2}
                break
    return {v for v in values if v not in ("未知", "Unknown", "不详", "/")}


INJURY = [c for c in CASES if c.source == "injury" and c.refuse is None]


@pytest.mark.parametrize("case", INJURY, ids=[c.name for c in INJURY])
def test_no_name_id_number_phone_or_village_of_a_real_card_layout_is_stored(case, engine, tmp_path: Path) -> None:
    import json

    from sqlalchemy import text

    personal = _personal_values(case)
    assert personal, "the case carries personal data to look for"
    read_case(case, tmp_path / "landing", engine, TODAY)
    with engine.connect() as conn:
        stored = json.dumps([[str(v) for v in r] for t in ("injury_reports", "quarantined_rows", "ingest_batches",
                                                             "record_revisions")
                             for r in conn.execute(text(f"select * from {t}"))], ensure_ascii=False)
    leaked = sorted(v for v in personal if v in stored)
    assert not leaked, f"personal values stored: {leaked}"


WORKBOOKS = [c for c in CASES if c.file_name.endswith(".xlsx")]


@pytest.mark.parametrize("case", WORKBOOKS, ids=[c.name for c in WORKBOOKS])
def test_the_same_workbook_as_an_old_xls_reads_the_same(case, engine, tmp_path: Path) -> None:
    """Many bureaus still publish .xls: the same sheets, merged cells and all, read the same way."""
    from dataclasses import replace

    outcome = read_case(replace(case, file_name=case.file_name.removesuffix(".xlsx") + ".xls"), tmp_path / "landing",
                        engine, TODAY)
    assert outcome.ok, outcome.explain()
