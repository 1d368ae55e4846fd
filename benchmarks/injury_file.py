"""A large, realistic hospital injury export for the ingest benchmark, built fast with numpy.

Chinese headers, personal-data columns, a mix of date and age styles, and a small share of bad rows,
as hospital systems send them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from surveillance import reference
from surveillance.ingest.validate import suites

HEADER = ["报告卡编号", "医院编码", "行政区划代码", "就诊日期", "性别", "年龄", "伤害原因", "伤害意图", "伤害性质",
          "受伤部位", "严重程度", "结局", "产品分类代码", "产品名称", "伤害经过", "姓名", "身份证号", "联系电话"]


def injury_frame(n: int, seed: int = 1, bad_share: float = 0.001) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    counties = np.array(reference.county_codes())
    products = reference.product_categories()
    days = pd.date_range("2024-01-01", "2026-10-31").strftime("%Y-%m-%d").to_numpy()
    pick = lambda values, size=n: np.asarray(values, dtype=object)[rng.integers(0, len(values), size)]  # noqa: E731
    hospital = rng.integers(0, 40, n)
    ages = rng.integers(0, 95, n).astype(str).astype(object)
    ages[rng.random(n) < 0.5] += "岁"
    prod = rng.integers(0, len(products), n)
    frame = pd.DataFrame({
        "报告卡编号": np.char.add("R", np.arange(n).astype(str)).astype(object),
        "医院编码": np.char.add("H6101", hospital.astype(str)).astype(object),
        "行政区划代码": pick(counties),
        "就诊日期": pick(days),
        "性别": pick(["男", "女"]),
        "年龄": ages,
        "伤害原因": pick(suites.INJURY_CAUSES),
        "伤害意图": pick(suites.INJURY_INTENTS),
        "伤害性质": pick(suites.INJURY_NATURES),
        "受伤部位": pick(suites.BODY_PARTS),
        "严重程度": pick(["轻度", "中度", "重度"]),
        "结局": pick(["处理后离院", "住院", "转院"]),
        "产品分类代码": products["code"].to_numpy()[prod].astype(object),
        "产品名称": products["name"].to_numpy()[prod].astype(object),
        "伤害经过": pick(["在家中使用时受伤", "玩耍时跌倒", "烧水时烫伤", "骑行时摔倒", "操作不慎划伤"]),
        "姓名": pick(["张三", "李四", "王五", "赵六"]),
        "身份证号": np.char.add("61010219800101", rng.integers(1000, 9999, n).astype(str)).astype(object),
        "联系电话": np.char.add("1380000", rng.integers(1000, 9999, n).astype(str)).astype(object),
    })
    slash = rng.random(n) < 0.2
    frame.loc[slash, "就诊日期"] = frame.loc[slash, "就诊日期"].str.replace("-", "/")
    bad = rng.random(n) < bad_share
    frame.loc[bad, "性别"] = "X"  # fails the allowed-values expectation: quarantined
    return frame


def write_injury_csv(path: Path, n: int, seed: int = 1) -> Path:
    """Write ``n`` rows in chunks so building the file stays within memory too."""
    path.parent.mkdir(parents=True, exist_ok=True)
    step = 200_000
    with path.open("w", encoding="utf-8", newline="") as fh:
        for start in range(0, n, step):
            part = injury_frame(min(step, n - start), seed=seed + start)
            part["报告卡编号"] = "R" + pd.Series(np.arange(start, start + len(part)).astype(str))
            part.to_csv(fh, index=False, header=start == 0)
    return path
