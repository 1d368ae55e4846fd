"""Injury signals: weekly counts by product category x city (and province-wide) against EARS C2."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from surveillance import reference
from surveillance.signals.ears import ears
from surveillance.signals.periods import last_complete_week
from surveillance.warehouse.models import InjuryReport

WEEKS = 12  # C2 needs 7 baseline weeks + 2 guard weeks + the week evaluated
MIN_COUNT = 3  # fewer cases than this never make a signal, whatever the baseline
PROVINCE = ""


def weekly_counts(cases: pd.DataFrame, first_monday: date, weeks: int) -> pd.DataFrame:
    """Series (product, jurisdiction) x week matrix, zero-filled, province-wide rows included."""
    week = ((pd.to_datetime(cases["visit_date"]) - pd.Timestamp(first_monday)).dt.days // 7).astype(int)
    cases = cases.assign(week=week)
    city = cases.groupby(["product_code", "jurisdiction_code", "week"]).size()
    prov = cases.groupby(["product_code", "week"]).size()
    prov.index = pd.MultiIndex.from_arrays(
        [prov.index.get_level_values(0), [PROVINCE] * len(prov), prov.index.get_level_values(1)],
        names=city.index.names)
    series = pd.concat([city, prov]).unstack("week", fill_value=0)
    products = reference.product_categories()["code"]
    full = pd.MultiIndex.from_product([products, [*reference.jurisdictions(), PROVINCE]],
                                      names=["product_code", "jurisdiction_code"])
    return series.reindex(index=full, columns=range(weeks), fill_value=0)


def detect_injury(conn: Connection, day: date, alpha: float = 0.001) -> list[dict]:
    """Signals for the last complete week on or before ``day``."""
    week_start, week_end = last_complete_week(day)
    first_monday = week_start - timedelta(weeks=WEEKS - 1)
    stmt = select(InjuryReport.product_code, InjuryReport.jurisdiction_code, InjuryReport.visit_date,
                  InjuryReport.severity, InjuryReport.outcome, InjuryReport.age,
                  InjuryReport.hospital_code, InjuryReport.report_id).where(
        InjuryReport.visit_date.between(first_monday, week_end), InjuryReport.product_code.is_not(None))
    cases = pd.DataFrame(conn.execute(stmt).all(),
                         columns=["product_code", "jurisdiction_code", "visit_date", "severity", "outcome",
                                  "age", "hospital_code", "report_id"])
    if cases.empty:
        return []
    matrix = weekly_counts(cases, first_monday, WEEKS)
    result = ears(matrix.to_numpy(), "C2", alpha=alpha, last=1)
    observed = matrix.to_numpy()[:, -1]
    hits = np.flatnonzero(result.alarm[:, 0] & (observed >= MIN_COUNT))
    products = reference.product_categories().set_index("code")
    names = reference.jurisdiction_names()
    this_week = cases[(cases["visit_date"] >= week_start) & (cases["visit_date"] <= week_end)]
    signals = []
    for i in hits:
        product, juris = matrix.index[i]
        mine = this_week[this_week["product_code"] == product]
        if juris:
            mine = mine[mine["jurisdiction_code"] == juris]
        where = names.get(juris, juris)
        pname = products.at[product, "name"]
        signals.append(dict(
            signal_key=f"injury|ears-c2|{product}|{juris or 'province'}|{week_start.isoformat()}",
            domain="injury", method="ears-c2", series=f"{product}|{juris or 'province'}",
            category_code=product, category_group=products.at[product, "group_code"], sampling_stage=None,
            jurisdiction_code=juris or None, period_start=week_start, period_end=week_end,
            observed=float(observed[i]), expected=float(result.expected[i, 0]),
            threshold=float(result.threshold[i, 0]), score=float(min(result.score[i, 0], 1e6)),
            title=f"{where}{pname}相关伤害病例异常增多：{week_start:%m月%d日}至{week_end:%m月%d日}共{int(observed[i])}例，"
                  f"前期周均{result.expected[i, 0]:.1f}例",
            evidence=dict(weekly_counts=matrix.iloc[i].astype(int).tolist(), first_week=first_monday.isoformat(),
                          severe=int((mine["severity"] == "重度").sum()),
                          hospitalised=int(mine["outcome"].isin(["住院", "转院"]).sum()),
                          deaths=int((mine["outcome"] == "死亡").sum()),
                          children=int((mine["age"] < 14).sum()), elderly=int((mine["age"] >= 65).sum()),
                          records=(mine["hospital_code"] + "/" + mine["report_id"]).head(50).tolist()),
        ))
    return signals
