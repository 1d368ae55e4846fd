from datetime import date

import numpy as np

from surveillance.alerts import charts

SERIES = {"evidence": {"weekly_counts": [3, 4, 5, 9], "first_week": "2026-09-07", "p_value": 0.01},
          "threshold": 7.5, "expected": 4.2, "observed": 9}


def test_a_chart_is_a_png_drawn_once_for_the_same_figures() -> None:
    charts._chart.cache_clear()
    first = charts.signal_chart(SERIES)
    assert first.startswith(b"\x89PNG\r\n\x1a\n")
    # the same figures from another source (numpy scalars, a date, unrelated evidence): the cached PNG
    same = {**SERIES, "id": 7, "expected": np.float64(4.2),
            "evidence": {"weekly_counts": [np.int64(v) for v in (3, 4, 5, 9)], "first_week": date(2026, 9, 7)}}
    assert charts.signal_chart(same) is first
    as_array = {**SERIES, "evidence": {**SERIES["evidence"], "weekly_counts": np.array([3, 4, 5, 9])}}
    assert charts.signal_chart(as_array) is first
    assert charts._chart.cache_info().misses == 1
    assert charts.signal_chart({**SERIES, "threshold": 6.0}) != first


def test_a_signal_without_a_series_shows_its_figures_as_bars() -> None:
    one = charts.signal_chart({"evidence": {}, "observed": 3, "expected": 0.5, "threshold": 2})
    assert one.startswith(b"\x89PNG") and one != charts.signal_chart({"evidence": {}, "observed": 3})
