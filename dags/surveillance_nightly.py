"""Nightly surveillance run: ingest the day's landed files, detect, warn the responsible agencies.

Thin wiring only: each task calls the ``surveillance`` package, which also runs without Airflow.
Tasks pass the day and file paths (strings) and small count summaries; data moves through the warehouse.

- one mapped ingest task per landed file, so a bad file fails alone;
- detection per domain, and alerting, run whatever happened upstream (trigger rule ``all_done``);
- ``verdict`` fails the run if any ingest or detection failed, after the rest has run;
- tasks that touch the database, files or SMTP retry with exponential back-off;
- a run that finally fails sends one email to the operator (``SURVEILLANCE_OPERATOR_EMAIL``);
- a backfill run (``airflow backfill create``) marks its digests 补发;
- the warehouse tables are Assets: ingest updates its source's table; ``alert``, which runs after every
  domain's detection, updates the signals (with the day in the event's extra), which schedules the
  weekly summary DAG once a night;
- ``verdict`` also fails the run when a file was mostly quarantined (a data-quality warning) or the
  output check found a detector's output broken (signals/validate_output.py), so that the operator hears
  of it;
- the run's parameter ``day`` (a date, validated when the run is triggered) chooses the day to process.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, TriggerRule, dag, get_current_context, task

from surveillance.airflow_support import ASSET_URIS, DEFAULT_ARGS, day_param, notify_operator
from surveillance.settings import SOURCES


@dag(
    dag_id="surveillance_nightly",
    schedule="0 2 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Shanghai"),
    catchup=False,
    max_active_runs=1,  # days build on each other (episodes, revisions): one at a time, in order
    tags=["surveillance", "nightly"],
    default_args=DEFAULT_ARGS,
    params={"day": day_param()},
    on_failure_callback=notify_operator,
    doc_md=__doc__,
)
def surveillance_nightly():
    @task(retries=0)
    def resolve_day() -> str:
        """The day to process: the run's ``day`` parameter if given, else the day before the run's (Shanghai) date."""
        from surveillance.airflow_support import day_for_run

        day, why = day_for_run(get_current_context())
        print(f"processing {day} ({why})")
        return day.isoformat()

    @task
    def landed(source: str, day: str) -> list[str]:
        """The files landed for ``source`` on ``day``, one mapped ingest task each."""
        from datetime import date

        from surveillance.ingest.file import landed_files
        from surveillance.settings import load_settings

        paths = [str(p) for p in landed_files(load_settings().landing_dir(source, date.fromisoformat(day)))]
        print(f"{len(paths)} {source} file(s) landed for {day}")
        return paths

    @task(map_index_template="{{ path.split('/')[-1] }}")
    def ingest(source: str, day: str, path: str, outlet_events=None) -> dict:
        """One file; a file that cannot be read fails this task (no retry: it will not get better)."""
        from datetime import date
        from pathlib import Path

        from airflow.sdk.exceptions import AirflowFailException

        from surveillance.ingest.run import ingest_files
        from surveillance.settings import load_settings

        settings = load_settings()
        run = ingest_files(settings, source, [Path(path)], day=date.fromisoformat(day), confine_to=settings.landing)
        for r in run.results:
            print(r.line())
        print(f"GX Data Docs: {run.data_docs or 'no rows validated'}")
        if run.rejected:
            raise AirflowFailException(f"rejected: {run.results[0].line()}")
        outlet_events[Asset(ASSET_URIS[source])].extra = {"day": day, "file": Path(path).name}
        return run.totals()

    @task(trigger_rule=TriggerRule.ALL_DONE)
    def detect(domain: str, day: str) -> dict:
        from datetime import date

        from surveillance.nightly import detect as run_detect
        from surveillance.settings import load_settings

        return run_detect(load_settings(), date.fromisoformat(day), (domain,))

    @task(trigger_rule=TriggerRule.ALL_DONE, outlets=[Asset(ASSET_URIS["signals"])])
    def alert(day: str, outlet_events=None) -> dict:
        """Route, store and send the night's digests, once every domain's detection has finished; then the
        night's signals are complete: the signals Asset is updated here, once a night (the weekly DAG is
        scheduled on it, so it never builds a week from one domain's signals)."""
        from datetime import date

        from surveillance.airflow_support import is_backfill
        from surveillance.nightly import alert as run_alert
        from surveillance.settings import load_settings

        catch_up = is_backfill(get_current_context())
        if catch_up:
            print("backfill run: digests not delivered before are sent marked 补发")
        result = run_alert(load_settings(), date.fromisoformat(day), catch_up=catch_up)
        outlet_events[Asset(ASSET_URIS["signals"])].extra = {"day": day}
        return result

    @task(trigger_rule=TriggerRule.NONE_FAILED, retries=0)
    def verdict(day: str, alerted: dict) -> None:
        """Reached only if no ingest or detection failed (otherwise upstream_failed, and the run fails); fails
        the run itself when a file was mostly quarantined, the output check found an error, or no digest went
        out, so that the operator is told (notify_operator)."""
        from datetime import date

        from airflow.sdk.exceptions import AirflowFailException

        from surveillance.nightly import night_warnings, overdue_line, verification
        from surveillance.settings import load_settings

        settings, night = load_settings(), date.fromisoformat(day)
        late = overdue_line(verification(settings, night))
        if late:
            print(late)  # agencies' business, not the operator's: it does not fail the run
        warnings = night_warnings(settings, night)
        if (alerted or {}).get("nothing_went_out"):
            warnings.insert(0, f"NOTHING WENT OUT: {alerted['attempted']} digest(s) handed over, none delivered "
                               "(queued for the next run)")
        for w in warnings:
            print(w)
        if warnings:
            raise AirflowFailException(f"{len(warnings)} warning(s) for the operator: {warnings[0]}")
        print("every file and every domain went through")

    day = resolve_day()
    loads = [ingest.override(task_id=f"ingest_{source}", outlets=[Asset(ASSET_URIS[source])]).partial(source=source, day=day)
             .expand(path=landed.override(task_id=f"landed_{source}")(source, day)) for source in SOURCES]
    detects = [detect.override(task_id=f"detect_{domain}")(domain, day) for domain in SOURCES]
    for load in loads:
        load >> detects
    sent = alert(day)
    detects >> sent
    [*loads, *detects, sent] >> verdict(day, sent)


surveillance_nightly()
