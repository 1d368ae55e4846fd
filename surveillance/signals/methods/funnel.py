"""Inspection failure rates by product category x city, against the provincial rate (funnel-plot limits)
and against the cell's own history.

For a cell with n samples and x failures, and a reference rate p0 (the province's rate for the category
in the same period, or the cell's own rate in the previous periods), the exact binomial p-value
P(X >= x | n, p0) is the height on the funnel: the upper control limit at level 1 - alpha is the
smallest count whose p-value falls below alpha, so small cells need proportionally more failures.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from scipy.stats import binom

ALPHA = 0.001  # the 99.9% funnel limit
MIN_FAILURES = 2


def funnel(recent: pd.DataFrame, history: pd.DataFrame | None = None, category: str = "product_category",
           unit: str = "jurisdiction_code", alpha: float = ALPHA) -> pd.DataFrame:
    """Per category x unit of ``recent`` (one row per sample, boolean ``failed``): n, failures, rate, the
    provincial rate and its funnel limit and p-value, and the same against the cell's ``history``."""
    cells = recent.groupby([category, unit])["failed"].agg(n="size", failures="sum").reset_index()
    province = recent.groupby(category)["failed"].agg(p_n="size", p_failures="sum")
    cells = cells.join(province, on=category)
    # the province's rate without the cell itself, so a large city cannot hide in its own reference
    others_n = cells["p_n"] - cells["n"]
    # and half a failure when the others had none, so one failure is not infinitely unlikely
    others_failures = cells["p_failures"] - cells["failures"]
    cells["province_rate"] = np.where(others_n > 0, np.maximum(others_failures, 0.5) / (others_n.where(others_n > 0, 1) + 1),
                                      cells["p_failures"] / cells["p_n"])
    cells["rate"] = cells["failures"] / cells["n"]
    cells["upper_limit"] = (binom.isf(alpha, cells["n"], cells["province_rate"]) + 1) / cells["n"]
    cells["p_province"] = binom.sf(cells["failures"] - 1, cells["n"], cells["province_rate"])
    cells["above_province"] = (cells["p_province"] < alpha) & (cells["failures"] >= MIN_FAILURES)
    if history is not None and len(history):
        past = history.groupby([category, unit])["failed"].agg(h_n="size", h_failures="sum")
        cells = cells.join(past, on=[category, unit])
        # a cell with no failures in its history gets half a failure, so its rate is small but not zero
        h_rate = (cells["h_failures"].fillna(0) + 0.5) / (cells["h_n"].fillna(0) + 1)
        cells["history_rate"] = h_rate
        cells["p_history"] = binom.sf(cells["failures"] - 1, cells["n"], h_rate)
        cells["above_history"] = (cells["p_history"] < alpha) & (cells["failures"] >= MIN_FAILURES)
    return cells.drop(columns=["p_n", "p_failures"])


def out_of_line(samples: pd.DataFrame, start: date, category: str, alpha: float = ALPHA) -> tuple[pd.DataFrame, dict]:
    """Cells of ``samples`` (one row per sample: ``category``, jurisdiction_code, sampling_date, failed)
    whose rate since ``start`` is above the province's funnel limit and above their own rate before
    ``start``: a city that has always failed more is a known problem, not news. Without history
    nothing is news. Also the figures: the cells tested and the expected false alarms (alpha per cell,
    an upper bound as both tests must pass)."""
    recent, history = samples[samples["sampling_date"] >= start], samples[samples["sampling_date"] < start]
    if recent.empty or history.empty:
        return pd.DataFrame(), {"cells_tested": 0}
    cells = funnel(recent, history, category=category, alpha=alpha)
    figures = {"cells_tested": len(cells), "alpha": alpha, "expected_false_alarms": round(alpha * len(cells), 2)}
    return cells[cells["above_province"] & cells["above_history"].fillna(False).astype(bool)], figures
