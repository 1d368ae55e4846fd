"""The four-level warning scale (docs/warning-levels.md): Ⅰ级 红色 .. Ⅳ级 蓝色.

A level comes from the severity of harm, the hazard class and the strength of the evidence.
Rules are kept here, in one place, and documented in Chinese and English in docs/.
"""

from __future__ import annotations

LEVELS = {1: ("Ⅰ级", "红色", "特别严重"), 2: ("Ⅱ级", "橙色", "严重"), 3: ("Ⅲ级", "黄色", "较重"), 4: ("Ⅳ级", "蓝色", "一般")}

ACTIONS = {
    "injury": "核查相关产品批次与销售渠道，开展缺陷调查，必要时发布消费警示或启动召回",
    "inspection": "对该企业开展跟踪抽查和现场检查，督促整改，依法处理不合格产品",
    "food": "复核检测结果，追溯来源，控制问题产品，必要时开展风险评估并发布预警",
}


def label(level: int) -> str:
    roman, colour, meaning = LEVELS[level]
    return f"{roman}（{colour}，{meaning}）"


SERIOUS_SHARE = 0.2  # serious cases (hospitalised, transferred, dead or graded severe) above the usual ~10%
VULNERABLE_SHARE = 0.5  # children or elderly making most of the cases


def injury_level(s: dict) -> int:
    ev, n = s["evidence"], max(s["observed"], 1)
    deaths = ev.get("deaths", 0)
    serious = ev.get("serious", ev.get("severe", 0))
    if deaths >= 1 and s["observed"] >= 5:
        return 1
    if (deaths >= 1 or (serious >= 3 and serious / n >= SERIOUS_SHARE)
            or any(ev.get(group, 0) >= 5 and ev.get(group, 0) / n >= VULNERABLE_SHARE for group in ("children", "elderly"))):
        return 2
    if s["observed"] >= 2 * max(s["threshold"] or 0, 1):
        return 3
    return 4


def inspection_level(s: dict) -> int:
    if s["method"] == "failure-rate":
        return 3 if (s["score"] or 0) >= 3 else 4
    if s["method"] == "new-failed-item":
        return 3 if s.get("category_group") == "G01" else 4  # children's products
    return 3 if s["observed"] >= 3 else 4


def food_level(s: dict) -> int:
    ev = s["evidence"]
    if s["method"] == "trend-mk":
        return 3 if ev.get("hazard_class", 3) <= 2 else 4
    if s["method"] == "exceedance-rate":
        return 2 if ev.get("hazard_class", 3) <= 1 else 3
    if s["method"] == "unusual-profile":
        return 4
    if ev.get("kind") == "pathogen" and (ev.get("ready_to_eat") or s.get("sampling_stage") == "学校食堂"):
        return 2
    if ev.get("kind") == "mycotoxin" and ev.get("infant"):
        return 1
    ratio = ev.get("ratio_to_limit", 1.0)
    if ratio >= 5:
        return 2
    if ratio >= 2:
        return 3
    return 4


def level_of(signal: dict) -> int:
    return {"injury": injury_level, "inspection": inspection_level, "food": food_level}[signal["domain"]](signal)
