from surveillance.alerts.routing import FALLBACK_AGENCY, route


def test_school_canteen_food_signal_reaches_every_responsible_department_once() -> None:
    routes = route("food", "FG06", "学校食堂", "610300")
    ids = [r.agency_id for r in routes]
    assert len(ids) == len(set(ids))
    assert set(ids) == {"SX-WJW", "610300-WJW", "SX-SCJG", "610300-SCJG", "SX-JY", "610300-JY"}


def test_import_inspection_goes_to_customs_which_has_no_city_counterpart() -> None:
    assert {r.agency_id for r in route("inspection", "G02", "进口", "610100")} == {"SX-HG"}


def test_province_wide_injury_signal_goes_to_provincial_departments_only() -> None:
    routes = {r.agency_id: r.reason for r in route("injury", "G04", None, None)}
    assert set(routes) == {"SX-WJW", "SX-SCJG"}
    # the two 2015 duties (质监 and 工商) that passed to market regulation are both its reason
    assert "质监部门" in routes["SX-SCJG"] and "工商部门" in routes["SX-SCJG"]


def test_grain_signal_adds_the_grain_bureau_with_its_reason() -> None:
    routes = {r.agency_id: r.reason for r in route("food", "FG01", "种植养殖", "610700")}
    assert "610700-LS" in routes and "粮食" in routes["610700-LS"]
    assert "610700-NYNC" in routes


# every method each domain's detectors store, with the stage it gives its signals (None: no single stage)
METHODS = {"injury": ("farrington-flexible", "ears-c2", "disproportionality"),
           "inspection": ("repeat-failure", "failure-rate", "new-failed-item"),
           "food": ("exceedance", "trend-mk", "exceedance-rate", "unusual-profile")}


def _stages_and_groups(domain: str) -> tuple[list, list]:
    import csv
    from pathlib import Path

    from surveillance import reference

    rules = Path(reference.__file__).parent / "data" / "routing_rules.csv"
    with rules.open(encoding="utf-8") as f:
        stages = sorted({r["sampling_stage"] for r in csv.DictReader(f) if r["sampling_stage"] != "*"})
    table = reference.food_categories() if domain == "food" else reference.product_categories()
    # the stages senders write, a stage no rule names, none at all; every category group, an unknown one, none
    return [*stages, "其他", "", None], [*sorted(set(table["group_code"])), "G99", None]


BAOJI_COUNTIES = ("610302", "610303", "610304", "610323", "610324", "610326", "610327", "610328", "610329",
                  "610330", "610331", "610305")


def test_every_method_stage_and_group_reaches_an_agency_with_an_address() -> None:
    """Walks every combination a stored signal can carry through the rules (with samples from every county
    of 宝鸡): each reaches at least one responsible agency, and every agency reached, county bureaus
    included, has an email address to hear it at."""
    from surveillance.alerts.routing import FALLBACK_AGENCY
    from surveillance.alerts.run import load_contacts
    from surveillance.settings import PROJECT_ROOT

    contacts = load_contacts(PROJECT_ROOT / "config" / "agency_contacts.toml")
    walked = fallbacks = 0
    for domain, methods in METHODS.items():
        stages, groups = _stages_and_groups(domain)
        for _method in methods:
            for stage in stages:
                for group in groups:
                    for city in ("610300", None):
                        routes = route(domain, group, stage, city, BAOJI_COUNTIES)
                        walked += 1
                        assert routes, (domain, _method, stage, group, city)
                        assert all(contacts.get(r.agency_id) for r in routes), (domain, stage, group, routes)
                        fallbacks += [r.agency_id for r in routes] == [FALLBACK_AGENCY]
                        # one lead kind at most: its provincial department and, for a city's signal, the city's
                        leads = [r.agency_id for r in routes if r.lead]
                        assert len({a.split("-")[-1] for a in leads}) <= 1 and len(leads) <= 2, (domain, stage, group, leads)
    assert walked > 500 and fallbacks > 0  # the inspection stages no rule names fall back


def test_a_failure_rate_signal_with_no_stage_goes_to_the_coordinating_office(engine) -> None:
    from datetime import date

    from sqlalchemy import insert, select

    from surveillance.alerts.run import route_day
    from surveillance.warehouse.models import Alert, Signal

    day = date(2026, 11, 20)
    with engine.begin() as conn:
        conn.execute(insert(Signal), dict(
            signal_key="inspection|failure-rate|P0201|610300|2026-11-20", domain="inspection", method="failure-rate",
            series="P0201|610300", category_code="P0201", category_group="G02", sampling_stage=None,
            jurisdiction_code="610300", period_start=day, period_end=day, observed=5.0, expected=1.0, threshold=3.0,
            score=3.0, level=3, title="宝鸡市电热水壶抽检不合格率异常", evidence="{}", first_detected_on=day, detected_on=day,
            status="new"))
    assert route_day(engine, day) == 1
    with engine.connect() as conn:
        alerts = conn.execute(select(Alert.agency_id, Alert.reason)).all()
    assert [a.agency_id for a in alerts] == ["SX-ZLB"] and "兜底" in alerts[0].reason


def test_a_failure_rate_signal_reaches_the_agencies_of_every_stage_of_its_failed_samples(engine) -> None:
    """A city's e-bike failures found in 流通 and 电商: the market and quality agencies of the province and
    the city receive it (their rules name those stages), the coordinating office does not."""
    from datetime import date

    from sqlalchemy import insert, select

    from surveillance.alerts.run import route_day
    from surveillance.signals.signal import joined_stages
    from surveillance.warehouse.models import Alert, Signal

    day = date(2026, 11, 20)
    with engine.begin() as conn:
        conn.execute(insert(Signal), dict(
            signal_key="inspection|failure-rate|P0301|610300|2026-11-16", domain="inspection", method="failure-rate",
            series="P0301|610300", category_code="P0301", category_group="G03", sampling_stage=joined_stages(["电商", "流通"]),
            jurisdiction_code="610300", period_start=day, period_end=day, observed=9.0, expected=1.5, threshold=4.0,
            score=6.0, level=3, title="宝鸡市电动自行车抽检不合格率异常", evidence="{}", first_detected_on=day, detected_on=day,
            status="new"))
    assert route_day(engine, day) > 0
    with engine.connect() as conn:
        agencies = set(conn.execute(select(Alert.agency_id)).scalars())
    assert agencies == {"SX-SCJG", "610300-SCJG"}


def test_routes_name_todays_agencies_and_each_2015_department_has_a_successor() -> None:
    """Routing sends to the agencies that hold the duties since the 2018 reform; the plan's departments are
    kept as the rules' history (plan_kind, reason) and every one of them passed its duty to one of today's."""
    from surveillance import reference

    today = set(reference.agencies()["kind"])
    rules = reference.routing_rules()
    assert set(rules["agency_kind"]) <= today
    assert not set(rules["agency_kind"]) & {"ZJ", "GS", "SYJ", "WJ", "NY", "CIQ"}
    transfers = reference.duty_transfers().set_index("plan_kind")
    assert set(rules["plan_kind"]) <= set(transfers.index)
    for rule in rules.itertuples(index=False):  # each rule's agency is the successor of the department the plan named
        assert transfers.at[rule.plan_kind, "today_kind"] == rule.agency_kind, rule
    names = reference.agency_names()
    for old in reference.former_agencies().itertuples(index=False):
        assert old.successor_id in set(reference.agencies()["agency_id"])
    assert names["SX-ZJ"].startswith("陕西省质量技术监督局（已撤销") and "陕西省市场监督管理局" in names["SX-ZJ"]
    assert set(reference.predecessors("SX-SCJG")) == {"SX-SCJG", "SX-ZJ", "SX-GS", "SX-SYJ"}
    every = {r.agency_id for r in route("injury", "G04", None, "610300")} | {
        r.agency_id for r in route("food", "FG01", "种植养殖", "610700")}
    assert all(not any(w in names[a] for w in ("质量技术监督", "工商行政", "食品药品监督", "计划生育", "农业厅")) for a in every)


def test_the_lead_is_the_first_matching_lead_rules_agency() -> None:
    leads = {r.agency_id for r in route("food", "FG06", "学校食堂", "610300") if r.lead}
    assert leads == {"SX-SCJG", "610300-SCJG"}  # not education, which is told too
    assert {r.agency_id for r in route("food", "FG01", "种植养殖", None) if r.lead} == {"SX-NYNC"}
    assert [(r.agency_id, r.lead) for r in route("inspection", "G02", None, "610300")] == [(FALLBACK_AGENCY, True)]


def test_a_rule_reaching_counties_adds_the_bureau_of_each_county_of_the_signals_city() -> None:
    """A retail food sample from 碑林区 of 西安: the province, 西安 and 碑林区's market regulation bureaus; a
    sample of the same signal from 宝鸡's 渭滨区 is 宝鸡's business (the signal is 西安's), and a city-level
    code or an unknown one names no county."""
    routes = {r.agency_id: r for r in route("food", "FG02", "流通", "610100", ["610103", "610302", "610100", "999999"])}
    assert set(routes) == {"SX-SCJG", "610100-SCJG", "610103-SCJG", "SX-WJW", "610100-WJW"}
    assert not routes["610103-SCJG"].lead  # a county bureau verifies what it was sent; it never leads
    assert routes["610100-SCJG"].lead and routes["SX-SCJG"].lead
    assert "流通环节" in routes["610103-SCJG"].reason


def test_rules_not_reaching_counties_and_province_wide_signals_stay_with_province_and_city() -> None:
    assert "610103-SCJG" not in {r.agency_id for r in route("inspection", "G02", "电商", "610100", ["610103"])}
    assert "610103-SCJG" not in {r.agency_id for r in route("injury", "G04", None, "610100", ["610103"])}
    assert {r.agency_id for r in route("food", "FG02", "流通", None, ["610103"])} == {"SX-SCJG", "SX-WJW"}
    # 杨凌 is a jurisdiction of its own: its bureau is the city-level one, told as the city's
    yangling = {r.agency_id for r in route("food", "FG02", "流通", "610403", ["610403"])}
    assert yangling == {"SX-SCJG", "610403-SCJG", "SX-WJW", "610403-WJW"}


def test_explain_names_the_county_bureau_a_matching_rule_reaches() -> None:
    from surveillance.alerts.routing import explain

    matched = [e for e in explain("food", "FG02", "餐饮", "610100", ["610113"]) if e["matched"]]
    scjg = next(e for e in matched if e["rule"]["agency_kind"] == "SCJG")
    assert scjg["agencies"] == ["SX-SCJG", "610100-SCJG", "610113-SCJG"] and scjg["rule"]["reach"] == "county"


def test_a_rule_misspelling_lead_or_reach_is_refused_not_read_as_fewer_agencies() -> None:
    import pandas as pd
    import pytest

    from surveillance.reference.agencies import checked_rules

    good = pd.DataFrame({"lead": ["1", "0"], "reach": ["county", "city"]})
    assert checked_rules(good)["lead"].tolist() == [True, False]
    with pytest.raises(ValueError, match=r"row 3: reach 'County' is not one of city, county"):
        checked_rules(good.assign(reach=["city", "County"]))
    with pytest.raises(ValueError, match=r"row 2: lead 'yes'"):
        checked_rules(good.assign(lead=["yes", "0"]))
