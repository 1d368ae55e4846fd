"""Food signals: every result above its legal limit (ranked by hazard), exceedance rates of a food
category in a city out of line with the province and its own history, rising concentrations
(Mann-Kendall on monthly medians, non-detects censored), and unusual analyte profiles."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Connection, or_, select

from surveillance import reference
from surveillance.signals.detectors.arrivals import arrived_by, both_dates, is_news, oldest_news_sampling, read_arrived
from surveillance.signals.detectors.tuning import FOOD, RATES
from surveillance.signals.methods.funnel import out_of_line
from surveillance.signals.methods.profiles import unusual_against_history
from surveillance.signals.methods.trend import censored_median, mann_kendall
from surveillance.signals.periods import month_start, rate_window
from surveillance.signals.signal import Detection, joined_stages, make_signal
from surveillance.warehouse.models import FoodResult


def hazard_rank(kind: str, hazard_class: int, ready_to_eat: bool, infant: bool, stage: str | None) -> int:
    """1 = pathogens in ready-to-eat food or school canteens, aflatoxins (mycotoxins) in infant food;
    2 = other hazard-class-1 agents; 3 = class 2 (heavy metals, most pesticides); 4 = the rest."""
    if (kind == "pathogen" and (ready_to_eat or stage == "学校食堂")) or (kind == "mycotoxin" and infant):
        return 1
    return min(int(hazard_class) + 1, 4)


def _categories(codes: pd.Series | None = None) -> pd.DataFrame:
    """Food categories by code; a sender's own class our table lacks stands for itself (no group)."""
    return reference.with_unknown(reference.food_categories().set_index("code"), codes, group_code=None,
                                  ready_to_eat="0", infant="0")


def _analytes(codes: pd.Series) -> pd.DataFrame:
    """Analytes by code; a sender's own test item our table lacks stands for itself (hazard class 3)."""
    return reference.with_unknown(reference.analytes().set_index("code"), codes, kind="other", reference_unit="",
                                  hazard_class="3", prohibited="0")


def detect_exceedances(conn: Connection, day: date) -> Detection:
    """Every result over its limit (or judged 不合格 by its lab) that arrived in the lookback nights, whenever it
    was sampled (signals/detectors/arrivals.py), most hazardous first."""
    cols = [FoodResult.sample_id, FoodResult.sampling_date, FoodResult.jurisdiction_code, FoodResult.region_code,
            FoodResult.food_category, FoodResult.food_name, FoodResult.sampling_stage, FoodResult.analyte,
            FoodResult.result_value, FoodResult.unit, FoodResult.limit_value, FoodResult.limit_standard,
            FoodResult.sender_verdict, FoodResult.exceeds_limit]
    # a result over its limit, or one the lab itself judged 不合格 (a disagreement is never hidden)
    stmt = select(*cols).where(or_(FoodResult.exceeds_limit.is_(True), FoodResult.sender_verdict == "不合格"),
                               FoodResult.sampling_date.between(oldest_news_sampling(day, FOOD.lookback_days), day))
    rows = read_arrived(conn, stmt, FoodResult, cols)
    rows = rows[is_news(rows, day, FOOD.lookback_days)]
    cats = _categories(rows["food_category"])
    analytes = _analytes(rows["analyte"])
    names = reference.jurisdiction_names()
    signals = []
    for r in rows.itertuples(index=False):
        a = analytes.loc[r.analyte]
        pathogen = a["kind"] == "pathogen"
        rte, infant = cats.at[r.food_category, "ready_to_eat"] == "1", cats.at[r.food_category, "infant"] == "1"
        has_value, has_limit = pd.notna(r.result_value), pd.notna(r.limit_value)
        ratio = np.inf if pathogen or not r.limit_value or not has_value else r.result_value / r.limit_value
        if pathogen:
            value = "检出"
        else:
            value = f"{r.result_value:g}{r.unit or ''}" if has_value else "结果未给出数值"
            value += f"（限量{r.limit_value:g}{r.unit or ''}）" if has_limit else "（未给出限量）"
        verdict = r.sender_verdict if r.sender_verdict in reference.VERDICTS else None  # NaN: the lab gave none
        if verdict == "不合格" and not r.exceeds_limit:
            value += "；检验机构判定不合格，按限量未超标，请核对"
        elif verdict == "合格" and r.exceeds_limit:
            value += "；检验机构判定合格，按限量超标，请核对"
        judged = {} if verdict is None else dict(sender_verdict=verdict,
                                                 verdicts_disagree=(verdict == "不合格") != bool(r.exceeds_limit))
        signals.append(make_signal(
            "food", "exceedance", f"{r.food_category}|{r.analyte}", key_subject=f"{r.sample_id}|{r.analyte}",
            category_code=r.food_category, category_group=cats.at[r.food_category, "group_code"],
            sampling_stage=r.sampling_stage, jurisdiction_code=r.jurisdiction_code,
            period_start=r.sampling_date, period_end=r.sampling_date,
            observed=float(r.result_value) if has_value else 0.0,
            threshold=float(r.limit_value) if has_limit else None,
            score=float(min(ratio, 1e6)),
            title=f"{names.get(r.jurisdiction_code, '')}{r.sampling_stage}环节{r.food_name}（样品{r.sample_id}，"
                  f"{both_dates(r.sampling_date, r.arrived_on)}）{a['name']}超标：{value}，依据{r.limit_standard}",
            evidence=dict(sample_id=r.sample_id, analyte=r.analyte, kind=a["kind"], arrived_on=r.arrived_on.isoformat(),
                          places=reference.county_places([r.region_code]), hazard_class=int(a["hazard_class"]), ready_to_eat=rte, infant=infant,
                          hazard_rank=hazard_rank(a["kind"], a["hazard_class"], rte, infant, r.sampling_stage),
                          ratio_to_limit=float(min(ratio, 1e6)), **judged),
        ))
    return Detection(sorted(signals, key=lambda s: (s["evidence"]["hazard_rank"], -s["score"])))


def detect_trends(conn: Connection, day: date) -> Detection:
    """Monthly medians over the last 12 complete months, a month's median censored when non-detects
    reach the middle; Mann-Kendall for censored data, Sen's slope over the detected medians."""
    end = month_start(day)
    months, p_max = FOOD.trend_months, FOOD.trend_p
    start = (pd.Timestamp(end) - pd.DateOffset(months=months)).date()
    cols = [FoodResult.food_category, FoodResult.analyte, FoodResult.sampling_date, FoodResult.result_value,
            FoodResult.censored, FoodResult.limit_value, FoodResult.unit]
    stmt = select(*cols).where(FoodResult.sampling_date >= start, FoodResult.sampling_date < end,
                               FoodResult.result_value.is_not(None))
    rows = pd.DataFrame(conn.execute(stmt).all(), columns=[c.key for c in cols])
    if rows.empty:
        return Detection()
    rows = rows[~rows["unit"].str.startswith("/")]
    rows["month"] = pd.to_datetime(rows["sampling_date"]).dt.to_period("M")
    monthly = rows.groupby(["food_category", "analyte", "month"]).apply(_month_median, include_groups=False)
    cats = _categories(rows["food_category"])
    analytes = _analytes(rows["analyte"])
    last_month = pd.Period(pd.Timestamp(end) - pd.DateOffset(days=1), "M")
    signals = []
    tested = 0
    for (cat, analyte), grp in monthly.groupby(level=[0, 1]):
        grp = grp[grp["size"] >= FOOD.min_samples_per_month]
        if len(grp) < months - 2:
            continue
        tested += 1
        medians = grp["median"].to_numpy(dtype=float)
        result = mann_kendall(medians, grp["censored"].to_numpy(dtype=bool))
        tau, p = result.tau, result.p_value
        if not (tau > 0 and p < p_max):
            continue
        slope = result.sen_slope
        unit = rows.loc[rows["analyte"] == analyte, "unit"].iloc[0]
        cname, aname = cats.at[cat, "name"], analytes.at[analyte, "name"]
        signals.append(make_signal(
            "food", "trend-mk", f"{cat}|{analyte}", key_period=str(last_month), category_code=cat,
            category_group=cats.at[cat, "group_code"],
            period_start=start, period_end=end - timedelta(days=1),
            observed=float(medians[-1]), expected=float(medians[0]), score=float(tau),
            title=f"{cname}中{aname}含量呈上升趋势：月中位数由{_shown(grp.iloc[0])}升至{_shown(grp.iloc[-1])}{unit}"
                  f"（Mann-Kendall τ={tau:.2f}，p={p:.1e}，Sen斜率{slope:.3g}{unit}/月）",
            evidence=dict(months=[str(m) for m in grp.index.get_level_values(2)], medians=medians.tolist(),
                          censored_months=grp["censored"].astype(bool).tolist(),
                          samples=grp["size"].astype(int).tolist(), tau=tau, p_value=p, sen_slope=float(slope),
                          hazard_class=int(analytes.at[analyte, "hazard_class"])),
        ))
    # a rising trend at two-sided p < p_max: p_max / 2 per series under no trend
    return Detection(signals, dict(series_tested=tested, p_threshold=p_max,
                                   expected_false_alarms=round(tested * p_max / 2, 2)))


def _shown(month: pd.Series) -> str:
    return ("<" if month["censored"] else "") + f"{month['median']:.3g}"


def _month_median(month: pd.DataFrame) -> pd.Series:
    median, censored = censored_median(month["result_value"].to_numpy(), month["censored"].to_numpy())
    return pd.Series({"median": median, "censored": censored, "size": len(month)})


def _samples(conn: Connection, start: date, end: date) -> pd.DataFrame:
    """Results sampled from ``start`` to ``end``, each with the night it arrived (``arrived_on``)."""
    cols = [FoodResult.sample_id, FoodResult.sampling_date, FoodResult.jurisdiction_code, FoodResult.region_code,
            FoodResult.food_category, FoodResult.food_name, FoodResult.sampling_stage, FoodResult.analyte,
            FoodResult.result_value, FoodResult.censored, FoodResult.lod, FoodResult.limit_value, FoodResult.exceeds_limit]
    return read_arrived(conn, select(*cols).where(FoodResult.sampling_date.between(start, end)), FoodResult, cols)


def detect_exceedance_rates(conn: Connection, day: date, alpha: float = RATES.alpha) -> Detection:
    """Food category x city cells whose share of samples with any result over its limit, over the last
    13 complete weeks, is above the 99.9% funnel limit of the province's share and of the cell's own
    share in the two years before."""
    week_start, start, week_end = rate_window(day, RATES.weeks)
    rows = _samples(conn, start - timedelta(days=365 * FOOD.history_years), week_end)
    rows = rows[rows["jurisdiction_code"] != reference.OUTSIDE_PROVINCE]  # a city's rate: Shaanxi's samples only
    if rows.empty:
        return Detection()
    samples = rows.groupby("sample_id").agg(food_category=("food_category", "first"), sampling_date=("sampling_date", "first"),
                                            jurisdiction_code=("jurisdiction_code", "first"), failed=("exceeds_limit", "any"))
    hits, stats = out_of_line(samples, start, "food_category", alpha)
    cats, names = _categories(rows["food_category"]), reference.jurisdiction_names()
    analytes = _analytes(rows["analyte"])
    signals = []
    for c in hits.itertuples(index=False):
        cat, city = c.food_category, c.jurisdiction_code
        over = rows[(rows["food_category"] == cat) & (rows["jurisdiction_code"] == city) & rows["exceeds_limit"]
                    & (rows["sampling_date"] >= start)]
        by_analyte = over["analyte"].map(analytes["name"]).value_counts()
        expected = c.n * c.province_rate
        signals.append(make_signal(
            "food", "exceedance-rate", f"{cat}|{city}", key_period=week_start, category_code=cat,
            category_group=cats.at[cat, "group_code"], jurisdiction_code=city,
            sampling_stage=joined_stages(over.drop_duplicates("sample_id")["sampling_stage"]),  # the stages' agencies receive it
            period_start=start, period_end=week_end,
            observed=float(c.failures), expected=float(expected), threshold=float(c.upper_limit * c.n),
            score=float(c.failures / max(expected, 1e-9)),
            title=f"{names.get(city, city)}{cats.at[cat, 'name']}超标率异常：近{RATES.weeks}周{int(c.n)}批次中{int(c.failures)}批次超标"
                  f"（{c.rate:.0%}），全省同类{c.province_rate:.1%}；超标项目："
                  + "、".join(f"{k}{v}次" for k, v in by_analyte.items()),
            evidence=dict(samples=int(c.n), exceeding=int(c.failures), rate=float(c.rate), province_rate=float(c.province_rate),
                          p_province=float(c.p_province), history_rate=float(c.history_rate),
                          p_history=float(c.p_history), alpha=alpha, exceeding_samples=sorted(over["sample_id"].unique()),
                          analytes=by_analyte.to_dict(),
                          stages=over.drop_duplicates("sample_id")["sampling_stage"].value_counts().to_dict(),
                          hazard_class=int(analytes.loc[over["analyte"].unique(), "hazard_class"].min()) if len(over) else 3),
        ))
    return Detection(signals, stats)


def detect_unusual_profiles(conn: Connection, day: date) -> Detection:
    """Samples whose results arrived in the last 30 nights (whenever sampled), none of whose results exceeds
    its limit, whose combination of results is more isolated (IsolationForest fitted on the category's two
    years before) than all but 0.1% of those years' samples, and higher overall than 99% of them."""
    start = oldest_news_sampling(day, FOOD.lookback_days)
    quantile = FOOD.profile_quantile
    rows = arrived_by(_samples(conn, start - timedelta(days=365 * FOOD.history_years), day), day)
    rows = rows[rows["result_value"].notna()]
    if rows.empty:
        return Detection()
    exceeding = set(rows.loc[rows["exceeds_limit"], "sample_id"])
    news = is_news(rows, day, FOOD.lookback_days)
    recent = rows[news & ~rows["sample_id"].isin(exceeding)]
    history = rows[~news & (rows["sampling_date"] < day - timedelta(days=FOOD.lookback_days - 1))]
    scored = unusual_against_history(history, recent, quantile=quantile)
    stats = dict(samples_scored=len(scored), quantile=quantile, expected_false_alarms=round(quantile * len(scored), 2))
    cats, names = _categories(rows["food_category"]), reference.jurisdiction_names()
    analytes = _analytes(rows["analyte"])
    signals = []
    for u in scored[scored["unusual"]].itertuples(index=False):
        sample = recent[recent["sample_id"] == u.sample_id]
        first = sample.iloc[0]
        ratios = (sample.set_index("analyte")["result_value"] / sample.set_index("analyte")["limit_value"]).dropna()
        listed = "、".join(f"{analytes.at[a, 'name']}为限量的{r:.0%}" for a, r in ratios.sort_values(ascending=False).items())
        signals.append(make_signal(
            "food", "unusual-profile", f"{u.food_category}|{u.sample_id}", key_subject=u.sample_id,
            category_code=u.food_category, category_group=cats.at[u.food_category, "group_code"],
            sampling_stage=first["sampling_stage"], jurisdiction_code=first["jurisdiction_code"],
            period_start=first["sampling_date"], period_end=first["sampling_date"],
            observed=float(-u.score), threshold=float(-u.threshold), score=float(u.threshold - u.score),
            title=f"{names.get(first['jurisdiction_code'], '')}{first['food_name']}（样品{u.sample_id}，"
                  f"{both_dates(first['sampling_date'], first['arrived_on'])}）多项指标组合异常"
                  f"（均未超标）：{listed}",
            evidence=dict(sample_id=u.sample_id, arrived_on=first["arrived_on"].isoformat(),
                          places=reference.county_places([first["region_code"]]), anomaly_score=float(u.score), threshold=float(u.threshold),
                          high_analytes=int(u.high_analytes),
                          level_sum=float(u.level), level_threshold=float(u.level_threshold),
                          ratios_to_limit={k: float(v) for k, v in ratios.items()},
                          hazard_class=int(analytes.loc[sample["analyte"], "hazard_class"].min())),
        ))
    return Detection(signals, stats)
