"""The detection measures on alarm patterns worked out by hand."""

import numpy as np

from surveillance.evaluation.metrics import Counts, score


def test_measures_of_a_hand_made_pattern() -> None:
    # two series, six weeks; series 0: outbreak in weeks 2-3 (start 2), series 1: outbreak in week 4 (start 4),
    # and a baseline outbreak's spill in week 0 of series 1 (not a quiet week, not the evaluated outbreak)
    current = np.array([[0, 0, 3, 1, 0, 0], [0, 0, 0, 0, 2, 0]])
    spill = np.array([[0, 0, 0, 0, 0, 0], [4, 0, 0, 0, 0, 0]])
    alarm = np.array([[1, 0, 0, 1, 0, 0], [1, 0, 0, 0, 0, 1]], dtype=bool)
    counts = score(alarm, current, current + spill, np.array([2, 4]))
    assert counts == Counts(quiet_weeks=8, false_alarms=2, outbreaks=2, detected=1, outbreak_weeks=3,
                            outbreak_weeks_alarmed=1, alarms=4, true_alarms=2, delay_sum=1, first_week_detected=0)
    m = counts.measures()
    assert m["fpr"] == 0.25 and m["pod"] == 0.5 and m["sensitivity"] == round(1 / 3, 4)
    assert m["specificity"] == 0.75 and m["ppv"] == 0.5 and m["timeliness"] == 1.0
    # series 0 detected in its second week only: not in the first week
    assert m["pod_first_week"] == 0.0
    early = score(np.array([[0, 0, 1, 0, 0, 0], [0, 0, 0, 0, 1, 0]], dtype=bool), current, current + spill, np.array([2, 4]))
    assert early.first_week_detected == 2 and early.measures()["pod_first_week"] == 1.0


def test_the_first_week_is_the_first_holding_cases_when_the_start_week_has_none() -> None:
    # the outbreak starts in week 1 but its cases fall in weeks 2 and 3: an alarm in week 2 is a first-week detection
    current = np.array([[0, 0, 2, 1, 0]])
    counts = score(np.array([[0, 0, 1, 0, 0]], dtype=bool), current, current, np.array([1]))
    assert counts.first_week_detected == 1 and counts.delay_sum == 1
    later = score(np.array([[0, 0, 0, 1, 0]], dtype=bool), current, current, np.array([1]))
    assert later.first_week_detected == 0 and later.detected == 1


def test_an_oracle_detects_everything_at_once_and_silence_nothing() -> None:
    rng = np.random.default_rng(1)
    current = (rng.random((50, 49)) < 0.05) * rng.integers(1, 5, (50, 49))
    start = np.where(current.any(axis=1), (current > 0).argmax(axis=1), 0)
    oracle = score(current > 0, current, current, start).measures()
    assert oracle["pod"] == 1.0 and oracle["fpr"] == 0.0 and oracle["timeliness"] == 0.0 and oracle["ppv"] == 1.0
    assert oracle["pod_first_week"] == 1.0
    silent = score(np.zeros_like(current, dtype=bool), current, current, start).measures()
    assert silent["pod"] == 0.0 and silent["fpr"] == 0.0 and silent["ppv"] is None and silent["timeliness"] is None
    pooled = score(current > 0, current, current, start) + score(np.zeros_like(current, dtype=bool), current, current, start)
    assert pooled.measures()["pod"] == 0.5
