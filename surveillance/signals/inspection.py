"""Inspection signals: manufacturers failing sampling inspection repeatedly within 12 months."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Connection, select

from surveillance import reference
from surveillance.warehouse.models import InspectionResult

WINDOW_DAYS = 365
RECENT_DAYS = 7  # a repeat failure is news when its latest failure is this recent
MIN_FAILURES = 2


def detect_repeat_failures(conn: Connection, day: date) -> list[dict]:
    start = day - timedelta(days=WINDOW_DAYS - 1)
    cols = [InspectionResult.manufacturer_uscc, InspectionResult.manufacturer_name, InspectionResult.sample_id,
            InspectionResult.sampling_date, InspectionResult.product_category, InspectionResult.product_name,
            InspectionResult.sampling_stage, InspectionResult.jurisdiction_code, InspectionResult.failed_items]
    stmt = select(*cols).where(InspectionResult.failed.is_(True),
                               InspectionResult.sampling_date.between(start, day))
    fails = pd.DataFrame(conn.execute(stmt).all(), columns=[c.key for c in cols])
    if fails.empty:
        return []
    products = reference.product_categories().set_index("code")
    signals = []
    for uscc, group in fails.sort_values("sampling_date").groupby("manufacturer_uscc"):
        latest = group.iloc[-1]
        if len(group) < MIN_FAILURES or latest["sampling_date"] < day - timedelta(days=RECENT_DAYS - 1):
            continue
        cat = latest["product_category"]
        signals.append(dict(
            signal_key=f"inspection|repeat-failure|{uscc}|{latest['sampling_date'].isoformat()}",
            domain="inspection", method="repeat-failure", series=uscc, category_code=cat,
            category_group=products.at[cat, "group_code"] if cat in products.index else None,
            sampling_stage=latest["sampling_stage"], jurisdiction_code=latest["jurisdiction_code"],
            period_start=group["sampling_date"].min(), period_end=latest["sampling_date"],
            observed=float(len(group)), expected=None, threshold=float(MIN_FAILURES), score=float(len(group)),
            title=f"{latest['manufacturer_name']}（{uscc}）近12个月{len(group)}批次抽检不合格，"
                  f"最近一次：{latest['product_name']}，不合格项目：{latest['failed_items'] or '未注明'}",
            evidence=dict(samples=group["sample_id"].tolist(),
                          dates=[d.isoformat() for d in group["sampling_date"]],
                          stages=group["sampling_stage"].tolist(), failed_items=group["failed_items"].tolist()),
        ))
    return signals
