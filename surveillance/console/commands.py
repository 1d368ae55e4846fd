"""`surveillance serve` and `surveillance users ...`: the console's commands, added to the main parser."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from surveillance.settings import load_settings

DEMO_USERS = (  # (username, role, agency, display name): the office, an analyst and one agency's staff
    ("office", "coordinator", None, "省质量强省办工作人员（演示）"),
    ("analyst", "analyst", None, "监测分析员（演示）"),
    ("sx-scjg", "agency", "SX-SCJG", "省市场监管局工作人员（演示）"),
)
DEFAULT_PORT = 8765


def _engine():
    from surveillance.warehouse.db import get_engine

    return get_engine(load_settings().db_url)


def _read_password(args: argparse.Namespace) -> tuple[str, bool]:
    """(password, generated): from stdin, generated, or asked twice at the terminal."""
    from surveillance.console.accounts import new_password

    if args.generate:
        return new_password(), True
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    if not sys.stdin.isatty():
        raise SystemExit("error: no terminal to ask for the password: use --password-stdin or --generate")
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise SystemExit("error: the two passwords differ; nothing changed")
    return first, False


def cmd_users(args: argparse.Namespace) -> int:
    from surveillance.console import accounts

    engine = _engine()
    try:
        if args.users_command == "add":
            password, generated = _read_password(args)
            user = accounts.add(engine, args.username, args.role, password, args.name or "", args.agency,
                                args.patient_records)
            print(f"user {user.username} added: {user.role}" + (f" of {user.agency_id}" if user.agency_id else "")
                  + f", patient-level records {'yes' if user.patient_records else 'no'}")
            if generated:
                print(f"password: {password}  (shown once; change it with `surveillance users password {user.username}`)")
        elif args.users_command == "password":
            password, generated = _read_password(args)
            accounts.set_password(engine, args.username, password)
            print(f"password of {args.username} changed; its open sessions ended")
            if generated:
                print(f"password: {password}  (shown once)")
        elif args.users_command == "disable":
            accounts.disable(engine, args.username)
            print(f"user {args.username} disabled; its open sessions ended (its steps stay in the trails)")
        elif args.users_command == "demo":
            return _demo_users(engine)
        else:
            rows = accounts.listing(engine)
            for u in rows:
                print(f"{u.username:<20} {u.role:<12} {u.agency_id or '-':<12} records {'yes' if u.patient_records else 'no ':<4}"
                      f" {'active' if u.active else 'disabled ' + f'{u.disabled_at:%Y-%m-%d}'}  {u.display_name}")
            print(f"{len(rows)} user(s)", file=sys.stderr)
    except accounts.AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _demo_users(engine) -> int:
    """Create the demo's two accounts once, keep their generated passwords in a file only the owner reads,
    and say how to log in (a password changed since is not printed: it is no longer the generated one)."""
    from surveillance.console import accounts

    settings = load_settings()
    path = settings.home / "demo-users.txt"
    known = dict(line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines() if "\t" in line) \
        if path.exists() else {}
    existing = {u.username for u in accounts.listing(engine)}
    for username, role, agency, name in DEMO_USERS:
        if username not in existing:
            known[username] = accounts.new_password()
            accounts.add(engine, username, role, known[username], name, agency)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.writelines(f"{u}\t{p}\n" for u, p in known.items())
    print("demo users of the web console (change a password: surveillance users password NAME):")
    for username, role, agency, _name in DEMO_USERS:
        password = known.get(username)
        shown = password if password and accounts.password_matches(engine, username, password) else "(changed since; yours)"
        print(f"  {username:<10} {role}{' of ' + agency if agency else ''}: password {shown}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from surveillance.console.app import create_app

    settings = load_settings()
    print(f"web console on http://{args.host}:{args.port}/ (warehouse {settings.db_url.split('://')[0]}; Ctrl-C stops it)")
    if not settings.base_url:
        print(f"digests link to the console once SURVEILLANCE_BASE_URL is set (e.g. http://{args.host}:{args.port})")
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning")
    return 0


def add_parsers(sub) -> None:
    """Add ``serve`` and ``users`` to the main command line."""
    from surveillance.console.roles import ROLES

    sv = sub.add_parser("serve", help="the web console: signals, evidence, verification (open it in a browser)",
                        description=("Serves the console over the warehouse (SURVEILLANCE_DB_URL). Log in with an account "
                                     "made by `surveillance users add` (the demo's: `surveillance users demo`). Everything "
                                     "it needs is served locally: it works without internet."))
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    sv.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
    sv.set_defaults(func=cmd_serve)

    us = sub.add_parser("users", help="accounts of the web console: add, list, disable, change a password",
                        description=("Roles: coordinator (the provincial office) and analyst see every signal and "
                                     "patient-level records; agency staff (--agency) see and verify only the signals sent "
                                     "to their agency, and patient-level records only with --patient-records. Passwords "
                                     "are stored as argon2id hashes."))
    uss = us.add_subparsers(dest="users_command", required=True)
    ua = uss.add_parser("add", help="create an account")
    ua.add_argument("username")
    ua.add_argument("--role", required=True, choices=tuple(ROLES))
    ua.add_argument("--agency", help="the agency id (agencies.csv) of agency staff, e.g. SX-SCJG or 610100-WJW")
    ua.add_argument("--name", help="the name shown in the console (default: the username)")
    records = ua.add_mutually_exclusive_group()
    records.add_argument("--patient-records", dest="patient_records", action="store_true", default=None,
                         help="may read case-level injury records (default: yes for coordinator and analyst, no for agency)")
    records.add_argument("--no-patient-records", dest="patient_records", action="store_false")
    up = uss.add_parser("password", help="change an account's password (its sessions end)")
    up.add_argument("username")
    for command in (ua, up):
        how = command.add_mutually_exclusive_group()
        how.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
        how.add_argument("--generate", action="store_true", help="generate one and print it once")
    ud = uss.add_parser("disable", help="stop an account logging in (the row and its trail entries stay)")
    ud.add_argument("username")
    uss.add_parser("list", help="every account with role, agency and whether active")
    uss.add_parser("demo", help="create the demo's analyst and agency accounts (once) and print their passwords")
    us.set_defaults(func=cmd_users)
