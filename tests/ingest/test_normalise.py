import math

import pandas as pd

from surveillance.ingest.normalise import normalise_food, parse_age, parse_dates, uscc_check_char, uscc_valid


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
