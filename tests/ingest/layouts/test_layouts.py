"""Files in the layouts real senders produce, read end to end: every row accounted for, fields right."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from surveillance.ingest.contract import INJURY
from surveillance.ingest.file import ingest_file
from surveillance.ingest.layouts import recognise
from surveillance.ingest.layouts.check import check
from surveillance.ingest.read import FileRejected, open_file
from surveillance.signals.detectors.inspection import detect_repeat_failures
from surveillance.warehouse.models import FoodResult, InjuryReport, InspectionResult, QuarantinedRow
from tests.conftest import TODAY, write_csv
from tests.ingest.sender_files import (
    CARD_HEADER,
    EXPORT_HEADER,
    FOOD_FAILED_HEADER,
    NATIONAL_HEADER,
    PROVINCIAL_HEADER,
    card,
    food_failed_row,
    write_card_csv,
    write_csv_quoted,
    write_xlsx,
)


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "hospitals.csv"
    path.write_text("hospital_code,hospital_name,region_code\nH001,莲湖示例医院,610104\nH002,神木示例医院,神木县\n",
                    encoding="utf-8")
    monkeypatch.setenv("SURVEILLANCE_HOSPITALS", str(path))
    return path


def _accounted(result) -> None:
    assert result.status == "accepted", result.error
    assert result.rows_read == result.rows_loaded + result.rows_quarantined + result.rows_duplicate


def _dump(engine) -> str:
    """Everything stored about records and quarantine, as one text."""
    with engine.connect() as conn:
        parts = [json.dumps([list(map(str, r)) for r in conn.execute(text(f"select * from {t}"))], ensure_ascii=False)
                 for t in ("injury_reports", "quarantined_rows", "record_revisions")]
    return "\n".join(parts)


def test_injury_cards_codes_ages_county_and_no_personal_data(engine, registry, tmp_path: Path) -> None:
    rows = [
        card("H001", "C1", 年龄="8", 年龄单位="月"),  # numeric codes; 8 months, not 8 years
        card("H002", "C2", 伤害发生原因="7烧烫伤", 是否故意="1非故意（意外事故）", 伤害性质=" 3 锐器伤、咬伤、开放伤",
             结局="2留观", 患者就诊时间="2026/11/21 9:05", 年龄单位="2"),  # code+label, a time without seconds, unit coded
        card("H001", "C3", 伤害发生原因="跌倒/坠落", 是否故意="故意（暴力、攻击）", 伤害性质="内脏器官伤", 结局="4住院",
             性别="女", 患者就诊时间="", 填卡日期="2026-11-22"),  # labels; no visit time: the card's date, recorded
        card("H999", "C4"),  # a hospital not in the registry
        card("H001", "C5", 伤害发生原因="7窒息"),  # a code whose label says something else
    ]
    result = ingest_file(engine, write_card_csv(tmp_path / "cards.csv", rows), "injury", "salt", TODAY)
    _accounted(result)
    assert (result.layout, result.rows_read, result.rows_loaded, result.rows_quarantined) == ("injury-card", 5, 3, 2)
    with engine.connect() as conn:
        got = {r.report_id: r for r in conn.execute(select(InjuryReport))}
        reasons = {json.loads(q.raw)["report_id"]: json.loads(q.reasons) for q in conn.execute(select(QuarantinedRow))}
    assert got["C1"].age == pytest.approx(8 / 12, abs=1e-3) and got["C2"].age == pytest.approx(35 / 12, abs=1e-3)
    assert (got["C1"].injury_cause, got["C1"].injury_intent, got["C1"].injury_nature, got["C1"].body_part,
            got["C1"].severity, got["C1"].outcome, got["C1"].sex) == ("烧烫伤", "非故意（意外事故）", "烧烫伤", "上肢", "轻度",
                                                                       "处理后离院", "男")
    assert (got["C2"].injury_nature, got["C2"].outcome, got["C2"].visit_date) == ("锐器伤、咬伤、开放伤", "留观", date(2026, 11, 21))
    assert (got["C3"].injury_intent, got["C3"].injury_nature, got["C3"].outcome) == ("故意（暴力、攻击）", "内脏器官伤", "住院")
    # the county is the hospital's, from the registry (an old county name in it maps to today's code)
    assert (got["C1"].region_code, got["C2"].region_code, got["C2"].jurisdiction_code) == ("610104", "610881", "610800")
    extra = json.loads(got["C3"].extra)
    assert got["C3"].visit_date == date(2026, 11, 22) and extra["_derived"] == json.dumps({"visit_date": "填卡日期"}, ensure_ascii=False)
    assert extra["伤害发生地点"] == "家中" and extra["伤害发生时活动"] == "家务" and extra["户籍"] == "本市/县"
    assert extra["患者住址区县"] == "610104"  # all that stays of the address
    assert "hospital 'H999' is not in the sentinel hospital registry" in reasons["C4"][0]["message"]
    assert reasons["C5"][0]["message"] == "code 7 is '烧烫伤' but the label says '窒息'"
    stored = _dump(engine)
    for personal in ("张小明", "610104198901011234", "13912345678", "北大街", "188号", "502室", "联系地址"):
        assert personal not in stored
    assert got["C1"].patient_hash and got["C1"].patient_hash == got["C2"].patient_hash  # same ID number, same person


def test_the_same_cards_in_the_native_layout_mean_the_same(engine, registry, tmp_path: Path) -> None:
    """Our earlier labels are aliases of the card's; an old county code maps to today's."""
    header = ["报告卡编号", "医院编码", "行政区划代码", "就诊日期", "性别", "年龄", "伤害原因", "伤害意图", "伤害性质", "受伤部位",
              "严重程度", "结局"]
    rows = [["N1", "H1", "610821", "2026-11-20", "男", "35岁", "烧烫伤", "非故意", "器官系统损伤", "上肢", "轻度", "住院"],
            ["N2", "H1", "户县", "2026-11-20", "女", "6个月", "跌倒/坠落", "故意(被他人伤害)", "骨折", "下肢", "中度", "留观"]]
    result = ingest_file(engine, write_csv(tmp_path / "n.csv", header, rows), "injury", "salt", TODAY)
    _accounted(result)
    assert (result.layout, result.rows_loaded) == ("native-injury", 2)
    with engine.connect() as conn:
        got = {r.report_id: r for r in conn.execute(select(InjuryReport))}
    assert (got["N1"].injury_intent, got["N1"].injury_nature, got["N1"].region_code) == ("非故意（意外事故）", "内脏器官伤", "610881")
    assert (got["N2"].injury_intent, got["N2"].region_code, got["N2"].jurisdiction_code) == ("故意（暴力、攻击）", "610118", "610100")


def _announcement(tmp_path: Path, name: str = "不合格产品信息.xlsx", batch: str = "") -> Path:
    rows = [
        food_failed_row("1", "DC26610000000001", "西安市碑林区某某超市", "陕西省西安市碑林区南大街1号", "陕西", "大米",
                        "镉(以Cd计)║0.52mg/kg║≤0.2mg/kg；苯甲酸及其钠盐(以苯甲酸计)║0.62g/kg║不得使用", "粮食加工品"),
        food_failed_row("2", "", "凤翔县某某饭店", "宝鸡市凤翔县城关镇东大街5号", "陕西", "自制凉皮",
                        "某新型添加剂‖1.5mg/kg‖≤1.0mg/kg", "新奇食品类", 公告日期=""),
        food_failed_row("3", "DC26410000000003", "郑州市某某商行", "河南省郑州市金水区花园路8号", "河南", "小麦粉",
                        "铅(以Pb计)||0.3mg/kg||≤0.2mg/kg", "粮食加工品"),
    ]
    title = [["附件1"], ["食品安全监督抽检不合格产品信息（2026年11月16日发布）"], [f"本次抽检的食品主要为粮食加工品等{batch}"]]
    return write_xlsx(tmp_path / name, title, FOOD_FAILED_HEADER, rows,
                      notes=["注：1.以上不合格产品信息仅指本次抽检标称的生产企业相关产品的生产日期/批号。",
                             "2.排名不分先后。"])


def test_food_announcement_items_limits_places_and_derived_ids(engine, tmp_path: Path) -> None:
    result = ingest_file(engine, _announcement(tmp_path), "food", "salt", TODAY)
    _accounted(result)
    assert (result.layout, result.rows_read, result.rows_loaded, result.rows_quarantined) == ("food-announcement", 4, 4, 0)
    assert (result.rows_expanded, result.lines_notes) == (1, 2)
    assert result.not_in_reference == {"analyte": 1, "food_category": 1}
    with engine.connect() as conn:
        got = {(r.sample_id, r.analyte): r for r in conn.execute(select(FoodResult))}
    cd = got[("DC26610000000001", "CD")]
    assert (cd.result_value, cd.unit, cd.limit_value, cd.exceeds_limit, cd.food_category) == (0.52, "mg/kg", 0.2, True, "F01")
    assert (cd.region_code, cd.sampling_stage, cd.sampling_date, cd.sender_verdict) == ("610103", "流通", date(2026, 11, 18), "不合格")
    ba = got[("DC26610000000001", "BA")]  # 不得使用: detected at all is an exceedance, never an empty limit
    assert (ba.result_value, ba.unit, ba.limit_value, ba.exceeds_limit, ba.verdict_conflict) == (0.62, "g/kg", 0.0, True, False)
    derived = [k for k in got if k[0].startswith("ID")]
    assert len(derived) == 1
    new = got[derived[0]]
    assert (new.analyte, new.food_category, new.result_value, new.limit_value, new.exceeds_limit) == \
        ("某新型添加剂", "新奇食品类", 1.5, 1.0, True)
    # an old county name maps to today's; no announcement date: the date in the title, recorded
    assert (new.region_code, new.sampling_stage, new.sampling_date) == ("610305", "餐饮", date(2026, 11, 16))
    assert json.loads(json.loads(new.extra)["_derived"]) == {"sample_id": "由行内容生成", "sampling_date": "标题中的日期",
                                                             "region_code": "被抽样单位地址",  # 所在省份 says only 陕西
                                                             "sampling_stage": "被抽样单位名称：凤翔县某某饭店",
                                                             "sender_verdict": "由标题、列“不合格项目║检验结果║标准值”判断"}
    outside = got[("DC26410000000003", "PB")]  # a place outside Shaanxi: kept and marked
    assert (outside.region_code, outside.jurisdiction_code, outside.exceeds_limit) == ("410000", "000000", True)
    # the same rows re-published in another file: the derived ids are stable, so every row is a duplicate
    again = ingest_file(engine, _announcement(tmp_path, "转载.xlsx", batch="（转载）"), "food", "salt", TODAY)
    assert not again.already_ingested and (again.rows_read, again.rows_loaded, again.rows_duplicate) == (4, 0, 4)


def test_food_pass_list_loads_one_record_per_sample(engine, tmp_path: Path) -> None:
    header = ["序号", "抽样编号", "标称生产企业名称", "标称生产企业地址", "被抽样单位名称", "被抽样单位地址", "食品名称", "规格型号",
              "商标", "生产日期/批号", "分类", "公告号", "公告日期", "任务来源/项目名称", "检验机构", "备注"]
    rows = [["1", "DC26610000000101", "某乳业公司", "陕西省咸阳市", "渭南市临渭区某某便利店", "陕西省渭南市临渭区站南路3号",
             "纯牛奶", "250mL/盒", "某牌", "2026-10-20", "乳制品", "2026年第45期", "2026-11-18", "国家市场监督管理总局",
             "某检测中心", ""]]
    result = ingest_file(engine, write_csv(tmp_path / "合格产品信息.csv", header, rows), "food", "salt", TODAY)
    _accounted(result)
    with engine.connect() as conn:
        row = conn.execute(select(FoodResult)).one()
    assert (row.analyte, row.result_raw, row.result_value, row.exceeds_limit, row.sender_verdict, row.region_code) == \
        ("ALL", "合格", None, False, "合格", "610502")


def test_national_food_sampling_export(engine, tmp_path: Path) -> None:
    base = ["", "大米", "粮食加工品", "大米", "", "", "mg/kg", "合格", "/", "", "", "GB 2762-2022", "陕西省 西安市 雁塔区",
            "西安市雁塔区某某超市", "流通", "2026-11-19", "监督抽检"]

    def row(sample: str, item: str, result: str, unit: str, verdict: str, limit: str, **over: str) -> list[str]:
        r = dict(zip(EXPORT_HEADER, base, strict=True))
        r.update({"*抽样单编号": sample, "*检验项目": item, "*检验结果": result, "结果单位": unit, "结果判定": verdict,
                  "最大允许限": limit}, **over)
        return [r[h] for h in EXPORT_HEADER]

    rows = [row("S1", "铅(以Pb计)", "0.05", "mg/kg", "合格", "0.2"),
            row("S1", "镉(以Cd计)", "＜0.005", "mg/kg", "合格", "0.2", 方法检出限="0.005"),
            row("S2", "克伦特罗", "0.8", "μg/kg", "不合格", "不得检出", **{"*样品名称": "猪肉", "食品大类": "食用农产品",
                                                                 "抽检场所所在地": "陕西省 汉中市 南郑县", "抽样环节": "生产"}),
            row("S3", "菌落总数", "1.2×10⁵", "CFU/g", "合格", "n=5,c=2,m=10000,M=100000"),  # over M, lab said 合格
            row("S4", "铅(以Pb计)", "0.3", "mg/kg", "合格", "0.2")]  # over the limit, lab said 合格
    result = ingest_file(engine, write_csv_quoted(tmp_path / "export.csv", EXPORT_HEADER, rows), "food", "salt", TODAY)
    _accounted(result)
    assert (result.layout, result.rows_loaded, result.rows_quarantined) == ("food-sampling-export", 5, 0)
    with engine.connect() as conn:
        got = {(r.sample_id, r.analyte): r for r in conn.execute(select(FoodResult))}
    assert got[("S1", "PB")].exceeds_limit is False and got[("S1", "PB")].region_code == "610113"
    cd = got[("S1", "CD")]
    assert (cd.censored, cd.result_value, cd.lod) == (True, 0.005, 0.005)
    clen = got[("S2", "CLEN")]
    assert (clen.exceeds_limit, clen.limit_value, clen.region_code, clen.sampling_stage) == (True, 0.0, "610703", "生产加工")
    tpc = got[("S3", "TPC")]
    assert (tpc.result_value, tpc.limit_value, tpc.exceeds_limit, tpc.verdict_conflict) == (120000.0, 100000.0, True, True)
    assert got[("S4", "PB")].verdict_conflict is True and got[("S1", "PB")].verdict_conflict is False


def test_samr_national_inspection_list(engine, tmp_path: Path) -> None:
    title = [["附件"], ["2026年第5批产品质量国家监督抽查电动自行车产品不合格产品及企业名单（2026年11月10日）"]]
    rows = [["1", "电动自行车", "陕西某某车业有限公司", "陕西省西安市", "", "", "某牌", "TDT-01", "2026-08", "*整车质量；*脚踏行驶能力",
             "国家电动自行车产品质量检验检测中心", ""],
            ["2", "电动自行车", "陕西某某车业有限公司", "陕西省西安市", "某某电动车专卖店", "京东", "某牌", "TDT-02", "2026-09",
             "*制动性能", "国家电动自行车产品质量检验检测中心", "复检仍不合格"],
            ["3", "电动自行车", "浙江某某科技有限公司", "浙江省台州市", "", "", "某牌", "X1", "2026-07", "*整车质量",
             "国家电动自行车产品质量检验检测中心", "假冒"]]
    path = write_xlsx(tmp_path / "国抽.xlsx", title, NATIONAL_HEADER, rows)
    result = ingest_file(engine, path, "inspection", "salt", TODAY)
    _accounted(result)
    assert (result.layout, result.rows_loaded) == ("inspection-samr-national", 3)
    with engine.connect() as conn:
        got = conn.execute(select(InspectionResult).order_by(InspectionResult.id)).all()
    first, second, third = got
    assert (first.verdict, first.failed, first.sampling_stage, first.sampling_date, first.region_code) == \
        ("不合格", True, "生产", date(2026, 11, 10), "610100")
    assert first.product_category == "P0301" and first.manufacturer_uscc is None
    assert first.manufacturer_key.startswith("N:") and first.manufacturer_key == second.manufacturer_key
    assert second.sampling_stage == "电商" and third.counterfeit is True and third.jurisdiction_code == "000000"
    with engine.connect() as conn:  # two failures of one maker without a credit code: a repeat failure, news the night the list arrived
        signals = detect_repeat_failures(conn, TODAY - timedelta(days=1)).signals
    assert [s["series"] for s in signals] == [first.manufacturer_key]
    assert "无统一社会信用代码" in signals[0]["title"]


def test_provincial_table_with_merged_cells_and_headers_across_lines(engine, tmp_path: Path) -> None:
    title = [["陕西省市场监督管理局2026年电器产品质量省级监督抽查结果（2026年11月5日）"]]
    rows = [["1", "西安某某电器有限公司", "西安市雁塔区", "电热水壶", "某牌", "1.7L", "2026-06", "F", "耐潮湿", "陕西省质检院"],
            ["", "", "", "", "", "", "", "", "结构", ""],  # the same sample's second failed item, product cells merged
            ["2", "宝鸡某某电器厂", "宝鸡市凤翔县", "电暖器", "某牌", "2000W", "2026-05", "P", "", "陕西省质检院"],
            ["3", "西安某某电器有限公司", "西安市雁塔区", "电吹风", "某牌", "1200W", "2026-07", "F", "温升", "陕西省质检院"],
            ["4", "西安某某电器有限公司", "西安市雁塔区", "电热毯", "某牌", "单人", "2026-07", "不合格", "", "陕西省质检院"]]
    path = write_xlsx(tmp_path / "省抽.xlsx", title, PROVINCIAL_HEADER, rows, merges=["A3:A4", "B3:B4", "C3:C4", "D3:D4"])
    result = ingest_file(engine, path, "inspection", "salt", TODAY)
    _accounted(result)
    assert (result.layout, result.rows_read, result.rows_loaded, result.lines_folded) == ("inspection-provincial", 4, 4, 1)
    with engine.connect() as conn:
        got = {r.product_name: r for r in conn.execute(select(InspectionResult))}
    kettle = got["电热水壶"]
    assert (kettle.failed_items, kettle.verdict, kettle.region_code, kettle.product_category, kettle.sampling_date) == \
        ("耐潮湿；结构", "不合格", "610113", "P0201", date(2026, 11, 5))
    assert (got["电暖器"].verdict, got["电暖器"].failed, got["电暖器"].region_code) == ("合格", False, "610305")
    assert got["电吹风"].manufacturer_key == kettle.manufacturer_key != got["电暖器"].manufacturer_key


def test_a_file_matching_no_layout_names_what_is_missing_in_chinese(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "odd.csv", ["卡片编号", "监测医院编号", "性别", "伤害性质", "某某自定义列"], [["C1", "H001", "1", "5", "x"]])
    with pytest.raises(FileRejected) as err:
        open_file(path, INJURY)
    message = str(err.value)
    assert "\n" not in message
    assert "missing required columns: 伤害发生原因 (injury_cause)、年龄 (age_value)" in message
    assert "nearest layout: injury-card" in message and "columns not understood: 某某自定义列" in message
    assert "start from: surveillance layouts draft FILE --source injury" in message


def test_layout_can_be_forced_and_is_recognised_from_the_header(registry, tmp_path: Path) -> None:
    path = write_card_csv(tmp_path / "c.csv", [card("H001", "C1")])
    assert open_file(path, INJURY).layout.name == "injury-card"
    with pytest.raises(FileRejected, match="missing required columns"):
        open_file(path, INJURY, layout="native-injury")
    assert recognise([["附件"], CARD_HEADER], "injury").row == 1


def test_layouts_check_says_what_a_file_gives_derives_and_lacks(registry, tmp_path: Path) -> None:
    report = check(write_card_csv(tmp_path / "c.csv", [card("H001", "C1")]))
    assert (report.source, report.layout, report.header_row, report.missing) == ("injury", "injury-card", 2, [])
    assert report.given["report_id"] == "卡片编号" and report.derived["region_code"].startswith("hospital_registry(监测医院编号)")
    assert "伤害发生地点" in report.kept_as_extra
    export = check(write_csv(tmp_path / "e.csv", EXPORT_HEADER, []), source="food")
    assert export.layout == "food-sampling-export" and export.given["analyte"] == "*检验项目"
    odd = check(write_csv(tmp_path / "o.csv", ["甲", "乙"], [["1", "2"]]))
    assert odd.error and odd.layout is None


def test_announcement_with_result_and_limit_in_their_own_columns(engine, tmp_path: Path) -> None:
    header = ["序号", "标称生产企业名称", "被抽样单位名称", "被抽样单位地址", "食品名称", "不合格项目", "检验结果", "标准值", "分类",
              "公告日期"]
    rows = [["1", "某厂", "安康市某某超市", "陕西省安康市旬阳县城关镇", "辣椒面", "苏丹红Ⅳ；铅(以Pb计)", "12.3μg/kg；1.6", "不得检出；≤1.0",
             "调味品", "2026-11-19"]]
    result = ingest_file(engine, write_csv_quoted(tmp_path / "a.csv", header, rows), "food", "salt", TODAY)
    _accounted(result)
    assert (result.layout, result.rows_loaded) == ("food-announcement", 2)
    with engine.connect() as conn:
        got = {r.analyte: r for r in conn.execute(select(FoodResult))}
    sudan = got["SUD"]  # μg/kg to the reference mg/kg; must not be detected: an exceedance
    assert (sudan.result_value, sudan.limit_value, sudan.exceeds_limit, sudan.region_code) == (pytest.approx(0.0123), 0.0, True, "610981")
    assert (got["PB"].result_value, got["PB"].limit_value, got["PB"].exceeds_limit) == (1.6, 1.0, True)


def test_a_missing_hospital_registry_rejects_card_files_in_one_line(engine, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SURVEILLANCE_HOSPITALS", str(tmp_path / "nowhere.csv"))
    result = ingest_file(engine, write_card_csv(tmp_path / "c.csv", [card("H001", "C1")]), "injury", "salt", TODAY)
    assert result.status == "rejected" and "sentinel hospital registry" in result.error and "SURVEILLANCE_HOSPITALS" in result.error


def test_a_counterfeit_is_never_held_against_the_named_maker(engine, tmp_path: Path) -> None:
    title = [["2026年产品质量国家监督抽查不合格产品名单（2026年11月10日）"]]
    rows = [["1", "电热水壶", "陕西甲电器有限公司", "陕西省西安市", "", "", "某牌", "A", "2026-08", "*耐潮湿", "某检验院", ""],
            ["2", "电热水壶", "陕西甲电器有限公司", "陕西省西安市", "", "", "某牌", "B", "2026-09", "*结构", "某检验院", "假冒"]]
    result = ingest_file(engine, write_xlsx(tmp_path / "x.xlsx", title, NATIONAL_HEADER, rows), "inspection", "salt", TODAY)
    _accounted(result)
    with engine.connect() as conn:
        assert detect_repeat_failures(conn, TODAY - timedelta(days=1)).signals == []  # one real failure, one 假冒: no repeat


def test_a_workbook_with_the_failed_and_the_passed_list_on_two_sheets(engine, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = _announcement(tmp_path)
    wb = load_workbook(path)
    passed = wb.create_sheet("合格产品信息")
    passed.append(["序号", "抽样编号", "标称生产企业名称", "被抽样单位名称", "被抽样单位地址", "食品名称", "分类", "公告日期"])
    passed.append(["1", "DC26610000000900", "某厂", "某某超市", "陕西省渭南市临渭区站南路3号", "挂面", "粮食加工品", "2026-11-18"])
    wb.create_sheet("说明").append(["本公告数据来源于各地市场监管部门", ""])
    wb.save(path)
    result = ingest_file(engine, path, "food", "salt", TODAY)
    _accounted(result)
    assert (result.rows_read, result.rows_loaded) == (5, 5)  # 4 records of the failed list, 1 of the passed
    assert result.skipped == ["sheet '说明' not read: no header row found"] and "说明" in result.line()
    with engine.connect() as conn:
        passed_row = conn.execute(select(FoodResult).where(FoodResult.sample_id == "DC26610000000900")).one()
    assert (passed_row.analyte, passed_row.sender_verdict, passed_row.region_code) == ("ALL", "合格", "610502")
