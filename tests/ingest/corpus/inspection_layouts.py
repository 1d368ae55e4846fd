"""产品质量监督抽查 (consumer goods / industrial products) result lists as regulators and labs publish or export
them: SAMR's national 不合格产品及企业名单 in its 2024 and 2025 forms, Shaanxi's and Jilin's provincial tables,
city and county notices, a two-row header, P/F verdicts, 合格 lists, sheet names carrying the list's meaning,
e-commerce and retail (流通) lists, and GBK CSV exports of a lab's LIMS.

Companies, shops and numbers are fictional; layouts follow the cited public sources (see each case's notes for
what is reconstructed). Failed items are expected with the '*' safety marks removed and several items joined
by '；' (the marks flag safety items, they are not part of an item's name)."""

from __future__ import annotations

from tests.ingest.corpus import Case, Sheet

# --------------------------------------------------------------------------------------------------
# 1. SAMR national list, 2024 form (11 columns, header on row 3, 标称生产单位 not 标称生产单位名称,
#    产品种类 beside 产品名称, 受检单位 beside the maker, '*' safety marks, 备注 涉嫌假冒 / 复检仍不合格)
# --------------------------------------------------------------------------------------------------
SAMR_2024_HEADER = ["序号", "产品种类", "受检单位", "标称生产单位", "标称生产单位所在地", "产品名称", "规格型号",
                    "生产日期/批号", "主要不合格项目", "承检机构", "备注"]

samr_2024 = Case(
    name="inspection-samr-2024-national",
    source="inspection",
    cite=("SAMR 市场监管总局关于2024年产品质量国家监督抽查情况的公告, "
          "https://www.samr.gov.cn/zw/zfxxgk/fdzdgknr/zljds/art/2025/art_d75bb5a15c794893bca6cf8baf9f5155.html, "
          "attachment https://www.samr.gov.cn/cms_files/filemanager/1647978232/attach/20254/"
          "e9b731884e6848659c3f7c2b8a98f826.xlsx (Sheet1, header on row 3: 序号, 产品种类, 受检单位, 标称生产单位, "
          "标称生产单位所在地, 产品名称, 规格型号, 生产日期/批号, 主要不合格项目, 承检机构, 备注; failed items "
          "separated by '，' with trailing '*'), as checked by public importer code that asserts this exact header; "
          "the 2023 list has the same columns (mirrored by 山丹县 at https://www.shandan.gov.cn/zfxxgk/fdzdgknr/"
          "ssjygkhjdjc_5883/202310/P020231020329120054720.xlsx, 备注 '涉嫌假冒', '复检仍不合格')"),
    file_name="20250407_2024年产品质量国家监督抽查不合格产品及企业名单.xlsx",
    sheets=[Sheet(name="Sheet1", merges=["A1:K1", "A2:K2"], rows=[
        ["附件", "", "", "", "", "", "", "", "", "", ""],
        ["2024年产品质量国家监督抽查不合格产品及企业名单", "", "", "", "", "", "", "", "", "", ""],
        SAMR_2024_HEADER,
        [1, "电热水壶", "西安市雁塔区惠众家电商行", "佛山市顺德区美厨电器有限公司", "广东省佛山市", "电热水壶",
         "MC-1516 1500W 1.7L", "2024-05-12", "输入功率和电流，发热*，泄漏电流和电气强度*", "陕西省产品质量监督检验研究院", ""],
        [2, "电动自行车", "陕西骏驰车业有限公司", "陕西骏驰车业有限公司", "陕西省咸阳市", "电动自行车", "TDT2312Z 48V",
         "2024-06", "整车质量*，电动机功率", "国家电动自行车产品质量检验检测中心", ""],
        [3, "插头插座", "宝鸡市渭滨区鑫源五金店", "浙江欧瑞电器有限公司", "浙江省温州市", "移动式插座",
         "10A 250V~ 4位 1.8m", "2024-02-20", "插头尺寸*，防触电保护*", "浙江省产品质量安全科学研究院", "涉嫌假冒"],
        [4, "儿童及婴幼儿服装", "西安童悦服饰有限公司", "西安童悦服饰有限公司", "陕西省西安市", "婴幼儿连体衣",
         "73/48", "2024-03-18", "绳带要求*，纤维含量", "国家纺织服装产品质量检验检测中心", "复检仍不合格"],
        [5, "室内加热器", "慈溪市暖阳电器有限公司", "慈溪市暖阳电器有限公司", "浙江省宁波市", "油汀式电暖器",
         "NY-2209 2200W", "2024-08-20", "标志和说明，发热*", "浙江省产品质量安全科学研究院", ""],
    ])],
    expect=[
        {"manufacturer_name": "佛山市顺德区美厨电器有限公司", "product_name": "电热水壶", "verdict": "不合格",
         "failed_items": "输入功率和电流；发热；泄漏电流和电气强度", "sampling_date": "2025-04-07",
         "sampling_stage": "流通", "product_category": "P0201"},
        {"manufacturer_name": "陕西骏驰车业有限公司", "product_name": "电动自行车", "verdict": "不合格",
         "failed_items": "整车质量；电动机功率", "region_code": "610400", "sampling_date": "2025-04-07",
         "sampling_stage": "生产", "product_category": "P0301"},
        {"manufacturer_name": "浙江欧瑞电器有限公司", "product_name": "移动式插座", "verdict": "不合格",
         "failed_items": "插头尺寸；防触电保护", "sampling_date": "2025-04-07", "sampling_stage": "流通",
         "product_category": "P1101", "counterfeit": True},
        {"manufacturer_name": "西安童悦服饰有限公司", "product_name": "婴幼儿连体衣", "verdict": "不合格",
         "failed_items": "绳带要求；纤维含量", "region_code": "610100", "sampling_date": "2025-04-07",
         "sampling_stage": "生产", "product_category": "P1001"},
        {"manufacturer_name": "慈溪市暖阳电器有限公司", "product_name": "油汀式电暖器", "verdict": "不合格",
         "failed_items": "标志和说明；发热", "region_code": "330000", "sampling_date": "2025-04-07",
         "sampling_stage": "生产", "product_category": "P0202"},
    ],
    notes=("Title rows '附件' and the list's name above the header (row 3). The list's meaning (不合格) is only in "
           "the title; there is no verdict column. No sampling date anywhere: the announcement date (2025-04-07) "
           "is in the file name, as a forwarding bureau saves the attachment. 标称生产单位 (not …名称) is the maker, "
           "受检单位 the sampled unit: a 商行/五金店 means 流通, the maker itself means 生产. '*' marks safety items. "
           "备注 '涉嫌假冒' = counterfeit (the maker named denies it); '复检仍不合格' is only a remark. Rows 1 and 3: "
           "maker and sampled unit in different places, so no region is expected. Values are fictional; the header "
           "is the real one."),
)

# --------------------------------------------------------------------------------------------------
# 2. SAMR national list, 2025 form (12 columns: 电商平台 added, '标称生产 单位所在地' broken in two)
# --------------------------------------------------------------------------------------------------
samr_2025 = Case(
    name="inspection-samr-2025-national-platform",
    source="inspection",
    cite=("SAMR 2025年产品质量国家监督抽查 不合格产品及企业名单, "
          "https://www.samr.gov.cn/zw/zfxxgk/fdzdgknr/zljds/art/2026/art_2edd988c928c47ff92cdaa2941bbe013.html, "
          "attachment https://www.samr.gov.cn/cms_files/filemanager/1647978232/attach/20261/"
          "5ced9b6ecebe48d1a6842dad0bbc6873.xlsx (Sheet1, header row 3: 序号, 产品种类, 受检单位, 标称生产单位, "
          "'标称生产 单位所在地', 产品名称, 规格型号, 生产日期/批号, 主要不合格项目, 承检机构, 电商平台, 备注; "
          "备注 '假冒'), as asserted by public importer code reading that file"),
    file_name="产品质量国家监督抽查不合格产品及企业名单（2025年8月）.xlsx",
    sheets=[Sheet(name="Sheet1", merges=["A1:L1", "A2:L2"], rows=[
        ["附件", "", "", "", "", "", "", "", "", "", "", ""],
        ["产品质量国家监督抽查不合格产品及企业名单（2025年8月）", "", "", "", "", "", "", "", "", "", "", ""],
        ["序号", "产品种类", "受检单位", "标称生产单位", "标称生产\n单位所在地", "产品名称", "规格型号", "生产日期/批号",
         "主要不合格项目", "承检机构", "电商平台", "备注"],
        [1, "电吹风", "深圳市蓝风电子商务有限公司", "中山市劲风电器有限公司", "广东省中山市", "电吹风", "RCY-6608 1800W",
         "2025-03-02", "非正常工作*，输入功率和电流", "广东产品质量监督检验研究院", "京东", ""],
        [2, "移动电源", "西安市未央区云尚数码店", "东莞市极速能源科技有限公司", "广东省东莞市", "移动电源",
         "20000mAh 5V⎓2A", "2025-01", "充电*，标志", "深圳市计量质量检测研究院", "拼多多", ""],
        [3, "电热毯", "陕西暖康电器有限公司", "陕西暖康电器有限公司", "陕西省渭南市", "电热毯", "150cm×80cm 60W",
         "2025-02-16", "发热*，结构*", "陕西省产品质量监督检验研究院", "/", ""],
        [4, "电动自行车用充电器", "汉中市汉台区恒通电动车行", "天津市金鹿电子有限公司", "天津市", "电动自行车充电器",
         "48V 2.5A", "2024-11-05", "输出电压*，温升*", "国家电动自行车产品质量检验检测中心", "/", "假冒"],
        [5, "家用燃气灶具", "宝鸡市金台区旺福厨具商行", "宝鸡市美厨燃气具有限公司", "陕西省宝鸡市", "嵌入式燃气灶",
         "JZT-2-M06 天然气", "2025-01-08", "熄火保护装置*", "国家燃气用具质量检验检测中心", "/", ""],
    ])],
    # The file dates its list by the month only: signals need the week, so a correct reading quarantines every row
    # with that reason (docs/ingest.md, "Derive, never demand"); what the rows would otherwise say is kept below.
    quarantined=5,
    expect=[],
    notes_expected_if_dated=[
        {"manufacturer_name": "中山市劲风电器有限公司", "product_name": "电吹风", "verdict": "不合格",
         "failed_items": "非正常工作；输入功率和电流", "region_code": "440000", "sampling_stage": "电商",
         "product_category": "P0204"},
        {"manufacturer_name": "东莞市极速能源科技有限公司", "product_name": "移动电源", "verdict": "不合格",
         "failed_items": "充电；标志", "sampling_stage": "电商", "product_category": "P0402"},
        {"manufacturer_name": "陕西暖康电器有限公司", "product_name": "电热毯", "verdict": "不合格",
         "failed_items": "发热；结构", "region_code": "610500", "sampling_stage": "生产", "product_category": "P0203"},
        {"manufacturer_name": "天津市金鹿电子有限公司", "product_name": "电动自行车充电器", "verdict": "不合格",
         "failed_items": "输出电压；温升", "sampling_stage": "流通", "product_category": "P0402",
         "counterfeit": True},
        {"manufacturer_name": "宝鸡市美厨燃气具有限公司", "product_name": "嵌入式燃气灶", "verdict": "不合格",
         "failed_items": "熄火保护装置", "sampling_stage": "流通", "product_category": "P0701"},
    ],
    notes=("12-column 2025 form: 电商平台 between 承检机构 and 备注 ('/' when sampled offline); the header cell "
           "'标称生产\\n单位所在地' is broken across lines. The only date is the month in the title（2025年8月）: no "
           "day is given anywhere, so no sampling_date is expected (a reading must not take 生产日期/批号, a "
           "production date). A filled 电商平台 means 电商 whatever the 受检单位 is. Row 1: the shop operator and the "
           "maker are both in 广东, so 440000. 备注 '假冒' = counterfeit. Rows 2, 4, 5: the sampled unit and the maker "
           "are in different places (row 5: 金台区 vs the city), so no region is expected. Values are fictional."),
)

# --------------------------------------------------------------------------------------------------
# 3. Shaanxi provincial 不合格 list (陕西省市场监督管理局 form: 抽查企业名称 + 标称生产企业名称/所在地, 承检单位)
# --------------------------------------------------------------------------------------------------
shaanxi_provincial = Case(
    name="inspection-shaanxi-provincial-failed",
    source="inspection",
    cite=("陕西省市场监督管理局《关于公布2020年塑料购物袋等8种产品质量专项监督抽查结果的通告》(2021-02-18), table "
          "'非医用口罩不合格产品及其企业名单' as reproduced by 中国质量新闻网 "
          "(www.cqn.com.cn/ms/content/2021-02/20/content_8667766.htm, seen via its mirror "
          "http://www.hzweihu.com/ms/content/2021-02/20/content_8667766.htm): 序号, 产品名称, 生产日期或批号 "
          "(broken across two lines), 抽查企业名称, 标称生产企业名称, 标称生产企业所在地, 商标, 规格型号, 不合格项, 承检单位"),
    file_name="2025-07-18_陕西省2025年第二批产品质量省级监督抽查不合格产品及企业名单.xlsx",
    sheets=[Sheet(name="不合格产品", merges=["A1:J1", "A2:J2"], rows=[
        ["附件1", "", "", "", "", "", "", "", "", ""],
        ["2025年第二批产品质量省级监督抽查不合格产品及企业名单", "", "", "", "", "", "", "", "", ""],
        ["序号", "产品名称", "生产日期\n或批号", "抽查企业名称", "标称生产企业名称", "标称生产企业所在地", "商标", "规格型号",
         "不合格项", "承检单位"],
        [1, "固定式通用灯具", "2025-03", "西安市莲湖区明亮灯饰商行", "中山市古镇光耀照明电器厂", "广东省中山市", "光耀",
         "XD-3021 LED 24W", "谐波电流限值、防触电保护", "陕西省产品质量监督检验研究院"],
        [2, "家用燃气灶", "2025-02-10", "咸阳市秦都区好家居厨卫店", "咸阳顺火燃气具有限公司", "陕西省咸阳市秦都区", "顺火",
         "JZT-2-B01 天然气", "熄火保护装置、热负荷准确度", "陕西省产品质量监督检验研究院"],
        [3, "燃气用不锈钢波纹软管", "20250120", "渭南市临渭区安居五金建材店", "渭南通达管业有限公司", "陕西省渭南市临渭区",
         "通达", "DN10 1.5m", "耐冲击性", "西安市产品质量监督检验院"],
        [4, "电动自行车乘员头盔", "2025-04-02", "榆林市安驰头盔制造有限公司", "榆林市安驰头盔制造有限公司",
         "陕西省榆林市榆阳区", "安驰", "L码 57-60cm", "佩戴装置强度、吸收碰撞能量性能", "榆林市质量技术检验检测中心"],
    ])],
    expect=[
        {"manufacturer_name": "中山市古镇光耀照明电器厂", "product_name": "固定式通用灯具", "verdict": "不合格",
         "failed_items": "谐波电流限值；防触电保护", "sampling_date": "2025-07-18", "sampling_stage": "流通"},
        {"manufacturer_name": "咸阳顺火燃气具有限公司", "product_name": "家用燃气灶", "verdict": "不合格",
         "failed_items": "熄火保护装置；热负荷准确度", "region_code": "610402", "sampling_date": "2025-07-18",
         "sampling_stage": "流通", "product_category": "P0701"},
        {"manufacturer_name": "渭南通达管业有限公司", "product_name": "燃气用不锈钢波纹软管", "verdict": "不合格",
         "failed_items": "耐冲击性", "region_code": "610502", "sampling_date": "2025-07-18", "sampling_stage": "流通"},
        {"manufacturer_name": "榆林市安驰头盔制造有限公司", "product_name": "电动自行车乘员头盔", "verdict": "不合格",
         "failed_items": "佩戴装置强度；吸收碰撞能量性能", "region_code": "610802", "sampling_date": "2025-07-18",
         "sampling_stage": "生产"},
    ],
    notes=("Shaanxi's own column names: 抽查企业名称 is the sampled unit (a shop → 流通, the maker itself → 生产), "
           "标称生产企业名称 the maker; 不合格项 (not 不合格项目) with items separated by '、'; 承检单位 (not 承检机构); "
           "'生产日期\\n或批号' broken across two lines and must not become the sampling date. The list's meaning is in "
           "the title; the publication date is in the file name. Column order reconstructed from the 2021 notice "
           "with 2025 products (灯具, 燃气灶, 波纹软管, 头盔 — the products of Shaanxi's 2024-2025 provincial "
           "spot checks); values fictional."),
)

# --------------------------------------------------------------------------------------------------
# 4. Jilin provincial result list: every sample, 抽查结果 合格/不合格, no 承检机构, 批号 and 生产日期 apart
# --------------------------------------------------------------------------------------------------
jilin = Case(
    name="inspection-jilin-provincial-results",
    source="inspection",
    cite=("吉林省市场监督管理局 2024年吉林省车用油品产品质量专项监督抽查结果汇总表, "
          "https://scjg.jl.gov.cn/jianguan/zlcc/202501/t20250113_9032819.html (attachment "
          "https://scjg.jl.gov.cn/jianguan/zlcc/202501/P020250113350321815316.pdf): columns 序号, 产品名称, 规格型号, "
          "批号, 生产日期, 标称商标, 受检单位名称, 标称生产单位名称, 抽查结果, 不合格项目 (2025 list: without 批号), "
          "as asserted by public importer code reading those files"),
    file_name="2024年吉林省车用油品产品质量专项监督抽查结果汇总表.xlsx",
    sheets=[Sheet(name="Sheet1", merges=["A1:J1"], rows=[
        ["2024年吉林省车用油品产品质量专项监督抽查结果汇总表", "", "", "", "", "", "", "", "", ""],
        ["序号", "产品名称", "规格型号", "批号", "生产日期", "标称商标", "受检单位名称", "标称生产单位名称", "抽查结果",
         "不合格项目"],
        [1, "长效防冻冷却液", "LEC-Ⅱ-35 2kg/桶", "20240512", "2024-05-12", "北驰", "长春市朝阳区车友汽车用品商店",
         "吉林省北驰石化有限公司", "合格", "/"],
        [2, "合成制动液", "HZY4 800g/瓶", "B240318", "2024-03-18", "松原", "吉林省松原润滑油有限公司",
         "吉林省松原润滑油有限公司", "不合格", "平衡回流沸点、运动黏度"],
        [3, "柴油机油", "CH-4 15W-40 4L", "240601", "2024-06-01", "长白", "吉林市船营区长白汽配商行",
         "长春长白石化有限公司", "合格", "/"],
        [4, "汽车风窗玻璃清洗液", "-30℃ 2L/瓶", "/", "2024-09-10", "延河", "四平市铁西区洁达汽车用品店",
         "陕西延河石化有限公司", "不合格", "冰点"],
        [5, "车用尿素水溶液", "AUS 32 10kg/桶", "U2407", "2024-07-20", "净途", "吉林省净途环保科技有限公司",
         "吉林省净途环保科技有限公司", "合格", "/"],
        [6, "汽油清净剂", "60mL/瓶", "Q2405", "2024-05-30", "驰力", "长春市二道区驰力汽配店", "吉林省驰力化工有限公司",
         "合格", "/"],
    ])],
    # Dated by the year only (the publication day is on the web page): every row quarantined, signals need the week.
    quarantined=6,
    expect=[],
    notes_expected_if_dated=[
        {"manufacturer_name": "吉林省北驰石化有限公司", "product_name": "长效防冻冷却液", "verdict": "合格",
         "region_code": "220000", "sampling_stage": "流通"},
        {"manufacturer_name": "吉林省松原润滑油有限公司", "product_name": "合成制动液", "verdict": "不合格",
         "failed_items": "平衡回流沸点；运动黏度", "region_code": "220000", "sampling_stage": "生产"},
        {"manufacturer_name": "长春长白石化有限公司", "product_name": "柴油机油", "verdict": "合格",
         "region_code": "220000", "sampling_stage": "流通"},
        {"manufacturer_name": "陕西延河石化有限公司", "product_name": "汽车风窗玻璃清洗液", "verdict": "不合格",
         "failed_items": "冰点", "sampling_stage": "流通"},
        {"manufacturer_name": "吉林省净途环保科技有限公司", "product_name": "车用尿素水溶液", "verdict": "合格",
         "region_code": "220000", "sampling_stage": "生产"},
        {"manufacturer_name": "吉林省驰力化工有限公司", "product_name": "汽油清净剂", "verdict": "合格",
         "region_code": "220000", "sampling_stage": "流通"},
    ],
    notes=("Another province's form: all samples in one table, the verdict in 抽查结果 (合格/不合格), '/' for no "
           "failed item, no 承检机构 column at all, no place column (places only in the unit and maker names). "
           "批号 and 生产日期 are production data; the title gives only the year and the publication date "
           "(2025-01-13) is on the web page, not in the file, so no sampling_date is expected. Row 4: a Shaanxi "
           "maker sampled in 吉林 (no region expected). Published as PDF; rendered here as the XLSX a bureau "
           "re-keys it into. Values fictional."),
)

# --------------------------------------------------------------------------------------------------
# 5. City bureau: one failed item per row, the sample's cells merged over its rows
# --------------------------------------------------------------------------------------------------
xian_city = Case(
    name="inspection-xian-city-item-per-row",
    source="inspection",
    cite=("Layout of cqn.com.cn result tables where a sample failing several items spans several rows with its "
          "cells merged (rowspan), each row carrying one 不合格项目 with its 检验结果 and 标准值, as parsed by "
          "github.com/TengTengCai/ChinaQualityNews ChinaQualityNews/spiders/cqn.py (reads td/@rowspan) and shown in "
          "its 样例数据.csv (红薯淀粉: 菌落总数 and 大肠菌群 on two rows of one sample); reconstructed here for a "
          "city bureau's 工业产品 list"),
    file_name="西安市2025年电动自行车及充电器电池产品质量市级监督抽查不合格产品信息.xlsx",
    sheets=[Sheet(name="Sheet1", merges=[
        "A1:L1", "A2:L2",
        "A4:A6", "B4:B6", "C4:C6", "D4:D6", "E4:E6", "F4:F6", "G4:G6", "H4:H6", "L4:L6",
        "A8:A9", "B8:B9", "C8:C9", "D8:D9", "E8:E9", "F8:F9", "G8:G9", "H8:H9", "L8:L9",
    ], rows=[
        ["西安市市场监督管理局2025年电动自行车及充电器电池产品质量市级监督抽查不合格产品信息", "", "", "", "", "", "", "",
         "", "", "", ""],
        ["公布日期：2025年9月16日", "", "", "", "", "", "", "", "", "", "", ""],
        ["序号", "受检单位", "受检单位地址", "标称生产单位", "产品名称", "商标", "规格型号", "生产日期/批号", "不合格项目",
         "检验结果", "标准要求", "承检机构"],
        [1, "西安市长安区飞驰电动车销售部", "西安市长安区韦曲街道青年街112号", "天津市富达车业有限公司", "电动自行车",
         "富达", "TDT1088Z 48V12Ah", "2025-04", "最高车速", "28.6km/h", "≤25km/h", "西安市产品质量监督检验院"],
        ["", "", "", "", "", "", "", "", "整车质量", "63.2kg", "≤55kg", ""],
        ["", "", "", "", "", "", "", "", "脚踏行驶能力", "5.2km", "≥7km", ""],
        [2, "西安金马电动车有限公司", "西安市高陵区泾河工业园北区8号", "西安金马电动车有限公司", "电动自行车充电器", "金马",
         "48V 2A", "2025-05-06", "输出电流", "2.46A", "2A±5%", "西安市产品质量监督检验院"],
        [3, "西安市雁塔区安骑电动车商行", "西安市雁塔区电子正街36号", "无锡市锂源电池科技有限公司",
         "电动自行车用锂离子蓄电池", "锂源", "48V 20Ah", "2025-03-15", "过充电保护", "起火", "不起火、不爆炸",
         "西安市产品质量监督检验院"],
        ["", "", "", "", "", "", "", "", "外部短路", "冒烟、起火", "不起火、不爆炸", ""],
    ])],
    expect=[
        {"manufacturer_name": "天津市富达车业有限公司", "product_name": "电动自行车", "verdict": "不合格",
         "failed_items": "最高车速；整车质量；脚踏行驶能力", "sampling_date": "2025-09-16", "sampling_stage": "流通",
         "product_category": "P0301"},
        {"manufacturer_name": "西安金马电动车有限公司", "product_name": "电动自行车充电器", "verdict": "不合格",
         "failed_items": "输出电流", "region_code": "610117", "sampling_date": "2025-09-16",
         "sampling_stage": "生产", "product_category": "P0402"},
        {"manufacturer_name": "无锡市锂源电池科技有限公司", "product_name": "电动自行车用锂离子蓄电池", "verdict": "不合格",
         "failed_items": "过充电保护；外部短路", "sampling_date": "2025-09-16", "sampling_stage": "流通",
         "product_category": "P0401"},
    ],
    notes=("One failed item per row: sample 1 spans rows 4-6 and sample 3 rows 8-9 with 序号, unit, maker, product, "
           "model, date and 承检机构 merged (openpyxl leaves the merged-away cells empty); the rows must fold into "
           "one record per sample (3 records, not 6), items in row order. 检验结果/标准要求 are text, not numbers. "
           "The date is the 公布日期 line under the title. Reconstructed layout (merged-cell practice from cqn.com.cn "
           "tables); values fictional."),
)

# --------------------------------------------------------------------------------------------------
# 6. County notice (区/县 bureau: 受检单位 first, 生产单位, 不合格情况, 备注; signature and date below the table)
# --------------------------------------------------------------------------------------------------
county = Case(
    name="inspection-zhouzhi-county-notice",
    source="inspection",
    cite=("District-level notice layout of 重庆市綦江区市场监管局 2021年成品油等11种产品监督抽查情况 (2022-06-21) as "
          "reproduced by 中国质量新闻网 (www.cqn.com.cn/ms/content/2022-06/22/content_8835316.htm, seen via its mirror "
          "http://binuoshi.com/ms/content/2022-06/22/content_8835316.htm): '抽查不合格产品信息' with 序号, 受检单位, "
          "产品名称, 生产单位, 规格型号, 生产日期/批货号, 不合格情况, 备注; items like '厚度和厚度偏差、拉伸负荷'"),
    file_name="周至县市场监督管理局2025年流通领域工业产品质量监督抽查不合格产品信息.xlsx",
    sheets=[Sheet(name="Sheet1", merges=["A1:H1", "A2:H2"], rows=[
        ["周至县市场监督管理局关于2025年流通领域工业产品质量监督抽查情况的通告", "", "", "", "", "", "", ""],
        ["抽查不合格产品信息", "", "", "", "", "", "", ""],
        ["序号", "受检单位", "产品名称", "生产单位", "规格型号", "生产日期/批货号", "不合格情况", "备注"],
        [1, "周至县二曲街道惠民超市", "塑料购物袋", "陕西绿源塑业有限公司", "40cm×60cm×0.025mm", "/",
         "厚度和厚度偏差、拉伸负荷", ""],
        [2, "周至县楼观镇利民五金店", "移动式插座", "乐清市恒通电器有限公司", "10A 250V 3位 1.5m", "2024-12-01",
         "插头尺寸、防触电保护", ""],
        [3, "周至县哑柏镇家家乐商店", "不锈钢电热水壶", "中山市东凤镇美雅电器厂", "1.8L 1500W", "2025-01-16",
         "发热、泄漏电流和电气强度", ""],
        [4, "周至县九峰镇童乐玩具店", "塑料玩具车", "汕头市澄海区乐童玩具厂", "LT-808", "/", "小零件、锐利边缘", ""],
        ["注：对上述不合格产品，县局已依法责令受检单位停止销售并依法处理。", "", "", "", "", "", "", ""],
        ["", "", "", "", "", "", "周至县市场监督管理局", ""],
        ["", "", "", "", "", "", "2025年6月20日", ""],
    ])],
    expect=[
        {"manufacturer_name": "陕西绿源塑业有限公司", "product_name": "塑料购物袋", "verdict": "不合格",
         "failed_items": "厚度和厚度偏差；拉伸负荷", "region_code": "610124", "sampling_date": "2025-06-20",
         "sampling_stage": "流通"},
        {"manufacturer_name": "乐清市恒通电器有限公司", "product_name": "移动式插座", "verdict": "不合格",
         "failed_items": "插头尺寸；防触电保护", "sampling_date": "2025-06-20", "sampling_stage": "流通",
         "product_category": "P1101"},
        {"manufacturer_name": "中山市东凤镇美雅电器厂", "product_name": "不锈钢电热水壶", "verdict": "不合格",
         "failed_items": "发热；泄漏电流和电气强度", "sampling_date": "2025-06-20", "sampling_stage": "流通",
         "product_category": "P0201"},
        {"manufacturer_name": "汕头市澄海区乐童玩具厂", "product_name": "塑料玩具车", "verdict": "不合格",
         "failed_items": "小零件；锐利边缘", "sampling_date": "2025-06-20", "sampling_stage": "流通",
         "product_category": "P0101"},
    ],
    quarantined=0,
    notes=("A county notice pasted into a sheet: the notice title and '抽查不合格产品信息' above the header; the "
           "verdict column is 不合格情况 (not 不合格项目); 生产单位 is the maker, 受检单位 the shop (流通). The date "
           "is the notice's signature date BELOW the table, after a '注：' line and the bureau's name — none of these "
           "three rows is a record. Row 1: the maker names no place below the province, the shop is in 周至县 → "
           "610124; rows 2-4 have makers elsewhere (no region expected). Values fictional."),
)

# --------------------------------------------------------------------------------------------------
# 7. Two-row header: 生产企业 merged over 名称 / 地址 / 所在地, 被抽样单位 over 名称 / 地址; all samples, 检验结论
# --------------------------------------------------------------------------------------------------
baoji_two_row = Case(
    name="inspection-baoji-two-row-header",
    source="inspection",
    cite=("Two-level header of published result tables, a group cell over 名称/地址 sub-headers (e.g. "
          "'标称生产企业/进货来源' over 名称 and 地址 in SAMR tables on cqn.com.cn, the fields company_name/"
          "company_address of github.com/TengTengCai/ChinaQualityNews ChinaQualityNews/items.py); reconstructed "
          "here for a city bureau's 工业产品 result table — no public inspection file with this exact header was found"),
    file_name="宝鸡市2025年产品质量市级监督抽查结果.xlsx",
    sheets=[Sheet(name="抽查结果", merges=[
        "A1:L1", "A2:L2",
        "A3:A4", "B3:B4", "C3:E3", "F3:G3", "H3:H4", "I3:I4", "J3:J4", "K3:K4", "L3:L4",
    ], rows=[
        ["宝鸡市2025年产品质量市级监督抽查结果", "", "", "", "", "", "", "", "", "", "", ""],
        ["公布日期：2025年6月12日", "", "", "", "", "", "", "", "", "", "", ""],
        ["序号", "产品名称", "生产企业", "", "", "被抽样单位", "", "规格型号", "生产日期/批号", "检验结论", "不合格项目",
         "检验机构"],
        ["", "", "名称", "地址", "所在地", "名称", "地址", "", "", "", "", ""],
        [1, "聚氯乙烯绝缘电缆", "宝鸡秦川电缆有限公司", "宝鸡市陈仓区虢镇工业园8号", "宝鸡市陈仓区", "宝鸡秦川电缆有限公司",
         "宝鸡市陈仓区虢镇工业园8号", "BV 450/750V 2.5mm²", "2025-03-11", "合格", "/", "宝鸡市产品质量检验检测中心"],
        [2, "家用燃气灶", "宝鸡旺火燃气具有限公司", "宝鸡市渭滨区高新大道66号", "宝鸡市渭滨区", "宝鸡旺火燃气具有限公司",
         "宝鸡市渭滨区高新大道66号", "JZT-2-W08 天然气", "2025-02-26", "不合格", "熄火保护装置，燃气导管",
         "宝鸡市产品质量检验检测中心"],
        [3, "电热毯", "岐山县暖阳电器厂", "宝鸡市岐山县蔡家坡镇东街21号", "宝鸡市岐山县", "岐山县暖阳电器厂",
         "宝鸡市岐山县蔡家坡镇东街21号", "150cm×70cm 55W", "2025-01-09", "合格", "/", "宝鸡市产品质量检验检测中心"],
        [4, "儿童针织套装", "宝鸡凤鸣服饰有限公司", "宝鸡市凤翔区城关镇西大街9号", "宝鸡市凤翔区", "宝鸡凤鸣服饰有限公司",
         "宝鸡市凤翔区城关镇西大街9号", "110/56", "2025-03-02", "合格", "/", "宝鸡市产品质量检验检测中心"],
        [5, "插线板", "宝鸡市金台区鸿运电器厂", "宝鸡市金台区陈仓路17号", "宝鸡市金台区", "宝鸡市金台区恒达五金店",
         "宝鸡市金台区中山东路102号", "10A 250V~ 5位 3m", "2025-02-14", "不合格", "插头尺寸，防触电保护",
         "宝鸡市产品质量检验检测中心"],
    ])],
    expect=[
        {"manufacturer_name": "宝鸡秦川电缆有限公司", "product_name": "聚氯乙烯绝缘电缆", "verdict": "合格",
         "region_code": "610304", "sampling_date": "2025-06-12", "sampling_stage": "生产", "product_category": "P1102"},
        {"manufacturer_name": "宝鸡旺火燃气具有限公司", "product_name": "家用燃气灶", "verdict": "不合格",
         "failed_items": "熄火保护装置；燃气导管", "region_code": "610302", "sampling_date": "2025-06-12",
         "sampling_stage": "生产", "product_category": "P0701"},
        {"manufacturer_name": "岐山县暖阳电器厂", "product_name": "电热毯", "verdict": "合格", "region_code": "610323",
         "sampling_date": "2025-06-12", "sampling_stage": "生产", "product_category": "P0203"},
        {"manufacturer_name": "宝鸡凤鸣服饰有限公司", "product_name": "儿童针织套装", "verdict": "合格",
         "region_code": "610305", "sampling_date": "2025-06-12", "sampling_stage": "生产", "product_category": "P1001"},
        {"manufacturer_name": "宝鸡市金台区鸿运电器厂", "product_name": "插线板", "verdict": "不合格",
         "failed_items": "插头尺寸；防触电保护", "region_code": "610303", "sampling_date": "2025-06-12",
         "sampling_stage": "流通", "product_category": "P1101"},
    ],
    notes=("Two header rows: '生产企业' merged over 名称/地址/所在地 and '被抽样单位' over 名称/地址, the single "
           "columns merged vertically over both rows. '名称' appears twice: the maker's 名称 is the one under 生产企业, "
           "never the sampled unit's. A mixed list (检验结论 合格/不合格). The date is the 公布日期 line. Row 5: a "
           "hardware shop sampled a maker in the same 区 (both 金台区). Reconstructed layout; values fictional."),
)

# --------------------------------------------------------------------------------------------------
# 8. P/F verdicts with the template's notes below (浙江 监督抽查结果汇总表)
# --------------------------------------------------------------------------------------------------
zhejiang_pf = Case(
    name="inspection-zhejiang-pf-summary",
    source="inspection",
    cite=("浙江省质量技术监督局 2017年烧结砖产品监督抽查结果汇总表 as published by 湖州市 and reproduced at "
          "http://www.cqn.com.cn/ms/content/2017-07/10/content_4545450.htm: '发布时间：2017年6月', header 序号, 产品名称, "
          "规格型号, 生产日期 或批号, 生产企业名称, 监督 抽查 时间, 检验 结论, 不合格项目; 检验结论 'P'/'F' and the "
          "template's 注 1-4 below the table ('检验结论为“符合监督检查要求”的,以字母“P”表示,…“不合格”的,以字母“F”表示')"),
    file_name="2025年电线电缆产品监督抽查结果汇总表.xlsx",
    sheets=[Sheet(name="Sheet1", merges=["A1:H1", "A2:H2", "A9:H9", "A10:H10", "A11:H11", "A12:H12"], rows=[
        ["2025年电线电缆产品监督抽查结果汇总表", "", "", "", "", "", "", ""],
        ["发布时间：2025年6月", "", "", "", "", "", "", ""],
        ["序号", "产品名称", "规格型号", "生产日期\n或批号", "生产企业名称", "监督\n抽查\n时间", "检验\n结论", "不合格项目"],
        [1, "聚氯乙烯绝缘无护套电缆电线", "BV 450/750V 1×2.5mm²", "2025-04-08", "湖州永兴线缆有限公司", "2025-04-21", "P", "/"],
        [2, "聚氯乙烯绝缘软电缆电线", "RV 300/500V 1×1.5mm²", "2025-04-02", "湖州德清华鑫电线厂", "2025-04-21", "F",
         "导体电阻，绝缘厚度"],
        [3, "聚氯乙烯绝缘聚氯乙烯护套电缆", "BVV 300/500V 2×1.5mm²", "2025-03-28", "长兴县恒远电缆有限公司", "2025-04-22",
         "P", "/"],
        [4, "铜芯聚氯乙烯绝缘电线", "BV 450/750V 1×4mm²", "2025-04-11", "安吉县天力电线电缆厂", "2025-04-23", "F",
         "导体电阻"],
        [5, "聚氯乙烯绝缘无护套电缆电线", "BV 450/750V 1×6mm²", "2025-04-15", "湖州南浔金桥线缆有限公司", "2025-04-23",
         "P", "/"],
        ["注：1.本表格内容应根据监督抽查信息如实填写，无此项内容的，则以“/”标示；", "", "", "", "", "", "", ""],
        ["2.检验结论分为两种：检验结论为“符合监督检查要求”的，以字母“P”表示，检验结论为“不合格”的，以字母“F”表示；",
         "", "", "", "", "", "", ""],
        ["3.无正当理由拒绝接受监督抽查的，应在备注中注明“拒检”；", "", "", "", "", "", "", ""],
        ["4.不合格项目应细化到具体的项目名称。", "", "", "", "", "", "", ""],
    ])],
    expect=[
        {"manufacturer_name": "湖州永兴线缆有限公司", "product_name": "聚氯乙烯绝缘无护套电缆电线", "verdict": "合格",
         "region_code": "330000", "sampling_date": "2025-04-21", "product_category": "P1102"},
        {"manufacturer_name": "湖州德清华鑫电线厂", "product_name": "聚氯乙烯绝缘软电缆电线", "verdict": "不合格",
         "failed_items": "导体电阻；绝缘厚度", "region_code": "330000", "sampling_date": "2025-04-21",
         "product_category": "P1102"},
        {"manufacturer_name": "长兴县恒远电缆有限公司", "product_name": "聚氯乙烯绝缘聚氯乙烯护套电缆", "verdict": "合格",
         "region_code": "330000", "sampling_date": "2025-04-22", "product_category": "P1102"},
        {"manufacturer_name": "安吉县天力电线电缆厂", "product_name": "铜芯聚氯乙烯绝缘电线", "verdict": "不合格",
         "failed_items": "导体电阻", "region_code": "330000", "sampling_date": "2025-04-23", "product_category": "P1102"},
        {"manufacturer_name": "湖州南浔金桥线缆有限公司", "product_name": "聚氯乙烯绝缘无护套电缆电线", "verdict": "合格",
         "region_code": "330000", "sampling_date": "2025-04-23", "product_category": "P1102"},
    ],
    notes=("Verdicts are the letters P (符合监督检查要求 = 合格) and F (不合格), explained only by the 注 lines below "
           "the table, which are not records. Headers broken over lines ('监督\\n抽查\\n时间', '检验\\n结论'). Here "
           "the sampling date IS given per row (监督抽查时间); '发布时间：2025年6月' is month-only and must not "
           "override it. Places only in the maker names (湖州/德清/长兴/安吉, all 浙江 → 330000). The source's "
           "products were bricks; 电线电缆 here. Values fictional."),
)

# --------------------------------------------------------------------------------------------------
# 9. A 合格 list: all passed, only the title says so (no verdict column, no failed-item column)
# --------------------------------------------------------------------------------------------------
pass_list = Case(
    name="inspection-shaanxi-pass-list",
    source="inspection",
    cite=("Provincial announcements publishing separate 合格 and 不合格 attachments, e.g. 内蒙古自治区质量技术监督局 "
          "'2014年第四季度产品质量监督抽查合格产品批次及企业名单.xls' / '…不合格产品批次及企业名单.xls' "
          "(www.cqn.com.cn/ms/content/2015-02/04/content_2406314.htm, seen via mirror "
          "http://www.sh1j2.com/ms/content/2015-02/04/content_2406314.htm) and 四川省市场监督管理局 附件1 "
          "'2022年上半年…产品质量省级监督抽查合格產品及企業名單.xls' (reported 2023-04-23 by 中国质量新闻网); columns "
          "reconstructed in Shaanxi's provincial form"),
    file_name="附件2：2025年第一批产品质量省级监督抽查合格产品及企业名单.xlsx",
    sheets=[Sheet(name="Sheet1", merges=["A1:H1", "A2:H2", "A3:H3"], rows=[
        ["附件2", "", "", "", "", "", "", ""],
        ["2025年第一批产品质量省级监督抽查合格产品及企业名单", "", "", "", "", "", "", ""],
        ["（2025年5月9日）", "", "", "", "", "", "", ""],
        ["序号", "产品名称", "企业名称", "所在地", "商标", "规格型号", "生产日期/批号", "承检机构"],
        [1, "电热水壶", "西安康厨电器有限公司", "西安市高陵区", "康厨", "KC-1702 1800W 1.7L", "2025-02-18",
         "陕西省产品质量监督检验研究院"],
        [2, "电动自行车", "咸阳飞鸽车业有限公司", "咸阳市兴平市", "飞羚", "TDT3310Z", "2025-01-22",
         "陕西省产品质量监督检验研究院"],
        [3, "锂离子电池组", "安康汉江新能源科技有限公司", "安康市汉滨区", "汉能", "48V 24Ah", "2025-03-05",
         "陕西省产品质量监督检验研究院"],
        [4, "电压力锅", "汉中美味电器有限公司", "汉中市汉台区", "美味", "YL-50A 5L 900W", "2025-02-27",
         "陕西省产品质量监督检验研究院"],
    ])],
    expect=[
        {"manufacturer_name": "西安康厨电器有限公司", "product_name": "电热水壶", "verdict": "合格", "region_code": "610117",
         "sampling_date": "2025-05-09", "product_category": "P0201"},
        {"manufacturer_name": "咸阳飞鸽车业有限公司", "product_name": "电动自行车", "verdict": "合格", "region_code": "610481",
         "sampling_date": "2025-05-09", "product_category": "P0301"},
        {"manufacturer_name": "安康汉江新能源科技有限公司", "product_name": "锂离子电池组", "verdict": "合格",
         "region_code": "610902", "sampling_date": "2025-05-09", "product_category": "P0401"},
        {"manufacturer_name": "汉中美味电器有限公司", "product_name": "电压力锅", "verdict": "合格", "region_code": "610702",
         "sampling_date": "2025-05-09", "product_category": "P0205"},
    ],
    notes=("All rows passed; nothing but the title (and file name) says so: no verdict column and no failed-item "
           "column — empty failed items must not be read as 'not stated'. 企业名称 is the enterprise sampled; "
           "所在地 names the county (高陵区, 兴平市, 汉滨区, 汉台区). Date on its own line under the title. "
           "Values fictional."),
)

# --------------------------------------------------------------------------------------------------
# 10. One workbook, two sheets: the list's meaning only in the sheet names
# --------------------------------------------------------------------------------------------------
SHEETS_HEADER = ["序号", "产品名称", "标称生产企业", "企业所在地", "被抽查单位", "规格型号", "生产日期/批号", "承检机构"]
sheets_meaning = Case(
    name="inspection-shaanxi-sheet-names",
    source="inspection",
    cite=("Same practice as the separate 合格/不合格 attachments of provincial announcements (内蒙古 2014 Q4, "
          "www.cqn.com.cn/ms/content/2015-02/04/content_2406314.htm via mirror "
          "http://www.sh1j2.com/ms/content/2015-02/04/content_2406314.htm), here as two sheets of one workbook "
          "named by their meaning — reconstructed"),
    file_name="2025年第三批产品质量省级监督抽查结果.xlsx",
    sheets=[
        Sheet(name="不合格产品及企业名单", merges=["A1:I1"], rows=[
            ["2025年第三批产品质量省级监督抽查结果（2025年10月28日）", "", "", "", "", "", "", "", ""],
            SHEETS_HEADER[:7] + ["主要不合格项目", "承检机构"],
            [1, "电暖器", "铜川华暖电器有限公司", "铜川市耀州区", "铜川华暖电器有限公司", "NSB-200 2000W", "2025-08-19",
             "发热，稳定性和机械危险", "陕西省产品质量监督检验研究院"],
            [2, "儿童推车", "商洛宝贝乐童车有限公司", "商洛市商州区", "商洛宝贝乐童车有限公司", "BBL-620", "2025-07-30",
             "制动装置，锁定装置", "陕西省产品质量监督检验研究院"],
        ]),
        Sheet(name="合格产品及企业名单", merges=["A1:H1"], rows=[
            ["2025年第三批产品质量省级监督抽查结果（2025年10月28日）", "", "", "", "", "", "", ""],
            SHEETS_HEADER,
            [1, "电吹风", "延安星辉电器有限公司", "延安市宝塔区", "延安星辉电器有限公司", "XH-2200 2200W", "2025-08-02",
             "陕西省产品质量监督检验研究院"],
            [2, "电热毯", "渭南温馨家纺电器有限公司", "渭南市蒲城县", "渭南温馨家纺电器有限公司", "150cm×120cm 100W",
             "2025-07-12", "陕西省产品质量监督检验研究院"],
            [3, "滑板车", "榆林乐动体育用品有限公司", "榆林市神木市", "榆林乐动体育用品有限公司", "LD-S3", "2025-06-25",
             "陕西省产品质量监督检验研究院"],
        ]),
    ],
    expect=[
        {"manufacturer_name": "铜川华暖电器有限公司", "product_name": "电暖器", "verdict": "不合格",
         "failed_items": "发热；稳定性和机械危险", "region_code": "610204", "sampling_date": "2025-10-28",
         "sampling_stage": "生产", "product_category": "P0202"},
        {"manufacturer_name": "商洛宝贝乐童车有限公司", "product_name": "儿童推车", "verdict": "不合格",
         "failed_items": "制动装置；锁定装置", "region_code": "611002", "sampling_date": "2025-10-28",
         "sampling_stage": "生产", "product_category": "P0103"},
        {"manufacturer_name": "延安星辉电器有限公司", "product_name": "电吹风", "verdict": "合格", "region_code": "610602",
         "sampling_date": "2025-10-28", "sampling_stage": "生产", "product_category": "P0204"},
        {"manufacturer_name": "渭南温馨家纺电器有限公司", "product_name": "电热毯", "verdict": "合格", "region_code": "610526",
         "sampling_date": "2025-10-28", "sampling_stage": "生产", "product_category": "P0203"},
        {"manufacturer_name": "榆林乐动体育用品有限公司", "product_name": "滑板车", "verdict": "合格", "region_code": "610881",
         "sampling_date": "2025-10-28", "sampling_stage": "生产", "product_category": "P0802"},
    ],
    notes=("Both sheets carry the same neutral title ('…抽查结果'); only the SHEET NAMES say which is the 不合格 list "
           "and which the 合格 list. The 合格 sheet has no failed-item column. A reader that takes only the first "
           "sheet loses three records; one that ignores sheet names cannot tell the verdicts. 被抽查单位 = the maker "
           "(生产). Values fictional."),
)

# --------------------------------------------------------------------------------------------------
# 11. A list whose meaning nothing states: refused
# --------------------------------------------------------------------------------------------------
unlabelled = Case(
    name="inspection-unlabelled-list-refused",
    source="inspection",
    cite=("Attachments saved from provincial announcements under their bare attachment names (e.g. '附件1', '附件2' "
          "of 四川省市场监督管理局's 2022 announcement, whose meaning — 合格 or 不合格 — is in the announcement text, "
          "reported by 中国质量新闻网 2023-04-23); a re-keyed table without its title row — reconstructed"),
    file_name="附件3.xlsx",
    sheets=[Sheet(name="Sheet1", rows=[
        ["序号", "企业名称", "所在地", "产品名称", "规格型号", "生产日期/批号", "承检机构"],
        [1, "西安华宇电器有限公司", "西安市未央区", "电热水壶", "HY-1508 1500W", "2025-03-01", "陕西省产品质量监督检验研究院"],
        [2, "宝鸡永安电线电缆有限公司", "宝鸡市陈仓区", "聚氯乙烯绝缘电缆", "BV 2.5mm²", "2025-02-12", "陕西省产品质量监督检验研究院"],
        [3, "咸阳美佳家具有限公司", "咸阳市秦都区", "衣柜", "1800×600×2200mm", "2025-01-20", "陕西省产品质量监督检验研究院"],
    ])],
    refuse="合格",
    notes=("No title, no verdict column, no failed-item column, a file name that says nothing: whether these are "
           "passed or failed samples is stated nowhere, so the file must be refused, not loaded as 合格 by default. "
           "Values fictional."),
)

# --------------------------------------------------------------------------------------------------
# 12. E-commerce (网络交易) spot-check list: shop, operator, platform, maker
# --------------------------------------------------------------------------------------------------
ecommerce = Case(
    name="inspection-shaanxi-online-ecommerce",
    source="inspection",
    cite=("陕西省市场监督管理局 网络销售口罩等商品质量抽检结果 (2020), as reported at "
          "http://m.jiangsulong.com/a/2020/0929/01359933.html: each failed item named by 店铺 (经营者) — e.g. "
          "'润之宸保健器械企业店(陕西润宸商贸有限公司)' — the brand, the platform (淘宝/1688/天猫店铺) and the failed "
          "items; and the 电商平台 column of SAMR's 2025 list (see inspection-samr-2025-national-platform). Column "
          "layout reconstructed"),
    file_name="陕西省2025年网络交易商品质量抽检不合格商品信息.xlsx",
    sheets=[Sheet(name="网购抽检不合格", merges=["A1:K1"], rows=[
        ["陕西省市场监督管理局2025年网络交易商品质量抽检不合格商品信息（2025年4月22日）", "", "", "", "", "", "", "", "",
         "", ""],
        ["序号", "商品名称", "商标", "规格型号", "生产日期/批号", "标称生产企业", "网店名称", "网店经营者", "电商平台",
         "不合格项目", "检验机构"],
        [1, "日常防护型口罩", "云杉", "175mm×95mm 10只/袋", "20250108", "西安云杉防护用品有限公司", "云杉防护旗舰店",
         "西安云杉防护用品有限公司", "天猫", "过滤效率、防护效果", "陕西省产品质量监督检验研究院"],
        [2, "儿童三轮滑板车", "酷乐", "KL-302", "2024-11", "永康市酷乐儿童用品有限公司", "酷乐童车专营店",
         "西安市雁塔区酷乐母婴用品店", "京东", "制动性能、折叠机构", "陕西省产品质量监督检验研究院"],
        [3, "负离子电吹风", "风尚", "FS-8869 2000W", "2025-01-03", "广州风尚电器有限公司", "风尚家电小店",
         "西安市碑林区风尚电器经营部", "抖音", "非正常工作、发热", "陕西省产品质量监督检验研究院"],
        [4, "自带线充电宝", "极客", "10000mAh", "2024-12-20", "深圳市极客电子有限公司", "极客数码专营店",
         "咸阳市渭城区极客数码店", "拼多多", "充电、标志", "陕西省产品质量监督检验研究院"],
    ])],
    expect=[
        {"manufacturer_name": "西安云杉防护用品有限公司", "product_name": "日常防护型口罩", "verdict": "不合格",
         "failed_items": "过滤效率；防护效果", "region_code": "610100", "sampling_date": "2025-04-22",
         "sampling_stage": "电商"},
        {"manufacturer_name": "永康市酷乐儿童用品有限公司", "product_name": "儿童三轮滑板车", "verdict": "不合格",
         "failed_items": "制动性能；折叠机构", "sampling_date": "2025-04-22", "sampling_stage": "电商",
         "product_category": "P0802"},
        {"manufacturer_name": "广州风尚电器有限公司", "product_name": "负离子电吹风", "verdict": "不合格",
         "failed_items": "非正常工作；发热", "sampling_date": "2025-04-22", "sampling_stage": "电商",
         "product_category": "P0204"},
        {"manufacturer_name": "深圳市极客电子有限公司", "product_name": "自带线充电宝", "verdict": "不合格",
         "failed_items": "充电；标志", "sampling_date": "2025-04-22", "sampling_stage": "电商",
         "product_category": "P0402"},
    ],
    notes=("Online samples: 网店名称 (a shop name, often '旗舰店'/'专营店'), 网店经营者 (the seller, a 经营部/店 — not the "
           "maker, and not 流通 despite its name), 电商平台; every row is 电商. 商品名称 (not 产品名称). Row 1: maker "
           "and operator are the same Xi'an company → 610100; other rows have makers outside Shaanxi and sellers "
           "inside (no region expected). Date in the title. Values fictional."),
)

# --------------------------------------------------------------------------------------------------
# 13. 流通领域 (retail) list: the sampled unit is a shop, the maker named separately; 样品来源 实体店/网购
# --------------------------------------------------------------------------------------------------
retail = Case(
    name="inspection-xianyang-retail-liutong",
    source="inspection",
    cite=("南京市市场监督管理局 2022年疫情防控物资产品市级专项监督抽查 table as reproduced by 中国质量新闻网 "
          "(www.cqn.com.cn/ms/content/2022-06/09/content_8830065.htm, seen via mirror "
          "http://www.hzweihu.com/ms/content/2022-06/09/content_8830065.htm): 序号, 样品名称, 规格型号, 批号, 商标, "
          "样品来源 (实体店), 电商平台 ('-'), 受检单位 (a supermarket), 生产单位, 检验结论判定类型, 不合格项目"),
    file_name="咸阳市2025年流通领域工业产品质量监督抽查结果.xlsx",
    sheets=[Sheet(name="Sheet1", merges=["A1:K1", "A2:K2"], rows=[
        ["咸阳市市场监督管理局2025年流通领域工业产品质量市级监督抽查结果", "", "", "", "", "", "", "", "", "", ""],
        ["发布时间：2025-11-05", "", "", "", "", "", "", "", "", "", ""],
        ["序号", "样品名称", "规格型号", "批号", "商标", "样品来源", "电商平台", "受检单位", "生产单位", "检验结论判定类型",
         "不合格项目"],
        [1, "儿童学步车", "XB-212", "20250416", "贝乐", "实体店", "-", "咸阳市秦都区贝乐母婴用品商店",
         "平湖市贝乐童车有限公司", "不合格", "防止跌落的措施，锁定装置"],
        [2, "电热水壶", "DK-1812 1800W", "2025-06-02", "德康", "实体店", "-", "咸阳市渭城区好又多超市",
         "咸阳德康电器有限公司", "合格", "-"],
        [3, "电暖气", "YD-2200 2200W", "2025-08-11", "御暖", "实体店", "-", "兴平市阜寨镇惠民家电门市部",
         "宁波御暖电器有限公司", "不合格", "发热，输入功率和电流"],
        [4, "液化石油气钢瓶", "YSP35.5", "2024-10", "/", "实体店", "-", "三原县城关镇安顺燃气经营部",
         "咸阳三原安顺钢瓶有限公司", "合格", "-"],
        [5, "毛绒玩具", "35cm", "2025-05-20", "萌趣", "网购", "天猫", "扬州萌趣玩具有限公司", "扬州萌趣玩具有限公司",
         "不合格", "小零件，填充物"],
    ])],
    expect=[
        {"manufacturer_name": "平湖市贝乐童车有限公司", "product_name": "儿童学步车", "verdict": "不合格",
         "failed_items": "防止跌落的措施；锁定装置", "sampling_date": "2025-11-05", "sampling_stage": "流通",
         "product_category": "P0105"},
        {"manufacturer_name": "咸阳德康电器有限公司", "product_name": "电热水壶", "verdict": "合格",
         "sampling_date": "2025-11-05", "sampling_stage": "流通", "product_category": "P0201"},
        {"manufacturer_name": "宁波御暖电器有限公司", "product_name": "电暖气", "verdict": "不合格",
         "failed_items": "发热；输入功率和电流", "sampling_date": "2025-11-05", "sampling_stage": "流通",
         "product_category": "P0202"},
        {"manufacturer_name": "咸阳三原安顺钢瓶有限公司", "product_name": "液化石油气钢瓶", "verdict": "合格",
         "region_code": "610422", "sampling_date": "2025-11-05", "sampling_stage": "流通", "product_category": "P0703"},
        {"manufacturer_name": "扬州萌趣玩具有限公司", "product_name": "毛绒玩具", "verdict": "不合格",
         "failed_items": "小零件；填充物", "region_code": "320000", "sampling_date": "2025-11-05",
         "sampling_stage": "电商", "product_category": "P0101"},
    ],
    notes=("A retail (流通) list: 受检单位 is the shop, 生产单位 the maker (never take the shop as the maker). "
           "样品来源 实体店 → 流通, 网购 (with 电商平台) → 电商. '-' means empty. Verdict in 检验结论判定类型. Row 2: "
           "shop in 渭城区 but the maker only names 咸阳 — no region expected; row 4: both in 三原县 (the maker's name "
           "says 三原) → 610422; row 5: the online seller is the maker itself in 扬州 → 320000. Values fictional."),
)

# --------------------------------------------------------------------------------------------------
# 14. LIMS export, GBK CSV, pinyin-initial column codes, one row per sample with its own id and date
# --------------------------------------------------------------------------------------------------
lims_pinyin = Case(
    name="inspection-lims-pinyin-gbk-csv",
    source="inspection",
    cite=("Pinyin-initial field codes of the market-regulation sampling systems: bcscqymc (标称生产企业名称), "
          "bcscqydz (…地址), bcydwmc (被抽样单位名称), bcydwdz, spmc, ggxh (规格型号), sb (商标), scrq (生产日期), "
          "bhgxm (不合格项目), sfhg ('0'/'1') in the JSON of https://spcjsac.gsxt.gov.cn/pjgcx/cjPubInfo/getJgcxList as "
          "read by public crawler code, and the same codes as table columns (cjbh, bcscqymc, bcydwmc, ggxh, scrq, "
          "bhgxm, ggrq …) in public Rails code storing those results; an institute's LIMS export with such columns "
          "for 产品 (cpmc) is reconstructed"),
    file_name="SXZJY_LIMS_JDCC_20250930.csv",
    encoding="gbk",
    sheets=[Sheet(rows=[
        ["YPBH", "CYRQ", "CPMC", "CPLB", "SB", "GGXH", "SCRQ", "BCSCQYMC", "BCSCQYDZ", "BCYDWMC", "BCYDWDZ", "CYHJ",
         "JYJL", "BHGXM", "JYJG"],
        ["SXJD2025-0913", "2025-08-12", "电热水壶", "家用电器", "惠厨", "HC-1711 1800W", "2025-06-20",
         "西安惠厨电器有限公司", "陕西省西安市鄠邑区草堂工业园5号", "西安惠厨电器有限公司", "陕西省西安市鄠邑区草堂工业园5号",
         "生产", "不合格", "发热;泄漏电流和电气强度", "陕西省产品质量监督检验研究院"],
        ["SXJD2025-0914", "2025-08-12", "电吹风", "家用电器", "风采", "FC-2000", "2025-05-11", "西安风采电器有限公司",
         "陕西省西安市鄠邑区沣京工业园12号", "西安风采电器有限公司", "陕西省西安市鄠邑区沣京工业园12号", "生产", "合格", "",
         "陕西省产品质量监督检验研究院"],
        ["SXJD2025-0921", "2025-08-19", "电动自行车", "交通工具", "雅骑", "TDT5518Z", "2025-07", "天津雅骑车业有限公司",
         "天津市静海区大邱庄工业区", "渭南市华州区雅骑电动车专卖店", "陕西省渭南市华州区少华路66号", "流通", "不合格",
         "最高车速;整车质量", "陕西省产品质量监督检验研究院"],
        ["SXJD2025-0927", "2025-08-26", "插座", "电工及材料", "安信", "AX-405 10A", "2025-04-30", "汉中安信电器有限公司",
         "陕西省汉中市南郑区梁山工业园3号", "汉中市南郑区便民五金商店", "陕西省汉中市南郑区大河坎镇中心街18号", "流通", "合格",
         "", "陕西省产品质量监督检验研究院"],
        ["SXJD2025-0930", "2025-02-30", "电热毯", "家用电器", "暖冬", "NDT-150", "2025-01-02", "安康暖冬电器有限公司",
         "陕西省安康市汉阴县城关镇工业园", "安康暖冬电器有限公司", "陕西省安康市汉阴县城关镇工业园", "生产", "合格", "",
         "陕西省产品质量监督检验研究院"],
        ["SXJD2025-0935", "2025-09-03", "锂离子电池", "电池", "恒源", "48V 12Ah", "2025-06-15", "榆林恒源新能源有限公司",
         "陕西省榆林市横山区工业园区", "榆林恒源新能源有限公司", "陕西省榆林市横山区工业园区", "生产", "不合格",
         "过充电保护", "陕西省产品质量监督检验研究院"],
    ])],
    expect=[
        {"sample_id": "SXJD2025-0913", "manufacturer_name": "西安惠厨电器有限公司", "product_name": "电热水壶",
         "verdict": "不合格", "failed_items": "发热；泄漏电流和电气强度", "region_code": "610118",
         "sampling_date": "2025-08-12", "sampling_stage": "生产", "product_category": "P0201"},
        {"sample_id": "SXJD2025-0914", "manufacturer_name": "西安风采电器有限公司", "product_name": "电吹风", "verdict": "合格",
         "region_code": "610118", "sampling_date": "2025-08-12", "sampling_stage": "生产", "product_category": "P0204"},
        {"sample_id": "SXJD2025-0921", "manufacturer_name": "天津雅骑车业有限公司", "product_name": "电动自行车",
         "verdict": "不合格", "failed_items": "最高车速；整车质量", "sampling_date": "2025-08-19", "sampling_stage": "流通",
         "product_category": "P0301"},
        {"sample_id": "SXJD2025-0927", "manufacturer_name": "汉中安信电器有限公司", "product_name": "插座", "verdict": "合格",
         "region_code": "610703", "sampling_date": "2025-08-26", "sampling_stage": "流通", "product_category": "P1101"},
        {"sample_id": "SXJD2025-0935", "manufacturer_name": "榆林恒源新能源有限公司", "product_name": "锂离子电池",
         "verdict": "不合格", "failed_items": "过充电保护", "region_code": "610803", "sampling_date": "2025-09-03",
         "sampling_stage": "生产", "product_category": "P0401"},
    ],
    quarantined=1,
    notes=("GBK-encoded CSV, CRLF, upper-case pinyin-initial column codes (YPBH 样品编号, CYRQ 抽样日期, CPMC 产品名称, "
           "CPLB 产品类别, SB 商标, GGXH 规格型号, SCRQ 生产日期, BCSCQYMC/DZ 标称生产企业名称/地址, BCYDWMC/DZ 被抽样单位"
           "名称/地址, CYHJ 抽样环节, JYJL 检验结论, BHGXM 不合格项目 (';'-separated), JYJG 检验机构). Real sample ids and "
           "per-row sampling dates; SCRQ is the production date. Row SXJD2025-0930 has CYRQ '2025-02-30' (no such "
           "day): quarantined. Row 0921: maker in 天津, shop in 渭南 — no region expected. Reconstructed layout; "
           "values fictional."),
)

# --------------------------------------------------------------------------------------------------
# 15. LIMS export with English column names and P/F results (GBK CSV)
# --------------------------------------------------------------------------------------------------
lims_english = Case(
    name="inspection-lims-english-pf-csv",
    source="inspection",
    cite=("English-labelled LIMS export of a 监督抽查 task, reconstructed: P/F conclusions as defined by the "
          "浙江 监督抽查结果汇总表 template notes (www.cqn.com.cn/ms/content/2017-07/10/content_4545450.htm: 'P' = "
          "符合监督检查要求, 'F' = 不合格); no public file with these exact English headers was found"),
    file_name="export_SpotCheck_2025Q3_GBK.csv",
    encoding="gbk",
    sheets=[Sheet(rows=[
        ["Sample No.", "Sampling Date", "Product Name", "Trademark", "Model/Spec", "Batch/Production Date",
         "Manufacturer", "Manufacturer Address", "Sampled Unit", "Sampled Unit Address", "Sampling Stage",
         "Conclusion (P/F)", "Nonconforming Items", "Testing Lab"],
        ["JD25-S-0412", "2025/7/08", "电压力锅", "好煮意", "YL-60B 6L", "2025/05/14", "铜川好煮意电器有限公司",
         "陕西省铜川市王益区黄堡工业园", "铜川好煮意电器有限公司", "陕西省铜川市王益区黄堡工业园", "Production", "F",
         "压力保护装置 / 泄压安全装置", "铜川市质量技术检验检测中心"],
        ["JD25-S-0413", "2025/7/08", "电暖器", "暖家", "NJ-1800", "2025/04/02", "铜川暖家电器有限公司",
         "陕西省铜川市王益区红旗街9号", "铜川暖家电器有限公司", "陕西省铜川市王益区红旗街9号", "Production", "P", "",
         "铜川市质量技术检验检测中心"],
        ["JD25-S-0420", "2025/7/15", "燃气热水器", "热立方", "JSQ20-10A", "2025/03/20", "佛山热立方厨卫电器有限公司",
         "广东省佛山市顺德区容桂街道", "铜川市耀州区安家厨卫商店", "陕西省铜川市耀州区正阳路27号", "Circulation", "F",
         "一氧化碳含量", "铜川市质量技术检验检测中心"],
        ["JD25-S-0428", "2025/7/22", "人字梯", "稳固", "5步 铝合金", "2025/06/01", "宜君县稳固梯具厂",
         "陕西省铜川市宜君县城关镇工业区", "宜君县稳固梯具厂", "陕西省铜川市宜君县城关镇工业区", "Production", "P", "",
         "铜川市质量技术检验检测中心"],
    ])],
    expect=[
        {"sample_id": "JD25-S-0412", "manufacturer_name": "铜川好煮意电器有限公司", "product_name": "电压力锅",
         "verdict": "不合格", "failed_items": "压力保护装置；泄压安全装置", "region_code": "610202",
         "sampling_date": "2025-07-08", "sampling_stage": "生产", "product_category": "P0205"},
        {"sample_id": "JD25-S-0413", "manufacturer_name": "铜川暖家电器有限公司", "product_name": "电暖器", "verdict": "合格",
         "region_code": "610202", "sampling_date": "2025-07-08", "sampling_stage": "生产", "product_category": "P0202"},
        {"sample_id": "JD25-S-0420", "manufacturer_name": "佛山热立方厨卫电器有限公司", "product_name": "燃气热水器",
         "verdict": "不合格", "failed_items": "一氧化碳含量", "sampling_date": "2025-07-15", "sampling_stage": "流通",
         "product_category": "P0702"},
        {"sample_id": "JD25-S-0428", "manufacturer_name": "宜君县稳固梯具厂", "product_name": "人字梯", "verdict": "合格",
         "region_code": "610222", "sampling_date": "2025-07-22", "sampling_stage": "生产", "product_category": "P0604"},
    ],
    notes=("English headers with punctuation ('Sample No.', 'Conclusion (P/F)', 'Model/Spec'), English stage words "
           "(Production → 生产, Circulation → 流通), P/F verdicts, dates as '2025/7/08' (unpadded month), failed "
           "items separated by ' / ', GBK encoding. 'Batch/Production Date' is not the sampling date. Reconstructed "
           "layout; values fictional."),
)

CASES: list[Case] = [
    samr_2024,
    samr_2025,
    shaanxi_provincial,
    jilin,
    xian_city,
    county,
    baoji_two_row,
    zhejiang_pf,
    pass_list,
    sheets_meaning,
    unlabelled,
    ecommerce,
    retail,
    lims_pinyin,
    lims_english,
]
