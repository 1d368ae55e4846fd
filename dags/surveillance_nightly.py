"""Nightly surveillance run: ingest the day's landed files, detect, warn the responsible agencies.

Thin wiring only: each task calls the ``surveillance`` package, which also runs without Airflow.
Tasks pass the day (a string) and small count summaries; data moves through the warehouse.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, get_current_context, task

SOURCES = ("injury", "inspection", "food")


@dag(
    dag_id="surveillance_nightly",
    schedule="0 2 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Shanghai"),
    catchup=False,
    tags=["surveillance", "nightly"],
    default_args={"owner": "surveillance", "retries": 2, "retry_delay": pendulum.duration(minutes=2),
                  "retry_exponential_backoff": True},
    doc_md=__doc__,
)
def surveillance_nightly():
    @task
    def resolve_day() -> str:
        """The day to process: conf['day'] if given, else the day before the run's (Shanghai) date."""
        from surveillance.airflow_support import day_for_run

        context = get_current_context()
        day, why = day_for_run(context)
        print(f"processing {day} ({why})")
        return day.isoformat()

    @task
    def ingest(source: str, day: str) -> dict:
        from datetime import date

        from surveillance.nightly import ingest_day
        from surveillance.settings import load_settings

        run = ingest_day(load_settings(), source, date.fromisoformat(day))
        for r in run.results:
            print(r.line())
        print(f"GX Data Docs: {run.data_docs or 'no rows validated'}")
        return run.totals()

    @task
    def detect(day: str) -> dict:
        from datetime import date

        from surveillance.nightly import detect as run_detect
        from surveillance.settings import load_settings

        return run_detect(load_settings(), date.fromisoformat(day))

    @task
    def alert(day: str) -> dict:
        from datetime import date

        from surveillance.nightly import alert as run_alert
        from surveillance.settings import load_settings

        return run_alert(load_settings(), date.fromisoformat(day))

    day = resolve_day()
    loads = [ingest.override(task_id=f"ingest_{source}")(source, day) for source in SOURCES]
    detected = detect(day)
    loads >> detected
    detected >> alert(day)


surveillance_nightly()
