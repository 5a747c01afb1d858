"""Records the checks read (one bundle per report) and the findings they write.

Severity, tolerance and rounding are decided here once, so every rule grades a difference
the same way: equal after rounding is no finding, one unit of the last stated digit is a
rounding difference (info), anything larger is a contradiction (warning or error).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from etl.checks.registry import REGISTRY
from etl.statements import Statement

EPS = 1e-6
AMOUNT_TOLERANCE = 0.005  # 万元: two amounts equal after rounding to the stated 0.01
ROUNDING_UNIT = 0.01  # 万元: a difference up to one cent of 万元 is a rounding difference (info)
PCT_ERROR_POINTS = 0.1  # a percentage off by this many points or more is an error, else warning
SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}  # max(..., key=SEVERITY_RANK.get)


@dataclass(frozen=True)
class Quote:
    """The exact words of one statement and where they are."""

    quote: str
    loc: str
    page: int | None = None
    source_file: str = ""

    def as_dict(self) -> dict:
        """Given a quote, return it as a JSON-ready dict."""
        return {"quote": self.quote, "loc": self.loc, "page": self.page, "file": self.source_file}


@dataclass
class Stated:
    """One stated value of a report (a metric, a class, an item, a mention)."""

    value: float | None
    where: Quote
    origin: str = "text"  # text | table | schedule (a standard 附表)


class ProjectRow(NamedTuple):
    """A project as its self-evaluation table (or the prose list) states it."""

    name: str
    score: float | None
    initial: float | None  # 年初预算
    executed: float | None  # 执行数
    where: Quote


class IndicatorRow(NamedTuple):
    """One row of a self-evaluation indicator table."""

    table: str  # project name, or 部门整体
    name: str  # 三级指标
    target: str  # 指标值 as stated
    weight: float | None
    score: float | None
    where: Quote
    actual: str = ""  # 完成值 as stated
    unit: str = ""  # 度量单位, when the table has the column
    levels: str = ""  # 一级指标/二级指标, e.g. 产出指标/成本指标
    sign: str = ""  # 指标性质 (≥ ≤ ＝), when the table has the column


@dataclass
class ReportData:
    """Everything the checks need of one report, as loaded from the warehouse."""

    report_id: str
    source_file: str
    unit_id: str
    display_name: str
    unit_type: str | None  # 党委部门, 政府部门, 医院 ... (etl/vocab/unit_kinds.csv)
    fiscal_year: int
    doc_kind: str
    facts: dict[str, Stated] = field(default_factory=dict)
    derived: dict[str, tuple[int, float, Quote, str]] = field(default_factory=dict)
    classes: list[tuple[str, float | None, Quote]] = field(default_factory=list)
    items: list[tuple[str, float | None, float | None, Quote]] = field(default_factory=list)
    projects: list[ProjectRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    mentions: list[Statement] = field(default_factory=list)  # typed (etl/statements.py)
    cells: list[dict] = field(default_factory=list)  # raw_cells rows (standard 附表), with where

    def quote(self, text: str, loc: str, page: int | None) -> Quote:
        """Given words and their place in this report, return a Quote naming the file."""
        return Quote(text, loc, page, self.source_file)

    def value(self, metric: str) -> float | None:
        """Given a metric key, return its stated value or None."""
        s = self.facts.get(metric)
        return s.value if s else None


@dataclass
class Finding:
    """One thing a finance-bureau reader should look at, with the words that show it."""

    report_id: str
    source_file: str
    rule: str
    severity: str
    message: str
    evidence: list[Quote]
    metric: str | None = None
    stated: float | None = None
    expected: float | None = None
    detail: str = ""  # the statistic behind the sentence (an outlier's robust z), shown on demand
    unit: str | None = None  # of stated / expected; None: the rule's declared unit

    @property
    def finding_id(self) -> str:
        """Given a finding, return a stable id (same report, rule, metric, message, evidence)."""
        places = [f"{q.loc}:{q.quote}" for q in self.evidence]
        key = "\x1f".join([self.report_id, self.rule, self.metric or "", self.message, *places])
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    def row(self) -> tuple:
        """Given a finding, return its raw_findings row."""
        evidence = json.dumps([q.as_dict() for q in self.evidence], ensure_ascii=False)
        return (
            self.finding_id, self.report_id, self.source_file, self.rule, self.severity,
            self.metric, self.stated, self.expected, self.message, evidence, self.detail,
            REGISTRY[self.rule].unit if self.unit is None else self.unit,
        )  # fmt: skip


Rule = Callable[[ReportData, dict[str, str]], list[Finding]]  # (report, metric labels) -> findings


def new_finding(r: ReportData, rule: str, severity: str, message: str, evidence, **kw) -> Finding:
    """Given a report, a rule id, a severity, a message and quotes, return the Finding."""
    return Finding(r.report_id, r.source_file, rule, severity, message, list(evidence), **kw)


def unique_quotes(quotes) -> list[Quote]:
    """Given quotes (None allowed), return each place once, in order."""
    seen, out = set(), []
    for q in quotes:
        if q is not None and (q.quote, q.loc) not in seen:
            seen.add((q.quote, q.loc))
            out.append(q)
    return out


def amount_severity(diff: float, parts: int = 1) -> str | None:
    """Given the difference between a total and the sum of its parts, return its severity.

    Each stated amount may be off by half a cent of 万元, so a sum of n parts may differ
    from its total by up to 0.005 × (n + 1) through rounding alone: that is info.
    """
    d = abs(diff)
    if d <= AMOUNT_TOLERANCE + EPS:
        return None
    if d <= max(ROUNDING_UNIT, AMOUNT_TOLERANCE * (parts + 1)) + EPS:
        return "info"
    return "error"


def decimals_of(value: float) -> int:
    """Given a stated number, return how many decimals it was written with (at least)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def round_half_up(value: float, places: int) -> float:
    """Given a number and decimal places, return it rounded the way reports round (half up)."""
    step = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP))


def ratio_range(
    num: float, den: float, num_half: float = AMOUNT_TOLERANCE, den_half: float = AMOUNT_TOLERANCE
) -> tuple[float, float] | None:
    """Given two rounded amounts, return the range of 100 × num / den their rounding allows."""
    values = [
        n / d * 100
        for n in (num - num_half, num + num_half)
        for d in (den - den_half, den + den_half)
        if d > EPS
    ]
    return (min(values), max(values)) if values else None


def change_range(change: float, total: float) -> tuple[float, float] | None:
    """Given a rounded change and this year's total, return the range of the change rate."""
    values = [
        c / (t - c) * 100
        for c in (change - AMOUNT_TOLERANCE, change + AMOUNT_TOLERANCE)
        for t in (total - AMOUNT_TOLERANCE, total + AMOUNT_TOLERANCE)
        if t - c > EPS
    ]
    return (min(values), max(values)) if values else None


def pct_severity(
    stated: float, expected: float, allowed: tuple[float, float] | None = None
) -> str | None:
    """Given a stated percentage, the computed one and the range rounding allows, grade the gap.

    Inside the allowed range (widened by half a unit of the stated last digit) the statement
    can be right: no finding, or info when the computed value rounds to another last digit.
    Outside it, one last digit away is info, less than PCT_ERROR_POINTS away is a warning,
    more is an error.
    """
    places = decimals_of(stated)
    half = 10.0**-places / 2
    lo, hi = allowed if allowed else (expected, expected)
    if lo - half - EPS <= stated <= hi + half + EPS:
        return None if abs(round_half_up(expected, places) - stated) <= EPS else "info"
    distance = min(abs(stated - lo), abs(stated - hi))
    if distance <= 2 * half + EPS:
        return "info"  # one last digit off: a rounding slip (99.99% for 99.997%)
    return "error" if distance >= PCT_ERROR_POINTS else "warning"


def money(value: float | None) -> str:
    """Given an amount in 万元, return it as the UI writes it (1,250.14 万元)."""
    return "—" if value is None else f"{value:,.2f} 万元"


def count_text(value: float | None) -> str:
    """Given a count, score or plain number, return it without needless decimals (1,250 or 9.5)."""
    if value is None:
        return "—"
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:,.0f}"


def pct(value: float | None) -> str:
    """Given a percentage, return it written with up to two decimals."""
    return "—" if value is None else f"{value:.2f}%"
