"""Weekly risk summary for the provincial coordinating office (省质量强省工作推进委员会办公室).

Scheduled on the warehouse's signals Asset: every night's detection triggers it, and it builds and
emails the summary of the last complete week once (the first night after the week ends); other nights
it finds the week done and only delivers anything still queued. Thin wiring: the work is in
``surveillance.alerts.reports.weekly``.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, dag, get_current_context, task

from surveillance.airflow_support import ASSET_URIS, DEFAULT_ARGS, day_param, notify_operator


@dag(
    dag_id="surveillance_weekly",
    schedule=[Asset(ASSET_URIS["signals"])],
    start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Shanghai"),
    catchup=False,
    tags=["surveillance", "weekly"],
    default_args=DEFAULT_ARGS,
    params={"day": day_param()},
    on_failure_callback=notify_operator,
    doc_md=__doc__,
)
def surveillance_weekly():
    @task
    def weekly_summary() -> dict:
        """The day from the triggering signals event (else the run's conf or the day before the run)."""
        from surveillance.airflow_support import day_for_run, day_from_asset_events
        from surveillance.nightly import weekly
        from surveillance.settings import load_settings

        context = get_current_context()
        day = day_from_asset_events(context, ASSET_URIS["signals"])
        why = "the day of the triggering signals event"
        if day is None:
            day, why = day_for_run(context)
        print(f"weekly summary for the last complete week on or before {day} ({why})")
        result = weekly(load_settings(), day)
        print(result)
        return result

    weekly_summary()


surveillance_weekly()
