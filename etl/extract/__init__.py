"""Turn a parsed document into a Report: identity, stated metrics, function items,
projects and self-evaluation indicators, each value with its quote and place.

`extract_report` is a pure function of the document, so it can run in any worker process.
When a metric is stated more than once, the first statement in document order is kept and
every differing later statement is recorded in the report's notes (the checks flag them).
"""

from __future__ import annotations

from etl.extract import (
    charts,
    functional,
    mentions,
    narrative,
    performance,
    projects,
    verify,
)
from etl.extract.cells import clean
from etl.extract.coverage import read_coverage
from etl.extract.identity import read_identity
from etl.extract.tables import TableReader
from etl.extract.textnorm import DIGIT, normalise
from etl.model import (
    Block,
    DerivedFact,
    Fact,
    FunctionClass,
    FunctionItem,
    InputError,
    ParsedDocument,
    Report,
)
from etl.statements import ItemNumber, Restated, Statement
from etl.vocab import catalogue
from etl.vocab.tables import table_vocab

VALUE_TOLERANCE = 0.005  # two statements of a metric within this are the same value
# A prior-year value is implied by (this year's metric, its stated change).
DERIVABLE = tuple((base, change) for base, change, _rate in catalogue.change_triples())
BLANKS_SHOWN = 3  # unfilled figures quoted in the build output's warning line
ASSETS_FLEET = "vehicles.total~assets"  # 国有资产 共有车辆: used only when 三公 gives no fleet


def document_text(doc: ParsedDocument, paragraphs: list | None = None) -> str:
    """Given a parsed document (and its paragraphs already normalised, block by block), return
    its text normalised, a line per paragraph or table row (cells joined by tabs), so that
    where a name stands (a title line, a label's cell) shows."""
    lines = []
    for i, b in enumerate(doc.blocks):
        if b.kind == "p":
            lines.append((paragraphs[i] if paragraphs else normalise(b.text)).text)
        else:
            lines.extend("\t".join(clean(c) for c in row) for row in b.rows)
    return "\n".join(line for line in lines if line.strip("\t"))


def extract_report(doc: ParsedDocument) -> Report:
    """Given a parsed document, return the Report it states, or raise InputError."""
    if not doc.blocks:
        raise InputError("文件中没有可读的文字")
    # each paragraph normalised once, for identity and for the reading below
    paragraphs = [normalise(b.text) if b.kind == "p" else None for b in doc.blocks]
    lines = document_text(doc, paragraphs)
    ident = read_identity(lines)
    report = Report(
        source_file=doc.source_file,
        fmt=doc.fmt,
        pages=doc.pages,
        unit_name=ident.unit_name,
        unit_short=ident.unit_short,
        region=ident.region,
        city=ident.city,
        fiscal_year=ident.fiscal_year,
        doc_kind=ident.doc_kind,
        is_synthetic=ident.is_synthetic,
        unit_type=ident.unit_type,
        province=ident.province,
        warnings=list(doc.warnings),
    )
    candidates: list[Fact] = []
    blanks: list[str] = []  # unfilled figures (总收入 万元, XXX万元), named in a warning
    tables = TableReader(ident.fiscal_year)
    narrative_projects = projects.NarrativeProjects()
    chart_reader = charts.ChartReader()
    section = ""
    title = ""
    gap = 0
    for block, nt in zip(doc.blocks, paragraphs, strict=True):
        chart_reader.read(block)
        if block.kind == "table":
            tables.read(block, title, gap)
            gap = 0
            continue
        if not nt.text:
            continue
        gap += 1
        title = nt.text
        tables.paragraph(nt.text)
        if narrative.is_heading(nt.text):
            key = narrative.section_of(nt.text, section)
            if key is not None:
                section = key
        for start, end in narrative.sentences(nt.text):
            for hit in narrative.read_sentence(nt, start, end, section):
                if hit.blank:
                    report.notes.append(narrative.blank_note(nt, hit, block))
                    blanks.append(f"{block.loc}“{nt.quote(hit.start, hit.end)}”")
                    continue
                candidates.append(
                    Fact(
                        hit.metric,
                        hit.value,
                        hit.unit,
                        nt.quote(hit.start, hit.end),
                        block.page,
                        block.loc,
                    )
                )
            candidates.extend(performance.read_facts(nt, start, end, block, section))
            if section != "glossary":
                report.mentions.extend(mentions.read_mentions(nt, start, end, block, section))
        _read_functional(nt, block, section, report)
        narrative_projects.read(nt, block)
    for tf in tables.out.facts:
        candidates.append(
            Fact(tf.metric, tf.value, tf.unit, tf.quote, tf.block.page, tf.block.loc, tf.origin)
        )
    # A standard 附表 is the authoritative source: its values come first, so they are kept
    # and a differing narrative statement becomes a note (and a finding).
    candidates.sort(key=lambda f: f.origin != "schedule")
    report.facts = _first_statements(candidates, report.notes, report.mentions)
    report.projects = narrative_projects.merge(tables.out.projects)
    report.notes.extend(narrative_projects.prose.notes)
    report.mentions.extend(narrative_projects.mentions)
    report.mentions.extend(projects.table_reports(tables.out.projects))
    report.notes.extend(tables.out.notes)
    report.mentions.extend(tables.out.mentions)
    report.mentions.extend(tables.section_mentions())
    report.mentions.extend(chart_reader.finish())
    # A standard 附表 gives 功能分类 with 科目编码: it replaces the narrative's list.
    if tables.out.function_classes:
        report.function_classes = tables.out.function_classes
    if tables.out.function_items:
        report.function_items = tables.out.function_items
    report.indicators = tables.out.indicators
    report.cells = list(tables.schedules.out.cells)
    if doc.scanned:  # values read by OCR are kept only when confirmed
        verify.confirm(report, doc)
    report.derived = _derive(report.facts, ident.fiscal_year)
    if blanks:
        shown = "、".join(blanks[:BLANKS_SHOWN]) + ("等" if len(blanks) > BLANKS_SHOWN else "")
        report.warnings.append(f"有 {len(blanks)} 处数字未填写（空白或占位符），未入库：{shown}")
    seen = set(tables.schedules.out.seen)
    standard = [t for t in table_vocab().tables if not t.provincial]
    missing_tables = (
        [t.name for t in standard if t.key not in seen] if report.doc_kind == "决算" else []
    )
    expected = len(standard) if report.doc_kind == "决算" else 0
    report.coverage = read_coverage(
        lines.split("\n"), report.facts, report.doc_kind, missing_tables, expected
    )
    return report


def _read_functional(nt, block: Block, section: str, report: Report) -> None:
    """Given a paragraph, add the 功能分类 classes and items it states to the report."""
    if section == "glossary" or not DIGIT.search(nt.text):
        return  # item numbers, class and item amounts: each is a number the text states
    for number, quote in functional.item_numbers(nt):
        report.mentions.append(
            ItemNumber(quote=quote, page=block.page, loc=block.loc, section=section, number=number)
        )
    if not report.function_classes:
        for name, amount, pct, quote in functional.read_classes(nt):
            report.function_classes.append(
                FunctionClass(name, amount, pct, quote, block.page, block.loc)
            )
    for cls, kuan, xiang, amount, pct, quote in functional.read_items(nt):
        report.function_items.append(
            FunctionItem(
                len(report.function_items) + 1,
                cls,
                kuan,
                xiang,
                amount,
                pct,
                quote,
                block.page,
                block.loc,
            )
        )


def _first_statements(
    candidates: list[Fact], notes: list[str], said: list[Statement]
) -> list[Fact]:
    """Given every statement in document order, return the first per metric; note conflicts."""
    kept: dict[str, Fact] = {}
    for fact in candidates:
        first = kept.get(fact.metric)
        if first is None:
            kept[fact.metric] = fact
        elif abs(first.value - fact.value) > VALUE_TOLERANCE:
            said.append(
                Restated(
                    quote=fact.quote,
                    page=fact.page,
                    loc=fact.loc,
                    metric=fact.metric,
                    value=fact.value,
                    origin=fact.origin,
                )  # fmt: skip
            )
            notes.append(
                f"{fact.metric}：另有不同表述 {fact.value:g}（{fact.loc}：“{fact.quote}”），"
                f"采用首次表述 {first.value:g}（{first.loc}）"
            )
    assets = kept.pop(ASSETS_FLEET, None)
    if assets is not None and "vehicles.total" not in kept:
        kept["vehicles.total"] = Fact(
            "vehicles.total", assets.value, "辆", assets.quote, assets.page, assets.loc
        )
    return list(kept.values())


def _derive(facts: list[Fact], year: int) -> list[DerivedFact]:
    """Given a report's facts, return the prior-year values its stated changes imply."""
    by_metric = {f.metric: f for f in facts}
    out = []
    for base, delta in DERIVABLE:
        if base in by_metric and delta in by_metric:
            b, d = by_metric[base], by_metric[delta]
            value = round(b.value - d.value, 2)
            out.append(
                DerivedFact(
                    metric=base,
                    fiscal_year=year - 1,
                    value=value,
                    unit=b.unit,
                    quote=d.quote,
                    page=d.page,
                    loc=d.loc,
                    basis=f"{b.value:g} - ({d.value:g})",
                )
            )
    return out
