"""IsolationForest on food analyte profiles: a jointly elevated sample stands out, under every limit."""

import numpy as np
import pandas as pd

from surveillance.signals.profiles import unusual_profiles

LIMITS = {"PB": 0.2, "CD": 0.2, "HG": 0.02, "AS": 0.2}


def _results(seed: int, odd: bool) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for s in range(300):
        for analyte, limit in LIMITS.items():
            value = rng.lognormal(np.log(limit * 0.1), 0.3)
            if odd and s == 17:
                value = limit * 0.9  # every metal close to its limit at once: unusual, though compliant
            rows.append(dict(sample_id=f"S{s}", food_category="F01", analyte=analyte, result_value=value,
                             censored=False, limit_value=limit, lod=limit / 100))
    return pd.DataFrame(rows)


def test_the_jointly_elevated_sample_is_the_most_unusual() -> None:
    scored = unusual_profiles(_results(1, odd=True), contamination=0.01)
    assert scored.iloc[0]["sample_id"] == "S17" and bool(scored.iloc[0]["unusual"])
    assert (_results(1, odd=True).query("sample_id == 'S17'")["result_value"] < list(LIMITS.values())).all()


def test_small_categories_are_not_scored() -> None:
    results = _results(2, odd=False)
    few = results[results["sample_id"].isin([f"S{i}" for i in range(10)])]
    assert unusual_profiles(few).empty
