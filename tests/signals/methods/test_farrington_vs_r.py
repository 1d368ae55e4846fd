"""Farrington flexible against R's surveillance::farringtonFlexible on the real weekly series in ../shared,
with the control settings R's documentation gives for the original and the improved (Noufaily) method."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveillance.signals.methods.farrington import FarringtonControl, farrington_flexible
from tests.signals.reference_r import r_on_weekly_counts, weekly_count_files

pytestmark = pytest.mark.r
LAST = 52  # the last year of every series long enough for b = 4 years
IMPROVED = dict(no_periods=10, b=4, w=3, weights_threshold=2.58, past_weeks_not_included=26, p_threshold_trend=1, alpha=0.1)
SETTINGS = {  # as in the examples of ?farringtonFlexible (control1, control2) and its thresholdMethod options
    "original": FarringtonControl(no_periods=1, b=4, w=3, weights_threshold=1, past_weeks_not_included=3,
                                  p_threshold_trend=0.05, alpha=0.1),
    "improved": FarringtonControl(**IMPROVED),
    "improved-nb": FarringtonControl(**IMPROVED, threshold_method="nbPlugin"),
    "improved-muan": FarringtonControl(**IMPROVED, threshold_method="muan"),
}
# without limit54, every series-week has a fitted model: the GLM itself is compared everywhere
SETTINGS["original-all"] = FarringtonControl(**{**SETTINGS["original"].__dict__, "limit54": (0, 4)})
SETTINGS["improved-all"] = FarringtonControl(**{**IMPROVED, "limit54": (0, 4)})
SETTINGS["improved-pop"] = FarringtonControl(**{**IMPROVED, "limit54": (0, 4), "population_offset": True})


def population(counts: np.ndarray) -> np.ndarray:
    """The population the R script gives each series j and period t (both from 1): 1000 + 10 t + 100 j."""
    j, t = np.indices(counts.shape) + 1
    return 1000.0 + 10 * t + 100 * j


R_REFERENCE = ("farrington.R", str(LAST), *SETTINGS)  # started in the background after collection


@pytest.fixture(scope="module")
def r_results(tmp_path_factory) -> Path:
    return r_on_weekly_counts(tmp_path_factory, *R_REFERENCE)


@pytest.mark.parametrize("setting", list(SETTINGS))
def test_same_thresholds_and_alarms_as_r(r_results: Path, setting: str) -> None:
    too_short = set((r_results / "too_short.txt").read_text().split())
    compared = agreeing = thresholds = files = 0
    worst = 0.0
    for path in weekly_count_files():
        if path.stem in too_short:
            counts = pd.read_csv(path).drop(columns="date").to_numpy(dtype=float).T
            with pytest.raises(ValueError, match=r"needs .* periods"):  # reported as too short, not skipped
                farrington_flexible(counts, SETTINGS[setting], last=LAST, population=population(counts))
            continue
        files += 1
        counts = pd.read_csv(path).drop(columns="date").to_numpy(dtype=float).T
        r_upper = pd.read_csv(r_results / f"{path.stem}_{setting}_upperbound.csv").drop(columns="date").to_numpy(dtype=float).T
        r_alarm = pd.read_csv(r_results / f"{path.stem}_{setting}_alarm.csv").drop(columns="date").to_numpy(dtype=float).T
        r_expected = pd.read_csv(r_results / f"{path.stem}_{setting}_expected.csv").drop(columns="date").to_numpy(dtype=float).T
        pop = population(counts) if setting.endswith("-pop") else None
        ours = farrington_flexible(counts, SETTINGS[setting], last=LAST, population=pop)
        assert (np.isnan(r_upper) == np.isnan(ours.threshold)).all(), path.name  # undefined in the same places
        both = ~np.isnan(r_upper)
        rel = np.abs(ours.threshold[both] - r_upper[both]) / np.maximum(np.abs(r_upper[both]), 1e-9)
        worst = max(worst, float(rel.max(initial=0)))
        np.testing.assert_allclose(ours.expected[both], r_expected[both], rtol=1e-6)
        thresholds += int(both.sum())
        defined = ~np.isnan(r_alarm)
        compared += int(defined.sum())
        agreeing += int((ours.alarm[defined] == (r_alarm[defined] == 1)).sum())
    print(f"{setting}: {files} files, {thresholds} thresholds, worst relative difference {worst:.1e}; "
          f"alarms agree on {agreeing}/{compared} series-weeks")
    assert files >= 5 and thresholds > (1500 if setting.endswith("-all") else 150) and compared > 1500
    assert worst <= 0.01, f"{setting}: a threshold differs from R's by {worst:.2%}"
    assert agreeing / compared >= 0.99
