"""Ingest benchmark: one CSV of 1,000,000 injury rows, validated (GX) and loaded into SQLite and PostgreSQL.

Each measurement runs in its own process so that its peak memory (max RSS) is its own. Reported:
wall time and rows/s end to end, seconds per stage (read, normalise, validate, load), the share of
the time spent in GX validation, and a bare ``pandas.read_csv`` of the same file as the reference.

    .venv/bin/python benchmarks/ingest_benchmark.py [--rows N] [--no-postgres] [--pg-url URL]

Targets (issue #3): >= 50,000 rows/s end to end, peak memory < 2 GB, PostgreSQL through COPY.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# the file's patients are made up: hash them with the demo's placeholder key (a real run refuses it)
os.environ.setdefault("SURVEILLANCE_ALLOW_PLACEHOLDER_SALT", "1")
TARGET_ROWS_PER_S = 50_000
TARGET_PEAK_MB = 2048


def _peak_mb() -> dict:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_mb": round(own, 1), "writer_peak_mb": round(children, 1)}


def measure_read_csv(path: Path) -> dict:
    import pandas as pd

    start = time.perf_counter()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    seconds = time.perf_counter() - start
    return {"rows": len(frame), "seconds": round(seconds, 2), **_peak_mb()}


def measure_ingest(path: Path, db_url: str, home: Path) -> dict:
    os.environ["SURVEILLANCE_DB_URL"] = db_url
    os.environ["SURVEILLANCE_HOME"] = str(home)
    from surveillance.ingest.run import ingest_files
    from surveillance.settings import load_settings
    from surveillance.warehouse.db import upgrade

    settings = load_settings()
    upgrade(settings.db_url)
    import great_expectations  # noqa: F401 - imported before the clock starts, as in a running worker

    start = time.perf_counter()
    run = ingest_files(settings, "injury", [path], today=date(2026, 11, 27),
                       progress=lambda n: print(f"  ... {n:,} rows", file=sys.stderr, flush=True))
    seconds = time.perf_counter() - start
    r = run.results[0]
    if r.status != "accepted":
        raise SystemExit(f"benchmark file rejected: {r.error}")
    return {"rows": r.rows_read, "loaded": r.rows_loaded, "quarantined": r.rows_quarantined, "duplicate": r.rows_duplicate,
            "seconds": round(seconds, 2), "rows_per_s": round(r.rows_read / seconds), "stages": r.seconds,
            "data_docs": str(run.data_docs), **_peak_mb()}


def _child(kind: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, *args], check=True, capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    sys.stderr.write(out.stderr[-2000:] if kind != "ingest" else "")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _fresh_postgres(url: str) -> str:
    """A database of its own (surveillance_bench) on the given server, emptied."""
    import psycopg

    base = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS surveillance_bench")
        conn.execute("CREATE DATABASE surveillance_bench")
    return base.rsplit("/", 1)[0] + "/surveillance_bench"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--workdir", type=Path, default=ROOT / "var" / "bench")
    p.add_argument("--pg-url", default=os.environ.get("SURVEILLANCE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    p.add_argument("--no-postgres", action="store_true")
    p.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        kind, *rest = args.child
        result = measure_read_csv(Path(rest[0])) if kind == "read_csv" else measure_ingest(Path(rest[0]), rest[1], Path(rest[2]))
        print(json.dumps(result))
        return 0

    sys.path.insert(0, str(ROOT))
    from benchmarks.injury_file import write_injury_csv

    args.workdir.mkdir(parents=True, exist_ok=True)
    path = args.workdir / f"injury_{args.rows}.csv"
    if not path.exists():
        print(f"writing {args.rows:,} injury rows to {path} ...", file=sys.stderr)
        write_injury_csv(path, args.rows)
    size_mb = path.stat().st_size / 2**20
    print(f"file: {path} ({size_mb:.0f} MB, {args.rows:,} rows)")

    results = {"file": str(path), "rows": args.rows, "size_mb": round(size_mb, 1)}
    results["read_csv"] = _child("read_csv", str(path))
    print(f"reference pandas.read_csv(dtype=str): {results['read_csv']['seconds']} s, peak {results['read_csv']['peak_mb']} MB")

    targets = [("sqlite", f"sqlite:///{args.workdir / 'bench.db'}")]
    if not args.no_postgres:
        targets.append(("postgresql", _fresh_postgres(args.pg_url)))
    for name, url in targets:
        if name == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{args.workdir / 'bench.db'}{suffix}").unlink(missing_ok=True)
        print(f"ingesting into {name} ...", file=sys.stderr)
        r = _child("ingest", str(path), url, str(args.workdir / f"home-{name}"))
        r["gx_share"] = round(r["stages"].get("validate", 0) / r["seconds"], 3)
        r["vs_read_csv"] = round(r["seconds"] / results["read_csv"]["seconds"], 2)
        r["gx_vs_read_csv"] = round(r["stages"].get("validate", 0) / results["read_csv"]["seconds"], 2)
        results[name] = r
        stages = ", ".join(f"{k} {v:.1f} s" for k, v in r["stages"].items())
        r["total_peak_mb"] = round(r["peak_mb"] + r["writer_peak_mb"], 1)  # an upper bound: the two peaks may not coincide
        print(f"{name:>10}: {r['seconds']} s = {r['rows_per_s']:,} rows/s (target {TARGET_ROWS_PER_S:,}: "
              f"{'met' if r['rows_per_s'] >= TARGET_ROWS_PER_S else 'NOT met'}); peak memory {r['total_peak_mb']} MB = "
              f"main {r['peak_mb']} + writer process {r['writer_peak_mb']} (target < {TARGET_PEAK_MB} MB: "
              f"{'met' if r['total_peak_mb'] < TARGET_PEAK_MB else 'NOT met'})")
        print(f"{'':>10}  read {r['rows']:,} = loaded {r['loaded']:,} + quarantined {r['quarantined']:,} + duplicate {r['duplicate']:,}")
        print(f"{'':>10}  stages (main process; loading overlaps the next chunk): {stages}")
        print(f"{'':>10}  GX validation: {r['gx_share']:.0%} of the run, {r['gx_vs_read_csv']}x a bare read_csv; "
              f"whole ingest {r['vs_read_csv']}x a bare read_csv")
    out = args.workdir / "ingest-results.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
