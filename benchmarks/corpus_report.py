"""Every layout of the corpus of real senders' files (tests/ingest/corpus/) read as the nightly ingest reads it,
against what a correct reading yields: files read / refused, records right / wrong / quarantined / missing, the
derivations used, and the fail-safe bar (no failure stored as a pass, no banned-substance detection lost).

    .venv/bin/python benchmarks/corpus_report.py [--json] [-v]

Each case runs in a fresh SQLite warehouse. A refusal a case expects (a file that does not say what it is) counts
as right; a refusal it does not expect counts its records as missing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SURVEILLANCE_ALLOW_PLACEHOLDER_SALT", "1")  # made-up patients, hashed with the demo's key
TODAY = date(2026, 11, 27)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the totals as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="explain every case that is not right")
    args = parser.parse_args()
    import logging

    logging.disable(logging.WARNING)
    from surveillance.settings import load_settings
    from surveillance.warehouse.db import get_engine, upgrade
    from tests.ingest.corpus import all_cases, read_case

    cases = all_cases()
    totals: Counter = Counter()
    derived: Counter = Counter()
    lines = []
    for n, case in enumerate(cases, 1):
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["SURVEILLANCE_HOME"] = str(Path(tmp) / "var")
            os.environ["SURVEILLANCE_DB_URL"] = f"sqlite:///{tmp}/warehouse.db"
            upgrade(load_settings().db_url)
            outcome = read_case(case, Path(tmp) / "landing", get_engine(load_settings().db_url), TODAY)
        print(f"\r[{n}/{len(cases)}] {case.name:<48}", end="", file=sys.stderr, flush=True)
        refused_right = case.refuse is not None and outcome.ok
        totals["files"] += 1
        totals["files refused"] += outcome.status == "rejected"
        totals["refusals expected"] += case.refuse is not None
        totals["refusals right"] += refused_right
        totals["records expected"] += len(case.expect) if case.refuse is None else 0
        totals["records right"] += outcome.right
        totals["records wrong"] += len(outcome.wrong)
        totals["records missing (quarantined or refused)"] += len(outcome.missing) if case.refuse is None else 0
        totals["records no correct reading yields"] += len(outcome.extra)
        totals["rows quarantined"] += outcome.quarantined
        totals["rows a correct reading quarantines"] += case.quarantined
        totals["cases right"] += outcome.ok
        derived.update(outcome.derivations)
        if not outcome.ok:
            lines.append(outcome.explain())
    print(file=sys.stderr)
    share = totals["records right"] / totals["records expected"] if totals["records expected"] else 0.0
    report = {**totals, "share of records right": round(share, 4), "derivations": dict(derived.most_common())}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(f"corpus: {totals['files']} files ({len({c.name.split('-')[0] for c in cases})} sources), "
              f"{totals['cases right']} read right")
        print(f"files refused: {totals['files refused']} (refusals expected {totals['refusals expected']}, "
              f"right {totals['refusals right']})")
        print(f"records: expected {totals['records expected']}, right {totals['records right']} ({share:.1%}), "
              f"wrong {totals['records wrong']}, missing {totals['records missing (quarantined or refused)']}, "
              f"not in a correct reading {totals['records no correct reading yields']}")
        print(f"rows quarantined: {totals['rows quarantined']} (a correct reading quarantines "
              f"{totals['rows a correct reading quarantines']})")
        print("derivations used (records): " + ", ".join(f"{k} {v}" for k, v in derived.most_common()))
        if args.verbose and lines:
            print("\n".join(lines))
    return 0 if totals["cases right"] == totals["files"] else 1


if __name__ == "__main__":
    sys.exit(main())
