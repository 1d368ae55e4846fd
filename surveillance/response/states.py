"""The verification workflow of an episode, beside its detection status (new / ongoing / escalated /
resolved): 待核查 -> 核查中 -> 已确认 (a real problem) or 已排除 (with a reason) -> 已处置 (with the action
taken) -> 已关闭. Pure rules: which step may follow which and what each step must carry."""

from __future__ import annotations

from dataclasses import dataclass

PENDING, CHECKING, CONFIRMED, DISMISSED, HANDLED, CLOSED = "待核查", "核查中", "已确认", "已排除", "已处置", "已关闭"
STATES = (PENDING, CHECKING, CONFIRMED, DISMISSED, HANDLED, CLOSED)

# the steps allowed from each state; 已确认 and 已排除 may be corrected back to 核查中 (the trail keeps both)
NEXT = {
    PENDING: (CHECKING, DISMISSED),
    CHECKING: (CONFIRMED, DISMISSED),
    CONFIRMED: (HANDLED, CHECKING),
    DISMISSED: (CLOSED, CHECKING),
    HANDLED: (CLOSED,),
    CLOSED: (),
}

# why an episode is dismissed; a data artefact is not sent again unless its level rises
ARTEFACT = "数据问题"
DISMISSAL_REASONS = (ARTEFACT, "已知原因", "重复", "偶然波动")
ACTIONS = ("风险警示", "下架/召回", "约谈", "立案", "标准修订建议", "其他")
MAX_COMMENT = 2000  # characters: a comment is read on every agency's page of the episode, and kept for ever


@dataclass(frozen=True)
class Step:
    """One step asked for: the state moved to, by whom, and what it must carry."""

    to: str
    actor: str
    comment: str = ""
    reason: str | None = None  # required for 已排除
    action: str | None = None  # required for 已处置


class StepRefused(ValueError):
    """A step the workflow does not allow, said in one line."""


def check(current: str, step: Step) -> None:
    """Raise ``StepRefused`` unless ``step`` may follow ``current``."""
    if step.to not in STATES:
        raise StepRefused(f"未知的状态“{step.to}”：应为{'、'.join(STATES)}之一")
    if step.to not in NEXT[current]:
        allowed = "、".join(NEXT[current]) or "无（事件已关闭）"
        raise StepRefused(f"不能从{current}变为{step.to}：{current}之后可以是{allowed}")
    if len(step.comment) > MAX_COMMENT:
        raise StepRefused(f"说明不能超过{MAX_COMMENT}字（现为{len(step.comment)}字），请精简后重新提交")
    if not step.actor.strip():
        raise StepRefused("每一步都须注明办理人（命令行用 --by）")
    if step.to == DISMISSED and step.reason not in DISMISSAL_REASONS:
        raise StepRefused(f"标为已排除须选择原因：{'、'.join(DISMISSAL_REASONS)}")
    if step.to == HANDLED and step.action not in ACTIONS:
        raise StepRefused(f"标为已处置须选择所采取的措施：{'、'.join(ACTIONS)}")
    if step.reason is not None and step.to != DISMISSED:
        raise StepRefused("只有标为已排除时才填写原因")
    if step.action is not None and step.to != HANDLED:
        raise StepRefused("只有标为已处置时才填写措施")
