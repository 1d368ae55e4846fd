"""Food sampling files as their senders publish or export them: SAMR's national 不合格/合格产品信息 attachments
(several years' forms), provincial, city and county bureaus' notices, the national sampling system's export and
its upload template, school-canteen, online-shop, risk-monitoring and retail-market lists, a GBK CSV and a
data-centre dump with coded column names.

Companies, shops, schools and numbers are fictional; places are real divisions. Where a layout is reconstructed
from field lists (not seen whole), the case's ``notes`` say so.
"""

from __future__ import annotations

from datetime import date

from tests.ingest.corpus import Case, Sheet

# ---------------------------------------------------------------- public sources the layouts follow
HANDLE_EXCEL_RULES = ("github.com/HandsomeWalker/handle-excel config/rule.js (header variants of the provincial/SAMR "
                      "食品安全监督抽检不合格产品信息 attachments it harvests: 不合格项目║检验结果║标准值, ‖ and || separators, "
                      "不合格项目||检验结果||计量单位||标准值, 标称生产企业/\\n进货来源名称, 生产日期/\\n批号, 网店商铺名称, 网抽平台名称, "
                      "被抽检单位所在省份, 公告号, 公告日期, 任务来源/项目名称)")
HANDLE_EXCEL_SITES = ("github.com/HandsomeWalker/handle-excel config/download-rule.js (the provincial bureaus' announcement "
                      "lists and attachment names it downloads)")
NIFDC = ("github.com/a97077088/nifdc api.go + func.go (client of the national food sampling system "
         "spcjsample.gsxt.gov.cn: per-item fields 检验项目, 检验结果, 结果单位, 结果判定 (合格项/不合格项), 检验依据, 判定依据, "
         "最小允许限, 最大允许限, 允许限单位, 方法检出限, 检出限单位, 备注, 说明 — written with a trailing * in the upload "
         "template; sample sections 抽样基础信息/抽检场所信息/生产企业信息/抽检样品信息 with 抽样单编号, 抽样环节, 抽样地点, "
         "所在地, 抽样日期, 检验目的/任务类别 (监督抽检/风险监测))")
QUALITY_NEWS = ("github.com/TengTengCai/ChinaQualityNews ChinaQualityNews/items.py (scraped announcement fields: 标称生产企业/"
                "进货来源 名称·地址, 被抽样单位名称·地址, 样品名称, 规格型号, 商标, 生产日期, 不合格项目, 检验结果, 标准值, 检验机构 — "
                "item, result and standard in separate columns)")

DECLARATION = "（声明：以下信息仅指本次抽检标称的生产企业相关产品的生产日期/批号和所检项目）"

SAMR_FAILED_2023 = ["序号", "抽样编号", "标称生产企业名称", "标称生产企业地址", "被抽样单位名称", "被抽样单位地址",
                    "被抽样单位所在省份", "食品名称", "规格型号", "商标", "生产日期/批号", "不合格项目║检验结果║标准值", "分类",
                    "公告号", "公告日期", "任务来源/项目名称", "检验机构", "备注"]


def _failed(food: str, analyte: str, value: float | None, limit: float | None, region: str, day: str,
            stage: str | None = None, sample_id: str | None = None, exceeds: bool = True, **more: object) -> dict:
    rec: dict = {"food_name": food, "analyte": analyte, "exceeds_limit": exceeds, "sender_verdict": "不合格",
                 "region_code": region, "sampling_date": day}
    if value is not None:
        rec["result_value"] = value
    if limit is not None:
        rec["limit_value"] = limit
    if stage:
        rec["sampling_stage"] = stage
    if sample_id:
        rec["sample_id"] = sample_id
    rec.update(more)
    return rec


def _passed(food: str, region: str, day: str, stage: str | None = None, sample_id: str | None = None) -> dict:
    rec: dict = {"food_name": food, "analyte": "ALL", "result_raw": "合格", "exceeds_limit": False,
                 "sender_verdict": "合格", "region_code": region, "sampling_date": day}
    if stage:
        rec["sampling_stage"] = stage
    if sample_id:
        rec["sample_id"] = sample_id
    return rec


def _item(food: str, analyte: str, value: float | None, limit: float | None, exceeds: bool, region: str, day: str,
          **more: object) -> dict:
    rec: dict = {"food_name": food, "analyte": analyte, "exceeds_limit": exceeds, "region_code": region,
                 "sampling_date": day}
    if value is not None:
        rec["result_value"] = value
    if limit is not None:
        rec["limit_value"] = limit
    rec.update(more)
    return rec


CASES: list[Case] = []

# ---------------------------------------------------------------- 1. SAMR 不合格产品信息, 2023-25 form (combined ║ column)
CASES.append(Case(
    name="food-samr-failed-combined-2025",
    source="food",
    cite=HANDLE_EXCEL_RULES + "; header as the SAMR 通告 attachment 附件2 不合格产品信息 (also parsed by "
         "tests/ingest/sender_files.py FOOD_FAILED_HEADER)",
    file_name="附件2 食品安全监督抽检不合格产品信息.xlsx",
    sheets=[Sheet(name="不合格产品信息", rows=[
        ["附件2"],
        ["食品安全监督抽检不合格产品信息"],
        [DECLARATION],
        SAMR_FAILED_2023,
        ["1", "DC25610000412530012", "陕西秦丰粮油有限公司", "陕西省咸阳市秦都区陈杨寨街道星火路18号", "西安市雁塔区惠民佳超市",
         "陕西省西安市雁塔区电子二路56号", "陕西", "小麦粉", "5kg/袋", "秦丰", "2025-06-12", "镉(以Cd计)║0.31mg/kg║≤0.1mg/kg",
         "粮食加工品", "2025年第28号", "2025-08-14", "国家市场监督管理总局", "陕西省食品药品检验研究院", ""],
        ["2", "DC25410000416230105", "河南伊香源食品有限公司", "河南省周口市川汇区工业园区纬二路6号", "郑州市金水区乐购生活超市",
         "河南省郑州市金水区红专路112号", "河南", "酱卤牛肉", "称重", "伊香源", "2025-06-20",
         "菌落总数║3.2×10⁵CFU/g║n=5,c=2,m=10⁴CFU/g,M=10⁵CFU/g；大肠菌群║2.1×10³CFU/g║n=5,c=2,m=10CFU/g,M=10²CFU/g",
         "肉制品", "2025年第28号", "2025-08-14", "国家市场监督管理总局", "河南省食品检验研究院", ""],
        ["3", "DC25610000412530447", "/", "/", "宝鸡市金台区老味道饭店", "陕西省宝鸡市金台区东风路21号", "陕西", "油条(自制)",
         "/", "/", "2025-07-02", "铝的残留量(干样品，以Al计)║286mg/kg║≤100mg/kg", "餐饮食品", "2025年第28号", "2025-08-14",
         "国家市场监督管理总局", "陕西省产品质量监督检验研究院", ""],
    ])],
    expect=[
        _failed("小麦粉", "CD", 0.31, 0.1, "610113", "2025-08-14", "流通", "DC25610000412530012"),
        _failed("酱卤牛肉", "TPC", 320000.0, 100000.0, "410000", "2025-08-14", "流通", "DC25410000416230105"),
        _failed("酱卤牛肉", "COLI", 2100.0, 100.0, "410000", "2025-08-14", "流通", "DC25410000416230105"),
        _failed("油条(自制)", "AL", 286.0, 100.0, "610303", "2025-08-14", "餐饮", "DC25610000412530447"),
    ],
    notes="Three title rows above the header. Each failed item is 项目║结果║标准值 in one cell; a sample failing two "
          "items has both in the cell joined by '；'. Microbial limits are the plan n,c,m,M with superscript powers "
          "(10⁴, 10⁵): the limit is M. The only date is 公告日期 (生产日期/批号 is not a sampling date). A restaurant's own "
          "油条 carries '/' as maker.",
))

# ---------------------------------------------------------------- 2. SAMR 不合格产品信息, older form (‖, no 抽样编号, date line)
CASES.append(Case(
    name="food-samr-failed-older-form",
    source="food",
    cite=HANDLE_EXCEL_RULES + "; older column set (no 抽样编号, no 省份, 任务来源) as in the provincial crawls the same "
         "rule list normalises",
    file_name="市场监管总局关于9批次食品不合格情况的通告（2024年第15号）附件.xlsx",
    sheets=[Sheet(name="Sheet1", rows=[
        ["附件"],
        ["不合格产品信息"],
        ["2024年5月20日"],
        ["序号", "标称生产企业名称", "标称生产企业地址", "被抽样单位名称", "被抽样单位地址", "食品名称", "规格型号", "商标",
         "生产日期/批号", "不合格项目‖检验结果‖标准值", "分类", "任务来源", "检验机构", "备注"],
        ["1", "陕西味源调味品有限公司", "陕西省渭南市华州区赤水镇工业园", "渭南市临渭区万客隆超市",
         "陕西省渭南市临渭区朝阳大街216号", "酿造酱油", "500mL/瓶", "味源", "2024-01-08",
         "苯甲酸及其钠盐(以苯甲酸计)‖1.26g/kg‖≤1.0g/kg", "调味品", "国家市场监督管理总局", "陕西省食品药品检验研究院", ""],
        ["2", "湖南麻香坊食品有限公司", "湖南省岳阳市平江县伍市镇工业园", "汉中市汉台区兴汉路佳佳乐便利店",
         "陕西省汉中市汉台区兴汉路33号", "调味面制品(辣条)", "108g/袋", "麻香坊", "2024-02-16",
         "脱氢乙酸及其钠盐(以脱氢乙酸计)‖0.182g/kg‖不得使用", "方便食品", "国家市场监督管理总局", "湖南省产商品质量检验研究院", ""],
        ["3", "四川椒之韵农业开发有限公司", "四川省雅安市汉源县富林镇", "成都市武侯区惠万家超市",
         "四川省成都市武侯区簇桥街道锦城大道8号", "花椒", "100g/袋", "椒之韵", "2023-11-30", "铅(以Pb计)‖1.8mg/kg‖≤1.0mg/kg",
         "调味品", "国家市场监督管理总局", "四川省食品检验研究院", ""],
    ])],
    expect=[
        _failed("酿造酱油", "BA", 1.26, 1.0, "610502", "2024-05-20", "流通"),
        _failed("调味面制品(辣条)", "DHA", 0.182, 0.0, "610702", "2024-05-20", "流通"),
        _failed("花椒", "PB", 1.8, 1.0, "510000", "2024-05-20", "流通"),
    ],
    notes="Older SAMR form: no 抽样编号 (ids must be derived), no 被抽样单位所在省份 (province from the address), no 公告日期 "
          "column — the date is a line between title and header. Separator is U+2016 ‖, not ║. 不得使用 is a zero limit.",
))

# ---------------------------------------------------------------- 3. SAMR newer form: separate columns, merged sample cells
_NEW_HEADER = ["序号", "抽样编号", "标称生产企业/进口代理商名称", "标称生产企业/进口代理商地址", "被抽样单位名称", "被抽样单位地址",
               "被抽样单位所在省份", "食品名称", "规格型号", "商标", "生产日期/批号", "不合格项目", "检验结果", "标准值", "分类",
               "公告号", "公告日期", "任务来源/项目名称", "检验机构", "备注"]
CASES.append(Case(
    name="food-samr-failed-separate-columns",
    source="food",
    cite=QUALITY_NEWS + "; 标称生产企业/进口代理商名称 as the importer column of imported foods",
    file_name="附件2 不合格产品信息（2025年第41号）.xlsx",
    sheets=[Sheet(name="不合格产品信息", rows=[
        ["附件2"],
        ["不合格产品信息"],
        [DECLARATION],
        _NEW_HEADER,
        ["1", "DC25610000412531208", "上海橄榄园进出口贸易有限公司", "上海市浦东新区张杨路500号", "西安市未央区万家福超市",
         "陕西省西安市未央区凤城八路168号", "陕西", "特级初榨橄榄油", "1L/瓶", "OLIVIA", "2024-12-01", "酸价(以KOH计)",
         "2.3mg/g", "≤1.6mg/g", "食用油、油脂及其制品", "2025年第41号", "2025-11-05", "国家市场监督管理总局",
         "陕西省食品药品检验研究院", "进口食品"],
        ["", "", "", "", "", "", "", "", "", "", "", "过氧化值", "0.31g/100g", "≤0.25g/100g", "", "", "", "", "", ""],
        ["2", "DC25610000412531533", "福建闽山食用菌有限公司", "福建省宁德市古田县城东街道", "榆林市榆阳区新民生活超市",
         "陕西省榆林市榆阳区新建南路45号", "陕西", "干香菇", "200g/袋", "闽山", "2025-05-10", "铅(以Pb计)", "1.6mg/kg",
         "≤1.0mg/kg", "食用农产品", "2025年第41号", "2025-11-05", "国家市场监督管理总局", "陕西省产品质量监督检验研究院", ""],
        ["3", "DC25610000412531790", "陕西丹江酒业有限公司", "陕西省商洛市丹凤县龙驹寨镇", "商洛市商州区鑫隆烟酒副食店",
         "陕西省商洛市商州区北新街72号", "陕西", "白酒", "500mL/瓶", "丹江春", "2025-03-18", "甲醇(以100%酒精度计)",
         "0.82g/L", "≤0.6g/L", "酒类", "2025年第41号", "2025-11-05", "国家市场监督管理总局", "陕西省食品药品检验研究院", ""],
    ], merges=[f"{c}5:{c}6" for c in "ABCDEFGHIJKOPQRST"])],
    expect=[
        _failed("特级初榨橄榄油", "AV", 2.3, 1.6, "610112", "2025-11-05", "流通", "DC25610000412531208"),
        _failed("特级初榨橄榄油", "POV", 0.31, 0.25, "610112", "2025-11-05", "流通", "DC25610000412531208"),
        _failed("干香菇", "PB", 1.6, 1.0, "610802", "2025-11-05", "流通", "DC25610000412531533"),
        _failed("白酒", "METH", 0.82, 0.6, "611002", "2025-11-05", "流通", "DC25610000412531790"),
    ],
    notes="Newer form: 不合格项目 / 检验结果 / 标准值 in three columns, units inside the values. An imported olive oil "
          "failing two items takes two rows with every sample column merged (only the first row carries them). The "
          "maker column is 标称生产企业/进口代理商名称 (here the importer).",
))

# ---------------------------------------------------------------- 4. SAMR 合格产品信息
CASES.append(Case(
    name="food-samr-passed",
    source="food",
    cite="SAMR 通告 attachment 附件3 合格产品信息 (column set as listed for the 合格公示表 by public processing code of "
         "SAMR/provincial exports: 抽样编号, 序号, 标称生产企业名称, 标称生产企业地址, 被抽样单位名称, 被抽样单位所在省份, 食品名称, "
         "规格型号, 生产日期/批号, 分类, 公告号, 公告日期, 任务来源/项目名称, 备注); " + HANDLE_EXCEL_RULES,
    file_name="附件3 合格产品信息.xlsx",
    sheets=[Sheet(name="合格产品信息", rows=[
        ["附件3"],
        ["合格产品信息"],
        [DECLARATION],
        ["序号", "抽样编号", "标称生产企业名称", "标称生产企业地址", "被抽样单位名称", "被抽样单位地址", "被抽样单位所在省份",
         "食品名称", "规格型号", "商标", "生产日期/批号", "分类", "公告号", "公告日期", "任务来源/项目名称", "检验机构", "备注"],
        ["1", "DC25610000412530101", "安康富硒茶业有限公司", "陕西省安康市汉滨区建民街道", "安康市汉滨区兴安茶叶商行",
         "陕西省安康市汉滨区巴山东路19号", "陕西", "富硒绿茶", "250g/罐", "兴安", "2025-04-20", "茶叶及相关制品", "2025年第28号",
         "2025-08-14", "国家市场监督管理总局", "陕西省产品质量监督检验研究院", ""],
        ["2", "DC25610000412530102", "延安红都乳业有限公司", "陕西省延安市宝塔区河庄坪镇", "延安市宝塔区万家乐超市",
         "陕西省延安市宝塔区二道街56号", "陕西", "纯牛奶", "250mL/盒", "红都", "2025-06-30", "乳制品", "2025年第28号",
         "2025-08-14", "国家市场监督管理总局", "陕西省食品药品检验研究院", ""],
        ["3", "DC25610000412530103", "铜川耀州面业有限公司", "陕西省铜川市耀州区董家河镇", "铜川市王益区红旗街便民商店",
         "陕西省铜川市王益区红旗街14号", "陕西", "挂面", "1kg/袋", "耀州", "2025-05-22", "粮食加工品", "2025年第28号",
         "2025-08-14", "国家市场监督管理总局", "陕西省产品质量监督检验研究院", ""],
        ["4", "DC25620000416230044", "甘肃陇原食品有限公司", "甘肃省兰州市七里河区西津西路", "兰州市城关区佳乐惠超市",
         "甘肃省兰州市城关区东岗西路301号", "甘肃", "牛肉干", "100g/袋", "陇原", "2025-05-06", "肉制品", "2025年第28号",
         "2025-08-14", "国家市场监督管理总局", "甘肃省食品检验研究院", ""],
    ])],
    expect=[
        _passed("富硒绿茶", "610902", "2025-08-14", "流通", "DC25610000412530101"),
        _passed("纯牛奶", "610602", "2025-08-14", "流通", "DC25610000412530102"),
        _passed("挂面", "610202", "2025-08-14", "流通", "DC25610000412530103"),
        _passed("牛肉干", "620000", "2025-08-14", "流通", "DC25620000416230044"),
    ],
    notes="Pass list: no items column at all; the meaning (合格) is in the title row, the sheet name and the file "
          "name. One record per sample with analyte ALL.",
))

# ---------------------------------------------------------------- 5. Shaanxi provincial bureau (|| and broken headers)
CASES.append(Case(
    name="food-shaanxi-provincial",
    source="food",
    cite=HANDLE_EXCEL_SITES + " — 陕西省: http://snamr.shaanxi.gov.cn/ShiPinZhuanLan_list2.jsp?urltype=tree.TreeTempUrl"
         "&wbtreeid=1309; " + HANDLE_EXCEL_RULES,
    file_name="陕西省市场监督管理局食品安全监督抽检信息通告（2025年第30期）附件2.xlsx",
    sheets=[Sheet(name="不合格", rows=[
        ["附件2"],
        ["陕西省市场监督管理局食品安全监督抽检不合格产品信息（2025年第30期）"],
        ["序号", "抽样编号", "标称生产企业/\n进货来源名称", "标称生产企业地址/\n进货来源地址", "被抽样单位名称", "被抽样单位地址",
         "食品名称", "规格型号", "商标", "生产日期/\n批号", "不合格项目||检验结果||标准值", "分类", "公告号", "公告日期",
         "任务来源/项目名称", "检验机构", "备注"],
        ["1", "SC25610000600231045", "咸阳市秦都区渭滨蔬菜批发部", "陕西省咸阳市秦都区渭滨街道", "咸阳市秦都区人人乐购超市",
         "陕西省咸阳市秦都区人民西路88号", "韭菜", "/", "/", "2025-09-21", "腐霉利||0.86mg/kg||≤0.2mg/kg", "食用农产品",
         "2025年第30期", "2025-10-28", "陕西省市场监督管理局", "陕西省产品质量监督检验研究院", ""],
        ["2", "SC25610000600231318", "/", "/", "延安市宝塔区好又多饭店", "陕西省延安市宝塔区南关街27号", "凉皮(自制)", "/", "/",
         "2025-09-24", "苯甲酸及其钠盐(以苯甲酸计)||0.38g/kg||不得使用", "餐饮食品", "2025年第30期", "2025-10-28",
         "陕西省市场监督管理局", "延安市食品药品检验检测中心", ""],
        ["3", "SC25610000600231502", "神木市丰禾粮油有限公司", "陕西省神木市锦界工业园区", "神木市滨河新区鸿达粮油店",
         "陕西省榆林市神木市滨河新区麟州街6号", "大米", "10kg/袋", "丰禾", "2025-07-15", "镉(以Cd计)||0.36mg/kg||≤0.2mg/kg",
         "粮食加工品", "2025年第30期", "2025-10-28", "陕西省市场监督管理局", "榆林市检验检测中心", ""],
    ])],
    expect=[
        _failed("韭菜", "PROC", 0.86, 0.2, "610402", "2025-10-28", "流通", "SC25610000600231045"),
        _failed("凉皮(自制)", "BA", 0.38, 0.0, "610602", "2025-10-28", "餐饮", "SC25610000600231318"),
        _failed("大米", "CD", 0.36, 0.2, "610881", "2025-10-28", "流通", "SC25610000600231502"),
    ],
    notes="Provincial form: headers broken across lines inside the cell (标称生产企业/\\n进货来源名称, 生产日期/\\n批号); the "
          "combined column uses ASCII || as separator. The maker column may hold the supplier (进货来源) of farm "
          "produce. Reconstructed from the header variants, not from one downloaded file (the site needs a captcha).",
))

# ---------------------------------------------------------------- 6. City bureau: one failed item per row under merged cells
_CITY_HEADER = ["序号", "抽样编号", "被抽样单位名称", "被抽样单位地址", "食品名称", "抽样日期", "不合格项目", "检验结果", "标准值",
                "检验机构"]
CASES.append(Case(
    name="food-city-merged-items",
    source="food",
    cite=QUALITY_NEWS + "; city-level notice (宝鸡市) with one failed item per row",
    file_name="宝鸡市市场监督管理局2025年第9期食品安全监督抽检不合格产品信息.xlsx",
    sheets=[Sheet(name="Sheet1", rows=[
        ["宝鸡市市场监督管理局2025年第9期食品安全监督抽检不合格产品信息"],
        _CITY_HEADER,
        ["1", "BJ25610300102", "岐山县蔡家坡镇鑫源生鲜超市", "陕西省宝鸡市岐山县蔡家坡镇新华路41号", "豇豆", "2025-09-03",
         "克百威", "0.062mg/kg", "≤0.02mg/kg", "宝鸡市检验检测中心"],
        ["", "", "", "", "", "", "氧乐果", "0.045mg/kg", "≤0.02mg/kg", ""],
        ["", "", "", "", "", "", "甲拌磷", "0.033mg/kg", "≤0.01mg/kg", ""],
        ["2", "BJ25610300117", "扶风县天度镇佳美超市", "陕西省宝鸡市扶风县天度镇中街9号", "鸡蛋", "2025-09-05",
         "恩诺沙星", "186μg/kg", "不得检出", "宝鸡市检验检测中心"],
    ], merges=["A3:A5", "B3:B5", "C3:C5", "D3:D5", "E3:E5", "F3:F5", "J3:J5"])],
    expect=[
        _failed("豇豆", "CARB", 0.062, 0.02, "610323", "2025-09-03", "流通", "BJ25610300102"),
        _failed("豇豆", "OMET", 0.045, 0.02, "610323", "2025-09-03", "流通", "BJ25610300102"),
        _failed("豇豆", "PHOR", 0.033, 0.01, "610323", "2025-09-03", "流通", "BJ25610300102"),
        _failed("鸡蛋", "ENR", 186.0, 0.0, "610324", "2025-09-05", "流通", "BJ25610300117"),
    ],
    notes="Reconstructed city layout: a sample failing three pesticides takes three rows with the sample's cells "
          "merged vertically (values only in the first row). 恩诺沙星 in eggs: 不得检出 is a zero limit.",
))

# ---------------------------------------------------------------- 7. County notice: four-part combined column
CASES.append(Case(
    name="food-county-four-part-column",
    source="food",
    cite="http://www.weibin.gov.cn/col15477/col15482/col15501/col15533/202510/t20251017_1219522.html (宝鸡市渭滨区市场监督"
         "管理局 2025年第16号: 附件2 食品监督抽检不合格产品信息.xls, 附件3 食品监督抽检合格产品信息.xls); " + HANDLE_EXCEL_RULES,
    file_name="附件2  食品监督抽检不合格产品信息.xlsx",
    sheets=[Sheet(name="Sheet1", rows=[
        ["宝鸡市渭滨区市场监督管理局食品监督抽检不合格产品信息"],
        ["序号", "抽样编号", "标称生产企业名称", "标称生产企业地址", "被抽样单位名称", "被抽样单位地址", "食品名称", "规格型号",
         "商标", "生产日期/批号", "不合格项目||检验结果||计量单位||标准值", "分类", "公告号", "公告日期", "检验机构", "备注"],
        ["1", "XC25610302000318", "/", "/", "宝鸡市渭滨区姜谭路惠万家超市", "陕西省宝鸡市渭滨区姜谭路66号", "结球甘蓝", "/", "/",
         "2025-09-12", "噻虫嗪||0.52||mg/kg||≤0.2", "食用农产品", "2025年第16号", "2025-10-17", "山东天安检测服务有限公司", ""],
        ["2", "XC25610302000326", "/", "/", "宝鸡市渭滨区清姜路百姓乐超市", "陕西省宝鸡市渭滨区清姜路120号", "芹菜", "/", "/",
         "2025-09-12", "毒死蜱||0.31||mg/kg||≤0.05", "食用农产品", "2025年第16号", "2025-10-17", "山东天安检测服务有限公司", ""],
        ["注：生产日期/批号一栏为购进日期。"],
    ])],
    expect=[
        _failed("结球甘蓝", "噻虫嗪", 0.52, 0.2, "610302", "2025-10-17", "流通", "XC25610302000318"),
        _failed("芹菜", "CHLP", 0.31, 0.05, "610302", "2025-10-17", "流通", "XC25610302000326"),
    ],
    notes="The combined header splits into FOUR parts (项目||结果||计量单位||标准值): the unit is its own part, not inside "
          "the result; reading it as three parts shifts the unit into the limit. 噻虫嗪 is not in our analyte table "
          "(kept as written). A note row below the data. The announcement page names the attachment .xls; built as .xlsx.",
))

# ---------------------------------------------------------------- 8. Two-row header: 被抽样单位 merged over 名称/地址/省/市/县
CASES.append(Case(
    name="food-two-row-header-sampled-unit",
    source="food",
    cite=NIFDC + " (the 抽检场所信息 group: 单位名称, 单位地址, 所在地 as 省/市/县); city notice layout reconstructed",
    file_name="汉中市市场监督管理局食品安全监督抽检结果（2025年第6期）.xlsx",
    sheets=[Sheet(name="抽检结果", rows=[
        ["汉中市市场监督管理局食品安全监督抽检结果（2025年第6期）"],
        ["序号", "抽样编号", "食品名称", "分类", "被抽样单位", "", "", "", "", "检验项目", "检验结果", "标准值", "结果判定",
         "抽样日期"],
        ["", "", "", "", "名称", "地址", "省", "市", "县", "", "", "", "", ""],
        ["1", "HZ25610700045", "大米", "粮食加工品", "汉中市汉台区丰谷粮油店", "汉台区北团结街15号", "陕西省", "汉中市", "汉台区",
         "镉(以Cd计)", "0.08mg/kg", "≤0.2mg/kg", "合格", "2025-06-11"],
        ["2", "HZ25610700052", "猪肉", "食用农产品", "城固县城关镇惠民超市", "城关镇东大街8号", "陕西省", "汉中市", "城固县",
         "克伦特罗", "未检出", "不得检出", "合格", "2025-06-12"],
        ["3", "HZ25610700063", "鲈鱼", "食用农产品", "勉县武侯镇鑫鑫水产批发部", "武侯镇汉江路3号", "陕西省", "汉中市", "勉县",
         "孔雀石绿", "2.6μg/kg", "不得检出", "不合格", "2025-06-12"],
    ], merges=["E2:I2"] + [f"{c}2:{c}3" for c in "ABCDJKLMN"])],
    expect=[
        _item("大米", "CD", 0.08, 0.2, False, "610702", "2025-06-11", sender_verdict="合格", sampling_stage="流通",
              sample_id="HZ25610700045"),
        _item("猪肉", "CLEN", None, 0.0, False, "610722", "2025-06-12", sender_verdict="合格", sampling_stage="流通",
              sample_id="HZ25610700052"),
        _item("鲈鱼", "MG", 2.6, 0.0, True, "610725", "2025-06-12", sender_verdict="不合格", sampling_stage="流通",
              sample_id="HZ25610700063"),
    ],
    notes="Two-row header: 被抽样单位 merged across five columns over 名称/地址/省/市/县; the single headers are merged "
          "down over both rows. The county is its own sub-column (the address lacks the city). Reconstructed.",
))

# ---------------------------------------------------------------- 9. National sampling system export (sample x item)
_EXPORT_HEADER = ["抽样单编号", "样品名称", "食品大类", "食品细类", "检验项目", "检验结果", "结果单位", "结果判定", "检验依据",
                  "判定依据", "最小允许限", "最大允许限", "允许限单位", "方法检出限", "检出限单位", "被抽样单位名称", "所在地",
                  "抽样环节", "抽样地点", "抽样日期", "检验目的/任务类别"]


def _x(sample, food, cls, sub, item, result, unit, verdict, method, basis, lo, hi, hi_unit, lod, lod_unit, unit_name,
       place, stage, spot, day, aim="监督抽检"):
    return [sample, food, cls, sub, item, result, unit, verdict, method, basis, lo, hi, hi_unit, lod, lod_unit, unit_name,
            place, stage, spot, day, aim]


CASES.append(Case(
    name="food-sampling-system-export",
    source="food",
    cite=NIFDC,
    file_name="普通食品国抽数据_20251120.xlsx",
    sheets=[Sheet(name="data_1", rows=[
        _EXPORT_HEADER,
        _x("GC25610100301", "鸡肉", "食用农产品", "鸡肉", "氯霉素", "0.52", "μg/kg", "不合格项", "GB/T 22338-2008",
           "农业农村部公告第250号", "/", "不得检出", "/", "0.1", "μg/kg", "西安市莲湖区劳动路惠民生鲜超市",
           "陕西省西安市莲湖区", "流通", "超市", date(2025, 11, 3)),
        _x("GC25610100301", "鸡肉", "食用农产品", "鸡肉", "恩诺沙星", "12.6", "μg/kg", "合格项", "GB 31658.17-2021",
           "GB 31650-2019", "/", "100", "μg/kg", "1", "μg/kg", "西安市莲湖区劳动路惠民生鲜超市", "陕西省西安市莲湖区", "流通",
           "超市", date(2025, 11, 3)),
        _x("GC25610400288", "面包", "糕点", "面包", "糖精钠(以糖精计)", "0.032", "g/kg", "不合格项", "GB 5009.28-2016",
           "GB 2760-2024", "/", "不得使用", "/", "0.005", "g/kg", "咸阳市渭城区麦香园蛋糕店", "陕西省咸阳市渭城区", "流通",
           "其他", date(2025, 11, 5)),
        _x("GC25610400288", "面包", "糕点", "面包", "脱氢乙酸及其钠盐(以脱氢乙酸计)", "未检出", "g/kg", "合格项",
           "GB 5009.121-2016", "GB 2760-2024", "/", "0.5", "g/kg", "0.001", "g/kg", "咸阳市渭城区麦香园蛋糕店",
           "陕西省咸阳市渭城区", "流通", "其他", date(2025, 11, 5)),
        _x("GC25610500117", "鸡蛋", "食用农产品", "鸡蛋", "氯霉素", "未检出", "μg/kg", "合格项", "GB/T 22338-2008",
           "农业农村部公告第250号", "/", "不得检出", "/", "0.1", "μg/kg", "富平县城关街道兴农蛋品经营部", "陕西省渭南市富平县",
           "流通", "农贸市场", date(2025, 11, 6)),
        _x("GC25610500121", "韭菜", "食用农产品", "韭菜", "腐霉利", "0.05", "mg/kg", "合格项", "GB 23200.113-2018",
           "GB 2763-2021", "/", "0.2", "mg/kg", "0.01", "mg/kg", "富平县城关街道绿野蔬菜经营部", "陕西省渭南市富平县", "流通",
           "农贸市场", "2025-02-30"),
    ])],
    expect=[
        _item("鸡肉", "CAP", 0.52, 0.0, True, "610104", "2025-11-03", sender_verdict="不合格", sampling_stage="流通",
              sample_id="GC25610100301"),
        _item("鸡肉", "ENR", 12.6, 100.0, False, "610104", "2025-11-03", sender_verdict="合格", sampling_stage="流通",
              sample_id="GC25610100301"),
        _item("面包", "SACC", 0.032, 0.0, True, "610404", "2025-11-05", sender_verdict="不合格", sampling_stage="流通",
              sample_id="GC25610400288"),
        _item("面包", "DHA", None, 0.5, False, "610404", "2025-11-05", sender_verdict="合格", sample_id="GC25610400288"),
        _item("鸡蛋", "CAP", None, 0.0, False, "610528", "2025-11-06", sender_verdict="合格", sample_id="GC25610500117"),
    ],
    quarantined=1,
    notes="One row per sample x item. Banned substances carry 最大允许限 不得检出/不得使用 AND a positive 方法检出限 (0.1 "
          "μg/kg, 0.005 g/kg): the LOD is not the limit — 0.52 μg/kg 氯霉素 and 0.032 g/kg 糖精钠 exceed. 结果判定 is "
          "合格项/不合格项. Limit and LOD units are their own columns. 抽样日期 are real date cells; the last row's date "
          "'2025-02-30' does not exist and must be quarantined.",
))

# ---------------------------------------------------------------- 10. Upload template: three sheets joined by 抽样单编号
CASES.append(Case(
    name="food-upload-template-three-sheets",
    source="food",
    cite=NIFDC + " (func.go Merge_subitem/TestInfotoMap: the item sheet's starred columns 检验项目* … 检出限单位*)",
    file_name="食用农产品检验结果上报模板_渭南市_2025年9月.xlsx",
    sheets=[
        Sheet(name="抽样信息", rows=[
            ["抽样单编号*", "样品名称*", "食品大类*", "被抽样单位名称*", "被抽样单位所在省*", "被抽样单位所在市*", "被抽样单位所在县*",
             "抽样环节*", "抽样地点", "抽样日期*", "标称生产企业名称"],
            ["NCP25610500003", "菠菜", "食用农产品", "蒲城县城关镇绿源蔬菜店", "陕西省", "渭南市", "蒲城县", "流通", "农贸市场",
             "2025-09-16", "/"],
            ["NCP25610500004", "猪肉", "食用农产品", "大荔县城关镇老张鲜肉铺", "陕西省", "渭南市", "大荔县", "流通", "农贸市场",
             "2025-09-16", "大荔县定点屠宰场"],
        ]),
        Sheet(name="检验项目", rows=[
            ["抽样单编号*", "检验项目*", "检验结果*", "结果单位*", "结果判定*", "检验依据*", "判定依据*", "最小允许限*", "最大允许限*",
             "允许限单位*", "方法检出限*", "检出限单位*", "备注", "说明"],
            ["NCP25610500003", "镉(以Cd计)", "0.032", "mg/kg", "合格项", "GB 5009.15-2023", "GB 2762-2022", "/", "0.2", "mg/kg",
             "0.001", "mg/kg", "", ""],
            ["NCP25610500003", "毒死蜱", "0.15", "mg/kg", "不合格项", "GB 23200.113-2018", "GB 2763-2021", "/", "0.02", "mg/kg",
             "0.005", "mg/kg", "", ""],
            ["NCP25610500004", "克伦特罗", "未检出", "μg/kg", "合格项", "GB/T 22286-2008", "农业农村部公告第250号", "/", "不得检出",
             "/", "0.5", "μg/kg", "", ""],
            ["NCP25610500004", "莱克多巴胺", "1.3", "μg/kg", "不合格项", "GB/T 22286-2008", "农业农村部公告第250号", "/",
             "不得检出", "/", "0.5", "μg/kg", "", ""],
        ]),
        Sheet(name="填写说明", rows=[
            ["填写说明"],
            ["1. 带*号的为必填项；抽样单编号须与抽样信息表一致。"],
            ["2. 结果判定填写“合格项”或“不合格项”；未检出的项目检验结果填写“未检出”。"],
            ["3. 最小允许限、最大允许限根据判定依据确定，无规定的填写“/”。"],
        ]),
    ],
    expect=[
        _item("菠菜", "CD", 0.032, 0.2, False, "610526", "2025-09-16", sender_verdict="合格", sampling_stage="流通",
              sample_id="NCP25610500003"),
        _item("菠菜", "CHLP", 0.15, 0.02, True, "610526", "2025-09-16", sender_verdict="不合格", sampling_stage="流通",
              sample_id="NCP25610500003"),
        _item("猪肉", "CLEN", None, 0.0, False, "610523", "2025-09-16", sender_verdict="合格", sampling_stage="流通",
              sample_id="NCP25610500004"),
        _item("猪肉", "RAC", 1.3, 0.0, True, "610523", "2025-09-16", sender_verdict="不合格", sampling_stage="流通",
              sample_id="NCP25610500004"),
    ],
    notes="Samples on one sheet, items on another, joined by 抽样单编号*; a third sheet is instructions only. Required "
          "columns carry a TRAILING '*'. The food name, place and date of an item come from the sample sheet. Sheet "
          "names and the sample sheet's columns are reconstructed; the item columns are the system's own.",
))

# ---------------------------------------------------------------- 11. School canteen list (swabs per 50 cm²)
CASES.append(Case(
    name="food-school-canteen",
    source="food",
    cite="http://www.changanqu.gov.cn/zwgk/xxgkml/glgk/jgqkgk/spypaq/spaq/64e2c25ef8fd1c1a70373907.html (西安市长安区"
         "市场监督管理局 food sampling notices); tableware limit 大肠菌群 不得检出/50cm² of GB 14934-2016; layout reconstructed",
    file_name="2025年秋季学期校园食品安全专项抽检结果.xlsx",
    sheets=[Sheet(name="学校食堂", rows=[
        ["西安市长安区市场监督管理局2025年秋季学期校园食品安全专项抽检结果公示"],
        ["序号", "学校名称", "食堂地址", "样品名称", "检验项目", "检验结果", "单位", "标准要求", "单项判定", "抽样日期"],
        ["1", "西安市长安区郭杜第三小学", "陕西省西安市长安区郭杜街道学府大街12号", "大米", "镉(以Cd计)", "0.06", "mg/kg", "≤0.2",
         "合格", "2025-09-09"],
        ["2", "西安市长安区郭杜第三小学", "陕西省西安市长安区郭杜街道学府大街12号", "消毒餐具(碗)", "大肠菌群", "未检出",
         "CFU/50cm²", "不得检出", "合格", "2025-09-09"],
        ["3", "西安市长安区韦曲中学", "陕西省西安市长安区韦曲街道青年街30号", "消毒餐具(餐盘)", "大肠菌群", "检出", "CFU/50cm²",
         "不得检出", "不合格", "2025-09-10"],
        ["4", "西安市长安区韦曲中学", "陕西省西安市长安区韦曲街道青年街30号", "食用植物油", "酸价(以KOH计)", "0.9", "mg/g", "≤3",
         "合格", "2025-09-10"],
    ])],
    expect=[
        _item("大米", "CD", 0.06, 0.2, False, "610116", "2025-09-09", sender_verdict="合格", sampling_stage="学校食堂"),
        _item("消毒餐具(碗)", "COLI", None, 0.0, False, "610116", "2025-09-09", sender_verdict="合格",
              sampling_stage="学校食堂", unit="CFU/50cm²"),
        _item("消毒餐具(餐盘)", "COLI", None, 0.0, True, "610116", "2025-09-10", sender_verdict="不合格",
              sampling_stage="学校食堂", unit="CFU/50cm²"),
        _item("食用植物油", "AV", 0.9, 3.0, False, "610116", "2025-09-10", sender_verdict="合格", sampling_stage="学校食堂"),
    ],
    notes="The sampled unit is a school (学校名称 column, sheet 学校食堂): stage 学校食堂. Tableware swabs are per 50 cm² "
          "(CFU/50cm²), a unit that does not convert to CFU/g: kept as written. 检出 against 不得检出 is an exceedance.",
))

# ---------------------------------------------------------------- 12. Guangdong provincial: tableware + aquatic, outside Shaanxi
CASES.append(Case(
    name="food-guangdong-tableware",
    source="food",
    cite=HANDLE_EXCEL_SITES + " — 广东省: http://amr.gd.gov.cn/zwgk/zdlyxxgk/cjjc/spcj/index.html (attachments in .zip); "
         "https://www.shijieshipin.com/mobile/news/show-243274.html (广东省市场监督管理局2025年第21期通告: 汤碗、碗 大肠菌群、"
         "阴离子合成洗涤剂(以十二烷基苯磺酸钠计) 不合格)",
    file_name="广东省市场监督管理局2025年第21期食品不合格情况通告附件.xlsx",
    sheets=[Sheet(name="不合格产品信息", rows=[
        ["附件"],
        ["不合格产品信息"],
        SAMR_FAILED_2023,
        ["1", "GZ25440000100211", "/", "/", "广州市番禺区南村湘味餐厅", "广东省广州市番禺区南村镇兴业大道3号", "广东",
         "复用餐饮具(汤碗)", "/", "/", "2025-05-20（消毒日期）",
         "大肠菌群║检出║不得检出；阴离子合成洗涤剂(以十二烷基苯磺酸钠计)║0.026mg/100cm²║不得检出", "餐饮食品", "2025年第21期",
         "2025-07-10", "广东省市场监督管理局", "广州检验检测认证集团有限公司", ""],
        ["2", "GZ25440000100236", "/", "/", "东莞市高埗镇粤香饭店", "广东省东莞市高埗镇高龙西路18号", "广东", "复用餐饮具(碗)",
         "/", "/", "2025-05-22（消毒日期）", "大肠菌群║检出║不得检出", "餐饮食品", "2025年第21期", "2025-07-10",
         "广东省市场监督管理局", "广东产品质量监督检验研究院", ""],
        ["3", "GZ25440000100258", "/", "/", "佛山市顺德区大良鲜多多超市", "广东省佛山市顺德区大良街道凤山中路9号", "广东", "牛蛙",
         "/", "/", "2025-05-26（购进日期）", "恩诺沙星║812μg/kg║≤100μg/kg", "食用农产品", "2025年第21期", "2025-07-10",
         "广东省市场监督管理局", "广东省食品检验所", ""],
    ])],
    expect=[
        _failed("复用餐饮具(汤碗)", "COLI", None, 0.0, "440000", "2025-07-10", "餐饮", "GZ25440000100211"),
        _failed("复用餐饮具(汤碗)", "阴离子合成洗涤剂(以十二烷基苯磺酸钠计)", 0.026, 0.0, "440000", "2025-07-10", "餐饮",
                "GZ25440000100211"),
        _failed("复用餐饮具(碗)", "COLI", None, 0.0, "440000", "2025-07-10", "餐饮", "GZ25440000100236"),
        _failed("牛蛙", "ENR", 812.0, 100.0, "440000", "2025-07-10", "流通", "GZ25440000100258"),
    ],
    notes="Outside Shaanxi: region is the province (440000). Tableware rows: the 'food' is the dish used by a "
          "restaurant (stage 餐饮); 大肠菌群 reported only as 检出; the detergent residue is per 100 cm² (mg/100cm²), "
          "not convertible to a mass fraction: kept in the lab's unit, not converted. 生产日期/批号 holds 消毒日期/购进日期 — not sampling dates.",
))

# ---------------------------------------------------------------- 13. Online (网络食品) sampling list
CASES.append(Case(
    name="food-online-shops",
    source="food",
    cite=HANDLE_EXCEL_RULES + "; https://cnffc.cn/news/201908/28/20296.html (SAMR 2019年第28号: 淘宝/天猫 网店 sold foods, "
         "经营者 named beside the shop)",
    file_name="附件2 网络食品安全监督抽检不合格产品信息.xlsx",
    sheets=[Sheet(name="网络抽检不合格", rows=[
        ["附件2"],
        ["网络食品安全监督抽检不合格产品信息"],
        [DECLARATION],
        ["序号", "抽样编号", "标称生产企业名称", "标称生产企业地址", "网店商铺名称", "网抽平台名称", "被抽样单位名称",
         "被抽样单位地址", "被抽样单位所在省份", "食品名称", "规格型号", "商标", "生产日期/批号", "不合格项目║检验结果║标准值",
         "分类", "公告号", "公告日期", "任务来源/项目名称", "检验机构", "备注"],
        ["1", "WC25610000800012", "柞水县秦岭山珍农业开发有限公司", "陕西省商洛市柞水县乾佑街道", "秦岭山珍特产店", "淘宝网",
         "柞水县秦岭山珍农业开发有限公司", "陕西省商洛市柞水县乾佑街道东川路2号", "陕西", "黑木耳", "250g/袋", "秦岭山珍",
         "2025-03-11", "铅(以Pb计)║2.3mg/kg║≤1.0mg/kg", "食用农产品", "2025年第19号", "2025-06-18", "国家市场监督管理总局",
         "陕西省产品质量监督检验研究院", "网购"],
        ["2", "WC25330000800047", "义乌市甜心食品厂", "浙江省金华市义乌市佛堂镇", "甜心零食铺", "拼多多", "义乌市甜心食品商行",
         "浙江省金华市义乌市稠江街道杨村路5号", "浙江", "手指饼干", "400g/盒", "甜心", "2025-02-27", "霉菌║150CFU/g║≤50CFU/g",
         "饼干", "2025年第19号", "2025-06-18", "国家市场监督管理总局", "浙江省食品药品检验研究院", "网购"],
        ["3", "WC25610000800063", "周至县猕香园果业有限公司", "陕西省西安市周至县楼观镇", "果然鲜水果旗舰店", "京东",
         "西安市碑林区果然鲜水果店", "陕西省西安市碑林区南大街端履门12号", "陕西", "猕猴桃干", "500g/袋", "猕香园", "2025-01-06",
         "二氧化硫残留量║0.46g/kg║≤0.1g/kg", "水果制品", "2025年第19号", "2025-06-18", "国家市场监督管理总局",
         "陕西省食品药品检验研究院", "网购"],
    ])],
    expect=[
        _failed("黑木耳", "PB", 2.3, 1.0, "611026", "2025-06-18", "流通", "WC25610000800012"),
        _failed("手指饼干", "MOLD", 150.0, 50.0, "330000", "2025-06-18", "流通", "WC25330000800047"),
        _failed("猕猴桃干", "SO2", 0.46, 0.1, "610103", "2025-06-18", "流通", "WC25610000800063"),
    ],
    notes="Online shops: 网店商铺名称 and 网抽平台名称 beside the operator (被抽样单位名称) — the place is the operator's "
          "address, not the platform's. Online sampling is the 流通 stage (备注 网购) even where the operator is a company "
          "whose name says no kind of place.",
))

# ---------------------------------------------------------------- 14. Risk-monitoring export (no verdicts)
CASES.append(Case(
    name="food-risk-monitoring",
    source="food",
    cite=NIFDC + " (检验目的/任务类别 风险监测; 检验信息_风险监测报告备注)",
    file_name="2025年陕西省食品安全风险监测数据_第三季度.xlsx",
    sheets=[Sheet(name="风险监测", rows=[
        ["2025年第三季度食品安全风险监测检验数据"],
        ["抽样单编号", "样品名称", "食品大类", "检验项目", "检验结果", "结果单位", "结果判定", "最大允许限", "方法检出限",
         "被抽样单位名称", "所在地", "抽样环节", "抽样日期", "检验目的/任务类别"],
        ["FJ25610800021", "原味薯片", "薯类和膨化食品", "丙烯酰胺", "356", "μg/kg", "/", "/", "10", "神木市东兴街鑫源超市",
         "陕西省榆林市神木市", "流通", "2025-08-04", "风险监测"],
        ["FJ25610800022", "油饼", "餐饮食品", "铝的残留量(干样品，以Al计)", "186", "mg/kg", "/", "100", "2",
         "神木市麟州街老李早餐店", "陕西省榆林市神木市", "餐饮", "2025-08-04", "风险监测"],
        ["FJ25610800030", "大米", "粮食加工品", "镉(以Cd计)", "0.12", "mg/kg", "/", "0.2", "0.001", "靖边县张家畔镇丰收粮油店",
         "陕西省榆林市靖边县", "流通", "2025-08-06", "风险监测"],
    ])],
    expect=[
        _item("原味薯片", "丙烯酰胺", 356.0, None, False, "610881", "2025-08-04", sampling_stage="流通",
              sample_id="FJ25610800021", sender_verdict=None),
        _item("油饼", "AL", 186.0, 100.0, True, "610881", "2025-08-04", sampling_stage="餐饮", sample_id="FJ25610800022",
              sender_verdict=None),
        _item("大米", "CD", 0.12, 0.2, False, "610824", "2025-08-06", sampling_stage="流通", sample_id="FJ25610800030",
              sender_verdict=None),
    ],
    notes="Risk monitoring: the lab gives no verdict (结果判定 '/'); items like 丙烯酰胺 have no legal limit. Our "
          "comparison still finds the aluminium over 100 mg/kg, but no sender verdict may be invented. Reconstructed "
          "from the system's field names.",
))

# ---------------------------------------------------------------- 15. Retail names as sampled units (食用农产品, county)
CASES.append(Case(
    name="food-retail-shop-names",
    source="food",
    cite="http://www.weibin.gov.cn/col15477/col15482/col15501/col15533/202510/t20251017_1219522.html (county 食用农产品 "
         "notice, seller named as 销售单位); " + QUALITY_NEWS,
    file_name="安康市汉滨区市场监督管理局食用农产品监督抽检不合格信息（2025年第7期）.xlsx",
    sheets=[Sheet(name="Sheet1", rows=[
        ["安康市汉滨区市场监督管理局食用农产品监督抽检不合格信息（2025年第7期）"],
        ["2025年8月26日"],
        ["序号", "被抽样单位名称", "被抽样单位地址", "食品名称", "不合格项目", "检验结果", "标准值", "检验机构"],
        ["1", "汉滨区老街鲜禽店", "陕西省安康市汉滨区老街32号", "鸡肉", "恩诺沙星", "168μg/kg", "≤100μg/kg", "安康市检验检测中心"],
        ["2", "汉滨区江北鲜活水产店", "陕西省安康市汉滨区江北街道滨江大道5号", "草鱼", "孔雀石绿", "3.1μg/kg", "不得检出",
         "安康市检验检测中心"],
        ["3", "汉滨区新城绿源果蔬店", "陕西省安康市汉滨区新城街道育才路11号", "豇豆", "克百威", "0.058mg/kg", "≤0.02mg/kg",
         "安康市检验检测中心"],
        ["4", "旬阳市城关镇王记鲜肉铺", "陕西省安康市旬阳市城关镇红军路7号", "猪肉", "克伦特罗", "0.92μg/kg", "不得检出",
         "安康市检验检测中心"],
        ["5", "汉滨区张滩镇便民蔬菜店", "陕西省安康市汉滨区张滩镇张滩街16号", "韭菜", "腐霉利", "1.2mg/kg", "≤0.2mg/kg",
         "安康市检验检测中心"],
        ["6", "安康万佳购物广场有限公司江北分店", "陕西省安康市汉滨区江北街道安康大道88号", "芹菜", "毒死蜱", "0.12mg/kg",
         "≤0.05mg/kg", "安康市检验检测中心"],
    ])],
    expect=[
        _failed("鸡肉", "ENR", 168.0, 100.0, "610902", "2025-08-26", "流通"),
        _failed("草鱼", "MG", 3.1, 0.0, "610902", "2025-08-26", "流通"),
        _failed("豇豆", "CARB", 0.058, 0.02, "610902", "2025-08-26", "流通"),
        _failed("猪肉", "CLEN", 0.92, 0.0, "610981", "2025-08-26", "流通"),
        _failed("韭菜", "PROC", 1.2, 0.2, "610902", "2025-08-26", "流通"),
        _failed("芹菜", "CHLP", 0.12, 0.05, "610902", "2025-08-26", "流通"),
    ],
    notes="Sampled units are ordinary retail names — 鲜禽店, 水产店, 果蔬店, 鲜肉铺, 蔬菜店, a 购物广场 branch (分店) — all "
          "流通. No sampling date: the date line under the title is the announcement date. One seller is in 旬阳市 "
          "(county-level city) although the bureau is 汉滨区's. Reconstructed.",
))

# ---------------------------------------------------------------- 16. 抽样地点 column names the kind of place
CASES.append(Case(
    name="food-sampling-place-column",
    source="food",
    cite=NIFDC + " (抽检场所信息_抽样地点: 超市 / 农贸市场 / 成品库（待销区）)",
    file_name="铜川市食品安全监督抽检检验结果汇总（2025年10月）.xlsx",
    sheets=[Sheet(name="检验结果", rows=[
        ["序号", "样品编号", "样品名称", "被抽样单位", "抽样地点", "所在区县", "检测项目", "检测结果", "限量值", "判定", "采样日期"],
        ["1", "TC2510001", "花生油", "陕西华隆商贸有限公司", "超市", "陕西省西安市新城区", "黄曲霉毒素B₁", "8.6μg/kg", "≤20μg/kg",
         "合格", "2025-10-09"],
        ["2", "TC2510002", "韭菜", "铜川市印台区聚福源商贸有限公司", "农贸市场", "陕西省铜川市印台区", "腐霉利", "0.08mg/kg",
         "≤0.2mg/kg", "合格", "2025-10-10"],
        ["3", "TC2510003", "挂面", "富平县庄里镇兴盛食品有限公司", "成品库（待销区）", "陕西省渭南市富平县", "铅(以Pb计)",
         "0.05mg/kg", "≤0.2mg/kg", "合格", "2025-10-13"],
    ])],
    expect=[
        _item("花生油", "AFB1", 8.6, 20.0, False, "610102", "2025-10-09", sender_verdict="合格", sampling_stage="流通",
              sample_id="TC2510001"),
        _item("韭菜", "PROC", 0.08, 0.2, False, "610203", "2025-10-10", sender_verdict="合格", sampling_stage="流通",
              sample_id="TC2510002"),
        _item("挂面", "PB", 0.05, 0.2, False, "610528", "2025-10-13", sender_verdict="合格", sampling_stage="生产加工",
              sample_id="TC2510003"),
    ],
    notes="The sampled units' names say nothing of their kind (…商贸有限公司, …食品有限公司); the 抽样地点 column does: "
          "超市 / 农贸市场 -> 流通, 成品库（待销区） at a food company -> 生产加工. No title row. Reconstructed.",
))

# ---------------------------------------------------------------- 17. Seller (受检单位) and maker (标称生产单位) both named
CASES.append(Case(
    name="food-seller-and-maker",
    source="food",
    cite="Column pair 受检单位名称 / 标称生产单位名称 as in public parsers of provincial sampling tables (e.g. the Jilin "
         "lists: 序号, 产品名称, 规格型号, 批号, 生产日期, 标称商标, 受检单位名称, 标称生产单位名称, 抽查结果, 不合格项目) and the "
         "national sampling form's 受检单位 / 生产单位 (" + NIFDC + "); food layout reconstructed",
    file_name="渭南市2025年中秋国庆节令食品专项抽检结果.xlsx",
    sheets=[Sheet(name="抽检结果", rows=[
        ["渭南市市场监督管理局2025年中秋国庆节令食品专项抽检结果"],
        ["发布日期：2025-09-25"],
        ["序号", "食品名称", "规格型号", "生产日期/批号", "受检单位名称", "受检单位地址", "标称生产单位名称", "标称生产单位地址",
         "检验结论", "不合格项目", "检验机构"],
        ["1", "五仁月饼", "100g/个", "2025-08-20", "渭南市临渭区乐家福超市", "陕西省渭南市临渭区东风大街55号",
         "河南省月圆食品有限公司", "河南省漯河市源汇区", "不合格", "菌落总数", "渭南市检验检测研究院"],
        ["2", "豆沙月饼", "80g/个", "2025-08-18", "华阴市岳庙街道天天鲜超市", "陕西省渭南市华阴市岳庙街道迎宾路3号",
         "西安福临门食品有限公司", "陕西省西安市未央区", "合格", "/", "渭南市检验检测研究院"],
        ["3", "散装白酒", "散装", "2025-07-30", "韩城市新城街道老酒坊商行", "陕西省渭南市韩城市新城街道金塔路20号",
         "山西杏花香酒业有限公司", "山西省吕梁市汾阳市", "合格", "/", "渭南市检验检测研究院"],
    ])],
    expect=[
        {"food_name": "五仁月饼", "analyte": "TPC", "sender_verdict": "不合格", "region_code": "610502",
         "sampling_date": "2025-09-25", "sampling_stage": "流通"},
        _passed("豆沙月饼", "610582", "2025-09-25", "流通"),
        _passed("散装白酒", "610581", "2025-09-25", "流通"),
    ],
    notes="Seller (受检单位) and maker (标称生产单位) are both present: the place sampled is the seller's (Shaanxi), never "
          "the maker's (河南/山西/西安). One per-sample verdict column and the failed item's name only, no values. The "
          "only date is the 发布日期 line.",
))

# ---------------------------------------------------------------- 18. GBK CSV from a county system export
CASES.append(Case(
    name="food-county-gbk-csv",
    source="food",
    cite="County bureau food sampling results (西安市 district/county notices such as "
         "http://www.gaoling.gov.cn/zwgk/qzfxxgkml/spypaq/1833338228118749185.html); CSV layout reconstructed",
    file_name="蓝田县食品安全抽检结果_202510.csv",
    encoding="gbk",
    sheets=[Sheet(rows=[
        ["序号", "抽样编号", "食品名称", "被抽样单位名称", "被抽样单位地址", "检验项目", "检验结果", "单位", "标准值", "单项结论",
         "抽样日期"],
        ["1", "LT2510017", "菜籽油", "蓝田县华胥镇利民粮油店", "陕西省西安市蓝田县华胥镇华胥街9号", "苯并[a]芘", "12.5", "μg/kg",
         "≤10", "不合格", "2025/10/14"],
        ["2", "LT2510018", "鸡蛋", "蓝田县蓝关街道鑫鑫超市", "陕西省西安市蓝田县蓝关街道向阳路21号", "恩诺沙星", "未检出",
         "μg/kg", "不得检出", "合格", "2025/10/14"],
        ["3", "LT2510021", "油饼(自制)", "蓝田县玉山镇好运来饭店", "陕西省西安市蓝田县玉山镇玉川路4号",
         "铝的残留量(干样品，以Al计)", "68", "mg/kg", "≤100", "合格", "2025/10/15"],
    ])],
    expect=[
        _item("菜籽油", "BAP", 12.5, 10.0, True, "610122", "2025-10-14", sender_verdict="不合格", sampling_stage="流通",
              sample_id="LT2510017"),
        _item("鸡蛋", "ENR", None, 0.0, False, "610122", "2025-10-14", sender_verdict="合格", sampling_stage="流通",
              sample_id="LT2510018"),
        _item("油饼(自制)", "AL", 68.0, 100.0, False, "610122", "2025-10-15", sender_verdict="合格", sampling_stage="餐饮",
              sample_id="LT2510021"),
    ],
    notes="GBK-encoded CSV, CRLF, slashed dates; units in their own column, limits written without units.",
))

# ---------------------------------------------------------------- 19. Data-centre dump with coded column names
CASES.append(Case(
    name="food-datacentre-coded-columns",
    # The API's field codes (spdata_N) name nothing: without an operator's profile the file is refused; with the
    # profile `surveillance layouts draft` starts (tests/ingest/layouts/test_draft.py) it reads as ``expect`` says.
    refuse="spdata_0",
    source="food",
    cite=NIFDC + " (the system's own field codes: sample_code, new_sample_name, fcc_grade_one_name, check_result, "
         "spdata_0 检验项目, spdata_1 检验结果, spdata_2 结果判定, spdata_7 方法检出限, spdata_8 检出限单位, spdata_15 最大允许限, "
         "spdata_16 允许限单位, spdata_18 结果单位); pinyin-initial names for the sampled unit and date are reconstructed",
    file_name="sjzx_spcj_jyxm_2025Q3.csv",
    sheets=[Sheet(rows=[
        ["sample_code", "new_sample_name", "fcc_grade_one_name", "bcydwmc", "bcydwdz", "cyhj", "cyrq", "spdata_0", "spdata_1",
         "spdata_18", "spdata_2", "spdata_15", "spdata_16", "spdata_7", "spdata_8", "check_result"],
        ["DC25610700512", "大米", "粮食加工品", "城固县博望镇丰源粮油店", "陕西省汉中市城固县博望镇博望街6号", "流通", "2025-07-22",
         "镉(以Cd计)", "0.25", "mg/kg", "不合格项", "0.2", "mg/kg", "0.001", "mg/kg", "不合格"],
        ["DC25610700512", "大米", "粮食加工品", "城固县博望镇丰源粮油店", "陕西省汉中市城固县博望镇博望街6号", "流通", "2025-07-22",
         "铅(以Pb计)", "0.04", "mg/kg", "合格项", "0.2", "mg/kg", "0.005", "mg/kg", "不合格"],
        ["DC25610400733", "纯牛奶", "乳制品", "杨陵区康乐路优品超市", "陕西省咸阳市杨陵区康乐路17号", "流通", "2025-07-25",
         "黄曲霉毒素M1", "0.12", "μg/kg", "合格项", "0.5", "μg/kg", "0.01", "μg/kg", "合格"],
    ])],
    expect=[
        _item("大米", "CD", 0.25, 0.2, True, "610722", "2025-07-22", sender_verdict="不合格", sampling_stage="流通",
              sample_id="DC25610700512"),
        _item("大米", "PB", 0.04, 0.2, False, "610722", "2025-07-22", sender_verdict="合格", sampling_stage="流通",
              sample_id="DC25610700512"),
        _item("纯牛奶", "AFM1", 0.12, 0.5, False, "610403", "2025-07-25", sender_verdict="合格", sampling_stage="流通",
              sample_id="DC25610400733"),
    ],
    notes="No Chinese header at all: English keys of the sampling system's API and its spdata_N item codes, plus "
          "pinyin initials (bcydwmc 被抽样单位名称, bcydwdz 地址, cyhj 抽样环节, cyrq 抽样日期). The per-item verdict is "
          "spdata_2; check_result is the sample's overall conclusion and must not be taken as each item's. 杨陵区 "
          "(Yangling zone) keeps its own code.",
))

# ---------------------------------------------------------------- 20. Sichuan pass list: meaning only in the file name
CASES.append(Case(
    name="food-sichuan-passed-filename-only",
    source="food",
    cite=HANDLE_EXCEL_SITES + " — 四川省: http://scjgj.sc.gov.cn/scjgj/c104536/ccxx.shtml, attachments picked by the "
         "link text '-不合格-' (the 合格 list likewise named by '-合格-')",
    file_name="四川省市场监督管理局2025年第20期食品安全监督抽检-合格-产品信息.xlsx",
    sheets=[Sheet(name="Sheet1", rows=[
        ["序号", "抽样编号", "标称生产企业名称", "标称生产企业地址", "被抽样单位名称", "被抽样单位地址", "被抽样单位所在省份",
         "食品名称", "规格型号", "商标", "生产日期/批号", "分类", "公告号", "公告日期", "任务来源/项目名称", "检验机构", "备注"],
        ["1", "SC25510000300411", "四川蜀味源食品有限公司", "四川省成都市郫都区安德街道", "成都市郫都区好邻居便利店",
         "四川省成都市郫都区犀浦镇百草路22号", "四川", "豆瓣酱", "500g/瓶", "蜀味源", "2025-04-02", "调味品", "2025年第20期",
         "2025-06-30", "四川省市场监督管理局", "四川省食品检验研究院", ""],
        ["2", "SC25510000300427", "四川巴山茶业有限公司", "四川省巴中市通江县诺江镇", "巴中市巴州区茗香茶叶商行",
         "四川省巴中市巴州区江北大道14号", "四川", "绿茶", "100g/袋", "巴山", "2025-04-15", "茶叶及相关制品", "2025年第20期",
         "2025-06-30", "四川省市场监督管理局", "四川省食品检验研究院", ""],
    ])],
    expect=[
        _passed("豆瓣酱", "510000", "2025-06-30", "流通", "SC25510000300411"),
        _passed("绿茶", "510000", "2025-06-30", "流通", "SC25510000300427"),
    ],
    notes="No title row, sheet 'Sheet1', no items or verdict column: the only thing saying these samples passed is "
          "'-合格-' in the file name. Reconstructed from the attachment naming the downloader relies on.",
))

# ---------------------------------------------------------------- 21. A list whose meaning nothing states: refused
CASES.append(Case(
    name="food-list-without-meaning-refused",
    source="food",
    cite="SAMR/provincial pass-list column set (as food-samr-passed) stripped of title, sheet name and file-name "
         "wording — attachments re-uploaded as '附件.xlsx' occur on county sites (e.g. the 附件 links of "
         "http://www.weibin.gov.cn/col15477/col15482/col15501/col15533/202510/t20251017_1219522.html)",
    file_name="附件.xlsx",
    sheets=[Sheet(name="Sheet1", rows=[
        ["序号", "抽样编号", "标称生产企业名称", "标称生产企业地址", "被抽样单位名称", "被抽样单位地址", "食品名称", "规格型号",
         "商标", "生产日期/批号", "分类", "公告日期"],
        ["1", "XC25610302000401", "宝鸡市金穗面业有限公司", "陕西省宝鸡市陈仓区虢镇", "宝鸡市渭滨区清姜路百姓乐超市",
         "陕西省宝鸡市渭滨区清姜路120号", "挂面", "1kg/袋", "金穗", "2025-08-01", "粮食加工品", "2025-10-17"],
        ["2", "XC25610302000402", "陕西秦岭乳业有限公司", "陕西省宝鸡市眉县首善街道", "宝鸡市渭滨区姜谭路惠万家超市",
         "陕西省宝鸡市渭滨区姜谭路66号", "酸奶", "200g/杯", "秦岭", "2025-09-20", "乳制品", "2025-10-17"],
    ])],
    refuse="合格",
    notes="A sample list with no item, result or verdict column, no title, sheet 'Sheet1' and file name '附件': "
          "nothing says whether it lists passed or failed samples, so it must be refused, not read as a pass list.",
))
