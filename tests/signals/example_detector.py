"""A detector added the documented way (docs/detectors.md, "Adding a detector"): this module and one
registry entry. It flags every food result above half its limit (a made-up rule for the test)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Connection, select

from surveillance.signals.signal import Detection, make_signal
from surveillance.warehouse.models import FoodResult


def detect_half_limit(conn: Connection, day: date) -> Detection:
    rows = conn.execute(select(FoodResult.sample_id, FoodResult.food_category, FoodResult.analyte,
                               FoodResult.result_value, FoodResult.limit_value, FoodResult.sampling_date)
                        .where(FoodResult.sampling_date.between(day - timedelta(days=6), day))).all()
    hits = [r for r in rows if r.limit_value and r.result_value is not None and r.result_value > r.limit_value / 2]
    signals = [make_signal("food", "half-limit", f"{r.food_category}|{r.analyte}", key_subject=r.sample_id,
                           period_start=r.sampling_date, period_end=r.sampling_date, observed=r.result_value,
                           expected=r.limit_value / 4, threshold=r.limit_value / 2, category_code=r.food_category,
                           title=f"样品{r.sample_id}超过限量的一半", evidence=dict(sample_id=r.sample_id))
               for r in hits]
    return Detection(signals, dict(results_read=len(rows), expected_false_alarms=0.0))


def detect_broken(conn: Connection, day: date) -> Detection:
    """A detector gone wrong: a threshold that is not a number and one below its expected value."""
    common = dict(period_start=day, period_end=day, observed=3.0, title="坏", evidence={})
    return Detection([make_signal("food", "broken", "a", expected=1.0, threshold=float("nan"), **common),
                      make_signal("food", "broken", "b", expected=2.0, threshold=1.0, **common)])
