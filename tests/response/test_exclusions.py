"""Weeks of a confirmed outbreak left out of later baselines: an outbreak a year ago no longer raises this
week's expected count; the list is visible and reversible, and withdrawing the confirmation restores it."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from sqlalchemy import delete, insert, select

from surveillance.response.exclusions import ExclusionRefused, exclude, listing, restore
from surveillance.response.states import CHECKING, CONFIRMED, HANDLED, Step
from surveillance.response.trail import record
from surveillance.signals.detect import store_signals
from surveillance.signals.detectors.injury import RECENT_KEPT, detect_injury, leave_out
from surveillance.warehouse.models import InjuryReport, Signal
from tests.conftest import add_batch
from tests.signals.test_episodes import injury_signal

DAY = date(2026, 11, 26)  # the evaluated week is 16-22 November
THIS_WEEK = date(2026, 11, 16)
YEAR_AGO = THIS_WEEK - timedelta(weeks=52)
SERIES = "P0201|610100"


def _load(engine, weeks: int = 140, outbreak: int = 30, cluster: int = 25) -> None:
    """Weekly P0201 injuries in 西安 (mean 4), a cluster this week, and an outbreak (report ids OB-) the
    same week a year ago."""
    rng = np.random.default_rng(11)
    rows = []
    for w in range(weeks):
        monday = THIS_WEEK - timedelta(weeks=weeks - 1 - w)
        n = rng.poisson(4) + (cluster if monday == THIS_WEEK else 0)
        extra = outbreak if monday == YEAR_AGO else 0
        for i in range(n + extra):
            rid = f"OB-{i}" if i >= n else f"P0201-{w}-{i}"
            rows.append(dict(report_id=rid, hospital_code="H1", region_code="610102", jurisdiction_code="610100",
                             visit_date=monday + timedelta(days=i % 7), sex="男", age=30.0, injury_cause="烧烫伤",
                             injury_intent="非故意", injury_nature="烧烫伤", body_part="上肢", severity="轻度",
                             outcome="处理后离院", product_code="P0201", row_hash="x", batch_id=1))
    with engine.begin() as conn:
        add_batch(conn, "injury", DAY)
        conn.execute(insert(InjuryReport), rows)


def _expected(engine) -> float:
    with engine.connect() as conn:
        found = detect_injury(conn, DAY)
    assert found.figures["method"] == "farrington-flexible"
    mine = [s for s in found.signals if s["series"] == SERIES]
    assert mine, "this week's cluster is a signal"
    return mine[0]["expected"]


def test_a_confirmed_outbreaks_cases_no_longer_reach_next_years_baseline(engine) -> None:
    _load(engine)
    with_outbreak = _expected(engine)
    # last year's outbreak was a signal of its own; confirming its episode leaves its week out
    store_signals(engine, YEAR_AGO + timedelta(days=10), [dict(injury_signal(YEAR_AGO, 64), series=SERIES,
                  signal_key=f"injury|farrington-flexible|P0201|610100|{YEAR_AGO}", category_code="P0201",
                  category_group="G02", jurisdiction_code="610100")])
    with engine.connect() as conn:
        episode = conn.execute(select(Signal.episode_id).where(Signal.series == SERIES)).scalar()
    record(engine, episode, Step(CHECKING, "张三"))
    record(engine, episode, Step(CONFIRMED, "张三", "同一批次热水袋"))
    (row,) = listing(engine)
    assert (row.series, row.week_start, row.episode_id) == (SERIES, YEAR_AGO, episode)
    excluded = _expected(engine)
    # handling the confirmed episode keeps the exclusion
    record(engine, episode, Step(HANDLED, "李四", action="下架/召回"))
    assert len(listing(engine)) == 1
    with engine.begin() as conn:  # the same history as if the outbreak had never happened
        conn.execute(delete(InjuryReport).where(InjuryReport.report_id.like("OB-%")))
    # left out, the outbreak's cases do not touch this week's baseline at all: the same expected count with
    # or without them
    assert _expected(engine) == excluded
    # restored by hand, that week is back in the baseline, and the outbreak in it had moved the baseline
    restore(engine, row.id, "李四")
    never = _expected(engine)
    assert never != pytest.approx(with_outbreak, rel=1e-3) and never != pytest.approx(excluded, rel=1e-3)


def test_withdrawing_a_confirmation_restores_its_weeks_and_every_change_stays_listed(engine) -> None:
    store_signals(engine, DAY, [injury_signal(THIS_WEEK, 6)])
    with engine.connect() as conn:
        episode = conn.execute(select(Signal.episode_id)).scalar()
    record(engine, episode, Step(CHECKING, "张三"))
    record(engine, episode, Step(CONFIRMED, "张三"))
    assert [r.week_start for r in listing(engine)] == [THIS_WEEK]
    record(engine, episode, Step(CHECKING, "王五", "病例来自两家医院重复上报"))
    assert listing(engine) == []
    (gone,) = listing(engine, include_restored=True)
    assert gone.restored_by == "王五" and gone.restored_at is not None


def test_an_exclusion_by_hand_is_checked_and_reversible(engine) -> None:
    with pytest.raises(ExclusionRefused, match="Monday"):
        exclude(engine, "injury", SERIES, date(2025, 11, 19), "张三", "已知的集体食物中毒")
    new = exclude(engine, "injury", SERIES, YEAR_AGO, "张三", "已知的集体烫伤事件")
    with pytest.raises(ExclusionRefused, match="already excluded"):
        exclude(engine, "injury", SERIES, YEAR_AGO, "张三", "again")
    restore(engine, new, "李四")
    with pytest.raises(ExclusionRefused, match="already restored"):
        restore(engine, new, "李四")
    with pytest.raises(ExclusionRefused, match="no exclusion"):
        restore(engine, 999, "李四")
    assert listing(engine) == [] and len(listing(engine, SERIES, include_restored=True)) == 1


def test_the_evaluated_week_and_the_three_before_it_are_never_left_out() -> None:
    counts = np.arange(20, dtype=float).reshape(2, 10)
    first = date(2026, 9, 14)
    index = [("P0201", "610100", "all"), ("P0201", "", "all")]
    weeks = [(SERIES, first + timedelta(weeks=w)) for w in range(10)] + [("P0201|province", first), ("P9999|x", first)]
    blanked = leave_out(counts, index, weeks, first)
    assert blanked == 10 - RECENT_KEPT + 1
    assert np.isnan(counts[0, : 10 - RECENT_KEPT]).all() and not np.isnan(counts[0, 10 - RECENT_KEPT:]).any()
    assert np.isnan(counts[1, 0]) and not np.isnan(counts[1, 1:]).any()
