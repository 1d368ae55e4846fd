"""The periods a night's detection looks at."""

from __future__ import annotations

from datetime import date, timedelta


def last_complete_week(day: date) -> tuple[date, date]:
    """The Monday-Sunday ISO week that ended on or before ``day``."""
    sunday = day - timedelta(days=(day.weekday() + 1) % 7)
    return sunday - timedelta(days=6), sunday


def month_start(day: date) -> date:
    return day.replace(day=1)


def rate_window(day: date, weeks: int) -> tuple[date, date, date]:
    """(Monday of the week evaluated, first day of the ``weeks``-week window ending with it, its last day)."""
    week_start, week_end = last_complete_week(day)
    return week_start, week_end - timedelta(weeks=weeks) + timedelta(days=1), week_end
