"""Pages for a DOCX or text report that was also given as PDF (its twin, the duplicate the
build did not keep): each stored place gets the PDF page on which its words stand, so
“二、收入支出决算总体情况 · “2024年度收、支总计…”” reads “… · 第3页” as well.

The page is found cheaply: pypdfium2's text of every page, whitespace removed, searched for
each stored quote.  All rows of one place (one paragraph or table) get the same page, the one
most of their quotes are found on, so rules that pair rows by place pair them as before.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

from etl.build.model import StagedReport
from etl.extract.textnorm import normalise
from etl.model import PLACE_SEPARATOR

# Raw tables with a place: the position of its loc and of its quote (None: no quote) in a row,
# as the writer lays the rows out (tests/test_places.py checks them against the schema).
PLACE_COLUMNS = {
    "raw_facts": (5, 6),
    "raw_derived_facts": (6, 7),
    "raw_function_classes": (5, 6),
    "raw_function_items": (8, 9),
    "raw_projects": (10, 11),
    "raw_indicators": (11, None),
    "raw_mentions": (12, 13),
    "raw_cells": (12, 13),
}
# Formats whose places have no page of their own.
PAGELESS_FORMATS = frozenset({"docx", "txt"})
# A quote's pieces shorter than this say too little to find a page by (“0”, “万元”).
MIN_PIECE_CHARS = 4
# Cells of a table row are joined with ｜ or tabs in a quote; a PDF page has them apart.
PIECES = re.compile(r"[｜|\t\n]+")


def page_texts(pdf: Path) -> list[str]:
    """Given a PDF file, return each page's text without whitespace (normalised as quotes
    are matched); an empty list when the file cannot be read."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(pdf))
    except Exception:  # a twin that cannot be read only leaves the places without pages
        return []
    try:
        texts = []
        for page in doc:
            textpage = page.get_textpage()
            texts.append(normalise(textpage.get_text_range()).text)
            textpage.close()
            page.close()
        return texts
    finally:
        doc.close()


def spreads(pages: list[str]) -> list[str]:
    """Given the PDF's page texts, return each page's text followed by the next page's."""
    return [text + (pages[n + 1] if n + 1 < len(pages) else "") for n, text in enumerate(pages)]


def quote_page(quote: str, pages: list[str], spread: list[str] | None = None) -> int | None:
    """Given a stored quote and the PDF's page texts (and their spreads, when computed once),
    return the 1-based page it stands on (where it runs over a page break, the page it starts
    on), or None."""
    pieces = [p for p in (normalise(s).text for s in PIECES.split(quote)) if p]
    pieces = [p for p in pieces if len(p) >= MIN_PIECE_CHARS] or pieces
    if not pieces or sum(map(len, pieces)) < MIN_PIECE_CHARS:
        return None
    spread = spread or spreads(pages)
    for n, (text, both) in enumerate(zip(pages, spread, strict=True)):
        if pieces[0] not in both:
            continue
        if 0 <= both.find(pieces[0]) < len(text) and all(p in both for p in pieces[1:]):
            return n + 1
    return None


def add_twin_pages(report: StagedReport, pdf: Path) -> int:
    """Given a staged DOCX/text report and its PDF twin, add “第N页” to every place whose words
    are found in the PDF; return how many places got a page."""
    if report.fmt not in PAGELESS_FORMATS:
        return 0
    pages = page_texts(pdf)
    if not pages:
        return 0
    spread = spreads(pages)
    page_of_quote: dict[str, int | None] = {}
    found: dict[str, Counter] = defaultdict(Counter)
    for table, (loc_at, quote_at) in PLACE_COLUMNS.items():
        if quote_at is None:
            continue
        for row in report.rows.get(table, []):
            loc, quote = row[loc_at], row[quote_at]
            if not loc or not quote:
                continue
            if quote not in page_of_quote:
                page_of_quote[quote] = quote_page(quote, pages, spread)
            if (page := page_of_quote[quote]) is not None:
                found[loc][page] += 1
    page_of = {loc: min(counts, key=lambda p: (-counts[p], p)) for loc, counts in found.items()}
    for table, (loc_at, _) in PLACE_COLUMNS.items():
        rows = report.rows.get(table, [])
        for i, row in enumerate(rows):
            page = page_of.get(row[loc_at])
            if page is not None:
                rows[i] = (*row[:loc_at], twin_place(row[loc_at], page), *row[loc_at + 1 :])
    return len(page_of)


def twin_place(loc: str, page: int) -> str:
    """Given a DOCX/text place and the page of its PDF twin, return the place naming both."""
    return f"{loc}{PLACE_SEPARATOR}PDF第{page}页"
