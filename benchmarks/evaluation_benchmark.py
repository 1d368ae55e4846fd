"""Our methods and R's on the same simulated series (Noufaily et al. 2013's 42 scenarios), side by side.

Simulates the scenarios (``surveillance.evaluation``), runs our methods in this process and R's
(farringtonFlexible original and improved, earsC C1-C3, glrnb) on the very same series in one R session
(benchmarks/r/evaluation.R, series built from their dates), scores both with the same code, and prints
POD, FPR, sensitivity, specificity, PPV, timeliness, POD in the first week and seconds for each. R takes
minutes per few hundred series: ``--replicates`` sets the series per scenario (default 5 for R; ours run on
the same ones).

    .venv/bin/python benchmarks/evaluation_benchmark.py [--replicates 5] [--seed 2013] [--scenarios 1-42]
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

from surveillance.evaluation.metrics import Counts, score
from surveillance.evaluation.run import CONTENDERS, evaluate, format_table
from surveillance.evaluation.scenarios import EVALUATED, WEEKS, scenarios, simulate

HERE = Path(__file__).resolve().parent
R_METHODS = ["farrington-original", "farrington-improved", "farrington-improved-0.01", "ears-c1", "ears-c2", "ears-c3",
             "glrnb"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicates", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--scenarios", default="1-42")
    args = parser.parse_args()
    low, _, high = args.scenarios.partition("-")
    chosen = [s for s in scenarios() if int(low) <= s.number <= int(high or low)]
    rscript = shutil.which("Rscript")
    if rscript is None:
        print("Rscript not found: apt-get install -y r-cran-surveillance", file=sys.stderr)
        return 2
    ours = evaluate(list(CONTENDERS.values()), chosen, args.replicates, args.seed)
    print("== ours (this process) ==")
    print(format_table(ours))
    offset = WEEKS - EVALUATED
    with tempfile.TemporaryDirectory() as tmp:
        folder, out = Path(tmp) / "in", Path(tmp) / "out"
        folder.mkdir()
        out.mkdir()
        sims = {}
        for sc in chosen:
            sim = simulate(sc, args.replicates, args.seed)
            sims[sc.number] = sim
            frame = pd.DataFrame(sim.counts.T, columns=[f"s{i}" for i in range(args.replicates)])
            frame.insert(0, "date", [d.isoformat() for d in sim.dates])
            frame.to_csv(folder / f"scenario_{sc.number:02d}.csv", index=False)
        began = time.perf_counter()
        subprocess.run([rscript, str(HERE / "r" / "evaluation.R"), str(folder), str(out), str(EVALUATED)], check=True)
        r_seconds = time.perf_counter() - began
        timing = pd.read_csv(out / "timing.csv").set_index("method")["seconds"]
        theirs: dict = {"replicates": args.replicates, "seed": args.seed, "scenarios": [s.number for s in chosen], "methods": {}}
        for method in R_METHODS:
            pooled = Counts()
            for number, sim in sims.items():
                alarm = pd.read_csv(out / f"scenario_{number:02d}_{method}.csv").to_numpy(dtype=float).T
                pooled = pooled + score(np.nan_to_num(alarm) == 1, sim.current[:, offset:], sim.outbreaks[:, offset:],
                                        sim.start - offset)
            theirs["methods"][f"R {method}"] = {"overall": pooled.measures(), "seconds": float(timing[method])}
    print(f"== R surveillance (one Rscript session, {r_seconds:.0f} s with start-up) ==")
    print(format_table(theirs))
    for name in ("farrington-improved", "farrington-improved-0.01", "ears-c2"):
        if name in ours["methods"]:
            mine, r = ours["methods"][name]["seconds"], theirs["methods"][f"R {name}"]["seconds"]
            # seconds are kept to two decimals: below that no ratio can be read
            speed = f"{r / mine:.0f}x" if mine >= 0.01 else "ours too quick to time at this size"
            print(f"{name}: ours {mine:.2f} s, R {r:.1f} s ({speed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
