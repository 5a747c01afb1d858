"""The PDF reader's shortcuts give exactly what the slower path they replace gives.

Each shortcut (the page text in one pdfium call, cells from intersections, one-line cell
text) is compared with pdfplumber's or pdfium's own answer on every page of real reports.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pdfplumber.table import TableFinder, TableSettings, intersections_to_cells
from pdfplumber.utils.text import DEFAULT_X_TOLERANCE, LIGATURES, extract_text

from etl.readers import pdfium
from etl.readers.pdf import _one_line_text

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "tests" / "fixtures" / "dev" / "pdf"
# Two reference reports and two dev reports (other provinces' layouts), all with ruled tables.
PDFS = sorted((ROOT / "samples" / "reports" / "pdf").glob("*.pdf"))[:2] + [
    next(DEV.glob("h01_*.pdf")),
    next(DEV.glob("h05_*.pdf")),
]


def fast_pages(path: Path) -> list:
    """Given a PDF, return every page pdfium reads (None where it leaves a page to pdfplumber)."""
    doc = pdfium.open_document(path)
    try:
        return [pdfium.fast_page(doc, i) for i in range(len(doc))]
    finally:
        doc.close()


@pytest.fixture(scope="module", params=PDFS, ids=lambda p: p.stem)
def pages(request) -> list:
    """Given a report PDF, return its pages as pdfium reads them."""
    return [p for p in fast_pages(request.param) if p is not None]


@pytest.mark.parametrize("path", PDFS[:1], ids=lambda p: p.stem)
def test_page_text_in_one_call_matches_each_char(path: Path) -> None:
    import pypdfium2.raw as raw

    doc = pdfium.open_document(path)
    checked = 0
    for i in range(len(doc)):
        page = doc[i]
        textpage = page.get_textpage()
        count = raw.FPDFText_CountChars(textpage.raw)
        text = pdfium._page_text(textpage, count)
        assert text is not None and len(text) == count
        for k in range(count):
            code = raw.FPDFText_GetUnicode(textpage.raw, k)
            assert pdfium.PDFIUM_CODES.get(ord(text[k]), text[k]) == pdfium.PDFIUM_CODES.get(
                code, chr(code)
            )
            checked += 1
        textpage.close()
        page.close()
    doc.close()
    assert checked > 10_000


def test_cells_match_pdfplumber(pages) -> None:
    found = 0
    for page in pages:
        if not page.edges:
            continue
        finder = TableFinder(page, TableSettings.resolve(None))
        assert pdfium.cells_of(finder.intersections) == intersections_to_cells(finder.intersections)
        assert [t.cells for t in pdfium.find_tables(page)] == [t.cells for t in finder.tables]
        found += len(finder.cells)
    assert found > 0


def test_one_line_cells_match_extract_text(pages) -> None:
    shortcut = 0
    for page in pages:
        for table in pdfium.find_tables(page):
            for cell in table.cells:
                x0, top, x1, bottom = cell
                chars = [
                    c
                    for c in page.chars
                    if x0 <= (c["x0"] + c["x1"]) / 2 < x1
                    and top <= (c["top"] + c["bottom"]) / 2 < bottom
                ]
                if not chars:
                    continue
                text = _one_line_text(chars, LIGATURES, DEFAULT_X_TOLERANCE)
                if text is not None:
                    shortcut += 1
                    assert text == extract_text(chars)
    assert shortcut > 0


def test_one_line_cells_leave_other_cells_to_pdfplumber() -> None:
    def char(text: str, x0: float, top: float) -> dict:
        return {
            "text": text,
            "x0": x0,
            "x1": x0 + 5,
            "top": top,
            "doctop": top,
            "bottom": top + 5,
            "upright": True,
        }

    two_lines = [char("一", 0, 0), char("二", 0, 8)]
    assert _one_line_text(two_lines, LIGATURES, DEFAULT_X_TOLERANCE) is None
    ligature = [char("ﬁ", 0, 0)]
    assert _one_line_text(ligature, LIGATURES, DEFAULT_X_TOLERANCE) is None
    gap = [char("1", 5, 0), char("2", 0, 0), char("3", 30, 0)]
    assert _one_line_text(gap, LIGATURES, DEFAULT_X_TOLERANCE) == extract_text(gap) == "21 3"
