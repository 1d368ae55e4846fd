"""Never a failure stored as a pass: each silent misreading issue #28 found, as a file built in code. Every one of
these failed on the reader before it read by meaning (a 不合格 list stored as 合格, banned substances lost, merged
cells quarantined, places coarsened, stages unknown, swabs stored per gram, sellers taken for makers, villages
stored)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text

from surveillance.ingest.file import ingest_file
from surveillance.warehouse.models import FoodResult, InspectionResult
from tests.conftest import TODAY
from tests.ingest.sender_files import write_csv_quoted, write_xlsx

COUNTY = ["序号", "被抽样单位名称", "被抽样单位地址", "食品名称", "分类", "不合格项目||检验结果||计量单位||标准值", "公告日期"]
COUNTY_ROWS = [["1", "鄠邑区某某蔬菜店", "西安市鄠邑区甘亭街道1号", "韭菜", "蔬菜", "氧乐果||0.29||mg/kg||0.02", "2026-11-10"],
               ["2", "临潼区某某鲜肉铺", "西安市临潼区骊山街道2号", "鸡肉", "畜禽肉", "氟苯尼考||检出||/||不得检出", "2026-11-10"]]


def _food(engine) -> dict:
    with engine.connect() as conn:
        return {(r.food_name, r.analyte): r for r in conn.execute(select(FoodResult))}


@pytest.mark.parametrize("separator", ["||", "︱", "丨"])
def test_a_failed_list_with_an_items_column_in_four_parts_stores_the_failures(engine, tmp_path: Path, separator) -> None:
    header = [h.replace("||", separator) for h in COUNTY]
    rows = [[v.replace("||", separator) for v in row] for row in COUNTY_ROWS]
    path = write_xlsx(tmp_path / "抽检信息.xlsx", [["鄠邑区市场监督管理局食品安全监督抽检不合格产品信息"]], header, rows)
    result = ingest_file(engine, path, "food", "salt", TODAY)
    assert (result.status, result.rows_loaded) == ("accepted", 2), result.error
    got = _food(engine)
    omethoate = next(r for (food, _), r in got.items() if food == "韭菜")
    assert (omethoate.result_value, omethoate.unit, omethoate.limit_value, omethoate.exceeds_limit) == (0.29, "mg/kg", 0.02, True)
    assert omethoate.sender_verdict == "不合格" and omethoate.region_code == "610118"  # 鄠邑区, not 西安市
    florfenicol = next(r for (food, _), r in got.items() if food == "鸡肉")
    assert (florfenicol.limit_value, florfenicol.exceeds_limit, florfenicol.sender_verdict) == (0.0, True, "不合格")
    assert not any(r.analyte == "ALL" for r in got.values())  # never 全部检验项目 合格


@pytest.mark.parametrize(("title", "header", "why"), [
    ([["食品安全监督抽检不合格产品信息"]], [*COUNTY[:5], "不合格项目||检验结果||备用||标准值", "公告日期"], "备用"),  # a part not understood
    ([["食品安全监督抽检不合格产品信息"]], [*COUNTY[:5], "问题描述", "公告日期"], "failed items could not be read"),
    ([["食品安全监督抽检信息"]], [*COUNTY[:5], "问题描述", "公告日期"], "do not say whether"),  # nothing says which list
    ([["食品安全监督抽检合格产品信息"]], COUNTY, "said both ways"),  # the title says 合格, a column names failures
    ([["食品安全监督抽检不合格产品信息"]], [*COUNTY[:5], "检测结论", "公告日期"], "like results"),  # a verdict column unread
])
def test_a_list_not_understood_is_refused_never_read_as_a_pass_list(engine, tmp_path: Path, title, header, why) -> None:
    path = write_xlsx(tmp_path / "附件.xlsx", title, header, COUNTY_ROWS)
    result = ingest_file(engine, path, "food", "salt", TODAY)
    assert result.status == "rejected" and why in result.error, result.error
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from food_results")).scalar() == 0


def test_a_pass_list_says_so_and_a_row_naming_a_failure_in_it_is_quarantined(engine, tmp_path: Path) -> None:
    header = ["序号", "被抽样单位名称", "被抽样单位地址", "食品名称", "分类", "公告日期"]
    rows = [["1", "某某超市", "西安市碑林区南大街1号", "挂面", "粮食加工品", "2026-11-10"]]
    result = ingest_file(engine, write_csv_quoted(tmp_path / "合格产品信息.csv", header, rows), "food", "salt", TODAY)
    assert (result.status, result.rows_loaded) == ("accepted", 1)
    assert result.derived["sender_verdict"] == 1 and "derived: " in result.line(), result.line()
    (row,) = _food(engine).values()
    assert (row.analyte, row.sender_verdict, json.loads(json.loads(row.extra)["_derived"])["sender_verdict"]) == \
        ("ALL", "合格", "由文件名判断")


def test_banned_substances_with_a_detection_limit_are_kept_as_exceedances(engine, tmp_path: Path) -> None:
    header = ["抽样单编号", "样品名称", "食品大类", "检验项目", "检验结果", "结果单位", "结果判定", "最大允许限", "方法检出限",
              "被抽样单位名称", "抽检场所所在地", "抽样日期"]
    rows = [["S1", "鸡肉", "食用农产品", "氯霉素", "0.52", "μg/kg", "不合格项", "不得检出", "0.1", "某某鲜禽店",
             "陕西省 西安市 未央区", "2026-11-10"],
            ["S2", "面包", "糕点", "糖精钠(以糖精计)", "0.08", "g/kg", "不合格项", "不得使用", "0.005", "某某购物广场",
             "陕西省 宝鸡市 渭滨区", "2026-11-10"]]
    result = ingest_file(engine, write_csv_quoted(tmp_path / "export.csv", header, rows), "food", "salt", TODAY)
    assert (result.status, result.rows_loaded, result.rows_quarantined) == ("accepted", 2, 0), result.error
    for row in _food(engine).values():
        assert (row.limit_value, row.exceeds_limit, row.sender_verdict, row.sampling_stage) == (0.0, True, "不合格", "流通")
        assert row.lod > 0


def test_one_failed_item_per_row_under_merged_sample_cells_folds_into_its_sample(engine, tmp_path: Path) -> None:
    header = ["序号", "标称生产企业名称", "被抽样单位名称", "被抽样单位地址", "食品名称", "分类", "不合格项目", "检验结果", "标准值", "公告日期"]
    rows = [["1", "某油脂公司", "某某粮油店", "宝鸡市渭滨区经二路3号", "花生油", "食用油", "黄曲霉毒素B1", "35μg/kg", "≤20μg/kg", "2026-11-10"],
            ["", "", "", "", "", "", "苯并[a]芘", "15μg/kg", "≤10μg/kg", ""],
            ["2", "某面粉厂", "某某超市", "宝鸡市金台区东风路5号", "小麦粉", "粮食加工品", "脱氧雪腐镰刀菌烯醇", "1500μg/kg",
             "≤1000μg/kg", "2026-11-10"]]
    merged = [f"{c}3:{c}4" for c in "ABCDEFJ"]  # the sample's cells span its two failed items
    path = write_xlsx(tmp_path / "不合格产品信息.xlsx", [["食品安全监督抽检不合格产品信息"]], header, rows, merges=merged)
    result = ingest_file(engine, path, "food", "salt", TODAY)
    assert (result.status, result.rows_read, result.rows_loaded, result.lines_folded) == ("accepted", 3, 3, 1), result.error
    oil = [r for (food, _), r in _food(engine).items() if food == "花生油"]
    assert len(oil) == 2 and all(r.exceeds_limit and r.region_code == "610302" and r.sampling_date == date(2026, 11, 10) for r in oil)


def test_a_two_row_header_gives_the_county_and_retail_names_give_the_stage(engine, tmp_path: Path) -> None:
    top = ["序号", "食品名称", "分类", "被抽样单位", "", "", "", "", "不合格项目║检验结果║标准值", "抽样日期"]
    sub = ["", "", "", "名称", "地址", "省", "市", "县", "", ""]
    rows = [["1", "豇豆", "蔬菜", "某某果蔬店", "甘亭街道9号", "陕西省", "西安市", "鄠邑区", "克百威║0.05mg/kg║≤0.02mg/kg", "2026-11-09"],
            ["2", "鲈鱼", "水产品", "某某水产店", "武侯镇3号", "陕西省", "汉中市", "勉县", "孔雀石绿║1.2μg/kg║不得检出", "2026-11-09"]]
    path = write_xlsx(tmp_path / "不合格产品信息.xlsx", [["某某局食品安全监督抽检不合格产品信息"], top], sub, rows, merges=["D2:H2"])
    result = ingest_file(engine, path, "food", "salt", TODAY)
    assert (result.status, result.rows_loaded) == ("accepted", 2), result.error
    got = {food: r for (food, _), r in _food(engine).items()}
    assert (got["豇豆"].region_code, got["豇豆"].sampling_stage) == ("610118", "流通")
    assert (got["鲈鱼"].region_code, got["鲈鱼"].sampling_stage) == ("610725", "流通")


def test_a_verdict_column_holding_measurements_is_not_read_as_verdicts(engine, tmp_path: Path) -> None:
    """Values are sniffed: a 结论 column of measured values is no verdict column, and unread it refuses the file."""
    header = ["序号", "企业名称", "所在地", "产品名称", "结论", "承检机构"]
    rows = [["1", "某电器有限公司", "西安市雁塔区", "电热水壶", "28.6km/h", "某检验院"],
            ["2", "某车业有限公司", "西安市未央区", "电动自行车", "2.46A", "某检验院"]]
    path = write_xlsx(tmp_path / "抽查结果（2026年11月10日）.xlsx", [["监督抽查结果"]], header, rows)
    result = ingest_file(engine, path, "inspection", "salt", TODAY)
    assert result.status == "rejected" and "'结论'" in result.error, result.error


def test_a_swab_per_area_keeps_its_unit_and_the_maker_is_never_the_seller(engine, tmp_path: Path) -> None:
    header = ["序号", "学校名称", "食堂地址", "样品名称", "分类", "检验项目", "检验结果", "标准值", "结果判定", "抽样日期"]
    rows = [["1", "某某中学", "西安市长安区韦曲街道1号", "消毒餐具(碗)", "餐饮具", "大肠菌群", "3CFU/50cm²", "不得检出", "不合格", "2026-11-09"]]
    path = write_xlsx(tmp_path / "学校食堂抽检结果.xlsx", [["学校食堂食品安全抽检结果"]], header, rows)
    result = ingest_file(engine, path, "food", "salt", TODAY)
    assert (result.status, result.rows_loaded) == ("accepted", 1), result.error
    (swab,) = _food(engine).values()
    assert (swab.unit, swab.result_value, swab.exceeds_limit, swab.sampling_stage) == ("CFU/50cm²", 3.0, True, "学校食堂")

    header = ["序号", "产品名称", "受检单位名称", "标称生产单位", "标称生产单位所在地", "主要不合格项目", "承检机构"]
    rows = [["1", "电热水壶", "西安市雁塔区某某家电商行", "佛山市某某电器有限公司", "广东省佛山市", "发热*，结构", "某检验院"]]
    path = write_xlsx(tmp_path / "不合格产品及企业名单（2026年11月10日）.xlsx", [["产品质量国家监督抽查不合格产品及企业名单"]], header, rows)
    result = ingest_file(engine, path, "inspection", "salt", TODAY)
    assert (result.status, result.rows_loaded) == ("accepted", 1), result.error
    with engine.connect() as conn:
        kettle = conn.execute(select(InspectionResult)).one()
    assert (kettle.manufacturer_name, kettle.failed_items, kettle.sampling_stage, kettle.region_code) == \
        ("佛山市某某电器有限公司", "发热；结构", "流通", "610113")  # the shop (家电商行 is no e-commerce) is where it was sampled


def test_village_and_street_columns_of_a_patient_are_never_stored(engine, tmp_path: Path, monkeypatch) -> None:
    registry = tmp_path / "hospitals.csv"
    registry.write_text("hospital_code,hospital_name,region_code\nH001,示例医院,610104\n", encoding="utf-8")
    monkeypatch.setenv("SURVEILLANCE_HOSPITALS", str(registry))
    header = ["监测医院编号", "卡片编号", "姓名", "性别", "年龄", "省", "市", "县(区)", "乡镇(街道)", "村(居委会)", "住处", "伤害发生日期",
              "伤害发生时间", "患者就诊日期", "患者就诊时间", "伤害发生原因", "是否故意", "伤害性质", "伤害部位", "严重程度", "结局"]
    rows = [["H001", "K1", "王小红", "2", "6", "陕西省", "西安市", "莲湖区", "北院门街道", "大麦市社区", "大麦市街88号", "2026-11-19",
             "21:30", "2026-11-20", "08:05", "7", "1", "5", "2", "1", "1"],
            ["H001", "K2", "王小红", "2", "6", "陕西省", "西安市", "莲湖区", "北院门街道", "大麦市社区", "大麦市街88号", "2026-11-19",
             "21:30", "2026-11-20", "08:05", "7", "1", "5", "2", "1", "99"]]  # an outcome no code table knows: quarantined
    result = ingest_file(engine, write_csv_quoted(tmp_path / "cards.csv", header, rows), "injury", "salt", TODAY)
    assert (result.status, result.rows_loaded, result.rows_quarantined) == ("accepted", 1, 1), result.error
    with engine.connect() as conn:
        stored = json.dumps([[str(v) for v in r] for t in ("injury_reports", "quarantined_rows", "ingest_batches")
                             for r in conn.execute(text(f"select * from {t}"))], ensure_ascii=False)
        visit = conn.execute(text("select visit_date from injury_reports")).scalar()
    for personal in ("王小红", "北院门", "大麦市", "88号"):
        assert personal not in stored
    assert str(visit) == "2026-11-20"  # the visit's own date, not the injury's, and not a clock time


@pytest.mark.parametrize("source", ["food", "inspection"])
def test_a_list_of_every_sample_reads_slash_as_none_failed_and_a_blank_as_nothing_said(engine, tmp_path: Path,
                                                                                       source) -> None:
    if source == "food":
        header = ["序号", "被抽样单位名称", "被抽样单位地址", "食品名称", "分类", "不合格项目║检验结果║标准值", "抽样日期"]
        rows = [["1", "某某超市", "西安市碑林区南大街1号", "大米", "粮食加工品", "镉(以Cd计)║0.5mg/kg║≤0.2mg/kg", "2026-11-10"],
                ["2", "某某超市", "西安市碑林区南大街1号", "挂面", "粮食加工品", "/", "2026-11-10"],
                ["3", "某某超市", "西安市碑林区南大街1号", "面粉", "粮食加工品", "", "2026-11-10"]]
    else:
        header = ["序号", "企业名称", "所在地", "产品名称", "不合格项目", "承检机构", "抽样日期"]
        rows = [["1", "甲电器有限公司", "西安市雁塔区", "电热水壶", "发热", "某检验院", "2026-11-10"],
                ["2", "乙电器有限公司", "西安市雁塔区", "电暖器", "/", "某检验院", "2026-11-10"],
                ["3", "丙电器有限公司", "西安市雁塔区", "电吹风", "", "某检验院", "2026-11-10"]]
    path = write_xlsx(tmp_path / "监督抽检结果.xlsx", [["2026年监督抽检结果"]], header, rows)
    result = ingest_file(engine, path, source, "salt", TODAY)
    assert (result.status, result.rows_loaded, result.rows_quarantined) == ("accepted", 2, 1), result.error
    with engine.connect() as conn:
        reasons = [json.loads(r)[0]["message"] for (r,) in conn.execute(text("select reasons from quarantined_rows"))]
        table = "food_results" if source == "food" else "inspection_results"
        verdict = "sender_verdict" if source == "food" else "verdict"
        verdicts = sorted(v for (v,) in conn.execute(text(f"select {verdict} from {table}")))
    assert verdicts == ["不合格", "合格"] and "nothing says whether the sample passed" in reasons[0]
