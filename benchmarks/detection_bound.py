"""What POD, FPR and timeliness together can reach on Noufaily et al.'s scenarios: the frontier at 1% FPR.

Issue #17 asks for a default detector with POD >= 0.60 at FPR <= 1% and timeliness no worse than improved
Farrington. This benchmark prints, for the family "alarm when this week's score passes c1 or the last two
weeks' Stouffer sum passes c2" (``surveillance.evaluation.bound``), the POD and timeliness at FPR 1% for
several c1, with scores from:

- the oracle: each series' true baseline mean and dispersion (no estimation error: no method does better);
- farrington-accumulated's fitted baseline (improved Farrington, reference weeks by date);

and improved Farrington at alpha 0.01 beside them, on the same series.

    .venv/bin/python benchmarks/detection_bound.py [--replicates 100] [--seed 2013] [--fpr 0.01]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace

import numpy as np

from surveillance.evaluation.bound import Scored, fitted, frontier, oracle
from surveillance.evaluation.run import CONTENDERS, evaluate
from surveillance.evaluation.scenarios import EVALUATED, scenarios, simulate
from surveillance.signals.methods.accumulated import farrington_accumulated
from surveillance.signals.methods.controls import AccumulatedControl

SINGLES = (2.4, 2.5, 2.6, 2.8, 3.0, 3.5, np.inf)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicates", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--fpr", type=float, default=0.01)
    args = parser.parse_args()
    began = time.perf_counter()
    chosen = scenarios()
    truth: list[Scored] = []
    ours: list[Scored] = []
    control = replace(AccumulatedControl(), windows=(1,))
    for sc in chosen:
        sim = simulate(sc, args.replicates, args.seed)
        truth.append(oracle(sim, EVALUATED))
        result = farrington_accumulated(sim.counts.astype(float), control, last=EVALUATED + 1, dates=sim.dates)
        ours.append(fitted(sim, EVALUATED, result.expected, result.z))
        print(f"scenario {sc.number} of {len(chosen)}", file=sys.stderr)
    reference = evaluate([CONTENDERS["farrington-improved-0.01"]], chosen, args.replicates, args.seed)
    ref = reference["methods"]["farrington-improved-0.01"]["overall"]
    print(f"{len(chosen)} scenarios x {args.replicates} series, seed {args.seed}; every row at FPR {args.fpr:.2%}")
    print(f"farrington-improved (alpha 0.01): FPR {ref['fpr']:.2%} POD {ref['pod']:.3f} timeliness {ref['timeliness']:.3f}")
    print(f"{'scores':<24}{'c1 (1 week)':>12}{'c2 (2 weeks)':>14}{'FPR':>8}{'POD':>8}{'timely':>8}")
    for name, scored in (("oracle (true baseline)", truth), ("fitted (accumulated)", ours)):
        for p in frontier(scored, SINGLES, args.fpr):
            c1 = "-" if np.isinf(p.c1) else f"{p.c1:.2f}"
            timely = "-" if p.timeliness is None else f"{p.timeliness:.3f}"
            print(f"{name:<24}{c1:>12}{p.c2:>14.3f}{p.fpr:>8.2%}{p.pod:>8.3f}{timely:>8}")
    print(f"{time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
