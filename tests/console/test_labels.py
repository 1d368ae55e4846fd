"""Evidence as a person reads it: names for the codes of places and analytes, no exponents, no nan/True."""

from surveillance.console.labels import evidence_value, readable


def test_places_and_analytes_are_named_not_coded() -> None:
    assert evidence_value("places", ["610302", "610303"]) == "渭滨区、金台区"
    assert evidence_value("analyte", "PB") == "铅"
    assert evidence_value("analytes", {"PB": 2, "CD": 1}) == "铅：2；镉：1"
    assert evidence_value("places", ["999999"]) == "999999"  # an unknown code stays as stored
    assert evidence_value("pattern", "body_part") == "受伤部位"


def test_numbers_and_truth_values_for_people() -> None:
    assert readable(5.603e-10) == "<0.0001" and readable(123456.0) == "123456" and readable(0.123456) == "0.1235"
    assert readable(float("nan")) == "—" and readable(True) == "是" and readable(None) == "—"
    assert readable(["甲醇", 1.5]) == "甲醇、1.5"
