"""The four-level warning scale (docs/warning-levels.md): Ⅰ级 红色 .. Ⅳ级 蓝色.

A level comes from the severity of harm, the hazard class and the strength of the evidence. It is
computed when a signal is stored; each method's rule is named in the method registry
(signals/registry.py), and documented in Chinese and English in docs/warning-levels.md.
"""

from __future__ import annotations

LEVELS = {1: ("Ⅰ级", "红色", "特别严重"), 2: ("Ⅱ级", "橙色", "严重"), 3: ("Ⅲ级", "黄色", "较重"), 4: ("Ⅳ级", "蓝色", "一般")}
COLOURS = {1: "#d32f2f", 2: "#f57c00", 3: "#fbc02d", 4: "#1976d2"}  # every output's level colours (emails, reports, console)


def label(level: int) -> str:
    roman, colour, meaning = LEVELS[level]
    return f"{roman}（{colour}，{meaning}）"


SERIOUS_SHARE = 0.2  # serious cases (hospitalised, transferred, dead or graded severe) above the usual ~10%
VULNERABLE_SHARE = 0.5  # children or elderly making most of the cases


def injury_level(s: dict) -> int:
    """Deaths, serious cases and vulnerable groups first; then how far above its threshold."""
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


def failure_rate_level(s: dict) -> int:
    return 3 if (s["score"] or 0) >= 3 else 4


def new_failed_item_level(s: dict) -> int:
    return 3 if s.get("category_group") == "G01" else 4  # children's products


def repeat_failure_level(s: dict) -> int:
    return 3 if s["observed"] >= 3 else 4


def trend_level(s: dict) -> int:
    return 3 if s["evidence"].get("hazard_class", 3) <= 2 else 4


def exceedance_rate_level(s: dict) -> int:
    return 2 if s["evidence"].get("hazard_class", 3) <= 1 else 3


def profile_level(s: dict) -> int:
    return 4


def exceedance_level(s: dict) -> int:
    """Pathogens in ready-to-eat food or school canteens, mycotoxins in infant food; then the ratio to the limit."""
    ev = s["evidence"]
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
