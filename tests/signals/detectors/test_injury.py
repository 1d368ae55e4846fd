"""Injury detection: the method follows the history held, and false alarms are controlled across series."""

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from scipy.stats import false_discovery_control
from sqlalchemy import insert

from surveillance.signals.detectors.injury import case_profile, choose_method, detect_injury, window
from surveillance.signals.detectors.injury_counts import daily_counts
from surveillance.signals.methods.fdr import benjamini_hochberg
from surveillance.warehouse.models import InjuryReport
from tests.conftest import add_batch

DAY = date(2026, 11, 26)  # a Thursday: the last complete week is 16-22 November


def test_method_follows_history() -> None:
    assert choose_method(5) == ("too-short", 0)
    assert choose_method(12) == ("ears-c2", 0)
    assert choose_method(55) == ("ears-c2", 0)
    assert choose_method(56) == ("farrington-flexible", 1)
    assert choose_method(52 * 3 + 4) == ("farrington-flexible", 3)
    assert choose_method(52 * 9) == ("farrington-flexible", 5)
    # by date, as R on dated weeks: 3 years before 2026-11-23 is 157 weeks back, 4 years 209 (not 156, 208)
    monday = date(2026, 11, 23)
    assert choose_method(157 + 3 + 1, monday) == ("farrington-flexible", 3)
    assert choose_method(52 * 3 + 4, monday) == ("farrington-flexible", 2)
    assert choose_method(209 + 3 + 1, monday) == ("farrington-flexible", 4)


def test_benjamini_hochberg_matches_scipy() -> None:
    rng = np.random.default_rng(0)
    p = np.concatenate([rng.uniform(size=200), rng.uniform(0, 1e-4, size=10), [np.nan]])
    ours = benjamini_hochberg(p, 0.05)
    reference = false_discovery_control(p[:-1], method="bh") <= 0.05
    assert (ours[:-1] == reference).all() and not ours[-1] and ours.sum() >= 10


def _load(engine, weeks: int, cluster: int, severe_cluster: bool = False) -> None:
    rng = np.random.default_rng(7)
    rows = []
    start = DAY - timedelta(days=DAY.weekday()) - timedelta(weeks=weeks)  # Monday, `weeks` before this week
    for w in range(weeks):
        monday = start + timedelta(weeks=w)
        for product, juris, county, mean in (("P0201", "610100", "610102", 4), ("P0101", "610300", "610302", 3)):
            base = rng.poisson(mean)
            n = base + (cluster if w == weeks - 1 and product == "P0201" else 0)
            for i in range(n):
                outcome = "住院" if severe_cluster and i >= base else "处理后离院"
                rows.append(dict(report_id=f"{product}-{w}-{i}", hospital_code="H1", region_code=county,
                                 jurisdiction_code=juris, visit_date=monday + timedelta(days=i % 7), sex="男", age=30.0,
                                 injury_cause="烧烫伤", injury_intent="非故意", injury_nature="烧烫伤", body_part="上肢",
                                 severity="轻度", outcome=outcome, product_code=product, row_hash="x", batch_id=1))
    with engine.begin() as conn:
        add_batch(conn, "injury", DAY)
        if rows:
            conn.execute(insert(InjuryReport), rows)


@pytest.mark.parametrize(("weeks", "method"), [(3, "too-short"), (30, "ears-c2"), (140, "farrington-flexible")])
def test_a_cluster_is_found_with_the_method_the_history_allows(engine, weeks: int, method: str) -> None:
    _load(engine, weeks, cluster=25)
    with engine.connect() as conn:
        found = detect_injury(conn, DAY)
    signals, stats = found.signals, found.figures
    assert stats["method"] == method
    if method == "too-short":
        assert signals == [] and stats["series_too_short"] > 0  # reported, not silently skipped
        return
    series = {s["series"] for s in signals}
    assert "P0201|610100" in series and not any(s.startswith("P0101") for s in series)  # the quiet series stays quiet
    assert all(s["method"] == method and s["signal_key"].startswith(f"injury|{method}|") for s in signals)
    assert stats["tested"] >= 2 and stats["expected_false_alarms"] == round(0.05 * len(signals), 2)


def test_quiet_data_raise_nothing(engine) -> None:
    _load(engine, 140, cluster=0)
    with engine.connect() as conn:
        found = detect_injury(conn, DAY)
    assert found.signals == [] and found.figures["method"] == "farrington-flexible" and found.figures["tested"] >= 0


@pytest.mark.parametrize("weeks", [30, 140])
def test_alpha_sets_the_threshold_on_either_path(engine, weeks: int) -> None:
    """A smaller alpha, a higher threshold: on the EARS path and on the Farrington path (where it was once ignored)."""
    _load(engine, weeks, cluster=25)
    with engine.connect() as conn:
        loose, strict = (detect_injury(conn, DAY, alpha=a).signals for a in (0.05, 0.0001))
    key = next(s["signal_key"] for s in loose if s["series"] == "P0201|610100")
    threshold = {s["signal_key"]: s["threshold"] for s in strict}
    assert threshold.get(key, float("inf")) > next(s["threshold"] for s in loose if s["signal_key"] == key)


def test_case_profile_counts_how_grave_and_who() -> None:
    cases = pd.DataFrame({"severity": ["重度", "轻度", "中度", "轻度", "轻度"],
                          "outcome": ["处理后离院", "住院", "转院", "死亡", "处理后离院"],
                          "age": [3, 13, 14, 64, 65], "hospital_code": ["H1"] * 5,
                          "report_id": [f"R{i}" for i in range(5)]})
    profile = case_profile(cases)
    assert list(profile) == ["severe", "serious", "hospitalised", "deaths", "children", "elderly", "records"]
    assert profile == dict(severe=1, serious=4, hospitalised=2, deaths=1, children=2, elderly=1,
                           records=["H1/R0", "H1/R1", "H1/R2", "H1/R3", "H1/R4"])
    assert len(case_profile(pd.concat([cases] * 20, ignore_index=True))["records"]) == 50


def test_severe_cases_have_their_own_series(engine) -> None:
    _load(engine, 140, cluster=6, severe_cluster=True)  # six hospitalised cases where there are usually none
    with engine.connect() as conn:
        signals = detect_injury(conn, DAY).signals
    severe = [s for s in signals if s["series"] == "P0201|610100|severe"]
    assert severe and "重伤" in severe[0]["title"] and severe[0]["observed"] == 6
    assert severe[0]["signal_key"] == "injury|farrington-flexible|P0201|610100|severe|2026-11-16"


def test_weeks_recomputed_from_counts_read_once_equal_each_week_read_alone(engine) -> None:
    _load(engine, 140, cluster=25)
    weeks = [DAY - timedelta(weeks=k) for k in (3, 2, 1, 0)]
    with engine.connect() as conn:
        spans = [window(conn, day) for day in weeks]
        daily = daily_counts(conn, min(w.first_monday for w in spans), spans[-1].week_end)
        alone = [detect_injury(conn, day).signals for day in weeks]
        shared = [detect_injury(conn, day, daily=daily).signals for day in weeks]
    assert shared == alone and any(alone[-1]) and sum(map(len, alone)) >= 1
