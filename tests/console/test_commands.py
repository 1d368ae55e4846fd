"""`surveillance users ...`: accounts made, listed, disabled and re-passworded from the command line, and the
demo's two accounts whose generated passwords `make run` prints (and stops printing once changed)."""

from __future__ import annotations

import io
import re
import stat

import pytest
from sqlalchemy import select

from surveillance.cli import main
from surveillance.console import accounts
from surveillance.warehouse.models import ConsoleUser


def run(capsys, monkeypatch, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_users_add_list_password_disable(settings, engine, capsys, monkeypatch) -> None:
    code, out, _ = run(capsys, monkeypatch, "users", "add", "wang", "--role", "agency", "--agency", "610300-SCJG",
                       "--password-stdin", stdin="a long enough secret\n")
    assert code == 0 and "agency of 610300-SCJG" in out and "patient-level records no" in out
    with engine.connect() as conn:
        stored = conn.execute(select(ConsoleUser.password_hash).where(ConsoleUser.username == "wang")).scalar_one()
    assert stored.startswith("$argon2id$") and "a long enough secret" not in stored
    assert accounts.authenticate(engine, "wang", "a long enough secret").agency_id == "610300-SCJG"
    code, out, err = run(capsys, monkeypatch, "users", "add", "li", "--role", "agency", "--agency", "NOPE", "--generate")
    assert code == 1 and "agency ids" in err
    code, _, err = run(capsys, monkeypatch, "users", "add", "zhao", "--role", "analyst", "--password-stdin", stdin="short\n")
    assert code == 1 and "密码至少10个字符" in err
    code, out, _ = run(capsys, monkeypatch, "users", "password", "wang", "--generate")
    new = re.search(r"password: (\S+)", out).group(1)
    assert accounts.authenticate(engine, "wang", new) and not accounts.authenticate(engine, "wang", "a long enough secret")
    assert run(capsys, monkeypatch, "users", "disable", "wang")[0] == 0
    assert accounts.authenticate(engine, "wang", new) is None
    code, out, _ = run(capsys, monkeypatch, "users", "list")
    assert re.search(r"wang\s+agency\s+610300-SCJG\s+records no\s+disabled", out)


def test_the_demo_users_are_made_once_and_their_passwords_printed_until_changed(settings, engine, capsys, monkeypatch) -> None:
    code, first, _ = run(capsys, monkeypatch, "users", "demo")
    passwords = dict(re.findall(r"^\s+(\S+)\s.*password (\S+)$", first, re.M))
    assert code == 0 and set(passwords) == {"office", "analyst", "sx-scjg"}
    assert accounts.authenticate(engine, "analyst", passwords["analyst"]).role == "analyst"
    assert accounts.authenticate(engine, "sx-scjg", passwords["sx-scjg"]).agency_id == "SX-SCJG"
    kept = settings.home / "demo-users.txt"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert run(capsys, monkeypatch, "users", "demo")[1] == first  # a second run changes nothing
    run(capsys, monkeypatch, "users", "password", "analyst", "--password-stdin", stdin="my own passphrase\n")
    again = run(capsys, monkeypatch, "users", "demo")[1]
    assert "analyst    analyst: password (changed since; yours)" in again and passwords["analyst"] not in again
    assert passwords["sx-scjg"] in again
    assert len(accounts.listing(engine)) == 3


@pytest.mark.parametrize("argv", [["serve", "--help"], ["users", "--help"], ["users", "add", "--help"]])
def test_help(argv, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 0 and "usage: surveillance" in capsys.readouterr().out


def test_wrong_passwords_slow_the_guesser_at_its_address_and_never_lock_the_account(settings, engine) -> None:
    from datetime import datetime, timedelta

    from surveillance.console import throttle

    accounts.add(engine, "zhang", "analyst", "the right password")
    t = datetime(2026, 12, 1, 9, 0)
    guesser, colleague = "203.0.113.9", "10.1.2.3"
    for _ in range(throttle.FREE_PER_ACCOUNT):
        throttle.failed(engine, "zhang", guesser, now=t)
    assert throttle.seconds_to_wait(engine, "zhang", guesser, now=t) == 0  # the free ones
    waits = []
    for _ in range(4):
        throttle.failed(engine, "zhang", guesser, now=t)
        waits.append(throttle.seconds_to_wait(engine, "zhang", guesser, now=t))
    assert waits == [3, 5, 9, 17]  # 2, 4, 8, 16 seconds, rounded up to whole seconds
    assert throttle.seconds_to_wait(engine, "zhang", colleague, now=t) == 0  # the account is not locked
    assert accounts.authenticate(engine, "zhang", "the right password") is not None
    assert throttle.seconds_to_wait(engine, "zhang", guesser, now=t + timedelta(seconds=17)) == 0
    for _ in range(30):
        throttle.failed(engine, "zhang", guesser, now=t)
    assert throttle.seconds_to_wait(engine, "zhang", guesser, now=t) == int(throttle.MAX_WAIT.total_seconds()) + 1
    # one address guessing many accounts waits too, after its own free failures
    for i in range(throttle.FREE_PER_ADDRESS + 1):
        throttle.failed(engine, f"user{i}", "198.51.100.7", now=t)
    assert throttle.seconds_to_wait(engine, "someone-else", "198.51.100.7", now=t) > 0
    # a right password clears its account-and-address key (not its address's count over all accounts)
    for _ in range(throttle.FREE_PER_ACCOUNT + 1):
        throttle.failed(engine, "zhang", "192.0.2.1", now=t)
    assert throttle.seconds_to_wait(engine, "zhang", "192.0.2.1", now=t) == 3
    throttle.succeeded(engine, "zhang", "192.0.2.1")
    assert throttle.seconds_to_wait(engine, "zhang", "192.0.2.1", now=t) == 0
    throttle.succeeded(engine, "zhang", guesser)
    assert throttle.seconds_to_wait(engine, "zhang", guesser, now=t) > 0  # its address guessed too much


def test_weak_passwords_are_refused_on_the_command_line_too(settings, engine, capsys, monkeypatch) -> None:
    for weak in ("1234567890", "          ", "abababababab", "qwertyuiop"):
        code, _, err = run(capsys, monkeypatch, "users", "add", "zhao", "--role", "analyst", "--password-stdin",
                           stdin=weak + "\n")
        assert code != 0 and "密码" in err, weak
