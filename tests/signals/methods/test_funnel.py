"""Funnel-plot limits for inspection failure rates on constructed samples."""

import numpy as np
import pandas as pd
from scipy.stats import binom

from surveillance.signals.methods.funnel import funnel


def _samples(rate_by_city: dict[str, float], n: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [("P0202", city, bool(rng.random() < rate)) for city, rate in rate_by_city.items() for _ in range(n)]
    return pd.DataFrame(rows, columns=["product_category", "jurisdiction_code", "failed"])


CITIES = {"610100": 0.05, "610200": 0.05, "610300": 0.05, "610400": 0.05, "610500": 0.05}


def test_a_city_failing_far_above_the_province_is_flagged_and_the_others_are_not() -> None:
    recent = _samples({**CITIES, "610300": 0.30}, 120)
    cells = funnel(recent).set_index("jurisdiction_code")
    assert cells["above_province"].tolist().count(True) == 1 and cells.at["610300", "above_province"]
    row = cells.loc["610300"]
    assert row["p_province"] == binom.sf(row["failures"] - 1, row["n"], row["province_rate"])
    assert row["rate"] > row["upper_limit"]


def test_small_cells_need_proportionally_more_failures() -> None:
    recent = pd.concat([_samples(CITIES, 200), _samples({"610900": 0.05}, 10)])
    cells = funnel(recent).set_index("jurisdiction_code")
    assert cells.at["610900", "upper_limit"] > cells.at["610100", "upper_limit"]


def test_against_the_cells_own_history() -> None:
    history = _samples(CITIES, 400, seed=4)
    recent = _samples({**CITIES, "610100": 0.25}, 100, seed=5)
    cells = funnel(recent, history).set_index("jurisdiction_code")
    assert cells["above_history"].tolist().count(True) == 1 and cells.at["610100", "above_history"]
