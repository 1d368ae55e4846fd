"""Route a signal to every responsible agency once, by rules kept as data (routing_rules.csv).

A matching rule names a kind of department; the provincial department always receives the
signal and, for a city-level signal, so does that city's counterpart. A rule that reaches counties
(``reach`` = county) also sends it to the county bureau of each county the signal's samples were taken in
(its evidence's ``places``). A signal no rule covers goes to the provincial coordinating office
(FALLBACK_AGENCY): every stored signal reaches someone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from surveillance import reference
from surveillance.signals.signal import places_of, signal_code, stages_of


@dataclass(frozen=True)
class Route:
    agency_id: str
    reason: str
    lead: bool = False  # 牵头: the agency that decides the episode's overall verification


FALLBACK_AGENCY = reference.office()  # 陕西省质量强省工作推进委员会办公室, which coordinates the departments
FALLBACK_REASON = "无对应的责任部门规则，由省质量强省工作推进委员会办公室协调确定责任部门（兜底路由）"


def _matches(rule_value: str, value: str | None) -> bool:
    return rule_value == "*" or rule_value == (value or "")


def _stage_matches(rule_value: str, value: str | None) -> bool:
    """A rule's stage matches a signal about samples of that stage, among others (a rate names all its stages)."""
    return rule_value == "*" or rule_value in stages_of(value)


@cache
def _by_kind_place() -> dict[tuple[str, str], str]:
    """(kind, jurisdiction or county code, '' for the province) -> agency id."""
    return {(a.kind, a.jurisdiction_code): a.agency_id for a in reference.agencies().itertuples(index=False)}


def _targets(agency_kind: str, jurisdiction_code: str | None, reach: str = "city",
             places: Iterable[str] = ()) -> list[str]:
    """The provincial department of a kind; for a city-level signal, that city's counterpart if it has one;
    for a rule reaching counties, the bureau of that kind of each county of that city in ``places`` that has
    one (a county of another city is its own city's business: the signal did not go there)."""
    by_kind_place = _by_kind_place()
    targets = [by_kind_place[(agency_kind, "")]]
    city = by_kind_place.get((agency_kind, jurisdiction_code or ""))
    if jurisdiction_code and city:
        targets.append(city)
    if reach == "county" and jurisdiction_code:
        city_of = reference.jurisdiction_of()
        counties = [c for c in reference.county_places(places) if city_of.get(c) == jurisdiction_code]
        targets += [a for a in (by_kind_place.get((agency_kind, c)) for c in counties) if a]
    return list(dict.fromkeys(targets))


def route(domain: str, category_group: str | None, sampling_stage: str | None,
          jurisdiction_code: str | None, places: Iterable[str] = ()) -> list[Route]:
    """Agencies responsible for a signal, each once, with the rule(s) that chose them. The first matching
    rule marked 牵头 (lead) makes its provincial and city agencies the signal's lead (a county bureau never
    leads: it verifies what it was sent); a signal no rule covers goes to the office, which then leads.
    ``places``: the county codes of the signal's samples (its evidence's ``places``)."""
    places = tuple(places)
    reasons: dict[str, list[str]] = {}
    lead: set[str] = set()
    for rule in reference.routing_rules().itertuples(index=False):
        if rule.domain != domain or not _matches(rule.category_group, category_group) \
                or not _stage_matches(rule.sampling_stage, sampling_stage):
            continue
        targets = _targets(rule.agency_kind, jurisdiction_code, rule.reach, places)
        if rule.lead and not lead:
            levels = reference.agency_levels()
            lead = {a for a in targets if levels.get(a) != "county"}
        for agency_id in targets:
            reasons.setdefault(agency_id, []).append(rule.reason)
    if not reasons:
        reasons[FALLBACK_AGENCY] = [FALLBACK_REASON]
        lead = {FALLBACK_AGENCY}
    return [Route(a, "；".join(dict.fromkeys(r)), a in lead) for a, r in reasons.items()]


def explain(domain: str, category_group: str | None, sampling_stage: str | None,
            jurisdiction_code: str | None, places: Iterable[str] = ()) -> list[dict]:
    """Every routing rule of ``domain`` with whether it matched and, if not, which field did not."""
    out = []
    for rule in reference.routing_rules().itertuples(index=False):
        if rule.domain != domain:
            continue
        misses = [f"{field}为{value or '未注明'}，规则要求{want}" for field, want, value, match in
                  (("类别组", rule.category_group, category_group, _matches),
                   ("抽样环节", rule.sampling_stage, sampling_stage, _stage_matches))
                  if not match(want, value)]
        targets = [] if misses else _targets(rule.agency_kind, jurisdiction_code, rule.reach, tuple(places))
        out.append(dict(rule=rule._asdict(), matched=not misses, why_not="；".join(misses), agencies=targets))
    return out


def route_signal(s) -> list[Route]:
    """``route`` for a stored signal (anything with its columns and evidence)."""
    return route(s.domain, s.category_group, s.sampling_stage, s.jurisdiction_code, places_of(s.evidence))


def explain_signal_rules(s) -> list[dict]:
    """``explain`` for a stored signal."""
    return explain(s.domain, s.category_group, s.sampling_stage, s.jurisdiction_code, places_of(s.evidence))


def recorded_alerts(conn, signal_id: int) -> list:
    """The alerts recorded for a signal, oldest first, each with its digest's day and delivery status."""
    from sqlalchemy import select

    from surveillance.warehouse.models import Alert, Delivery

    return conn.execute(select(Alert.agency_id, Alert.level, Alert.status, Alert.routed_on, Alert.reason, Alert.lead,
                               Alert.withheld, Delivery.status.label("delivery_status"), Delivery.day)
                        .outerjoin(Delivery, Delivery.id == Alert.delivery_id)
                        .where(Alert.signal_id == signal_id).order_by(Alert.id)).all()


def explain_signal(engine, signal_id: int) -> str:
    """Plain-text explanation of a stored signal's routing, with the alerts actually recorded."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from surveillance.warehouse.models import Signal

    with Session(engine) as conn:
        s = conn.execute(select(Signal).where(Signal.id == signal_id)).scalars().first()
        if s is None:
            raise LookupError(f"no signal {signal_code(signal_id)} in the warehouse")
        alerts = recorded_alerts(conn, signal_id)
    names = reference.agency_names()
    lines = [f"signal {signal_code(s.id)}: {s.domain} / {s.method} / {s.series}",
             f"  category_group={s.category_group or '-'} sampling_stage={s.sampling_stage or '-'} "
             f"jurisdiction={s.jurisdiction_code or '- (province-wide)'} level={s.level} status={s.status or '-'}",
             f"  {s.title}", "rules (surveillance/reference/data/routing_rules.csv):"]
    explained = explain_signal_rules(s)
    for e in explained:
        r = e["rule"]
        head = (f"  [{'MATCH' if e['matched'] else 'no   '}] {r['domain']} group={r['category_group']} "
                f"stage={r['sampling_stage']} -> {r['agency_kind']}{' (lead)' if r['lead'] else ''}"
                f"{' (and county bureaus)' if r['reach'] == 'county' else ''}")
        if e["matched"]:
            who = ", ".join(f"{a} {names.get(a, '')}" for a in e["agencies"])
            lines.append(f"{head}: {who} ({r['reason']})")
        else:
            lines.append(f"{head}: {e['why_not']}")
    result = route_signal(s)
    if [r.agency_id for r in result] == [FALLBACK_AGENCY] and not any(e["matched"] for e in explained):
        lines.append(f"  [FALLBACK] no rule matched -> {FALLBACK_AGENCY} {names.get(FALLBACK_AGENCY, '')} ({FALLBACK_REASON})")
    lines.append("agencies (each once): " + ("; ".join(f"{r.agency_id} {names.get(r.agency_id, '')}" for r in result) or "none"))
    lines.append("alerts recorded:" if alerts else "alerts recorded: none (an ongoing signal is not sent again)")
    for a in alerts:
        lead = " (lead)" if a.lead else ""
        if a.withheld:
            lines.append(f"  {a.agency_id} {names.get(a.agency_id, '')}{lead}: level {a.level}, routed {a.routed_on}, "
                         f"WITHHELD: {a.withheld}")
            continue
        lines.append(f"  {a.agency_id} {names.get(a.agency_id, '')}{lead}: level {a.level}, {a.status or '-'}, routed {a.routed_on}, "
                     f"digest {a.day or '-'} {a.delivery_status or 'not yet built'}")
    return "\n".join(lines)
