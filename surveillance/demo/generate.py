"""Write three years of realistic demo files into the landing folders, with a ground-truth file.

History older than the last ``daily_days`` days is written as one file per source and year
(loaded in bulk with ``surveillance ingest``); the last days arrive as daily files per sender,
some GBK-encoded, some with Chinese headers, a few with bad rows, as real senders' files do.
"""

from __future__ import annotations

import csv
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from surveillance import reference
from surveillance.demo.events import BY_NAME, EVENTS
from surveillance.ingest.contract import CONTRACTS
from surveillance.ingest.validate.suites import BODY_PARTS
from surveillance.ingest.values.normalise import uscc_check_char

SPRING_FESTIVAL = [date(2022, 2, 1), date(2023, 1, 22), date(2024, 2, 10), date(2025, 1, 29),
                   date(2026, 2, 17), date(2027, 2, 6), date(2028, 1, 26)]
CLUSTER_PRODUCT, CLUSTER_CITY, CLUSTER_COUNTY = "P0401", "610300", "610302"  # e-bike batteries, 宝鸡市渭滨区
FAILING_USCC_INDEX = 7
TREND_ANALYTE, TREND_CATEGORY = "CD", "F01"  # cadmium in grain
PATTERN_PRODUCT, PATTERN_NATURE = "P0101", "内脏器官伤"  # toys: magnets and button cells swallowed
RATE_CATEGORY, RATE_CITY = "P0301", "610500"  # e-bikes sampled in 渭南市 failing far more often
NEW_ITEM_CATEGORY, NEW_ITEM = "P0101", "邻苯二甲酸酯"  # a failed test item never seen for toys
FOOD_RATE_CATEGORY, FOOD_RATE_ANALYTE, FOOD_RATE_CITY = "F02", "OMET", "610700"  # omethoate, 汉中市 greens
PROFILE_CATEGORY, PROFILE_CITY = "F02", "610900"  # a greens sample high in every analyte, none over its limit


@dataclass(frozen=True)
class DemoSpec:
    end: date
    seed: int = 20151
    years: int = 3
    daily_days: int = 14
    injuries_per_day: float = 90.0
    inspections_per_day: float = 14.0
    food_samples_per_day: float = 9.0
    inject: bool = True  # False: the same demo without the injected events (clean data)
    one_file_per_source: bool = False  # True: each day's records of a source in one file, not one per sender

    @property
    def start(self) -> date:
        return self.end - timedelta(days=365 * self.years - 1)

    @property
    def daily_start(self) -> date:
        return self.end - timedelta(days=self.daily_days - 1)


def sentinel_hospitals(rng: np.random.Generator) -> pd.DataFrame:
    regions = reference.regions()
    counties = regions[regions["level"] == "county"]
    rows = []
    weights = {"610100": 5}
    n = 0
    for city in reference.jurisdictions():
        pool = counties[counties["jurisdiction_code"] == city]
        for _ in range(weights.get(city, 1) + (1 if city in {"610300", "610400", "610500"} else 0)):
            county = pool.iloc[int(rng.integers(len(pool)))]
            n += 1
            rows.append(dict(hospital_code=f"H{county['code']}{n:02d}", region_code=county["code"],
                             city=city, size=float(rng.uniform(0.6, 1.6)) * (1.6 if city == "610100" else 1.0)))
    return pd.DataFrame(rows[:20])


def _manufacturers(rng: np.random.Generator, n: int = 1500) -> pd.DataFrame:
    counties = reference.regions().query("level == 'county'")["code"].tolist()
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    rows = []
    for i in range(n):
        county = counties[int(rng.integers(len(counties)))]
        body = "".join(chars[int(x)] for x in rng.integers(0, 31, 9))
        first17 = "91" + county + body
        name = f"陕西{['秦','华','汉','长安','丝路','渭','延','宝'][i % 8]}{['电器','实业','科技','制造','日用品','工贸'][i % 6]}有限公司{i:03d}"
        rows.append(dict(manufacturer_uscc=first17 + uscc_check_char(first17), manufacturer_name=name))
    return pd.DataFrame(rows)


def season_weights(days: pd.DatetimeIndex) -> dict[str, np.ndarray]:
    doy = days.dayofyear.to_numpy()
    winter = 1 + 0.8 * np.cos(2 * np.pi * (doy - 15) / 365.25)
    summer = 1 + 0.9 * np.cos(2 * np.pi * (doy - 200) / 365.25)
    fireworks = np.full(len(days), 0.02)
    for sf in SPRING_FESTIVAL:
        delta = (days - pd.Timestamp(sf)).days.to_numpy()
        fireworks += np.where((delta >= -3) & (delta <= 15), 4.0 * np.exp(-np.abs(delta) / 4), 0.0)
    return {"winter": winter, "summer": summer, "fireworks": fireworks, "flat": np.ones(len(days))}


# product code -> (share of product-related visits, season, cause, nature, narrative)
PRODUCT_PROFILE = {
    "P0101": (0.08, "flat", "钝器伤", "挫伤、擦伤", "儿童玩耍{p}时受伤"),
    "P0102": (0.03, "flat", "跌倒/坠落", "挫伤、擦伤", "婴儿从{p}上坠落"),
    "P0103": (0.03, "flat", "跌倒/坠落", "挫伤、擦伤", "乘坐{p}时翻倒摔伤"),
    "P0201": (0.08, "winter", "烧烫伤", "烧烫伤", "使用{p}烧水时被烫伤"),
    "P0202": (0.05, "winter", "烧烫伤", "烧烫伤", "{p}使用中烫伤"),
    "P0203": (0.02, "winter", "烧烫伤", "烧烫伤", "使用{p}时低温烫伤"),
    "P0205": (0.03, "flat", "烧烫伤", "烧烫伤", "{p}泄压时烫伤"),
    "P0301": (0.16, "summer", "非机动车车祸", "骨折", "骑{p}摔倒"),
    "P0302": (0.08, "summer", "非机动车车祸", "挫伤、擦伤", "骑{p}摔倒"),
    "P0303": (0.03, "summer", "跌倒/坠落", "骨折", "玩{p}时摔倒"),
    "P0401": (0.02, "summer", "烧烫伤", "烧烫伤", "{p}充电时起火烧伤"),
    "P0402": (0.02, "flat", "烧烫伤", "烧烫伤", "{p}起火烧伤"),
    "P0501": (0.04, "fireworks", "烧烫伤", "烧烫伤", "燃放{p}时炸伤"),
    "P0601": (0.04, "flat", "钝器伤", "挫伤、擦伤", "{p}倾倒砸伤"),
    "P0602": (0.05, "flat", "刀/锐器伤", "锐器伤、咬伤、开放伤", "{p}破碎划伤"),
    "P0603": (0.10, "flat", "刀/锐器伤", "锐器伤、咬伤、开放伤", "使用{p}切伤"),
    "P0604": (0.04, "flat", "跌倒/坠落", "骨折", "从{p}上跌落"),
    "P0702": (0.02, "winter", "中毒", "内脏器官伤", "{p}一氧化碳中毒"),
    "P0801": (0.03, "summer", "跌倒/坠落", "扭伤/拉伤", "在{p}上玩耍扭伤"),
    "P0802": (0.04, "summer", "跌倒/坠落", "骨折", "玩{p}摔倒"),
    "P0901": (0.03, "flat", "中毒", "内脏器官伤", "误服{p}"),
    "P1101": (0.02, "flat", "其他", "其他", "{p}触电"),
}
NON_PRODUCT = [("跌倒/坠落", "骨折", "flat", 0.30), ("机动车车祸", "骨折", "flat", 0.25),
               ("动物伤", "锐器伤、咬伤、开放伤", "summer", 0.15), ("溺水", "内脏器官伤", "summer", 0.04),
               ("钝器伤", "挫伤、擦伤", "flat", 0.26)]
SEVERE_SHARE = 0.08  # of ordinary visits graded 重度 (and then hospitalised, transferred or dead)
HOSPITALISED_IF_NOT_SEVERE = 0.07  # of the other visits
SERIOUS_SHARE = SEVERE_SHARE + (1 - SEVERE_SHARE) * HOSPITALISED_IF_NOT_SEVERE  # serious cases (injury_counts.serious_case)
SURNAMES, GIVEN = "王李张刘陈杨赵黄周吴", "伟芳娜敏静磊洋勇艳杰军强"


def _injuries(spec: DemoSpec, rng: np.random.Generator, hospitals: pd.DataFrame) -> pd.DataFrame:
    days = pd.date_range(spec.start, spec.end, freq="D")
    season = season_weights(days)
    dow = np.where(days.dayofweek >= 5, 1.15, 0.95)
    products = reference.product_categories().set_index("code")["name"]
    frames = []
    codes = list(PRODUCT_PROFILE)
    shares = np.array([PRODUCT_PROFILE[c][0] for c in codes])
    for h in hospitals.itertuples(index=False):
        lam = spec.injuries_per_day / len(hospitals) * h.size * dow
        # product-related visits (about 45%) by category with its own season
        for code, share in zip(codes, shares, strict=True):
            _share, seas, cause, nature, story = PRODUCT_PROFILE[code]
            n = rng.poisson(lam * 0.45 * share / shares.sum() * season[seas])
            idx = np.repeat(np.arange(len(days)), n)
            if len(idx):
                frames.append(pd.DataFrame(dict(visit_date=days[idx], hospital_code=h.hospital_code,
                                                region_code=h.region_code, product_code=code,
                                                injury_cause=cause, injury_nature=nature,
                                                narrative=story.format(p=products[code]))))
        for cause, nature, seas, share in NON_PRODUCT:
            n = rng.poisson(lam * 0.55 * share * season[seas])
            idx = np.repeat(np.arange(len(days)), n)
            if len(idx):
                frames.append(pd.DataFrame(dict(visit_date=days[idx], hospital_code=h.hospital_code,
                                                region_code=h.region_code, product_code="",
                                                injury_cause=cause, injury_nature=nature, narrative="")))
    if spec.inject:
        frames.extend(_injected_injuries(spec, rng, hospitals))
    df = pd.concat(frames, ignore_index=True)
    df["cluster"] = df.get("cluster", False)
    df["cluster"] = df["cluster"].fillna(False).astype(bool)
    df["pattern"] = df.get("pattern", False)
    df["pattern"] = df["pattern"].fillna(False).astype(bool)
    return _injury_details(df, rng)


def _injected_injuries(spec: DemoSpec, rng: np.random.Generator, hospitals: pd.DataFrame) -> list[pd.DataFrame]:
    """A cluster in one city (counts) and a new injury pattern of one product across the province
    (disproportionality: toys swallowed, organ injuries, no rise in the toy count to speak of)."""
    # injected cluster: lithium e-bike batteries catching fire in one city, rising over 17 days
    cluster_days = pd.date_range(spec.end - timedelta(days=16), spec.end, freq="D")
    baoji = hospitals[hospitals["region_code"].str.startswith(CLUSTER_CITY[:4])]
    counts = rng.poisson(np.linspace(2.0, 5.0, len(cluster_days)))
    idx = np.repeat(np.arange(len(cluster_days)), counts)
    hosp = baoji.iloc[rng.integers(0, len(baoji), len(idx))]
    cluster = pd.DataFrame(dict(visit_date=cluster_days[idx], hospital_code=hosp["hospital_code"].to_numpy(),
                                    region_code=hosp["region_code"].to_numpy(), product_code=CLUSTER_PRODUCT,
                                    injury_cause="烧烫伤", injury_nature="烧烫伤",
                                    narrative="电动自行车锂电池在楼道充电时起火，致烧伤", cluster=True))
    pattern_days = pd.date_range(spec.end - timedelta(days=55), spec.end, freq="D")
    idx = np.sort(rng.integers(0, len(pattern_days), 45))
    hosp = hospitals.iloc[rng.integers(0, len(hospitals), len(idx))]
    pattern = pd.DataFrame(dict(visit_date=pattern_days[idx], hospital_code=hosp["hospital_code"].to_numpy(),
                                region_code=hosp["region_code"].to_numpy(), product_code=PATTERN_PRODUCT,
                                injury_cause="其他", injury_nature=PATTERN_NATURE,
                                narrative="儿童误吞玩具中的磁力珠，致肠穿孔", pattern=True))
    return [cluster, pattern]


def _injury_details(df: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Sex, age, intent, body part, severity, outcome, product name and report id of every visit."""
    products = reference.product_categories().set_index("code")["name"]
    n = len(df)
    df["sex"] = rng.choice(["男", "女"], n, p=[0.58, 0.42])
    age = np.clip(rng.gamma(2.0, 17.0, n), 0.1, 95)
    child = df["product_code"].isin(["P0101", "P0102", "P0103", "P0105"])
    age[child.to_numpy()] = rng.uniform(0.2, 6, child.sum())
    df["age_years"] = age
    df["injury_intent"] = rng.choice(["非故意", "故意(被他人伤害)", "自残/自杀", "不清楚"], n, p=[0.9, 0.05, 0.02, 0.03])
    df.loc[df["product_code"] != "", "injury_intent"] = "非故意"
    df["body_part"] = rng.choice(BODY_PARTS[:6], n, p=[0.25, 0.3, 0.3, 0.08, 0.05, 0.02])
    df.loc[df["pattern"], "body_part"] = "躯干"
    severe = rng.random(n) < np.where(df["cluster"] | df["pattern"], 0.35, SEVERE_SHARE)
    df["severity"] = np.where(severe, "重度", rng.choice(["轻度", "中度"], n, p=[0.7, 0.3]))
    df["outcome"] = np.where(severe, rng.choice(["住院", "转院", "死亡"], n, p=[0.85, 0.13, 0.02]),
                             rng.choice(["处理后离院", "住院"], n, p=[1 - HOSPITALISED_IF_NOT_SEVERE, HOSPITALISED_IF_NOT_SEVERE]))
    # a fifth of product-related reports name the product but carry no code (for the classifier), the
    # cluster's reports included: counted only if the classifier proposes their category
    names = df["product_code"].map(products).fillna("")
    df["product_name"] = names
    drop_code = (df["product_code"] != "") & (rng.random(n) < 0.2) & ~df["pattern"]
    df.loc[drop_code, "product_code"] = ""
    df = df.sort_values(["visit_date", "hospital_code"], kind="stable").reset_index(drop=True)
    df["report_id"] = (df["hospital_code"] + "-" + df["visit_date"].dt.strftime("%Y%m%d") + "-"
                       + (df.groupby(["hospital_code", "visit_date"]).cumcount() + 1).astype(str).str.zfill(4))
    df["visit_date"] = df["visit_date"].dt.date
    return df


def _inspections(spec: DemoSpec, rng: np.random.Generator, makers: pd.DataFrame) -> pd.DataFrame:
    days = pd.date_range(spec.start, spec.end, freq="D")
    n_per_day = rng.poisson(spec.inspections_per_day * np.where(days.dayofweek >= 5, 0.3, 1.2))
    idx = np.repeat(np.arange(len(days)), n_per_day)
    n = len(idx)
    products = reference.product_categories()
    counties = reference.county_codes()
    maker = makers.iloc[rng.integers(0, len(makers), n)].reset_index(drop=True)
    cat = products.iloc[rng.integers(0, len(products), n)].reset_index(drop=True)
    base_rate = 0.04 + 0.06 * (cat["group_code"].isin(["G03", "G04", "G11"])).to_numpy()
    failed = rng.random(n) < base_rate
    df = pd.DataFrame(dict(
        sampling_date=days[idx].date, region_code=[counties[i] for i in rng.integers(0, len(counties), n)],
        product_category=cat["code"], product_name=cat["name"], brand=[f"品牌{i % 40:02d}" for i in rng.integers(0, 400, n)],
        model=[f"型号-{i}" for i in rng.integers(100, 999, n)],
        manufacturer_name=maker["manufacturer_name"], manufacturer_uscc=maker["manufacturer_uscc"],
        sampling_stage=rng.choice(["生产", "流通", "电商", "进口"], n, p=[0.45, 0.3, 0.2, 0.05]),
        inspection_agency=rng.choice(["陕西省产品质量监督检验研究院", "西安市产品质量监督检验院", "宝鸡市质量技术监督检验所"], n),
        verdict=np.where(failed, "不合格", "合格"),
        failed_items=np.where(failed, _failed_items(cat["group_code"], rng), ""),
        injected="",
    ))
    if spec.inject:
        df = pd.concat([df, *_injected_inspections(spec, rng, makers)], ignore_index=True)
    df = df.sort_values("sampling_date", kind="stable").reset_index(drop=True)
    df["sample_id"] = ["SC" + d.strftime("%Y%m%d") + f"{i:06d}" for i, d in enumerate(df["sampling_date"])]
    return df


# the test items each product group usually fails, the first more often
FAILED_ITEMS = {"G01": ("小零件", "标识和使用说明"), "G02": ("发热", "耐热和耐燃"), "G03": ("材料", "制动性能"),
                "G04": ("过充电保护", "标志和说明"), "G05": ("药量", "标志和说明"), "G06": ("稳定性", "甲醛释放量"),
                "G07": ("熄火保护装置", "气密性"), "G08": ("结构安全", "标志和说明"), "G09": ("微生物指标", "标签标识"),
                "G10": ("纤维含量", "pH值"), "G11": ("插头尺寸", "材料")}


def _failed_items(groups: pd.Series, rng: np.random.Generator) -> np.ndarray:
    first = rng.random(len(groups)) < 0.7
    return np.array([FAILED_ITEMS[g][0 if f else 1] for g, f in zip(groups, first, strict=True)], dtype=object)


def _injected_inspections(spec: DemoSpec, rng: np.random.Generator, makers: pd.DataFrame) -> list[pd.DataFrame]:
    """One manufacturer failing again and again; one city's e-bikes failing far above the province's
    rate (each from a different maker); toys failing a test item never failed by toys before."""
    # one manufacturer's electric heaters fail repeatedly in the last two months
    bad = makers.iloc[FAILING_USCC_INDEX]
    fail_days = [spec.end - timedelta(days=d) for d in (55, 34, 20, 6)]
    extra = pd.DataFrame(dict(
        sampling_date=fail_days, region_code="610113", product_category="P0202", product_name="电暖器",
        brand="暖阳", model="NY-2000", manufacturer_name=bad["manufacturer_name"],
        manufacturer_uscc=bad["manufacturer_uscc"], sampling_stage=["生产", "流通", "电商", "流通"],
        inspection_agency="陕西省产品质量监督检验研究院", verdict="不合格",
        failed_items="耐热和耐燃;发热", injected="repeat_failures",
    ))
    counties = reference.regions().query("level == 'county' and jurisdiction_code == @RATE_CITY")["code"].tolist()
    n = 14
    failed = np.arange(n) < 9
    rate = pd.DataFrame(dict(
        sampling_date=[spec.end - timedelta(days=int(d)) for d in np.sort(rng.integers(0, 70, n))[::-1]],
        region_code=[counties[i % len(counties)] for i in range(n)], product_category=RATE_CATEGORY,
        product_name="电动自行车", brand="品牌07", model=[f"型号-{300 + i}" for i in range(n)],
        manufacturer_name=makers.iloc[100 + np.arange(n)]["manufacturer_name"].to_numpy(),
        manufacturer_uscc=makers.iloc[100 + np.arange(n)]["manufacturer_uscc"].to_numpy(),
        sampling_stage="流通", inspection_agency="陕西省产品质量监督检验研究院",
        verdict=np.where(failed, "不合格", "合格"), failed_items=np.where(failed, "材料", ""), injected="failure_rate",
    ))
    new_item = pd.DataFrame(dict(
        sampling_date=[spec.end - timedelta(days=3), spec.end - timedelta(days=1)], region_code="610104",
        product_category=NEW_ITEM_CATEGORY, product_name="儿童玩具", brand="童趣", model=["TQ-01", "TQ-02"],
        manufacturer_name=makers.iloc[[200, 201]]["manufacturer_name"].to_numpy(),
        manufacturer_uscc=makers.iloc[[200, 201]]["manufacturer_uscc"].to_numpy(), sampling_stage="电商",
        inspection_agency="西安市产品质量监督检验院", verdict="不合格", failed_items=NEW_ITEM, injected="new_failed_item",
    ))
    return [extra, rate, new_item]


FOOD_PLAN = [  # category, analytes, sampling stages, food names
    ("F01", ["PB", "CD", "AFB1", "HG"], ["种植养殖", "生产加工", "流通"], ["大米", "小麦粉", "玉米"]),
    ("F02", ["PB", "CD", "CARB", "OMET", "PROC"], ["种植养殖", "流通", "餐饮"], ["韭菜", "菠菜", "芹菜"]),
    ("F03", ["PB", "CARB", "OMET"], ["种植养殖", "流通"], ["苹果", "猕猴桃"]),
    ("F04", ["PB", "CD"], ["生产加工", "流通"], ["猪肉", "牛肉"]),
    ("F06", ["PB"], ["生产加工", "流通"], ["生乳", "酸奶"]),
    ("F09", ["PB", "AFB1"], ["生产加工", "流通", "进口"], ["婴儿米粉"]),
    ("F10", ["SALM", "LIST"], ["餐饮", "学校食堂", "流通"], ["卤肉", "酱牛肉"]),
    ("F11", ["SALM"], ["餐饮", "学校食堂"], ["凉拌菜", "凉皮"]),
    ("F12", ["PB", "CD"], ["种植养殖", "流通"], ["香菇", "木耳"]),
    ("F13", ["AFB1", "PB"], ["流通", "生产加工"], ["核桃", "花生"]),
]
LODS = {"PB": 0.005, "CD": 0.003, "HG": 0.002, "AS": 0.01, "AFB1": 0.2, "CARB": 0.005, "OMET": 0.005, "PROC": 0.01}


def _food(spec: DemoSpec, rng: np.random.Generator) -> pd.DataFrame:
    days = pd.date_range(spec.start, spec.end, freq="D")
    limits = reference.food_limits().set_index(["analyte", "food_category"])["limit_value"]
    counties = reference.county_codes()
    n_per_day = rng.poisson(spec.food_samples_per_day * np.where(days.dayofweek >= 5, 0.3, 1.25))
    rows = []
    sample_no = 0
    end_ts = pd.Timestamp(spec.end)
    for day, n in zip(days, n_per_day, strict=True):
        for _ in range(n):
            sample_no += 1
            cat, analytes, stages, names = FOOD_PLAN[int(rng.integers(len(FOOD_PLAN)))]
            sample = dict(sample_id=f"FS{day:%Y%m%d}{sample_no:06d}", sampling_date=day.date(),
                          region_code=counties[int(rng.integers(len(counties)))], food_category=cat,
                          food_name=names[int(rng.integers(len(names)))],
                          sampling_stage=stages[int(rng.integers(len(stages)))])
            for a in analytes:
                limit = float(limits.get((a, cat), np.nan))
                if a in ("SALM", "LIST"):
                    detected = rng.random() < 0.01
                    rows.append(dict(sample, analyte=a, value=1.0 if detected else 0.0, detected=detected,
                                     lod=np.nan, limit=0.0, injected=""))
                    continue
                median = limit * 0.15
                injected = ""
                if spec.inject and a == TREND_ANALYTE and cat == TREND_CATEGORY:
                    months_to_end = (end_ts - day).days / 30.4
                    if months_to_end < 11:  # cadmium in grain rising over the last 11 months
                        median *= 1 + 0.5 * (11 - months_to_end)
                        injected = "contaminant_trend"
                value = float(rng.lognormal(np.log(median), 0.6))
                rows.append(dict(sample, analyte=a, value=value, detected=value >= _lod(a, cat), lod=_lod(a, cat),
                                 limit=limit, injected=injected))
    if spec.inject:
        rows.extend(_injected_food(spec, rng, sample_no, limits))
    return pd.DataFrame(rows)


def _lod(analyte: str, category: str) -> float:
    return 0.05 if (analyte, category) == ("AFB1", "F09") else LODS.get(analyte, 0.01)


def _injected_food(spec: DemoSpec, rng: np.random.Generator, sample_no: int, limits: pd.Series) -> list[dict]:
    """One city's leafy greens over the omethoate limit again and again (an exceedance rate far above
    the province's), and one greens sample high in every analyte though none is over its limit."""
    regions = reference.regions().query("level == 'county'")
    rows = []
    _cat, analytes, _stages, _names = next(p for p in FOOD_PLAN if p[0] == FOOD_RATE_CATEGORY)
    rate_counties = regions.loc[regions["jurisdiction_code"] == FOOD_RATE_CITY, "code"].tolist()
    for i, back in enumerate(np.sort(rng.integers(0, 35, 14))[::-1]):
        day = spec.end - timedelta(days=int(back))
        sample_no += 1
        sample = dict(sample_id=f"FS{day:%Y%m%d}{sample_no:06d}", sampling_date=day, food_category=FOOD_RATE_CATEGORY,
                      region_code=rate_counties[i % len(rate_counties)], food_name="韭菜", sampling_stage="流通")
        for a in analytes:
            limit = float(limits[(a, FOOD_RATE_CATEGORY)])
            factor = rng.uniform(2, 4) if a == FOOD_RATE_ANALYTE and i % 7 < 4 else rng.lognormal(np.log(0.15), 0.6)
            value = limit * factor
            rows.append(dict(sample, analyte=a, value=value, detected=value >= _lod(a, FOOD_RATE_CATEGORY),
                             lod=_lod(a, FOOD_RATE_CATEGORY), limit=limit, injected="exceedance_rate"))
    day = spec.end - timedelta(days=2)
    sample = dict(sample_id=f"FS{day:%Y%m%d}{sample_no + 1:06d}", sampling_date=day, food_category=PROFILE_CATEGORY,
                  region_code=regions.loc[regions["jurisdiction_code"] == PROFILE_CITY, "code"].iloc[0],
                  food_name="菠菜", sampling_stage="种植养殖")
    for a, factor in zip(analytes, (0.85, 0.8, 0.9, 0.75, 0.8), strict=True):
        limit = float(limits[(a, PROFILE_CATEGORY)])
        rows.append(dict(sample, analyte=a, value=limit * factor, detected=True, lod=_lod(a, PROFILE_CATEGORY),
                         limit=limit, injected="unusual_profile"))
    return rows


def _food_strings(df: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    analytes = reference.analytes().set_index("code")
    out = df.copy()
    unit = out["analyte"].map(analytes["reference_unit"])
    pathogen = unit.str.startswith("/")
    text = np.where(out["detected"], out["value"].map(lambda v: f"{v:.4g}"), "未检出")
    nd_style = rng.choice(["未检出", "ND", "<LOD"], len(out), p=[0.6, 0.3, 0.1])
    text = np.where(out["detected"], text, nd_style)
    text = np.where(pathogen, np.where(out["detected"], "检出", "未检出"), text)
    out["result_value"] = text
    out["unit"] = unit
    out["lod"] = out["lod"].map(lambda v: "" if np.isnan(v) else f"{v:g}")
    out["limit_value"] = out["limit"].map(lambda v: "" if np.isnan(v) else f"{v:g}")
    out["limit_standard"] = ""
    # some labs report aflatoxin in mg/kg rather than the reference μg/kg
    return out


CHINESE_DATE = {"iso": "%Y-%m-%d", "slash": "%Y/%m/%d", "zh": "%Y年%m月%d日", "compact": "%Y%m%d"}


def _write(frame: pd.DataFrame, path: Path, source: str, chinese: bool, encoding: str, date_style: str) -> None:
    contract = CONTRACTS[source]
    cols = [c for c in frame.columns if c in contract.names or c in ("patient_name", "id_number", "phone")]
    out = frame[cols].copy()
    date_col = contract.date_column
    out[date_col] = pd.to_datetime(out[date_col]).dt.strftime(CHINESE_DATE[date_style])
    if chinese:
        zh = {c.name: c.zh.split("|")[0] for c in (*contract.columns, *contract.personal)}
        out = out.rename(columns=zh)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, encoding=encoding)


def _ages(years: pd.Series, rng: np.random.Generator) -> pd.Series:
    text = years.map(lambda a: f"{int(a)}岁" if a >= 1 else f"{max(1, int(a * 12))}个月")
    plain = rng.random(len(years)) < 0.5
    return text.where(~plain | (years < 1), years.astype(int).astype(str))


def _pii(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n = len(frame)
    out = frame.copy()
    out["patient_name"] = [SURNAMES[i % 10] + GIVEN[j % 12] for i, j in zip(rng.integers(0, 10, n), rng.integers(0, 12, n), strict=True)]
    out["id_number"] = [f"{r}19{y:02d}0101{k:04d}"[:17] + "X" for r, y, k in
                        zip(frame["region_code"], rng.integers(50, 99, n), rng.integers(0, 9999, n), strict=True)]
    out["phone"] = [f"13{d:09d}" for d in rng.integers(0, 999_999_999, n)]
    return out


def generate(spec: DemoSpec, landing: Path, truth_path: Path) -> dict[str, int]:
    """Write the demo into ``landing`` and the injected events into ``truth_path``; returns file counts."""
    rng = np.random.default_rng(spec.seed)
    hospitals = sentinel_hospitals(rng)
    makers = _manufacturers(rng)
    inj = _injuries(spec, rng, hospitals)
    inj["age"] = _ages(inj["age_years"], rng)
    insp = _inspections(spec, rng, makers)
    food = _food_strings(_food(spec, rng), rng)
    written = {"injury": 0, "inspection": 0, "food": 0}
    daily_start = spec.daily_start

    for source, frame, date_col in (("injury", inj, "visit_date"), ("inspection", insp, "sampling_date"),
                                    ("food", food, "sampling_date")):
        history = frame[frame[date_col] < daily_start]
        years = pd.to_datetime(history[date_col]).dt.year
        for year, part in history.groupby(years):
            _write(part, landing / source / "history" / f"{source}_{year}.csv", source, False, "utf-8", "iso")
            written[source] += 1

    senders = {"injury": "hospital_code", "inspection": "inspection_agency", "food": None}
    styles = list(CHINESE_DATE)
    card_hospitals = _card_hospitals(hospitals)
    for offset in range(spec.daily_days):
        day = daily_start + timedelta(days=offset)
        for source, frame, date_col in (("injury", inj, "visit_date"), ("inspection", insp, "sampling_date"),
                                        ("food", food, "sampling_date")):
            todays = frame[frame[date_col] == day]
            key = None if spec.one_file_per_source else senders[source]
            groups = todays.groupby(key, sort=True) if key else [("all" if spec.one_file_per_source else "市疾控中心实验室", todays)]
            for n, (sender, part) in enumerate(groups):
                part = part.copy()
                h = zlib.crc32(f"{sender}|{offset}".encode()) % 7
                if source == "injury" and n % 4 == 0:
                    part = _pii(part, rng)
                if n == 0 and offset % 5 == 2 and len(part) > 2:  # a bad row now and then
                    part = _corrupt(part, source)
                encoding = "gb18030" if (n + offset) % 6 == 1 else ("utf-8-sig" if h == 3 else "utf-8")
                sender_id = _sender_id(str(sender))
                folder = landing / source / day.isoformat()
                path = folder / f"{source}_{sender_id}_{day:%Y%m%d}.csv"
                if not spec.one_file_per_source and _sends_layout(source, sender, offset, card_hospitals):
                    written[source] += _write_layout(source, part, path, day, rng)
                    continue
                _write(part, path, source, chinese=(n + offset) % 3 == 0, encoding=encoding,
                       date_style=styles[(n + offset) % len(styles)])
                written[source] += 1

    _write_truth(spec, truth_path, inj, insp, food, makers)
    return written


LAYOUT_INSPECTION_SENDER = "宝鸡市质量技术监督检验所"  # sends the provincial result table (XLSX, P/F)


def _card_hospitals(hospitals: pd.DataFrame) -> set[str]:
    """Every other demo hospital in the sentinel registry exports the national injury card."""
    from surveillance.ingest.senders.hospitals import RegistryError, registry

    try:
        known = registry()
    except RegistryError:
        return set()
    return {h for h in hospitals["hospital_code"].iloc[1::2] if h in known}


def _sends_layout(source: str, sender: object, offset: int, card_hospitals: set[str]) -> bool:
    """Which of the day's files come in a sender layout instead of the data contract's."""
    if source == "injury":
        return sender in card_hospitals
    if source == "inspection":
        return sender == LAYOUT_INSPECTION_SENDER
    return offset % 2 == 0  # the lab alternates: the national system's export every other day


def _write_layout(source: str, part: pd.DataFrame, path: Path, day: date, rng: np.random.Generator) -> int:
    from surveillance.demo import sender_layouts as lay

    if source == "injury":
        lay.write_injury_cards(part, path, rng)
        return 1
    if source == "inspection":
        lay.write_provincial_inspection(part, path.with_suffix(".xlsx"), day)
        return 1
    lay.write_food_export(part, path)
    announced = lay.write_food_announcement(part, path.parent / f"{path.stem}_不合格产品信息.xlsx", day)
    return 1 + int(announced)


def _sender_id(sender: str) -> str:
    if sender.isascii():
        return sender
    return {"陕西省产品质量监督检验研究院": "sxzj", "西安市产品质量监督检验院": "xazj",
            "宝鸡市质量技术监督检验所": "bjzj", "市疾控中心实验室": "cdclab"}.get(sender, "lab")


def _corrupt(part: pd.DataFrame, source: str) -> pd.DataFrame:
    """Make the first row invalid in a way a real sender might: a bad code, date or value."""
    part = part.reset_index(drop=True).astype({c: object for c in part.columns})
    if source == "injury":
        part.at[0, "region_code"] = "619999"
    elif source == "inspection":
        part.at[0, "manufacturer_uscc"] = part.at[0, "manufacturer_uscc"][:17] + "0"
    else:
        part.at[0, "result_value"] = "见附件"
    return part


def _write_truth(spec: DemoSpec, path: Path, inj: pd.DataFrame, insp: pd.DataFrame, food: pd.DataFrame,
                 makers: pd.DataFrame) -> None:
    """One row per injected event, with the series its signal carries (empty when ``spec.inject`` is off)."""
    path.parent.mkdir(parents=True, exist_ok=True)

    def event(name: str, series: str, part: pd.DataFrame, date_col: str) -> dict:
        cases = part["sample_id"].nunique() if "sample_id" in part else len(part)
        known = BY_NAME[name]
        return dict(event=name, domain=known.domain, series=series, start=part[date_col].min(), end=part[date_col].max(),
                    cases=cases, description=known.description)

    def injected(frame: pd.DataFrame, name: str) -> pd.DataFrame:
        return frame[frame["injected"] == name]

    profile = injected(food, "unusual_profile")
    rows = [] if not spec.inject else [
        event("injury_cluster", f"{CLUSTER_PRODUCT}|{CLUSTER_CITY}", inj[inj["cluster"]], "visit_date"),
        event("injury_pattern", f"{PATTERN_PRODUCT}|nature:{PATTERN_NATURE}", inj[inj["pattern"]], "visit_date"),
        event("repeat_failures", makers.iloc[FAILING_USCC_INDEX]["manufacturer_uscc"], injected(insp, "repeat_failures"),
              "sampling_date"),
        event("failure_rate", f"{RATE_CATEGORY}|{RATE_CITY}", injected(insp, "failure_rate"), "sampling_date"),
        event("new_failed_item", f"{NEW_ITEM_CATEGORY}|{NEW_ITEM}", injected(insp, "new_failed_item"), "sampling_date"),
        event("contaminant_trend", f"{TREND_CATEGORY}|{TREND_ANALYTE}", injected(food, "contaminant_trend"), "sampling_date"),
        event("exceedance_rate", f"{FOOD_RATE_CATEGORY}|{FOOD_RATE_CITY}", injected(food, "exceedance_rate"), "sampling_date"),
        event("unusual_profile", f"{PROFILE_CATEGORY}|{profile['sample_id'].iloc[0]}", profile, "sampling_date"),
    ]
    if rows and [r["event"] for r in rows] != [e.name for e in EVENTS]:
        raise RuntimeError("the demo's truth must list every event of demo/events.py, in its order")
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["event", "domain", "series", "start", "end", "cases", "description"])
        writer.writeheader()
        writer.writerows(rows)
