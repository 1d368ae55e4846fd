"""The verification workflow's rules: which step may follow which, and what a step must carry."""

import pytest

from surveillance.response.deadlines import RESPONSE_DAYS, due, overdue
from surveillance.response.states import (
    ACTIONS,
    CHECKING,
    CLOSED,
    CONFIRMED,
    DISMISSAL_REASONS,
    DISMISSED,
    HANDLED,
    NEXT,
    PENDING,
    STATES,
    Step,
    StepRefused,
    check,
)


def test_the_documented_path_is_allowed_step_by_step() -> None:
    path = [Step(CHECKING, "李四"), Step(CONFIRMED, "李四"), Step(HANDLED, "李四", action="下架/召回"),
            Step(CLOSED, "王五")]
    current = PENDING
    for step in path:
        check(current, step)
        current = step.to
    check(CHECKING, Step(DISMISSED, "李四", reason="数据问题"))
    check(DISMISSED, Step(CLOSED, "李四"))


@pytest.mark.parametrize(("current", "to"), [
    (PENDING, CONFIRMED), (PENDING, HANDLED), (PENDING, CLOSED), (CHECKING, HANDLED), (CHECKING, CHECKING),
    (CONFIRMED, CLOSED), (HANDLED, CHECKING), (CLOSED, CHECKING), (CLOSED, PENDING), (DISMISSED, HANDLED),
])
def test_skipping_or_undoing_a_step_is_refused(current: str, to: str) -> None:
    step = Step(to, "李四", reason="重复" if to == DISMISSED else None, action="约谈" if to == HANDLED else None)
    with pytest.raises(StepRefused, match="不能从"):
        check(current, step)


def test_every_state_is_reachable_and_closed_is_final() -> None:
    reachable = {PENDING}
    for _ in STATES:
        reachable |= {t for s in reachable for t in NEXT[s]}
    assert reachable == set(STATES)
    assert NEXT[CLOSED] == ()


def test_a_step_carries_who_took_it_and_what_its_state_needs() -> None:
    with pytest.raises(StepRefused, match="--by"):
        check(PENDING, Step(CHECKING, "  "))
    with pytest.raises(StepRefused, match="原因"):
        check(CHECKING, Step(DISMISSED, "李四"))
    with pytest.raises(StepRefused, match="原因"):
        check(CHECKING, Step(DISMISSED, "李四", reason="不想管"))
    with pytest.raises(StepRefused, match="措施"):
        check(CONFIRMED, Step(HANDLED, "李四"))
    with pytest.raises(StepRefused, match="只有标为已排除"):
        check(PENDING, Step(CHECKING, "李四", reason="重复"))
    with pytest.raises(StepRefused, match="只有标为已处置"):
        check(CHECKING, Step(CONFIRMED, "李四", action="约谈"))
    with pytest.raises(StepRefused, match="未知的状态"):
        check(PENDING, Step("done", "李四"))
    assert "数据问题" in DISMISSAL_REASONS and "下架/召回" in ACTIONS


def test_deadlines_shorten_with_severity_and_only_a_pending_episode_is_late() -> None:
    from datetime import date

    assert [RESPONSE_DAYS[k] for k in (1, 2, 3, 4)] == sorted(RESPONSE_DAYS.values())
    raised = date(2026, 11, 20)
    assert due(1, raised) == date(2026, 11, 21)
    assert not overdue(1, raised, responded=False, today=date(2026, 11, 21))  # the deadline day itself is on time
    assert overdue(1, raised, responded=False, today=date(2026, 11, 22))
    assert not overdue(1, raised, responded=True, today=date(2026, 12, 22))
    assert not overdue(4, raised, responded=False, today=date(2026, 11, 29))
