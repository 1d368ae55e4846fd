"""Route a signal to every responsible agency once, by rules kept as data (routing_rules.csv).

A matching rule names a kind of department; the provincial department always receives the
signal and, for a city-level signal, so does that city's counterpart.
"""

from __future__ import annotations

from dataclasses import dataclass

from surveillance import reference


@dataclass(frozen=True)
class Route:
    agency_id: str
    reason: str


def _matches(rule_value: str, value: str | None) -> bool:
    return rule_value == "*" or rule_value == (value or "")


def route(domain: str, category_group: str | None, sampling_stage: str | None,
          jurisdiction_code: str | None) -> list[Route]:
    """Agencies responsible for a signal, each once, with the rule(s) that chose them."""
    agencies = reference.agencies()
    by_kind_city = {(a.kind, a.jurisdiction_code): a.agency_id for a in agencies.itertuples(index=False)}
    reasons: dict[str, list[str]] = {}
    for rule in reference.routing_rules().itertuples(index=False):
        if rule.domain != domain or not _matches(rule.category_group, category_group) \
                or not _matches(rule.sampling_stage, sampling_stage):
            continue
        targets = [by_kind_city[(rule.agency_kind, "")]]
        city = by_kind_city.get((rule.agency_kind, jurisdiction_code or ""))
        if jurisdiction_code and city:
            targets.append(city)
        for agency_id in targets:
            reasons.setdefault(agency_id, []).append(rule.reason)
    return [Route(a, "；".join(dict.fromkeys(r))) for a, r in reasons.items()]
