from surveillance.alerts.routing import route


def test_school_canteen_food_signal_reaches_every_responsible_department_once() -> None:
    routes = route("food", "FG06", "学校食堂", "610300")
    ids = [r.agency_id for r in routes]
    assert len(ids) == len(set(ids))
    assert set(ids) == {"SX-WJ", "610300-WJ", "SX-SYJ", "610300-SYJ", "SX-JY", "610300-JY"}


def test_import_inspection_goes_to_ciq_which_has_no_city_counterpart() -> None:
    assert {r.agency_id for r in route("inspection", "G02", "进口", "610100")} == {"SX-CIQ"}


def test_province_wide_injury_signal_goes_to_provincial_departments_only() -> None:
    ids = {r.agency_id for r in route("injury", "G04", None, None)}
    assert ids == {"SX-WJ", "SX-ZJ", "SX-GS"}


def test_grain_signal_adds_the_grain_bureau_with_its_reason() -> None:
    routes = {r.agency_id: r.reason for r in route("food", "FG01", "种植养殖", "610700")}
    assert "610700-LS" in routes and "粮食" in routes["610700-LS"]
    assert "610700-NY" in routes


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


def test_every_method_stage_and_group_reaches_an_agency_with_an_address() -> None:
    """Walks every combination a stored signal can carry through the rules: each reaches at least one
    responsible agency, and every agency reached has an email address to hear it at."""
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
                        routes = route(domain, group, stage, city)
                        walked += 1
                        assert routes, (domain, _method, stage, group, city)
                        assert all(contacts.get(r.agency_id) for r in routes), (domain, stage, group, routes)
                        fallbacks += [r.agency_id for r in routes] == [FALLBACK_AGENCY]
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
    assert agencies == {"SX-GS", "610300-GS", "SX-ZJ", "610300-ZJ"}
