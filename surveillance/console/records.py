"""The records behind a signal, pseudonymised: the injury cases it counted (patient hash, never a name or
number), the samples that failed with their failed items, the lab results over their limits."""

from __future__ import annotations

from sqlalchemy import and_, false, func, select, tuple_
from sqlalchemy.orm import Session

from surveillance.warehouse.models import FoodResult, InjuryReport, InspectionResult, Signal

MAX_RECORDS = 200  # a page shows this many; the count says how many there are

INJURY_FIELDS = ("visit_date", "hospital_code", "region_code", "sex", "age", "injury_cause", "injury_nature", "body_part",
                 "severity", "outcome", "product_name", "narrative", "patient")
INSPECTION_FIELDS = ("sample_id", "sampling_date", "product_name", "brand", "model", "manufacturer_name", "manufacturer_uscc",
                     "sampling_stage", "inspection_agency", "verdict", "failed_items")
FOOD_FIELDS = ("sample_id", "sampling_date", "food_name", "sampling_stage", "analyte", "result_raw", "result_value", "unit",
               "limit_value", "limit_standard", "exceeds_limit", "sender_verdict")


def _sample_ids(evidence: dict, *keys: str) -> list[str]:
    ids: list[str] = []
    for key in keys:
        value = evidence.get(key)
        if isinstance(value, str):
            ids.append(value)
        elif isinstance(value, list):
            ids.extend(str(v) for v in value)
    return list(dict.fromkeys(ids))


def records_for(conn: Session, signal: Signal, evidence: dict, patient_records: bool) -> tuple[list[str], list[dict], int]:
    """(columns, rows, how many in all) behind ``signal``; injury cases only for ``patient_records``."""
    if signal.domain == "injury":
        if not patient_records:
            return [], [], 0
        return _injury(conn, signal, evidence)
    if signal.domain == "inspection":
        ids = _sample_ids(evidence, "failed_samples", "samples")
        rows = conn.execute(select(InspectionResult).where(InspectionResult.sample_id.in_(ids[:MAX_RECORDS]))
                            .order_by(InspectionResult.sampling_date, InspectionResult.sample_id)).scalars().all()
        return list(INSPECTION_FIELDS), [{f: getattr(r, f) for f in INSPECTION_FIELDS} for r in rows], len(ids)
    ids = _sample_ids(evidence, "sample_id", "exceeding_samples")
    query = select(FoodResult).where(FoodResult.sample_id.in_(ids[:MAX_RECORDS]))
    if "exceeding_samples" in evidence:  # a rate signal: the results over their limits
        query = query.where(FoodResult.exceeds_limit)
    rows = conn.execute(query.order_by(FoodResult.sampling_date, FoodResult.sample_id, FoodResult.analyte)).scalars().all()
    return list(FOOD_FIELDS), [{f: getattr(r, f) for f in FOOD_FIELDS} for r in rows], len(rows)


def _injury(conn: Session, signal: Signal, evidence: dict) -> tuple[list[str], list[dict], int]:
    if evidence.get("records"):
        pairs = [tuple(str(r).split("/", 1)) for r in evidence["records"] if "/" in str(r)]
        where = tuple_(InjuryReport.hospital_code, InjuryReport.report_id).in_(pairs) if pairs else false()
        total = len(pairs)
    else:  # a pattern signal: the product's cases of the period with the pattern's value
        conds = [InjuryReport.visit_date.between(signal.period_start, signal.period_end)]
        if signal.category_code:
            conds.append(InjuryReport.product_code == signal.category_code)
        if signal.jurisdiction_code:
            conds.append(InjuryReport.jurisdiction_code == signal.jurisdiction_code)
        column = getattr(InjuryReport, str(evidence.get("pattern", "")), None)
        if column is not None and evidence.get("value") is not None:
            conds.append(column == str(evidence["value"]))
        where = and_(*conds)
        total = conn.execute(select(func.count()).select_from(InjuryReport).where(where)).scalar_one()
    rows = conn.execute(select(InjuryReport).where(where).order_by(InjuryReport.visit_date, InjuryReport.id)
                        .limit(MAX_RECORDS)).scalars().all()
    out = []
    for r in rows:
        row = {f: getattr(r, f) for f in INJURY_FIELDS if f != "patient"}
        row["patient"] = (r.patient_hash or "")[:12]  # the pseudonym: a keyed hash, never the name or number
        out.append(row)
    return list(INJURY_FIELDS), out, total
