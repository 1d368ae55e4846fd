"""The NB-GLM with Fourier seasonality against R's MASS::glm.nb on the long real weekly series in ../shared."""

import numpy as np
import pandas as pd
import pytest

from surveillance.signals.methods.nbglm import nb_glm
from tests.signals.reference_r import WEEKLY_COUNTS, run_r, weekly_count_files

pytestmark = pytest.mark.r
LAST, HARMONICS, ALPHA = 26, 2, 0.01


@pytest.mark.parametrize("name", ["salmNewport", "salmAllOnset", "shadar", "stsNewport", "k1", "q1_nrwh", "s1"])
def test_same_fit_and_thresholds_as_glm_nb(tmp_path, name: str) -> None:
    weekly_count_files()
    path = WEEKLY_COUNTS / f"{name}.csv"
    frame = pd.read_csv(path)
    # series with enough cases for a negative-binomial fit (R's glm.nb does not converge on near-empty ones)
    keep = ["date", *[c for c in frame.columns[1:] if frame[c].iloc[:-LAST].mean() >= 0.3]]
    frame = frame[keep]
    src, out = tmp_path / "in.csv", tmp_path / "r.csv"
    frame.to_csv(src, index=False)
    run_r("nbglm.R", str(src), str(LAST), str(HARMONICS), str(ALPHA), str(out))
    ref = pd.read_csv(out)
    ours = nb_glm(frame.drop(columns="date").to_numpy(float).T, LAST, harmonics=HARMONICS, alpha=ALPHA)
    r_mu = ref["mu"].to_numpy().reshape(-1, LAST)
    r_threshold = ref["threshold"].to_numpy().reshape(-1, LAST)
    r_theta = ref.groupby("series", sort=False)["theta"].first().to_numpy()
    np.testing.assert_allclose(ours.theta, r_theta, rtol=1e-3)
    np.testing.assert_allclose(ours.expected, r_mu, rtol=1e-4)
    assert (ours.threshold == r_threshold).mean() >= 0.99
    assert ours.converged.all()
