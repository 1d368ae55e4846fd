"""What several areas' commands share: argument types, the night's common options, exit statuses."""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta


def iso_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def yesterday() -> date:
    """The default day of the commands that work on a day."""
    return date.today() - timedelta(days=1)


def add_day_option(parser: argparse.ArgumentParser) -> None:
    """``--day``, as ``detect``, ``alert`` and ``run`` take it."""
    parser.add_argument("--day", type=iso_day, default=yesterday(), help="YYYY-MM-DD (default: yesterday)")


def add_delivery_options(parser: argparse.ArgumentParser) -> None:
    """``--no-smtp`` and ``--catch-up``: how ``alert`` and ``run`` send the night's digests."""
    parser.add_argument("--no-smtp", action="store_true", help="write .eml files only, even if SMTP is set up")
    parser.add_argument("--catch-up", action="store_true",
                        help="a backfilled day: digests never delivered before are sent marked 【补发】")


EXIT_NOTHING_SENT = 4  # digests were due and none reached anybody (they stay queued and are retried)


def delivery_status(result: dict) -> int:
    """Say so, and exit EXIT_NOTHING_SENT, when every digest handed over tonight failed."""
    if result.get("refused_addresses"):
        print(f"warning: {len(result['refused_addresses'])} address(es) refused for good: "
              + "; ".join(result["refused_addresses"][:5]), file=sys.stderr)
    if result.get("nothing_went_out"):
        print(f"error: nothing went out: {result['attempted']} digest(s) handed over, none delivered; they stay "
              "queued and are retried by the next run (see the deliveries ledger's last_error)", file=sys.stderr)
        return EXIT_NOTHING_SENT
    return 0


def safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(the configured SURVEILLANCE_DB_URL)"


def list_in_order(sub: argparse._SubParsersAction, names: tuple[str, ...]) -> None:
    """Have --help list the commands in this order rather than in the order the areas added them (argparse lists
    them as added, and one area's commands are not all neighbours there); a command not named comes last."""
    rank = {name: n for n, name in enumerate(names)}
    ordered = sorted(sub.choices.items(), key=lambda item: rank.get(item[0], len(rank)))
    sub.choices.clear()  # the same dict argparse looks the command up in: reordered in place
    sub.choices.update(ordered)
    sub._choices_actions.sort(key=lambda action: rank.get(action.dest, len(rank)))
