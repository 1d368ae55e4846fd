import math

import pandas as pd
import pytest

from surveillance.ingest.values.normalise import normalise_food, parse_age, parse_dates, uscc_check_char, uscc_valid


def test_date_formats() -> None:
    got = parse_dates(pd.Series(["2026-11-26", "2026/11/26", "2026年11月26日", "20261126", "46352", "２０２６-11-26",
                                 "not a date"]))
    assert [d.date().isoformat() if not pd.isna(d) else None for d in got] == ["2026-11-26"] * 6 + [None]


def test_ages_in_years() -> None:
    got = parse_age(pd.Series(["3岁", "6个月", "15天", "42", "abc"]))
    assert got[0] == 3 and got[1] == 0.5 and abs(got[2] - 15 / 365.25) < 1e-3 and got[3] == 42
    assert math.isnan(got[4])


def test_uscc_check_character() -> None:
    # published example from GB 32100-2015 style codes: build one and flip its check character
    first17 = "91610000MA6TGXXXX"[:17].replace("X", "1")
    code = first17 + uscc_check_char(first17)
    assert uscc_valid(code)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    assert not uscc_valid(wrong)
    assert uscc_valid("91350100M000100Y43")  # a real-world code with a known-good check character


def test_food_results_censoring_and_units() -> None:
    raw = pd.DataFrame({
        "sample_id": ["S1", "S2", "S3", "S4"], "sampling_date": ["2026-11-20"] * 4,
        "region_code": ["610102"] * 4, "food_category": ["谷物及其制品", "F01", "F01", "F10"],
        "food_name": ["大米"] * 3 + ["卤肉"], "sampling_stage": ["流通"] * 4,
        "analyte": ["镉", "AFB1", "铅", "沙门氏菌"], "result_value": ["未检出", "0.03", "<0.01", "检出"],
        "unit": ["mg/kg", "mg/kg", "mg/kg", ""], "lod": ["0.003", "", "", ""], "limit_value": ["", "", "", ""],
        "limit_standard": ["", "", "", ""],
    })
    frame, problems = normalise_food(raw)
    assert problems == []
    assert frame.at[0, "censored"] and frame.at[0, "result_value"] == 0.003 and frame.at[0, "food_category"] == "F01"
    # aflatoxin reported in mg/kg becomes the reference μg/kg: 0.03 mg/kg = 30 μg/kg > 20 limit
    assert frame.at[1, "unit"] == "μg/kg" and abs(frame.at[1, "result_value"] - 30) < 1e-9
    assert frame.at[1, "exceeds_limit"] and frame.at[1, "limit_standard"] == "GB 2761-2017"
    assert frame.at[2, "censored"] and frame.at[2, "lod"] == 0.01 and not frame.at[2, "exceeds_limit"]
    assert frame.at[3, "exceeds_limit"]  # a pathogen detected in ready-to-eat meat


def test_excel_serial_and_timestamped_dates() -> None:
    got = parse_dates(pd.Series(["46352", "46352.0", "2026-11-26 08:30:00", "2026.11.26", ""]))
    assert [d.date().isoformat() if not pd.isna(d) else None for d in got] == ["2026-11-26"] * 4 + [None]


def test_sex_values() -> None:
    from surveillance.ingest.values.normalise import parse_sex

    assert parse_sex(pd.Series(["男", "女", "M", "female", "1", "2", "", "不详", "Ｆ"])).tolist() == [
        "男", "女", "男", "女", "男", "女", "未知", "未知", "女"]


def test_ages_with_full_width_digits_and_weeks() -> None:
    got = parse_age(pd.Series(["３岁", "2周", "3 岁", "70周岁", "18月"]))
    assert got[0] == 3 and abs(got[1] - 2 / 52.18) < 1e-3 and got[2] == 3 and got[3] == 70 and got[4] == 1.5


def test_regions_and_categories_by_code_or_name() -> None:
    from surveillance import reference
    from surveillance.ingest.values.normalise import lookup_codes

    regions = lookup_codes(pd.Series(["610103", "碑林区", "西安市碑林区", "陕西省西安市碑林区", "碑林", "杨凌示范区", "火星"]),
                           reference.region_lookup())
    assert regions.tolist() == ["610103"] * 5 + ["610403", "火星"]  # unknown kept, for GX to flag
    products = lookup_codes(pd.Series(["P0201", "电热水壶", " 电水壶 ", "Ｐ0201"]), reference.product_lookup())
    assert products.tolist() == ["P0201"] * 4
    foods = lookup_codes(pd.Series(["F01", "谷物及其制品", "大米"]), reference.food_category_lookup())
    assert foods.tolist() == ["F01"] * 3


def _food(rows: list[dict]) -> pd.DataFrame:
    base = dict(sample_id="S", sampling_date="2026-11-20", region_code="610102", food_category="F01", food_name="大米",
                sampling_stage="流通", analyte="PB", result_value="0", unit="mg/kg", lod="", limit_value="", limit_standard="")
    return pd.DataFrame([{**base, "sample_id": f"S{i}", **r} for i, r in enumerate(rows)])


def test_food_units_are_converted_to_the_reference_unit() -> None:
    raw = _food([
        dict(analyte="PB", result_value="150", unit="μg/kg"),   # 150 μg/kg = 0.15 mg/kg
        dict(analyte="PB", result_value="150", unit="ug/kg"),
        dict(analyte="PB", result_value="0.15", unit="mg/L"),
        dict(analyte="AFB1", result_value="0.004", unit="mg/kg"),  # 4 μg/kg
        dict(analyte="AFB1", result_value="４.５", unit="μg/kg"),  # full-width digits
        dict(analyte="PB", result_value="1", unit="杯"),          # not convertible: a parse problem
    ])
    frame, problems = normalise_food(raw)
    assert frame["result_value"].round(6).tolist()[:5] == [0.15, 0.15, 0.15, 4.0, 4.5]
    assert frame["unit"].tolist()[:5] == ["mg/kg"] * 3 + ["μg/kg"] * 2
    assert problems == [(5, "unit", "unit '杯' cannot be converted to mg/kg")]


def test_non_detects_are_censored_at_their_detection_limit() -> None:
    raw = _food([
        dict(result_value="未检出", lod="0.01"),
        dict(result_value="ND", lod="0.02"),
        dict(result_value="<0.01"),
        dict(result_value="<LOD", lod="5", unit="μg/kg"),  # LOD given in μg/kg: 0.005 mg/kg
        dict(result_value="0.5"),
    ])
    frame, problems = normalise_food(raw)
    assert problems == []
    assert frame["censored"].tolist() == [True, True, True, True, False]
    assert frame["lod"].tolist()[:4] == [0.01, 0.02, 0.01, 0.005]
    assert frame["result_value"].tolist()[:4] == [0.01, 0.02, 0.01, 0.005]
    assert not frame["exceeds_limit"][:4].any() and frame.at[4, "exceeds_limit"]  # 0.5 > 0.2 mg/kg lead in grain


@pytest.mark.parametrize(("text", "kind", "value", "unit", "lod"), [
    ("0.52mg/kg", "value", 0.52, "mg/kg", None),
    ("＜0.005", "censored", None, "", 0.005),
    ("1.2×10³CFU/g", "value", 1200.0, "CFU/g", None),
    ("1.2×10⁵", "value", 120000.0, "", None),
    ("5.6×10^4", "value", 56000.0, "", None),
    ("1.2E3", "value", 1200.0, "", None),
    ("未检出(<0.01mg/kg)", "censored", None, "mg/kg", 0.01),
    ("未检出/25g", "censored", None, "", None),
    ("ND", "censored", None, "", None),
    ("检出", "detected", 1.0, "", None),
    ("合格", "pass", None, "", None),
    ("见附件", "unparseable", None, "", None),
])
def test_results_as_labs_write_them(text, kind, value, unit, lod) -> None:
    from surveillance.ingest.values.normalise import parse_result

    r = parse_result(text)
    assert (r.kind, r.value, r.unit, r.lod) == (kind, pytest.approx(value) if value else value, unit, lod)


@pytest.mark.parametrize(("text", "value", "unit", "must_not"), [
    ("≤0.2mg/kg", 0.2, "mg/kg", False),
    ("0.2(鲜重)", 0.2, "", False),
    ("不得检出", 0.0, "", True),
    ("不得使用", 0.0, "", True),
    ("/", None, "", False),
    ("n=5,c=2,m=10⁴,M=10⁵CFU/g", 100000.0, "CFU/g", False),
    ("0.5-1.0", 1.0, "", False),
])
def test_limits_as_announcements_write_them(text, value, unit, must_not) -> None:
    from surveillance.ingest.values.normalise import parse_limit

    lim = parse_limit(text)
    assert (lim.value, lim.unit, lim.must_not, lim.unparseable) == (value, unit, must_not, False)


def test_ages_and_sexes_as_cards_write_them() -> None:
    from surveillance.ingest.values.normalise import parse_age, parse_sex

    assert parse_age(pd.Series(["3岁2个月", "8月", "15天"])).tolist() == [3.167, 0.667, 0.041]
    assert parse_sex(pd.Series(["1男", "2 女", "男性", "2"])).tolist() == ["男", "女", "男", "女"]


def test_header_keys_ignore_marks_numbers_and_line_breaks() -> None:
    from surveillance.ingest.layouts import header_key

    assert [header_key(h) for h in ("*抽样单编号", "1.姓名", "(3)性别", "主要不合格\n项目", "生产日期／批号")] == \
        ["抽样单编号", "姓名", "性别", "主要不合格项目", "生产日期/批号"]
