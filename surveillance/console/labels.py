"""Chinese names of the evidence keys and record fields the console shows (agency-facing text is Chinese;
a key without a name here is shown as it is stored)."""

from __future__ import annotations

from surveillance import reference
from surveillance.signals.registry import method_label

EVIDENCE = {
    "weekly_counts": "近12周病例数", "first_week": "首周起始日", "method": "检测方法", "years_of_history": "基线年数",
    "p_value": "P值", "fdr_q": "错误发现率控制水平", "proposed_by_classifier": "按文本归类的病例数", "severe": "重度病例",
    "serious": "严重病例（住院、转院、死亡或重度）", "hospitalised": "住院病例", "deaths": "死亡", "children": "儿童病例",
    "elderly": "老年病例", "records": "病例记录（医院/报告卡编号）", "pattern": "伤害特征", "value": "特征取值",
    "a": "本产品该特征病例数", "b": "本产品其他病例数", "c": "其他产品该特征病例数", "d": "其他产品其他病例数",
    "prr": "比例报告比 PRR", "ror": "报告比值比 ROR", "ror_low": "ROR 95%下限", "ror_high": "ROR 95%上限", "ic": "信息成分 IC",
    "ic025": "IC 下限", "chi2": "卡方值", "baseline_a": "基线期该特征病例数", "baseline_prr": "基线期 PRR", "cities": "病例地区分布",
    "samples": "样品", "dates": "抽样日期", "stages": "抽样环节", "failed_items": "不合格项目", "failed_samples": "不合格样品",
    "manufacturers": "生产企业（统一社会信用代码）", "failures": "不合格批次", "rate": "不合格（超标）率", "province_rate": "全省比率",
    "p_province": "与全省比较P值", "history_rate": "历史比率", "p_history": "与历史比较P值", "alpha": "显著性水平",
    "past_failures": "历史不合格次数", "usual_items": "常见不合格项目", "sample_id": "样品编号", "analyte": "检测项目",
    "kind": "项目类别", "hazard_class": "危害等级", "ready_to_eat": "即食食品", "infant": "婴幼儿食品", "hazard_rank": "危害排序",
    "ratio_to_limit": "检测值/限量", "sender_verdict": "检验机构结论", "verdicts_disagree": "结论与限量判定不一致",
    "months": "月份", "medians": "月中位数", "censored_months": "低于检出限的月份", "tau": "Kendall τ", "sen_slope": "Sen 斜率",
    "exceeding": "超标样品数", "exceeding_samples": "超标样品", "analytes": "各项目超标数", "anomaly_score": "异常得分",
    "threshold": "阈值", "high_analytes": "接近限量的项目数", "level_sum": "综合水平", "level_threshold": "综合水平阈值",
    "ratios_to_limit": "各项目检测值/限量",
}

FIELDS = {
    "visit_date": "就诊日期", "hospital_code": "医院编码", "region_code": "行政区划", "sex": "性别", "age": "年龄",
    "injury_cause": "伤害原因", "injury_nature": "伤害性质", "body_part": "受伤部位", "severity": "严重程度", "outcome": "结局",
    "product_name": "产品名称", "narrative": "伤害经过", "patient": "患者假名", "sample_id": "样品编号", "sampling_date": "抽样日期",
    "brand": "商标", "model": "规格型号", "manufacturer_name": "生产企业", "manufacturer_uscc": "统一社会信用代码",
    "sampling_stage": "抽样环节", "inspection_agency": "检验机构", "verdict": "结论", "failed_items": "不合格项目",
    "food_name": "食品名称", "analyte": "检测项目", "result_raw": "检测结果（原文）", "result_value": "检测值", "unit": "单位",
    "limit_value": "限量", "limit_standard": "限量标准", "exceeds_limit": "超过限量", "sender_verdict": "检验机构结论",
}

# stored codes of evidence values, as the page names them
VALUES = {
    "kind": {"veterinary_drug": "兽药残留", "contaminant": "污染物", "pesticide": "农药残留", "additive": "食品添加剂",
             "mycotoxin": "真菌毒素", "pathogen": "致病菌", "quality": "质量指标", "indicator": "卫生指示菌",
             "illegal_additive": "非法添加物", "summary": "综合判定"},
    "stream": {"all": "全部病例", "serious": "重伤病例"},
}


def _coded(key: str) -> dict[str, str]:
    """Names of the reference codes an evidence key holds: places by their division's name, analytes by theirs."""
    if key in ("places", "cities", "jurisdiction_code", "region_code"):
        regions = reference.regions()
        return dict(zip(regions["code"], regions["name"], strict=True))
    if key in ("analyte", "analytes", "ratios_to_limit", "usual_items"):
        analytes = reference.analytes()
        return dict(zip(analytes["code"], analytes["name"], strict=True))
    return VALUES.get(key, {})


def evidence_value(key: str, value: object) -> str:
    """An evidence value under ``key`` as the page shows it: a stored code by its name, then ``readable``."""
    names = _coded(key)
    if isinstance(value, dict) and names:
        return "；".join(f"{names.get(str(k), k)}：{readable(v)}" for k, v in value.items())
    if key == "method" and isinstance(value, str):
        return method_label(value)
    if key == "pattern" and isinstance(value, str):  # the card field a disproportionality signal is about
        return FIELDS.get(value, value)
    if isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, list):
        return readable([names.get(v, v) if isinstance(v, str) else v for v in value])
    return readable(value)


def readable(value: object) -> str:
    """An evidence value as a person reads it: lists joined with 、, mappings as 键：值, 是/否 for truth values,
    — for nothing, numbers without exponents (at most four significant digits, "<0.0001" for tiny ones),
    Chinese as Chinese (never ``\\uXXXX``)."""
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value == 0 or abs(value) >= 0.0001:
            text = f"{value:.4g}"
            return f"{value:.0f}" if "e" in text else text
        return "<0.0001" if value > 0 else ">-0.0001"
    if isinstance(value, dict):
        return "；".join(f"{EVIDENCE.get(str(k), k)}：{readable(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple, set)):
        return "、".join(readable(v) for v in value)
    return str(value)
