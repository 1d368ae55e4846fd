"""Late reports for a past week recompute that week's signals: updated, never duplicated."""

from datetime import date, timedelta

from sqlalchemy import func, select

from surveillance.ingest.file import ingest_file
from surveillance.signals.detect import detect_day
from surveillance.warehouse.models import RevisedDay, Signal
from tests.conftest import INJURY_HEADER_ZH, injury_row, write_csv

TODAY = date(2026, 11, 27)


def _week(start: date, prefix: str, per_week: dict[int, int]) -> list[list[str]]:
    rows = []
    for w, n in per_week.items():
        for i in range(n):
            day = start + timedelta(weeks=w, days=i % 7)
            rows.append(injury_row(f"{prefix}{w}-{i}", visit_date=day.isoformat(), product_code="P0401", region_code="610302"))
    return rows


def test_late_reports_recompute_the_past_weeks_signal(engine, tmp_path) -> None:
    first_monday = date(2026, 7, 6)  # 20 weeks up to the week of 16-22 November: EARS C2's history
    quiet = {w: 1 for w in range(20)}
    ingest_file(engine, write_csv(tmp_path / "a.csv", INJURY_HEADER_ZH, _week(first_monday, "A", quiet)), "injury", "s", TODAY,
                day=date(2026, 11, 18))
    assert detect_day(engine, date(2026, 11, 18), ("injury",))["signals"] == 0  # evaluates the week of 9-15 November
    # a hospital's late file: a burst of cases in the week of 9-15 November (week 18), after that night
    late = _week(first_monday, "L", {18: 12})
    result = ingest_file(engine, write_csv(tmp_path / "late.csv", INJURY_HEADER_ZH, late), "injury", "s", TODAY, day=date(2026, 11, 26))
    assert "2026-11-09" in result.revised_days
    summary = detect_day(engine, date(2026, 11, 26), ("injury",))  # this night evaluates 16-22 November
    assert summary["revisions"]["weeks_recomputed"] == ["2026-11-09"]
    with engine.connect() as conn:
        keys = conn.execute(select(Signal.signal_key)).scalars().all()
        assert any(k.endswith("|P0401|610300|2026-11-09") for k in keys)
        assert conn.execute(select(func.count()).select_from(RevisedDay).where(RevisedDay.recomputed_at.is_(None))).scalar() == 0
    again = detect_day(engine, date(2026, 11, 26), ("injury",))
    assert again["revisions"]["weeks_recomputed"] == []
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Signal)).scalar() == len(keys)  # not duplicated
