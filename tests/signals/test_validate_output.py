"""The output check after detection: finite figures, thresholds not below expected values, and each
detector's count against its last 28 nights (recorded in the warehouse)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from sqlalchemy import insert

from surveillance.alerts.reports.nightly import render
from surveillance.signals.validate_output import (
    RANGE_NIGHTS,
    check_and_record,
    check_count,
    check_signals,
    night_findings,
)
from surveillance.warehouse.models import DetectorRun

DAY = date(2026, 11, 25)


def _signal(key: str, **over) -> dict:
    return dict(dict(signal_key=key, observed=5.0, expected=2.0, threshold=4.0, score=1.0), **over)


def test_figures_must_be_finite_where_given_and_thresholds_not_below_expected() -> None:
    ok = [_signal("a"), _signal("b", expected=None), _signal("c", threshold=None, expected=None)]
    assert check_signals("d/x", ok) == []
    bad = check_signals("d/x", [_signal("n", expected=float("nan")), _signal("i", score=float("inf")),
                                _signal("o", observed=None), _signal("t", threshold=1.0)])
    assert [f.severity for f in bad] == ["error"] * 4
    assert [f.message.split(":")[0] for f in bad] == ["n", "i", "o", "t"]
    # a count quantile may sit under a tiny mean (the 99% quantile of a mean of 1.5e-9 is 0), not a case lower
    assert check_signals("d/x", [_signal("q", expected=1.5e-9, threshold=0.0), _signal("r", expected=3.4, threshold=3.0)]) == []
    assert len(check_signals("d/x", [_signal("s", expected=4.2, threshold=3.0), _signal("u", expected=0.5, threshold=0.4)])) == 2
    stray = check_signals("d/x", [_signal("m", method="other"), _signal("k", method="mine")], ("mine",))
    assert len(stray) == 1 and "method 'other' is not declared" in stray[0].message


def test_tonights_count_against_the_last_28_nights() -> None:
    history = [3, 5, 4] * 10  # most recent first
    assert check_count("d/x", 4, history).severity == "ok"
    assert check_count("d/x", 3, history).severity == "ok" and check_count("d/x", 5, history).severity == "ok"
    high, low = check_count("d/x", 9, history), check_count("d/x", 0, history)
    assert high.severity == low.severity == "note" and "outside 3..5" in high.message
    short = check_count("d/x", 9, history[:RANGE_NIGHTS - 1])
    assert short.severity == "note" and "not compared: 27 earlier night(s)" in short.message
    assert check_count("d/x", 9, [9] + [3] * 27 + [100]).severity == "ok"  # only the last 28 count


def test_recorded_nights_are_the_history_and_a_rerun_replaces_its_night(engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(DetectorRun), [dict(day=DAY - timedelta(days=k), detector="food/x", signals=2 + k % 2,
                                                figures="{}", ran_at=datetime.now()) for k in range(1, 29)])
    checked = check_and_record(engine, DAY, {"food/x": ([_signal("s")] * 7, {"tested": 9})})
    assert checked["ok"] and "outside 2..3" in checked["notes"][0]
    again = check_and_record(engine, DAY, {"food/x": ([_signal("s")] * 2, {"tested": 9})})
    assert again["notes"] == []  # within range now; the night's record was replaced, not added
    assert night_findings(engine, DAY, ["food/x"]) == {"ok": True, "errors": [], "notes": []}
    with engine.connect() as conn:
        rows = conn.execute(DetectorRun.__table__.select().where(DetectorRun.day == DAY)).all()
    assert len(rows) == 1 and json.loads(rows[0].figures)["tested"] == 9
    assert night_findings(engine, DAY, ["food/x", "food/y"])["errors"] == [
        "output check error [food/y]: no figures recorded for this night: the detector did not run or failed"]


def test_the_report_shows_the_check() -> None:
    page = render(DAY, [], [], {"ok": False, "errors": ["output check error [food/x]: a: threshold not a finite number"],
                                "notes": ["output check note [food/y]: 9 signal(s), outside 1..3"]})
    assert "检测输出检查：错误1项，提示1项" in page and "threshold not a finite number" in page and "outside 1..3" in page
