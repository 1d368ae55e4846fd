"""The ``surveillance`` command line: every stage of the nightly DAG, runnable by hand."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date, timedelta
from pathlib import Path

from surveillance.settings import SOURCES, load_settings


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def cmd_db(args: argparse.Namespace) -> int:
    from surveillance.warehouse.db import upgrade

    settings = load_settings()
    upgrade(settings.db_url, args.revision)
    print(f"warehouse at {settings.db_url} is at revision {args.revision}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from surveillance.demo.generate import DemoSpec, generate

    settings = load_settings()
    spec = DemoSpec(end=args.end, seed=args.seed, daily_days=args.daily_days)
    print(f"writing demo data {spec.start} .. {spec.end} (seed {spec.seed}) into {settings.landing} ...",
          file=sys.stderr)
    written = generate(spec, settings.landing, settings.demo_truth)
    print(f"files written: {written}; daily files for {spec.daily_start} .. {spec.end}; "
          f"ground truth: {settings.demo_truth}")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from surveillance.ingest.pipeline import ingest_file
    from surveillance.warehouse.db import get_engine

    settings = load_settings()
    engine = get_engine(settings.db_url)
    results = []
    for n, path in enumerate(args.paths, 1):
        if not args.json:
            print(f"[{n}/{len(args.paths)}] {path}", file=sys.stderr)
        result = ingest_file(engine, Path(path), args.source, settings.pii_salt)
        results.append(result)
        if not args.json:
            print(result.line())
    if args.json:
        print(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2))
    return 2 if any(r.status == "rejected" for r in results) else 0


def cmd_detect(args: argparse.Namespace) -> int:
    from surveillance.nightly import detect

    print(json.dumps(detect(load_settings(), args.day), ensure_ascii=False))
    return 0


def cmd_alert(args: argparse.Namespace) -> int:
    from surveillance.nightly import alert

    print(json.dumps(alert(load_settings(), args.day, use_smtp=False if args.no_smtp else None),
                     ensure_ascii=False))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from surveillance.nightly import run_day

    result = run_day(load_settings(), args.day, use_smtp=False if args.no_smtp else None)
    rejected = [r for rs in result["ingest"].values() for r in rs if r["status"] == "rejected"]
    for source, rs in result["ingest"].items():
        loaded = sum(r["rows_loaded"] for r in rs)
        quarantined = sum(r["rows_quarantined"] for r in rs)
        print(f"{source}: {len(rs)} files, {loaded} rows loaded, {quarantined} quarantined")
    for r in rejected:
        print(f"REJECTED {r['file']}: {r['error']}")
    print(json.dumps({"detect": result["detect"], "alert": result["alert"]}, ensure_ascii=False))
    return 2 if rejected else 0


def cmd_summary(args: argparse.Namespace) -> int:
    from surveillance.nightly import warehouse_summary

    s = warehouse_summary(load_settings())
    if args.json:
        print(json.dumps(s, ensure_ascii=False, indent=2))
        return 0
    print("== surveillance summary ==")
    for status, f in s["files"].items():
        print(f"files {status}: {f['files']}  rows read {f['read']} = loaded {f['loaded']} + quarantined "
              f"{f['quarantined']} + duplicate {f['duplicate']}")
    print("signals by level: " + ", ".join(f"{'ⅠⅡⅢⅣ'[k - 1]}级 {v}" for k, v in s["signals_by_level"].items()))
    print(f"digests: {s['deliveries']}  emails (.eml) in {s['outbox']}  CSV digests in {s['digests']}")
    return 0


def cmd_demo_check(args: argparse.Namespace) -> int:
    from surveillance.demo.check import check_events
    from surveillance.warehouse.db import get_engine

    settings = load_settings()
    if not settings.demo_truth.exists():
        print(f"no ground truth at {settings.demo_truth}: run `surveillance demo-data` first", file=sys.stderr)
        return 1
    missed = 0
    for e in check_events(get_engine(settings.db_url), settings.demo_truth):
        state = f"FOUND as signal(s) {e['signal_ids']}" if e["found"] else "NOT FOUND"
        missed += not e["found"]
        print(f"injected {e['event']} ({e['description']}, {e['series']}): {state}")
    return 1 if missed else 0


def cmd_quarantine(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from surveillance.warehouse.db import get_engine
    from surveillance.warehouse.models import IngestBatch, QuarantinedRow

    engine = get_engine(load_settings().db_url)
    stmt = (select(IngestBatch.file_name, QuarantinedRow.row_number, QuarantinedRow.reasons, QuarantinedRow.raw)
            .join(IngestBatch, IngestBatch.id == QuarantinedRow.batch_id).order_by(QuarantinedRow.id)
            .limit(args.limit))
    if args.source:
        stmt = stmt.where(QuarantinedRow.source == args.source)
    with engine.connect() as conn:
        for file_name, row_number, reasons, raw in conn.execute(stmt):
            why = "; ".join(f"{r['column']}: {r['check']} ({r['message']})" for r in json.loads(reasons))
            print(f"{file_name} row {row_number}: {why}" + (f"\n    {raw}" if args.raw else ""))
    return 0


def cmd_expectations(args: argparse.Namespace) -> int:
    from surveillance.ingest.suites import write_suites

    for path in write_suites():
        print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    yesterday = date.today() - timedelta(days=1)
    p = argparse.ArgumentParser(prog="surveillance", description=(
        "Product-injury and quality-risk surveillance: ingest, detect, alert. Settings come from "
        "SURVEILLANCE_HOME (default ./var), SURVEILLANCE_DB_URL (default SQLite under it), "
        "SURVEILLANCE_CONTACTS and SURVEILLANCE_PII_SALT."))
    sub = p.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="warehouse schema")
    dbs = db.add_subparsers(dest="db_command", required=True)
    up = dbs.add_parser("upgrade", help="create or migrate the warehouse schema (Alembic)")
    up.add_argument("--revision", default="head")
    up.set_defaults(func=cmd_db)

    demo = sub.add_parser("demo-data", help="write three years of demo files into the landing folders")
    demo.add_argument("--end", type=_day, default=yesterday, help="last day of the demo (default: yesterday)")
    demo.add_argument("--seed", type=int, default=20151)
    demo.add_argument("--daily-days", type=int, default=14, help="days written as daily files per sender")
    demo.set_defaults(func=cmd_demo)

    ing = sub.add_parser("ingest", help="ingest files; exit 2 if any file was rejected")
    ing.add_argument("--source", required=True, choices=SOURCES)
    ing.add_argument("paths", nargs="+", metavar="PATH")
    ing.add_argument("--json", action="store_true", help="print per-file results as JSON")
    ing.set_defaults(func=cmd_ingest)

    for name, func, text in (("detect", cmd_detect, "run the detectors for a day"),
                             ("alert", cmd_alert, "route signals and send the night's digests"),
                             ("run", cmd_run, "all stages for a day: ingest landed files, detect, alert")):
        sp = sub.add_parser(name, help=text)
        sp.add_argument("--day", type=_day, default=yesterday, help="YYYY-MM-DD (default: yesterday)")
        if name != "detect":
            sp.add_argument("--no-smtp", action="store_true", help="write .eml files only, even if SMTP is set up")
        sp.set_defaults(func=func)

    sub.add_parser("demo-check", help="are the demo's injected events among the signals?").set_defaults(
        func=cmd_demo_check)

    summ = sub.add_parser("summary", help="files, rows, signals and emails so far")
    summ.add_argument("--json", action="store_true")
    summ.set_defaults(func=cmd_summary)

    q = sub.add_parser("quarantine", help="quarantined rows and why")
    qs = q.add_subparsers(dest="q_command", required=True)
    ql = qs.add_parser("list", help="list quarantined rows with their reasons")
    ql.add_argument("--source", choices=SOURCES)
    ql.add_argument("--limit", type=int, default=50)
    ql.add_argument("--raw", action="store_true", help="also print the raw row")
    ql.set_defaults(func=cmd_quarantine)

    ex = sub.add_parser("expectations", help="Great Expectations suites")
    exs = ex.add_subparsers(dest="ex_command", required=True)
    exs.add_parser("build", help="rewrite expectations/*.json from the contract and reference data").set_defaults(
        func=cmd_expectations)
    return p


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
