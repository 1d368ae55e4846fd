"""`surveillance db upgrade`: the warehouse's schema."""

from __future__ import annotations

import argparse

from surveillance.settings import load_settings


def cmd_db(args: argparse.Namespace) -> int:
    from surveillance.warehouse.db import upgrade

    settings = load_settings()
    upgrade(settings.db_url, args.revision)
    print(f"warehouse at {settings.db_url} is at revision {args.revision}")
    return 0


def add_parsers(sub) -> None:
    """Add ``db``."""
    db = sub.add_parser("db", help="warehouse schema")
    dbs = db.add_subparsers(dest="db_command", required=True)
    up = dbs.add_parser("upgrade", help="create or migrate the warehouse schema (Alembic)")
    up.add_argument("--revision", default="head")
    up.set_defaults(func=cmd_db)
