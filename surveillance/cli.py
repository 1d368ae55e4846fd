"""The ``surveillance`` command line: every stage of the nightly DAG, runnable by hand."""

from __future__ import annotations

import argparse
import logging
import sys

from surveillance.commands import alerts, demo, detect, ingest, response, run, warehouse
from surveillance.commands.common import list_in_order, safe_url
from surveillance.settings import load_settings

HELP_ORDER = ("db", "demo-data", "ingest", "layouts", "scan", "detect", "alert", "run", "weekly", "route", "episode",
              "baseline", "serve", "users", "demo-check", "summary", "quarantine", "detect-series", "evaluate", "config",
              "expectations")  # the order --help lists the commands in


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="surveillance", description=(
        "Product-injury and quality-risk surveillance: ingest, detect, alert. Settings come from "
        "SURVEILLANCE_HOME (default ./var), SURVEILLANCE_DB_URL (default SQLite under it), "
        "SURVEILLANCE_CONTACTS and SURVEILLANCE_PII_SALT."))
    sub = p.add_subparsers(dest="command", required=True)
    for area in (warehouse, demo, ingest, detect, alerts, run, response):
        area.add_parsers(sub)
    from surveillance.console.commands import add_parsers as console_parsers

    console_parsers(sub)
    list_in_order(sub, HELP_ORDER)
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
        url = safe_url(load_settings().db_url)
        print(f"error: the warehouse at {url} cannot be used: {one_line(str(exc.orig or exc).strip().splitlines()[0], 200)}. "
              "Nothing was lost: whatever did not commit is undone, and the next run takes it up.", file=sys.stderr)
        return EXIT_FAULT


def _loaded(exc: Exception, module: str, *names: str) -> bool:
    """Whether exc is one of module's exceptions ``names``, looked up only if the command loaded that module (an
    exception of a module never imported cannot have been raised), so that commands without a warehouse do
    not import SQLAlchemy."""
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(exc, tuple(getattr(loaded, name) for name in names))


if __name__ == "__main__":
    sys.exit(main())
