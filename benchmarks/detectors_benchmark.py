"""Detector benchmark: Farrington flexible, ours (the compiled engine) against R's surveillance::farringtonFlexible.

Data: all 16 salmNewport series (../shared/data/weekly-counts) and a synthetic set of 5,000 weekly series of
10 years (seasonal, over-dispersed counts); the last 52 weeks of each series are evaluated, with R's default
control and with the improved (Noufaily) control. R loops in R over series and weeks (about a hundred
series-weeks a second), so on the synthetic set it runs on a sample of the series (--r-sample) and its
throughput is measured there; ours runs on all of them and on the same sample. Both timings exclude start-up
and file reading; ours is the median of three runs. Thresholds are compared where both are defined.

    .venv/bin/python benchmarks/detectors_benchmark.py [--series 5000] [--r-sample 40]

Targets: at least 100x R's series-weeks per second for Farrington flexible (issue #4); 1,000x with the
improved control on the 5,000 synthetic series (issue #17). The compiled engine (farrington_compiled, the
default) is timed; the numpy engine (the reference it is tested against) beside it on the synthetic set.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from surveillance.signals.methods.controls import NOUFAILY_2013  # noqa: E402
from surveillance.signals.methods.farrington import FarringtonControl, farrington_flexible  # noqa: E402

SHARED = Path(os.environ.get("SURVEILLANCE_SHARED_DIR", ROOT.parent / "shared"))
LAST = 52
REPEATS = 3  # ours: the median of three runs (the first run of a size is ~25% slower: fresh memory, thread start)
CONTROLS = {
    "default": FarringtonControl(),
    "improved": replace(NOUFAILY_2013, b=4, alpha=0.1),  # R's ?farringtonFlexible control2, four years back
}


def synthetic(n_series: int, years: int = 10, seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    weeks = 52 * years
    t = np.arange(weeks)
    level = rng.lognormal(np.log(12), 0.9, n_series)[:, None]
    season = 1 + rng.uniform(0, 0.6, n_series)[:, None] * np.cos(2 * np.pi * (t[None, :] - rng.integers(0, 52, n_series)[:, None]) / 52)
    trend = np.exp(rng.normal(0, 0.0008, n_series)[:, None] * t[None, :])
    mean = level * season * trend
    size = rng.uniform(2, 20, n_series)[:, None]
    counts = rng.negative_binomial(size, size / (size + mean))
    dates = pd.date_range("2016-01-04", periods=weeks, freq="W-MON").strftime("%Y-%m-%d")
    names = [f"s{i:05d}" for i in range(n_series)]
    return pd.DataFrame(counts.T, columns=names).assign(date=dates)[["date", *names]]


def run_r(path: Path, setting: str, prefix: Path) -> tuple[float, int, np.ndarray]:
    out = subprocess.run(["Rscript", str(ROOT / "benchmarks" / "r" / "farrington_timing.R"), str(path), str(LAST), setting, str(prefix)],
                         check=True, capture_output=True, text=True)
    seconds, series_weeks = out.stdout.split()
    upper = pd.read_csv(f"{prefix}_upperbound.csv").to_numpy(dtype=float).T
    return float(seconds), int(series_weeks), upper


def run_ours(frame: pd.DataFrame, setting: str, engine: str = "compiled") -> tuple[float, int, np.ndarray]:
    counts = frame.drop(columns="date").to_numpy(dtype=float).T
    farrington_flexible(counts[:2], CONTROLS[setting], last=LAST, engine=engine)  # warm-up (imports, first allocations)
    seconds = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = farrington_flexible(counts, CONTROLS[setting], last=LAST, engine=engine)
        seconds.append(time.perf_counter() - start)
    return float(np.median(seconds)), counts.shape[0] * LAST, result.threshold


def agreement(ours: np.ndarray, theirs: np.ndarray) -> str:
    both = ~np.isnan(ours) & ~np.isnan(theirs)
    rel = np.abs(ours[both] - theirs[both]) / np.maximum(np.abs(theirs[both]), 1e-9)
    same_nan = (np.isnan(ours) == np.isnan(theirs)).mean()
    return f"{both.sum()} thresholds compared, worst relative difference {rel.max(initial=0):.1e}, defined in the same places {same_nan:.2%}"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--series", type=int, default=5000)
    p.add_argument("--r-sample", type=int, default=40)
    p.add_argument("--workdir", type=Path, default=ROOT / "var" / "bench")
    args = p.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = []
    salm = pd.read_csv(SHARED / "data" / "weekly-counts" / "salmNewport.csv")
    synth = synthetic(args.series)
    sample = synth.iloc[:, : args.r_sample + 1]
    sample_path = args.workdir / "synthetic_sample.csv"
    sample.to_csv(sample_path, index=False)
    salm_path = SHARED / "data" / "weekly-counts" / "salmNewport.csv"
    for setting in CONTROLS:
        r_sec, r_sw, r_upper = run_r(salm_path, setting, args.workdir / f"r_salm_{setting}")
        o_sec, o_sw, o_upper = run_ours(salm, setting)
        results.append(dict(data="salmNewport (16 series)", setting=setting, r_sw_per_s=r_sw / r_sec, ours_sw_per_s=o_sw / o_sec,
                            r_seconds=r_sec, ours_seconds=o_sec, agreement=agreement(o_upper, r_upper)))
        r_sec, r_sw, r_upper = run_r(sample_path, setting, args.workdir / f"r_synth_{setting}")
        s_sec, s_sw, s_upper = run_ours(sample, setting)
        o_sec, o_sw, o_upper = run_ours(synth, setting)
        n_sec, n_sw, n_upper = run_ours(synth, setting, engine="numpy")
        results.append(dict(data=f"synthetic: R on {args.r_sample} series, ours on {args.series}", setting=setting,
                            r_sw_per_s=r_sw / r_sec, ours_sw_per_s=o_sw / o_sec, ours_sample_sw_per_s=s_sw / s_sec,
                            numpy_engine_sw_per_s=n_sw / n_sec, r_seconds=r_sec, ours_seconds=o_sec,
                            agreement=agreement(s_upper, r_upper), engines=agreement(o_upper, n_upper)))
    print(f"Farrington flexible, last {LAST} weeks evaluated per series (series-weeks per second)")
    for r in results:
        ratio = r["ours_sw_per_s"] / r["r_sw_per_s"]
        target = 1000 if r["setting"] == "improved" else 100
        print(f"  {r['data']:<42} {r['setting']:<9} R {r['r_sw_per_s']:>8,.0f}/s  ours {r['ours_sw_per_s']:>10,.0f}/s  "
              f"ratio {ratio:>6,.0f}x (target {target:,}x: {'met' if ratio >= target else 'NOT met'})")
        print(f"  {'':<42} {'':<9} against R: {r['agreement']}")
        if "engines" in r:
            print(f"  {'':<42} {'':<9} the numpy engine {r['numpy_engine_sw_per_s']:,.0f}/s "
                  f"({r['ours_sw_per_s'] / r['numpy_engine_sw_per_s']:.1f}x slower); against it: {r['engines']}")
        r["ratio"] = ratio
    out = args.workdir / "detectors-results.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
