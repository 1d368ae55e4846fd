"""Files laid out as real senders lay them out, built in code: the national injury report card as a
hospital system exports it, SAMR/provincial food-sampling announcements, the national food-sampling
system's export, and SAMR/provincial product-inspection result tables."""

from __future__ import annotations

from pathlib import Path

CARD_SECTIONS = ["患者基本信息", "", "", "", "", "", "", "", "", "", "", "", "", "伤害事件基本情况", "", "", "", "", "", "", "",
                 "伤害临床信息", "", "", "", "", "伤害涉及产品信息", "", "", "", ""]
CARD_HEADER = ["监测医院编号", "卡片编号", "姓名", "性别", "年龄", "年龄单位", "身份证号", "联系电话", "联系地址（省）",
               "联系地址（市）", "联系地址（县/区）", "详细地址", "户籍", "伤害发生时间", "伤害发生时间（时）", "患者就诊时间",
               "伤害发生原因", "伤害发生地点", "伤害发生时活动", "是否故意", "伤害性质", "伤害部位", "严重程度", "伤害临床诊断",
               "结局", "产品名称1", "品牌/型号1", "产品分类1", "发生伤害与使用产品的关系", "填卡日期", "伤害经过"]


def card(hospital: str, card_no: str, **over: str) -> list[str]:
    row = {"监测医院编号": hospital, "卡片编号": card_no, "姓名": "张小明", "性别": "1", "年龄": "35", "年龄单位": "岁",
           "身份证号": "610104198901011234", "联系电话": "13912345678", "联系地址（省）": "陕西省", "联系地址（市）": "西安市",
           "联系地址（县/区）": "莲湖区", "详细地址": "北大街188号3单元502室", "户籍": "1", "伤害发生时间": "2026-11-20",
           "伤害发生时间（时）": "13", "患者就诊时间": "2026-11-20 14:35", "伤害发生原因": "7", "伤害发生地点": "1",
           "伤害发生时活动": "2", "是否故意": "1", "伤害性质": "5", "伤害部位": "2", "严重程度": "1", "伤害临床诊断": "手部Ⅱ度烫伤",
           "结局": "1", "产品名称1": "电热水壶", "品牌/型号1": "某牌/KX-17", "产品分类1": "P0201",
           "发生伤害与使用产品的关系": "1", "填卡日期": "2026-11-20", "伤害经过": "烧水时壶身倾倒烫伤手背"}
    row.update(over)
    return [row[h] for h in CARD_HEADER]


def write_card_csv(path: Path, rows: list[list[str]], encoding: str = "gb18030") -> Path:
    """A hospital system's export: the card's section row above the header, GBK, CRLF."""
    lines = [",".join(CARD_SECTIONS), ",".join(CARD_HEADER)] + [",".join(f'"{v}"' if "," in v else v for v in r) for r in rows]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


FOOD_FAILED_HEADER = ["序号", "抽样编号", "标称生产企业名称", "标称生产企业地址", "被抽样单位名称", "被抽样单位地址",
                      "被抽样单位所在省份", "食品名称", "规格型号", "商标", "生产日期/批号", "不合格项目║检验结果║标准值", "分类",
                      "公告号", "公告日期", "任务来源/项目名称", "检验机构", "备注"]


def write_xlsx(path: Path, title_rows: list[list[str]], header: list[str], rows: list[list[str]],
               notes: list[str] = (), merges: list[str] = ()) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in title_rows:
        ws.append(r)
    ws.append(header)
    for r in rows:
        ws.append([None if v == "" else v for v in r])
    for n in notes:
        ws.append([n])
    for m in merges:
        ws.merge_cells(m)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def food_failed_row(seq: str, sample: str, unit: str, address: str, province: str, food: str, items: str, cls: str,
                    **over: str) -> list[str]:
    row = dict(zip(FOOD_FAILED_HEADER, [seq, sample, "陕西某某粮油有限公司", "陕西省咸阳市秦都区某路1号", unit, address,
                                         province, food, "5kg/袋", "某牌", "2026-10-01", items, cls, "2026年第45期",
                                         "2026-11-18", "陕西省市场监督管理局", "陕西省产品质量监督检验研究院", ""], strict=True))
    row.update(over)
    return [row[h] for h in FOOD_FAILED_HEADER]


EXPORT_HEADER = ["*抽样单编号", "*样品名称", "食品大类", "食品细类", "*检验项目", "*检验结果", "结果单位", "结果判定",
                 "最小允许限", "最大允许限", "方法检出限", "判定依据", "抽检场所所在地", "被抽样单位名称", "抽样环节",
                 "*抽样日期", "任务类别"]

NATIONAL_HEADER = ["序号", "产品名称", "标称生产单位名称", "标称生产单位所在地", "被抽查单位名称", "电商平台", "商标", "规格型号",
                   "生产日期/批号", "不合格项目", "承检机构", "备注"]

PROVINCIAL_HEADER = ["序号", "企业名称", "所在地", "产品名称", "商标", "规格型号", "生产日期\n/批号", "抽查结果", "主要不合格\n项目",
                     "承检机构"]


def write_csv_quoted(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    """A CSV as spreadsheet programs save it: fields with commas quoted."""
    import csv

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    return path
