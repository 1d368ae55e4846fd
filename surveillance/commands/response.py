"""`surveillance episode` and `baseline`: verifying episodes and the weeks left out of later baselines."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from surveillance.commands.common import iso_day
from surveillance.settings import load_settings


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


def add_parsers(sub) -> None:
    """Add ``episode`` and ``baseline``."""
    from surveillance.response.groupings import GROUPINGS
    from surveillance.response.states import ACTIONS, DISMISSAL_REASONS, DISMISSED, HANDLED, PENDING, STATES

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
    el.add_argument("--day", type=iso_day, help="the day deadlines are judged on (default: today)")
    el.add_argument("--agency", help="as this agency sees them (its own verification; default: the overall state)")
    ver = eps.add_parser("verify", help="take one step of the workflow")
    ver.add_argument("episode_id", type=int)
    ver.add_argument("--to", required=True, help="the state moved to: " + ", ".join(s for s in STATES if s != PENDING))
    ver.add_argument("--by", required=True, help="who takes the step (name or user)")
    ver.add_argument("--reason", help=f"for {DISMISSED}: " + ", ".join(DISMISSAL_REASONS))
    ver.add_argument("--action", help=f"for {HANDLED}: " + ", ".join(ACTIONS))
    ver.add_argument("--comment", help="free text kept in the trail")
    ver.add_argument("--agency", help="record it as this agency's verification (agencies.csv id); it moves the overall "
                                      "state only if the agency leads the episode. Default: the office's overall decision")
    pp = eps.add_parser("ppv", help="positive predictive value of the signals of verified episodes")
    pp.add_argument("--by", choices=GROUPINGS, default=GROUPINGS[0])
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
    ble.add_argument("week", type=iso_day, help="the week's Monday (YYYY-MM-DD)")
    ble.add_argument("--by", required=True)
    ble.add_argument("--reason", required=True)
    blr = bls.add_parser("restore", help="put an excluded week back into the baselines")
    blr.add_argument("exclusion_id", type=int)
    blr.add_argument("--by", required=True)
    bl.set_defaults(func=cmd_baseline)
