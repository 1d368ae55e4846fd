"""Every tuning constant of the nightly detectors, in one place: alpha levels, minimum counts, windows,
the false-discovery rate. ``surveillance config show`` prints them with what each does. The numerical
methods keep their own defaults in their control classes (R's, where R has the method)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields


def _doc(value: object, doc: str):
    return field(default=value, metadata={"doc": doc})


@dataclass(frozen=True)
class Night:
    """Shared by the detectors that test many series a night."""

    fdr_q: float = _doc(0.05, "Benjamini-Hochberg q: the share of false alarms tolerated among a night's "
                              "injury signals (counts and patterns)")
    recompute_days: int = _doc(56, "late injury reports this recent re-evaluate their week's signals; older "
                                   "ones revise the record only")


@dataclass(frozen=True)
class News:
    """What counts as news: results judged by the night they arrive (signals/detectors/arrivals.py)."""

    late_days: int = _doc(60, "a result arriving up to this many days after its sampling is news the night it "
                              "arrives; one arriving later is history (old files loaded at once raise nothing)")


@dataclass(frozen=True)
class InjuryCounts:
    """Weekly case counts by product category x city (signals/detectors/injury.py)."""

    alpha: float = _doc(0.01, "per-series level of the Farrington or EARS threshold (then FDR across series)")
    min_count: int = _doc(3, "fewer cases than this in the week never make a signal")
    ears_weeks: int = _doc(12, "weeks of history below which series are too short (EARS C2 needs 7 + 2 guard + 1)")
    max_years: int = _doc(5, "Farrington's years back (b), at most; fewer when the warehouse holds less")
    p_threshold_trend: float = _doc(0.05, "a fitted trend is kept only when significant at this level (R's control2 "
                                          "keeps any trend, 1; the nightly detector has kept the original method's "
                                          "0.05 since it was written, which an unverified trend cannot inflate)")


@dataclass(frozen=True)
class InjuryScan:
    """The scan over products x places x weeks (signals/detectors/injury_scan.py; `surveillance scan`, not nightly)."""

    weeks: int = _doc(4, "windows of the last 1 to this many complete weeks")
    replicates: int = _doc(999, "Monte Carlo replicates of the lattice's maximum under the baseline")
    alpha: float = _doc(0.05, "a cluster is reported when its p-value against the maximum is at most this")
    max_neighbours: int = _doc(6, "a circular zone holds a county and at most this many places in all")
    max_km: float = _doc(60.0, "a circular zone's radius at most")
    share_prior: float = _doc(5.0, "cases' worth of the county's share of all the city's cases in its share of a product's")
    prior_weeks: int = _doc(52, "weeks' worth of the product's province-wide rate in a sparse product x city series' rate")
    expected_floor: float = _doc(0.001, "no cell expects fewer cases a week (a case where none was ever seen stays finite)")


@dataclass(frozen=True)
class InjuryPatterns:
    """Disproportionate nature of injury / body part by product (signals/detectors/injury_patterns.py)."""

    recent_weeks: int = _doc(13, "weeks compared against all other products")
    baseline_years: int = _doc(2, "years before, in which the same pair must not have been disproportionate")


@dataclass(frozen=True)
class Inspection:
    """Sampling-inspection detectors (signals/detectors/inspection.py)."""

    repeat_window_days: int = _doc(365, "a manufacturer's failures are counted over this many days")
    repeat_min_failures: int = _doc(2, "failed samples in the window that make a repeat failure")
    recent_days: int = _doc(7, "a repeat failure or a new failed item is news for this many nights after its "
                               "failed result arrives (signals/detectors/arrivals.py)")
    history_years: int = _doc(3, "a cell's own history, and the past a failed item must be new against")
    min_category_failures: int = _doc(8, "past failures a category needs before an item can count as new")


@dataclass(frozen=True)
class Rates:
    """Failure and exceedance rates against the province and the cell's history (funnel limits)."""

    alpha: float = _doc(0.001, "level of both funnel tests (the 99.9% limit)")
    weeks: int = _doc(13, "complete weeks over which rates are compared")


@dataclass(frozen=True)
class Food:
    """Food-safety detectors (signals/detectors/food.py)."""

    lookback_days: int = _doc(30, "an exceedance or an unusual profile is news for this many nights after its "
                                  "result arrives (signals/detectors/arrivals.py)")
    trend_months: int = _doc(12, "complete months of medians in the Mann-Kendall test")
    trend_p: float = _doc(0.01, "two-sided p-value below which a rising trend is a signal")
    min_samples_per_month: int = _doc(5, "a month with fewer samples is left out of the trend")
    history_years: int = _doc(2, "years of history for exceedance rates and the profiles' forest")
    profile_quantile: float = _doc(0.001, "a profile more isolated than all but this share of the history's samples")


NIGHT, NEWS, INJURY_COUNTS, INJURY_PATTERNS = Night(), News(), InjuryCounts(), InjuryPatterns()
INJURY_SCAN = InjuryScan()
INSPECTION, RATES, FOOD = Inspection(), Rates(), Food()
ALL = {"night": NIGHT, "news": NEWS, "injury_counts": INJURY_COUNTS, "injury_patterns": INJURY_PATTERNS,
       "injury_scan": INJURY_SCAN,
       "inspection": INSPECTION, "rates": RATES, "food": FOOD}


def describe() -> list[tuple[str, object, str]]:
    """(group.name, value, what it does) for every constant: what ``config show`` prints."""
    return [(f"{group}.{f.name}", getattr(obj, f.name), f.metadata["doc"])
            for group, obj in ALL.items() for f in fields(obj)]
