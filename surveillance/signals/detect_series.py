"""What backs ``surveillance detect-series``: an analyst's wide CSV of series in, a long CSV of
thresholds and alarms out, with any method of the registry that runs on plain series."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from surveillance.signals.methods.series import SeriesControl
from surveillance.signals.registry import series_methods

OUTPUT_COLUMNS = ["date", "series", "observed", "expected", "threshold", "alarm", "score"]

__all__ = ["OUTPUT_COLUMNS", "SeriesControl", "SeriesInputError", "detect_series", "read_wide"]


class SeriesInputError(ValueError):
    """The input file is not a usable wide series table; the message says why in one line."""


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
    methods = series_methods()
    if method not in methods:
        raise SeriesInputError(f"unknown method {method!r}; available: {', '.join(methods)}")
    counts = wide.to_numpy(dtype=float).T
    try:
        result = methods[method].run_series(counts, control, list(wide.index))
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
