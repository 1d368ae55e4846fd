"""Inspection signals: manufacturers failing repeatedly within 12 months; failure rates of a product
category in a city out of line with the province and with the cell's own history (funnel limits); a
test item failed for the first time by a product category."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Connection, select

from surveillance import reference
from surveillance.signals.detectors.arrivals import ARRIVED, arrived_by, both_dates, is_news, read_arrived
from surveillance.signals.detectors.tuning import INSPECTION, RATES
from surveillance.signals.methods.funnel import out_of_line
from surveillance.signals.periods import rate_window
from surveillance.signals.signal import Detection, joined_stages, make_signal
from surveillance.warehouse.models import InspectionResult

# the list separators senders put between failed items; '/' is not one: it joins the parts of one item
# (邻苯二甲酸酯(DBP/BBP/DEHP), 耐磨/耐折), and nothing inside brackets separates items
ITEM_SEPARATORS = re.compile(r"[;；、,，\n]")
_BRACKETED = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")


def _group(products: pd.DataFrame, cat: str) -> str | None:
    return products.at[cat, "group_code"] if cat in products.index else None


def _samples(conn: Connection, start: date, end: date, failed_only: bool = False) -> pd.DataFrame:
    """Samples taken from ``start`` to ``end``, each with the night its result arrived (``arrived_on``)."""
    cols = [InspectionResult.manufacturer_uscc, InspectionResult.manufacturer_key, InspectionResult.manufacturer_name,
            InspectionResult.sample_id, InspectionResult.sampling_date, InspectionResult.product_category,
            InspectionResult.product_name, InspectionResult.sampling_stage, InspectionResult.jurisdiction_code,
            InspectionResult.region_code, InspectionResult.failed, InspectionResult.failed_items, InspectionResult.counterfeit]
    stmt = select(*cols).where(InspectionResult.sampling_date.between(start, end))
    if failed_only:
        stmt = stmt.where(InspectionResult.failed.is_(True))
    return read_arrived(conn, stmt, InspectionResult, cols)


def _dates(row: pd.Series) -> str:
    return both_dates(row["sampling_date"], row[ARRIVED])


def detect_repeat_failures(conn: Connection, day: date) -> Detection:
    """Manufacturers (by USCC, else by normalised name and address) with two or more failed samples in
    12 months known tonight, one of them news: its result arrived in the last week (signals/detectors/arrivals.py),
    whenever it was sampled. A sample marked 假冒 is not held against the named maker."""
    fails = _samples(conn, day - timedelta(days=INSPECTION.repeat_window_days - 1), day, failed_only=True)
    fails = arrived_by(fails, day)
    fails = fails[~fails["counterfeit"].fillna(False).astype(bool) & fails["manufacturer_key"].notna()]
    if fails.empty:
        return Detection()
    fails = fails.assign(news=is_news(fails, day, INSPECTION.recent_days))
    products = reference.product_categories().set_index("code")
    signals = []
    for key, group in fails.sort_values(["sampling_date", ARRIVED]).groupby("manufacturer_key"):
        fresh = group[group["news"]]
        if len(group) < INSPECTION.repeat_min_failures or fresh.empty:
            continue
        uscc = group["manufacturer_uscc"].dropna().iloc[-1] if group["manufacturer_uscc"].notna().any() else None
        latest = fresh.iloc[-1]
        cat = latest["product_category"]
        signals.append(make_signal(
            "inspection", "repeat-failure", key, key_period=latest["sampling_date"], category_code=cat,
            category_group=_group(products, cat),
            sampling_stage=latest["sampling_stage"], jurisdiction_code=latest["jurisdiction_code"],
            period_start=group["sampling_date"].min(), period_end=group["sampling_date"].max(),
            observed=float(len(group)), threshold=float(INSPECTION.repeat_min_failures), score=float(len(group)),
            title=f"{latest['manufacturer_name']}（{uscc or '无统一社会信用代码，按企业名称和地址归并'}）近12个月{len(group)}批次抽检不合格，"
                  f"新到结果：{latest['product_name']}（{_dates(latest)}），不合格项目：{latest['failed_items'] or '未注明'}",
            evidence=dict(samples=group["sample_id"].tolist(),
                          dates=[d.isoformat() for d in group["sampling_date"]],
                          arrived=[d.isoformat() for d in group[ARRIVED]],
                          news=fresh["sample_id"].tolist(), places=reference.county_places(group["region_code"]),
                          stages=group["sampling_stage"].tolist(), failed_items=group["failed_items"].tolist()),
        ))
    return Detection(signals)


def detect_failure_rates(conn: Connection, day: date, alpha: float = RATES.alpha) -> Detection:
    """Category x city cells whose failure rate over the last 13 complete weeks is above the 99.9% funnel
    limit of the province's rate (other cities, same category, same weeks) and above the cell's own
    rate of the three years before: a city that has always failed more is a known problem, not news."""
    week_start, start, week_end = rate_window(day, RATES.weeks)
    samples = _samples(conn, start - timedelta(days=365 * INSPECTION.history_years), week_end)
    samples = samples[samples["jurisdiction_code"] != reference.OUTSIDE_PROVINCE]  # a city's rate: Shaanxi's samples only
    if samples.empty:
        return Detection()
    recent = samples[samples["sampling_date"] >= start]
    hits, stats = out_of_line(samples, start, "product_category", alpha)
    products = reference.product_categories().set_index("code")
    names = reference.jurisdiction_names()
    signals = []
    for c in hits.itertuples(index=False):
        cat, city = c.product_category, c.jurisdiction_code
        mine = recent[(recent["product_category"] == cat) & (recent["jurisdiction_code"] == city)]
        failed = mine[mine["failed"]]
        expected = c.n * c.province_rate
        pname = products.at[cat, "name"] if cat in products.index else cat
        signals.append(make_signal(
            "inspection", "failure-rate", f"{cat}|{city}", key_period=week_start, category_code=cat,
            category_group=_group(products, cat), jurisdiction_code=city,
            sampling_stage=joined_stages(failed["sampling_stage"]),  # the stages' agencies receive it
            period_start=start, period_end=week_end,
            observed=float(c.failures), expected=float(expected), threshold=float(c.upper_limit * c.n),
            score=float(c.failures / max(expected, 1e-9)),
            title=f"{names.get(city, city)}{pname}抽检不合格率异常：近{RATES.weeks}周{int(c.n)}批次中{int(c.failures)}批次不合格"
                  f"（{c.rate:.0%}），全省同类{c.province_rate:.1%}，本地既往{c.history_rate:.1%}",
            evidence=dict(samples=int(c.n), failures=int(c.failures), rate=float(c.rate),
                          province_rate=float(c.province_rate), p_province=float(c.p_province),
                          history_rate=float(c.history_rate), p_history=float(c.p_history), alpha=alpha,
                          failed_samples=failed["sample_id"].tolist(),
                          stages=failed["sampling_stage"].value_counts().to_dict(),
                          manufacturers=failed["manufacturer_uscc"].tolist(), failed_items=failed["failed_items"].tolist()),
        ))
    return Detection(signals, stats)


def _items(text: str) -> list[str]:
    """The items of one sample's list, each once, separators inside brackets left alone."""
    kept: dict[str, str] = {}
    masked = _BRACKETED.sub(lambda m: "\0" * len(m.group()), text)  # same length: positions still line up
    start = 0
    for sep in [*ITEM_SEPARATORS.finditer(masked), None]:
        end = sep.start() if sep else len(text)
        item = text[start:end].strip()
        if item:
            kept.setdefault(item, item)
        start = sep.end() if sep else end
    return list(kept)


def split_items(items: pd.Series) -> pd.Series:
    """One failed test item per row and sample (senders separate items with ; ； 、 , ， or a line break)."""
    return items.fillna("").map(_items).explode().dropna()


def detect_new_failed_items(conn: Connection, day: date) -> Detection:
    """A test item failed by a sample whose result arrived in the last week (whenever it was sampled), in a
    category that never failed it in the three years before, among categories with at least
    ``INSPECTION.min_category_failures`` past failures (so their usual items are known)."""
    fails = arrived_by(_samples(conn, day - timedelta(days=365 * INSPECTION.history_years + INSPECTION.recent_days - 1),
                                day, failed_only=True), day)
    if fails.empty:
        return Detection()
    news = is_news(fails, day, INSPECTION.recent_days)
    items = split_items(fails["failed_items"])
    exploded = fails.loc[items.index].assign(item=items.to_numpy(), news=news.loc[items.index].to_numpy())
    recent, past = exploded[exploded["news"]], exploded[~exploded["news"]]
    past_failures = fails[~news].groupby("product_category").size()
    known = set(zip(past["product_category"], past["item"], strict=True))
    products = reference.product_categories().set_index("code")
    names = reference.jurisdiction_names()
    signals = []
    for (cat, item), group in recent.groupby(["product_category", "item"]):
        if (cat, item) in known or past_failures.get(cat, 0) < INSPECTION.min_category_failures:
            continue
        usual = past[past["product_category"] == cat]["item"].value_counts()
        latest = group.sort_values(["sampling_date", ARRIVED]).iloc[-1]
        pname = products.at[cat, "name"] if cat in products.index else cat
        signals.append(make_signal(
            "inspection", "new-failed-item", f"{cat}|{item}", category_code=cat,
            category_group=_group(products, cat), sampling_stage=latest["sampling_stage"],
            jurisdiction_code=latest["jurisdiction_code"],
            period_start=group["sampling_date"].min(), period_end=group["sampling_date"].max(),
            observed=float(len(group)), expected=0.0, score=float(len(group)),
            title=f"{pname}首次出现“{item}”项目不合格：{len(group)}批次（最近一次{names.get(latest['jurisdiction_code'], '')}"
                  f"{latest['manufacturer_name']}，{_dates(latest)}），近{INSPECTION.history_years}年该类产品不合格项目为"
                  f"{'、'.join(usual.index[:5])}",
            evidence=dict(samples=group["sample_id"].tolist(), manufacturers=group["manufacturer_uscc"].tolist(),
                          dates=[d.isoformat() for d in group["sampling_date"]],
                          arrived=[d.isoformat() for d in group[ARRIVED]],
                          places=reference.county_places(group["region_code"]),
                          past_failures=int(past_failures.get(cat, 0)), usual_items=usual.head(10).to_dict()),
        ))
    return Detection(signals)
