"""Injury patterns: a product whose reports show a nature of injury or a body part out of proportion
to all other products (PRR, ROR, IC; Evans' criteria) in the last 13 weeks, where the same pair was not
disproportionate in the two years before. Products have their usual patterns (kettles burn, knives
cut); a warning is about a pattern that is new for the product. A night tests a few hundred pairs, so
Evans' criteria alone would raise chance signals: the pairs' chi-square p-values also pass
Benjamini-Hochberg at ``tuning.NIGHT.fdr_q``."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Connection

from surveillance import reference
from surveillance.signals.detectors.injury import case_profile
from surveillance.signals.detectors.injury_counts import pattern_counts, product_reports
from surveillance.signals.detectors.tuning import INJURY_PATTERNS, NIGHT
from surveillance.signals.methods.disproportionality import EVANS, disproportionality
from surveillance.signals.methods.fdr import benjamini_hochberg, expected_false_alarms
from surveillance.signals.periods import last_complete_week
from surveillance.signals.signal import Detection, make_signal

PATTERNS = {"nature": ("injury_nature", "伤害性质"), "body": ("body_part", "受伤部位")}
UNINFORMATIVE = {"其他", "不清楚"}


def pair_table(recent: pd.DataFrame, baseline: pd.DataFrame, pattern: str) -> pd.DataFrame:
    """Every product x ``pattern`` pair of ``recent`` with its measures, and whether it met Evans'
    criteria in ``baseline`` (``baseline_evans``) and is new (``new``: Evans now, not before).
    ``recent`` and ``baseline`` hold report counts (column ``n``) by product and pattern."""
    known = recent[~recent[pattern].isin(UNINFORMATIVE)]
    now = disproportionality(known, "product_code", pattern, count="n")
    before = disproportionality(baseline[~baseline[pattern].isin(UNINFORMATIVE)], "product_code", pattern, count="n") \
        if len(baseline) else now.iloc[0:0]
    before = before.set_index(["product_code", pattern])[["a", "prr", "evans"]].add_prefix("baseline_")
    now = now.join(before, on=["product_code", pattern])
    now["baseline_evans"] = now["baseline_evans"].astype("boolean").fillna(False).astype(bool)
    now["new"] = now["evans"] & ~now["baseline_evans"] & (len(baseline) > 0)
    return now.rename(columns={pattern: "value"}).assign(pattern=pattern)


def detect_patterns(conn: Connection, day: date) -> Detection:
    """New disproportionate product x pattern pairs over the recent weeks ending with ``day``'s last complete week."""
    week_start, week_end = last_complete_week(day)
    recent_weeks, q = INJURY_PATTERNS.recent_weeks, NIGHT.fdr_q
    start = week_end - timedelta(weeks=recent_weeks) + timedelta(days=1)
    counts = pattern_counts(conn, start - timedelta(days=365 * INJURY_PATTERNS.baseline_years), start, week_end)
    if counts.empty:
        return Detection([], dict(pairs_tested=0))
    recent, baseline = counts[counts["recent"] == 1], counts[counts["recent"] == 0]
    products = reference.product_categories().set_index("code")
    pairs = pd.concat([pair_table(recent, baseline, column) for column, _ in PATTERNS.values()], ignore_index=True)
    # the night's hypotheses: pairs with cases that were not already disproportionate (the usual patterns)
    testable = (pairs["a"] >= EVANS["a"]) & ~pairs["baseline_evans"]
    pairs["discovery"] = benjamini_hochberg(pairs["p_value"].where(testable).to_numpy(dtype=float), q)
    hits = pairs[pairs["new"] & pairs["discovery"]]
    labels = {column: (kind, label) for kind, (column, label) in PATTERNS.items()}
    signals = []
    for r in hits.itertuples(index=False):
        product, value, column = r.product_code, r.value, r.pattern
        kind, label = labels[column]
        mine = product_reports(conn, start, week_end, product_code=product, **{column: value})
        mine = mine[~mine["proposed"]]  # the tables count coded reports only
        pname = products.at[product, "name"] if product in products.index else product
        share_other = r.c / (r.c + r.d)
        series = f"{product}|{kind}:{value}"
        signals.append(make_signal(
            "injury", "disproportionality", series, key_period=week_start, category_code=product,
            category_group=products.at[product, "group_code"] if product in products.index else None,
            period_start=start, period_end=week_end,
            observed=float(r.a), expected=float((r.a + r.b) * share_other),
            threshold=float(EVANS["prr"] * (r.a + r.b) * share_other), score=float(r.prr),
            title=f"{pname}相关伤害出现异常{label}“{value}”：近{recent_weeks}周{int(r.a)}例，占该产品病例"
                  f"{r.a / (r.a + r.b):.0%}，其他产品{share_other:.1%}（PRR={r.prr:.1f}，χ²={r.chi2:.1f}，"
                  f"ROR 95%CI {r.ror_low:.1f}–{r.ror_high:.1f}，IC025={r.ic025:.2f}）",
            evidence=dict(pattern=column, value=value, a=int(r.a), b=int(r.b), c=int(r.c), d=int(r.d),
                          prr=float(r.prr), chi2=float(r.chi2), p_value=float(r.p_value), fdr_q=q,
                          ror=float(r.ror), ror_low=float(r.ror_low),
                          ror_high=float(r.ror_high), ic=float(r.ic), ic025=float(r.ic025),
                          baseline_a=int(0 if pd.isna(r.baseline_a) else r.baseline_a),
                          baseline_prr=None if pd.isna(r.baseline_prr) else float(r.baseline_prr),
                          cities=mine["jurisdiction_code"].value_counts().to_dict(), **case_profile(mine)),
        ))
    return Detection(signals, dict(
        pairs_tested=int(testable.sum()), fdr_q=q, expected_false_alarms=expected_false_alarms(len(signals), q),
        rule=f"Evans (PRR>=2, chi2>=4, a>=3), not met in the {INJURY_PATTERNS.baseline_years} years before, BH q={q} on chi2 p-values"))
