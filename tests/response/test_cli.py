"""`surveillance episode` and `surveillance baseline` from the command line: steps taken and refused with
one-line errors, the trail and the lists printed, PPV once something is verified."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from surveillance.cli import main
from surveillance.signals.detect import store_signals
from surveillance.warehouse.db import get_engine
from surveillance.warehouse.models import Signal
from tests.signals.test_episodes import injury_signal


def test_an_episode_is_verified_step_by_step_from_the_command_line(settings, capsys) -> None:
    engine = get_engine(settings.db_url)
    store_signals(engine, date(2026, 11, 23), [injury_signal(date(2026, 11, 16), 4)])
    with engine.connect() as conn:
        episode = str(conn.execute(select(Signal.episode_id)).scalar())
    assert main(["episode", "list", "--day", "2026-12-10", "--overdue"]) == 0
    out = capsys.readouterr()
    assert f"episode {episode}" in out.out and "OVERDUE" in out.out and "1 overdue" in out.err
    assert main(["episode", "verify", episode, "--to", "已确认", "--by", "张三"]) == 1
    assert "不能从待核查变为已确认" in capsys.readouterr().err
    assert main(["episode", "ppv"]) == 0 and "no episode verified" in capsys.readouterr().out
    assert main(["episode", "verify", episode, "--to", "核查中", "--by", "张三", "--comment", "联系医院"]) == 0
    assert main(["episode", "verify", episode, "--to", "已确认", "--by", "张三"]) == 0
    assert main(["episode", "trail", episode]) == 0
    trail = capsys.readouterr().out
    assert "待核查 -> 核查中" in trail and "联系医院" in trail and "核查中 -> 已确认" in trail
    assert main(["episode", "ppv", "--by", "level"]) == 0 and "PPV 100%" in capsys.readouterr().out
    assert main(["baseline", "list"]) == 0 and "P0401|610300" in capsys.readouterr().out
    assert main(["baseline", "exclude", "P0401|610300", "2026-11-18", "--by", "张三", "--reason", "x"]) == 1
    assert "not a Monday" in capsys.readouterr().err
    assert main(["baseline", "restore", "1", "--by", "李四"]) == 0
    assert main(["baseline", "list"]) == 0 and "P0401" not in capsys.readouterr().out
    assert main(["baseline", "list", "--all"]) == 0 and "restored by 李四" in capsys.readouterr().out
