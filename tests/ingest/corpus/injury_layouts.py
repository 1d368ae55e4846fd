"""Hospital information system (HIS) exports of the 全国伤害监测报告卡 (China CDC national injury surveillance
card), as different hospital systems and data centres lay them out.

Public sources seen (all read through the code index, cited per case):

* DHC (东华) iMedical 慢病 module, injury card ``SHK`` (意外伤害监测报告卡) —
  ``ZeroMarker/cache src/imedical/web/scripts/dhcmed/cd/reportshk/gui.js``: the card as the HIS shows it:
  监测医院编号 / 卡片编号 above four sections "Ⅰ患者基本信息", "Ⅱ伤害事件基本情况", "Ⅲ伤害临床信息",
  "Ⅳ伤害涉及产品信息"; fields 姓名, 性别, 年龄 + 年龄单位 (岁/月/天), 联系电话, 身份证号, 户籍, 文化程度, 职业,
  联系地址 省 / 市 / 县 / 乡/镇 / 村 / 详细地址, 伤害发生时间 (date + hour, "时(24小时制)"), 患者就诊时间
  (date + hour), 伤害发生原因, 伤害发生地点, 伤害发生时活动, 是否故意, 伤害性质, 伤害部位, 伤害严重程度,
  伤害临床诊断 (+ 诊断ICD), 伤害结局, 产品名称1/品牌/型号1/产品分类1, 产品名称2/品牌/型号2/产品分类2, 填卡人,
  填卡日期, 典型案例; its control ids are pinyin abbreviations (txtCRYYBH 医院编号, txtCRKPBH 卡片编号,
  txtSHFSRQ 伤害发生日期, txtSHFSSJ, txtHZJZRQ 患者就诊日期, txtHZJZSJ, cboSHFSYY, cbgSHSFGY, cboCRSHXZ,
  cboCRSHBW, cbgCRSHYZCD, cbgCRSHJJ, txtSHCPMC1, txtSHPPXH1, cboCRSHCPFL1).
* ``ZeroMarker/cache src/imedical/web/scripts/DHCMA/CD/reportshk/Event.js`` (GetSHKData / GetPatData): the
  record as stored, "^"-separated: 医院编号, 卡片编号, 伤害发生日期, 伤害发生时间, 患者就诊日期, 患者就诊时间
  (date and hour in separate fields), coded fields stored as code + CHR(1) + label, the age split into
  years / months / days, address as province / city / county / town codes plus 村 and 详细地址.
* ``ZeroMarker/cache src/imedical/web/scripts/DHCMA/CD/qryreport/qryrepshk/gui.js`` + ``event.js``: the query
  list the HIS exports to Excel as 意外伤害报告查询表.xls (卡片编号, 登记号, 住院号, 姓名, 性别, 年龄, 伤害诊断,
  伤害部位, 伤害发生日期, 诊断ICD, 报告状态, 报告人, 报告科室, 报告日期, 审核人, 审核日期): no cause, nature,
  intent, severity or outcome.
* Founder (方正) regional health platform RHIP, module ``ism`` —
  ``chenpengyu1991/test-demo3 RHIP-NEW-YC/application/rhip-web/src/main/webapp/WEB-INF/views/ism/reportCard/add/add_input.jsp``:
  the card "全国伤害监测报告卡" with English field names (hospitalCode 监测医院编号, reportNo 卡片编号, idcard,
  name, age, gender, registration, education, occupation, inhosDate 就诊日期, occurTime 伤害发生日期时间,
  occurReasonCode, occurPalceCode, occurBehaviorCode, intendsCode, natureCode, partCode, severityCode,
  clinicalDiagnosis, result 伤害结局); its entity (table IS_REPORT_INFO: HOSPITAL_CODE, REPORT_NO, NAME,
  GENDER, AGE, IDCARD, INHOS_DATE, OCCUR_TIME, OCCUR_REASON_CODE, ... RESULT) was seen in the index without
  a path. NB its own dictionaries (DMD00055-DMD00062) put "other" at codes 14/10/7/9/11/4, not the card's.

All people, phone numbers and identity numbers below are fictional. A correct reading stores none of
姓名 / 身份证号 / 联系电话 / 监护人 / address below the county.
"""

from __future__ import annotations

from tests.ingest.corpus import Case, Sheet

DHC_GUI = "ZeroMarker/cache src/imedical/web/scripts/dhcmed/cd/reportshk/gui.js"
DHC_EVENT = "ZeroMarker/cache src/imedical/web/scripts/DHCMA/CD/reportshk/Event.js"
DHC_QUERY = ("ZeroMarker/cache src/imedical/web/scripts/DHCMA/CD/qryreport/qryrepshk/gui.js + event.js "
             "(datagrid toExcel '意外伤害报告查询表.xls')")
RHIP_CARD = ("chenpengyu1991/test-demo3 RHIP-NEW-YC/application/rhip-web/src/main/webapp/WEB-INF/views/ism/"
             "reportCard/add/add_input.jsp")

PII_NOTE = ("姓名, 身份证号, 联系电话 are personal data: hashed or dropped, never stored raw. ")


def _rec(report_id: str, visit_date: str, sex: str, age: float, cause: str, intent: str, nature: str, part: str,
         severity: str, outcome: str, region: str, **extra: object) -> dict:
    rec = {"report_id": report_id, "visit_date": visit_date, "sex": sex, "age": age, "injury_cause": cause,
           "injury_intent": intent, "injury_nature": nature, "body_part": part, "severity": severity,
           "outcome": outcome, "region_code": region}
    rec.update(extra)
    return rec


# ---------------------------------------------------------------------------------------------------------
# 1. The card with its section row above the header (DHC layout), GBK CSV, codes only, one unknown hospital.
# ---------------------------------------------------------------------------------------------------------

_SEC_HEADER = ["监测医院编号", "卡片编号", "姓名", "性别", "年龄", "年龄单位", "联系电话", "身份证号", "户籍", "文化程度",
               "职业", "伤害发生时间", "伤害发生时间(时)", "患者就诊时间", "患者就诊时间(时)", "伤害发生原因",
               "伤害发生地点", "伤害发生时活动", "是否故意", "伤害性质", "伤害部位", "伤害严重程度", "伤害临床诊断",
               "伤害结局", "产品名称1", "品牌/型号1", "产品分类1", "填卡人", "填卡日期"]
_SEC_ROW = (["", "", "Ⅰ患者基本信息"] + [""] * 8 + ["Ⅱ伤害事件基本情况"] + [""] * 7 + ["Ⅲ伤害临床信息"] + [""] * 4
            + ["Ⅳ伤害涉及产品信息", "", "", "", ""])
assert len(_SEC_ROW) == len(_SEC_HEADER)

CARD_SECTIONS_GBK = Case(
    name="injury-card-sections-gbk",
    source="injury",
    cite=f"{DHC_GUI} (the card's header fields and its four sections Ⅰ-Ⅳ); {DHC_EVENT} (what each field stores)",
    file_name="伤害监测报告卡导出_2025年3月.csv",
    encoding="gbk",
    sheets=[Sheet(rows=[
        _SEC_ROW,
        _SEC_HEADER,
        ["H61010401", "610104012025030001", "刘建华", "1", "46", "岁", "13991230456", "610104197812030417", "1", "5", "8",
         "2025-03-02", "18", "2025-03-02", "19", "2", "5", "7", "1", "1", "3", "2", "右胫腓骨骨折", "4", "电动自行车",
         "小刀/TDT-1207Z", "P0301", "张丽", "2025-03-02"],
        ["H61010401", "610104012025030002", "赵雨桐", "2", "7", "岁", "15829061135", "610104201708150048", "1", "1", "1",
         "2025-03-05", "10", "2025-03-05", "11", "3", "1", "5", "1", "4", "1", "1", "额部皮肤挫伤", "1", "", "", "",
         "张丽", "2025-03-05"],
        ["H61011302", "610113022025030017", "马志强", "1", "33", "岁", "18700294571", "610113199107224510", "1", "4", "10",
         "2025-03-09", "22", "2025-03-09", "23", "6", "1", "2", "1", "3", "2", "1", "左手示指切割伤", "1", "菜刀", "十八子作",
         "P0603", "王敏", "2025-03-10"],
        ["H61011302", "610113022025030021", "周桂芳", "2", "71", "岁", "13572289904", "610113195402116623", "1", "3", "5",
         "2025-03-12", "7", "2025-03-12", "9", "3", "1", "2", "1", "1", "3", "2", "右股骨颈骨折", "4", "", "", "",
         "王敏", "2025-03-12"],
        # a card from a hospital the sentinel registry does not list: quarantined, not guessed
        ["H61099901", "610199012025030003", "孙浩", "1", "25", "岁", "13609187730", "610102200001018815", "1", "6", "6",
         "2025-03-13", "20", "2025-03-13", "21", "1", "5", "7", "1", "4", "5", "1", "多处软组织挫伤", "1", "", "", "",
         "李娜", "2025-03-13"],
    ])],
    expect=[
        _rec("610104012025030001", "2025-03-02", "男", 46.0, "非机动车车祸", "非故意（意外事故）", "骨折", "下肢", "中度",
             "住院", "610104", product_name="电动自行车", product_code="P0301"),
        _rec("610104012025030002", "2025-03-05", "女", 7.0, "跌倒/坠落", "非故意（意外事故）", "挫伤、擦伤", "头部", "轻度",
             "处理后离院", "610104"),
        _rec("610113022025030017", "2025-03-09", "男", 33.0, "刀/锐器伤", "非故意（意外事故）", "锐器伤、咬伤、开放伤",
             "上肢", "轻度", "处理后离院", "610113", product_name="菜刀", product_code="P0603"),
        _rec("610113022025030021", "2025-03-12", "女", 71.0, "跌倒/坠落", "非故意（意外事故）", "骨折", "下肢", "中度",
             "住院", "610113"),
    ],
    quarantined=1,
    notes=("Row 1 is the card's section row (Ⅰ患者基本信息 … Ⅳ伤害涉及产品信息) above the real header; GBK, CRLF; every "
           "coded field is the card's code only (性别 1/2, 是否故意 1-5, 伤害结局 1-6). The hour of injury and of visit "
           "sit in their own '(时)' columns (the card's '时(24小时制)' box). 产品分类1 carries our product code. "
           "The last card names hospital H61099901, which config/sentinel_hospitals.csv does not list: quarantined. "
           + PII_NOTE),
)

# ---------------------------------------------------------------------------------------------------------
# 2. Date and hour split into separate columns (DHC's stored record), code+label values, XLSX.
# ---------------------------------------------------------------------------------------------------------

SPLIT_DATE_TIME = Case(
    name="injury-split-date-time",
    source="injury",
    cite=f"{DHC_EVENT} (GetSHKData: 医院编号^卡片编号^伤害发生日期^伤害发生时间^患者就诊日期^患者就诊时间^伤害发生原因^…"
         "; coded fields stored as code+CHR(1)+label)",
    file_name="SHK_报卡明细_20250601-20250630.xlsx",
    sheets=[Sheet(name="伤害报卡", rows=[
        ["监测医院编号", "卡片编号", "姓名", "性别", "年龄", "年龄单位", "身份证号", "联系电话", "伤害发生日期", "伤害发生时间",
         "患者就诊日期", "患者就诊时间", "伤害发生原因", "伤害发生地点", "伤害发生时活动", "是否故意", "伤害性质", "伤害部位",
         "伤害严重程度", "伤害临床诊断", "诊断ICD", "伤害结局", "填卡人", "填卡日期"],
        ["H61032607", "KP2025060031", "杨帆", "1男", "19", "岁", "610326200602173311", "17791234408", "2025-06-03", "23:40",
         "2025-06-04", "00:15", "1 机动车车祸", "5 公路/街道", "7 驾乘交通工具", "1 非故意（意外事故）", "6 脑震荡、脑挫裂伤",
         "1 头部", "3 重度", "脑挫裂伤", "S06.301", "3 转院", "陈静", "2025-06-04"],
        ["H61032607", "KP2025060044", "郭秀英", "2女", "58", "岁", "610326196707250024", "13891706652", "2025-06-11", "11:20",
         "2025-06-11", "12:05", "7 烧烫伤", "1 家中", "2 家务", "1 非故意（意外事故）", "5 烧烫伤", "2 上肢", "1 轻度",
         "左前臂浅Ⅱ度烫伤", "T22.201", "1 处理后离院", "陈静", "2025-06-11"],
        ["H61030308", "KP2025060102", "韩磊", "1男", "37", "岁", "610303198810094016", "13279184423", "2025-06-18", "21:10",
         "2025-06-18", "21:50", "4 钝器伤", "6 贸易和服务场所", "5 休闲活动", "3 故意（暴力、攻击）", "4 挫伤、擦伤", "5 多部位",
         "2 中度", "头面部及胸部多处挫伤", "T00.801", "2 留观", "刘洋", "2025-06-19"],
        ["H61030308", "KP2025060115", "冯子涵", "2女", "15", "岁", "610303201004260221", "18992713355", "2025-06-24", "16:30",
         "2025-06-24", "17:10", "10 中毒", "1 家中", "9 其他", "2 自残/自杀", "7 内脏器官伤", "6 全身广泛受伤", "3 重度",
         "药物中毒", "T50.901", "4 住院", "刘洋", "2025-06-24"],
    ])],
    expect=[
        _rec("KP2025060031", "2025-06-04", "男", 19.0, "机动车车祸", "非故意（意外事故）", "脑震荡、脑挫裂伤", "头部", "重度",
             "转院", "610326"),
        _rec("KP2025060044", "2025-06-11", "女", 58.0, "烧烫伤", "非故意（意外事故）", "烧烫伤", "上肢", "轻度", "处理后离院",
             "610326"),
        _rec("KP2025060102", "2025-06-18", "男", 37.0, "钝器伤", "故意（暴力、攻击）", "挫伤、擦伤", "多部位", "中度", "留观",
             "610303"),
        _rec("KP2025060115", "2025-06-24", "女", 15.0, "中毒", "自残/自杀", "内脏器官伤", "全身广泛受伤", "重度", "住院",
             "610303"),
    ],
    notes=("伤害发生日期 / 伤害发生时间 and 患者就诊日期 / 患者就诊时间 are separate columns (DHC stores date and time "
           "apart). The visit date is 患者就诊日期, not the injury date: card KP2025060031 was injured 2025-06-03 23:40 and "
           "seen 2025-06-04 00:15. Coded fields are written code + space + label (性别 '1男'). " + PII_NOTE),
)

# ---------------------------------------------------------------------------------------------------------
# 3. The patient's address split into 省 / 市 / 县(区) / 乡镇(街道) / 村(居委会) / 详细地址; labels only.
# ---------------------------------------------------------------------------------------------------------

ADDRESS_SPLIT = Case(
    name="injury-address-split",
    source="injury",
    cite=f"{DHC_GUI} (联系地址: 省 / 市 / 县 / 乡/镇 / 村 / 详细地址, each its own field); {DHC_EVENT} (GetPatData)",
    file_name="伤害监测报告卡_2025年第三季度.xlsx",
    sheets=[Sheet(name="报告卡", rows=[
        ["监测医院编号", "卡片编号", "姓名", "性别", "年龄", "身份证号", "联系电话", "省", "市", "县(区)", "乡镇(街道)",
         "村(居委会)", "详细地址", "就诊日期", "伤害原因", "伤害意图", "伤害性质", "受伤部位", "严重程度", "结局"],
        ["H61072814", "2025-0712", "何长顺", "男", "62", "612428196304110035", "13649168801", "陕西省", "汉中市", "镇巴县",
         "泾洋街道", "东城社区居委会", "东城社区3组16号", "2025-07-14", "跌倒/坠落", "非故意（意外事故）", "骨折", "躯干", "中度",
         "住院"],
        ["H61072814", "2025-0735", "吴小燕", "女", "29", "612428199603250046", "15991660273", "陕西省", "汉中市", "镇巴县",
         "渔渡镇", "坪落村", "坪落村二组", "2025-08-02", "动物伤", "非故意（意外事故）", "锐器伤、咬伤、开放伤", "下肢", "轻度",
         "处理后离院"],
        ["H61083015", "2025-0406", "白永福", "男", "51", "612727197407180313", "18109128830", "陕西省", "榆林市", "清涧县",
         "宽州镇", "城南村委会", "城南村五组", "2025-08-19", "机动车车祸", "非故意（意外事故）", "骨折", "多部位", "重度", "住院"],
        ["H61083015", "2025-0431", "高丽", "女", "40", "140181198504230026", "13593421167", "山西省", "吕梁市", "柳林县",
         "留誉镇", "留誉村", "留誉村12号", "2025-09-06", "非机动车车祸", "非故意（意外事故）", "扭伤/拉伤", "下肢", "轻度",
         "处理后离院"],
    ])],
    expect=[
        _rec("2025-0712", "2025-07-14", "男", 62.0, "跌倒/坠落", "非故意（意外事故）", "骨折", "躯干", "中度", "住院", "610728"),
        _rec("2025-0735", "2025-08-02", "女", 29.0, "动物伤", "非故意（意外事故）", "锐器伤、咬伤、开放伤", "下肢", "轻度",
             "处理后离院", "610728"),
        _rec("2025-0406", "2025-08-19", "男", 51.0, "机动车车祸", "非故意（意外事故）", "骨折", "多部位", "重度", "住院", "610830"),
        _rec("2025-0431", "2025-09-06", "女", 40.0, "非机动车车祸", "非故意（意外事故）", "扭伤/拉伤", "下肢", "轻度", "处理后离院",
             "610830"),
    ],
    notes=("The patient's address comes split into 省 / 市 / 县(区) / 乡镇(街道) / 村(居委会) / 详细地址 columns. These are "
           "personal data: a correct reading stores at most the county (县(区)), never the town, the village (村(居委会)) or "
           "the detailed address, and region_code is always the HOSPITAL's county from the sentinel registry, not the "
           "patient's (the last patient lives in 山西省 but was seen in 清涧县: 610830). Codes are labels only. "
           "Headers are the short contract-like ones (就诊日期, 伤害原因, 伤害意图, 受伤部位, 结局). " + PII_NOTE),
)

# ---------------------------------------------------------------------------------------------------------
# 4. An export WITHOUT 监测医院编号: the hospital is known only from its landing folder.
# ---------------------------------------------------------------------------------------------------------

NO_HOSPITAL_CODE = Case(
    name="injury-no-hospital-code",
    source="injury",
    cite=(f"{DHC_QUERY} (a department's own export carries no 监测医院编号 column); card fields as in {DHC_GUI}. "
          "Reconstructed: the card-field export without the hospital code is inferred from these sources."),
    file_name="急诊科伤害报卡_2025-10.xlsx",
    sender="H61092616",
    sheets=[Sheet(name="Sheet1", rows=[
        ["报告卡编号", "患者姓名", "性别", "年龄", "联系电话", "现住址", "患者就诊时间", "伤害发生原因", "是否故意", "伤害性质",
         "伤害部位", "严重程度", "结局", "伤害经过"],
        ["PL20251003", "陈德明", "男", "54岁", "13991511208", "平利县城关镇药王庙社区", "2025-10-03 09:12", "跌倒/坠落",
         "非故意（意外事故）", "骨折", "上肢", "中度", "住院", "采茶时从梯子上摔下"],
        ["PL20251011", "徐春兰", "女", "36岁", "15609155562", "平利县老县镇", "2025-10-11 14:40", "烧烫伤", "非故意（意外事故）",
         "烧烫伤", "上肢", "轻度", "处理后离院", "端锅时被热油烫伤左手"],
        ["PL20251018", "李思远", "男", "9岁", "18391540075", "平利县长安镇", "2025-10-18 17:25", "动物伤", "非故意（意外事故）",
         "锐器伤、咬伤、开放伤", "下肢", "轻度", "处理后离院", "放学路上被犬咬伤右小腿"],
        ["PL20251026", "王翠萍", "女", "67岁", "13488155701", "平利县广佛镇", "2025-10-26 06:50", "中毒", "不清楚", "其他",
         "全身广泛受伤", "重度", "转院", "家中煤炉取暖一氧化碳中毒"],
    ])],
    expect=[
        _rec("PL20251003", "2025-10-03", "男", 54.0, "跌倒/坠落", "非故意（意外事故）", "骨折", "上肢", "中度", "住院", "610926"),
        _rec("PL20251011", "2025-10-11", "女", 36.0, "烧烫伤", "非故意（意外事故）", "烧烫伤", "上肢", "轻度", "处理后离院",
             "610926"),
        _rec("PL20251018", "2025-10-18", "男", 9.0, "动物伤", "非故意（意外事故）", "锐器伤、咬伤、开放伤", "下肢", "轻度",
             "处理后离院", "610926"),
        _rec("PL20251026", "2025-10-26", "女", 67.0, "中毒", "不清楚", "其他", "全身广泛受伤", "重度", "转院", "610926"),
    ],
    notes=("No 监测医院编号 column: the hospital is only the landing folder landing/injury/DAY/H61092616/ (平利县示例哨点医院), "
           "so every card's hospital is H61092616 and region_code its county 610926. Age carries its unit in the cell "
           "('54岁'). 现住址 is one free-text address (personal: not stored). 伤害经过 is the narrative. " + PII_NOTE),
)

# ---------------------------------------------------------------------------------------------------------
# 5. A data-centre dump with English column names.
# ---------------------------------------------------------------------------------------------------------

ENGLISH_DUMP = Case(
    name="injury-datacentre-english",
    source="injury",
    cite=(f"{RHIP_CARD} (Founder RHIP ism module: the card kept under English field names hospitalCode, reportNo, "
          "idcard, name, gender, age, inhosDate, occurTime, occurReasonCode, intendsCode, natureCode, partCode, "
          "severityCode, result). Reconstructed: the snake_case names below follow the brief's data-centre dump; "
          "the RHIP names are the nearest public analogue."),
    file_name="injury_cards_export_2026Q1.csv",
    sheets=[Sheet(rows=[
        ["card_id", "hospital_code", "patient_name", "id_card", "phone", "gender", "age", "injury_date", "visit_date",
         "injury_cause", "injury_intent", "injury_nature", "body_part", "severity", "outcome", "product_name"],
        ["C-H61040209-260108-01", "H61040209", "任嘉豪", "610402199912300317", "13772470112", "M", "26", "2026-01-08",
         "2026-01-08", "Fall", "Unintentional", "Sprain/strain", "Lower limb", "Mild", "Discharged after treatment", ""],
        ["C-H61040209-260115-03", "H61040209", "田雅琴", "610402198306061525", "18092316640", "F", "42", "2026-01-15",
         "2026-01-15", "Burn/scald", "Unintentional", "Burn", "Upper limb", "Mild", "Discharged after treatment",
         "电热水壶"],
        ["C-H61040210-260203-02", "H61040210", "贺志刚", "610402197110023018", "13259170029", "M", "54", "2026-02-02",
         "2026-02-03", "Motor vehicle crash", "Unintentional", "Fracture", "Trunk", "Severe", "Hospitalised", ""],
        ["C-H61040210-260219-05", "H61040210", "Unknown", "", "", "U", "30", "2026-02-19", "2026-02-19",
         "Cut/pierce", "Assault", "Cut, bite, open wound", "Upper limb", "Moderate", "Observation", ""],
    ])],
    expect=[
        _rec("C-H61040209-260108-01", "2026-01-08", "男", 26.0, "跌倒/坠落", "非故意（意外事故）", "扭伤/拉伤", "下肢", "轻度",
             "处理后离院", "610402"),
        _rec("C-H61040209-260115-03", "2026-01-15", "女", 42.0, "烧烫伤", "非故意（意外事故）", "烧烫伤", "上肢", "轻度",
             "处理后离院", "610402", product_name="电热水壶"),
        _rec("C-H61040210-260203-02", "2026-02-03", "男", 54.0, "机动车车祸", "非故意（意外事故）", "骨折", "躯干", "重度", "住院",
             "610402"),
        _rec("C-H61040210-260219-05", "2026-02-19", "未知", 30.0, "刀/锐器伤", "故意（暴力、攻击）", "锐器伤、咬伤、开放伤", "上肢",
             "中度", "留观", "610402"),
    ],
    notes=("English column names (card_id for the card number; visit_date beside injury_date, which must not be taken "
           "for it) and English category labels (Fall, Unintentional, Sprain/strain, Lower limb, Mild, Discharged after "
           "treatment …) that a correct reading maps onto the card's Chinese labels; gender M/F/U. patient_name, id_card, "
           "phone are personal data, not stored. Not seen verbatim in a public source (the RHIP code stores the card "
           "under English camelCase names with codes from its own dictionaries DMD00055-62, whose 'other' codes differ "
           "from the card's); labels are written here so the expected values are certain."),
)

# ---------------------------------------------------------------------------------------------------------
# 6. A dump with pinyin-abbreviation column names (DHC's field ids).
# ---------------------------------------------------------------------------------------------------------

PINYIN_DUMP = Case(
    name="injury-pinyin-columns",
    source="injury",
    cite=(f"{DHC_GUI} and {DHC_EVENT}: DHC's card fields are pinyin abbreviations (CRYYBH 医院编号, CRKPBH 卡片编号, "
          "SHFSRQ 伤害发生日期, HZJZRQ 患者就诊日期, SHFSYY 伤害发生原因, SHSFGY 是否故意, CRSHXZ 伤害性质, CRSHBW 伤害部位, "
          "CRSHYZCD 严重程度, CRSHJJ 结局, SHCPMC1 产品名称1, SHPPXH1 品牌/型号1, CRSHCPFL1 产品分类1); the query list "
          f"({DHC_QUERY}) uses KPBH, SHBW, SHFSRQ as column fields"),
    file_name="shk_crreport_202511.csv",
    encoding="gbk",
    sheets=[Sheet(rows=[
        ["yybh", "kpbh", "xm", "xb", "nl", "nldw", "sfzh", "lxdh", "shfsrq", "hzjzrq", "shfsyy", "shfsdd", "sfgy", "shxz",
         "shbw", "yzcd", "shjj", "cpmc1", "ppxh1", "cpfl1"],
        ["H61058112", "HC2511000021", "薛明亮", "1", "44", "1", "610581198101120611", "13319135540", "2025-11-02",
         "2025-11-02", "3", "7", "1", "1", "3", "2", "4", "人字梯", "", "P0604"],
        ["H61058112", "HC2511000037", "党晓红", "2", "3", "1", "610581202203140089", "13892389014", "2025-11-07",
         "2025-11-07", "7", "1", "1", "5", "2", "1", "1", "电暖器", "美的/NDK20-17DW", "P0202"],
        ["H61058211", "HY2511000102", "屈建军", "1", "60", "1", "610582196505081019", "18729651177", "2025-11-15",
         "2025-11-16", "1", "5", "1", "6", "1", "3", "3", "", "", ""],
        ["H61058211", "HY2511000118", "雷婷", "2", "22", "1", "610582200306250328", "15129876630", "2025-11-20",
         "2025-11-20", "11", "2", "1", "3", "3", "1", "1", "", "", ""],
    ])],
    expect=[
        _rec("HC2511000021", "2025-11-02", "男", 44.0, "跌倒/坠落", "非故意（意外事故）", "骨折", "下肢", "中度", "住院", "610581",
             product_name="人字梯", product_code="P0604"),
        _rec("HC2511000037", "2025-11-07", "女", 3.0, "烧烫伤", "非故意（意外事故）", "烧烫伤", "上肢", "轻度", "处理后离院",
             "610581", product_name="电暖器", product_code="P0202"),
        _rec("HY2511000102", "2025-11-16", "男", 60.0, "机动车车祸", "非故意（意外事故）", "脑震荡、脑挫裂伤", "头部", "重度",
             "转院", "610582"),
        _rec("HY2511000118", "2025-11-20", "女", 22.0, "动物伤", "非故意（意外事故）", "锐器伤、咬伤、开放伤", "下肢", "轻度",
             "处理后离院", "610582"),
    ],
    notes=("Lower-case pinyin abbreviations as column names (yybh 医院编号, kpbh 卡片编号, xm 姓名, xb 性别, nl 年龄, nldw "
           "年龄单位 coded 1 岁/2 月/3 天, sfzh 身份证号, lxdh 联系电话, shfsrq 伤害发生日期, hzjzrq 患者就诊日期 = the visit date, "
           "shfsyy 原因, shfsdd 地点, sfgy 是否故意, shxz 性质, shbw 部位, yzcd 严重程度, shjj 结局, cpmc1/ppxh1/cpfl1 product). "
           "GBK. All categories are card codes. Card HY2511000102 was injured on 11-15 and seen on 11-16. The exact "
           "lower-case spellings are reconstructed from DHC's upper-case field ids. xm / sfzh / lxdh are personal data, "
           "not stored."),
)

# ---------------------------------------------------------------------------------------------------------
# 7. The product-injury module (伤害涉及产品信息): two products, brand/model, category, relation, narrative.
# ---------------------------------------------------------------------------------------------------------

PRODUCT_MODULE = Case(
    name="injury-product-module",
    source="injury",
    cite=(f"{DHC_GUI} (Ⅳ伤害涉及产品信息: 产品名称1, 品牌/型号1, 产品分类1, 产品名称2, 品牌/型号2, 产品分类2; 典型案例) "
          f"and {DHC_EVENT} (stored in that order after 伤害结局)"),
    file_name="产品伤害监测病例_2024年12月.xlsx",
    sheets=[Sheet(name="产品伤害", rows=[
        ["监测医院编号", "卡片编号", "姓名", "性别", "年龄", "联系电话", "患者就诊时间", "伤害发生原因", "伤害发生地点",
         "伤害发生时活动", "是否故意", "伤害性质", "伤害部位", "伤害严重程度", "伤害结局", "产品名称1", "品牌/型号1", "产品分类1",
         "产品名称2", "品牌/型号2", "产品分类2", "发生伤害与使用产品的关系", "典型案例描述"],
        ["H61012205", "LT2024120009", "罗俊", "男", "8", "13152081147", "2024-12-06 19:20", "跌倒/坠落", "家中", "休闲活动",
         "非故意（意外事故）", "骨折", "上肢", "中度", "住院", "蹦床", "无品牌", "蹦床", "", "", "", "产品直接导致",
         "在家中蹦床上跳跃时摔落，左桡骨远端骨折"],
        ["H61012205", "LT2024120016", "蔡雪梅", "女", "34", "13484570936", "2024-12-11 08:05", "烧烫伤", "家中", "家务",
         "非故意（意外事故）", "烧烫伤", "上肢", "轻度", "处理后离院", "电压力锅", "苏泊尔/SY-50YC8001Q", "电压力锅", "", "", "",
         "产品直接导致", "开盖时蒸汽喷出烫伤右手背"],
        ["H61102217", "DF2024120044", "吕宏伟", "男", "41", "18009148805", "2024-12-19 21:35", "非机动车车祸", "公路/街道",
         "驾乘交通工具", "非故意（意外事故）", "挫伤、擦伤", "多部位", "轻度", "处理后离院", "电动自行车", "雅迪/DE3",
         "电动自行车", "头盔", "无", "其他", "产品参与", "夜间骑电动自行车刹车失灵撞上路沿"],
        ["H61102217", "DF2024120051", "邵梓萱", "女", "2", "13772839216", "2024-12-27 15:10", "窒息/悬吊", "家中", "生命活动",
         "非故意（意外事故）", "其他", "其他", "重度", "转院", "玩具", "磁力珠", "儿童玩具", "", "", "", "产品直接导致",
         "误吞玩具磁力珠"],
    ])],
    expect=[
        _rec("LT2024120009", "2024-12-06", "男", 8.0, "跌倒/坠落", "非故意（意外事故）", "骨折", "上肢", "中度", "住院", "610122",
             product_name="蹦床", product_code="P0801"),
        _rec("LT2024120016", "2024-12-11", "女", 34.0, "烧烫伤", "非故意（意外事故）", "烧烫伤", "上肢", "轻度", "处理后离院",
             "610122", product_name="电压力锅", product_code="P0205"),
        _rec("DF2024120044", "2024-12-19", "男", 41.0, "非机动车车祸", "非故意（意外事故）", "挫伤、擦伤", "多部位", "轻度",
             "处理后离院", "611022", product_name="电动自行车", product_code="P0301"),
        _rec("DF2024120051", "2024-12-27", "女", 2.0, "窒息/悬吊", "非故意（意外事故）", "其他", "其他", "重度", "转院", "611022",
             product_name="玩具", product_code="P0101"),
    ],
    notes=("The product module: 产品名称1 / 品牌/型号1 / 产品分类1 and a second product (产品名称2 …). The stored product is "
           "the first one; 产品分类 is written as a category NAME (蹦床, 电压力锅, 电动自行车, 儿童玩具) that our "
           "product_categories.csv knows, so product_code is its code. The second product of card DF2024120044 (头盔, "
           "分类 '其他') is not the card's product. 典型案例描述 is the narrative. 联系电话 / 姓名 not stored."),
)

# ---------------------------------------------------------------------------------------------------------
# 8. Codes written three ways in one file: code only, code+label, label only (a county CDC merging hospitals).
# ---------------------------------------------------------------------------------------------------------

MIXED_CODES = Case(
    name="injury-mixed-code-forms",
    source="injury",
    cite=(f"{DHC_EVENT} (coded fields held as code + CHR(1) + label, shown as labels) and {RHIP_CARD} (codes from "
          "dictionaries, shown as labels); the card's printed code list is 1.机动车车祸 … 14.不清楚. Reconstructed: one "
          "county CDC file merging hospitals that export the three forms."),
    file_name="宜君县伤害监测汇总_2026年4月.csv",
    sheets=[Sheet(rows=[
        ["监测医院编号", "卡片编号", "姓名", "性别", "年龄", "身份证号", "就诊日期", "伤害原因", "是否故意", "伤害性质", "伤害部位",
         "严重程度", "结局"],
        ["H61022206", "YJ202604001", "程立新", "1", "39", "610222198702010317", "2026-04-03", "3", "1", "2", "3", "1", "1"],
        ["H61022206", "YJ202604002", "吴文娟", "2", "45", "610222198103160028", "2026/4/9", "3.跌倒/坠落", "1.非故意（意外事故）",
         "1.骨折", "2.上肢", "2.中度", "4.住院"],
        ["H61022206", "YJ202604003", "曹宇航", "男", "12", "610222201405220019", "2026年4月17日", "钝器伤", "非故意（意外事故）",
         "挫伤、擦伤", "头部", "轻度", "处理后离院"],
        ["H61022206", "YJ202604004", "邓淑珍", "女", "80", "610222194601100025", "2026-04-25", "09 溺水", "04 不清楚",
         "09 不清楚", "06 全身广泛受伤", "03 重度", "05 死亡"],
    ])],
    expect=[
        _rec("YJ202604001", "2026-04-03", "男", 39.0, "跌倒/坠落", "非故意（意外事故）", "扭伤/拉伤", "下肢", "轻度", "处理后离院",
             "610222"),
        _rec("YJ202604002", "2026-04-09", "女", 45.0, "跌倒/坠落", "非故意（意外事故）", "骨折", "上肢", "中度", "住院", "610222"),
        _rec("YJ202604003", "2026-04-17", "男", 12.0, "钝器伤", "非故意（意外事故）", "挫伤、擦伤", "头部", "轻度", "处理后离院",
             "610222"),
        _rec("YJ202604004", "2026-04-25", "女", 80.0, "溺水", "不清楚", "不清楚", "全身广泛受伤", "重度", "死亡", "610222"),
    ],
    notes=("The same fields written as code only ('3'), code+label ('3.跌倒/坠落'), label only ('钝器伤') and zero-padded "
           "code+label ('09 溺水'); 性别 as 1/2 and as 男/女; 就诊日期 as 2026-04-03, 2026/4/9 and 2026年4月17日. "
           "UTF-8 with BOM. 姓名 / 身份证号 not stored."),
)

# ---------------------------------------------------------------------------------------------------------
# 9. Age with a separate 年龄单位 (岁 / 月 / 天), infants among the cases.
# ---------------------------------------------------------------------------------------------------------

AGE_UNIT = Case(
    name="injury-age-unit",
    source="injury",
    cite=(f"{DHC_GUI} (年龄 followed by its own unit box cboPatAgeDW 岁/月/天) and {DHC_EVENT} (the age stored as years, "
          "months or days, the unit chosen by which is filled)"),
    file_name="儿科伤害报告卡_2025-12.xlsx",
    sheets=[Sheet(name="儿科", rows=[
        ["监测医院编号", "卡片编号", "姓名", "监护人", "联系电话", "性别", "年龄", "年龄单位", "患者就诊时间", "伤害发生原因",
         "是否故意", "伤害性质", "伤害部位", "严重程度", "结局"],
        ["H61010403", "EK2025120003", "张沐阳", "张建伟", "13700290418", "男", "8", "月", "2025-12-02 10:30", "跌倒/坠落",
         "非故意（意外事故）", "脑震荡、脑挫裂伤", "头部", "中度", "留观"],
        ["H61010403", "EK2025120011", "李欣怡", "王芳", "18609281172", "女", "20", "天", "2025-12-08 03:15", "窒息/悬吊",
         "非故意（意外事故）", "其他", "全身广泛受伤", "重度", "住院"],
        ["H61010403", "EK2025120019", "刘子墨", "刘强", "15029014493", "男", "3", "岁", "2025-12-15 18:40", "烧烫伤",
         "非故意（意外事故）", "烧烫伤", "躯干", "中度", "住院"],
        ["H61011304", "EK2025120027", "陈可欣", "陈军", "13992846605", "女", "6", "2", "2025-12-21 12:00", "动物伤",
         "非故意（意外事故）", "锐器伤、咬伤、开放伤", "上肢", "轻度", "处理后离院"],
    ])],
    expect=[
        _rec("EK2025120003", "2025-12-02", "男", 0.667, "跌倒/坠落", "非故意（意外事故）", "脑震荡、脑挫裂伤", "头部", "中度", "留观",
             "610104"),
        _rec("EK2025120011", "2025-12-08", "女", 0.055, "窒息/悬吊", "非故意（意外事故）", "其他", "全身广泛受伤", "重度", "住院",
             "610104"),
        _rec("EK2025120019", "2025-12-15", "男", 3.0, "烧烫伤", "非故意（意外事故）", "烧烫伤", "躯干", "中度", "住院", "610104"),
        _rec("EK2025120027", "2025-12-21", "女", 0.5, "动物伤", "非故意（意外事故）", "锐器伤、咬伤、开放伤", "上肢", "轻度",
             "处理后离院", "610113"),
    ],
    notes=("年龄 is a bare number and 年龄单位 its unit: 8 月 = 0.667 years, 20 天 = 0.055 (20/365.25), 3 岁 = 3, and '6' "
           "with unit code '2' (the HIS's 1 岁 / 2 月 / 3 天) = 0.5. Reading 年龄 alone would store an 8-month-old as 8 "
           "years. 监护人 (guardian), 姓名 and 联系电话 are personal data, not stored."),
)

# ---------------------------------------------------------------------------------------------------------
# 10. XLSX with a two-row header: the card's sections merged over their sub-headers.
# ---------------------------------------------------------------------------------------------------------

_TWO_ROW_TOP = ["报告卡信息", "", "患者基本信息", "", "", "", "", "", "伤害事件基本情况", "", "", "", "伤害临床信息", "", "", "",
                "", "伤害涉及产品信息", "", ""]
_TWO_ROW_SUB = ["监测医院编号", "卡片编号", "姓名", "性别", "年龄", "身份证号", "联系电话", "户籍", "伤害发生时间", "患者就诊时间",
                "伤害发生原因", "是否故意", "伤害性质", "伤害部位", "严重程度", "伤害临床诊断", "结局", "产品名称", "品牌/型号",
                "产品分类"]
assert len(_TWO_ROW_TOP) == len(_TWO_ROW_SUB)

TWO_ROW_HEADER = Case(
    name="injury-two-row-header",
    source="injury",
    cite=(f"{DHC_GUI} (sections Ⅰ患者基本信息 / Ⅱ伤害事件基本情况 / Ⅲ伤害临床信息 / Ⅳ伤害涉及产品信息 over their fields). "
          "Reconstructed: the merged two-row XLSX header follows the card's sections."),
    file_name="全国伤害监测报告卡_2026年9月.xlsx",
    sheets=[Sheet(name="伤害监测报告卡", merges=["A2:B2", "C2:H2", "I2:L2", "M2:Q2", "R2:T2"], rows=[
        ["全国伤害监测报告卡（2026年9月）"] + [""] * 19,
        _TWO_ROW_TOP,
        _TWO_ROW_SUB,
        ["H61062213", "YC260900008", "曹永平", "男", "47", "610622197903090511", "13992230017", "本市/县", "2026-09-04 07:30",
         "2026-09-04 08:10", "跌倒/坠落", "非故意（意外事故）", "骨折", "下肢", "中度", "左踝关节骨折", "住院", "梯子", "", "人字梯"],
        ["H61062213", "YC260900015", "惠秀莲", "女", "63", "610622196211040047", "13310915528", "本市/县", "2026-09-11 12:20",
         "2026-09-11 13:00", "刀/锐器伤", "非故意（意外事故）", "锐器伤、咬伤、开放伤", "上肢", "轻度", "右手拇指切割伤",
         "处理后离院", "菜刀", "", "刀具"],
        ["H61062213", "YC260900022", "高博文", "男", "17", "610622200902150034", "18729171106", "本市/县", "2026-09-19 16:45",
         "2026-09-19 17:30", "非机动车车祸", "非故意（意外事故）", "挫伤、擦伤", "多部位", "轻度", "多处擦伤", "处理后离院",
         "平衡车", "", "电动平衡车"],
        ["H61062213", "YC260900030", "白玉兰", "女", "55", "610622197105280023", "15891132274", "本省外地", "2026-09-27 20:10",
         "2026-09-27 20:55", "其他", "不清楚", "不清楚", "不清楚", "轻度", "待查", "其他", "", "", ""],
        ["注：此卡不作为医学证明。"] + [""] * 19,
    ])],
    expect=[
        _rec("YC260900008", "2026-09-04", "男", 47.0, "跌倒/坠落", "非故意（意外事故）", "骨折", "下肢", "中度", "住院", "610622",
             product_name="梯子", product_code="P0604"),
        _rec("YC260900015", "2026-09-11", "女", 63.0, "刀/锐器伤", "非故意（意外事故）", "锐器伤、咬伤、开放伤", "上肢", "轻度",
             "处理后离院", "610622", product_name="菜刀", product_code="P0603"),
        _rec("YC260900022", "2026-09-19", "男", 17.0, "非机动车车祸", "非故意（意外事故）", "挫伤、擦伤", "多部位", "轻度",
             "处理后离院", "610622", product_name="平衡车", product_code="P0303"),
        _rec("YC260900030", "2026-09-27", "女", 55.0, "其他", "不清楚", "不清楚", "不清楚", "轻度", "其他", "610622"),
    ],
    notes=("Title row, then a two-row header: the card's sections (患者基本信息 C2:H2, 伤害事件基本情况 I2:L2, 伤害临床信息 "
           "M2:Q2, 伤害涉及产品信息 R2:T2) merged over their sub-headers in row 3; data from row 4; the card's footnote "
           "'注：此卡不作为医学证明。' below the last card is not a card. 产品分类 is a category name (人字梯, 刀具, "
           "电动平衡车) our product_categories.csv knows. 姓名 / 身份证号 / 联系电话 not stored."),
)

# ---------------------------------------------------------------------------------------------------------
# 11. DHC's query-list export: no cause / intent / nature / severity / outcome — must be refused.
# ---------------------------------------------------------------------------------------------------------

DHC_QUERY_LIST = Case(
    name="injury-query-list-refused",
    source="injury",
    cite=DHC_QUERY,
    file_name="意外伤害报告查询表.xlsx",
    sender="H61011302",
    sheets=[Sheet(name="Sheet1", rows=[
        ["卡片编号", "登记号", "住院号", "姓名", "性别", "年龄", "伤害诊断", "伤害部位", "伤害发生日期", "诊断ICD", "报告状态",
         "报告人", "报告科室", "报告日期", "审核人", "审核日期"],
        ["610113022026050004", "0000831206", "", "宋佳怡", "女", "31岁", "右腕部扭伤", "上肢", "2026-05-03", "S63.501", "审核",
         "王敏", "急诊外科", "2026-05-03", "赵强", "2026-05-04"],
        ["610113022026050009", "0000912774", "Z2605118", "魏国栋", "男", "58岁", "左侧多发肋骨骨折", "躯干", "2026-05-06",
         "S22.401", "审核", "王敏", "急诊外科", "2026-05-06", "赵强", "2026-05-07"],
        ["610113022026050013", "0000577430", "", "黄子轩", "男", "6岁", "头皮裂伤", "头部", "2026-05-09", "S01.001", "待审",
         "李娜", "儿科急诊", "2026-05-09", "", ""],
    ])],
    refuse="原因",
    notes=("DHC's report QUERY list (意外伤害报告查询表, exported from the datagrid; .xls in the HIS, .xlsx here): card "
           "number, patient, diagnosis, 伤害部位 and 伤害发生日期 but no 伤害发生原因, 是否故意, 伤害性质, 严重程度 or 结局, "
           "and no visit date. It is not a card export; reading it would invent the card's required fields, so the file "
           "is refused naming the missing columns (伤害发生原因 …). Even with the sender folder giving the hospital."),
)

CASES: list[Case] = [
    CARD_SECTIONS_GBK,
    SPLIT_DATE_TIME,
    ADDRESS_SPLIT,
    NO_HOSPITAL_CODE,
    ENGLISH_DUMP,
    PINYIN_DUMP,
    PRODUCT_MODULE,
    MIXED_CODES,
    AGE_UNIT,
    TWO_ROW_HEADER,
    DHC_QUERY_LIST,
]
