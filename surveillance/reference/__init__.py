"""Reference data shipped with the package: regions, catalogs, limits, agencies, routing.

Each table is a CSV under ``data/`` (provenance in ``data/README.md``) loaded once per process.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parent / "data"


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype=str, keep_default_na=False, encoding="utf-8")


@cache
def regions() -> pd.DataFrame:
    """Shaanxi GB/T 2260 divisions: province, 10 prefecture cities, counties."""
    return _read("regions.csv")


@cache
def product_categories() -> pd.DataFrame:
    return _read("product_categories.csv")


@cache
def food_categories() -> pd.DataFrame:
    return _read("food_categories.csv")


@cache
def analytes() -> pd.DataFrame:
    return _read("analytes.csv")


@cache
def food_limits() -> pd.DataFrame:
    frame = _read("food_limits.csv")
    frame["limit_value"] = frame["limit_value"].astype(float)
    return frame


@cache
def agencies() -> pd.DataFrame:
    return _read("agencies.csv")


@cache
def former_agencies() -> pd.DataFrame:
    """The 2015 plan's departments (and renamed ones) with the agency their duty passed to."""
    return _read("former_agencies.csv")


@cache
def duty_transfers() -> pd.DataFrame:
    """Which 2015 department's duty passed to which of today's agencies, and on what basis."""
    return _read("duty_transfers.csv")


@cache
def agency_names() -> dict[str, str]:
    """Agency id -> name: today's agencies, and former ones (alerts and digests sent before the reform
    keep the id they were sent to) named with their successor."""
    names = dict(zip(agencies()["agency_id"], agencies()["name"], strict=True))
    for row in former_agencies().itertuples(index=False):
        if row.agency_id not in names:
            names[row.agency_id] = f"{row.name}（已撤销，职责现属{names[row.successor_id]}）"
    return names


@cache
def category_names() -> dict[str, str]:
    """Product and food category codes, and their group codes, -> Chinese names."""
    names: dict[str, str] = {}
    for table in (product_categories(), food_categories()):
        names |= dict(zip(table["group_code"], table["group_name"], strict=True))
        names |= dict(zip(table["code"], table["name"], strict=True))
    return names


def category_name(code: str | None) -> str:
    """A category's (or category group's) Chinese name; an unknown code as it is."""
    return category_names().get(code, code) if code else ""


OFFICE_KIND = "ZLB"  # the coordinating office's kind in agencies.csv


@cache
def office() -> str:
    """The provincial coordinating office's agency id: it receives what no rule covers and may decide any episode."""
    frame = agencies()
    return str(frame[(frame["kind"] == OFFICE_KIND) & (frame["level"] == "province")]["agency_id"].iloc[0])


@cache
def successors() -> dict[str, str]:
    """Former agency id -> the id of today's agency its duty passed to."""
    former = former_agencies()
    return dict(zip(former["agency_id"], former["successor_id"], strict=True))


@cache
def agency_levels() -> dict[str, str]:
    """Agency id -> province | city."""
    return dict(zip(agencies()["agency_id"], agencies()["level"], strict=True))


@cache
def predecessors(agency_id: str) -> tuple[str, ...]:
    """An agency's id and the ids of the departments whose duty passed to it (their alerts are its history)."""
    former = former_agencies()
    return tuple(dict.fromkeys([agency_id, *former[former["successor_id"] == agency_id]["agency_id"]]))


@cache
def routing_rules() -> pd.DataFrame:
    frame = _read("routing_rules.csv")
    frame["lead"] = frame["lead"] == "1"
    frame["reach"] = frame["reach"].where(frame["reach"].isin(("city", "county")), "city")
    return frame


@cache
def _own_counties() -> frozenset[str]:
    """County codes below their city's jurisdiction (杨凌区 is a jurisdiction of its own: not listed)."""
    r = regions()
    return frozenset(r[(r["level"] == "county") & (r["jurisdiction_code"] != r["code"])]["code"])


def county_places(codes) -> list[str]:
    """The county codes among ``codes`` (region codes of samples or places), each once, in order."""
    counties = _own_counties()
    return [c for c in dict.fromkeys(str(c) for c in codes if c) if c in counties]


def _lookup(frame: pd.DataFrame, code_col: str, name_col: str) -> dict[str, str]:
    """Map codes, names and '|'-separated aliases (all stripped) to the code."""
    table: dict[str, str] = {}
    for row in frame.itertuples(index=False):
        code = getattr(row, code_col)
        aliases = getattr(row, "aliases", "") or ""
        for key in [code, getattr(row, name_col), *aliases.split("|")]:
            if key:
                table.setdefault(key.strip(), code)
                # senders' text is compared after NFKC (full-width brackets, Ⅳ -> IV, ₁ -> 1)
                table.setdefault(unicodedata.normalize("NFKC", key).strip(), code)
    return table


@cache
def region_lookup() -> dict[str, str]:
    """Region name or code -> 6-digit code (counties and cities; names unique within Shaanxi)."""
    table = _lookup(regions().assign(aliases=""), "code", "name")
    for row in regions().itertuples(index=False):
        short = row.name.removesuffix("市").removesuffix("县").removesuffix("区")
        if len(short) >= 2:
            table.setdefault(short, row.code)
    table["杨凌示范区"] = "610403"
    table["杨凌"] = "610403"
    names = dict(zip(regions()["code"], regions()["name"], strict=True))
    for row in regions().itertuples(index=False):
        city = names.get(row.city_code) if isinstance(row.city_code, str) else None
        if row.level == "county" and city:
            table.setdefault(city + row.name, row.code)  # 西安市碑林区
            table.setdefault("陕西省" + city + row.name, row.code)  # 陕西省西安市碑林区
        elif row.level == "city":
            table.setdefault("陕西省" + row.name, row.code)
    for old, new in region_successors().items():
        table.setdefault(old, new)
        if not old.isdigit():
            short = old.removesuffix("县")
            table.setdefault(short, new)
    for row in provinces().itertuples(index=False):
        if row.code != "610000":
            table.setdefault(row.name, row.code)
            table.setdefault(row.code, row.code)
    return table


@cache
def jurisdiction_of() -> dict[str, str]:
    """Region code -> routing jurisdiction (prefecture city, or Yangling zone)."""
    frame = regions()
    table = dict(zip(frame["code"], frame["jurisdiction_code"], strict=True))
    table.update(dict.fromkeys((c for c in provinces()["code"] if c != "610000"), OUTSIDE_PROVINCE))
    return table


@cache
def jurisdiction_names() -> dict[str, str]:
    frame = regions()
    names = dict(zip(frame["code"], frame["name"], strict=True))
    names["610403"] = "杨凌示范区"
    names[""] = "全省"
    names[OUTSIDE_PROVINCE] = "省外"
    return names


@cache
def product_lookup() -> dict[str, str]:
    return _lookup(product_categories(), "code", "name")


@cache
def food_category_lookup() -> dict[str, str]:
    return _lookup(food_categories(), "code", "name")


@cache
def analyte_lookup() -> dict[str, str]:
    return _lookup(analytes(), "code", "name")


def county_codes() -> list[str]:
    return regions().query("level == 'county'")["code"].tolist()


def place_codes() -> list[str]:
    """Every region code a record may carry: Shaanxi's counties, its cities (a record naming only the
    city), and the other provinces (records about places outside Shaanxi, kept and marked)."""
    return (county_codes() + regions().query("level == 'city'")["code"].tolist()
            + [c for c in provinces()["code"] if c != "610000"])


def jurisdictions() -> list[str]:
    """The 10 prefecture cities and the Yangling zone."""
    return regions().query("level == 'city'")["code"].tolist() + ["610403"]


OUTSIDE_PROVINCE = "000000"  # jurisdiction of rows about places outside Shaanxi: kept, marked, not a city's series


@cache
def region_successors() -> dict[str, str]:
    """Old division code or name -> today's code (a county renamed or made a district keeps its series)."""
    frame = _read("region_successors.csv")
    table = dict(zip(frame["old_code"], frame["new_code"], strict=True))
    table.update(zip(frame["old_name"], frame["new_code"], strict=True))
    return table


@cache
def provinces() -> pd.DataFrame:
    """The 34 province-level divisions (GB/T 2260), for marking places outside Shaanxi."""
    return _read("provinces.csv")


@cache
def injury_codes() -> pd.DataFrame:
    """The national injury surveillance report card's code tables (field, code, label, aliases)."""
    return _read("injury_codes.csv")


@cache
def injury_code_table(field: str) -> tuple[dict[str, str], dict[str, str]]:
    """(code -> label, NFKC label or alias -> label) of one card field; empty when the card has no table."""
    import unicodedata

    rows = injury_codes()[injury_codes()["field"] == field]
    codes = dict(zip(rows["code"], rows["label"], strict=True))
    labels: dict[str, str] = {}
    for row in rows.itertuples(index=False):
        for name in [row.label, *(row.aliases.split("|") if row.aliases else [])]:
            key = unicodedata.normalize("NFKC", name).replace(" ", "")
            labels.setdefault(key.lower() if key.isascii() else key, row.label)  # English labels in any case
    return codes, labels


def injury_labels(field: str) -> list[str]:
    return injury_codes().query("field == @field")["label"].tolist()


@cache
def _address_names() -> list[tuple[str, str]]:
    """(name, code) for matching inside addresses: full county and city names, old names too, longest first."""
    pairs = [(r.name, r.code) for r in regions().itertuples(index=False) if r.level != "province"]
    pairs += [(old, new) for old, new in region_successors().items() if not old.isdigit()]
    pairs.append(("杨凌示范区", "610403"))
    pairs.append(("杨凌区", "610403"))
    return sorted(pairs, key=lambda p: -len(p[0]))


@cache
def _province_names() -> list[tuple[str, str]]:
    pairs = [(r.name, r.code) for r in provinces().itertuples(index=False)]
    pairs += [(r.short_name, r.code) for r in provinces().itertuples(index=False)]
    return sorted(pairs, key=lambda p: -len(p[0]))


@cache
def region_from_text(text: str) -> str | None:
    """The division an address or a '省 市 县' text names: a Shaanxi county (or city, when no county is
    named), today's code for an old name, or the province code of a place outside Shaanxi; None if none.

    Only full names count inside an address (长安区, not 长安: 长安路 is a street in every city)."""
    import unicodedata

    value = "".join(unicodedata.normalize("NFKC", text).split())
    if not value:
        return None
    code = region_lookup().get(value)  # codes and names, old ones mapped to their successors
    if code:
        return code
    for name, pcode in _province_names():
        if value.startswith(name) and pcode != "610000":
            return pcode
    pattern, codes = _address_pattern()
    found = [codes[m.group(0)] for m in pattern.finditer(value)]
    county = next((c for c in found if not c.endswith("00")), None)
    return county or next(iter(found), None) or _outside_at_start(value)


@cache
def _outside_names() -> list[tuple[str, str]]:
    """Places a text may begin with: cities and counties outside Shaanxi (their province), and Shaanxi's cities and
    counties by short name (西安, 凤翔: a company registered there is named so)."""
    frame = _read("places_outside.csv")
    pairs = list(zip(frame["name"], frame["province_code"], strict=True))
    for row in regions().itertuples(index=False):
        short = row.name.removesuffix("市").removesuffix("县").removesuffix("区")
        if row.level != "province" and len(short) >= 2 and short != row.name:
            pairs.append((short, row.code))
    return sorted(pairs, key=lambda p: -len(p[0]))


_NOT_A_PLACE_AFTER = set("路街道巷弄里号大东西南北中")
_COMPANY_FORMS = ("有限公司", "有限责任公司", "股份有限公司", "公司", "厂", "集团", "合作社")


def _outside_at_start(value: str) -> str | None:
    """The province of a city or county outside Shaanxi that a text begins with (佛山市顺德区…, 慈溪市…, a company
    named 湖州永兴…有限公司): ``places_outside.csv``, names unique across provinces. A city's short name counts only at
    the start of a company's name, and not before a street word (中山路 is a street, not 中山市)."""
    for name, code in _outside_names():
        if value.startswith(name):
            short = not name.endswith(("市", "县", "区", "旗", "州", "盟"))
            # a company is named 行政区划 + 字号 + 行业 + 组织形式: its first words are its registration place
            if short and (value[len(name):len(name) + 1] in _NOT_A_PLACE_AFTER or not value.endswith(_COMPANY_FORMS)):
                continue
            return code
    return None


@cache
def _address_pattern():
    """One alternation of every full division name, longest first (a C-speed scan of each address)."""
    import re

    pairs = _address_names()
    codes: dict[str, str] = {}
    for name, code in pairs:
        codes.setdefault(name, code)
    return re.compile("|".join(re.escape(n) for n, _ in pairs)), codes


def with_unknown(table: pd.DataFrame, codes: pd.Series | None, **defaults: object) -> pd.DataFrame:
    """``table`` (indexed by code) with a row for each of ``codes`` it lacks: named by itself, ``defaults``
    for the other columns. Records keep what senders call things our tables do not know yet."""
    if codes is None:
        return table
    unknown = sorted(set(codes.dropna().astype(str)) - set(table.index))
    if not unknown:
        return table
    extra = pd.DataFrame({col: [defaults.get(col, "")] * len(unknown) for col in table.columns}, index=unknown)
    if "name" in table.columns:
        extra["name"] = unknown
    return pd.concat([table, extra])


@cache
def _verdict_words() -> tuple[dict[str, str], list[tuple[str, str]]]:
    frame = _read("verdicts.csv")
    exact = {r.word: r.verdict for r in frame.itertuples(index=False)}
    prefixes = [(r.word, r.verdict) for r in frame.itertuples(index=False) if r.match == "prefix"]
    return exact, sorted(prefixes, key=lambda p: -len(p[0]))


def verdict_of(text: object) -> str | None:
    """合格 / 不合格 from a verdict as any sender writes it (P/F, 符合/不符合, √/×, 所检项目均合格 …), one vocabulary
    for every layout (``verdicts.csv``); None when the text is not a verdict."""
    import unicodedata

    value = "".join(unicodedata.normalize("NFKC", str(text or "")).split()).lower()
    if not value:
        return None
    exact, prefixes = _verdict_words()
    if value in exact:
        return exact[value]
    return next((verdict for word, verdict in prefixes if value.startswith(word)), None)


def list_meaning(text: str) -> str | None:
    """Whether a title, sheet name or file name says its list is of 不合格 or of 合格 samples; None when it says
    neither, or both (``抽检信息（合格+不合格）``)."""
    import re
    import unicodedata

    value = "".join(unicodedata.normalize("NFKC", str(text or "")).split())
    failed = bool(re.search(r"不合格|不符合|问题产品|问题食品|超标", value))
    passed = bool(re.search(r"(?<![不])(合格|符合)", value))
    if failed == passed:
        return None
    return "不合格" if failed else "合格"


@cache
def stage_words() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(stage, words) in the order they are tried: the kind of place a sample was taken at (鲜禽店 -> 流通)."""
    frame = _read("stage_words.csv")
    order = list(dict.fromkeys(frame["stage"]))
    return tuple((s, tuple(frame.loc[frame["stage"] == s, "word"])) for s in order)


@cache
def header_words() -> tuple[dict[str, str], list[tuple[str, str]]]:
    """(ASCII header -> Chinese header, Chinese word -> its canonical word longest first): the words real
    headers are made of, so that a header is read by meaning, not by one exact spelling."""
    frame = _read("header_words.csv")
    ascii_ = {r.word: r.means for r in frame.itertuples(index=False) if r.word.isascii()}
    words = [(r.word, r.means) for r in frame.itertuples(index=False) if not r.word.isascii()]
    return ascii_, sorted(words, key=lambda p: -len(p[0]))


@cache
def field_headers(source: str) -> dict[str, tuple[str, ...]]:
    """The headers each field of ``source``'s sender layouts goes by in real files (``field_headers.csv``):
    one vocabulary that every profile of the source reads with, beside its own aliases."""
    frame = _read("field_headers.csv")
    frame = frame[frame["source"] == source]
    return {r.field: tuple(h for h in r.headers.split("|") if h) for r in frame.itertuples(index=False)}
