"""``surveillance evaluate`` on a small configuration: every method scored on the same series, a table, a
JSON file and a POD-FPR plot; bad options refused."""

import json
from pathlib import Path

from surveillance.cli import main
from surveillance.evaluation.run import CONTENDERS


def test_a_small_evaluation_writes_the_table_json_and_plot(tmp_path: Path, capsys) -> None:
    assert main(["evaluate", "--scenarios", "1,31", "--replicates", "10", "--seed", "5",
                 "--output-dir", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    result = json.loads((tmp_path / "evaluation.json").read_text())
    assert set(result["methods"]) == set(CONTENDERS) and result["scenarios"] == [1, 31]
    for name, r in result["methods"].items():
        o = r["overall"]
        # an outbreak of Poisson(k sd) cases may have none: it is then no outbreak to detect
        assert 15 <= o["outbreaks"] <= 20 and 0 <= o["fpr"] <= 0.2 and 0 <= o["pod"] <= 1, name
        assert set(r["scenarios"]) == {"1", "31"} and name in out
        # detected in the first week implies detected
        assert 0 <= o["pod_first_week"] <= o["pod"], name
    # a lower alpha alarms less often on the same series
    assert result["methods"]["farrington-improved-0.01"]["overall"]["fpr"] <= result["methods"]["farrington-improved"]["overall"]["fpr"]
    assert (tmp_path / "pod_fpr.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "scenario 31 (2 in all)" in err
    # one column per measure, aligned under the header even for the longest method name
    table = [line for line in out.splitlines() if line.split()[:1] and line.split()[0] in {"method", *CONTENDERS}]
    assert table[0].split()[-2:] == ["wk", "s"] and len({len(line) for line in table}) == 1


def test_the_same_seed_scores_the_same(tmp_path: Path, capsys) -> None:
    args = ["evaluate", "--scenarios", "7", "--replicates", "6", "--methods", "ears-c2,farrington-accumulated"]
    assert main([*args, "--output-dir", str(tmp_path / "a")]) == 0
    assert main([*args, "--output-dir", str(tmp_path / "b")]) == 0
    a, b = (json.loads((tmp_path / d / "evaluation.json").read_text())["methods"] for d in "ab")
    assert {k: v["overall"] for k, v in a.items()} == {k: v["overall"] for k, v in b.items()}


def test_bad_options_are_refused(capsys) -> None:
    assert main(["evaluate", "--scenarios", "43"]) == 2
    assert "scenarios 1-42 only" in capsys.readouterr().err
    assert main(["evaluate", "--methods", "magic"]) == 2
    assert "unknown method(s) magic" in capsys.readouterr().err
