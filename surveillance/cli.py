"""The ``surveillance`` command line: every stage of the nightly DAG, runnable by hand."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from surveillance.settings import SOURCES, load_settings

if TYPE_CHECKING:
    from surveillance.signals.methods.controls import SeriesControl


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
    from surveillance.ingest.run import ingest_files

    def progress(n: int, result) -> None:
        if not args.json:
            print(f"[{n}/{len(args.paths)}] {result.line()}", flush=True)

    def rows_so_far(n: int) -> None:  # a long file reports each chunk as it goes
        print(f"  ... {n:,} rows", file=sys.stderr, flush=True)

    settings = load_settings()
    run = ingest_files(settings, args.source, [Path(p) for p in args.paths], day=args.day, today=args.today,
                       sheet=args.sheet, layout=args.layout, on_result=progress, progress=rows_so_far, sender=args.sender)
    if args.json:
        print(json.dumps(run.as_dict(), ensure_ascii=False, indent=2))
    else:
        t = run.totals()
        print(f"{t['files']} file(s), {t['rejected']} rejected; rows read {t['rows_read']} = loaded {t['rows_loaded']} "
              f"+ quarantined {t['rows_quarantined']} + duplicate {t['rows_duplicate']}")
        print(f"GX Data Docs: {run.data_docs or 'no rows validated'}")
    from surveillance.ingest.quality import batch_warnings
    from surveillance.warehouse.db import get_engine

    ids = [r.batch_id for r in run.results if r.status == "accepted" and not r.already_ingested and r.batch_id]
    for w in batch_warnings(get_engine(settings.db_url), ids) if ids else []:
        print(w.line(), file=sys.stderr if args.json else sys.stdout)
    return 2 if run.rejected else 0


def cmd_detect(args: argparse.Namespace) -> int:
    from surveillance.nightly import detect

    summary = detect(load_settings(), args.day)
    print(json.dumps(summary, ensure_ascii=False))
    for key, figures in summary["alarms"].items():
        print(f"{key}: {figures['alarms']} alarm(s) tonight; {figures['expected_false']} false alarm(s) expected by "
              "its tests", file=sys.stderr)
    for line in summary["output_check"]["errors"]:
        print(line, file=sys.stderr)
    return 0


def cmd_scan(args: argparse.Namespace) -> int:
    from surveillance.signals.detectors.injury_scan import detect_injury_scan
    from surveillance.signals.detectors.tuning import INJURY_SCAN
    from surveillance.warehouse.db import get_engine

    replicates = INJURY_SCAN.replicates if args.replicates is None else args.replicates
    if replicates < 19:
        print("error: --replicates must be at least 19 (a p-value of 0.05 needs 19 replicates)", file=sys.stderr)
        return 2
    print(f"scanning the injury lattice for {args.day} with {replicates} replicates ...", file=sys.stderr)
    with get_engine(load_settings().db_url).connect() as conn:
        detection = detect_injury_scan(conn, args.day, replicates=replicates)
    if args.json:
        print(json.dumps({"day": args.day.isoformat(), "figures": detection.figures, "clusters": detection.signals},
                         ensure_ascii=False, default=str))
        return 0
    print(f"{len(detection.signals)} cluster(s); {detection.figures}")
    for s in detection.signals:
        print(f"  {s['series']}: {s['title']}")
    return 0


def cmd_alert(args: argparse.Namespace) -> int:
    from surveillance.nightly import alert

    settings = load_settings()
    use_smtp = False if args.no_smtp else None
    if args.resend:
        from surveillance.alerts.run import resend
        from surveillance.warehouse.db import get_engine

        counts = resend(get_engine(settings.db_url), args.day, args.agency, use_smtp)
        print(json.dumps({"day": args.day.isoformat(), **counts}, ensure_ascii=False))
        if not counts["resent"] and not counts["failed"]:
            print(f"no stored digest for {args.day}" + (f" and agency {args.agency}" if args.agency else ""), file=sys.stderr)
            return 1
        return 0 if not counts["failed"] else 1
    result = alert(settings, args.day, use_smtp=use_smtp, catch_up=args.catch_up)
    print(json.dumps(result, ensure_ascii=False))
    return _delivery_status(result)


EXIT_NOTHING_SENT = 4  # digests were due and none reached anybody (they stay queued and are retried)


def _delivery_status(result: dict) -> int:
    """Say so, and exit EXIT_NOTHING_SENT, when every digest handed over tonight failed."""
    if result.get("refused_addresses"):
        print(f"warning: {len(result['refused_addresses'])} address(es) refused for good: "
              + "; ".join(result["refused_addresses"][:5]), file=sys.stderr)
    if result.get("nothing_went_out"):
        print(f"error: nothing went out: {result['attempted']} digest(s) handed over, none delivered; they stay "
              "queued and are retried by the next run (see the deliveries ledger's last_error)", file=sys.stderr)
        return EXIT_NOTHING_SENT
    return 0


def cmd_weekly(args: argparse.Namespace) -> int:
    from surveillance.nightly import weekly

    print(json.dumps(weekly(load_settings(), args.day, use_smtp=False if args.no_smtp else None), ensure_ascii=False))
    return 0


def cmd_route_explain(args: argparse.Namespace) -> int:
    from surveillance.alerts.routing import explain_signal
    from surveillance.warehouse.db import get_engine

    try:
        print(explain_signal(get_engine(load_settings().db_url), args.signal_id))
    except LookupError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from surveillance.nightly import run_day
    from surveillance.safe_text import one_line
    from surveillance.warehouse.db import get_engine
    from surveillance.warehouse.lock import file_lock

    settings = load_settings()
    settings.check_salt()
    with file_lock(get_engine(settings.db_url), f"surveillance run --day {args.day}", wait=args.wait):
        result = run_day(settings, args.day, use_smtp=False if args.no_smtp else None, catch_up=args.catch_up)
    rejected = [r for run in result["ingest"].values() for r in run["files"] if r["status"] == "rejected"]
    for source, run in result["ingest"].items():
        t = run["totals"]
        print(f"{source}: {t['files']} files, {t['rows_loaded']} rows loaded, {t['rows_quarantined']} quarantined; "
              f"GX Data Docs: {run['data_docs'] or 'no rows validated'}")
    for r in rejected:
        print(f"REJECTED {one_line(r['file'])}: {one_line(r['error'])}")
    for w in result["warnings"]:
        print(w)
    _print_overdue(result["verification"])
    print(json.dumps({"detect": result["detect"], "alert": result["alert"]}, ensure_ascii=False))
    if result["alert"].get("nothing_went_out"):
        print("NOTHING WENT OUT: every digest handed over tonight failed; they stay queued for the next run")
    sent = _delivery_status(result["alert"])
    return sent or (2 if rejected else 0)


def _print_overdue(verification: dict) -> None:
    from surveillance.nightly import overdue_line

    line = overdue_line(verification)
    if line:
        print(line)


def _signal_id(text: str) -> int:
    try:
        return int(text.upper().removeprefix("S"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a signal id: {text!r} (expected S000123 or 123)") from None


def _cusum_m(text: str) -> float | str:
    if text == "glm":
        return text
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--m must be a number or 'glm', not {text!r}") from None


def cmd_summary(args: argparse.Namespace) -> int:
    from surveillance.nightly import warehouse_summary
    from surveillance.signals.levels import LEVELS

    s = warehouse_summary(load_settings())
    if args.json:
        print(json.dumps(s, ensure_ascii=False, indent=2))
        return 0
    print("== surveillance summary ==")
    for status, f in s["files"].items():
        print(f"files {status}: {f['files']}  rows read {f['read']} = loaded {f['loaded']} + quarantined "
              f"{f['quarantined']} + duplicate {f['duplicate']}")
    print("signals by level: " + ", ".join(f"{LEVELS[k][0]} {v}" for k, v in s["signals_by_level"].items()))
    print(f"digests: {s['deliveries']}  emails (.eml) in {s['outbox']}  CSV digests in {s['digests']}")
    print("episodes by verification state: " + (", ".join(f"{k} {v}" for k, v in s["verification"]["by_state"].items())
                                                 or "none"))
    _print_overdue(s["verification"])
    return 0


def cmd_episode(args: argparse.Namespace) -> int:
    from surveillance.response.states import Step, StepRefused
    from surveillance.response.trail import history, record, states
    from surveillance.signals.levels import LEVELS
    from surveillance.warehouse.db import get_engine

    engine = get_engine(load_settings().db_url)
    today = args.day or date.today()
    if args.episode_command == "verify":
        step = Step(args.to, args.by, args.comment or "", args.reason, args.action)
        try:
            record(engine, args.episode_id, step, args.agency)
        except StepRefused as exc:
            print(f"episode {args.episode_id}: {exc}", file=sys.stderr)
            return 1
        whose = f"{args.agency}'s own verification or, if it leads, the overall state" if args.agency else "overall state"
        print(f"episode {args.episode_id}: {args.to} (by {args.by}; {whose})")
        return 0
    if args.episode_command == "ppv":
        from sqlalchemy.orm import Session

        from surveillance.response.outcomes import ppv_by

        with Session(engine) as conn:
            rows = ppv_by(conn, args.by)
        if not rows:
            print("no episode verified yet (已确认 or 已排除): no PPV")
        for r in rows:
            print(f"{r.key[0]!s:<28} confirmed {r.confirmed:>4}  dismissed {r.dismissed:>4}  PPV {r.ppv:.0%}")
        return 0
    if args.episode_command == "trail":
        steps = history(engine, args.episode_id)
        if not steps:
            print(f"episode {args.episode_id}: 待核查, no step taken yet")
        for a in steps:
            extra = "".join(f" [{v}]" for v in (a.reason, a.action) if v)
            track = "overall" if a.overall else f"{a.agency_id} only"
            print(f"{a.at:%Y-%m-%d %H:%M}  {a.from_state} -> {a.to_state}{extra}  by {a.actor}  [{track}]  (level {a.level})"
                  + (f"  {a.comment}" if a.comment else ""))
        return 0
    rows = [e for e in states(engine, today, agency_id=args.agency).values()
            if (args.state is None or e.state == args.state) and (not args.overdue or e.overdue)]
    for e in sorted(rows, key=lambda e: (not e.overdue, e.level, e.episode_id)):
        flag = "  OVERDUE" if e.overdue else ""
        print(f"episode {e.episode_id}  {LEVELS[e.level][0]}  {e.state}  since {e.level_since}  "
              f"respond by {e.due}{flag}")
    print(f"{len(rows)} episode(s); {sum(e.overdue for e in rows)} overdue on {today}", file=sys.stderr)
    return 0


def cmd_baseline(args: argparse.Namespace) -> int:
    from surveillance.response.exclusions import ExclusionRefused, exclude, listing, restore
    from surveillance.warehouse.db import get_engine

    engine = get_engine(load_settings().db_url)
    try:
        if args.baseline_command == "exclude":
            new = exclude(engine, "injury", args.series, args.week, args.by, args.reason)
            print(f"exclusion {new}: {args.series} week of {args.week} left out of later baselines")
            return 0
        if args.baseline_command == "restore":
            restore(engine, args.exclusion_id, args.by)
            print(f"exclusion {args.exclusion_id} restored: the week is back in the baselines")
            return 0
    except ExclusionRefused as exc:
        print(str(exc), file=sys.stderr)
        return 1
    rows = listing(engine, args.series, args.all)
    for r in rows:
        gone = f"  restored by {r.restored_by} {r.restored_at:%Y-%m-%d}" if r.restored_at else ""
        print(f"{r.id:>5}  {r.series:<24} week of {r.week_start}  {r.reason}  by {r.added_by} {r.added_at:%Y-%m-%d}{gone}")
    print(f"{len(rows)} exclusion(s)", file=sys.stderr)
    return 0


def cmd_demo_check(args: argparse.Namespace) -> int:
    from surveillance.demo.check import check_events, false_alarms
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
    fa = false_alarms(get_engine(settings.db_url), settings.demo_truth, settings.reports)
    print(f"false alarms (statistical signals no injected event explains): {fa['false_alarms']} over "
          f"{fa['nights']} nights ({fa['per_night']} per night; expected {fa['expected_per_night']} per night; "
          f"{fa['sent']} of them sent to agencies)"
          + (": " + ", ".join(f"{m} {n}" for m, n in fa["by_method"].items()) if fa["by_method"] else ""))
    return 1 if missed else 0


def cmd_quarantine(args: argparse.Namespace) -> int:
    from surveillance.ingest.quarantine import quarantined_rows, reason_text
    from surveillance.safe_text import one_line

    rows = quarantined_rows(load_settings(), source=args.source, batch_id=args.batch, limit=args.limit)
    for q in rows:  # senders' text, printed escaped: no terminal escape sequence or line break gets through
        where = f"row {q['row_number']}" if q["row_number"] is not None else "unsplittable line"
        print(f"[{q['source']}] {one_line(q['file_name'], 200)} {where}: {one_line(reason_text(q['reasons']), 2000)}"
              + (f"\n    {one_line(json.dumps(q['raw'], ensure_ascii=False), 20_000)}" if args.raw else ""))
    if not rows:
        print("no quarantined rows match", file=sys.stderr)
    return 0


def cmd_quarantine_export(args: argparse.Namespace) -> int:
    from surveillance.ingest.quarantine import export, quarantined_rows

    rows = quarantined_rows(load_settings(), source=args.source, batch_id=args.batch, limit=None)
    out = Path(args.output)
    export(rows, out, args.format)
    print(f"wrote {len(rows)} quarantined row(s) to {out}")
    return 0


def series_control(args: argparse.Namespace) -> SeriesControl:
    """The control classes' defaults (R's), replaced by the options given on the command line."""
    from dataclasses import replace

    from surveillance.signals.methods.controls import SeriesControl

    def given(**options: object) -> dict:
        return {k: v for k, v in options.items() if v is not None}

    base = SeriesControl()
    return SeriesControl(
        last=args.last, reference_weeks=args.reference_weeks,
        farrington=replace(base.farrington, **given(
            b=args.b, w=args.w, alpha=args.alpha, no_periods=args.no_periods, weights_threshold=args.weights_threshold,
            past_weeks_not_included=args.past_weeks_not_included, p_threshold_trend=args.p_threshold_trend,
            threshold_method=args.threshold_method, limit54=tuple(args.limit54) if args.limit54 else None,
            reweight=False if args.no_reweight else None, trend=False if args.no_trend else None,
            powertrans=args.powertrans)),
        ears=replace(base.ears, **given(alpha=args.alpha, baseline=args.baseline, min_sigma=args.min_sigma)),
        cusum=replace(base.cusum, **given(k=args.k, h=args.h, m=args.m, trans=args.trans, alpha=args.alpha)),
        nbglm=replace(base.nbglm, **given(harmonics=args.harmonics, alpha=args.alpha)),
    )


def cmd_detect_series(args: argparse.Namespace) -> int:
    from surveillance.signals.detect_series import SeriesInputError, detect_series, read_wide

    try:
        wide = read_wide(Path(args.input))
        out = detect_series(wide, args.method, series_control(args))
    except (SeriesInputError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out.to_csv(args.output, index=False)
    alarms = int(out["alarm"].sum())
    print(f"{args.method}: {wide.shape[1]} series x {out['date'].nunique()} periods evaluated, {alarms} alarm(s); "
          f"wrote {args.output}")
    return 0


def _numbers(text: str) -> list[int]:
    """"1-42", "1,7,13" or "1-6,40-42" as a sorted list of numbers."""
    out: set[int] = set()
    try:
        for part in text.split(","):
            low, _, high = part.partition("-")
            out.update(range(int(low), int(high or low) + 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r} (e.g. 1-42 or 1,7,13)") from None
    return sorted(out)


def cmd_evaluate(args: argparse.Namespace) -> int:
    if args.lattice:
        return _evaluate_lattice(args)
    from surveillance.evaluation.run import CONTENDERS, evaluate, format_table, write
    from surveillance.evaluation.scenarios import scenarios

    every = {s.number: s for s in scenarios()}
    replicates = 100 if args.replicates is None else args.replicates
    unknown = [n for n in args.scenarios if n not in every]
    names = args.methods.split(",") if args.methods else list(CONTENDERS)
    missing = [n for n in names if n not in CONTENDERS]
    problems = (["scenarios 1-42 only"] if unknown else []) \
        + ([f"unknown method(s) {', '.join(missing)}; available: {', '.join(CONTENDERS)}"] if missing else []) \
        + (["replicates must be at least 1"] if replicates < 1 else [])
    if problems:
        print(f"error: {'; '.join(problems)}", file=sys.stderr)
        return 2
    print(f"evaluating {len(names)} method(s) on {len(args.scenarios)} scenario(s) x {replicates} series "
          f"(seed {args.seed}) ...", file=sys.stderr)
    result = evaluate([CONTENDERS[n] for n in names], [every[n] for n in args.scenarios], replicates, args.seed,
                      progress=lambda line: print(line, file=sys.stderr))
    folder = Path(args.output_dir) if args.output_dir else load_settings().home / "evaluation"
    data, plot = write(result, folder)
    print(format_table(result))
    print(f"wrote {data} and {plot}")
    return 0


def _evaluate_lattice(args: argparse.Namespace) -> int:
    from surveillance.evaluation import lattice

    replicates = 20 if args.replicates is None else args.replicates
    if replicates < 1 or args.null_replicates < 19:
        print("error: replicates must be at least 1 and null replicates at least 19", file=sys.stderr)
        return 2
    print(f"evaluating the injury scan and the nightly default on Shaanxi's lattice: {replicates} replicate(s) x "
          f"{len(lattice.SHAPES)} shapes x {len(lattice.SIZES)} sizes x {len(lattice.DURATIONS)} durations, "
          f"{args.null_replicates} null replicates (seed {args.seed}; about 12 s a replicate on 2 cores) ...", file=sys.stderr)
    result = lattice.evaluate(replicates, args.seed, args.null_replicates, progress=lambda line: print(line, file=sys.stderr))
    folder = Path(args.output_dir) if args.output_dir else load_settings().home / "evaluation"
    data, plot = lattice.write(result, folder)
    print(lattice.format_table(result))
    print(f"wrote {data} and {plot}")
    return 0


def cmd_config_show(args: argparse.Namespace) -> int:
    from surveillance.signals.detectors.tuning import describe
    from surveillance.signals.validate_output import RANGE_NIGHTS

    settings = load_settings()
    print("settings (environment variables SURVEILLANCE_*; see README):")
    from surveillance.settings import PLACEHOLDER_SALT

    for name, value in sorted(vars(settings).items()):
        if name == "pii_salt":  # a secret: say only whether one is set
            value = "(placeholder: demo and tests only)" if value == PLACEHOLDER_SALT else "(set, hidden)"
        print(f"  {name:<28} {_safe_url(str(value)) if name == 'db_url' else value}")
    print("detector tuning (surveillance/signals/detectors/tuning.py):")
    for name, value, doc in describe():
        print(f"  {name:<38} {value!s:<8} {doc}")
    print(f"output check: each detector's count compared with its last {RANGE_NIGHTS} nights")
    return 0


def cmd_layouts(args: argparse.Namespace) -> int:
    from surveillance.ingest.layout_check import check, listing

    if args.layouts_command in (None, "list"):
        print("\n".join(listing()))
        return 0
    if args.layouts_command == "draft":
        from surveillance.ingest.layout_draft import draft
        from surveillance.ingest.readers import FileRejected

        try:
            text = draft(Path(args.path), args.source, args.sheet)
        except (FileRejected, OSError, ValueError) as exc:
            print(f"error: {args.path}: {exc}", file=sys.stderr)
            return 2
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
            print(f"wrote {args.output}: answer its QUESTIONs, then put it in the folder SURVEILLANCE_LAYOUTS names")
        else:
            print(text, end="")
        return 0
    failed = 0
    for path in args.paths:
        report = check(Path(path), args.source, args.layout, args.sheet)
        print("\n".join(report.lines()))
        failed += bool(report.error or report.missing or report.refused)
    return 2 if failed else 0


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

    ing = sub.add_parser("ingest", help="ingest files; exit 2 if any file was rejected", description=(
        "Read, validate (Great Expectations) and load CSV (UTF-8 or GBK/GB18030), XLSX or JSON Lines files. "
        "Per file: rows read = loaded + quarantined + duplicate. The same file twice loads nothing; corrected "
        "records replace the stored ones and keep their previous version. Exit status 2 if any file was rejected."))
    ing.add_argument("--source", required=True, choices=SOURCES)
    ing.add_argument("paths", nargs="+", metavar="PATH")
    ing.add_argument("--json", action="store_true", help="print the run (per-file results, totals, Data Docs path) as JSON")
    ing.add_argument("--sheet", help="XLSX: read this sheet instead of the first")
    ing.add_argument("--day", type=_day, default=yesterday,
                     help="the day this run is for (default: yesterday); rows dated before it mark their days as revised")
    ing.add_argument("--today", type=_day, default=None, help="latest valid date in the data (default: the real today)")
    ing.add_argument("--layout", help="read every file with this sender layout instead of recognising it from the "
                                      "header (see 'surveillance layouts')")
    ing.add_argument("--sender", help="who sent the files (default: what each file's name declares, SOURCE_SENDER_DATE); "
                                      "a record is corrected only by files of the sender that sent it")
    ing.set_defaults(func=cmd_ingest)

    lay = sub.add_parser("layouts", help="sender layouts the ingest reads (list), or what a file gives (check)",
                         description="Sender layouts are profiles in surveillance/ingest/profiles/*.toml, one per "
                                     "national form or announcement template; the native layouts are the data contract's.")
    lays = lay.add_subparsers(dest="layouts_command")
    lays.add_parser("list", help="every layout: name, source, title, required fields")
    lc = lays.add_parser("check", help="which layout fits each file, which fields it gives, derives or lacks; exit 2 "
                                       "if any file fits none")
    lc.add_argument("paths", nargs="+", metavar="FILE")
    lc.add_argument("--source", choices=SOURCES, help="only this source's layouts (default: any)")
    lc.add_argument("--layout", help="check against this layout only")
    lc.add_argument("--sheet", help="XLSX: this sheet instead of the first")
    ld = lays.add_parser("draft", help="write a sender profile (TOML) for a file the ingest cannot read yet",
                         description="The profile holds the mapping inferred for each column (with its score and sample "
                                     "values), the nearest shipped layout whose rules it extends, and the questions left "
                                     "open. Answer them, then put the file in the folder SURVEILLANCE_LAYOUTS names.")
    ld.add_argument("path", metavar="FILE")
    ld.add_argument("--source", required=True, choices=SOURCES)
    ld.add_argument("--sheet", help="XLSX: this sheet instead of the first")
    ld.add_argument("-o", "--output", help="write the profile here (default: print it)")
    lay.set_defaults(func=cmd_layouts)

    sc = sub.add_parser("scan", help="scan injuries for clusters across products, places and weeks (not the nightly default)",
                        description="The expectation-based Poisson scan over the product tree x county zones x the last "
                                    "1-4 weeks (docs/detectors.md, 'Injury scan'). Prints the clusters it reports; "
                                    "stores nothing and sends nothing.")
    sc.add_argument("--day", type=_day, default=yesterday, help="the week evaluated is the last complete one on or "
                                                                  "before this day (default: yesterday)")
    sc.add_argument("--replicates", type=int, default=None, help="Monte Carlo replicates (default: injury_scan.replicates)")
    sc.add_argument("--json", action="store_true", help="the clusters as JSON")
    sc.set_defaults(func=cmd_scan)

    for name, func, text in (("detect", cmd_detect, "run the detectors for a day"),
                             ("alert", cmd_alert, "route signals and send the night's digests"),
                             ("run", cmd_run, "all stages for a day: ingest landed files, detect, alert")):
        sp = sub.add_parser(name, help=text)
        sp.add_argument("--day", type=_day, default=yesterday, help="YYYY-MM-DD (default: yesterday)")
        if name != "detect":
            sp.add_argument("--no-smtp", action="store_true", help="write .eml files only, even if SMTP is set up")
            sp.add_argument("--catch-up", action="store_true",
                            help="a backfilled day: digests never delivered before are sent marked 【补发】")
        if name == "run":
            sp.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                            help="if another run of the same day is going on, wait this long for it (default: stop at once, exit 3)")
        if name == "alert":
            sp.add_argument("--resend", action="store_true",
                            help="send the day's stored digests again, even those already delivered")
            sp.add_argument("--agency", help="with --resend: only this agency's digest (agency id)")
        sp.set_defaults(func=func)

    wk = sub.add_parser("weekly", help="the weekly risk summary for the provincial coordinating office (once a week)")
    wk.add_argument("--day", type=_day, default=yesterday,
                    help="summarise the last complete Monday-Sunday week on or before this day (default: yesterday)")
    wk.add_argument("--no-smtp", action="store_true", help="write the .eml only, even if SMTP is set up")
    wk.set_defaults(func=cmd_weekly)

    route = sub.add_parser("route", help="routing of signals to agencies")
    rs = route.add_subparsers(dest="route_command", required=True)
    rx = rs.add_parser("explain", help="why each agency got (or would get) a signal: every rule, matched or not")
    rx.add_argument("signal_id", type=_signal_id, help="the signal id, as in the digest (S000123) or a number")
    rx.set_defaults(func=cmd_route_explain)

    ep = sub.add_parser("episode", help="verification of episodes: list them, take a step, read the trail",
                        description=("An episode's verification: 待核查 -> 核查中 -> 已确认 / 已排除 (with --reason) -> "
                                     "已处置 (with --action) -> 已关闭. Each agency verifies what it was sent; the "
                                     "episode's overall state (PPV, baselines, the artefact rule) moves only by its lead "
                                     "agency (牵头) or the office. Every step is kept with who took it and when "
                                     "(docs/warning-levels.md: response deadlines by level; docs/console.md: the model)."))
    eps = ep.add_subparsers(dest="episode_command", required=True)
    el = eps.add_parser("list", help="episodes with their verification state and response deadline")
    el.add_argument("--state", help="only this state (e.g. 待核查)")
    el.add_argument("--overdue", action="store_true", help="only episodes past their response deadline")
    el.add_argument("--day", type=_day, help="the day deadlines are judged on (default: today)")
    el.add_argument("--agency", help="as this agency sees them (its own verification; default: the overall state)")
    ver = eps.add_parser("verify", help="take one step of the workflow")
    ver.add_argument("episode_id", type=int)
    ver.add_argument("--to", required=True, help="the state moved to: 核查中, 已确认, 已排除, 已处置 or 已关闭")
    ver.add_argument("--by", required=True, help="who takes the step (name or user)")
    ver.add_argument("--reason", help="for 已排除: 数据问题, 已知原因, 重复 or 偶然波动")
    ver.add_argument("--action", help="for 已处置: 风险警示, 下架/召回, 约谈, 立案, 标准修订建议 or 其他")
    ver.add_argument("--comment", help="free text kept in the trail")
    ver.add_argument("--agency", help="record it as this agency's verification (agencies.csv id); it moves the overall "
                                      "state only if the agency leads the episode. Default: the office's overall decision")
    pp = eps.add_parser("ppv", help="positive predictive value of the signals of verified episodes")
    pp.add_argument("--by", choices=("method", "level", "city"), default="method")
    et = eps.add_parser("trail", help="every step of one episode, oldest first")
    et.add_argument("episode_id", type=int)
    for command in (ver, et, pp):
        command.set_defaults(day=None)
    for command in (et, pp):
        command.set_defaults(agency=None)
    ep.set_defaults(func=cmd_episode)

    bl = sub.add_parser("baseline", help="weeks left out of later baselines (confirmed outbreaks): list, add, restore",
                        description=("Confirming an episode (已确认) leaves the weeks of its weekly count signals out of "
                                     "the injury detector's later Farrington baselines, so that one outbreak does not raise "
                                     "next year's threshold; sending it back to 核查中 restores them. The evaluated week "
                                     "and the three before it are never left out."))
    bls = bl.add_subparsers(dest="baseline_command", required=True)
    bll = bls.add_parser("list", help="the weeks left out, by series")
    bll.add_argument("--series", help="one series, as the signals name it (e.g. P0401|610300)")
    bll.add_argument("--all", action="store_true", help="restored exclusions too")
    ble = bls.add_parser("exclude", help="leave one week of one injury series out by hand")
    ble.add_argument("series", help="as the signals name it, e.g. P0401|610300 or P0401|province|severe")
    ble.add_argument("week", type=_day, help="the week's Monday (YYYY-MM-DD)")
    ble.add_argument("--by", required=True)
    ble.add_argument("--reason", required=True)
    blr = bls.add_parser("restore", help="put an excluded week back into the baselines")
    blr.add_argument("exclusion_id", type=int)
    blr.add_argument("--by", required=True)
    bl.set_defaults(func=cmd_baseline)

    from surveillance.console.commands import add_parsers as console_parsers

    console_parsers(sub)

    sub.add_parser("demo-check", help="are the demo's injected events among the signals?").set_defaults(
        func=cmd_demo_check)

    summ = sub.add_parser("summary", help="files, rows, signals and emails so far")
    summ.add_argument("--json", action="store_true")
    summ.set_defaults(func=cmd_summary)

    q = sub.add_parser("quarantine", help="quarantined rows and why")
    qs = q.add_subparsers(dest="q_command", required=True)
    ql = qs.add_parser("list", help="list quarantined rows with their reasons")
    ql.add_argument("--source", choices=SOURCES)
    ql.add_argument("--batch", type=int, help="only this ingest batch (file)")
    ql.add_argument("--limit", type=int, default=50)
    ql.add_argument("--raw", action="store_true", help="also print the raw row")
    ql.set_defaults(func=cmd_quarantine)
    qe = qs.add_parser("export", help="write quarantined rows with reasons to CSV (opens in Excel) or JSON Lines")
    qe.add_argument("--source", choices=SOURCES)
    qe.add_argument("--batch", type=int, help="only this ingest batch (file)")
    qe.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    qe.add_argument("-o", "--output", required=True, help="file to write")
    qe.set_defaults(func=cmd_quarantine_export)

    from surveillance.signals.methods.controls import TRANSFORMS, CusumControl, EarsControl, FarringtonControl, NbGlmControl
    from surveillance.signals.registry import series_methods

    fc, ec, cc, nc = FarringtonControl(), EarsControl(), CusumControl(), NbGlmControl()
    ds = sub.add_parser("detect-series", help="run a detector on your own series (CSV in, CSV out)", description=(
        "Input: a CSV with a 'date' column and one column per series (an empty cell is a missing count). "
        "Output: a long CSV date,series,observed,expected,threshold,alarm,score for the evaluated periods. "
        "Parameters carry the names of R's surveillance package (farringtonFlexible: b, w, alpha, noPeriods, "
        "weightsThreshold, pastWeeksNotIncluded, pThresholdTrend, thresholdMethod, limit54; earsC: baseline, "
        "minSigma, alpha; cusum: k, h, m, trans), so a result can be reproduced in R. Weekly series are assumed "
        "(52 periods a year). nb-glm: a negative-binomial GLM with trend and Fourier terms (MASS::glm.nb's fit), "
        "fitted on the periods before --last."))
    ds.add_argument("input", metavar="INPUT.csv")
    ds.add_argument("--method", required=True, choices=list(series_methods()),
                    help="one of the registry's methods that run on plain series")
    ds.add_argument("--output", required=True, metavar="OUT.csv")
    ds.add_argument("--last", type=int, help="evaluate only the last N periods (default: every period the method can)")
    ds.add_argument("--alpha", type=float, help=f"R's alpha (default {fc.alpha} for Farrington, 0.001 for C1/C2, 0.025 "
                    f"for C3, {nc.alpha} for nb-glm; for cusum the NegBin dispersion, default {cc.alpha})")
    ds.add_argument("--reference-weeks", choices=("date", "index"), default="date",
                    help="Farrington: pick each past year's reference week by calendar date, as R does for a series "
                    "built from dates (epochAsDate = TRUE; default), or by index, t - 52 i, as R does without dates")
    ds.add_argument("--b", type=int, help=f"Farrington: years back (default {fc.b})")
    ds.add_argument("--w", type=int, help=f"Farrington: half-width of the weeks window (default {fc.w})")
    ds.add_argument("--no-periods", type=int, help=f"Farrington: noPeriods, seasonal factor levels (default {fc.no_periods}; "
                    "10 for Noufaily)")
    ds.add_argument("--weights-threshold", type=float, help="Farrington: Anscombe residual above which weeks are "
                    f"down-weighted (default {fc.weights_threshold})")
    ds.add_argument("--past-weeks-not-included", type=int, help="Farrington: recent weeks left out of the fit (default: w)")
    ds.add_argument("--p-threshold-trend", type=float, help="Farrington: p-value under which the trend is kept "
                    f"(default {fc.p_threshold_trend})")
    ds.add_argument("--threshold-method", choices=("delta", "nbPlugin", "muan"),
                    help=f"Farrington: thresholdMethod (default {fc.threshold_method})")
    ds.add_argument("--limit54", type=int, nargs=2, metavar=("CASES", "PERIODS"),
                    help="Farrington: no alarm with fewer than CASES in the last PERIODS (default "
                    f"{fc.limit54[0]} {fc.limit54[1]})")
    ds.add_argument("--powertrans", choices=("2/3", "1/2", "none"), help=f"Farrington: power transform (delta; default "
                    f"{fc.powertrans})")
    ds.add_argument("--no-reweight", action="store_true", help="Farrington: reweight = FALSE")
    ds.add_argument("--no-trend", action="store_true", help="Farrington: trend = FALSE")
    ds.add_argument("--k", type=float, help=f"CUSUM: reference value k (default {cc.k})")
    ds.add_argument("--h", type=float, help=f"CUSUM: decision boundary h (default {cc.h})")
    ds.add_argument("--m", type=_cusum_m, help="CUSUM: reference mean, a number or 'glm' (R's Poisson GLM with an annual "
                    "harmonic fitted to the periods before --last); default: mean of the periods before --last")
    ds.add_argument("--trans", choices=TRANSFORMS, help=f"CUSUM: transformation of the counts (default {cc.trans}; alpha "
                    "is the negative-binomial dispersion of pearsonNegBin and anscombeNegBin)")
    ds.add_argument("--harmonics", type=int, help=f"NB-GLM: Fourier harmonics of the year (default {nc.harmonics})")
    ds.add_argument("--baseline", type=int, help=f"R's baseline: periods in the reference window (default {ec.baseline})")
    ds.add_argument("--min-sigma", type=float, help=f"R's minSigma: floor of the baseline sd (default {ec.min_sigma})")
    ds.set_defaults(func=cmd_detect_series)

    ev = sub.add_parser("evaluate", help="measure the detectors on simulated outbreaks (Noufaily et al. 2013, or "
                        "injury clusters on Shaanxi's lattice with --lattice)", description=(
        "Simulates Noufaily et al. (2013)'s 42 scenarios (negative-binomial weekly counts with trend and "
        "seasonality, 624 weeks, outbreaks of k standard deviations spread over 1-4 weeks), runs each method on "
        "the last 49 weeks and reports false-positive rate, probability of detection, sensitivity, specificity, "
        "positive predictive value, timeliness and POD in the first week, pooled and by scenario: a table here, "
        "evaluation.json and pod_fpr.png in the output folder. With --lattice: injury clusters of four shapes "
        "(one cell; a product group across a city; a product across neighbouring counties of two cities; serious "
        "cases only), 2-5 times the baseline for 1-3 weeks, on Shaanxi's counties and product tree with the demo's "
        "hospitals and seasons; the injury scan against the nightly default (Farrington per product x city with "
        "Benjamini-Hochberg): POD, false nights per night, PPV and weeks to detection; lattice_evaluation.json "
        "and lattice_pod.png. docs/detectors.md describes both designs."))
    ev.add_argument("--lattice", action="store_true", help="injury clusters on Shaanxi's lattice: the scan against "
                    "the nightly default (ignores --scenarios and --methods)")
    ev.add_argument("--null-replicates", type=int, default=999,
                    help="with --lattice: the scan's Monte Carlo replicates of the lattice's maximum (default 999)")
    ev.add_argument("--scenarios", type=_numbers, default=list(range(1, 43)), metavar="LIST",
                    help="scenario numbers, e.g. 1-42 (default) or 1,7,13")
    ev.add_argument("--replicates", type=int, help="simulated series per scenario (default 100), or with --lattice "
                    "baseline lattices, each with every cluster and a clean twin (default 20)")
    ev.add_argument("--seed", type=int, default=2013, help="random seed: the same seed gives the same series (default 2013)")
    ev.add_argument("--methods", help="comma-separated methods and settings (default: all; see evaluation.json's names)")
    ev.add_argument("--output-dir", help="folder for evaluation.json and pod_fpr.png (default: SURVEILLANCE_HOME/evaluation)")
    ev.set_defaults(func=cmd_evaluate)

    cfg = sub.add_parser("config", help="the settings in force and the detectors' tuning constants")
    cfg.add_subparsers(dest="cfg_command", required=True).add_parser(
        "show", help="print every setting (password hidden) and every tuning constant with what it does").set_defaults(
        func=cmd_config_show)

    ex = sub.add_parser("expectations", help="Great Expectations suites")
    exs = ex.add_subparsers(dest="ex_command", required=True)
    exs.add_parser("build", help="rewrite expectations/*.json from the contract and reference data").set_defaults(
        func=cmd_expectations)
    return p


EXIT_FAULT = 3  # the run could not complete for a reason outside the data (warehouse, disk, another run)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    from surveillance.safe_text import one_line
    from surveillance.settings import SettingsError

    try:
        return args.func(args)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        print(f"error: cannot write or read{one_line(where)}: {exc.strerror or exc}. Nothing recorded as done that was not; "
              "free the space (or fix the folder) and run again.", file=sys.stderr)
        return EXIT_FAULT
    except Exception as exc:
        if _loaded(exc, "surveillance.warehouse.lock", "LockBusy"):
            print(f"error: another process is running '{exc}' on this warehouse; nothing was done. Run again when it "
                  "has finished (re-running changes nothing that is already done).", file=sys.stderr)
            return EXIT_FAULT
        if not _loaded(exc, "sqlalchemy.exc", "OperationalError", "InterfaceError"):
            raise
        url = _safe_url(load_settings().db_url)
        print(f"error: the warehouse at {url} cannot be used: {one_line(str(exc.orig or exc).strip().splitlines()[0], 200)}. "
              "Nothing was lost: whatever did not commit is undone, and the next run takes it up.", file=sys.stderr)
        return EXIT_FAULT


def _loaded(exc: Exception, module: str, *names: str) -> bool:
    """Whether exc is one of module's exceptions ``names``, looked up only if the command loaded that module (an
    exception of a module never imported cannot have been raised), so that commands without a warehouse do
    not import SQLAlchemy."""
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(exc, tuple(getattr(loaded, name) for name in names))


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(the configured SURVEILLANCE_DB_URL)"


if __name__ == "__main__":
    sys.exit(main())
