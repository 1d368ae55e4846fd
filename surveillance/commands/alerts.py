"""`surveillance alert`, `weekly` and `route explain`: the night's digests, the weekly summary and why a signal went where."""

from __future__ import annotations

import argparse
import json
import sys

from surveillance.commands.common import add_day_option, add_delivery_options, delivery_status, iso_day, yesterday
from surveillance.settings import load_settings
from surveillance.signals.signal import signal_id_of


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
    return delivery_status(result)


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


def _signal_id(text: str) -> int:
    try:
        return signal_id_of(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a signal id: {text!r} (expected S000123 or 123)") from None


def add_parsers(sub) -> None:
    """Add ``alert``, ``weekly`` and ``route``."""
    al = sub.add_parser("alert", help="route signals and send the night's digests")
    add_day_option(al)
    add_delivery_options(al)
    al.add_argument("--resend", action="store_true", help="send the day's stored digests again, even those already delivered")
    al.add_argument("--agency", help="with --resend: only this agency's digest (agency id)")
    al.set_defaults(func=cmd_alert)

    wk = sub.add_parser("weekly", help="the weekly risk summary for the provincial coordinating office (once a week)")
    wk.add_argument("--day", type=iso_day, default=yesterday(),
                    help="summarise the last complete Monday-Sunday week on or before this day (default: yesterday)")
    wk.add_argument("--no-smtp", action="store_true", help="write the .eml only, even if SMTP is set up")
    wk.set_defaults(func=cmd_weekly)

    route = sub.add_parser("route", help="routing of signals to agencies")
    rs = route.add_subparsers(dest="route_command", required=True)
    rx = rs.add_parser("explain", help="why each agency got (or would get) a signal: every rule, matched or not")
    rx.add_argument("signal_id", type=_signal_id, help="the signal id, as in the digest (S000123) or a number")
    rx.set_defaults(func=cmd_route_explain)
