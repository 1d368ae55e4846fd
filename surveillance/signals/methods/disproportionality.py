"""Disproportionality of product x injury pattern (nature of injury, body part): does a product show a
share of some injury pattern out of line with all other products? The pharmacovigilance measures,
computed for every product x pattern pair at once from one contingency table:

- PRR = [a / (a + b)] / [c / (c + d)] with Yates-corrected chi-square; Evans et al. (2001)'s criteria
  (PRR >= 2, chi-square >= 4, a >= 3) are the default signal rule;
- ROR = (a / b) / (c / d) with its 95% confidence interval (signal when the lower bound exceeds 1);
- IC = log2((a + 0.5) / (E + 0.5)), E = (a + b)(a + c) / N, with Norén et al. (2006)'s IC025.

a: reports of the product with the pattern; b: of the product without it; c: of other products with
it; d: of other products without it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import chi2 as chi2_dist
from scipy.stats import norm

EVANS = {"prr": 2.0, "chi2": 4.0, "a": 3}


def disproportionality(reports: pd.DataFrame, product: str = "product_code", pattern: str = "injury_nature",
                       count: str | None = None) -> pd.DataFrame:
    """One row per product x pattern seen: a, b, c, d, PRR, chi2, ROR and its CI, IC, IC025, and the signal
    flags. ``reports``: one row per report, or counts of reports in the column ``count``."""
    if count is None:
        table = pd.crosstab(reports[product], reports[pattern])
    else:
        table = reports.pivot_table(index=product, columns=pattern, values=count, aggfunc="sum", fill_value=0)
    a = table.to_numpy(dtype=float)
    row = a.sum(axis=1, keepdims=True)
    col = a.sum(axis=0, keepdims=True)
    n = a.sum()
    b, c = row - a, col - a
    d = n - a - b - c
    with np.errstate(divide="ignore", invalid="ignore"):
        prr = (a / (a + b)) / (c / (c + d))
        chi2 = n * np.maximum(np.abs(a * d - b * c) - n / 2, 0) ** 2 / ((a + b) * (c + d) * (a + c) * (b + d))
        ror = (a * d) / (b * c)
        se = np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
        z = norm.ppf(0.975)
        ror_low, ror_high = np.exp(np.log(ror) - z * se), np.exp(np.log(ror) + z * se)
        expected = row * col / n
        ic = np.log2((a + 0.5) / (expected + 0.5))
        ic025 = ic - 3.3 * (a + 0.5) ** -0.5 - 2 * (a + 0.5) ** -1.5
    out = pd.DataFrame({
        product: np.repeat(table.index.to_numpy(), table.shape[1]),
        pattern: np.tile(table.columns.to_numpy(), table.shape[0]),
        "a": a.ravel(), "b": b.ravel(), "c": c.ravel(), "d": d.ravel(), "expected": expected.ravel(),
        "prr": prr.ravel(), "chi2": chi2.ravel(), "ror": ror.ravel(), "ror_low": ror_low.ravel(), "ror_high": ror_high.ravel(),
        "ic": ic.ravel(), "ic025": ic025.ravel(),
    })
    # one-sided p-value of an excess, from the Yates chi-square: for false-discovery control across pairs
    out["p_value"] = np.where(out["a"] > out["expected"], chi2_dist.sf(out["chi2"], 1) / 2, 1.0)
    out["evans"] = (out["prr"] >= EVANS["prr"]) & (out["chi2"] >= EVANS["chi2"]) & (out["a"] >= EVANS["a"])
    out["ror_signal"] = (out["ror_low"] > 1) & (out["a"] >= EVANS["a"])
    out["ic_signal"] = out["ic025"] > 0
    return out[out["a"] > 0].reset_index(drop=True)
