"""Places a person finds evidence by: in a DOCX or text report the section heading and the
opening words of the paragraph (and the page of the same report's PDF, when it was given too);
in a PDF the page.  In-process, on the reference reports."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import warehouse
from etl.build.twins import PLACE_COLUMNS, add_twin_pages, page_texts, quote_page, twin_place
from etl.build.writer import stage
from etl.extract import extract_report
from etl.model import PLACE_SEPARATOR, Block, ParsedDocument, opening_words
from etl.readers import read_document
from etl.readers.places import place_blocks

REPORTS = Path(__file__).resolve().parents[1] / "samples" / "reports"
STEM = "000_49c7c66149f159f0"  # its 收入支出决算总体情况说明 is numbered “1、”
UNNUMBERED = "003_bf88f83d7370706c"  # its 收入支出决算总体情况说明 stands without a number


def _fact(report, metric: str):
    return next(f for f in report.facts if f.metric == metric)


def _paragraph_of(doc: ParsedDocument, quote: str) -> Block:
    return next(b for b in doc.blocks if b.kind == "p" and quote in b.text)


@pytest.mark.parametrize(("stem", "fmt"), [(STEM, "docx"), (UNNUMBERED, "txt")])
def test_docx_and_text_places_name_heading_and_opening_words(stem, fmt):
    doc = read_document(REPORTS / fmt / f"{stem}.{fmt}")
    fact = _fact(extract_report(doc), "total.income_expenditure")
    heading, lead = fact.loc.split(PLACE_SEPARATOR)
    assert "收入支出决算总体情况说明" in heading
    # the heading is a paragraph of the report, and the lead the start of the fact's paragraph
    assert any(" ".join(b.text.split()) == heading for b in doc.blocks if b.kind == "p")
    assert lead == opening_words(_paragraph_of(doc, fact.quote).text)
    assert lead.startswith("“20") and lead.endswith("…”")
    assert "段" not in fact.loc


def test_pdf_places_are_still_pages():
    report = extract_report(read_document(REPORTS / "pdf" / f"{STEM}.pdf"))
    fact = _fact(report, "total.income_expenditure")
    assert fact.page is not None and fact.loc == f"第{fact.page}页"


def test_numbers_and_glossary_entries_are_not_headings():
    lines = [
        "一、收入支出决算总体情况说明",
        "18.06%",  # a chart's data label after the text
        "1.财政拨款收入：指单位从同级财政部门取得的财政预算资金。",  # a glossary entry
        "2024年度收、支总计均为1250.14万元。",
    ]
    blocks = [Block("p", t, index=n) for n, t in enumerate(lines, 1)]
    placed = place_blocks(ParsedDocument("x.txt", "txt", blocks)).blocks
    assert [b.heading for b in placed] == [lines[0]] * 4
    assert placed[0].loc == lines[0]
    assert placed[3].loc == f"{lines[0]} · “2024年度收、支总计均…”"


def test_a_repeated_heading_is_named_with_the_heading_above_it():
    lines = [
        "三、项目绩效情况",
        "1.深化改革及重点工作经费",
        "（1）项目概况",
        "该项目全年预算数41.47万元。",
        "（2）项目资金申报相符性",
        "2.网络、系统运行维护费",
        "（1）项目概况",
        "该项目全年预算数12.00万元。",
    ]
    blocks = [Block("p", t, index=n) for n, t in enumerate(lines, 1)]
    placed = place_blocks(ParsedDocument("x.docx", "docx", blocks)).blocks
    assert placed[3].loc == "1.深化改革及重点工作经费 › （1）项目概况 · “该项目全年预算数41.4…”"
    assert placed[7].loc == "2.网络、系统运行维护费 › （1）项目概况 · “该项目全年预算数12.0…”"
    assert placed[6].loc == "2.网络、系统运行维护费 › （1）项目概况"  # the heading itself
    assert placed[4].loc == "（2）项目资金申报相符性"  # said once: no path


def test_html_keeps_its_paragraph_numbers():
    blocks = [Block("p", "一、收入支出决算总体情况说明", index=1)]
    placed = place_blocks(ParsedDocument("x.html", "html", blocks)).blocks
    assert placed[0].heading is None and placed[0].loc == "第1段"


def test_twin_pdf_adds_the_page_its_pdf_reader_gives():
    docx = extract_report(read_document(REPORTS / "docx" / f"{STEM}.docx"))
    pdf = extract_report(read_document(REPORTS / "pdf" / f"{STEM}.pdf"))
    staged = stage(docx, "r")
    before = {row[1]: row[5] for row in staged.rows["raw_facts"]}
    assert add_twin_pages(staged, REPORTS / "pdf" / f"{STEM}.pdf") > 0
    after = {row[1]: row[5] for row in staged.rows["raw_facts"]}
    page = _fact(pdf, "total.income_expenditure").page
    metric = "total.income_expenditure"
    assert after[metric] == twin_place(before[metric], page) == f"{before[metric]} · PDF第{page}页"
    # the pages agree with the PDF reader's for most facts (its page is where a paragraph
    # starts, the twin's where the quote stands)
    pdf_page = {f.metric: f.page for f in pdf.facts}
    same = [after[m].endswith(f"PDF第{pdf_page[m]}页") for m in after if m in pdf_page]
    assert sum(same) >= 0.9 * len(same)
    # every row of one place got the same page
    for table, (loc_at, _) in PLACE_COLUMNS.items():
        for row in staged.rows[table]:
            assert row[loc_at].count("PDF第") <= 1
    places: dict[str, set[str]] = {}
    for table, (loc_at, _) in PLACE_COLUMNS.items():
        for row in staged.rows[table]:
            head, _, tail = row[loc_at].rpartition(PLACE_SEPARATOR + "PDF")
            if head:
                places.setdefault(head, set()).add(tail)
    assert places and all(len(pages) == 1 for pages in places.values())


def test_quote_pages_split_over_cells_and_page_breaks():
    pages = ["收入支出决算总表项目年初结转", "本年收入合计1250.14万元", "1250.14"]
    assert quote_page("本年收入合计1250.14 万元", pages) == 2
    assert quote_page("收入支出决算总表｜年初结转", pages) == 1
    assert quote_page("年初结转本年收入", pages) == 1  # runs over the page break
    assert quote_page("决算明细表", pages) is None
    assert quote_page("0", pages) is None  # too short to find a page by
    assert page_texts(REPORTS / "docx" / f"{STEM}.docx") == []  # not a PDF: no pages


def test_place_columns_are_the_schema_columns():
    con = duckdb.connect()
    con.execute(warehouse.SCHEMA_SQL.read_text(encoding="utf-8"))
    for table, (loc_at, quote_at) in PLACE_COLUMNS.items():
        cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        assert cols[loc_at] == "loc"
        assert quote_at is None or cols[quote_at] == "quote"


def test_build_stores_the_twin_pages_of_a_kept_docx(tmp_path):
    """A build given a report as DOCX and as PDF keeps the DOCX and stores its places with the
    PDF's pages (the rows reach the warehouse through the staging file after the pages)."""
    from etl.build import build

    db = tmp_path / "finance.duckdb"
    name = "002_bf967062ffb9ca21"
    result = build([REPORTS / "docx" / f"{name}.docx", REPORTS / "pdf" / f"{name}.pdf"], db, jobs=1)
    assert result.reports == 1
    con = duckdb.connect(str(db), read_only=True)
    try:
        fmt, n_twin, n_all = con.execute(
            "SELECT any_value(r.fmt), count(*) FILTER (f.loc LIKE '%PDF第%页'), count(*)"
            " FROM raw_facts f JOIN raw_reports r USING (report_id)"
        ).fetchone()
    finally:
        con.close()
    assert fmt == "docx" and n_all > 0 and n_twin >= 0.8 * n_all
