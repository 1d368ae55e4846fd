"""Disproportionality measures on a constructed report set with a known product x injury pattern."""

import math

import numpy as np
import pandas as pd

from surveillance.signals.methods.disproportionality import disproportionality


def _reports(hot: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    natures = ["骨折", "挫伤、擦伤", "烧烫伤", "扭伤/拉伤"]
    rows = [(p, natures[rng.integers(0, 4)]) for p in ("P0101", "P0201", "P0301", "P0401") for _ in range(400)]
    rows += [("P0401", "烧烫伤")] * hot  # lithium batteries: burns out of line with other products
    return pd.DataFrame(rows, columns=["product_code", "injury_nature"])


def test_measures_match_the_two_by_two_formulas() -> None:
    table = disproportionality(_reports(60))
    row = table[(table["product_code"] == "P0401") & (table["injury_nature"] == "烧烫伤")].iloc[0]
    a, b, c, d = row[["a", "b", "c", "d"]]
    n = a + b + c + d
    assert a + b == 460 and a + b + c + d == 1660
    assert math.isclose(row["prr"], (a / (a + b)) / (c / (c + d)))
    assert math.isclose(row["chi2"], n * (abs(a * d - b * c) - n / 2) ** 2 / ((a + b) * (c + d) * (a + c) * (b + d)))
    assert math.isclose(row["ror"], a * d / (b * c))
    assert math.isclose(row["ror_low"], math.exp(math.log(row["ror"]) - 1.959964 * math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)), rel_tol=1e-6)
    e = (a + b) * (a + c) / n
    assert math.isclose(row["ic"], math.log2((a + 0.5) / (e + 0.5)))


def test_the_unusual_pattern_is_a_signal_and_random_ones_are_not() -> None:
    table = disproportionality(_reports(400))  # P0401: 500 burns in 800 reports, others 1 in 4
    flagged = table[table["evans"] & table["ic_signal"] & table["ror_signal"]]
    assert flagged[["product_code", "injury_nature"]].values.tolist() == [["P0401", "烧烫伤"]]
    quiet = disproportionality(_reports(0, seed=2))
    assert not (quiet["evans"] & quiet["ic_signal"]).any()
