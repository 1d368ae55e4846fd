"""`surveillance demo-data` and `surveillance demo-check`: the demo's files and whether its events were found."""

from __future__ import annotations

import argparse
import sys

from surveillance.commands.common import iso_day, yesterday
from surveillance.settings import load_settings


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


def add_parsers(sub) -> None:
    """Add ``demo-data`` and ``demo-check``."""
    demo = sub.add_parser("demo-data", help="write three years of demo files into the landing folders")
    demo.add_argument("--end", type=iso_day, default=yesterday(), help="last day of the demo (default: yesterday)")
    demo.add_argument("--seed", type=int, default=20151)
    demo.add_argument("--daily-days", type=int, default=14, help="days written as daily files per sender")
    demo.set_defaults(func=cmd_demo)

    sub.add_parser("demo-check", help="are the demo's injected events among the signals?").set_defaults(
        func=cmd_demo_check)
