"""`surveillance detect-series` end to end against R, per series-week, start-up included (issue #17, part 4).

Writes 560 dated weekly series of 12 years (Noufaily et al. 2013's design, ``surveillance.evaluation``) to one
wide CSV, then times, each as its own process from start to exit:

- ``surveillance detect-series IN.csv --method farrington-flexible`` with the improved control (alpha 0.01),
  the last 49 weeks of every series, writing its long CSV;
- the same with ``--method farrington-accumulated`` (the candidate default, on the same baseline), for its
  cost beside Farrington's;
- ``Rscript`` running ``farringtonFlexible`` with the same control on the first ``--r-sample`` series (R
  loops over series and weeks at about a hundred series-weeks a second, so all 560 would take minutes).

R's time for all the series is its start-up and file reading plus its fitting time scaled from the sample
to every series; the ratio is that over ours (the median of three runs of each command). Upper bounds are
compared on the sample.

    .venv/bin/python benchmarks/detect_series_benchmark.py [--series 560] [--r-sample 40]

Target (issue #17): ours at least 200x R per series-week.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from surveillance.evaluation.scenarios import EVALUATED, scenarios, simulate
from surveillance.signals.methods.controls import NOUFAILY_2013

HERE = Path(__file__).resolve().parent
# Noufaily's settings (controls.NOUFAILY_2013) as detect-series options, at the nightly level
IMPROVED = [arg for name in ("b", "w", "no_periods", "weights_threshold", "past_weeks_not_included", "p_threshold_trend",
                             "threshold_method") for arg in (f"--{name.replace('_', '-')}", str(getattr(NOUFAILY_2013, name)))]
IMPROVED += ["--alpha", "0.01"]


def series_csv(path: Path, count: int, seed: int = 17) -> None:
    """``count`` dated series, drawn in turn from the 42 scenarios."""
    chosen = scenarios()
    per = -(-count // len(chosen))
    sims = [simulate(sc, per, seed) for sc in chosen]
    columns = np.concatenate([s.counts for s in sims])[:count]
    frame = pd.DataFrame(columns.T, columns=[f"s{i:03d}" for i in range(count)])
    frame.insert(0, "date", [d.isoformat() for d in sims[0].dates])
    frame.to_csv(path, index=False)


def timed(command: list[str], repeats: int = 3) -> float:
    """The median wall time of ``repeats`` runs of a process, start to exit."""
    seconds = []
    for _ in range(repeats):
        began = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        seconds.append(time.perf_counter() - began)
    return float(np.median(seconds))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--series", type=int, default=560)
    parser.add_argument("--r-sample", type=int, default=40)
    args = parser.parse_args()
    rscript = shutil.which("Rscript")
    if rscript is None:
        print("Rscript not found: apt-get install -y r-cran-surveillance", file=sys.stderr)
        return 2
    cli = str(Path(sys.executable).with_name("surveillance"))
    weeks = args.series * EVALUATED
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "series.csv"
        series_csv(data, args.series)
        ours = {}
        for method in ("farrington-flexible", "farrington-accumulated"):
            extra = IMPROVED if method == "farrington-flexible" else ["--alpha", "0.01"]
            ours[method] = timed([cli, "detect-series", str(data), "--method", method, "--last", str(EVALUATED),
                                  "--output", str(folder / f"{method}.csv"), *extra])
        startup = timed([cli, "--help"])
        began = time.perf_counter()
        out = subprocess.run([rscript, str(HERE / "r" / "detect_series_timing.R"), str(data), str(EVALUATED),
                              str(args.r_sample), str(folder / "r.csv")], check=True, capture_output=True, text=True)
        r_wall = time.perf_counter() - began
        load, fit = (float(v) for v in out.stdout.split())
        r_total = (r_wall - fit) + fit * args.series / args.r_sample
        theirs = pd.read_csv(folder / "r.csv").to_numpy(dtype=float)
        mine = pd.read_csv(folder / "farrington-flexible.csv")
        mine = mine.pivot(index="date", columns="series", values="threshold").to_numpy(dtype=float)[:, : args.r_sample]
        both = np.isfinite(theirs) & np.isfinite(mine)
        gap = float(np.max(np.abs(theirs[both] - mine[both]))) if both.any() else float("nan")
    print(f"{args.series} dated series x {EVALUATED} weeks = {weeks:,} series-weeks (improved Farrington, alpha 0.01)")
    print(f"R: start-up and reading {r_wall - fit:.1f} s (library and CSV {load:.1f} s), fitting {fit:.1f} s for "
          f"{args.r_sample} series -> {r_total:.0f} s for all ({weeks / r_total:,.0f} series-weeks/s)")
    print(f"ours: `surveillance --help` alone {startup:.2f} s")
    for method, seconds in ours.items():
        print(f"ours detect-series --method {method}: {seconds:.2f} s ({weeks / seconds:,.0f} series-weeks/s, "
              f"{r_total / seconds:,.0f}x R)")
    print(f"thresholds where both give one ({int(both.sum())} series-weeks): largest difference {gap:.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
