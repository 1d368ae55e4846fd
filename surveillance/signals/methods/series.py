"""Each method run on a matrix of counts (series x periods) with one control object (``SeriesControl``):
what ``detect-series`` and the evaluation call through the method registry. Each runner imports its own
method, so that a `detect-series` run loads one method's dependencies (scipy.stats alone is half a second)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Protocol

import numpy as np
import pandas as pd

from surveillance.signals.methods.controls import SeriesControl


class SeriesResult(Protocol):
    expected: np.ndarray
    threshold: np.ndarray
    score: np.ndarray
    alarm: np.ndarray


def _reference_dates(control: SeriesControl, dates: Sequence[date]) -> Sequence[date] | None:
    """The dates Farrington picks reference weeks by, or None for R's rule without dates."""
    return dates if control.reference_weeks == "date" else None


def run_farrington(counts: np.ndarray, control: SeriesControl, dates: Sequence[date]) -> SeriesResult:
    from surveillance.signals.methods.farrington import farrington_flexible

    return farrington_flexible(counts, control.farrington, last=control.last, dates=_reference_dates(control, dates))


def run_accumulated(counts: np.ndarray, control: SeriesControl, dates: Sequence[date]) -> SeriesResult:
    from surveillance.signals.methods.accumulated import farrington_accumulated

    return farrington_accumulated(counts, control.accumulated, last=control.last, dates=_reference_dates(control, dates))


def run_ears(variant: str) -> Callable[[np.ndarray, SeriesControl, Sequence[date]], SeriesResult]:
    """The runner of one EARS variant (C1, C2, C3)."""

    def run(counts: np.ndarray, control: SeriesControl, dates: Sequence[date]) -> SeriesResult:
        from surveillance.signals.methods.ears import ears_with

        return ears_with(counts, replace(control.ears, method=variant), last=control.last)
    return run


def run_cusum(counts: np.ndarray, control: SeriesControl, dates: Sequence[date]) -> SeriesResult:
    if control.last is None:
        raise ValueError("cusum needs --last N: the periods before them give the reference mean m")
    from surveillance.signals.methods.cusum import cusum_with

    start = int(pd.Timestamp(dates[0]).isocalendar().week)  # the week R's sts would start at
    return cusum_with(counts, control.last, control.cusum, start=start)


def run_nbglm(counts: np.ndarray, control: SeriesControl, dates: Sequence[date]) -> SeriesResult:
    if control.last is None:
        raise ValueError("nb-glm needs --last N: it is fitted on the periods before them")
    from surveillance.signals.methods.nbglm import nb_glm_with

    return nb_glm_with(counts, control.last, control.nbglm)
