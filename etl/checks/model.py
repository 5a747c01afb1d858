"""Records the checks read (one bundle per report) and the findings they write.

Severity, tolerance and rounding are decided here once, so every rule grades a difference
the same way: equal after rounding is no finding, one unit of the last stated digit is a
rounding difference (info), anything larger is a contradiction (warning or error).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

EPS = 1e-6
AMOUNT_TOLERANCE = 0.005  # 万元: two amounts equal after rounding to the stated 0.01
ROUNDING_UNIT = 0.01  # 万元: a difference up to one cent of 万元 is a rounding difference (info)
PCT_ERROR_POINTS = 0.1  # a percentage off by this many points or more is an error, else warning
SEVERITIES = ("error", "warning", "info")


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


@dataclass
class ReportData:
    """Everything the checks need of one report, as loaded from the warehouse."""

    report_id: str
    source_file: str
    unit_id: str
    display_name: str
    unit_short: str | None
    fiscal_year: int
    doc_kind: str
    facts: dict[str, Stated] = field(default_factory=dict)
    derived: dict[str, tuple[int, float, Quote, str]] = field(default_factory=dict)
    classes: list[tuple[str, float | None, Quote]] = field(default_factory=list)
    items: list[tuple[str, float | None, float | None, Quote]] = field(default_factory=list)
    projects: list[tuple[str, float | None, Quote]] = field(default_factory=list)
    # (name, 年初预算, 执行数, where): the project as its table (or list) states it
    project_amounts: list[tuple[str, float | None, float | None, Quote]] = field(
        default_factory=list
    )
    indicators: list[tuple[str, float | None, float | None]] = field(default_factory=list)
    # (table, 三级指标, 指标值 as stated, where) of every indicator row
    targets: list[tuple[str, str, str, Quote]] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)

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
            self.metric, self.stated, self.expected, self.message, evidence,
        )  # fmt: skip


def amount_severity(diff: float) -> str | None:
    """Given the difference between two amounts in 万元, return its severity or None."""
    d = abs(diff)
    if d <= AMOUNT_TOLERANCE + EPS:
        return None
    if d <= ROUNDING_UNIT + EPS:
        return "info"
    return "error"


def decimals_of(value: float) -> int:
    """Given a stated number, return how many decimals it was written with (at least)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def pct_severity(stated: float, expected: float) -> str | None:
    """Given a stated and a computed percentage, return the severity of their gap or None."""
    places = decimals_of(stated)
    unit = 10.0**-places
    diff = abs(stated - round(expected, places))
    if diff <= EPS:
        return None
    if diff <= unit + EPS:
        return "info"
    return "error" if abs(stated - expected) >= PCT_ERROR_POINTS else "warning"


def money(value: float | None) -> str:
    """Given an amount in 万元, return it as the UI writes it (1,250.14 万元)."""
    return "—" if value is None else f"{value:,.2f} 万元"


def pct(value: float | None) -> str:
    """Given a percentage, return it written with up to two decimals."""
    return "—" if value is None else f"{value:.2f}%"
