"""CUSUM against R's surveillance::cusum on the real weekly series in ../shared, for each transformation."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveillance.signals.cusum import cusum
from tests.signals.reference_r import r_on_weekly_counts, weekly_count_files

pytestmark = pytest.mark.r
LAST = 52
TRANSFORMS = ["standard", "rossi", "anscombe", "anscombe2nd", "pearsonNegBin"]


@pytest.fixture(scope="module")
def r_results(tmp_path_factory) -> Path:
    return r_on_weekly_counts(tmp_path_factory, "cusum.R", str(LAST), *TRANSFORMS)


@pytest.mark.parametrize("trans", TRANSFORMS)
def test_same_statistic_thresholds_and_alarms_as_r(r_results: Path, trans: str) -> None:
    compared = agreeing = 0
    worst = 0.0
    for path in weekly_count_files():
        counts = pd.read_csv(path).drop(columns="date").to_numpy(dtype=float).T
        ours = cusum(counts, LAST, trans=trans)  # R's defaults: k 1.04, h 2.26, m the mean before the range
        r_upper, r_alarm, r_stat = (pd.read_csv(r_results / f"{path.stem}_{trans}_{what}.csv").to_numpy(dtype=float).T
                                    for what in ("upperbound", "alarm", "cusum"))
        np.testing.assert_allclose(ours.score, r_stat, rtol=1e-9, atol=1e-9, err_msg=path.name)
        both = ~np.isnan(r_upper)
        rel = np.abs(ours.threshold[both] - r_upper[both]) / np.maximum(np.abs(r_upper[both]), 1e-9)
        worst = max(worst, float(rel.max(initial=0)))
        defined = ~np.isnan(r_alarm)
        compared += int(defined.sum())
        agreeing += int((ours.alarm[defined] == (r_alarm[defined] == 1)).sum())
    print(f"{trans}: worst threshold difference {worst:.1e}; alarms agree on {agreeing}/{compared} series-weeks")
    assert compared > 2000 and worst <= 0.01 and agreeing / compared >= 0.99
