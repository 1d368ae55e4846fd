"""Hostile values: whatever a sender writes reaches agencies' spreadsheets as text, their HTML as text, and
never a mail header."""

from __future__ import annotations

import csv
import io
from email import policy
from email.parser import BytesParser
from html.parser import HTMLParser
from pathlib import Path

import pytest

from surveillance.excel_csv import FORMULA_START
from surveillance.ingest.load.quarantine import export, quarantined_rows
from surveillance.nightly import run_day
from tests.adversarial.conftest import DAY, FOOD_HEADER, csv_bytes, food_row, land

pytestmark = pytest.mark.adversarial

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]
SCRIPT = "<script>alert('x')</script><img src=x onerror=alert(1)>"


def _hostile_night(settings) -> dict:
    """A night whose exceedances carry formulas, script and line breaks in every text field they have."""
    rows = []
    for i, bad in enumerate([*FORMULAS, SCRIPT, "大米\r\nBcc: victim@example.com\r\nX-Evil: 1"]):
        rows.append(food_row(f"{bad}{i}", food_name=bad, food_category=bad if i % 2 else "谷物及其制品",
                             result="0.9", standard=bad))
        rows.append(food_row(f"Q{i}", food_name=bad, sampling_date=bad, region_code=bad))  # quarantined with the values
    land(settings, "food", "hostile.csv", csv_bytes(FOOD_HEADER, rows))
    return run_day(settings, DAY, use_smtp=False)


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)
        self.attrs.extend(name for name, _ in attrs)

    def handle_data(self, data) -> None:
        self.text.append(data)


def _check_html(document: str) -> None:
    parsed = Elements()
    parsed.feed(document)
    assert "script" not in parsed.tags and not any(a.startswith("on") for a in parsed.attrs)
    assert any("<script>" in t for t in parsed.text)  # shown as text


def _cells(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_formulas_script_and_line_breaks_reach_nobody_as_code(settings, engine, tmp_path: Path) -> None:
    result = _hostile_night(settings)
    assert result["ingest"]["food"]["totals"]["rows_loaded"] == 8 and result["alert"]["digests_built"] > 0
    digests = list(settings.digest_dir(DAY).glob("*.csv"))
    quarantine = tmp_path / "quarantine.csv"
    export(quarantined_rows(settings, limit=None), quarantine)
    assert len(_cells(quarantine)) == 9
    for path in [*digests, quarantine]:
        for row in _cells(path):
            for cell in row:
                assert not cell.startswith(FORMULA_START), (path.name, cell)
    assert any("=HYPERLINK" in c for p in digests for row in _cells(p) for c in row)  # kept, as text

    _check_html((settings.reports / DAY.isoformat() / "report.html").read_text(encoding="utf-8"))
    emails = list((settings.outbox / DAY.isoformat()).glob("*.eml"))
    assert emails
    for eml in emails:
        message = BytesParser(policy=policy.default).parsebytes(eml.read_bytes())
        assert message["Bcc"] is None and message["X-Evil"] is None
        assert all("\n" not in str(v) and "\r" not in str(v) for v in message.values())
        _check_html(message.get_body(("html",)).get_content())
        for part in message.iter_attachments():
            assert "\n" not in (part.get_filename() or "")


def test_quarantine_export_neutralises_headers_too(settings, tmp_path: Path) -> None:
    rows = [dict(batch_id=1, source="food", file_name="=f.csv", row_number=2, reasons=[],
                 raw={"=HYPERLINK(\"http://e\")": "=1+1", "+cmd": "@x"})]
    out = tmp_path / "q.csv"
    export(rows, out)
    for row in _cells(out):
        for cell in row:
            assert not cell.startswith(FORMULA_START), cell
