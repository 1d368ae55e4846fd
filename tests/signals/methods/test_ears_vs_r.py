"""EARS C1, C2, C3 against R's surveillance::earsC on the real weekly series in ../shared."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveillance.signals.methods.ears import ears
from tests.signals.reference_r import r_on_weekly_counts, weekly_count_files

pytestmark = pytest.mark.r


R_REFERENCE = ("earsc.R", "C1", "C2", "C3")  # started in the background after collection


@pytest.fixture(scope="module")
def r_results(tmp_path_factory) -> Path:
    return r_on_weekly_counts(tmp_path_factory, *R_REFERENCE)


@pytest.mark.parametrize("method", ["C1", "C2", "C3"])
def test_same_thresholds_and_alarms_as_r(r_results: Path, method: str) -> None:
    compared = agreeing = thresholds = 0
    worst = 0.0
    for path in weekly_count_files():
        data = pd.read_csv(path)
        counts = data.drop(columns="date").to_numpy(dtype=float).T
        r_upper = pd.read_csv(r_results / f"{path.stem}_{method}_upperbound.csv").drop(columns="date").to_numpy(dtype=float).T
        r_alarm = pd.read_csv(r_results / f"{path.stem}_{method}_alarm.csv").drop(columns="date").to_numpy(dtype=float).T
        ours = ears(counts, method)  # R's defaults: baseline 7, minSigma 0, alpha by method
        assert ours.threshold.shape == r_upper.shape, path.name
        both = ~np.isnan(r_upper) & ~np.isnan(ours.threshold)
        assert (np.isnan(r_upper) == np.isnan(ours.threshold)).mean() > 0.999, path.name  # undefined in the same places
        finite = both & np.isfinite(r_upper)
        rel = np.abs(ours.threshold[finite] - r_upper[finite]) / np.maximum(np.abs(r_upper[finite]), 1e-9)
        worst = max(worst, float(rel.max(initial=0)))
        thresholds += int(finite.sum())
        defined = ~np.isnan(r_alarm)
        compared += int(defined.sum())
        agreeing += int((ours.alarm[defined] == (r_alarm[defined] == 1)).sum())
    print(f"{method}: {thresholds} thresholds, worst relative difference {worst:.2e}; alarms agree on "
          f"{agreeing}/{compared} series-weeks")
    assert thresholds > 5_000 and compared > 5_000
    assert worst <= 0.01, f"{method}: a threshold differs from R's by {worst:.2%}"
    assert agreeing / compared >= 0.99, f"{method}: alarms agree on {agreeing / compared:.4%} of {compared} series-weeks"
