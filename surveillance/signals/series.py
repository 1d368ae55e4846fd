"""Detectors run on an analyst's own series: a wide CSV in, a long CSV of thresholds and alarms out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from surveillance.signals.cusum import cusum
from surveillance.signals.ears import ears
from surveillance.signals.farrington import FarringtonControl, farrington_flexible
from surveillance.signals.nbglm import nb_glm

METHODS = {"farrington-flexible": None, "ears-c1": "C1", "ears-c2": "C2", "ears-c3": "C3", "cusum": None, "nb-glm": None}
OUTPUT_COLUMNS = ["date", "series", "observed", "expected", "threshold", "alarm", "score"]


class SeriesInputError(ValueError):
    """The input file is not a usable wide series table; the message says why in one line."""


@dataclass(frozen=True)
class SeriesControl:
    """Control parameters, named as in R's surveillance package (earsC and farringtonFlexible)."""

    alpha: float | None = None  # R's default by method
    baseline: int = 7
    min_sigma: float = 0.0
    last: int | None = None  # evaluate only the last N periods
    farrington: FarringtonControl | None = None
    k: float = 1.04  # cusum
    h: float = 2.26
    m: float | str | None = None  # a number, or "glm" (R's seasonal Poisson GLM)
    trans: str = "standard"
    harmonics: int = 2  # nb-glm


def read_wide(path: Path) -> pd.DataFrame:
    """A ``date`` column and one numeric column per series (an empty cell is a missing count)."""
    try:
        frame = pd.read_csv(path)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise SeriesInputError(f"{path}: cannot read ({str(exc).splitlines()[0]})") from None
    if "date" not in frame.columns or frame.shape[1] < 2:
        raise SeriesInputError(f"{path}: needs a 'date' column and at least one series column")
    dates = pd.to_datetime(frame["date"], errors="coerce")
    if dates.isna().any():
        raise SeriesInputError(f"{path}: unparseable date in row {int(dates.isna().to_numpy().argmax()) + 2}")
    values = frame.drop(columns="date").apply(pd.to_numeric, errors="coerce")
    bad = values.isna() & frame.drop(columns="date").notna()
    if bad.any().any():
        column = bad.any().idxmax()
        raise SeriesInputError(f"{path}: non-numeric count in column '{column}'")
    values.index = dates.dt.date
    return values


def detect_series(wide: pd.DataFrame, method: str, control: SeriesControl) -> pd.DataFrame:
    """Long table ``date, series, observed, expected, threshold, alarm, score`` for the evaluated periods."""
    if method not in METHODS:
        raise SeriesInputError(f"unknown method {method!r}; available: {', '.join(METHODS)}")
    counts = wide.to_numpy(dtype=float).T
    try:
        if method == "farrington-flexible":
            result = farrington_flexible(counts, control.farrington or FarringtonControl(), last=control.last)
        elif method == "nb-glm":
            if control.last is None:
                raise SeriesInputError("nb-glm needs --last N: it is fitted on the periods before them")
            result = nb_glm(counts, control.last, harmonics=control.harmonics, alpha=0.01 if control.alpha is None else control.alpha)
        elif method == "cusum":
            if control.last is None:
                raise SeriesInputError("cusum needs --last N: the periods before them give the reference mean m")
            start = int(pd.Timestamp(wide.index[0]).isocalendar().week)  # the week R's sts would start at
            result = cusum(counts, control.last, k=control.k, h=control.h, m=control.m, trans=control.trans,
                           alpha=0.1 if control.alpha is None else control.alpha, start=start)
        else:
            result = ears(counts, METHODS[method], alpha=control.alpha, baseline=control.baseline,
                          min_sigma=control.min_sigma, last=control.last)
    except ValueError as exc:
        raise SeriesInputError(str(exc)) from None
    periods = result.threshold.shape[1]
    dates = np.asarray(wide.index[-periods:])
    observed = counts[:, -periods:]
    return pd.DataFrame({
        "date": np.tile(dates, counts.shape[0]),
        "series": np.repeat(wide.columns.to_numpy(), periods),
        "observed": observed.ravel(),
        "expected": result.expected.ravel(),
        "threshold": result.threshold.ravel(),
        "alarm": result.alarm.ravel().astype(int),
        "score": result.score.ravel(),
    }, columns=OUTPUT_COLUMNS)
