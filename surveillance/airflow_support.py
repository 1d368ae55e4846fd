"""Helpers the DAG files use, kept here so they are tested without a scheduler."""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
# both DAGs' task defaults: tasks touch the database, files or SMTP, so they retry with exponential back-off
DEFAULT_ARGS = {"owner": "surveillance", "retries": 3, "retry_delay": timedelta(minutes=1),
                "retry_exponential_backoff": True, "max_retry_delay": timedelta(minutes=30)}

def day_param():
    """The run parameter both DAGs take: the day to process, validated as a date (YYYY-MM-DD) when a run is
    triggered; empty means the day before the run's date."""
    from airflow.sdk import Param

    return Param(None, type=["null", "string"], format="date", title="day",
                 description="the day to process (YYYY-MM-DD); empty: the day before the run's date (Shanghai)")


# the warehouse tables as Airflow Assets: the nightly DAG updates them, the weekly DAG is scheduled on them
ASSET_URIS = {"injury": "surveillance://warehouse/injury_reports", "inspection": "surveillance://warehouse/inspection_results",
              "food": "surveillance://warehouse/food_results", "signals": "surveillance://warehouse/signals"}


def day_for_run(context: dict[str, Any], now: datetime | None = None) -> tuple[date, str]:
    """The day a run processes, and why: the ``day`` param (or conf), else the day before the run's date in Shanghai.

    A scheduled run at 02:00 on the 27th processes the 26th. A manual run or one with no
    logical date (Airflow 3 allows both) without conf processes the day before today.
    """
    dag_run = context.get("dag_run")
    conf = (getattr(dag_run, "conf", None) or {}) if dag_run is not None else {}
    given = (context.get("params") or {}).get("day") or conf.get("day")
    if given:
        return date.fromisoformat(str(given)), "day given as the run's parameter"
    stamp = context.get("data_interval_end") or context.get("logical_date")
    if stamp is not None:
        return stamp.astimezone(TZ).date() - timedelta(days=1), f"the day before the run's date {stamp.isoformat()}"
    now = now or datetime.now(TZ)
    return now.astimezone(TZ).date() - timedelta(days=1), "no logical date: the day before today"


def is_backfill(context: dict[str, Any]) -> bool:
    """A run created by ``airflow backfill create``: its digests are catch-up (补发) digests."""
    dag_run = context.get("dag_run")
    return str(getattr(dag_run, "run_type", "") or "").lower().endswith("backfill")


def notify_operator(context: dict[str, Any]) -> None:
    """The DAG's ``on_failure_callback``: when a run finally fails (after its retries), one email to
    ``SURVEILLANCE_OPERATOR_EMAIL`` through Airflow's SmtpNotifier and the ``smtp_default`` connection;
    nothing when the variable is unset. Subject and body are rendered here, not by the notifier's Jinja,
    which ``airflow dags test`` cannot run on a serialized DAG."""
    from surveillance.settings import load_settings

    settings = load_settings()
    to = settings.operator_email
    if not to:
        return
    from airflow.providers.smtp.notifications.smtp import SmtpNotifier

    dag_run, ti = context.get("dag_run"), context.get("ti")
    run_id = getattr(dag_run, "run_id", None) or context.get("run_id", "?")
    dag_id = getattr(context.get("dag"), "dag_id", "surveillance_nightly")
    task = getattr(ti, "task_id", None) or "see the run"
    warnings = _warnings_for(context)
    listed = ("<p>Data-quality warnings of the night:</p><ul>" + "".join(f"<li>{html.escape(w)}</li>" for w in warnings)
              + "</ul>") if warnings else ""
    SmtpNotifier(
        to=to, from_email=settings.mail_from,
        smtp_conn_id="smtp_default", subject=f"[surveillance] run {run_id} of {dag_id} failed",
        html_content=(f"<p>The run {run_id} of {dag_id} ended failed ({context.get('reason', 'task failure')}).</p>"
                      f"<p>Last failed task: {html.escape(task)}. The other tasks ran; see the run's logs in Airflow.</p>"
                      + listed),
    ).notify(context)


def _warnings_for(context: dict[str, Any]) -> list[str]:
    """The night's data-quality warnings, for the operator's email (nothing if they cannot be read)."""
    try:
        from surveillance.nightly import night_warnings
        from surveillance.settings import load_settings

        return night_warnings(load_settings(), day_for_run(context)[0])
    except Exception:  # the notifier must send its email whatever else is broken
        return []


def day_from_asset_events(context: dict[str, Any], uri: str) -> date | None:
    """The latest ``day`` among the triggering events of the asset ``uri`` (each carries it in its extra), if
    any. Airflow does not order the events: a weekly run triggered by several nights takes the last night."""
    events = context.get("triggering_asset_events") or {}
    days = [date.fromisoformat(str(day)) for asset, items in events.items() if getattr(asset, "uri", None) == uri
            for item in items or [] if (day := (item.extra or {}).get("day"))]
    return max(days, default=None)
