"""Response deadlines by warning level (docs/warning-levels.md): days from the night agencies were told of
an episode at its level to its first response (leaving 待核查). An escalation starts a new, shorter clock;
an episode still waiting past its deadline is overdue (a resolved one no longer is)."""

from __future__ import annotations

from datetime import date, timedelta

RESPONSE_DAYS = {1: 1, 2: 2, 3: 5, 4: 10}  # Ⅰ级 .. Ⅳ级


def due(level: int, since: date) -> date:
    """The last day a first response is on time for an episode of ``level`` raised on ``since``."""
    return since + timedelta(days=RESPONSE_DAYS[level])


def overdue(level: int, since: date, responded: bool, today: date) -> bool:
    return not responded and today > due(level, since)
