"""Injury signals: weekly counts by product category x city (and province-wide), of all cases and of
severe cases (hospitalised, transferred or dead, or graded severe).

The method follows the history the warehouse holds: with at least a year (plus a few weeks) of
reports, Farrington flexible with Noufaily's settings (seasonal factor, recent 26 weeks left out,
negative-binomial threshold) over up to five years; with ten weeks to a year, EARS C2; with less, the
series are reported as too short. Across the night's series, Benjamini-Hochberg keeps the share of
false alarms among the signals under ``tuning.NIGHT.fdr_q``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Connection, func, select

from surveillance import reference
from surveillance.signals.detectors.injury_counts import (
    CHILD_BELOW,
    DEATH,
    ELDERLY_FROM,
    HOSPITALISED_OUTCOMES,
    SERIOUS_OUTCOMES,
    SEVERE_GRADE,
    daily_counts,
    excluded_weeks,
    product_reports,
)
from surveillance.signals.detectors.tuning import INJURY_COUNTS, NIGHT
from surveillance.signals.methods.controls import NOUFAILY_2013
from surveillance.signals.methods.ears import ears
from surveillance.signals.methods.farrington import FarringtonControl, farrington_flexible, weeks_needed
from surveillance.signals.methods.fdr import benjamini_hochberg, expected_false_alarms
from surveillance.signals.periods import last_complete_week
from surveillance.signals.signal import Detection, make_signal
from surveillance.warehouse.models import InjuryReport

PROVINCE = ""
ALL, SEVERE = "all", "severe"  # the two series of each product x area: every case, and severe cases only


def is_severe(cases: pd.DataFrame) -> pd.Series:
    """Hospitalised, transferred or dead, or graded severe."""
    return cases["outcome"].isin(list(SERIOUS_OUTCOMES)) | (cases["severity"] == SEVERE_GRADE)


def case_profile(cases: pd.DataFrame) -> dict:
    """What a signal's cases were like, for its evidence and warning level: how grave, how many children
    and elderly, and the first 50 records (hospital/report id) to look up."""
    return dict(severe=int((cases["severity"] == SEVERE_GRADE).sum()), serious=int(is_severe(cases).sum()),
                hospitalised=int(cases["outcome"].isin(list(HOSPITALISED_OUTCOMES)).sum()),
                deaths=int((cases["outcome"] == DEATH).sum()),
                children=int((cases["age"] < CHILD_BELOW).sum()), elderly=int((cases["age"] >= ELDERLY_FROM).sum()),
                records=(cases["hospital_code"] + "/" + cases["report_id"]).head(50).tolist())


def farrington_control(years: int, alpha: float = INJURY_COUNTS.alpha) -> FarringtonControl:
    """Noufaily et al. (2013)'s settings with as many years back as the warehouse holds (at most 5), the nightly
    level, no alarm under ``min_count`` cases, and the trend kept only where significant (tuning.py says why)."""
    return replace(NOUFAILY_2013, b=years, alpha=alpha, limit54=(INJURY_COUNTS.min_count, 4),
                   p_threshold_trend=INJURY_COUNTS.p_threshold_trend)


def choose_method(history_weeks: int, week_start: date | None = None) -> tuple[str, int]:
    """("farrington-flexible", years) / ("ears-c2", 0) / ("too-short", 0) for the weeks of history available
    before and including the week starting ``week_start``, whose reference weeks are picked by calendar date
    as R does for a dated series (None: 52 weeks a year)."""
    for years in range(INJURY_COUNTS.max_years, 0, -1):
        needed = 52 * years + 3 if week_start is None else weeks_needed(week_start, years, 3)
        if history_weeks >= needed + 1:
            return "farrington-flexible", years
    if history_weeks >= INJURY_COUNTS.ears_weeks:
        return "ears-c2", 0
    return "too-short", 0


def weekly_counts(counts: pd.DataFrame, first_monday: date, weeks: int, value: str = "n") -> pd.DataFrame:
    """Series (product, jurisdiction) x week matrix of ``counts``' column ``value`` (``daily_counts``' rows:
    all cases ``n`` or serious ones ``severe``), zero-filled, province-wide rows included."""
    week = ((pd.to_datetime(counts["visit_date"]) - pd.Timestamp(first_monday)).dt.days // 7).astype(int)
    counts = counts.assign(week=week)
    city = counts.groupby(["product_code", "jurisdiction_code", "week"])[value].sum()
    prov = counts.groupby(["product_code", "week"])[value].sum()
    prov.index = pd.MultiIndex.from_arrays(
        [prov.index.get_level_values(0), [PROVINCE] * len(prov), prov.index.get_level_values(1)],
        names=city.index.names)
    series = pd.concat([city, prov]).unstack("week", fill_value=0)
    products = reference.product_categories()["code"]
    full = pd.MultiIndex.from_product([products, [*reference.jurisdictions(), PROVINCE]],
                                      names=["product_code", "jurisdiction_code"])
    return series.reindex(index=full, columns=range(weeks), fill_value=0)


@dataclass(frozen=True)
class Window:
    """What one week's evaluation needs from the history: the method, its years, and the weeks read."""

    method: str
    years: int
    history_weeks: int
    week_start: date
    week_end: date
    first_monday: date


RECENT_KEPT = 4  # the evaluated week and the three before it: limit54's evidence, never left out


def series_name(product: str, juris: str, kind: str) -> str:
    """The series as the signals (and the baseline exclusions) name it."""
    return f"{product}|{juris or 'province'}" + ("|severe" if kind == SEVERE else "")


def leave_out(counts: np.ndarray, index: list[tuple], weeks: list[tuple[str, date]], first_monday: date) -> int:
    """Blank (NaN: a week not observed) the excluded weeks of their series in ``counts`` (series x weeks from
    ``first_monday``), in place, except the last ``RECENT_KEPT`` weeks; how many cells were blanked."""
    rows = {series_name(*key): i for i, key in enumerate(index)}
    blanked = 0
    for series, week in weeks:
        row, column = rows.get(series), (week - first_monday).days // 7
        if row is not None and 0 <= column < counts.shape[1] - RECENT_KEPT:
            counts[row, column] = np.nan
            blanked += 1
    return blanked


def night_hits(observed: np.ndarray, pvalues: np.ndarray, alarm: np.ndarray, q: float = NIGHT.fdr_q) -> np.ndarray:
    """The night's signals among its series: above the series' threshold, with at least
    ``INJURY_COUNTS.min_count`` cases, and a Benjamini-Hochberg discovery at ``q`` among the series so testable."""
    testable = observed >= INJURY_COUNTS.min_count
    return alarm & testable & benjamini_hochberg(np.where(testable, pvalues, np.nan), q)


def window(conn: Connection, day: date) -> Window:
    """The window evaluated for the last complete week on or before ``day``."""
    week_start, week_end = last_complete_week(day)
    first = conn.execute(select(func.min(InjuryReport.visit_date))).scalar()
    history = 0 if first is None else (week_start - (first - timedelta(days=first.weekday()))).days // 7 + 1
    method, years = choose_method(history, week_start)
    weeks = weeks_needed(week_start, years, 3) + 1 if method == "farrington-flexible" else INJURY_COUNTS.ears_weeks
    return Window(method, years, history, week_start, week_end, week_start - timedelta(weeks=weeks - 1))


def detect_injury(conn: Connection, day: date, alpha: float = INJURY_COUNTS.alpha,
                  daily: pd.DataFrame | None = None) -> Detection:
    """Signals for the last complete week on or before ``day``, and the night's figures (method, series
    tested, too short, expected false alarms). ``alpha``: each series' threshold level, on either path.
    ``daily``: ``daily_counts`` already read for a span covering the window (recomputing several weeks
    reads them once)."""
    stats: dict = {}
    w = window(conn, day)
    method, years, week_start, week_end, first_monday = w.method, w.years, w.week_start, w.week_end, w.first_monday
    stats.update(method=method, history_weeks=w.history_weeks)
    if method == "too-short":
        stats.update(series_too_short=len(reference.product_categories()) * (len(reference.jurisdictions()) + 1), tested=0)
        return Detection([], stats)
    weeks = (week_start - first_monday).days // 7 + 1
    if daily is None:
        daily = daily_counts(conn, first_monday, week_end)
    else:
        daily = daily[(daily["visit_date"] >= first_monday) & (daily["visit_date"] <= week_end)]
    if daily.empty:
        stats.update(tested=0, expected_false_alarms=0.0)
        return Detection([], stats)
    all_cases = weekly_counts(daily, first_monday, weeks)
    severe_cases = weekly_counts(daily, first_monday, weeks, value="severe")
    matrix = pd.concat([all_cases.assign(kind=ALL).set_index("kind", append=True),
                        severe_cases.assign(kind=SEVERE).set_index("kind", append=True)])
    raw = matrix.to_numpy(dtype=float)
    counts = raw.copy()
    observed = counts[:, -1]
    if method == "farrington-flexible":
        # past years' weeks of confirmed outbreaks left out of the baseline (EARS's baseline is the last weeks)
        left_out = leave_out(counts, list(matrix.index), excluded_weeks(conn, first_monday, week_start), first_monday)
        stats.update(weeks_left_out=left_out)
        dates = [first_monday + timedelta(weeks=i) for i in range(weeks)]  # reference weeks by date, as R on dated weeks
        result = farrington_flexible(counts, farrington_control(years, alpha), last=1, dates=dates)
        pvalues = result.pvalue[:, 0]
        expected, threshold, score, alarm = result.expected[:, 0], result.threshold[:, 0], result.score[:, 0], result.alarm[:, 0]
    else:
        result = ears(counts, "C2", alpha=alpha, last=1)
        from scipy.stats import norm

        pvalues = norm.sf(result.score[:, 0])
        expected, threshold, score, alarm = result.expected[:, 0], result.threshold[:, 0], result.score[:, 0], result.alarm[:, 0]
    testable = observed >= INJURY_COUNTS.min_count
    q = NIGHT.fdr_q
    hits = np.flatnonzero(night_hits(observed, pvalues, alarm, q))
    stats.update(tested=int(testable.sum()), fdr_q=q, expected_false_alarms=expected_false_alarms(len(hits), q),
                 expected_false_alarms_without_fdr=round(float(alpha * testable.sum()), 2))
    products = reference.product_categories().set_index("code")
    names = reference.jurisdiction_names()
    this_week = product_reports(conn, week_start, week_end) if len(hits) else None
    signals = []
    for i in hits:
        product, juris, kind = matrix.index[i]
        mine = this_week[this_week["product_code"] == product]
        if juris:
            mine = mine[mine["jurisdiction_code"] == juris]
        if kind == SEVERE:
            mine = mine[is_severe(mine)]
        where = names.get(juris, juris)
        pname = products.at[product, "name"]
        recent = raw[i, -12:]
        series = series_name(product, juris, kind)
        what = "重伤（住院、转院或死亡）病例" if kind == SEVERE else "伤害病例"
        signals.append(make_signal(
            "injury", method, series, key_period=week_start,
            category_code=product, category_group=products.at[product, "group_code"],
            jurisdiction_code=juris or None, period_start=week_start, period_end=week_end,
            observed=float(observed[i]), expected=float(expected[i]),
            threshold=float(threshold[i]), score=float(min(score[i], 1e6)),
            title=f"{where}{pname}相关{what}异常增多：{week_start:%m月%d日}至{week_end:%m月%d日}共{int(observed[i])}例，"
                  f"预期{expected[i]:.1f}例",
            evidence=dict(weekly_counts=recent.astype(int).tolist(), first_week=(week_start - timedelta(weeks=11)).isoformat(),
                          method=method, years_of_history=years, p_value=float(pvalues[i]), fdr_q=q,
                          proposed_by_classifier=int(mine["proposed"].sum()), **case_profile(mine)),
        ))
    return Detection(signals, stats)
