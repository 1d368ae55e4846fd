"""Unusual analyte profiles in food samples: a sample whose combination of results is out of line with
the other samples of its food category, even when no single result exceeds its limit (scikit-learn's
IsolationForest on each sample's results relative to their limits)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.ensemble import IsolationForest


def profile_matrix(results: pd.DataFrame) -> pd.DataFrame:
    """Samples x analytes: log1p(value / limit) (value / LOD for results without a limit); a non-detect
    counts as half its detection limit; an analyte not tested counts as 0."""
    value = results["result_value"].where(~results["censored"], results["result_value"] / 2)
    scale = results["limit_value"].where(results["limit_value"] > 0, results["lod"]).replace(0, np.nan)
    relative = np.log1p((value / scale).clip(lower=0)).fillna(0.0)
    frame = results.assign(relative=relative)
    return frame.pivot_table(index="sample_id", columns="analyte", values="relative", aggfunc="max", fill_value=0.0)


def unusual_against_history(history: pd.DataFrame, recent: pd.DataFrame, quantile: float = 0.001,
                            level_quantile: float = 0.99, high_quantile: float = 0.9, min_high: int = 3,
                            seed: int = 0, min_samples: int = 50) -> pd.DataFrame:
    """Score each ``recent`` sample with an IsolationForest fitted on its category's ``history`` samples
    (results as in ``profile_matrix``). Unusual: a score below the history's ``quantile`` score (more
    isolated than nearly all past samples), a summed level above the history's ``level_quantile``
    (unusual because high: a sample low in everything is no risk), and at least ``min_high`` analytes
    above their own ``high_quantile`` (a combination: one high result alone is a near-exceedance)."""
    columns = ["food_category", "sample_id", "score", "threshold", "level", "level_threshold", "high_analytes",
               "unusual"]
    out = []
    for category, past in history.groupby("food_category"):
        now = recent[recent["food_category"] == category]
        if now.empty:
            continue
        past_matrix = profile_matrix(past)
        if len(past_matrix) < min_samples or past_matrix.shape[1] < 2:
            continue
        now_matrix = profile_matrix(now).reindex(columns=past_matrix.columns, fill_value=0.0)
        forest = IsolationForest(random_state=seed).fit(past_matrix.to_numpy())
        past_scores = forest.score_samples(past_matrix.to_numpy())
        scores = forest.score_samples(now_matrix.to_numpy())
        threshold = float(np.quantile(past_scores, quantile))
        level = now_matrix.sum(axis=1).to_numpy()
        level_threshold = float(np.quantile(past_matrix.sum(axis=1), level_quantile))
        high = (now_matrix > past_matrix.quantile(high_quantile)).sum(axis=1).to_numpy()
        out.append(pd.DataFrame({"food_category": category, "sample_id": now_matrix.index, "score": scores,
                                 "threshold": threshold, "level": level, "level_threshold": level_threshold,
                                 "high_analytes": high,
                                 "unusual": (scores < threshold) & (level > level_threshold) & (high >= min_high)}))
    if not out:
        return pd.DataFrame(columns=columns)
    return pd.concat(out, ignore_index=True)[columns]
