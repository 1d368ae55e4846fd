"""The CSV risk digest agencies open in Excel: UTF-8 with BOM, Chinese headers, no formulas."""

from __future__ import annotations

import csv
import io

from surveillance import reference
from surveillance.excel_csv import neutralise
from surveillance.signals.episodes import STATUS_ZH
from surveillance.signals.levels import LEVELS
from surveillance.signals.registry import DOMAINS, method_label
from surveillance.signals.signal import signal_code

ADVICE = {  # 建议措施: what the receiving agency is asked to do, by domain
    "injury": "核查相关产品批次与销售渠道，开展缺陷调查，必要时发布消费警示或启动召回",
    "inspection": "对该企业开展跟踪抽查和现场检查，督促整改，依法处理不合格产品",
    "food": "复核检测结果，追溯来源，控制问题产品，必要时开展风险评估并发布预警",
}
COLUMNS = ["信号编号", "预警级别", "颜色", "领域", "检测方法", "类别", "地区", "时段", "观测值", "期望值", "阈值",
           "状态", "说明", "建议措施", "责任部门", "详情链接"]

def _number(value: float | None) -> str:
    """A number as people read it in Excel: at most two decimals, never exponent notation."""
    if value is None:
        return ""
    if 0 < abs(value) < 0.005:
        return "<0.01" if value > 0 else ">-0.01"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


STATUS_ORDER = {"escalated": 0, "new": 1, "stronger": 2, "new-cases": 3, "ongoing": 4}


def ordered(signals: list[dict]) -> list[dict]:
    """New and escalated signals first, then by level (Ⅰ级 first), domain and id."""
    return sorted(signals, key=lambda s: (STATUS_ORDER.get(s.get("status") or "new", 9) > 1, s["level"],
                                          STATUS_ORDER.get(s.get("status") or "new", 9), s["domain"], s["id"]))


def signal_url(base_url: str, signal_id: int) -> str:
    """The signal's page in the web console (SURVEILLANCE_BASE_URL); empty when no console is configured."""
    return f"{base_url}/signals/{signal_id}" if base_url else ""


def digest_rows(signals: list[dict], departments: dict[int, str], base_url: str = "") -> list[list[str]]:
    names = reference.jurisdiction_names()
    rows = []
    for s in ordered(signals):
        roman, colour, _ = LEVELS[s["level"]]
        status = STATUS_ZH.get(s.get("status") or "new", "")
        period = (s["period_start"].isoformat() if s["period_start"] == s["period_end"]
                  else f"{s['period_start'].isoformat()}至{s['period_end'].isoformat()}")
        rows.append([signal_code(s["id"]), roman, colour, DOMAINS[s["domain"]], method_label(s["method"]),
                     reference.category_name(s["category_code"]), names.get(s["jurisdiction_code"] or "", ""), period,
                     _number(s["observed"]), _number(s["expected"]), _number(s["threshold"]), status, s["title"],
                     ADVICE[s["domain"]], departments.get(s["id"], ""), signal_url(base_url, s["id"])])
    return rows


def digest_csv(signals: list[dict], departments: dict[int, str], base_url: str = "") -> bytes:
    """CSV bytes with a UTF-8 BOM so Excel in Chinese opens it correctly; each signal links to its page
    in the console when ``base_url`` is set."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in digest_rows(signals, departments, base_url):
        writer.writerow([neutralise(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")
