"""Injury report counts aggregated in the database: the detectors read counts, not millions of rows.

A report's product is its hospital's code, or else the category the classifier proposed for it
(``product_proposals``, current version of the report only)."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Connection, and_, case, func, or_, select

from surveillance.warehouse.models import BaselineExclusion, InjuryReport, ProductProposal

HOSPITALISED_OUTCOMES = ("住院", "转院")
DEATH = "死亡"
SERIOUS_OUTCOMES = (*HOSPITALISED_OUTCOMES, DEATH)
SEVERE_GRADE = "重度"
CHILD_BELOW, ELDERLY_FROM = 14, 65  # ages, in years


def serious_case():
    """1 for a hospitalised, transferred or dead case, or one graded severe; else 0 (as a SQL expression)."""
    r = InjuryReport
    return case((or_(r.outcome.in_(SERIOUS_OUTCOMES), r.severity == SEVERE_GRADE), 1), else_=0)


def current_proposal():
    """The join of a report with its classifier proposal for the report's current version."""
    r, p = InjuryReport, ProductProposal
    return and_(p.injury_report_id == r.id, p.row_hash == r.row_hash)


def daily_counts(conn: Connection, start: date, end: date) -> pd.DataFrame:
    """Reports per product, jurisdiction and visit day from ``start`` to ``end``, and how many of them were
    serious: columns product_code, jurisdiction_code, visit_date, n, severe. Grouped in the order of the
    covering index ``ix_injury_reports_counts``, so SQLite reads the index alone and sorts nothing."""
    r, p = InjuryReport, ProductProposal
    counted = (func.count(), func.sum(serious_case()))
    coded = (select(r.product_code, r.jurisdiction_code, r.visit_date, *counted)
             .where(r.visit_date.between(start, end), r.product_code.is_not(None))
             .group_by(r.visit_date, r.product_code, r.jurisdiction_code))
    proposed = (select(p.product_code, r.jurisdiction_code, r.visit_date, *counted).join(p, current_proposal())
                .where(r.visit_date.between(start, end), r.product_code.is_(None), p.product_code.is_not(None))
                .group_by(p.product_code, r.jurisdiction_code, r.visit_date))
    columns = ["product_code", "jurisdiction_code", "visit_date", "n", "severe"]
    frames = [pd.DataFrame(conn.execute(stmt).all(), columns=columns) for stmt in (coded, proposed)]
    counts = pd.concat(frames, ignore_index=True).astype({"n": "int64", "severe": "int64"})
    return counts.groupby(columns[:3], as_index=False)[["n", "severe"]].sum() if len(frames[1]) else counts


def product_reports(conn: Connection, start: date, end: date, **equal: str) -> pd.DataFrame:
    """The reports with a product (coded, or proposed: ``proposed`` True) from ``start`` to ``end``, for the
    evidence of a signal; ``equal`` narrows them (column = value, ``product_code`` included)."""
    r, p = InjuryReport, ProductProposal
    product = func.coalesce(r.product_code, p.product_code)
    cols = [r.jurisdiction_code, r.visit_date, r.severity, r.outcome, r.age, r.hospital_code, r.report_id,
            r.injury_nature, r.body_part, r.region_code]
    stmt = (select(product, (r.product_code.is_(None)).label("proposed"), *cols).outerjoin(p, current_proposal())
            .where(r.visit_date.between(start, end), product.is_not(None)))
    for column, value in equal.items():
        stmt = stmt.where((product if column == "product_code" else getattr(r, column)) == value)
    rows = conn.execute(stmt.order_by(r.visit_date, r.hospital_code, r.report_id)).all()
    frame = pd.DataFrame(rows, columns=["product_code", "proposed", *[c.key for c in cols]])
    return frame.assign(proposed=frame["proposed"].astype(bool))


def pattern_counts(conn: Connection, start: date, split: date, end: date) -> pd.DataFrame:
    """Coded reports per product, nature of injury and body part, before ``split`` (from ``start``) and
    from ``split`` to ``end`` (``recent`` 0/1): the disproportionality tables' inputs."""
    r = InjuryReport
    recent = case((r.visit_date >= split, 1), else_=0).label("recent")
    keys = (r.product_code, r.injury_nature, r.body_part, recent)
    stmt = (select(*keys, func.count()).where(r.visit_date.between(start, end), r.product_code.is_not(None))
            .group_by(*keys))
    return pd.DataFrame(conn.execute(stmt).all(), columns=["product_code", "injury_nature", "body_part", "recent", "n"])


def excluded_weeks(conn: Connection, start: date, end: date) -> list[tuple[str, date]]:
    """(series, Monday) of the injury weeks left out of baselines (surveillance/response/exclusions.py) and
    not restored, between ``start`` and ``end``."""
    rows = conn.execute(select(BaselineExclusion.series, BaselineExclusion.week_start).where(
        BaselineExclusion.domain == "injury", BaselineExclusion.restored_at.is_(None),
        BaselineExclusion.week_start.between(start, end)))
    return [(series, week) for series, week in rows]
