"""What POD, FPR and timeliness together can reach on Noufaily et al.'s scenarios: the frontier at 1% FPR.

Issue #17 asks for a default detector with POD >= 0.60 at FPR <= 1% and timeliness no worse than improved
Farrington. This benchmark prints, for the family "alarm when this week's score passes c1 or the last two
weeks' Stouffer sum passes c2" (``surveillance.evaluation.bound``), the POD and timeliness at FPR 1% for
several c1, with scores from:

- the oracle: each series' true baseline mean and dispersion (no estimation error: no method does better);
- farrington-accumulated's fitted baseline (improved Farrington, reference weeks by date);

and improved Farrington at alpha 0.01 beside them, on the same series. ``--years`` gives the fitted
baseline's b (years of reference weeks; 5 as Noufaily et al., more to see what a longer history buys).

Then the oracle with its critical values chosen scenario by scenario, within the FPR budget and no later
than improved Farrington (its timeliness, or else its POD in the first week): chosen on the evaluated
series themselves, knowing every outcome (the best choice found, and a Lagrangian bound that no choice
exceeds), and chosen on other series (``--train-seed``) and applied to the evaluated ones, as a method
knowing each scenario's parameters could.

    .venv/bin/python benchmarks/detection_bound.py [--replicates 100] [--seed 2013] [--fpr 0.01]
        [--years 5,8] [--train-seed 7] [--grid-step 0.05]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from dataclasses import replace

import numpy as np

from surveillance.evaluation.bound import Scored, allocation_bound, chosen_measures, fitted, frontier, oracle, tabulate
from surveillance.evaluation.run import CONTENDERS, evaluate
from surveillance.evaluation.scenarios import EVALUATED, scenarios, simulate
from surveillance.signals.methods.accumulated import farrington_accumulated
from surveillance.signals.methods.controls import NOUFAILY, AccumulatedControl

SINGLES = (2.4, 2.5, 2.6, 2.8, 3.0, 3.5, np.inf)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicates", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--fpr", type=float, default=0.01)
    parser.add_argument("--years", default="5,8", help="the fitted baseline's b values, comma-separated")
    parser.add_argument("--train-seed", type=int, default=7)
    parser.add_argument("--grid-step", type=float, default=0.05)
    args = parser.parse_args()
    years = [int(b) for b in args.years.split(",")]
    began = time.perf_counter()
    chosen = scenarios()
    truth: list[Scored] = []
    train: list[Scored] = []
    ours: dict[int, list[Scored]] = {b: [] for b in years}
    for sc in chosen:
        sim = simulate(sc, args.replicates, args.seed)
        truth.append(oracle(sim, EVALUATED))
        train.append(oracle(simulate(sc, args.replicates, args.train_seed), EVALUATED))
        for b in years:
            control = replace(AccumulatedControl(), windows=(1,), farrington=replace(NOUFAILY, b=b))
            result = farrington_accumulated(sim.counts.astype(float), control, last=EVALUATED + 1, dates=sim.dates)
            ours[b].append(fitted(sim, EVALUATED, result.expected, result.z))
        print(f"scenario {sc.number} of {len(chosen)}", file=sys.stderr)
    reference = evaluate([CONTENDERS["farrington-improved-0.01"]], chosen, args.replicates, args.seed)
    ref = reference["methods"]["farrington-improved-0.01"]["overall"]
    print(f"{len(chosen)} scenarios x {args.replicates} series, seed {args.seed}; every row at FPR {args.fpr:.2%}")
    print(f"farrington-improved (alpha 0.01): FPR {ref['fpr']:.2%} POD {ref['pod']:.3f} timeliness "
          f"{ref['timeliness']:.3f} POD in the first week {ref['pod_first_week']:.3f}")
    print(f"{'scores':<24}{'c1 (1 week)':>12}{'c2 (2 weeks)':>14}{'FPR':>8}{'POD':>8}{'timely':>8}{'1st wk':>8}")
    rows = [("oracle (true baseline)", truth)] + [(f"fitted (b = {b})", ours[b]) for b in years]
    for name, scored in rows:
        for p in frontier(scored, SINGLES, args.fpr):
            c1 = "-" if np.isinf(p.c1) else f"{p.c1:.2f}"
            timely = "-" if p.timeliness is None else f"{p.timeliness:.3f}"
            print(f"{name:<24}{c1:>12}{p.c2:>14.3f}{p.fpr:>8.2%}{p.pod:>8.3f}{timely:>8}{p.pod_first_week:>8.3f}")

    grid = np.append(np.arange(1.6, 4.0 + 1e-9, args.grid_step), np.inf)
    pairs = list(itertools.product(grid, grid))
    evaluated, trained = tabulate(truth, pairs), tabulate(train, pairs)
    print(f"oracle, (c1, c2) chosen per scenario among {len(pairs)} pairs (1.6-4.0 by {args.grid_step}, or none), "
          f"at FPR <= {args.fpr:.2%} and a timing no worse than improved Farrington's:")
    for label, key, value in (("timeliness", "timeliness", ref["timeliness"]),
                              ("POD in the first week", "first_week", ref["pod_first_week"])):
        print(f"  limit on {label}: {value:.4f}")
        limit = {key: value}
        here = allocation_bound(evaluated, args.fpr, **limit)
        if here.found is None:
            print(f"    chosen on seed {args.seed} itself: no choice found; none exceeds POD {here.upper:.3f}")
        else:
            print(f"    chosen on seed {args.seed} itself, knowing every outcome: POD {here.found:.3f} (FPR {here.fpr:.2%}, "
                  f"timeliness {here.timeliness:.3f}, first week {here.pod_first_week:.3f}); "
                  f"no choice exceeds POD {here.upper:.3f}")
        elsewhere = allocation_bound(trained, args.fpr, **limit)
        if elsewhere.choice is not None:
            m = chosen_measures(evaluated, elsewhere.choice)
            print(f"    chosen on seed {args.train_seed}, applied to seed {args.seed}: FPR {m['fpr']:.2%} POD {m['pod']:.3f} "
                  f"timeliness {m['timeliness']:.3f} first week {m['pod_first_week']:.3f}")
    print(f"{time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
