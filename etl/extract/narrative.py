"""Metrics stated in the narrative: one regular expression per way a report says a figure.

Each rule matches the normalised text of one sentence (no whitespace, ASCII digits) and
names the metric keys its groups fill.  Money is always read with its unit (万元 or 元); a
sentence that gives a number without a unit is not read.  Signed changes take their sign
from the verb (减少/下降 negative, 增加/增长 positive).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from etl.extract.textnorm import NUMBER as N
from etl.extract.textnorm import NormText, to_wanyuan

MONEY = r"(万元|元)"
Q = r"[“”\"'‘’]?"  # an optional quote mark around 三公
SEP = r"[，,、]?"
DOWN = {"减少", "下降"}
UP_DOWN = r"(增加|减少|增长|下降)"

# Section headings, most specific first: (key, words the heading contains).
SECTIONS = (
    ("fiscal", "财政拨款收入支出决算总体情况"),
    ("total", "收入支出决算总体情况"),
    ("income", "收入决算情况"),
    ("basic", "基本支出决算情况"),
    ("sangong", "三公"),
    ("gpb", "一般公共预算财政拨款支出决算"),
    ("gov_fund", "政府性基金预算"),
    ("state_capital", "国有资本经营预算"),
    ("expenditure", "支出决算情况"),
    ("operating", "机关运行经费"),
    ("procurement", "政府采购"),
    ("assets", "国有资产占有使用情况"),
    ("glossary", "名词解释"),
    ("attachment", "附件"),
)
GLOSSARY_ENTRY = re.compile(r"[：:]+(?:指|反映|是指|用于)")
PART_HEADING = re.compile(r"^第[一二三四五六七八九十\d]+部分")  # opens a part: resets the section
HEADING = re.compile(
    r"^(?:第[一二三四五六七八九十\d]+部分|[一二三四五六七八九十]+[、.．]|\d+[、.．]|[（(][一二三四五六七八九十\d]+[）)])"
)
HEADING_MAX_CHARS = 40  # a heading is a short line; longer lines are sentences


@dataclass
class Hit:
    """One value read from a sentence: metric key, value, unit and the matched span."""

    metric: str
    value: float
    unit: str
    start: int
    end: int


def signed(verb: str, number: str | float) -> float:
    """Given a verb of change and a number, return the number with the verb's sign."""
    value = float(number)
    return -value if verb in DOWN else value


Reader = Callable[[re.Match, str], list[tuple[str, float, str]]]


def money(metric: str) -> Reader:
    """Given a metric key, return a reader of a (number, unit) match as that amount in 万元."""
    return lambda m, _section: [(metric, to_wanyuan(m.group(1), m.group(2)), "万元")]


def count(metric: str, unit: str) -> Reader:
    """Given a metric key and its unit, return a reader of a counted number."""
    return lambda m, _section: [(metric, float(m.group(1)), unit)]


def change(prefix: str, group: int = 1) -> Reader:
    """Given a metric prefix, return a reader of the groups (verb, amount, unit, verb, percent)."""

    def read(m: re.Match, _section: str) -> list[tuple[str, float, str]]:
        verb, amount, unit, pct_verb, pct = (m.group(group + i) for i in range(5))
        out = [(f"{prefix}.change", signed(verb, to_wanyuan(amount, unit)), "万元")]
        if pct is not None:
            out.append((f"{prefix}.change_pct", signed(pct_verb, pct), "%"))
        return out

    return read


def total_or_fiscal(m: re.Match, section: str) -> list[tuple[str, float, str]]:
    """Given a 收、支总计 match, return it as the fiscal total under the fiscal heading."""
    metric = "fiscal.total" if section == "fiscal" else "total.income_expenditure"
    return [(metric, to_wanyuan(m.group(1), m.group(2)), "万元")]


def sangong_total(m: re.Match, _section: str) -> list[tuple[str, float, str]]:
    """Given a 三公 total match (budget optional), return budget and actual in 万元."""
    out = []
    if m.group(1) is not None:
        out.append(("sangong.budget", to_wanyuan(m.group(1), m.group(2)), "万元"))
    out.append(("sangong.total", to_wanyuan(m.group(3), m.group(4)), "万元"))
    return out


PCT_TAIL = rf"(?:{SEP}(?:较上年度?|比上年度?)?{UP_DOWN}{N}%)?"
CHANGE = rf"{UP_DOWN}{N}{MONEY}{PCT_TAIL}"  # groups: verb, amount, unit, pct verb, pct
COMPARED = r"(?:较上年度?|比上年度?|比20\d\d年度?|较20\d\d年度?|与20\d\d年度?相比[，,]?)"


@dataclass(frozen=True)
class Rule:
    """A pattern, the sections where it applies (None: anywhere) and how to read a match."""

    pattern: re.Pattern
    read: Reader
    sections: frozenset[str] | None = None
    not_sections: frozenset[str] = frozenset({"glossary"})


def rule(pattern: str, read: Reader, sections=None, not_sections=("glossary",)) -> Rule:
    """Given a pattern and its reader, return a compiled Rule."""
    return Rule(
        re.compile(pattern),
        read,
        frozenset(sections) if sections else None,
        frozenset(not_sections),
    )


INCOME_PARTS = (
    ("一般公共预算财政拨款收入", "income.general_budget"),
    ("政府性基金预算财政拨款收入", "income.gov_fund"),
    ("国有资本经营预算财政拨款收入", "income.state_capital"),
    ("上级补助收入", "income.superior_subsidy"),
    ("事业收入", "income.business"),
    ("经营收入", "income.operating"),
    ("附属单位上缴收入", "income.affiliate"),
    ("其他收入", "income.other"),
)
EXPENDITURE_PARTS = (
    ("基本支出", "expenditure.basic"),
    ("项目支出", "expenditure.project"),
    ("上缴上级支出", "expenditure.remit_superior"),
    ("经营支出", "expenditure.operating"),
    ("对附属单位补助支出", "expenditure.affiliate_subsidy"),
)
VEHICLE_USES = (
    ("部级领导干部用车", "vehicles.ministerial"),
    ("主要领导干部用车", "vehicles.leadership"),
    ("机要通信用车", "vehicles.confidential"),
    ("应急保障用车", "vehicles.emergency"),
    ("执法执勤用车", "vehicles.law_enforcement"),
    ("特种专业技术用车", "vehicles.special"),
    ("离退休干部用车", "vehicles.retiree"),
    ("其他用车", "vehicles.other"),
)
VEHICLE_TYPES = (
    ("轿车", "vehicles.sedan"),
    ("越野车", "vehicles.suv"),
    ("载客汽车", "vehicles.bus"),
)
SANGONG = rf"三公{Q}经费财政拨款"

RULES: tuple[Rule, ...] = (
    # 收支总计 (the same sentence under 财政拨款收入支出决算总体情况 is the fiscal total)
    rule(rf"(?<!拨款)收入?、支出?总计(?:均为|各为|为){N}{MONEY}", total_or_fiscal),
    rule(
        rf"(?<!拨款)收入?、支出?总计各{CHANGE}",
        change("total"),
        not_sections=("fiscal", "glossary"),
    ),
    rule(rf"财政拨款收入?、支出?总计(?:均为|各为|为)?{N}{MONEY}", money("fiscal.total")),
    # 收入: the parts are read in the 收入决算 section or the sentence of 本年收入合计
    rule(rf"本年收入合计(?:为)?{N}{MONEY}", money("income.total")),
    *(
        rule(rf"{label}(?:为)?{N}{MONEY}", money(key), sections=("income",))
        for label, key in INCOME_PARTS
    ),
    # 支出
    rule(rf"本年支出合计(?:为)?{N}{MONEY}", money("expenditure.total")),
    *(
        rule(rf"(?<!拨款){label}[：:]?(?:为)?{N}{MONEY}", money(key), sections=("expenditure",))
        for label, key in EXPENDITURE_PARTS
    ),
    # 一般公共预算财政拨款支出
    rule(rf"一般公共预算财政拨款支出(?:决算)?(?:为)?{N}{MONEY}", money("gpb.total")),
    rule(rf"一般公共预算财政拨款支出{CHANGE}", change("gpb")),
    # 基本支出: 人员经费 / 公用经费
    rule(rf"人员经费(?:为)?{N}{MONEY}", money("basic.personnel"), sections=("basic",)),
    rule(rf"(?:日常)?公用经费(?:为)?{N}{MONEY}", money("basic.public"), sections=("basic",)),
    # 三公经费
    rule(rf"{SANGONG}(?:预算数?为{N}{MONEY}[，,])?支出决算为{N}{MONEY}", sangong_total),
    rule(rf"{SANGONG}[^。]*?支出决算为{N}{MONEY}[^。]*?{COMPARED}{CHANGE}", change("sangong", 3)),
    rule(rf"因公出国[（(]境[）)]费支出决算(?:为)?{N}{MONEY}", money("sangong.outbound")),
    rule(rf"团组{N}次", count("sangong.outbound.groups", "个"), sections=("sangong",)),
    rule(
        rf"团组\d+次[，,]出国[（(]境[）)]{N}人",
        count("sangong.outbound.persons", "人"),
        sections=("sangong",),
    ),
    rule(rf"公务用车购置及运行维护费支出决算(?:为)?{N}{MONEY}", money("sangong.vehicle")),
    rule(rf"公务用车购置支出(?:为)?{N}{MONEY}", money("sangong.vehicle.purchase")),
    rule(rf"更新购置公务用车{N}辆", count("sangong.vehicle.purchase_count", "辆")),
    rule(rf"公务用车运行维护费支出(?:为)?{N}{MONEY}", money("sangong.vehicle.operation")),
    rule(rf"公务接待费支出决算(?:为)?{N}{MONEY}", money("sangong.reception")),
    rule(rf"国内公务接待支出(?:为)?{N}{MONEY}", money("sangong.reception.domestic")),
    rule(rf"国内公务接待{N}批次", count("sangong.reception.batches", "批次")),
    rule(rf"国内公务接待\d+批次[，,]{N}人次", count("sangong.reception.persons", "人次")),
    rule(rf"外事接待支出(?:为)?{N}{MONEY}", money("sangong.reception.foreign")),
    # 机关运行经费
    rule(rf"机关运行经费支出(?:为)?{N}{MONEY}", money("operating_costs")),
    rule(
        rf"机关运行经费支出(?:为)?{N}{MONEY}{SEP}{COMPARED}{CHANGE}", change("operating_costs", 3)
    ),
    # 政府采购
    rule(rf"政府采购支出总额(?:为)?{N}{MONEY}", money("procurement.total")),
    rule(rf"政府采购货物支出(?:为)?{N}{MONEY}", money("procurement.goods")),
    rule(rf"政府采购工程支出(?:为)?{N}{MONEY}", money("procurement.works")),
    rule(rf"政府采购服务支出(?:为)?{N}{MONEY}", money("procurement.services")),
    rule(rf"授予中小企业合同(?:金额)?(?:为)?{N}{MONEY}", money("procurement.sme")),
    rule(rf"授予小微企业合同(?:金额)?(?:为)?{N}{MONEY}", money("procurement.small_micro")),
    # 预算 (unit level, self-evaluation)
    rule(rf"年初预算支出(?:为)?{N}{MONEY}", money("budget.initial")),
    # 人员
    rule(rf"(?:总编制|共有编制|编制数)(?:为)?{N}[人名]", count("staff.authorized", "人")),
    rule(
        rf"(?:年末实有人数|在职人员总数|年末在编在职人员|实际在职人数)(?:为)?{N}[人名]",
        count("staff.actual", "人"),
    ),
)

OVERALL_SCORE = re.compile(rf"绩效(?:自评|评价)+(?:总)?得分(?:[：:]|为)?{N}分")
FLEET = re.compile(rf"共有公务用车{N}辆")
FLEET_ASSETS = re.compile(rf"共有车辆{N}辆")
# A sentence of its own listing the fleet by use, after "…共有车辆12辆。": 按用途分：… / 其中，…
USE_LIST = re.compile(r"^(?:其中[，,：:]?|按(?:车辆)?用途(?:划)?分(?:类)?[：:，,]?)+")


def section_of(heading: str, current: str = "") -> str | None:
    """Given a normalised heading and the current section, return the section it opens, or None."""
    if current == "glossary" and GLOSSARY_ENTRY.search(heading):
        return None  # "5.事业收入：指…" is an entry of the glossary, not a heading
    for key, words in SECTIONS:
        if words in heading:
            return key
    if PART_HEADING.match(heading) or current == "glossary":
        return ""
    return None


def is_heading(norm: str) -> bool:
    """Given a normalised paragraph, return whether it reads as a section heading."""
    return len(norm) <= HEADING_MAX_CHARS and bool(HEADING.match(norm)) and "万元" not in norm


SENTENCE_END = re.compile(r"[。！？]")


def sentences(norm: str) -> list[tuple[int, int]]:
    """Given normalised text, return the spans of its sentences."""
    spans, start = [], 0
    for m in SENTENCE_END.finditer(norm):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(norm):
        spans.append((start, len(norm)))
    return spans


def read_sentence(nt: NormText, start: int, end: int, section: str) -> list[Hit]:
    """Given a sentence span of normalised text and its section, return every value it states."""
    text = nt.text[start:end]
    hits: list[Hit] = []
    for r in RULES:
        if r.sections is not None and section not in r.sections:
            if not _outside_section_ok(r, text):
                continue
        if section in r.not_sections:
            continue
        for m in r.pattern.finditer(text):
            values = r.read(m, section)
            for metric, value, unit in values:
                hits.append(Hit(metric, value, unit, start + m.start(), start + m.end()))
    hits.extend(_overall_score(text, start))
    hits.extend(_fleet(text, start))
    if section == "assets" and (m := USE_LIST.match(text)):
        hits.extend(_vehicle_uses(text, start, m.end()))
    return hits


def _outside_section_ok(r: Rule, text: str) -> bool:
    """Given a section-bound rule, return whether the sentence itself names its context."""
    if r.sections == frozenset({"income"}):
        return "本年收入合计" in text
    if r.sections == frozenset({"expenditure"}):
        return "本年支出合计" in text
    if r.sections == frozenset({"basic"}):
        return "基本支出" in text and "其中" in text
    if r.sections == frozenset({"sangong"}):
        return "因公出国" in text
    return False


def _overall_score(text: str, offset: int) -> list[Hit]:
    """Given a sentence, return the unit-wide self-evaluation score it states, if any."""
    hits = []
    for part_start, part in _parts(text, "；;"):
        m = OVERALL_SCORE.search(part)
        if not m:
            continue
        before = part[: m.start()]
        if "整体" not in before or "项目绩效" in before.split("整体")[-1]:
            continue
        a = offset + part_start + m.start()
        hits.append(
            Hit("perf.overall_score", float(m.group(1)), "分", a, offset + part_start + m.end())
        )
    return hits


def _fleet(text: str, offset: int) -> list[Hit]:
    """Given a sentence, return the vehicle fleet, by type and by use, that it states."""
    hits = []
    m = FLEET.search(text)
    if m:
        hits.append(
            Hit("vehicles.total", float(m.group(1)), "辆", offset + m.start(), offset + m.end())
        )
        tail = text[m.end() :]
        for label, key in VEHICLE_TYPES:
            t = re.search(rf"{label}{N}辆", tail)
            if t:
                hits.append(
                    Hit(
                        key, float(t.group(1)), "辆", offset + m.start(), offset + m.end() + t.end()
                    )
                )
    m = FLEET_ASSETS.search(text)
    if m:
        hits.append(
            Hit(
                "vehicles.total~assets",
                float(m.group(1)),
                "辆",
                offset + m.start(),
                offset + m.end(),
            )
        )
        hits.extend(_vehicle_uses(text, offset, m.end()))
    return hits


def _vehicle_uses(text: str, offset: int, tail_start: int) -> list[Hit]:
    """Given a sentence and where its list of vehicles by use starts, return the counts by use."""
    hits = []
    tail = text[tail_start:]
    for label, key in VEHICLE_USES:
        t = re.search(rf"{label}{N}辆", tail)
        if t:
            a = offset + tail_start + t.start()
            hits.append(Hit(key, float(t.group(1)), "辆", a, offset + tail_start + t.end()))
    return hits


def _parts(text: str, seps: str) -> list[tuple[int, str]]:
    """Given text and separator characters, return (offset, part) pieces."""
    out, start = [], 0
    for i, ch in enumerate(text):
        if ch in seps:
            out.append((start, text[start:i]))
            start = i + 1
    out.append((start, text[start:]))
    return out
