"""Food signals: results above their legal limit, and rising concentrations (Mann-Kendall)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from scipy.stats import kendalltau, theilslopes
from sqlalchemy import Connection, select

from surveillance import reference
from surveillance.signals.periods import month_start
from surveillance.warehouse.models import FoodResult

LOOKBACK_DAYS = 30  # exceedances sampled this recently (late files included) are signalled
TREND_MONTHS = 12
TREND_P = 0.01
MIN_SAMPLES_PER_MONTH = 5


def _categories() -> pd.DataFrame:
    return reference.food_categories().set_index("code")


def detect_exceedances(conn: Connection, day: date) -> list[dict]:
    cols = [FoodResult.sample_id, FoodResult.sampling_date, FoodResult.jurisdiction_code, FoodResult.food_category,
            FoodResult.food_name, FoodResult.sampling_stage, FoodResult.analyte, FoodResult.result_value,
            FoodResult.unit, FoodResult.limit_value, FoodResult.limit_standard]
    stmt = select(*cols).where(FoodResult.exceeds_limit.is_(True),
                               FoodResult.sampling_date.between(day - timedelta(days=LOOKBACK_DAYS - 1), day))
    rows = pd.DataFrame(conn.execute(stmt).all(), columns=[c.key for c in cols])
    cats = _categories()
    analytes = reference.analytes().set_index("code")
    names = reference.jurisdiction_names()
    signals = []
    for r in rows.itertuples(index=False):
        a = analytes.loc[r.analyte]
        pathogen = a["kind"] == "pathogen"
        ratio = np.inf if pathogen or not r.limit_value else r.result_value / r.limit_value
        value = "检出" if pathogen else f"{r.result_value:g}{r.unit}（限量{r.limit_value:g}{r.unit}）"
        signals.append(dict(
            signal_key=f"food|exceedance|{r.sample_id}|{r.analyte}",
            domain="food", method="exceedance", series=f"{r.food_category}|{r.analyte}",
            category_code=r.food_category, category_group=cats.at[r.food_category, "group_code"],
            sampling_stage=r.sampling_stage, jurisdiction_code=r.jurisdiction_code,
            period_start=r.sampling_date, period_end=r.sampling_date,
            observed=float(r.result_value), expected=None, threshold=float(r.limit_value),
            score=float(min(ratio, 1e6)),
            title=f"{names.get(r.jurisdiction_code, '')}{r.sampling_stage}环节{r.food_name}（样品{r.sample_id}）"
                  f"{a['name']}超标：{value}，依据{r.limit_standard}",
            evidence=dict(sample_id=r.sample_id, analyte=r.analyte, kind=a["kind"],
                          hazard_class=int(a["hazard_class"]),
                          ready_to_eat=cats.at[r.food_category, "ready_to_eat"] == "1",
                          infant=cats.at[r.food_category, "infant"] == "1", ratio_to_limit=float(min(ratio, 1e6))),
        ))
    return signals


def mann_kendall(values: np.ndarray) -> tuple[float, float]:
    """Kendall's tau of values against time and its two-sided p-value (the Mann-Kendall test)."""
    tau, p = kendalltau(np.arange(len(values)), values)
    return float(tau), float(p)


def detect_trends(conn: Connection, day: date) -> list[dict]:
    """Monthly medians over the last 12 complete months; non-detects count as half their LOD."""
    end = month_start(day)
    start = (pd.Timestamp(end) - pd.DateOffset(months=TREND_MONTHS)).date()
    cols = [FoodResult.food_category, FoodResult.analyte, FoodResult.sampling_date, FoodResult.result_value,
            FoodResult.censored, FoodResult.limit_value, FoodResult.unit]
    stmt = select(*cols).where(FoodResult.sampling_date >= start, FoodResult.sampling_date < end,
                               FoodResult.result_value.is_not(None))
    rows = pd.DataFrame(conn.execute(stmt).all(), columns=[c.key for c in cols])
    if rows.empty:
        return []
    rows = rows[~rows["unit"].str.startswith("/")]
    rows["value"] = np.where(rows["censored"], rows["result_value"] / 2, rows["result_value"])
    rows["month"] = pd.to_datetime(rows["sampling_date"]).dt.to_period("M")
    monthly = rows.groupby(["food_category", "analyte", "month"])["value"].agg(["median", "size"])
    cats = _categories()
    analytes = reference.analytes().set_index("code")
    last_month = pd.Period(pd.Timestamp(end) - pd.DateOffset(days=1), "M")
    signals = []
    for (cat, analyte), grp in monthly.groupby(level=[0, 1]):
        grp = grp[grp["size"] >= MIN_SAMPLES_PER_MONTH]
        if len(grp) < TREND_MONTHS - 2:
            continue
        medians = grp["median"].to_numpy()
        tau, p = mann_kendall(medians)
        if not (tau > 0 and p < TREND_P):
            continue
        slope = theilslopes(medians).slope
        unit = rows.loc[rows["analyte"] == analyte, "unit"].iloc[0]
        cname, aname = cats.at[cat, "name"], analytes.at[analyte, "name"]
        signals.append(dict(
            signal_key=f"food|trend-mk|{cat}|{analyte}|{last_month}",
            domain="food", method="trend-mk", series=f"{cat}|{analyte}", category_code=cat,
            category_group=cats.at[cat, "group_code"], sampling_stage=None, jurisdiction_code=None,
            period_start=start, period_end=end - timedelta(days=1),
            observed=float(medians[-1]), expected=float(medians[0]), threshold=None, score=float(tau),
            title=f"{cname}中{aname}含量呈上升趋势：月中位数由{medians[0]:.3g}升至{medians[-1]:.3g}{unit}"
                  f"（Mann-Kendall τ={tau:.2f}，p={p:.1e}，Sen斜率{slope:.3g}{unit}/月）",
            evidence=dict(months=[str(m) for m in grp.index.get_level_values(2)], medians=medians.tolist(),
                          samples=grp["size"].astype(int).tolist(), tau=tau, p_value=p, sen_slope=float(slope),
                          hazard_class=int(analytes.at[analyte, "hazard_class"])),
        ))
    return signals
