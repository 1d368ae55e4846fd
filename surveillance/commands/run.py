"""`surveillance run`, `summary` and `config show`: a whole night by hand, what the warehouse holds, the settings in force."""

from __future__ import annotations

import argparse
import json

from surveillance.commands.common import add_day_option, add_delivery_options, delivery_status, safe_url
from surveillance.settings import load_settings


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
    sent = delivery_status(result["alert"])
    return sent or (2 if rejected else 0)


def _print_overdue(verification: dict) -> None:
    from surveillance.nightly import overdue_line

    line = overdue_line(verification)
    if line:
        print(line)


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


def cmd_config_show(args: argparse.Namespace) -> int:
    from surveillance.signals.detectors.tuning import describe
    from surveillance.signals.validate_output import RANGE_NIGHTS

    settings = load_settings()
    print("settings (environment variables SURVEILLANCE_*; see README):")
    from surveillance.settings import PLACEHOLDER_SALT

    for name, value in sorted(vars(settings).items()):
        if name == "pii_salt":  # a secret: say only whether one is set
            value = "(placeholder: demo and tests only)" if value == PLACEHOLDER_SALT else "(set, hidden)"
        print(f"  {name:<28} {safe_url(str(value)) if name == 'db_url' else value}")
    print("detector tuning (surveillance/signals/detectors/tuning.py):")
    for name, value, doc in describe():
        print(f"  {name:<38} {value!s:<8} {doc}")
    print(f"output check: each detector's count compared with its last {RANGE_NIGHTS} nights")
    return 0


def add_parsers(sub) -> None:
    """Add ``run``, ``summary`` and ``config``."""
    rn = sub.add_parser("run", help="all stages for a day: ingest landed files, detect, alert")
    add_day_option(rn)
    add_delivery_options(rn)
    rn.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                    help="if another run of the same day is going on, wait this long for it (default: stop at once, exit 3)")
    rn.set_defaults(func=cmd_run)

    summ = sub.add_parser("summary", help="files, rows, signals and emails so far")
    summ.add_argument("--json", action="store_true")
    summ.set_defaults(func=cmd_summary)

    cfg = sub.add_parser("config", help="the settings in force and the detectors' tuning constants")
    cfg.add_subparsers(dest="cfg_command", required=True).add_parser(
        "show", help="print every setting (password hidden) and every tuning constant with what it does").set_defaults(
        func=cmd_config_show)
