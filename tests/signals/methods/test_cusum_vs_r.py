"""CUSUM against R's surveillance::cusum on the real weekly series in ../shared, for each transformation."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveillance.signals.methods.cusum import cusum
from tests.signals.reference_r import r_on_weekly_counts, weekly_count_files

pytestmark = pytest.mark.r
LAST = 52
TRANSFORMS = ["standard", "rossi", "anscombe", "anscombe2nd", "pearsonNegBin", "anscombeNegBin"]
SETTINGS = [*TRANSFORMS, "standard-glm", "pearsonNegBin-glm"]  # TRANS-glm: m = "glm"


R_REFERENCE = ("cusum.R", str(LAST), *SETTINGS)  # started in the background after collection


@pytest.fixture(scope="module")
def r_results(tmp_path_factory) -> Path:
    return r_on_weekly_counts(tmp_path_factory, *R_REFERENCE)


@pytest.mark.parametrize("setting", SETTINGS)
def test_same_statistic_thresholds_and_alarms_as_r(r_results: Path, setting: str) -> None:
    trans, glm = setting.removesuffix("-glm"), setting.endswith("-glm")
    rtol = 1e-6 if glm else 1e-9  # R's glm stops at a relative deviance change of 1e-8
    compared = agreeing = 0
    worst = 0.0
    for path in weekly_count_files():
        counts = pd.read_csv(path).drop(columns="date").to_numpy(dtype=float).T
        # R's defaults: k 1.04, h 2.26, m the mean before the range (or "glm"); the sts starts at week 1
        ours = cusum(counts, LAST, trans=trans, m="glm" if glm else None)
        r_upper, r_alarm, r_stat = (pd.read_csv(r_results / f"{path.stem}_{setting}_{what}.csv").to_numpy(dtype=float).T
                                    for what in ("upperbound", "alarm", "cusum"))
        np.testing.assert_allclose(ours.score, r_stat, rtol=rtol, atol=rtol, err_msg=path.name)
        both = ~np.isnan(r_upper)
        # an all-zero series fits a GLM rate of ~1e-17 in R (it stops early) and less in ours: thresholds
        # below 1e-4 cases are compared absolutely
        floor = 1e-4 if glm else 1e-9
        rel = np.abs(ours.threshold[both] - r_upper[both]) / np.maximum(np.abs(r_upper[both]), floor)
        worst = max(worst, float(rel.max(initial=0)))
        defined = ~np.isnan(r_alarm)
        compared += int(defined.sum())
        agreeing += int((ours.alarm[defined] == (r_alarm[defined] == 1)).sum())
    print(f"{setting}: worst threshold difference {worst:.1e}; alarms agree on {agreeing}/{compared} series-weeks")
    assert compared > 2000 and worst <= 0.01 and agreeing / compared >= 0.99
