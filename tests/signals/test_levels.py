"""The four-level scale on constructed signals, rule by rule as docs/warning-levels.md states them."""

from __future__ import annotations

import pytest

from surveillance.signals.registry import level_of


def injury(observed: float = 6, threshold: float = 4, method: str = "farrington-flexible", **evidence) -> dict:
    return dict(domain="injury", method=method, observed=observed, threshold=threshold, score=2.0, evidence=evidence)


@pytest.mark.parametrize(("signal", "level"), [
    (injury(observed=5, deaths=1), 1),  # a death among 5+ cases
    (injury(observed=4, deaths=1), 2),  # a death
    (injury(observed=10, serious=3), 2),  # 3 serious making 30%
    (injury(observed=40, threshold=30, serious=6), 4),  # 6 serious in 40 (15%): the usual share, not a reason
    (injury(observed=8, children=5), 2),  # children are most of the cases
    (injury(observed=30, threshold=25, children=6), 4),  # children among many adults
    (injury(observed=6, elderly=5), 2),
    (injury(observed=9, threshold=4), 3),  # twice the threshold
    (injury(observed=7, threshold=4), 4),
    (injury(observed=23, method="disproportionality", children=23, serious=8), 2),
])
def test_injury_levels(signal: dict, level: int) -> None:
    assert level_of(signal) == level


def food(method: str = "exceedance", **evidence) -> dict:
    return dict(domain="food", method=method, observed=1.0, threshold=0.5, score=2.0, sampling_stage="流通",
                evidence=evidence)


@pytest.mark.parametrize(("signal", "level"), [
    (food(kind="mycotoxin", infant=True, ratio_to_limit=1.1), 1),
    (food(kind="pathogen", ready_to_eat=True), 2),
    (dict(food(kind="pathogen", ready_to_eat=False), sampling_stage="学校食堂"), 2),
    (food(kind="contaminant", ratio_to_limit=6.0), 2),
    (food(kind="contaminant", ratio_to_limit=3.0), 3),
    (food(kind="contaminant", ratio_to_limit=1.2), 4),
    (food(method="trend-mk", hazard_class=2), 3),
    (food(method="trend-mk", hazard_class=3), 4),
    (food(method="exceedance-rate", hazard_class=1), 2),
    (food(method="exceedance-rate", hazard_class=2), 3),
    (food(method="unusual-profile", hazard_class=1), 4),
])
def test_food_levels(signal: dict, level: int) -> None:
    assert level_of(signal) == level


@pytest.mark.parametrize(("signal", "level"), [
    (dict(domain="inspection", method="repeat-failure", observed=3, score=3, evidence={}), 3),
    (dict(domain="inspection", method="repeat-failure", observed=2, score=2, evidence={}), 4),
    (dict(domain="inspection", method="failure-rate", observed=9, score=8.0, evidence={}), 3),
    (dict(domain="inspection", method="failure-rate", observed=3, score=2.5, evidence={}), 4),
    (dict(domain="inspection", method="new-failed-item", observed=1, score=1, category_group="G01", evidence={}), 3),
    (dict(domain="inspection", method="new-failed-item", observed=1, score=1, category_group="G02", evidence={}), 4),
])
def test_inspection_levels(signal: dict, level: int) -> None:
    assert level_of(signal) == level
