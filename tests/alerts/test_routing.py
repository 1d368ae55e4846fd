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
