"""The CSV risk digest agencies open in Excel: UTF-8 with BOM, Chinese headers, no formulas."""

from __future__ import annotations

import csv
import io

from surveillance import reference
from surveillance.alerts.levels import ACTIONS, LEVELS
from surveillance.excel_csv import neutralise
from surveillance.signals.episodes import STATUS_ZH

DOMAINS = {"injury": "产品伤害", "inspection": "监督抽查", "food": "食品安全"}
METHODS = {"farrington-flexible": "Farrington 周病例数异常（考虑季节与趋势）",
           "ears-c2": "EARS C2 周病例数异常", "repeat-failure": "企业多次抽检不合格",
           "exceedance": "检测结果超过限量", "trend-mk": "含量上升趋势（Mann-Kendall）",
           "disproportionality": "伤害类型比例失衡（PRR/ROR/IC）", "failure-rate": "抽检不合格率异常（漏斗图）",
           "new-failed-item": "首次出现的不合格项目", "exceedance-rate": "超标率异常（漏斗图）",
           "unusual-profile": "多项指标组合异常（孤立森林）"}
COLUMNS = ["信号编号", "预警级别", "颜色", "领域", "检测方法", "类别", "地区", "时段", "观测值", "期望值", "阈值",
           "状态", "说明", "建议措施", "责任部门"]

def category_name(code: str | None) -> str:
    if not code:
        return ""
    for table in (reference.product_categories(), reference.food_categories()):
        hit = table.loc[table["code"] == code, "name"]
        if len(hit):
            return str(hit.iloc[0])
    return code


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"


STATUS_ORDER = {"escalated": 0, "new": 1, "new-cases": 2, "ongoing": 3}


def ordered(signals: list[dict]) -> list[dict]:
    """New and escalated signals first, then by level (Ⅰ级 first), domain and id."""
    return sorted(signals, key=lambda s: (STATUS_ORDER.get(s.get("status") or "new", 9) > 1, s["level"],
                                          STATUS_ORDER.get(s.get("status") or "new", 9), s["domain"], s["id"]))


def digest_rows(signals: list[dict], departments: dict[int, str]) -> list[list[str]]:
    names = reference.jurisdiction_names()
    rows = []
    for s in ordered(signals):
        roman, colour, _ = LEVELS[s["level"]]
        status = STATUS_ZH.get(s.get("status") or "new", "")
        period = (s["period_start"].isoformat() if s["period_start"] == s["period_end"]
                  else f"{s['period_start'].isoformat()}至{s['period_end'].isoformat()}")
        rows.append([f"S{s['id']:06d}", roman, colour, DOMAINS[s["domain"]], METHODS.get(s["method"], s["method"]),
                     category_name(s["category_code"]), names.get(s["jurisdiction_code"] or "", ""), period,
                     _number(s["observed"]), _number(s["expected"]), _number(s["threshold"]), status, s["title"],
                     ACTIONS[s["domain"]], departments.get(s["id"], "")])
    return rows


def digest_csv(signals: list[dict], departments: dict[int, str]) -> bytes:
    """CSV bytes with a UTF-8 BOM so Excel in Chinese opens it correctly."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in digest_rows(signals, departments):
        writer.writerow([neutralise(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")
