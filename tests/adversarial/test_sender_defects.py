"""The rest of what a hostile or careless sender or operator could do: rewrite another hospital's records,
script in the Data Docs, infinite results, escape sequences in listings, a night where nothing went out."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import select

from surveillance.cli import main
from surveillance.ingest.run import ingest_files
from surveillance.nightly import ingest_day, run_day
from surveillance.warehouse.models import FoodResult, InjuryReport, Signal
from tests.adversarial.conftest import DAY, FOOD_HEADER, accounted, csv_bytes, food_row, land, reasons
from tests.conftest import INJURY_HEADER_ZH, TODAY, injury_row

pytestmark = pytest.mark.adversarial


def test_a_file_of_one_hospital_cannot_rewrite_another_hospitals_records(settings, engine) -> None:
    land(settings, "injury", "injury_H61010201_20261120.csv", csv_bytes(INJURY_HEADER_ZH, [injury_row("R1")]))
    assert ingest_day(settings, "injury", DAY).results[0].rows_loaded == 1
    # a file named for another sender carries H61010201's record, made worse: taken as a correction before
    forged = injury_row("R1", severity="重度", outcome="死亡")
    land(settings, "injury", "injury_H61099999_20261121.csv", csv_bytes(INJURY_HEADER_ZH, [forged, injury_row("R9")]))
    result = next(r for r in ingest_day(settings, "injury", DAY).results if "H61099999" in r.file)
    assert (result.rows_read, result.rows_updated, result.rows_quarantined) == (2, 0, 1)
    with engine.connect() as conn:
        assert conn.execute(select(InjuryReport.severity, InjuryReport.outcome).where(InjuryReport.report_id == "R1")).one() \
            == ("轻度", "处理后离院")
    assert any("a correction is accepted only from that sender" in m for m in reasons(engine))
    # the sender itself may correct it
    land(settings, "injury", "injury_H61010201_20261122.csv", csv_bytes(INJURY_HEADER_ZH, [forged]))
    own = next(r for r in ingest_day(settings, "injury", DAY).results if r.file.endswith("20261122.csv"))
    assert own.rows_updated == 1
    accounted(engine)


def test_a_sentinel_hospitals_file_carries_only_its_own_cards(settings, engine, tmp_path: Path, monkeypatch) -> None:
    registry = tmp_path / "hospitals.csv"
    registry.write_text("hospital_code,hospital_name,region_code\nH61010201,甲医院,610102\nH61030201,乙医院,610302\n",
                        encoding="utf-8")
    monkeypatch.setenv("SURVEILLANCE_HOSPITALS", str(registry))
    land(settings, "injury", "H61030201.csv", csv_bytes(INJURY_HEADER_ZH, [
        injury_row("R1", hospital_code="H61030201"), injury_row("R2", hospital_code="H61010201")]))
    result = ingest_day(settings, "injury", DAY).results[0]
    assert (result.sender, result.rows_loaded, result.rows_quarantined) == ("H61030201", 1, 1)
    assert any("a card of hospital H61010201 in a file sent by hospital H61030201" in m for m in reasons(engine))


def test_an_analyst_names_the_sender_by_hand(settings, engine, tmp_path: Path) -> None:
    first = tmp_path / "export.csv"
    first.write_bytes(csv_bytes(INJURY_HEADER_ZH, [injury_row("R1")]))
    fix = tmp_path / "fix.csv"
    fix.write_bytes(csv_bytes(INJURY_HEADER_ZH, [injury_row("R1", severity="重度")]))
    ingest_files(settings, "injury", [first], day=DAY, today=TODAY, sender="雁塔区疾控")
    assert ingest_files(settings, "injury", [fix], day=DAY, today=TODAY).results[0].rows_quarantined == 1
    fix.write_bytes(csv_bytes(INJURY_HEADER_ZH, [injury_row("R1", severity="重度"), injury_row("R2")]))
    assert ingest_files(settings, "injury", [fix], day=DAY, today=TODAY, sender="雁塔区疾控").results[0].rows_updated == 1


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inside, self.bodies, self.attributes = False, [], []

    def handle_starttag(self, tag, attrs) -> None:
        self.inside = tag == "script"
        self.attributes.extend(name for name, _ in attrs)

    def handle_endtag(self, tag) -> None:
        self.inside = False

    def handle_data(self, data) -> None:
        if self.inside:
            self.bodies.append(data)


def test_script_in_a_value_never_reaches_the_data_docs_as_script(settings, engine) -> None:
    land(settings, "food", "food_lab_20261120.csv", csv_bytes(FOOD_HEADER, [
        food_row("X1", region_code="<script>alert('docs')</script>"), food_row("X2", sampling_stage="<b onmouseover=alert(2)>x</b>")]))
    run = ingest_day(settings, "food", DAY)
    assert run.results[0].rows_quarantined == 2
    pages = list(run.data_docs.parent.rglob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        parsed = _Scripts()
        parsed.feed(text)
        assert not any("alert(" in body for body in parsed.bodies), page
        assert "onmouseover" not in parsed.attributes, page
    # the quarantine still quotes the sender's value as it was
    assert any("<script>alert('docs')</script>" in m for m in reasons(engine))


@pytest.mark.parametrize("value", ["inf", "1e309", "Infinity", "-inf", "NaN", "1.2×10^400"])
def test_non_finite_numbers_are_parse_problems(value: str, settings, engine) -> None:
    land(settings, "food", "food_lab_20261120.csv", csv_bytes(FOOD_HEADER, [
        food_row("V1", analyte="铅", result=value), food_row("V2", analyte="铅", lod=value, result="未检出"),
        food_row("V3", analyte="铅", limit=value, result="0.9"), food_row("V4")]))
    result = run_day(settings, DAY, use_smtp=False)
    assert result["ingest"]["food"]["totals"]["rows_quarantined"] >= 2
    with engine.connect() as conn:
        for column in (FoodResult.result_value, FoodResult.lod, FoodResult.limit_value):
            assert all(v is None or abs(v) < 1e300 for v in conn.execute(select(column)).scalars())
        titles = list(conn.execute(select(Signal.title)).scalars())
    assert not any("inf" in t.lower() or "nan" in t.lower() for t in titles), titles


def test_quarantine_list_prints_untrusted_text_escaped(settings, engine, capsys) -> None:
    land(settings, "food", "evil\x1b[2J\nname.csv", csv_bytes(FOOD_HEADER, [food_row("E1", region_code="\x1b]0;pwned\x07\x1b[31m")]))
    ingest_day(settings, "food", DAY)
    capsys.readouterr()
    assert main(["quarantine", "list", "--raw"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\\x1b" in out
    assert len(out.strip().splitlines()) == 2  # the row, and its raw values: no forged lines


def test_a_night_where_nothing_went_out_says_so(settings, engine, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from surveillance.alerts import deliver

    land(settings, "food", "food_lab_20261120.csv", csv_bytes(FOOD_HEADER, [food_row("D1", result="0.9")]))

    def down(message, to_addrs, conn_id="smtp_default"):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(deliver, "send_smtp", down)
    monkeypatch.setattr(deliver, "smtp_configured", lambda conn_id="smtp_default": True)
    monkeypatch.delenv("SURVEILLANCE_SMTP", raising=False)
    assert main(["run", "--day", DAY.isoformat()]) == 4
    captured = capsys.readouterr()
    assert "NOTHING WENT OUT" in captured.out and "error: nothing went out" in captured.err
    assert main(["alert", "--day", DAY.isoformat()]) == 0  # waiting for the back-off: nothing handed over, nothing failed
    monkeypatch.setattr(deliver, "send_smtp", lambda message, to_addrs, conn_id="smtp_default": {})
    from datetime import datetime, timedelta

    from surveillance.alerts.run import alert_day
    from surveillance.warehouse.db import get_engine

    later = alert_day(get_engine(settings.db_url), settings, DAY, now=datetime.now() + timedelta(hours=7))
    assert later["sent"] > 0 and not later["nothing_went_out"]
    assert json.loads(json.dumps(later))  # the summary stays plain JSON


def test_a_sender_folder_declares_the_sender(settings, engine) -> None:
    folder = settings.landing_dir("injury", DAY) / "雁塔区疾控"
    folder.mkdir(parents=True)
    (folder / "export.csv").write_bytes(csv_bytes(INJURY_HEADER_ZH, [injury_row("R1")]))
    (folder / "export2.csv").write_bytes(csv_bytes(INJURY_HEADER_ZH, [injury_row("R1", severity="重度")]))
    first, second = ingest_day(settings, "injury", DAY).results
    assert first.sender == second.sender == "雁塔区疾控" and second.rows_updated == 1
