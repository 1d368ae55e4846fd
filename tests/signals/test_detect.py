"""The night's summary puts each statistical detector's alarms beside the false alarms its tests expect."""

from collections import Counter

from surveillance.signals.detect import alarms_beside_expected


def test_alarms_are_counted_per_detector_beside_its_expected_false_alarms() -> None:
    declared = {"injury/counts": ("farrington-flexible", "ears-c2"), "injury/disproportionality": ("disproportionality",),
                "inspection/repeat-failure": ("repeat-failure",)}
    figures = {"injury/counts": {"expected_false_alarms": 0.4}, "injury/disproportionality": {"expected_false_alarms": 0.25}}
    sent = Counter({"farrington-flexible": 2, "ears-c2": 1, "repeat-failure": 3})
    assert alarms_beside_expected(figures, declared, sent) == {
        "injury/counts": {"alarms": 3, "expected_false": 0.4},
        "injury/disproportionality": {"alarms": 0, "expected_false": 0.25},
    }  # repeat failures are facts in the records, not tests: no expected false alarms to compare
