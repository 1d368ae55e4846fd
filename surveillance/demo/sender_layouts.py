"""Demo files in the layouts real senders use: the national injury report card (a hospital system's
export), a provincial inspection result table (XLSX, P/F, a title row), the national food-sampling
system's export, and a food-sampling announcement of the failed samples (不合格产品信息)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from surveillance import reference

CARD_FIELDS = ("injury_cause", "injury_intent", "injury_nature", "body_part", "severity", "outcome")
CARD_HEADERS = {"injury_cause": "伤害发生原因", "injury_intent": "是否故意", "injury_nature": "伤害性质", "body_part": "伤害部位",
                "severity": "严重程度", "outcome": "结局"}


def _county_text(codes: pd.Series, style: str) -> pd.Series:
    """A county as senders write it: '陕西省宝鸡市渭滨区' or '陕西省 宝鸡市 渭滨区'."""
    regions = reference.regions().set_index("code")
    def one(code: str) -> str:
        city = regions.at[regions.at[code, "city_code"], "name"]
        parts = ["陕西省", city, regions.at[code, "name"]]
        return " ".join(parts) if style == "spaced" else "".join(parts)
    return codes.map(one)


def _coded(labels: pd.Series, field: str, rng: np.random.Generator) -> pd.Series:
    """The card's answers as hospital systems write them: a code, code+label, or the label."""
    codes, names = reference.injury_code_table(field)
    code_of = {v: k for k, v in codes.items()}
    card = labels.map(lambda v: names.get(str(v).replace(" ", ""), v))
    style = rng.integers(0, 3, len(card))
    code = card.map(code_of)
    return pd.Series(np.where(style == 0, code, np.where(style == 1, code + card, card)), index=labels.index)


def write_injury_cards(part: pd.DataFrame, path: Path, rng: np.random.Generator) -> None:
    """One hospital's day as its system exports the national card: section row, GBK, codes, ages with
    a unit column, visit times to the minute, the patient's address in parts."""
    n = len(part)
    years = part["age_years"].to_numpy()
    months = years < 1
    visit = pd.to_datetime(part["visit_date"]) + pd.to_timedelta(rng.integers(7 * 60, 23 * 60, n), unit="min")
    out = pd.DataFrame({
        "监测医院编号": part["hospital_code"].to_numpy(),
        "卡片编号": part["report_id"].to_numpy(),
        "姓名": part.get("patient_name", pd.Series("", index=part.index)).to_numpy(),
        "性别": np.where(part["sex"] == "男", "1", "2"),
        "年龄": np.where(months, np.maximum(1, (years * 12).astype(int)), years.astype(int)).astype(str),
        "年龄单位": np.where(months, "月", "岁"),
        "身份证号": part.get("id_number", pd.Series("", index=part.index)).to_numpy(),
        "联系电话": part.get("phone", pd.Series("", index=part.index)).to_numpy(),
        "联系地址（省）": "陕西省",
        "联系地址（县/区）": _county_text(part["region_code"], "plain").str.removeprefix("陕西省").to_numpy(),
        "详细地址": [f"幸福路{k}号{k % 9 + 1}单元" for k in rng.integers(1, 300, n)],
        "患者就诊时间": visit.dt.strftime("%Y-%m-%d %H:%M").to_numpy(),
    }, index=part.index)
    for field in CARD_FIELDS:
        out[CARD_HEADERS[field]] = _coded(part[field], field, rng)
    out["产品名称1"] = part["product_name"].to_numpy()
    out["产品分类1"] = part["product_code"].to_numpy()
    out["伤害经过"] = part["narrative"].to_numpy()
    out["填卡日期"] = pd.to_datetime(part["visit_date"]).dt.strftime("%Y-%m-%d").to_numpy()
    sections = ["患者基本信息"] + [""] * (len(out.columns) - 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="gb18030", newline="") as fh:
        fh.write(",".join(sections) + "\r\n")
        out.to_csv(fh, index=False, lineterminator="\r\n")


def write_provincial_inspection(part: pd.DataFrame, path: Path, day) -> None:
    """An inspection institute's day as a provincial result table: title row, P/F, broken headers."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append([f"陕西省产品质量监督抽查结果（{day:%Y年%m月%d日}）"])
    ws.append(["序号", "抽样单编号", "企业名称", "统一社会信用代码", "所在地", "产品名称", "产品类别", "商标", "规格型号",
               "抽样\n日期", "抽样环节", "抽查结果", "主要不合格\n项目", "承检机构"])
    places = _county_text(part["region_code"], "plain")
    for k, (_, r) in enumerate(part.iterrows(), 1):
        ws.append([k, r["sample_id"], r["manufacturer_name"], r["manufacturer_uscc"], places[r.name], r["product_name"],
                   r["product_category"], r["brand"], r["model"], f"{pd.Timestamp(r['sampling_date']):%Y-%m-%d}",
                   r["sampling_stage"], "F" if r["verdict"] == "不合格" else "P", r["failed_items"] or None,
                   r["inspection_agency"]])
    ws.append(["注：P为合格，F为不合格。"])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def _verdicts(part: pd.DataFrame) -> np.ndarray:
    value = pd.to_numeric(part["value"], errors="coerce")
    over = part["detected"].astype(bool) & value.gt(part["limit"])
    return np.where(over, "不合格", "合格")


def write_food_export(part: pd.DataFrame, path: Path) -> None:
    """A lab's day as the national food-sampling system exports it: a row per sample x item, '*' headers."""
    analytes = reference.analytes().set_index("code")
    cats = reference.food_categories().set_index("code")
    out = pd.DataFrame({
        "*抽样单编号": part["sample_id"], "*样品名称": part["food_name"],
        "食品大类": part["food_category"].map(cats["name"]),
        "*检验项目": part["analyte"].map(analytes["name"]), "*检验结果": part["result_value"],
        "结果单位": part["unit"], "结果判定": _verdicts(part), "最大允许限": part["limit_value"].replace("", "/"),
        "方法检出限": part["lod"], "抽检场所所在地": _county_text(part["region_code"], "spaced"),
        "抽样环节": part["sampling_stage"], "*抽样日期": pd.to_datetime(part["sampling_date"]).dt.strftime("%Y-%m-%d"),
        "任务类别": "监督抽检",
    })
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, encoding="utf-8-sig")


def write_food_announcement(part: pd.DataFrame, path: Path, day) -> bool:
    """The regulator's announcement of the day's failed samples (不合格产品信息): items ║ result ║ limit in
    one cell, title rows above, a footnote below. False when nothing failed (nothing to announce)."""
    from openpyxl import Workbook

    failed = part[_verdicts(part) == "不合格"]
    if failed.empty:
        return False
    analytes = reference.analytes().set_index("code")
    cats = reference.food_categories().set_index("code")
    wb = Workbook()
    ws = wb.active
    ws.append(["附件"])
    ws.append([f"食品安全监督抽检不合格产品信息（{day:%Y年%m月%d日}）"])
    ws.append(["序号", "抽样编号", "标称生产企业名称", "被抽样单位名称", "被抽样单位地址", "食品名称", "不合格项目║检验结果║标准值",
               "分类", "抽样日期", "抽样环节", "公告日期", "检验机构"])
    places = _county_text(failed["region_code"], "plain")
    for k, (sample, rows) in enumerate(failed.groupby("sample_id", sort=True), 1):
        first = rows.iloc[0]
        items = "；".join(f"{analytes.at[r['analyte'], 'name']}║{r['result_value']}{r['unit']}║≤{r['limit_value']}{r['unit']}"
                         if not str(r["unit"]).startswith("/") else f"{analytes.at[r['analyte'], 'name']}║检出║不得检出"
                         for _, r in rows.iterrows())
        ws.append([k, sample, "", "某某农贸市场经营户", places[first.name] + "农贸市场", first["food_name"], items,
                   cats.at[first["food_category"], "name"], f"{pd.Timestamp(first['sampling_date']):%Y-%m-%d}",
                   first["sampling_stage"], f"{day:%Y-%m-%d}", "市疾控中心实验室"])
    ws.append(["注：以上不合格产品信息仅指本次抽检的样品。"])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return True
