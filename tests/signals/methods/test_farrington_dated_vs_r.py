"""Farrington flexible against R on series built from their dates (``sts(..., epochAsDate = TRUE)``), which
is how an analyst's CSV of dated weeks reaches R: R then picks each past year's reference week by calendar
date. Original and improved controls, b = 1 .. 5, thresholds equal and alarms identical; and the index rule
(t - 52 i, R's rule without dates) shown to differ, so this test would catch a port that ignored the dates."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveillance.signals.methods.farrington import FarringtonControl, farrington_flexible, reference_date
from tests.signals.reference_r import WEEKLY_COUNTS, r_on_weekly_counts

pytestmark = pytest.mark.r
LAST = 52
# one 4-year file of the 14 that share its dates, and every file with other dates or more years
FILES = ["m1", "salmAllOnset", "salmHospitalized", "salmonella.agona", "shadar", "stsNewport"]
CONTROLS = {
    "original": dict(no_periods=1, w=3, weights_threshold=1, past_weeks_not_included=3, p_threshold_trend=0.05,
                     alpha=0.1, limit54=(0, 4)),
    "improved": dict(no_periods=10, w=3, weights_threshold=2.58, past_weeks_not_included=26, p_threshold_trend=1,
                     alpha=0.1, limit54=(0, 4)),
}
CASES = [(setting, b) for setting in CONTROLS for b in range(1, 6)]


R_REFERENCE = ("farrington_dated.R", str(LAST), *FILES)  # started in the background after collection


@pytest.fixture(scope="module")
def r_results(tmp_path_factory) -> Path:
    return r_on_weekly_counts(tmp_path_factory, *R_REFERENCE)


def _read(path: Path) -> np.ndarray:
    return pd.read_csv(path).drop(columns="date").to_numpy(dtype=float).T


@pytest.mark.parametrize(("setting", "b"), CASES)
def test_dated_series_give_rs_thresholds_and_alarms(r_results: Path, setting: str, b: int) -> None:
    too_short = set((r_results / f"too_short_b{b}.txt").read_text().split())
    control = FarringtonControl(b=b, **CONTROLS[setting])
    files = thresholds = 0
    for name in FILES:
        if name in too_short:
            continue
        frame = pd.read_csv(WEEKLY_COUNTS / f"{name}.csv")
        counts = frame.drop(columns="date").to_numpy(dtype=float).T
        ours = farrington_flexible(counts, control, last=LAST, dates=frame["date"].tolist())
        stem = f"{name}_{setting}_b{b}"
        r_upper, r_alarm = _read(r_results / f"{stem}_upperbound.csv"), _read(r_results / f"{stem}_alarm.csv")
        r_expected = _read(r_results / f"{stem}_expected.csv")
        assert (np.isnan(r_upper) == np.isnan(ours.threshold)).all(), stem
        both = ~np.isnan(r_upper)
        np.testing.assert_allclose(ours.threshold[both], r_upper[both], rtol=1e-4, err_msg=stem)
        np.testing.assert_allclose(ours.expected[both], r_expected[both], rtol=1e-6, err_msg=stem)
        defined = ~np.isnan(r_alarm)
        assert (ours.alarm[defined] == (r_alarm[defined] == 1)).all(), stem
        files += 1
        thresholds += int(both.sum())
    print(f"{setting} b={b}: {files} files, {thresholds} thresholds equal to R's, alarms identical")
    assert files >= (3 if b == 5 else 5) and thresholds >= 52 * files * 0.9


def test_the_index_rule_differs_from_r_on_dated_series(r_results: Path) -> None:
    """With b = 5 the reference weeks are 261 weeks back by date, 260 by index: the thresholds move."""
    frame = pd.read_csv(WEEKLY_COUNTS / "stsNewport.csv")
    counts = frame.drop(columns="date").to_numpy(dtype=float).T
    control = FarringtonControl(b=5, **CONTROLS["improved"])
    by_index = farrington_flexible(counts, control, last=LAST)
    r_upper = _read(r_results / "stsNewport_improved_b5_upperbound.csv")
    both = ~np.isnan(r_upper) & ~np.isnan(by_index.threshold)
    differ = ~np.isclose(by_index.threshold[both], r_upper[both], rtol=1e-4)
    assert differ.mean() > 0.2, f"only {differ.mean():.0%} of thresholds differ"


def test_reference_dates_follow_rs_calendar_rule() -> None:
    from datetime import date

    day = date(2026, 11, 23)  # a Monday
    assert [(day - reference_date(day, k)).days // 7 for k in range(1, 6)] == [52, 104, 157, 209, 261]
    assert reference_date(date(2024, 2, 29), 1).isoweekday() == 4  # 29 February: 1 March 2023, same weekday kept
