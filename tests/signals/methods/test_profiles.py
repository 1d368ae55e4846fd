"""IsolationForest on food analyte profiles: a jointly elevated sample stands out, under every limit."""

import numpy as np
import pandas as pd

from surveillance.signals.methods.profiles import unusual_against_history

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


def _split(results: pd.DataFrame, recent: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    mine = results["sample_id"].isin(recent)
    return results[~mine], results[mine]


def test_the_jointly_elevated_sample_is_the_only_unusual_one() -> None:
    results = _results(1, odd=True)
    history, recent = _split(results, ["S17", "S18", "S19", "S20"])
    scored = unusual_against_history(history, recent)
    assert scored.loc[scored["unusual"], "sample_id"].tolist() == ["S17"]
    assert scored.sort_values("score").iloc[0]["sample_id"] == "S17"
    assert (results.query("sample_id == 'S17'")["result_value"] < list(LIMITS.values())).all()  # under every limit


def test_small_categories_are_not_scored() -> None:
    results = _results(2, odd=False)
    history, recent = _split(results[results["sample_id"].isin([f"S{i}" for i in range(12)])], ["S10", "S11"])
    assert unusual_against_history(history, recent).empty
