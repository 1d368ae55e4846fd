"""Helpers the DAG files use, kept here so they are tested without a scheduler."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")


def day_for_run(context: dict[str, Any], now: datetime | None = None) -> tuple[date, str]:
    """The day a run processes, and why: conf['day'], else the day before the run's date in Shanghai.

    A scheduled run at 02:00 on the 27th processes the 26th. A manual run or one with no
    logical date (Airflow 3 allows both) without conf processes the day before today.
    """
    dag_run = context.get("dag_run")
    conf = (getattr(dag_run, "conf", None) or {}) if dag_run is not None else {}
    if conf.get("day"):
        return date.fromisoformat(str(conf["day"])), "day given in the run's conf"
    stamp = context.get("data_interval_end") or context.get("logical_date")
    if stamp is not None:
        return stamp.astimezone(TZ).date() - timedelta(days=1), f"the day before the run's date {stamp.isoformat()}"
    now = now or datetime.now(TZ)
    return now.astimezone(TZ).date() - timedelta(days=1), "no logical date: the day before today"
