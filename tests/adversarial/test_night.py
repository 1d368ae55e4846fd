"""A night's warnings reach the operator; a real installation never runs on the placeholder PII key."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from surveillance.cli import main
from surveillance.nightly import run_day
from surveillance.settings import DEMO_SALT_VARIABLE
from tests.adversarial.conftest import DAY, counts, csv_bytes, land
from tests.conftest import INJURY_HEADER_ZH, injury_row

pytestmark = pytest.mark.adversarial


def test_a_sender_mostly_quarantined_is_a_warning_everywhere_the_operator_looks(
        settings, engine, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    # a hospital whose county code is newer than our table: every report quarantined for its region
    land(settings, "injury", "H61088101.csv",
         csv_bytes(INJURY_HEADER_ZH, [injury_row(f"N{i}", region_code="619999") for i in range(30)]))
    land(settings, "injury", "H61010201.csv", csv_bytes(INJURY_HEADER_ZH, [injury_row(f"G{i}") for i in range(30)]))
    result = run_day(settings, DAY, use_smtp=False)
    assert len(result["warnings"]) == 1
    warning = result["warnings"][0]
    assert "H61088101.csv" in warning and "30 of 30 rows quarantined (100%)" in warning and "region_code" in warning

    # the run summary of `surveillance run` (the day again: nothing new is loaded, the warning stays)
    assert main(["run", "--day", DAY.isoformat(), "--no-smtp"]) == 0
    assert any(line.startswith("WARNING injury file H61088101.csv") for line in capsys.readouterr().out.splitlines())
    # the run's HTML report
    report = (settings.reports / DAY.isoformat() / "report.html").read_text(encoding="utf-8")
    assert "数据质量警告" in report and "H61088101.csv" in report and "30行被隔离" in report
    # the failure notifier's email to the operator
    sent = []

    class Notifier:
        def __init__(self, **kwargs) -> None:
            sent.append(kwargs)

        def notify(self, context) -> None:
            pass

    import airflow.providers.smtp.notifications.smtp as smtp_notifications

    from surveillance.airflow_support import notify_operator

    monkeypatch.setattr(smtp_notifications, "SmtpNotifier", Notifier)
    monkeypatch.setenv("SURVEILLANCE_OPERATOR_EMAIL", "operator@example.org")
    notify_operator({"dag_run": SimpleNamespace(conf={"day": DAY.isoformat()}, run_id="manual__1"),
                     "ti": SimpleNamespace(task_id="verdict"), "reason": "task failure"})
    assert "H61088101.csv" in sent[0]["html_content"] and "Data-quality warnings" in sent[0]["html_content"]


def test_a_few_bad_rows_are_no_warning(settings, engine) -> None:
    rows = [injury_row(f"G{i}") for i in range(30)] + [injury_row("B1", region_code="619999")]
    land(settings, "injury", "H61010201.csv", csv_bytes(INJURY_HEADER_ZH, rows))
    assert run_day(settings, DAY, use_smtp=False)["warnings"] == []


def test_the_placeholder_salt_is_refused_outside_the_demo_and_tests(settings, engine, monkeypatch: pytest.MonkeyPatch,
                                                                     capsys) -> None:
    land(settings, "injury", "H61010201.csv", csv_bytes(INJURY_HEADER_ZH, [injury_row("R1")]))
    monkeypatch.delenv(DEMO_SALT_VARIABLE)
    monkeypatch.delenv("SURVEILLANCE_PII_SALT", raising=False)
    for argv in (["run", "--day", DAY.isoformat(), "--no-smtp"],
                 ["ingest", "--source", "injury", str(settings.landing_dir("injury", DAY) / "H61010201.csv")]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: SURVEILLANCE_PII_SALT is not set") and err.count("\n") == 1
    assert counts(engine)["batches"] == 0  # refused before anything was read
    monkeypatch.setenv("SURVEILLANCE_PII_SALT", "")
    assert main(["run", "--day", DAY.isoformat(), "--no-smtp"]) == 2 and "empty" in capsys.readouterr().err
    monkeypatch.setenv("SURVEILLANCE_PII_SALT", "a-long-random-secret-of-this-installation")
    assert main(["run", "--day", DAY.isoformat(), "--no-smtp"]) == 0
    assert counts(engine)["batches"] == 1
