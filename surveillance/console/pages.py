"""What the console's pages and API show, as plain data: the signal list with its filters, one signal's
page (chart, evidence, records, episode timeline, routing, allowed steps) and the dashboard. Every query
goes through ``access`` so a user only ever reads what their role allows."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from datetime import date, datetime

from markupsafe import Markup
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from surveillance import reference
from surveillance.alerts.charts import WEEKLY, signal_series
from surveillance.alerts.digest import ADVICE
from surveillance.alerts.maps import map_svg
from surveillance.alerts.routing import FALLBACK_AGENCY, FALLBACK_REASON, explain_signal_rules, recorded_alerts
from surveillance.alerts.run import DELIVERY_ZH
from surveillance.console import access
from surveillance.console.accounts import User
from surveillance.console.records import records_for
from surveillance.response.deadlines import RESPONSE_DAYS
from surveillance.response.groupings import GROUPING_NAMES
from surveillance.response.outcomes import group_label, ppv_tables
from surveillance.response.states import ACTIONS, CHECKING, CLOSED, CONFIRMED, DISMISSAL_REASONS, DISMISSED, NEXT, PENDING, STATES
from surveillance.response.trail import CONCLUDED, EpisodeState, late_agencies, states_in
from surveillance.signals.episodes import SENDABLE, STATUS_ZH
from surveillance.signals.levels import COLOURS, LEVELS
from surveillance.signals.registry import DOMAINS, method_label
from surveillance.signals.signal import episode_code, signal_code
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
    q: str | None = None  # words of a manufacturer, USCC, product, sample number or place
    sort: str = "detected"  # one of SORTS
    page: int = 1


SORTS = {"detected": "发现日期（新→旧）", "level": "级别（高→低）", "due": "应响应日期（早→晚）", "observed": "观测值（大→小）"}


def agency_names() -> dict[str, str]:
    return reference.agency_names()


AGENCY_LEVELS_ZH = (("province", "省级"), ("city", "市级（含杨凌示范区）"), ("county", "县级"))


def agency_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The office's agency filter: today's agencies by level (about 180 with the county bureaus), then the 2015
    departments whose alerts are history, each group in the order agencies.csv lists them."""
    table = reference.agencies()
    groups = [(label, list(zip(table[table["level"] == level]["agency_id"], table[table["level"] == level]["name"], strict=True)))
              for level, label in AGENCY_LEVELS_ZH]
    names = reference.agency_names()
    former = [(a, names[a]) for a in reference.former_agencies()["agency_id"] if a not in set(table["agency_id"])]
    return [(label, rows) for label, rows in [*groups, ("已撤销的2015年部门（历史预警）", former)] if rows]


def reader(user: User) -> str | None:
    """Whose view of an episode's verification the user reads: None (the overall state) for the office and
    analysts, the agency's own for agency staff."""
    return None if user.sees_everything else user.agency_id


def _agencies_of(conn: Session, signal_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if not signal_ids:
        return out
    for sid, agency in conn.execute(select(Alert.signal_id, Alert.agency_id).where(Alert.signal_id.in_(signal_ids),
                                                                                 Alert.withheld.is_(None))
                                    .distinct().order_by(Alert.agency_id)):
        out.setdefault(sid, []).append(agency)
    return out


def _period(s: Signal) -> str:
    return s.period_start.isoformat() if s.period_start == s.period_end else f"{s.period_start:%Y-%m-%d}至{s.period_end:%Y-%m-%d}"


def _summary(s: Signal, state: EpisodeState | None, agencies: list[str]) -> dict:
    names = reference.jurisdiction_names()
    return dict(
        id=s.id, code=signal_code(s.id), level=s.level, level_label=LEVELS[s.level][0], colour=COLOURS[s.level],
        domain=s.domain, domain_label=DOMAINS.get(s.domain, s.domain), method=s.method, method_label=method_label(s.method),
        category=reference.category_name(s.category_code), city=names.get(s.jurisdiction_code or "", s.jurisdiction_code or ""),
        jurisdiction_code=s.jurisdiction_code, period=_period(s), period_end=s.period_end, detected_on=s.detected_on,
        status=STATUS_ZH.get(s.status or "new", s.status or ""), title=s.title, observed=s.observed, expected=s.expected,
        threshold=s.threshold, episode_id=s.episode_id, state=state.state if state else None,
        due=state.due if state else None, overdue=bool(state and state.overdue), agencies=agencies,
        agency_names=[agency_names().get(a, a) for a in agencies])


def _search(q: str):
    """Signals a search word names: in its title (manufacturer, USCC, product, place), series or evidence
    (sample numbers, USCCs), or by the name of its category or city."""
    words = q.strip()
    categories = [code for code, name in reference.category_names().items() if words in name]
    cities = [code for code, name in reference.jurisdiction_names().items() if words in name]
    return or_(Signal.title.contains(words, autoescape=True), Signal.series.contains(words, autoescape=True),
               Signal.evidence.contains(words, autoescape=True), Signal.signal_key.contains(words, autoescape=True),
               Signal.category_code.in_(categories), Signal.jurisdiction_code.in_(cities))


def _sort_key(sort: str, states: dict[int, EpisodeState]):
    if sort == "level":
        return lambda s: (s.level, -s.id)
    if sort == "due":
        far = date.max
        return lambda s: (states[s.episode_id].due if s.episode_id in states else far, s.level, -s.id)
    if sort == "observed":
        return lambda s: (-(s.observed or 0), -s.id)
    return lambda s: (-s.detected_on.toordinal(), s.level, -s.id)


def matching_signals(conn: Session, user: User, f: Filters, today: date) -> tuple[list[Signal], dict[int, EpisodeState]]:
    """Every signal ``user`` may see that passes the filters, in the chosen order, with their episodes' states."""
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
    if f.q and f.q.strip():
        query = query.where(_search(f.q))
    if f.agency:
        query = query.where(exists().where(Alert.signal_id == Signal.id, Alert.agency_id.in_(reference.predecessors(f.agency)),
                                           Alert.withheld.is_(None)))
    signals = conn.execute(query).scalars().all()
    states = states_in(conn, today, sorted({s.episode_id for s in signals if s.episode_id}), reader(user))
    if f.state:
        signals = [s for s in signals if (states[s.episode_id].state if s.episode_id in states else None) == f.state]
    return sorted(signals, key=_sort_key(f.sort if f.sort in SORTS else "detected", states)), states


def signal_list(conn: Session, user: User, f: Filters, today: date) -> tuple[list[dict], int]:
    """One page (MAX_LIST rows) of the signals ``user`` may see that pass the filters, and how many in all."""
    signals, states = matching_signals(conn, user, f, today)
    start = (max(f.page, 1) - 1) * MAX_LIST
    shown = signals[start:start + MAX_LIST]
    agencies = _agencies_of(conn, [s.id for s in shown])
    return [_summary(s, states.get(s.episode_id), agencies.get(s.id, [])) for s in shown], len(signals)


EXPORT_HEADER = ["编号", "级别", "领域", "检测方法", "类别", "地区", "时段", "发现日期", "说明", "观测值", "期望值", "阈值",
                 "信号状态", "事件", "核查状态", "应响应日期", "是否超时", "责任部门", "详情链接"]


def export_rows(conn: Session, user: User, f: Filters, today: date, base_url: str | None) -> list[list[object]]:
    """Every matching signal (no paging) as the export's rows, names instead of codes."""
    signals, states = matching_signals(conn, user, f, today)
    agencies = _agencies_of(conn, [s.id for s in signals])
    names = agency_names()
    rows = []
    for s in signals:
        d = _summary(s, states.get(s.episode_id), agencies.get(s.id, []))
        rows.append([d["code"], d["level_label"], d["domain_label"], d["method_label"], d["category"], d["city"] or "全省",
                     d["period"], d["detected_on"].isoformat(), d["title"], d["observed"], d["expected"], d["threshold"],
                     d["status"], episode_code(s.episode_id) if s.episode_id else "", d["state"] or "",
                     d["due"].isoformat() if d["due"] else "", "是" if d["overdue"] else "否",
                     "、".join(names.get(a, a) for a in d["agencies"]),
                     f"{base_url.rstrip('/')}/signals/{s.id}" if base_url else f"/signals/{s.id}"])
    return rows


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
    """The rules and what became of them: each matching rule's agencies, and for each agency whether it was
    sent the signal, and if not, why (withheld after a dismissal, an ongoing signal, not yet routed)."""
    names = agency_names()
    kinds = {a.kind: a.name for a in reference.agencies().itertuples(index=False) if a.level == "province"}
    plan = dict(zip(reference.duty_transfers()["plan_kind"], reference.duty_transfers()["plan_department"], strict=True))
    rules = []
    explained = explain_signal_rules(s)
    for e in explained:
        r = e["rule"]
        rules.append(dict(matched=e["matched"], category_group=r["category_group"], sampling_stage=r["sampling_stage"],
                          agency_kind=kinds.get(r["agency_kind"], r["agency_kind"]), lead=r["lead"],
                          plan_department=plan.get(r["plan_kind"], r["plan_kind"]), reason=r["reason"],
                          why_not=e["why_not"], agencies=[names.get(a, a) for a in e["agencies"]]))
    recorded = recorded_alerts(conn, s.id)
    sent = [dict(agency=names.get(a.agency_id, a.agency_id), level=LEVELS[a.level][0] if a.level else "",
                 status=STATUS_ZH.get(a.status or "", a.status or ""), routed_on=a.routed_on, reason=a.reason,
                 lead=a.lead, withheld=a.withheld,
                 delivery=DELIVERY_ZH.get(a.delivery_status, a.delivery_status) if a.delivery_status else "未生成",
                 day=a.day) for a in recorded]
    reached = {a.agency_id for a in recorded}
    unsent = []
    for agency in dict.fromkeys(a for e in explained
                                for a in e["agencies"]):
        if agency in reached:
            continue
        why = ("持续信号（同一事件此前已发送）不再重复发送" if (s.status or "new") not in SENDABLE
               else "尚未路由：当晚的预警发送步骤运行后发送")
        unsent.append(dict(agency=names.get(agency, agency), why=why))
    fallback = not any(r["matched"] for r in rules)
    return dict(rules=rules, alerts=sent, unsent=unsent,
                fallback=f"{names.get(FALLBACK_AGENCY, FALLBACK_AGENCY)}：{FALLBACK_REASON}" if fallback else None)


def _timeline(conn: Session, user: User, episode_id: int) -> list[dict]:
    names = agency_names()
    events = []
    signals = conn.execute(access.visible(select(Signal).where(Signal.episode_id == episode_id), user)).scalars().all()
    for x in signals:
        events.append(dict(when=datetime.combine(x.first_detected_on, datetime.min.time()), kind="信号",
                           text=f"{signal_code(x.id)} {LEVELS[x.level][0]} {STATUS_ZH.get(x.status or 'new', '')}：{x.title}",
                           link=x.id))
    steps = conn.execute(select(EpisodeAction).where(EpisodeAction.episode_id == episode_id)
                         .order_by(EpisodeAction.at, EpisodeAction.id)).scalars().all()
    for a in steps:
        extra = "".join(f"（{v}）" for v in (a.reason, a.action) if v)
        who = names.get(a.agency_id, a.agency_id) if a.agency_id else names.get(reference.office(), "")
        track = "总体结论" if a.overall else "本部门核查"
        events.append(dict(when=a.at, kind=track, text=f"{who}：{a.from_state} → {a.to_state}{extra}，{a.actor}"
                           + (f"：{a.comment}" if a.comment else ""), link=None))
    return sorted(events, key=lambda e: e["when"])


def signal_page(conn: Session, user: User, signal_id: int, today: date) -> dict | None:
    """Everything the signal's page shows, or None if there is no such signal *for this user*."""
    if not access.can_see_signal(conn, user, signal_id):
        return None
    s = conn.get(Signal, signal_id)
    stored = json.loads(s.evidence)
    evidence = access.evidence_for(user, stored)
    state = states_in(conn, today, [s.episode_id], reader(user)).get(s.episode_id) if s.episode_id else None
    agencies = _agencies_of(conn, [s.id]).get(s.id, [])
    columns, records, total = records_for(conn, s, evidence, user.patient_records)
    episode = conn.get(Episode, s.episode_id) if s.episode_id else None
    escalated_since_dismissal = bool(state and state.dismissed_as_artefact_at_level and episode
                                     and episode.level < state.dismissed_as_artefact_at_level)
    names = agency_names()
    may_act = bool(episode and access.can_act_on_episode(conn, user, episode.id))
    return dict(
        signal=_summary(s, state, agencies), evidence=evidence, chart=chart_data(s, stored),
        records=dict(columns=columns, rows=records, total=total, hidden=s.domain == "injury" and not user.patient_records),
        episode=dict(id=episode.id, status=STATUS_ZH.get(episode.status, episode.status), level=LEVELS[episode.level][0],
                     opened_on=episode.opened_on, state=state.state, overall=state.overall, decides=state.decides and may_act,
                     own=not state.decides, leads=[names.get(a, a) for a in state.leads] or [names.get(reference.office(), "")],
                     office=names.get(reference.office(), ""), due=state.due, overdue=state.overdue,
                     escalated_since_dismissal=escalated_since_dismissal, may_act=may_act,
                     next_steps=list(NEXT[state.state]) if may_act else [],
                     timeline=_timeline(conn, user, episode.id)) if episode and state else None,
        routing=_routing(conn, s), reasons=DISMISSAL_REASONS, actions=ACTIONS, advice=ADVICE[s.domain])


def _awaits(st: EpisodeState) -> bool:
    """Whether the reader has something to do on the episode: answer it (待核查, 核查中) unless the lead has
    already concluded for everyone, or record what was done about a confirmed one (已确认)."""
    if st.state == CONFIRMED:
        return True
    return st.state in (PENDING, CHECKING) and (st.decides or st.overall not in CONCLUDED)


def todo(conn: Session, user: User, today: date) -> list[dict]:
    """我的待办: the episodes awaiting the user's agency (the office: awaiting anyone), most urgent first —
    overdue, then by level and deadline — each with its latest signal the user may see; for the office,
    which agencies are late."""
    signals = conn.execute(access.visible(select(Signal), user).where(Signal.episode_id.is_not(None))
                           .join(Episode, Episode.id == Signal.episode_id).where(Episode.status != "resolved")).scalars().all()
    latest: dict[int, Signal] = {}
    for s in sorted(signals, key=lambda s: s.id):
        latest[s.episode_id] = s
    states = states_in(conn, today, sorted(latest), reader(user))
    waiting = [st for st in states.values() if _awaits(st)]
    late = late_agencies(conn, today, [st.episode_id for st in waiting]) if user.sees_everything else {}
    names = agency_names()
    places = reference.jurisdiction_names()
    rows = []
    for st in sorted(waiting, key=lambda st: (not st.overdue, st.level, st.due, st.episode_id)):
        s = latest[st.episode_id]
        rows.append(dict(episode_id=st.episode_id, code=episode_code(st.episode_id), level=st.level, level_label=LEVELS[st.level][0],
                         colour=COLOURS[st.level], state=st.state, overall=st.overall, due=st.due, overdue=st.overdue,
                         signal_id=s.id, title=s.title, product=reference.category_name(s.category_code),
                         place=places.get(s.jurisdiction_code or "", "全省"),
                         late=[names.get(a, a) for a in late.get(st.episode_id, [])]))
    return rows


def risk_map(conn: Session, user: User, today: date) -> Markup:
    """The map of the open signals ``user`` may see (the latest of each open episode not dismissed or
    closed), each city linking to its signals and each county named by a signal to a search for it."""
    signals = conn.execute(access.visible(select(Signal), user).join(Episode, Episode.id == Signal.episode_id)
                           .where(Episode.status != "resolved")).scalars().all()
    latest: dict[int, Signal] = {}
    for s in sorted(signals, key=lambda s: s.id):
        latest[s.episode_id] = s
    states = states_in(conn, today, sorted(latest), reader(user))
    shown = [dict(level=s.level, jurisdiction_code=s.jurisdiction_code, evidence=json.loads(s.evidence))
             for e, s in latest.items() if states[e].overall not in (DISMISSED, CLOSED)]
    return map_svg(shown, lambda code, level: f"/signals?{'city' if level == 'city' else 'q'}={code}")


def dashboard(conn: Session, user: User, today: date) -> dict:
    """Open episodes by level and agency, response times by level, overdue episodes, PPV (for the office and
    analysts: from every verified episode; agency staff see their own episodes only)."""
    signals = conn.execute(access.visible(select(Signal.id, Signal.episode_id, Signal.level), user)
                           .where(Signal.episode_id.is_not(None))).all()
    episode_ids = sorted({s.episode_id for s in signals})
    states = states_in(conn, today, episode_ids, reader(user))
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
    table = [dict(agency=names.get(a, a), counts=[len(levels.get(k, ())) for k in LEVELS],
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
