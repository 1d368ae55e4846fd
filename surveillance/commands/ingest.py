"""`surveillance ingest`, `layouts`, `quarantine` and `expectations`: reading senders' files and what they gave."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from surveillance.commands.common import iso_day, yesterday
from surveillance.settings import SOURCES, load_settings


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
    from surveillance.ingest.validate.quality import batch_warnings
    from surveillance.warehouse.db import get_engine

    ids = [r.batch_id for r in run.results if r.status == "accepted" and not r.already_ingested and r.batch_id]
    for w in batch_warnings(get_engine(settings.db_url), ids) if ids else []:
        print(w.line(), file=sys.stderr if args.json else sys.stdout)
    return 2 if run.rejected else 0


def cmd_layouts(args: argparse.Namespace) -> int:
    from surveillance.ingest.layouts.check import check, listing

    if args.layouts_command in (None, "list"):
        print("\n".join(listing()))
        return 0
    if args.layouts_command == "draft":
        from surveillance.ingest.layouts.draft import draft
        from surveillance.ingest.read import FileRejected

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


def cmd_quarantine(args: argparse.Namespace) -> int:
    from surveillance.ingest.load.quarantine import quarantined_rows, reason_text
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
    from surveillance.ingest.load.quarantine import export, quarantined_rows

    rows = quarantined_rows(load_settings(), source=args.source, batch_id=args.batch, limit=None)
    out = Path(args.output)
    export(rows, out, args.format)
    print(f"wrote {len(rows)} quarantined row(s) to {out}")
    return 0


def cmd_expectations(args: argparse.Namespace) -> int:
    from surveillance.ingest.validate.suites import write_suites

    for path in write_suites():
        print(f"wrote {path}")
    return 0


def add_parsers(sub) -> None:
    """Add ``ingest``, ``layouts``, ``quarantine`` and ``expectations``."""
    ing = sub.add_parser("ingest", help="ingest files; exit 2 if any file was rejected", description=(
        "Read, validate (Great Expectations) and load CSV (UTF-8 or GBK/GB18030), XLSX or JSON Lines files. "
        "Per file: rows read = loaded + quarantined + duplicate. The same file twice loads nothing; corrected "
        "records replace the stored ones and keep their previous version. Exit status 2 if any file was rejected."))
    ing.add_argument("--source", required=True, choices=SOURCES)
    ing.add_argument("paths", nargs="+", metavar="PATH")
    ing.add_argument("--json", action="store_true", help="print the run (per-file results, totals, Data Docs path) as JSON")
    ing.add_argument("--sheet", help="XLSX: read this sheet instead of the first")
    ing.add_argument("--day", type=iso_day, default=yesterday(),
                     help="the day this run is for (default: yesterday); rows dated before it mark their days as revised")
    ing.add_argument("--today", type=iso_day, default=None, help="latest valid date in the data (default: the real today)")
    ing.add_argument("--layout", help="read every file with this sender layout instead of recognising it from the "
                                      "header (see 'surveillance layouts')")
    ing.add_argument("--sender", help="who sent the files (default: what each file's name declares, SOURCE_SENDER_DATE); "
                                      "a record is corrected only by files of the sender that sent it")
    ing.set_defaults(func=cmd_ingest)

    lay = sub.add_parser("layouts", help="sender layouts the ingest reads (list), or what a file gives (check)",
                         description="Sender layouts are profiles in surveillance/ingest/layouts/profiles/*.toml, one per "
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

    ex = sub.add_parser("expectations", help="Great Expectations suites")
    exs = ex.add_subparsers(dest="ex_command", required=True)
    exs.add_parser("build", help="rewrite expectations/*.json from the contract and reference data").set_defaults(
        func=cmd_expectations)
