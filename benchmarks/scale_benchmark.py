"""Scale benchmark (issue #6): a province's worth of data, the nightly run for one day and a backfill.

Builds a warehouse with ``--injury-rows`` hospital reports over three years (default 20,000,000: the
demo ten times over and more) plus inspection and food results at ten times the demo's rate, then
measures, each stage in its own process (as Airflow tasks run) so its peak memory is its own:

- the nightly run for one day: ingest of the day's files per source, detection per domain, alerting;
- a backfill of ``--backfill-days`` days (default 30), the same stages day after day.

    .venv/bin/python benchmarks/scale_benchmark.py [--injury-rows N] [--backfill-days D] [--workdir DIR]
                                                   [--pg-url postgresql://...] [--reuse]

``--reuse`` measures again on a workdir an earlier run built (the set-up of 20,000,000 rows takes most
of an hour): its warehouse is migrated to the current schema and the landed days it has not ingested
yet are run.

Targets (issue #6): one night under 5 minutes, peak memory under 4 GB. The history load (its speed is
the ingest benchmark's subject) and the one-time proposal of a product category for the history's
uncoded injury reports are set-up, reported apart.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: `benchmarks` importable
TARGET_NIGHT_S = 300
TARGET_PEAK_MB = 4096
HOSPITALS = 20
END = date(2026, 11, 26)


def _stage(kind: str, day: str, env: dict[str, str]) -> dict:
    """Run one stage in a child process; wall time and the child's peak memory."""
    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from benchmarks.scale_benchmark import child; child({kind!r}, {day!r})"
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"stage {kind} for {day} failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"stage": kind, "day": day, "seconds": round(seconds, 1), **result}


def child(kind: str, day: str) -> None:
    """One stage, run in its own process by ``_stage``; prints its figures as the last line."""
    from surveillance.nightly import alert, detect, ingest_day
    from surveillance.settings import load_settings

    settings, d = load_settings(), date.fromisoformat(day)
    if kind == "propose-history":  # once after a history load: every uncoded report's category proposed
        from surveillance.signals.detectors.product_proposals import propose_pending
        from surveillance.warehouse.db import get_engine

        with get_engine(settings.db_url).begin() as conn:
            out = propose_pending(conn, d)
    elif kind.startswith("ingest-"):
        t = ingest_day(settings, kind.removeprefix("ingest-"), d).totals()
        out = {"rows": t["rows_read"], "files": t["files"]}
    elif kind.startswith("detect-"):
        s = detect(settings, d, (kind.removeprefix("detect-"),))
        out = {"signals": s["signals"]}
    else:
        a = alert(settings, d, use_smtp=False, catch_up=kind == "alert-catch-up")
        out = {"digests": a["digests_built"]}
    print(json.dumps({**out, "peak_mb": round(_own_peak_mb(), 1),
                      "writer_peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)}))


def _own_peak_mb() -> float:
    """This process's peak resident memory since exec (VmHWM): ``ru_maxrss`` would carry the parent's
    peak across fork and exec on Linux."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _injury_days(path: Path, start: date, days: int, rows: int, seed: int) -> None:
    """``rows`` injury reports spread evenly over ``days`` days from ``start``, in one CSV."""
    import numpy as np
    import pandas as pd

    from benchmarks.injury_file import injury_frame

    path.parent.mkdir(parents=True, exist_ok=True)
    step = 500_000
    with path.open("w", encoding="utf-8", newline="") as fh:
        for first in range(0, rows, step):
            n = min(step, rows - first)
            part = injury_frame(n, seed=seed + first)
            rng = np.random.default_rng(seed + first)
            offsets = rng.integers(0, days, n)
            part["就诊日期"] = pd.to_datetime(start) + pd.to_timedelta(offsets, unit="D")
            part["就诊日期"] = part["就诊日期"].dt.strftime("%Y-%m-%d")
            part["报告卡编号"] = f"R{seed}-" + pd.Series(np.arange(first, first + n).astype(str))
            part.loc[rng.random(n) < 0.2, "产品分类代码"] = ""  # named but not coded: for the classifier
            part.to_csv(fh, index=False, header=first == 0)


def build(work: Path, injury_rows: int, backfill_days: int, env: dict[str, str]) -> dict:
    """Land the history and the daily files, load the history; returns the set-up figures."""
    os.environ.update(env)
    from surveillance.demo.generate import DemoSpec, generate
    from surveillance.ingest.file import landed_files
    from surveillance.ingest.run import ingest_files
    from surveillance.settings import load_settings
    from surveillance.warehouse.db import upgrade

    settings = load_settings()
    upgrade(settings.db_url)
    days = backfill_days + 1  # the backfill's days, then the night measured
    spec = DemoSpec(end=END, years=3, daily_days=days, injuries_per_day=1.0, inspections_per_day=140.0,
                    food_samples_per_day=90.0, inject=False)
    start = time.perf_counter()
    generate(spec, settings.landing, settings.demo_truth)
    for old in (settings.landing / "injury").rglob("*.csv"):  # the demo's few injuries give way to the big set
        old.unlink()
    per_day = injury_rows / (365 * 3)
    history_days = (spec.daily_start - spec.start).days
    _injury_days(settings.landing / "injury" / "history" / "injury_history.csv", spec.start, history_days,
                 int(per_day * history_days), seed=1)
    for i in range(days):
        day = spec.daily_start + timedelta(days=i)
        for h in range(HOSPITALS):
            _injury_days(settings.landing / "injury" / day.isoformat() / f"injury_H{h:02d}_{day:%Y%m%d}.csv", day, 1,
                         int(per_day / HOSPITALS), seed=10_000 + i * 100 + h)
    generated = time.perf_counter() - start
    start = time.perf_counter()
    loaded = {}
    for source in ("injury", "inspection", "food"):
        run = ingest_files(settings, source, landed_files(settings.landing / source / "history"),
                           day=spec.daily_start - timedelta(days=1))
        loaded[source] = run.totals()["rows_loaded"]
    history_load = time.perf_counter() - start
    proposals = _stage("propose-history", (spec.daily_start - timedelta(days=1)).isoformat(), env)
    return {"generate_s": round(generated, 1), "history_load_s": round(history_load, 1),
            "history_rows": loaded, "history_proposals": proposals,
            "daily_start": spec.daily_start.isoformat(), "days": days}


def resume(env: dict[str, str]) -> tuple[list[date], float]:
    """An earlier run's warehouse brought to the current schema; the landed days it has not ingested yet
    and the seconds the migrations took."""
    os.environ.update(env)
    from sqlalchemy import func, select

    from surveillance.settings import load_settings
    from surveillance.warehouse.db import get_engine, upgrade
    from surveillance.warehouse.models import IngestBatch

    settings = load_settings()
    start = time.perf_counter()
    upgrade(settings.db_url)
    migrated = time.perf_counter() - start
    with get_engine(settings.db_url).connect() as conn:
        last = conn.execute(select(func.max(IngestBatch.run_day))).scalar()
    days = sorted(date.fromisoformat(p.name) for p in (settings.landing / "injury").iterdir() if p.name != "history")
    return [d for d in days if d > last], migrated


def night(day: str, env: dict[str, str], catch_up: bool) -> list[dict]:
    stages = [f"ingest-{s}" for s in ("injury", "inspection", "food")] + [f"detect-{d}" for d in ("injury", "inspection", "food")]
    return [_stage(kind, day, env) for kind in (*stages, "alert-catch-up" if catch_up else "alert")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--injury-rows", type=int, default=20_000_000,
                        help="injury reports per three years: the daily rate of the history and of the measured days (default: %(default)s)")
    parser.add_argument("--backfill-days", type=int, default=30,
                        help="days backfilled before the measured night, one after another (default: %(default)s)")
    parser.add_argument("--workdir", type=Path, default=ROOT / "var" / "bench-scale",
                        help="landing files and the SQLite warehouse; must not exist unless --reuse (default: %(default)s)")
    parser.add_argument("--pg-url", help="the warehouse on PostgreSQL (default: SQLite in the workdir)")
    parser.add_argument("--reuse", action="store_true",
                        help="measure on the warehouse an earlier run built in --workdir (set-up not repeated): "
                             "the landed days after the last one it ingested")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # each day's line as it ends, also into a log file
    if args.workdir.exists() != args.reuse:
        raise SystemExit(f"{args.workdir} exists: remove it, give another --workdir, or --reuse it" if args.workdir.exists()
                         else f"nothing to reuse: {args.workdir} does not exist")
    db_url = args.pg_url or f"sqlite:///{args.workdir / 'warehouse.db'}"
    env = dict(os.environ, SURVEILLANCE_HOME=str(args.workdir), SURVEILLANCE_DB_URL=db_url, SURVEILLANCE_SMTP="off")
    if args.reuse:
        remaining, migrated = resume(env)
        if len(remaining) < args.backfill_days + 1:
            raise SystemExit(f"only {len(remaining)} landed days left in {args.workdir}: give --backfill-days {len(remaining) - 1} or less")
        setup = {"reused": str(args.workdir), "migrations_s": round(migrated, 1), "daily_start": remaining[0].isoformat()}
        print(f"set-up: reused {args.workdir} (migrations {setup['migrations_s']} s); first day {remaining[0]}")
    else:
        setup = build(args.workdir, args.injury_rows, args.backfill_days, env)
        print(f"set-up: generated in {setup['generate_s']} s; history loaded in {setup['history_load_s']} s: {setup['history_rows']}")
        p = setup["history_proposals"]
        print(f"set-up: the history's uncoded injury reports proposed a category once: {p['pending']} reports in "
              f"{p['seconds']} s, peak {p['peak_mb']:.0f} MB")
    first = date.fromisoformat(setup["daily_start"])
    backfill = []
    for i in range(args.backfill_days):
        day = (first + timedelta(days=i)).isoformat()
        stages = night(day, env, catch_up=True)
        backfill.append(stages)
        print(f"backfill {day}: {sum(s['seconds'] for s in stages):.1f} s, "
              f"peak {max(max(s['peak_mb'], s['writer_peak_mb']) for s in stages):.0f} MB")
    nightly = night((first + timedelta(days=args.backfill_days)).isoformat(), env, catch_up=False)
    print("\nnightly run for one day, by stage (each its own process):")
    print(f"{'stage':18} {'seconds':>8} {'peak MB':>8}  result")
    for s in nightly:
        extra = {k: v for k, v in s.items() if k not in ("stage", "day", "seconds", "peak_mb", "writer_peak_mb")}
        print(f"{s['stage']:18} {s['seconds']:8.1f} {s['peak_mb']:8.0f}  {extra}")
    night_s = sum(s["seconds"] for s in nightly)
    night_peak = max(max(s["peak_mb"], s["writer_peak_mb"]) for s in nightly)
    print(f"one night: {night_s:.1f} s (target < {TARGET_NIGHT_S} s), peak {night_peak:.0f} MB (target < {TARGET_PEAK_MB} MB)")
    if backfill:
        total = sum(s["seconds"] for day in backfill for s in day)
        peak = max(max(s["peak_mb"], s["writer_peak_mb"]) for day in backfill for s in day)
        by_stage: dict[str, float] = {}
        for day in backfill:
            for s in day:
                by_stage[s["stage"]] = by_stage.get(s["stage"], 0.0) + s["seconds"]
        print(f"backfill of {len(backfill)} days: {total:.1f} s, peak {peak:.0f} MB; by stage: "
              + ", ".join(f"{k} {v:.0f} s" for k, v in by_stage.items()))
    print(json.dumps({"setup": setup, "night": nightly, "backfill_days": len(backfill)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
