"""Read the text residue of embedded charts (图表数据) into mentions, conservatively.

A Word chart leaves its words in the paragraph stream: a title line (收、支决算总计), data
label lines (1492.91万元 / 81.94% / 一般公共服务支出, 75.31%) and the chart's data as a run
of categories followed by their values (2023年 2024年 1504.72 1250.14 …).  In TXT/DOCX the
cells of a run are tab-separated in one paragraph; in a PDF they are space-separated and the
categories and values may sit on separate lines (even pages), so run lines are joined while
the chart is open.

A chart is read only when it opened with a title or a data label, its first series pairs
categories and values one to one (equal counts, at least MIN_CATEGORIES, distinct names,
no second series over the same categories), and its labels pair with the categories (by
name, or by order when the counts are equal).  A PDF sorts its lines top to bottom, so
labels read in order may follow the bars' heights rather than the categories: labels whose
order runs against the values' are paired by value when they match the values one to one,
and otherwise the chart is not read.  Anything else is read as nothing: a wrong number is
worse than a missing one.  Categories written as bare years (2023 2024) cannot be
told from values, so such charts are not read.

Mentions (kinds): chart_title (subject = the unit the chart states, e.g. 万元, or None),
chart_value (subject = category, value = plotted value, year = the category's year),
chart_label (subject = category, value = an amount label in 万元, pct = a percentage
label).  All three carry flag = the chart's id (图1, 图2 … in document order of the charts
read) and context = the chart title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from etl.extract.textnorm import ENUMERATOR
from etl.extract.textnorm import FULLWIDTH as TEXT_FULLWIDTH
from etl.model import Block
from etl.statements import ChartLabel, ChartTitle, ChartValue, Statement
from etl.textmap import CharMap

FULLWIDTH = {**TEXT_FULLWIDTH, ord("，"): ","}  # a label's comma may be full-width too
to_chart_form = CharMap(FULLWIDTH)
NUM = re.compile(r"-?\d+(?:\.\d+)?")
AMOUNT_LABEL = re.compile(r"(-?\d+(?:\.\d+)?)万元")
PCT_LABEL = re.compile(r"(-?\d+(?:\.\d+)?)%")
# A labelled point: 一般公共服务支出, 75.31% (the comma may be followed by a space).
NAMED_LABEL = re.compile(
    r"^(?:(?P<lead>\S+)\s+)?(?P<name>[^\s,]+)\s*,\s*(?P<num>-?\d+(?:\.\d+)?)(?P<unit>%|万元)$"
)
LABEL_INSIDE = re.compile(r"\d(?:%|万元)")  # a token holding a label is never a name
YEAR_CATEGORY = re.compile(r"(20\d\d)年度?")
UNIT_WORDS = ("万元", "元", "%")  # a lone unit before the labels is an axis title, not a title
SENTENCE_MARKS = re.compile(r"[。；;：:！？]")
MAX_TITLE_CHARS = 30  # a chart title or category is short; longer text is prose
EPS = 1e-9  # float noise when comparing a label with a value
MIN_CATEGORIES = 2  # a one-point chart says nothing a label does not


@dataclass
class _Label:
    name: str | None  # category named in the label, when it says one
    value: float
    unit: str  # 万元 or %
    quote: str
    block: Block
    places: int = 0  # decimals the label is written with


@dataclass
class _Chart:
    title: str = ""
    title_block: Block | None = None
    title_quote: str = ""
    unit: str | None = None
    labels: list[_Label] = field(default_factory=list)
    run: list[tuple[str, str, Block]] = field(default_factory=list)  # (token, as written, block)


def _tokens(text: str) -> list[tuple[str, str]]:
    """Given a paragraph, return its whitespace-separated tokens (normalised, as written);
    FULLWIDTH maps one char that is not a space to one that is not, so the tokens of the
    normalised paragraph are those of the paragraph, normalised."""
    return list(zip(to_chart_form(text).split(), text.split(), strict=True))


def _is_text(token: str) -> bool:
    """Given a token, return whether it can be a chart title or category (short words)."""
    return (
        len(token) <= MAX_TITLE_CHARS  # first: prose paragraphs end here, unsearched
        and not NUM.fullmatch(token)
        and not LABEL_INSIDE.search(token)
        and not SENTENCE_MARKS.search(token)
        and not ENUMERATOR.match(token)
        and token not in UNIT_WORDS
    )


def _places(number: str) -> int:
    """Given a number as written (1492.91), return how many decimals it is written with."""
    return len(number.split(".")[1]) if "." in number else 0


def _half(number: str) -> float:
    """Given a number as written, return half a unit of its last digit (0.005 for 1492.91)."""
    return 10.0 ** -_places(number) / 2


def _label(token: str) -> tuple[float, str, int] | None:
    """Given a token, return (value, unit, decimals) when it is a data label (81.94%)."""
    for pattern, unit in ((AMOUNT_LABEL, "万元"), (PCT_LABEL, "%")):
        m = pattern.fullmatch(token)
        if m:
            return float(m.group(1)), unit, _places(m.group(1))
    return None


def _lead_ok(lead: str | None) -> bool:
    """Given the words before a line's data labels (or None), return whether a chart may
    lead its labels so (a title or a unit), rather than the line being prose."""
    return lead is None or _is_text(lead) or lead in UNIT_WORDS


def _rank_inverted(labels: list[float], expected: list[float]) -> bool:
    """Given labels paired in order with what they should show, return whether two of them
    rise where the other falls (their order then may be the page's, not the categories')."""
    pairs = list(zip(labels, expected, strict=True))
    return any((a - c) * (b - d) < 0 for i, (a, b) in enumerate(pairs) for c, d in pairs[i + 1 :])


def _segments(run: list[tuple[str, str, Block]]) -> list[tuple[list, list]]:
    """Given run tokens, return its series as (category tokens, value tokens) pairs."""
    out: list[tuple[list, list]] = []
    for item in run:
        if NUM.fullmatch(item[0]):
            if not out:
                out.append(([], []))
            out[-1][1].append(item)
        elif not out or out[-1][1]:
            out.append(([item], []))
        else:
            out[-1][0].append(item)
    return out


class ChartReader:
    """Collects chart residue from the paragraph stream; finish() returns its mentions."""

    def __init__(self) -> None:
        self.chart: _Chart | None = None
        self.mentions: list[Statement] = []
        self.count = 0

    def read(self, block: Block) -> None:
        """Given the next block of a document, update the chart being read."""
        if block.kind != "p":
            self._close()
            return
        tokens = _tokens(block.text)
        if not tokens:
            return
        quote = " ".join(w for _, w in tokens)
        named = NAMED_LABEL.match(" ".join(t for t, _ in tokens))
        if named and _is_text(named.group("name")):
            num = named.group("num")
            found = [_Label(named.group("name"), float(num), named.group("unit"), quote, block,
                            _places(num))]  # fmt: skip
            self._labels(named.group("lead"), found, block, quote)
            return
        labels = [_label(t) for t, _ in tokens]
        lead_count = 1 if labels[0] is None else 0
        if all(labels[lead_count:]) and len(tokens) > lead_count:
            lead = tokens[0][0] if lead_count else None
            found = [_Label(None, v, u, quote, block, n) for v, u, n in labels[lead_count:]]
            self._labels(lead, found, block, quote)
            return
        if len(tokens) == 1 and tokens[0][0] in UNIT_WORDS and self.chart is not None:
            self.chart.unit = self.chart.unit or tokens[0][0]  # an axis title on its own line
            return
        if len(tokens) == 1 and _is_text(tokens[0][0]):
            self._close()
            self.chart = _Chart(tokens[0][0], block, quote)
            return
        if all(_is_text(t) or NUM.fullmatch(t) for t, _ in tokens):
            if self.chart is not None:
                self.chart.run.extend((t, w, block) for t, w in tokens)
            return
        self._close()

    def finish(self) -> list[Statement]:
        """Given the end of the document, return every chart mention read."""
        self._close()
        return self.mentions

    def _labels(self, lead: str | None, found: list[_Label], block: Block, quote: str) -> None:
        """Given a data-label line (its leading words and labels), add it to a chart."""
        if not _lead_ok(lead):
            self._close()  # prose that ends in a figure, not a label line
            return
        chart = self.chart
        if chart is None or chart.run or (lead not in (None, *UNIT_WORDS) and chart.labels):
            self._close()
            chart = self.chart = _Chart()
        if lead in UNIT_WORDS:
            chart.unit = lead
        elif lead is not None and not chart.title:
            chart.title, chart.title_block, chart.title_quote = lead, block, quote
        chart.labels.extend(found)
        if any(lab.unit == "万元" for lab in found):
            chart.unit = "万元"

    def _close(self) -> None:
        """Given the end of a chart's residue, turn it into mentions when it reads cleanly."""
        chart, self.chart = self.chart, None
        if chart is None or not chart.run:
            return
        series = _segments(chart.run)
        if not series:
            return
        cats, values = series[0]
        names = [t for t, _, _ in cats]
        if len(names) < MIN_CATEGORIES or len(values) != len(names) or len(set(names)) < len(names):
            return
        k = len(names)
        if any([t for t, _, _ in c][-k:] == names and len(v) == k for c, v in series[1:]):
            return  # a second full series: which one the title and labels name is ambiguous
        if any(NUM.fullmatch(n) for n in names):
            return
        paired = self._pair(chart.labels, names, [t for t, _, _ in values])
        if paired is None:
            return
        self.count += 1
        chart_id = f"图{self.count}"
        title = chart.title
        first = cats[0][2]
        run_quote = " ".join(w for _, w, _ in cats + values)
        head = chart.title_block or first
        self.mentions.append(
            ChartTitle(quote=chart.title_quote or run_quote, page=head.page, loc=head.loc,
                       unit=chart.unit, chart=chart_id, title=title)
        )  # fmt: skip
        for name, (token, _, _) in zip(names, values, strict=True):
            year = YEAR_CATEGORY.fullmatch(name)
            self.mentions.append(
                ChartValue(quote=run_quote, page=first.page, loc=first.loc, category=name,
                           value=float(token), year=int(year.group(1)) if year else None,
                           chart=chart_id, title=title)
            )  # fmt: skip
        for name, lab in paired:
            self.mentions.append(
                ChartLabel(quote=lab.quote, page=lab.block.page, loc=lab.block.loc,
                           category=name, amount=lab.value if lab.unit == "万元" else None,
                           pct=lab.value if lab.unit == "%" else None, chart=chart_id,
                           title=title)
            )  # fmt: skip

    @staticmethod
    def _pair(
        labels: list[_Label], names: list[str], values: list[str]
    ) -> list[tuple[str, _Label]] | None:
        """Given a chart's labels, categories and values (as written), return the labels
        paired with the categories, or None if the pairing is ambiguous."""
        if not labels:
            return []
        if len({lab.unit for lab in labels}) > 1:
            return None
        if all(lab.name is not None for lab in labels):
            by_name = {lab.name: lab for lab in labels}
            if len(by_name) != len(labels) or not set(by_name) <= set(names):
                return None
            return [(n, by_name[n]) for n in names if n in by_name]
        if any(lab.name is not None for lab in labels) or len(labels) != len(names):
            return None
        shown, slack = _shown(values, labels[0].unit)
        if not _rank_inverted([lab.value for lab in labels], shown):
            return list(zip(names, labels, strict=True))
        by_label = sorted(labels, key=lambda lab: lab.value)
        by_value = sorted(zip(shown, slack, names, strict=True))
        if all(
            abs(lab.value - s) <= 10.0**-lab.places / 2 + h + EPS
            for lab, (s, h, _) in zip(by_label, by_value, strict=True)
        ):
            return [(n, lab) for lab, (_, _, n) in zip(by_label, by_value, strict=True)]
        return None  # labels out of the values' order that do not match them: which is which?


def _shown(values: list[str], unit: str) -> tuple[list[float], list[float]]:
    """Given a chart's values as written and its labels' unit, return what each label should
    show (the value, or its share in %) and how far rounding of the values may move that."""
    numbers = [float(v) for v in values]
    if unit != "%":
        return numbers, [_half(v) for v in values]
    total = sum(numbers)
    spread = sum(_half(v) for v in values)  # how far rounding may move the total
    if total - spread <= EPS:
        return numbers, [0.0] * len(numbers)  # shares of (perhaps) nothing: never pair by value
    # a share (at most 100%) moves by its value's rounding and at most as much by the total's
    return [n / total * 100 for n in numbers], [
        (_half(v) + spread) / (total - spread) * 100 for v in values
    ]
