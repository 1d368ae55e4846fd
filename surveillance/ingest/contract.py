"""The data contract: the columns each source sends, their Chinese headers, and their keys."""

from __future__ import annotations

from dataclasses import dataclass

from surveillance import reference


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    required: bool = True


@dataclass(frozen=True)
class Contract:
    source: str
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    date_column: str
    # Personal data some hospital exports carry: hashed or dropped, never stored raw.
    personal: tuple[Column, ...] = ()

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def header_aliases(self) -> dict[str, str]:
        """Accepted header text -> canonical column name."""
        aliases: dict[str, str] = {}
        for col in (*self.columns, *self.personal):
            aliases[col.name] = col.name
            for zh in col.zh.split("|"):
                aliases[zh] = col.name
        return aliases


INJURY = Contract(
    source="injury",
    table="injury_reports",
    columns=(
        Column("report_id", "报告卡编号"),
        Column("hospital_code", "医院编码"),
        Column("region_code", "行政区划代码"),
        Column("visit_date", "就诊日期"),
        Column("sex", "性别"),
        Column("age", "年龄"),
        Column("injury_cause", "伤害原因"),
        Column("injury_intent", "伤害意图"),
        Column("injury_nature", "伤害性质"),
        Column("body_part", "受伤部位"),
        Column("severity", "严重程度"),
        Column("outcome", "结局"),
        Column("product_code", "产品分类代码", required=False),
        Column("product_name", "产品名称", required=False),
        Column("narrative", "伤害经过", required=False),
    ),
    key=("hospital_code", "report_id"),
    date_column="visit_date",
    personal=(
        Column("patient_name", "姓名|患者姓名", required=False),
        Column("id_number", "身份证号|身份证号码|证件号码", required=False),
        Column("phone", "联系电话|电话|手机号", required=False),
        Column("address", "住址|家庭住址|现住址|地址", required=False),
        Column("guardian_name", "监护人|监护人姓名|家长姓名", required=False),
    ),
)

INSPECTION = Contract(
    source="inspection",
    table="inspection_results",
    columns=(
        Column("sample_id", "抽样单编号"),
        Column("sampling_date", "抽样日期"),
        Column("region_code", "行政区划代码"),
        Column("product_category", "产品类别"),
        Column("product_name", "产品名称"),
        Column("brand", "商标", required=False),
        Column("model", "规格型号", required=False),
        Column("manufacturer_name", "生产企业名称"),
        # many regulators' announcements carry no credit code: repeat failures then go by name and address
        Column("manufacturer_uscc", "统一社会信用代码", required=False),
        Column("manufacturer_address", "生产企业地址", required=False),
        Column("sampling_stage", "抽样环节"),
        Column("inspection_agency", "检验机构"),
        Column("verdict", "检验结论"),
        Column("failed_items", "不合格项目", required=False),
        Column("counterfeit", "假冒", required=False),  # the named manufacturer says it did not make it
    ),
    key=("sample_id",),
    date_column="sampling_date",
)

FOOD = Contract(
    source="food",
    table="food_results",
    columns=(
        Column("sample_id", "样品编号"),
        Column("sampling_date", "采样日期"),
        Column("region_code", "行政区划代码"),
        Column("food_category", "食品类别"),
        Column("food_name", "食品名称"),
        Column("sampling_stage", "采样环节"),
        Column("analyte", "检测项目"),
        Column("result_value", "检测结果"),
        Column("unit", "单位", required=False),  # may sit inside the result (0.52mg/kg)
        Column("lod", "检出限", required=False),
        Column("limit_value", "限量值", required=False),
        Column("limit_standard", "限量标准", required=False),
        Column("sender_verdict", "结果判定", required=False),  # the lab's own verdict, kept beside ours
    ),
    key=("sample_id", "analyte"),
    date_column="sampling_date",
)

CONTRACTS: dict[str, Contract] = {c.source: c for c in (INJURY, INSPECTION, FOOD)}

SEX_VALUES = ("男", "女", "未知")
INSPECTION_STAGES = ("生产", "流通", "电商", "进口")
FOOD_STAGES = ("种植养殖", "生产加工", "流通", "餐饮", "学校食堂", "进口")
VERDICTS = reference.VERDICTS
# what a field detection can do without loads as when the file does not give it (counted per batch)
NOT_STATED = "未注明"
# The injury card's categories (severity, outcome, cause, …) are its code tables:
# surveillance/reference/data/injury_codes.csv.
