"""`surveillance detect`, `scan`, `detect-series` and `evaluate`: the detectors, on the warehouse, on your own series
and on simulated outbreaks."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from surveillance.commands.common import add_day_option, iso_day, yesterday
from surveillance.settings import load_settings

if TYPE_CHECKING:
    from surveillance.signals.methods.controls import SeriesControl


def cmd_detect(args: argparse.Namespace) -> int:
    from surveillance.nightly import detect

    summary = detect(load_settings(), args.day)
    print(json.dumps(summary, ensure_ascii=False))
    for key, figures in summary["alarms"].items():
        print(f"{key}: {figures['alarms']} alarm(s) tonight; {figures['expected_false']} false alarm(s) expected by "
              "its tests", file=sys.stderr)
    for line in summary["output_check"]["errors"]:
        print(line, file=sys.stderr)
    return 0


def cmd_scan(args: argparse.Namespace) -> int:
    from surveillance.signals.detectors.injury_scan import detect_injury_scan
    from surveillance.signals.detectors.tuning import INJURY_SCAN
    from surveillance.warehouse.db import get_engine

    replicates = INJURY_SCAN.replicates if args.replicates is None else args.replicates
    if replicates < 19:
        print("error: --replicates must be at least 19 (a p-value of 0.05 needs 19 replicates)", file=sys.stderr)
        return 2
    print(f"scanning the injury lattice for {args.day} with {replicates} replicates ...", file=sys.stderr)
    with get_engine(load_settings().db_url).connect() as conn:
        detection = detect_injury_scan(conn, args.day, replicates=replicates)
    if args.json:
        print(json.dumps({"day": args.day.isoformat(), "figures": detection.figures, "clusters": detection.signals},
                         ensure_ascii=False, default=str))
        return 0
    print(f"{len(detection.signals)} cluster(s); {detection.figures}")
    for s in detection.signals:
        print(f"  {s['series']}: {s['title']}")
    return 0


def _cusum_m(text: str) -> float | str:
    if text == "glm":
        return text
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--m must be a number or 'glm', not {text!r}") from None


# the controls whose fields declare detect-series options (controls.option), with the label their help starts with
CONTROL_LABELS = (("farrington", "Farrington"), ("cusum", "CUSUM"), ("nbglm", "NB-GLM"), ("ears", None))


def _options_of(name: str) -> list:
    """The fields of SeriesControl's ``name`` control that are command-line options."""
    from dataclasses import fields

    from surveillance.signals.methods.controls import SeriesControl

    control = next(f for f in fields(SeriesControl) if f.name == name).default_factory
    return [f for f in fields(control) if "option" in f.metadata]


def _flag(f) -> str:
    return ("--no-" if f.default is True else "--") + f.name.replace("_", "-")


def _value_type(f) -> type:
    annotation = str(f.type)
    return float if annotation.startswith("float") else int if annotation.startswith(("int", "tuple[int")) else str


def add_control_options(parser: argparse.ArgumentParser) -> None:
    """One option per control field declared with ``controls.option``, typed by its annotation, its help
    ending with the field's default (R's): the options and their defaults are read, not retyped."""
    for name, label in CONTROL_LABELS:
        for f in _options_of(name):
            spec = dict(f.metadata["option"])
            text, note, shown = spec.pop("help"), spec.pop("default_note", None), spec.pop("default_text", None)
            text = f"{label}: {text}" if label else text
            if f.default is True:
                parser.add_argument(_flag(f), action="store_true", help=text)
                continue
            default = shown or (" ".join(map(str, f.default)) if isinstance(f.default, tuple) else f.default)
            parser.add_argument(_flag(f), type=_value_type(f), help=f"{text} (default {default}{'; ' + note if note else ''})",
                                **spec)


def series_control(args: argparse.Namespace) -> SeriesControl:
    """The control classes' defaults (R's), replaced by the options given on the command line."""
    from dataclasses import replace

    from surveillance.signals.methods.controls import SeriesControl

    def given(name: str, **others: object) -> dict:
        out = {k: v for k, v in others.items() if v is not None}
        for f in _options_of(name):
            value = getattr(args, _flag(f).lstrip("-").replace("-", "_"))
            if f.default is True:
                out.update({f.name: False} if value else {})
            elif value is not None:
                out[f.name] = tuple(value) if isinstance(f.default, tuple) else value
        return out

    base = SeriesControl()
    return SeriesControl(
        last=args.last, reference_weeks=args.reference_weeks,
        farrington=replace(base.farrington, **given("farrington", alpha=args.alpha)),
        ears=replace(base.ears, **given("ears", alpha=args.alpha)),
        cusum=replace(base.cusum, **given("cusum", m=args.m, alpha=args.alpha)),
        nbglm=replace(base.nbglm, **given("nbglm", alpha=args.alpha)),
    )


def cmd_detect_series(args: argparse.Namespace) -> int:
    from surveillance.signals.detect_series import SeriesInputError, detect_series, read_wide

    try:
        wide = read_wide(Path(args.input))
        out = detect_series(wide, args.method, series_control(args))
    except (SeriesInputError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out.to_csv(args.output, index=False)
    alarms = int(out["alarm"].sum())
    print(f"{args.method}: {wide.shape[1]} series x {out['date'].nunique()} periods evaluated, {alarms} alarm(s); "
          f"wrote {args.output}")
    return 0


def _numbers(text: str) -> list[int]:
    """"1-42", "1,7,13" or "1-6,40-42" as a sorted list of numbers."""
    out: set[int] = set()
    try:
        for part in text.split(","):
            low, _, high = part.partition("-")
            out.update(range(int(low), int(high or low) + 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r} (e.g. 1-42 or 1,7,13)") from None
    return sorted(out)


def cmd_evaluate(args: argparse.Namespace) -> int:
    if args.lattice:
        return _evaluate_lattice(args)
    from surveillance.evaluation.run import CONTENDERS, evaluate, format_table, write
    from surveillance.evaluation.scenarios import scenarios

    every = {s.number: s for s in scenarios()}
    replicates = 100 if args.replicates is None else args.replicates
    unknown = [n for n in args.scenarios if n not in every]
    names = args.methods.split(",") if args.methods else list(CONTENDERS)
    missing = [n for n in names if n not in CONTENDERS]
    problems = (["scenarios 1-42 only"] if unknown else []) \
        + ([f"unknown method(s) {', '.join(missing)}; available: {', '.join(CONTENDERS)}"] if missing else []) \
        + (["replicates must be at least 1"] if replicates < 1 else [])
    if problems:
        print(f"error: {'; '.join(problems)}", file=sys.stderr)
        return 2
    print(f"evaluating {len(names)} method(s) on {len(args.scenarios)} scenario(s) x {replicates} series "
          f"(seed {args.seed}) ...", file=sys.stderr)
    result = evaluate([CONTENDERS[n] for n in names], [every[n] for n in args.scenarios], replicates, args.seed,
                      progress=lambda line: print(line, file=sys.stderr))
    folder = Path(args.output_dir) if args.output_dir else load_settings().home / "evaluation"
    data, plot = write(result, folder)
    print(format_table(result))
    print(f"wrote {data} and {plot}")
    return 0


def _evaluate_lattice(args: argparse.Namespace) -> int:
    from surveillance.evaluation import lattice

    replicates = 20 if args.replicates is None else args.replicates
    if replicates < 1 or args.null_replicates < 19:
        print("error: replicates must be at least 1 and null replicates at least 19", file=sys.stderr)
        return 2
    print(f"evaluating the injury scan and the nightly default on Shaanxi's lattice: {replicates} replicate(s) x "
          f"{len(lattice.SHAPES)} shapes x {len(lattice.SIZES)} sizes x {len(lattice.DURATIONS)} durations, "
          f"{args.null_replicates} null replicates (seed {args.seed}; about 12 s a replicate on 2 cores) ...", file=sys.stderr)
    result = lattice.evaluate(replicates, args.seed, args.null_replicates, progress=lambda line: print(line, file=sys.stderr))
    folder = Path(args.output_dir) if args.output_dir else load_settings().home / "evaluation"
    data, plot = lattice.write(result, folder)
    print(lattice.format_table(result))
    print(f"wrote {data} and {plot}")
    return 0


def add_parsers(sub) -> None:
    """Add ``scan``, ``detect``, ``detect-series`` and ``evaluate``."""
    sc = sub.add_parser("scan", help="scan injuries for clusters across products, places and weeks (not the nightly default)",
                        description="The expectation-based Poisson scan over the product tree x county zones x the last "
                                    "1-4 weeks (docs/detectors.md, 'Injury scan'). Prints the clusters it reports; "
                                    "stores nothing and sends nothing.")
    sc.add_argument("--day", type=iso_day, default=yesterday(), help="the week evaluated is the last complete one on or "
                                                                    "before this day (default: yesterday)")
    sc.add_argument("--replicates", type=int, default=None, help="Monte Carlo replicates (default: injury_scan.replicates)")
    sc.add_argument("--json", action="store_true", help="the clusters as JSON")
    sc.set_defaults(func=cmd_scan)

    dt = sub.add_parser("detect", help="run the detectors for a day")
    add_day_option(dt)
    dt.set_defaults(func=cmd_detect)

    from surveillance.signals.methods.controls import (
        CusumControl,
        FarringtonControl,
        NbGlmControl,
    )
    from surveillance.signals.registry import series_methods

    fc, cc, nc = FarringtonControl(), CusumControl(), NbGlmControl()
    ds = sub.add_parser("detect-series", help="run a detector on your own series (CSV in, CSV out)", description=(
        "Input: a CSV with a 'date' column and one column per series (an empty cell is a missing count). "
        "Output: a long CSV date,series,observed,expected,threshold,alarm,score for the evaluated periods. "
        "Parameters carry the names of R's surveillance package (farringtonFlexible: b, w, alpha, noPeriods, "
        "weightsThreshold, pastWeeksNotIncluded, pThresholdTrend, thresholdMethod, limit54; earsC: baseline, "
        "minSigma, alpha; cusum: k, h, m, trans), so a result can be reproduced in R. Weekly series are assumed "
        "(52 periods a year). nb-glm: a negative-binomial GLM with trend and Fourier terms (MASS::glm.nb's fit), "
        "fitted on the periods before --last."))
    ds.add_argument("input", metavar="INPUT.csv")
    ds.add_argument("--method", required=True, choices=list(series_methods()),
                    help="one of the registry's methods that run on plain series")
    ds.add_argument("--output", required=True, metavar="OUT.csv")
    ds.add_argument("--last", type=int, help="evaluate only the last N periods (default: every period the method can)")
    ds.add_argument("--alpha", type=float, help=f"R's alpha (default {fc.alpha} for Farrington, 0.001 for C1/C2, 0.025 "
                    f"for C3, {nc.alpha} for nb-glm; for cusum the NegBin dispersion, default {cc.alpha})")
    ds.add_argument("--reference-weeks", choices=("date", "index"), default="date",
                    help="Farrington: pick each past year's reference week by calendar date, as R does for a series "
                    "built from dates (epochAsDate = TRUE; default), or by index, t - 52 i, as R does without dates")
    add_control_options(ds)
    ds.add_argument("--m", type=_cusum_m, help="CUSUM: reference mean, a number or 'glm' (R's Poisson GLM with an annual "
                    "harmonic fitted to the periods before --last); default: mean of the periods before --last")
    ds.set_defaults(func=cmd_detect_series)

    ev = sub.add_parser("evaluate", help="measure the detectors on simulated outbreaks (Noufaily et al. 2013, or "
                        "injury clusters on Shaanxi's lattice with --lattice)", description=(
        "Simulates Noufaily et al. (2013)'s 42 scenarios (negative-binomial weekly counts with trend and "
        "seasonality, 624 weeks, outbreaks of k standard deviations spread over 1-4 weeks), runs each method on "
        "the last 49 weeks and reports false-positive rate, probability of detection, sensitivity, specificity, "
        "positive predictive value, timeliness and POD in the first week, pooled and by scenario: a table here, "
        "evaluation.json and pod_fpr.png in the output folder. With --lattice: injury clusters of four shapes "
        "(one cell; a product group across a city; a product across neighbouring counties of two cities; serious "
        "cases only), 2-5 times the baseline for 1-3 weeks, on Shaanxi's counties and product tree with the demo's "
        "hospitals and seasons; the injury scan against the nightly default (Farrington per product x city with "
        "Benjamini-Hochberg): POD, false nights per night, PPV and weeks to detection; lattice_evaluation.json "
        "and lattice_pod.png. docs/detectors.md describes both designs."))
    ev.add_argument("--lattice", action="store_true", help="injury clusters on Shaanxi's lattice: the scan against "
                    "the nightly default (ignores --scenarios and --methods)")
    ev.add_argument("--null-replicates", type=int, default=999,
                    help="with --lattice: the scan's Monte Carlo replicates of the lattice's maximum (default 999)")
    ev.add_argument("--scenarios", type=_numbers, default=list(range(1, 43)), metavar="LIST",
                    help="scenario numbers, e.g. 1-42 (default) or 1,7,13")
    ev.add_argument("--replicates", type=int, help="simulated series per scenario (default 100), or with --lattice "
                    "baseline lattices, each with every cluster and a clean twin (default 20)")
    ev.add_argument("--seed", type=int, default=2013, help="random seed: the same seed gives the same series (default 2013)")
    ev.add_argument("--methods", help="comma-separated methods and settings (default: all; see evaluation.json's names)")
    ev.add_argument("--output-dir", help="folder for evaluation.json and pod_fpr.png (default: SURVEILLANCE_HOME/evaluation)")
    ev.set_defaults(func=cmd_evaluate)
