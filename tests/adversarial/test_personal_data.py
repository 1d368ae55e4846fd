"""Personal data never leaves ingest: each written form of an ID or phone number, planted in every field of
every source, and names under any header, are found nowhere downstream — not in the warehouse (SQLite,
or a PostgreSQL dump), the outbox, the digests, the reports or the logs."""

from __future__ import annotations

import json
import logging
import subprocess
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from surveillance.ingest.contract import CONTRACTS
from surveillance.nightly import run_day
from tests.adversarial.conftest import DAY, FOOD_HEADER, csv_bytes, food_row, land
from tests.conftest import INJURY_HEADER_ZH, injury_row

pytestmark = pytest.mark.adversarial

NAME = "张三丰"
FORMS = ["+8613912345678", "139-1234-5678", "139 1234 5678", "13912345678", "0086 139 8765 4321",
         "610102 19900101 1234", "61010219900101123X", "610102900101123", "029-88881234"]
# what must never be found, whatever spacing the form had
NEEDLES = [NAME, "东大街", "13912345678", "1391234", "139-1234", "139 1234", "13987654321", "139 8765", "19900101", "900101123",
           "88881234"]
INSPECTION_HEADER = ["抽样单编号", "抽样日期", "行政区划代码", "产品类别", "产品名称", "商标", "规格型号", "生产企业名称",
                     "统一社会信用代码", "生产企业地址", "抽样环节", "检验机构", "检验结论", "不合格项目"]


def inspection_row(sample: str, **over: str) -> list[str]:
    row = dict(sample_id=sample, sampling_date=DAY.isoformat(), region_code="610302", product_category="P0201",
               product_name="电热水壶", brand="暖阳", model="NY-1", manufacturer_name="宝鸡暖阳电器有限公司",
               manufacturer_uscc="", manufacturer_address="宝鸡市渭滨区", sampling_stage="流通",
               inspection_agency="宝鸡市质检所", verdict="不合格", failed_items="标识")
    row.update(over)
    return list(row.values())


def _planted(settings) -> None:
    """Each form in each field of each source, names under every spelling of a name header."""
    injury_fields = CONTRACTS["injury"].names
    rows = [injury_row(form, **{}) if field == "report_id" else injury_row(f"P{i}{j}", **{field: form})
            for i, field in enumerate(injury_fields) for j, form in enumerate(FORMS)]
    extra = ["姓名", "身份证号", "联系电话", "监护人", "紧急联系电话", "备注"]
    person = [NAME, FORMS[5], FORMS[0], NAME + "之母", FORMS[2], f"复诊电话{FORMS[1]}"]
    land(settings, "injury", "injury_H61010201_20261120.csv",
         csv_bytes([*INJURY_HEADER_ZH, *extra], [[*r, *person] for r in rows]))
    for n, header in enumerate(["Patient Name", "病人姓名", "patient-name"]):
        land(settings, "injury", f"injury_H6101020{n + 2}_20261120.csv", csv_bytes(
            [*INJURY_HEADER_ZH, header, "Emergency Contact Phone"],
            [[*injury_row(f"N{n}", hospital_code=f"H6101020{n + 2}"), NAME, FORMS[3]]]))
    # a line that cannot be split, with a name, an address and a guardian in it
    line = ",".join([*injury_row("L1"), NAME, "陕西省西安市碑林区东大街1号", NAME + "之父", "extra", "fields"])
    land(settings, "injury", "injury_H61010209_20261120.csv",
         csv_bytes(INJURY_HEADER_ZH, [injury_row("L0", hospital_code="H61010209")]) + line.encode() + b"\r\n")
    fields = CONTRACTS["inspection"].names[: len(INSPECTION_HEADER)]
    rows = [inspection_row(form) if field == "sample_id" else inspection_row(f"I{i}{j}", **{field: form})
            for i, field in enumerate(fields) for j, form in enumerate(FORMS)]
    land(settings, "inspection", "inspection_bjzj_20261120.csv", csv_bytes(INSPECTION_HEADER, rows))
    keys = ["sample_id", "sampling_date", "region_code", "food_category", "food_name", "sampling_stage", "analyte", "result",
            "unit", "lod", "limit", "standard"]
    rows = [food_row(form, result="0.9") if field == "sample_id" else food_row(f"F{i}{j}", **{"result": "0.9", field: form})
            for i, field in enumerate(keys) for j, form in enumerate(FORMS)]
    land(settings, "food", "food_cdclab_20261120.csv", csv_bytes(FOOD_HEADER, rows))


def _texts(settings) -> dict[str, str]:
    """Everything the night wrote outside the warehouse, as text: mails decoded part by part."""
    out = {}
    for path in settings.home.rglob("*"):
        if not path.is_file() or path.is_relative_to(settings.landing) or path.suffix in (".db", ".lock", ".png") \
                or path.name.endswith(("-wal", "-shm")):
            continue
        if path.suffix == ".eml":
            message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            parts = [str(v) for v in message.values()]
            for part in message.walk():
                if part.get_content_maintype() in ("text",) or part.get_filename():
                    payload = part.get_payload(decode=True) or b""
                    parts.append(payload.decode("utf-8-sig", "replace"))
            out[str(path)] = "\n".join(parts)
        else:
            out[str(path)] = path.read_bytes().decode("utf-8", "replace")
    return out


def _warehouse_text(engine) -> str:
    from sqlalchemy import text

    from surveillance.warehouse.models import Base

    chunks = []
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(text(f'SELECT * FROM "{table.name}"')):
                chunks.append(json.dumps([str(v) for v in row], ensure_ascii=False))
    return "\n".join(chunks)


def _assert_clean(where: str, text: str) -> None:
    for needle in NEEDLES:
        assert needle not in text, f"{needle!r} found in {where}: …{text[max(0, text.find(needle) - 80):text.find(needle) + 80]}…"


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_planted_personal_data_is_found_nowhere(backend: str, settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                caplog: pytest.LogCaptureFixture, request) -> None:
    from surveillance.settings import load_settings
    from surveillance.warehouse.db import get_engine, upgrade

    if backend == "postgres":
        url = request.getfixturevalue("pg_url")
        monkeypatch.setenv("SURVEILLANCE_DB_URL", url)
        settings = load_settings()
        upgrade(url)
    engine = get_engine(settings.db_url)
    caplog.set_level(logging.DEBUG)
    _planted(settings)
    result = run_day(settings, DAY, use_smtp=False)
    loaded = {s: r["totals"]["rows_loaded"] for s, r in result["ingest"].items()}
    assert all(loaded.values()) and result["alert"]["digests_built"] > 0, (loaded, result["alert"])
    assert not [r for run in result["ingest"].values() for r in run["files"] if r["status"] == "rejected"]
    _assert_clean("the warehouse", _warehouse_text(engine))
    if backend == "postgres":
        dump = subprocess.run(["pg_dump", "--data-only", url], capture_output=True, text=True, timeout=300)
        assert dump.returncode == 0 and "injury_reports" in dump.stdout, dump.stderr[-500:]
        _assert_clean("the PostgreSQL dump", dump.stdout)
    else:
        engine.dispose()
        for suffix in ("", "-wal"):  # the file's own bytes too (a WAL not yet checkpointed included)
            db = Path(settings.db_url.removeprefix("sqlite:///") + suffix)
            if db.exists():
                _assert_clean(db.name, db.read_bytes().decode("utf-8", "replace"))
    texts = _texts(settings)
    assert any(p.endswith(".eml") for p in texts) and any("/digests/" in p for p in texts) and any("report.html" in p for p in texts)
    assert any("data-docs" in p for p in texts)
    for path, text in texts.items():
        _assert_clean(path, text)
    _assert_clean("the logs", caplog.text)
    assert "[已脱敏]" in _warehouse_text(engine)  # redacted where found, not dropped with its row


def test_a_header_giving_the_patients_name_twice_is_rejected_not_half_kept(settings, engine) -> None:
    from surveillance.ingest.run import ingest_files
    from tests.conftest import TODAY

    path = land(settings, "injury", "injury_H61010201_20261120.csv",
                csv_bytes([*INJURY_HEADER_ZH, "patient_name", "姓名"], [[*injury_row("R1"), NAME, NAME + "乙"]]))
    result = ingest_files(settings, "injury", [path], day=DAY, today=TODAY).results[0]
    assert result.status == "rejected" and "'patient_name' and '姓名' both give the field patient_name" in result.error
    _assert_clean("the warehouse", _warehouse_text(engine))
