"""Who a report is about: unit name, short name, region, city, fiscal year and kind.

Read from the content only, never from the file name.  A document that names no unit, no
year or no report kind is not a 决算/绩效 report and is refused.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from etl.model import InputError

CJK = r"\u4e00-\u9fff"
# Full unit names: 中共XX县委办公室 / 中共XX市XX区委XX办公室 / XX县人民政府办公室 ...
UNIT_NAME = re.compile(
    rf"(中共[{CJK}]{{2,12}}?[县区市]委[{CJK}]{{0,10}}?办公室"
    rf"|[{CJK}]{{2,12}}?(?:自治县|县|区)人民政府[{CJK}]{{0,8}}?办公室)"
)
# Short names the reports use for themselves: 县委办, 区委办, 县政府办, 区委绩效办 ...
SHORT_NAME = re.compile(rf"([县区市](?:委|政府)[{CJK}]{{0,3}}?办)(?!公)")
REGION = re.compile(rf"([{CJK}]{{2,8}}?(?:自治县|县|区))")
CITY = re.compile(rf"([{CJK}]{{2,3}}?市)")
# a city named as an issuer before the region: 中共乐山市委…〈峨边彝族自治县…〉
CITY_ISSUER = re.compile(rf"(?:中共|^|[^{CJK}])([{CJK}]{{2,3}}?市)(?:委|人民政府)")
KIND_FINAL = re.compile(r"(20\d\d)年度?(?:部门|单位)?决算")
KIND_EVAL = re.compile(r"(20\d\d)年度?(?:部门|单位)?(?:整体支出)?绩效(?:自评|评价)")
SYNTHETIC_MARK = "合成数据"  # generated reports say so in their text
CITY_WINDOW = 40  # characters before the region in which a stated city counts


@dataclass
class Identity:
    """The identity fields of a report."""

    unit_name: str
    unit_short: str | None
    region: str | None
    city: str | None
    fiscal_year: int
    doc_kind: str
    is_synthetic: bool


def read_identity(text: str) -> Identity:
    """Given a report's whole normalised text, return its identity or raise InputError."""
    seen: dict[str, str] = {}
    names: Counter = Counter()
    for m in UNIT_NAME.finditer(text):
        raw = m.group(1)
        if raw not in seen:
            seen[raw] = _trimmed(raw, text)
        names[seen[raw]] += 1
    if not names:
        raise InputError("不是决算或绩效自评报告：未找到单位名称")
    unit_name = _main_name(names)
    kind, year = _kind_and_year(text)
    if kind is None:
        raise InputError("不是决算或绩效自评报告：未找到“××年度部门决算”或“绩效自评”字样")
    city, region = _city_and_region(unit_name, text)
    shorts = Counter(m.group(1) for m in SHORT_NAME.finditer(text))
    unit_short = shorts.most_common(1)[0][0] if shorts else None
    return Identity(
        unit_name=unit_name,
        unit_short=unit_short,
        region=region,
        city=city,
        fiscal_year=year,
        doc_kind=kind,
        is_synthetic=SYNTHETIC_MARK in text,
    )


def _trimmed(name: str, text: str) -> str:
    """Given a matched unit name and the text, return it without words run into its front."""
    # Normalised text has no spaces, so a label before the name (主管部门, 实施单位, 2023年度)
    # joins it: 实施单位澄岚县人民政府办公室.  When the name never stands on its own but a
    # shorter full name inside it does (after punctuation or at the start), that one is meant.
    # A digit before a name does not set it apart (2023年度澄岚县… is not a name).
    if _stands_alone(name, text):
        return name
    for i in range(1, len(name) - 1):
        tail = name[i:]
        if UNIT_NAME.fullmatch(tail) and _stands_alone(tail, text):
            return tail
    return name


def _stands_alone(name: str, text: str) -> bool:
    """Given a unit name and the text, return whether it occurs with no CJK or digit before it."""
    return re.search(rf"(?:^|[^{CJK}0-9]){re.escape(name)}", text) is not None


def _main_name(names: Counter) -> str:
    """Given counted unit-name candidates, return the report's own unit name."""
    best, best_count = names.most_common(1)[0]
    # a longer variant of the best name (中共乐山市金口河区委办公室 vs 金口河区委办公室) wins
    for name, n in names.most_common():
        if name != best and best in name and n * 3 >= best_count:
            return name
    return best


def _kind_and_year(text: str) -> tuple[str | None, int]:
    """Given report text, return its kind (决算 or 绩效自评) and fiscal year."""
    finals = Counter(int(m.group(1)) for m in KIND_FINAL.finditer(text))
    if "决算情况说明" in text and finals:
        return "决算", finals.most_common(1)[0][0]
    evals = Counter(int(m.group(1)) for m in KIND_EVAL.finditer(text))
    if evals:
        return "绩效自评", evals.most_common(1)[0][0]
    if finals:
        return "决算", finals.most_common(1)[0][0]
    return None, 0


def _city_and_region(unit_name: str, text: str) -> tuple[str | None, str | None]:
    """Given the unit name and report text, return (city, region) where stated."""
    rest = unit_name.removeprefix("中共")
    city = None
    m = CITY.match(rest)
    if m and not REGION.match(rest[: m.end()]):
        city = m.group(1)
        rest = rest[m.end() :]
    r = REGION.match(rest)
    region = r.group(1) if r else None
    if city is None and region:
        # a city stated right before the region elsewhere (乐山市…〈峨边彝族自治县…〉)
        for hit in re.finditer(re.escape(region), text):
            window = text[max(0, hit.start() - CITY_WINDOW) : hit.start()]
            found = CITY_ISSUER.findall(window)
            if found:
                city = found[-1]
                break
    return city, region
