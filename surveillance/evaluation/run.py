"""Run methods on Noufaily et al.'s simulated scenarios and score them (``surveillance evaluate``)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from surveillance.evaluation.metrics import Counts, score
from surveillance.evaluation.scenarios import EVALUATED, WEEKS, Scenario, simulate
from surveillance.signals.methods.controls import NOUFAILY_2013, EarsControl, FarringtonControl, SeriesControl
from surveillance.signals.registry import series_methods


@dataclass(frozen=True)
class Contender:
    """A method of the registry with its settings, under the name the tables use."""

    name: str
    method: str
    control: SeriesControl = field(default_factory=SeriesControl)


# R's documented controls of ?farringtonFlexible (control1: the original method, control2: Noufaily's
# improvements), with the five years back Noufaily et al. used; EARS with R's defaults
ORIGINAL = FarringtonControl(b=5, w=3, no_periods=1, weights_threshold=1, past_weeks_not_included=3,
                             p_threshold_trend=0.05, alpha=0.05)
IMPROVED = replace(NOUFAILY_2013, alpha=0.05)
CONTENDERS = {c.name: c for c in (
    Contender("farrington-original", "farrington-flexible", SeriesControl(farrington=ORIGINAL)),
    Contender("farrington-improved", "farrington-flexible", SeriesControl(farrington=IMPROVED)),
    Contender("farrington-improved-0.01", "farrington-flexible", SeriesControl(farrington=replace(IMPROVED, alpha=0.01))),
    Contender("farrington-accumulated", "farrington-accumulated"),
    Contender("ears-c1", "ears-c1", SeriesControl(ears=EarsControl(method="C1"))),
    Contender("ears-c2", "ears-c2", SeriesControl(ears=EarsControl(method="C2"))),
    Contender("ears-c3", "ears-c3", SeriesControl(ears=EarsControl(method="C3"))),
)}


def evaluate(contenders: list[Contender], chosen: list[Scenario], replicates: int, seed: int,
             progress: Callable[[str], None] | None = None) -> dict:
    """Counts and measures by method and scenario, and pooled over the scenarios, with each method's
    seconds; the same ``seed`` gives the same series to every method."""
    methods = series_methods()
    table: dict[str, dict] = {c.name: {"scenarios": {}, "seconds": 0.0} for c in contenders}
    pooled = {c.name: Counts() for c in contenders}
    offset = WEEKS - EVALUATED
    for sc in chosen:
        sim = simulate(sc, replicates, seed)
        counts = sim.counts.astype(float)
        for c in contenders:
            began = time.perf_counter()
            result = methods[c.method].run_series(counts, replace(c.control, last=EVALUATED), sim.dates)
            table[c.name]["seconds"] += time.perf_counter() - began
            tally = score(np.nan_to_num(result.alarm).astype(bool), sim.current[:, offset:], sim.outbreaks[:, offset:],
                          sim.start - offset)
            pooled[c.name] = pooled[c.name] + tally
            table[c.name]["scenarios"][sc.number] = tally.measures()
        if progress:
            progress(f"scenario {sc.number} ({len(chosen)} in all): " + ", ".join(
                f"{c.name} POD {table[c.name]['scenarios'][sc.number]['pod']} FPR {table[c.name]['scenarios'][sc.number]['fpr']}"
                for c in contenders))
    for c in contenders:
        table[c.name]["overall"] = pooled[c.name].measures()
        table[c.name]["seconds"] = round(table[c.name]["seconds"], 2)
    return {"replicates": replicates, "seed": seed, "scenarios": [s.number for s in chosen], "methods": table}


def format_table(result: dict) -> str:
    """One line per method: its measures pooled over the scenarios, and its seconds."""
    width = max([22, *(len(name) + 2 for name in result["methods"])])
    head = f"{'method':<{width}}{'FPR':>8}{'POD':>8}{'sens':>8}{'spec':>8}{'PPV':>8}{'timely':>8}{'1st wk':>8}{'s':>8}"
    lines = [head, "-" * len(head)]
    for name, r in result["methods"].items():
        o = r["overall"]

        def cell(v: float | None, pct: bool = False) -> str:
            return f"{'-':>8}" if v is None else (f"{v:>8.2%}" if pct else f"{v:>8.3f}")

        lines.append(f"{name:<{width}}{cell(o['fpr'], True)}{cell(o['pod'])}{cell(o['sensitivity'])}{cell(o['specificity'])}"
                     f"{cell(o['ppv'])}{cell(o['timeliness'])}{cell(o['pod_first_week'])}{r['seconds']:>8.1f}")
    lines.append(f"{len(result['scenarios'])} scenario(s) x {result['replicates']} series, seed {result['seed']}; "
                 "FPR over weeks without outbreak cases; timeliness in weeks from the outbreak's start to its first alarm "
                 "(over those detected); 1st wk: POD in the outbreak's first week holding cases")
    return "\n".join(lines)


def write(result: dict, folder: Path) -> tuple[Path, Path]:
    """``evaluation.json`` and ``pod_fpr.png`` (each method's pooled POD against its FPR) in ``folder``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "evaluation.json"
    data.write_text(json.dumps(result, indent=2), encoding="utf-8")
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for name, r in result["methods"].items():
        o = r["overall"]
        if o["fpr"] is not None and o["pod"] is not None:
            ax.scatter(o["fpr"] * 100, o["pod"])
            ax.annotate(name, (o["fpr"] * 100, o["pod"]), fontsize=8, xytext=(4, 2), textcoords="offset points")
    ax.set_xlabel("false-positive rate (%)")
    ax.set_ylabel("probability of detection")
    ax.set_title("Noufaily et al. (2013) scenarios")
    ax.grid(alpha=0.3)
    plot = folder / "pod_fpr.png"
    fig.tight_layout()
    fig.savefig(plot, dpi=110)
    plt.close(fig)
    return data, plot
