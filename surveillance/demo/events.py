"""The demo's injected events, each named once: the marker its generated records carry, the row of the
ground truth (``demo_truth.csv``), the registry detector that must find it, and what it is, in Chinese."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InjectedEvent:
    name: str  # the records' marker and the truth's ``event``
    domain: str
    detector: str  # the registry detector of ``domain`` that must find it
    description: str


EVENTS = (
    InjectedEvent("injury_cluster", "injury", "counts", "宝鸡市电动自行车锂离子电池充电起火烧伤聚集"),
    InjectedEvent("injury_pattern", "injury", "disproportionality", "儿童玩具磁力珠误吞致器官损伤（伤害类型异常）"),
    InjectedEvent("repeat_failures", "inspection", "repeat-failure", "同一生产企业电暖器多次抽检不合格"),
    InjectedEvent("failure_rate", "inspection", "failure-rate", "渭南市电动自行车抽检不合格率显著高于全省"),
    InjectedEvent("new_failed_item", "inspection", "new-failed-item", "儿童玩具首次出现邻苯二甲酸酯项目不合格"),
    InjectedEvent("contaminant_trend", "food", "trend-mk", "谷物中镉含量持续上升"),
    InjectedEvent("exceedance_rate", "food", "exceedance-rate", "汉中市叶菜类氧乐果超标率显著升高"),
    InjectedEvent("unusual_profile", "food", "unusual-profile", "叶菜样品多项指标同时接近限量"),
)
BY_NAME = {e.name: e for e in EVENTS}
