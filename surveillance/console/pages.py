"""What the console's pages and API show, as plain data: the signal list with its filters, one signal's
page (chart, evidence, records, episode timeline, routing, allowed steps) and the dashboard. Every query
goes through ``access`` so a user only ever reads what their role allows."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from surveillance import reference
from surveillance.alerts.charts import WEEKLY, signal_series
from surveillance.alerts.compose import COLOURS
from surveillance.alerts.digest import category_name
from surveillance.alerts.routing import FALLBACK_AGENCY, FALLBACK_REASON, explain, recorded_alerts
from surveillance.alerts.run import DELIVERY_ZH
from surveillance.console import access
from surveillance.console.accounts import User
from surveillance.console.records import records_for
from surveillance.response.deadlines import RESPONSE_DAYS
from surveillance.response.outcomes import GROUPING_NAMES, group_label, ppv_tables
from surveillance.response.states import ACTIONS, CLOSED, DISMISSAL_REASONS, DISMISSED, NEXT, STATES
from surveillance.response.trail import EpisodeState, states_in
from surveillance.signals.episodes import STATUS_ZH
from surveillance.signals.levels import LEVELS
from surveillance.signals.registry import DOMAINS, method_label
from surveillance.warehouse.models import Alert, Episode, EpisodeAction, Signal

MAX_LIST = 500  # rows on one list page; the count says how many matched
OPEN_STATES = tuple(s for s in STATES if s not in (DISMISSED, CLOSED))


@dataclass(frozen=True)
class Filters:
    """The signal list's filters; each None means any."""

    level: int | None = None
    state: str | None = None
    domain: str | None = None
    method: str | None = None
    agency: str | None = None
    city: str | None = None
    since: date | None = None  # detected on or after
    until: date | None = None  # detected on or before


def agency_names() -> dict[str, str]:
    return dict(zip(reference.agencies()["agency_id"], reference.agencies()["name"], strict=True))


def _agencies_of(conn: Session, signal_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if not signal_ids:
        return out
    for sid, agency in conn.execute(select(Alert.signal_id, Alert.agency_id).where(Alert.signal_id.in_(signal_ids))
                                    .distinct().order_by(Alert.agency_id)):
        out.setdefault(sid, []).append(agency)
    return out


def _period(s: Signal) -> str:
    return s.period_start.isoformat() if s.period_start == s.period_end else f"{s.period_start:%Y-%m-%d}至{s.period_end:%Y-%m-%d}"


def _summary(s: Signal, state: EpisodeState | None, agencies: list[str]) -> dict:
    names = reference.jurisdiction_names()
    return dict(
        id=s.id, code=f"S{s.id:06d}", level=s.level, level_label=LEVELS[s.level][0], colour=COLOURS[s.level],
        domain=s.domain, domain_label=DOMAINS.get(s.domain, s.domain), method=s.method, method_label=method_label(s.method),
        category=category_name(s.category_code), city=names.get(s.jurisdiction_code or "", s.jurisdiction_code or ""),
        jurisdiction_code=s.jurisdiction_code, period=_period(s), period_end=s.period_end, detected_on=s.detected_on,
        status=STATUS_ZH.get(s.status or "new", s.status or ""), title=s.title, observed=s.observed, expected=s.expected,
        threshold=s.threshold, episode_id=s.episode_id, state=state.state if state else None,
        due=state.due if state else None, overdue=bool(state and state.overdue), agencies=agencies)


def signal_list(conn: Session, user: User, f: Filters, today: date) -> tuple[list[dict], int]:
    """The signals ``user`` may see that pass the filters, most recent and most severe first, and how many."""
    query = access.visible(select(Signal), user)
    if f.level:
        query = query.where(Signal.level == f.level)
    if f.domain:
        query = query.where(Signal.domain == f.domain)
    if f.method:
        query = query.where(Signal.method == f.method)
    if f.city:
        query = query.where(Signal.jurisdiction_code == f.city)
    if f.since:
        query = query.where(Signal.detected_on >= f.since)
    if f.until:
        query = query.where(Signal.detected_on <= f.until)
    if f.agency:
        query = query.where(exists().where(Alert.signal_id == Signal.id, Alert.agency_id == f.agency))
    signals = conn.execute(query.order_by(Signal.detected_on.desc(), Signal.level, Signal.id.desc())).scalars().all()
    states = states_in(conn, today, sorted({s.episode_id for s in signals if s.episode_id}))
    if f.state:
        signals = [s for s in signals if (states[s.episode_id].state if s.episode_id in states else None) == f.state]
    shown = signals[:MAX_LIST]
    agencies = _agencies_of(conn, [s.id for s in shown])
    return [_summary(s, states.get(s.episode_id), agencies.get(s.id, [])) for s in shown], len(signals)


def chart_data(s: Signal, evidence: dict) -> dict:
    """The series the page's chart draws (the email's chart's series: alerts.charts) with the threshold and
    expected value of the signal's period; a signal without a series shows its three figures."""
    labels, values, what = signal_series(evidence)
    if values:
        weekly = what == WEEKLY
        return dict(kind="series", unit="例/周" if weekly else "月中位数", labels=labels, values=values,
                    threshold=s.threshold if weekly else None, expected=s.expected if weekly else None)
    bars = [("观测值", s.observed), ("期望值", s.expected), ("阈值", s.threshold)]
    return dict(kind="figures", unit="", labels=[b[0] for b in bars if b[1] is not None],
                values=[float(b[1]) for b in bars if b[1] is not None], threshold=None, expected=None)


def _routing(conn: Session, s: Signal) -> dict:
    names = agency_names()
    rules = []
    for e in explain(s.domain, s.category_group, s.sampling_stage, s.jurisdiction_code):
        r = e["rule"]
        rules.append(dict(matched=e["matched"], category_group=r["category_group"], sampling_stage=r["sampling_stage"],
                          agency_kind=r["agency_kind"], reason=r["reason"], why_not=e["why_not"],
                          agencies=[f"{a} {names.get(a, '')}" for a in e["agencies"]]))
    sent = [dict(agency=f"{a.agency_id} {names.get(a.agency_id, '')}", level=LEVELS[a.level][0] if a.level else "",
                 status=STATUS_ZH.get(a.status or "", a.status or ""), routed_on=a.routed_on, reason=a.reason,
                 delivery=DELIVERY_ZH.get(a.delivery_status, a.delivery_status) if a.delivery_status else "未生成",
                 day=a.day) for a in recorded_alerts(conn, s.id)]
    fallback = not any(r["matched"] for r in rules)
    return dict(rules=rules, alerts=sent, fallback=f"{FALLBACK_AGENCY} {names.get(FALLBACK_AGENCY, '')}：{FALLBACK_REASON}"
                if fallback else None)


def _timeline(conn: Session, user: User, episode_id: int) -> list[dict]:
    events = []
    signals = conn.execute(access.visible(select(Signal).where(Signal.episode_id == episode_id), user)).scalars().all()
    for x in signals:
        events.append(dict(when=datetime.combine(x.first_detected_on, datetime.min.time()), kind="信号",
                           text=f"S{x.id:06d} {LEVELS[x.level][0]} {STATUS_ZH.get(x.status or 'new', '')}：{x.title}",
                           link=x.id))
    steps = conn.execute(select(EpisodeAction).where(EpisodeAction.episode_id == episode_id)
                         .order_by(EpisodeAction.at, EpisodeAction.id)).scalars().all()
    for a in steps:
        extra = "".join(f"（{v}）" for v in (a.reason, a.action) if v)
        events.append(dict(when=a.at, kind="核查", text=f"{a.from_state} → {a.to_state}{extra}，{a.actor}"
                           + (f"：{a.comment}" if a.comment else ""), link=None))
    return sorted(events, key=lambda e: e["when"])


def signal_page(conn: Session, user: User, signal_id: int, today: date) -> dict | None:
    """Everything the signal's page shows, or None if there is no such signal *for this user*."""
    if not access.can_see_signal(conn, user, signal_id):
        return None
    s = conn.get(Signal, signal_id)
    stored = json.loads(s.evidence)
    evidence = access.evidence_for(user, stored)
    state = states_in(conn, today, [s.episode_id]).get(s.episode_id) if s.episode_id else None
    agencies = _agencies_of(conn, [s.id]).get(s.id, [])
    columns, records, total = records_for(conn, s, evidence, user.patient_records)
    episode = conn.get(Episode, s.episode_id) if s.episode_id else None
    escalated_since_dismissal = bool(state and state.dismissed_as_artefact_at_level and episode
                                     and episode.level < state.dismissed_as_artefact_at_level)
    return dict(
        signal=_summary(s, state, agencies), evidence=evidence, chart=chart_data(s, stored),
        records=dict(columns=columns, rows=records, total=total, hidden=s.domain == "injury" and not user.patient_records),
        episode=dict(id=episode.id, status=STATUS_ZH.get(episode.status, episode.status), level=LEVELS[episode.level][0],
                     opened_on=episode.opened_on, state=state.state, due=state.due, overdue=state.overdue,
                     escalated_since_dismissal=escalated_since_dismissal,
                     next_steps=list(NEXT[state.state]), timeline=_timeline(conn, user, episode.id)) if episode and state else None,
        routing=_routing(conn, s), reasons=DISMISSAL_REASONS, actions=ACTIONS)


def dashboard(conn: Session, user: User, today: date) -> dict:
    """Open episodes by level and agency, response times by level, overdue episodes, PPV (for the office and
    analysts: from every verified episode; agency staff see their own episodes only)."""
    signals = conn.execute(access.visible(select(Signal.id, Signal.episode_id, Signal.level), user)
                           .where(Signal.episode_id.is_not(None))).all()
    episode_ids = sorted({s.episode_id for s in signals})
    states = states_in(conn, today, episode_ids)
    agencies = _agencies_of(conn, [s.id for s in signals])
    open_by: dict[str, dict[int, set[int]]] = {}
    for s in signals:
        st = states.get(s.episode_id)
        if st is None or st.state not in OPEN_STATES:
            continue
        for a in agencies.get(s.id, []):
            if user.sees_everything or a == user.agency_id:
                open_by.setdefault(a, {}).setdefault(st.level, set()).add(s.episode_id)
    names = agency_names()
    table = [dict(agency=f"{a} {names.get(a, '')}", counts=[len(levels.get(k, ())) for k in LEVELS],
                  total=len(set().union(*levels.values()))) for a, levels in sorted(open_by.items())]
    first_step = dict(conn.execute(select(EpisodeAction.episode_id, func.min(EpisodeAction.at)).where(
        EpisodeAction.episode_id.in_(episode_ids)).group_by(EpisodeAction.episode_id)).all())
    response = []
    for k in LEVELS:
        days = [(first_step[e].date() - st.level_since).days for e, st in states.items() if st.level == k and e in first_step]
        late = [st for st in states.values() if st.level == k and st.overdue]
        response.append(dict(level=LEVELS[k][0], responded=len(days), median_days=statistics.median(days) if days else None,
                             within=sum(d <= RESPONSE_DAYS[k] for d in days), overdue=len(late)))
    overdue = sorted((st for st in states.values() if st.overdue), key=lambda st: (st.level, st.due))
    latest = {s.episode_id: s.id for s in sorted(signals, key=lambda s: s.id)}
    ppv = {GROUPING_NAMES[by]: [dict(group=group_label(by, r.key), confirmed=r.confirmed, dismissed=r.dismissed, ppv=r.ppv)
                                for r in rows] for by, rows in ppv_tables(conn).items()} if user.sees_everything else {}
    return dict(table=table, levels=[LEVELS[k][0] for k in LEVELS], response=response,
                overdue=[dict(episode_id=st.episode_id, level=LEVELS[st.level][0], state=st.state, due=st.due,
                              signal_id=latest.get(st.episode_id)) for st in overdue],
                open_total=len({e for levels in open_by.values() for ids in levels.values() for e in ids}), ppv=ppv)
