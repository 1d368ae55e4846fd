"""Injury counts aggregated in the database, and the classifier's proposals stored once per report version."""

from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import insert, select, update

from surveillance.signals.detectors import product_proposals
from surveillance.signals.detectors.injury_counts import daily_counts, pattern_counts, product_reports
from surveillance.warehouse.models import InjuryReport, ProductProposal
from tests.conftest import add_batch

DAY = date(2026, 11, 26)
PRODUCTS = {"P0201": ["电热水壶", "烧水壶"], "P0401": ["电动车电池", "充电器"], "P0101": ["玩具", "积木"]}
FILLER = ["在家中", "使用时", "不慎", "晚上", "孩子", "老人"]


def _reports(n: int, uncoded_share: float, seed: int) -> pd.DataFrame:
    """``n`` reports over the 60 days to DAY; a share name their product without coding it."""
    rng = np.random.default_rng(seed)
    code = rng.choice(list(PRODUCTS), n)
    frame = pd.DataFrame(dict(
        report_id=[f"R{seed}-{i}" for i in range(n)], hospital_code=rng.choice(["H1", "H2"], n),
        region_code="610102", jurisdiction_code=rng.choice(["610100", "610300"], n),
        visit_date=[DAY - timedelta(days=int(d)) for d in rng.integers(0, 60, n)], sex="男", age=30.0,
        injury_cause="烧烫伤", injury_intent="非故意", injury_nature=rng.choice(["烧烫伤", "锐器伤", "骨折"], n),
        body_part=rng.choice(["上肢", "头部"], n), severity=rng.choice(["轻度", "重度"], n, p=[0.8, 0.2]),
        outcome=rng.choice(["处理后离院", "住院", "死亡"], n, p=[0.85, 0.13, 0.02]), product_code=code,
        product_name=[rng.choice(PRODUCTS[c]) for c in code],
        narrative=[rng.choice(FILLER) + "使用" + rng.choice(PRODUCTS[c]) + "时受伤" for c in code],
        row_hash=[f"h{i}" for i in range(n)], batch_id=1, truth=code))
    uncoded = rng.random(n) < uncoded_share
    frame.loc[uncoded, "product_code"] = None
    return frame


def _store(engine, frame: pd.DataFrame) -> None:
    with engine.begin() as conn:
        add_batch(conn, "injury", DAY)
        conn.execute(insert(InjuryReport), frame.drop(columns="truth").to_dict("records"))


def _proposals(engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(select(ProductProposal)).mappings().all())


def test_uncoded_reports_are_proposed_once_and_again_when_corrected(engine, monkeypatch) -> None:
    monkeypatch.setattr(product_proposals, "CHUNK", 25)  # several chunks, each read on from the last
    frame = _reports(600, 0.2, seed=1)
    _store(engine, frame)
    with engine.begin() as conn:
        first = product_proposals.propose_pending(conn, DAY)
    uncoded = int(frame["product_code"].isna().sum())
    assert first["used"] and first["pending"] == uncoded and first["proposed"] > 0.9 * uncoded
    stored = _proposals(engine)
    assert len(stored) == uncoded and (stored["proposed_on"] == DAY).all()
    with engine.begin() as conn:  # the next night: nothing new, nothing proposed again
        assert product_proposals.propose_pending(conn, DAY + timedelta(days=1)) == {"pending": 0}
    corrected = int(stored["injury_report_id"].iloc[0])
    with engine.begin() as conn:
        conn.execute(update(InjuryReport).where(InjuryReport.id == corrected).values(row_hash="corrected"))
        again = product_proposals.propose_pending(conn, DAY + timedelta(days=2))
    after = _proposals(engine)
    assert again["pending"] == 1 and len(after) == uncoded
    row = after[after["injury_report_id"] == corrected].iloc[0]
    assert row["row_hash"] == "corrected" and row["proposed_on"] == DAY + timedelta(days=2)


def test_proposals_wait_while_there_are_too_few_coded_reports(engine) -> None:
    _store(engine, _reports(60, 0.5, seed=2))
    with engine.begin() as conn:
        figures = product_proposals.propose_pending(conn, DAY)
    assert not figures["used"] and figures["pending"] > 0 and figures["proposed"] == 0
    assert _proposals(engine).empty  # tried again on a later night, with more coded reports


def test_database_counts_equal_counting_the_reports(engine) -> None:
    frame = _reports(800, 0.2, seed=3)
    _store(engine, frame)
    with engine.begin() as conn:
        product_proposals.propose_pending(conn, DAY)
    proposals = _proposals(engine)
    with engine.begin() as conn:  # one proposal goes stale: its report was corrected after it
        stale = int(proposals.loc[proposals["product_code"].notna(), "injury_report_id"].iloc[0])
        conn.execute(update(InjuryReport).where(InjuryReport.id == stale).values(row_hash="corrected"))
    with engine.connect() as conn:
        ids = pd.DataFrame(conn.execute(select(InjuryReport.id, InjuryReport.report_id)).all(), columns=["id", "report_id"])
        start, end = DAY - timedelta(days=40), DAY - timedelta(days=5)
        counts = daily_counts(conn, start, end)
        patterns = pattern_counts(conn, start, DAY - timedelta(days=20), end)
        week = product_reports(conn, DAY - timedelta(days=6), DAY)
    rows = frame.merge(ids, on="report_id").merge(
        proposals.rename(columns={"product_code": "proposed_code", "injury_report_id": "id"})[["id", "proposed_code"]],
        on="id", how="left")
    rows.loc[rows["id"] == stale, "proposed_code"] = None
    rows["product"] = rows["product_code"].fillna(rows["proposed_code"])
    rows = rows[rows["product"].notna()]
    rows["severe"] = (rows["outcome"].isin(["住院", "转院", "死亡"]) | (rows["severity"] == "重度")).astype(int)
    window = rows[(rows["visit_date"] >= start) & (rows["visit_date"] <= end)]
    expected = window.groupby(["product", "jurisdiction_code", "visit_date"])["severe"].agg(["size", "sum"])
    ours = counts.set_index(["product_code", "jurisdiction_code", "visit_date"]).sort_index()
    assert ours["n"].tolist() == expected.sort_index()["size"].tolist() and ours["n"].sum() == len(window) > 300
    assert ours["severe"].tolist() == expected.sort_index()["sum"].tolist() and 0 < ours["severe"].sum() < len(window)
    assert counts["product_code"].isin(PRODUCTS).all()
    coded = window[window["product_code"].notna()].assign(recent=lambda f: (f["visit_date"] >= DAY - timedelta(days=20)).astype(int))
    expected = coded.groupby(["product_code", "injury_nature", "body_part", "recent"]).size()
    assert patterns.set_index(["product_code", "injury_nature", "body_part", "recent"])["n"].sort_index().tolist() \
        == expected.sort_index().tolist()
    this_week = rows[rows["visit_date"] >= DAY - timedelta(days=6)]
    assert len(week) == len(this_week) and week["proposed"].sum() == this_week["product_code"].isna().sum()
    assert (week.loc[week["proposed"], "product_code"].notna()).all()
