"""When a result reached the product: the night whose run ingested its file. Inspection and food results
land 5–30 days after their samples were taken, so the news rules (a repeat failure, a new failed item, an
exceedance, an unusual profile) judge what is new by arrival, not by sampling date; rates and trends keep
counting each result in the weeks it was sampled in."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Connection, Select

from surveillance.signals.detectors.tuning import NEWS
from surveillance.warehouse.models import IngestBatch

ARRIVED = "arrived_on"


def with_batch(stmt: Select, model) -> Select:
    """``stmt`` (a select from ``model``'s table) with the two columns the arrival is read from."""
    return stmt.add_columns(IngestBatch.run_day, IngestBatch.ingested_at).join(IngestBatch, IngestBatch.id == model.batch_id)


def read_arrived(conn: Connection, stmt: Select, model, cols: list) -> pd.DataFrame:
    """The rows of ``stmt`` (a select of ``cols`` from ``model``'s table), each with ``arrived_on``."""
    rows = conn.execute(with_batch(stmt, model)).all()
    return arrival(pd.DataFrame(rows, columns=[*(c.key for c in cols), "run_day", "ingested_at"]))


def both_dates(sampled: date, arrived: date) -> str:
    """When a sample was taken and when its result arrived, as agencies read it: they need both."""
    return f"{sampled:%Y-%m-%d}抽样，{arrived:%Y-%m-%d}结果到达"


def arrival(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (with ``run_day`` and ``ingested_at``) with ``arrived_on``: the run's day, or the ingest's
    date for a batch that recorded none."""
    if frame.empty:
        return frame.drop(columns=["run_day", "ingested_at"]).assign(**{ARRIVED: pd.Series(dtype=object)})
    stamped = pd.to_datetime(frame["ingested_at"]).dt.date
    arrived = frame["run_day"].where(frame["run_day"].notna(), stamped)
    return frame.drop(columns=["run_day", "ingested_at"]).assign(**{ARRIVED: arrived})


def arrived_by(frame: pd.DataFrame, day: date) -> pd.DataFrame:
    """The rows whose result had arrived by the night of ``day``: what that night knew, so that a night run
    again later (a backfill) decides as it did then."""
    return frame[frame[ARRIVED] <= day] if len(frame) else frame


def is_news(frame: pd.DataFrame, day: date, window_days: int) -> pd.Series:
    """Rows whose result arrived in the ``window_days`` nights ending with ``day`` no later than
    ``NEWS.late_days`` after sampling: a result that lands late is news the night it lands, while old
    files loaded at once (a first load, a historical backfill) are history and raise nothing."""
    if frame.empty:
        return pd.Series(dtype=bool, index=frame.index)
    arrived = frame[ARRIVED]
    first = day - timedelta(days=window_days - 1)
    lag = pd.Series([(a - s).days for a, s in zip(arrived, frame["sampling_date"], strict=True)], index=frame.index)
    return (arrived >= first) & (arrived <= day) & (lag <= NEWS.late_days)


def oldest_news_sampling(day: date, window_days: int) -> date:
    """The earliest sampling date a result that is news on ``day`` can carry (a bound for reading)."""
    return day - timedelta(days=window_days - 1 + NEWS.late_days)
