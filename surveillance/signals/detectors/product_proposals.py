"""Proposes, once, a product category for each injury report that names a product but carries no code,
and stores it (``product_proposals``) for every night's counts to use. A report is proposed again only
when it is corrected (its ``row_hash`` changes). Nights whose classifier falls short of the accuracy
gate store nothing, so their reports are proposed on a later night."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Connection, Select, delete, func, insert, or_, select

from surveillance.signals.detectors.product_classifier import fit_proposer, report_text
from surveillance.warehouse.models import InjuryReport, ProductProposal

TRAINING_POOL = 50_000  # the most recent coded reports the classifier's training sample is drawn from
CHUNK = 100_000  # pending reports proposed at a time (bounds memory after a history load)


def _pending_select(*columns) -> Select:
    """Uncoded reports naming a product, with no proposal for their current version."""
    r, p = InjuryReport, ProductProposal
    return (select(*columns).outerjoin(p, p.injury_report_id == r.id)
            .where(r.product_code.is_(None), func.trim(func.coalesce(r.product_name, "")) != "",
                   or_(p.injury_report_id.is_(None), p.row_hash != r.row_hash)))


def _pending(conn: Connection, limit: int, after_id: int = 0) -> pd.DataFrame:
    """The next ``limit`` pending reports by id after ``after_id`` (a cursor: each chunk reads on from the last)."""
    r = InjuryReport
    stmt = _pending_select(r.id, r.row_hash, r.product_name, r.narrative, ProductProposal.injury_report_id.label("stale"))
    rows = conn.execute(stmt.where(r.id > after_id).order_by(r.id).limit(limit)).all()
    return pd.DataFrame(rows, columns=["id", "row_hash", "product_name", "narrative", "stale"])


def _training(conn: Connection, day: date) -> pd.DataFrame:
    """The most recent coded reports up to ``day``, in a deterministic order (natural keys, not ids)."""
    r = InjuryReport
    stmt = (select(r.product_code, r.product_name, r.narrative)
            .where(r.product_code.is_not(None), r.visit_date <= day)
            .order_by(r.visit_date.desc(), r.hospital_code, r.report_id).limit(TRAINING_POOL))
    return pd.DataFrame(conn.execute(stmt).all(), columns=["product_code", "product_name", "narrative"])


def propose_pending(conn: Connection, day: date) -> dict:
    """Propose and store a category for every pending report; the night's figures (held-out accuracy,
    reports proposed, of which confidently)."""
    pending = _pending(conn, CHUNK)
    if pending.empty:
        return {"pending": 0}
    model, figures = fit_proposer(_training(conn, day))
    if model is None:
        waiting = conn.execute(select(func.count()).select_from(_pending_select(InjuryReport.id).subquery())).scalar()
        return {**figures, "pending": int(waiting), "proposed": 0}
    done = confident = 0
    while not pending.empty:
        labels, confidence = model.propose(report_text(pending))
        stale = pending["stale"].notna()
        if stale.any():
            conn.execute(delete(ProductProposal).where(ProductProposal.injury_report_id.in_(pending.loc[stale, "id"].tolist())))
        conn.execute(insert(ProductProposal), [
            dict(injury_report_id=int(i), row_hash=h, product_code=label, confidence=float(c), proposed_on=day)
            for i, h, label, c in zip(pending["id"], pending["row_hash"], labels, confidence, strict=True)])
        done += len(pending)
        confident += int(pd.notna(labels).sum())
        pending = _pending(conn, CHUNK, after_id=int(pending["id"].max()))
    return {**figures, "pending": done, "proposed": confident}

