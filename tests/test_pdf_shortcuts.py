"""The PDF reader's shortcuts give exactly what the slower path they replace gives.

Each shortcut (the page text in one pdfium call, cells from intersections, a cell's
text) is compared with pdfplumber's or pdfium's own answer on every page of real reports.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pdfplumber.table import TableFinder, TableSettings, intersections_to_cells
from pdfplumber.utils.text import DEFAULT_X_TOLERANCE as X_TOL
from pdfplumber.utils.text import DEFAULT_Y_TOLERANCE as Y_TOL
from pdfplumber.utils.text import LIGATURES, extract_text

from etl.readers import pdfium
from etl.readers.celltext import cell_text
from etl.readers.chars import BOTTOM, TOP, X0, X1, to_plumber
from etl.readers.chars import char as char_tuple

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


def cells_of(intersections: dict) -> list[tuple]:
    """Given pdfplumber's intersections (point -> the edges through it), return the cells
    pdfium.cells_from finds from them, each edge named by its box as pdfplumber does."""
    from pdfplumber.utils import obj_to_bbox

    return pdfium.cells_from(
        {
            p: ({obj_to_bbox(e) for e in found["v"]}, {obj_to_bbox(e) for e in found["h"]})
            for p, found in intersections.items()
        }
    )


def test_cells_match_pdfplumber(pages) -> None:
    found = 0
    for page in pages:
        if not page.edges:
            continue
        finder = TableFinder(page, TableSettings.resolve(None))
        assert cells_of(finder.intersections) == intersections_to_cells(finder.intersections)
        assert [t.cells for t in pdfium.find_tables(page)] == [t.cells for t in finder.tables]
        found += len(finder.cells)
    assert found > 0


def test_cell_text_matches_extract_text(pages) -> None:
    lines = 0
    for page in pages:
        for table in pdfium.find_tables(page):
            for cell in table.cells:
                x0, top, x1, bottom = cell
                chars = [
                    c
                    for c in page.chars
                    if x0 <= (c[X0] + c[X1]) / 2 < x1 and top <= (c[TOP] + c[BOTTOM]) / 2 < bottom
                ]
                if not chars:
                    continue
                expected = extract_text([to_plumber(c) for c in chars])
                assert cell_text(chars, LIGATURES, X_TOL, Y_TOL) == expected
                lines += expected.count("\n") + 1
    assert lines > 0


def char(text: str, x0: float, top: float, upright: bool = True) -> tuple:
    """Given a char's text, left edge and top, return it as a 5-point char tuple."""
    return char_tuple(text, x0, x0 + 5, top, top + 5, 5.0, "F", upright)


@pytest.mark.parametrize(
    "chars",
    [
        [char("一", 0, 0), char("二", 0, 8)],  # two lines
        [char("1", 5, 0), char("2", 0, 0), char("3", 30, 0)],  # out of order, a gap
        [char("a", 0, 0), char("b", 5, 2.5), char("c", 10, 5)],  # tops chained into one line
        [char("x", 0, 0), char(" ", 5, 0), char("y", 10, 0)],  # a blank between words
        [char("ﬁ", 0, 0), char("n", 5, 0)],  # a ligature
        [char(" ", 0, 0)],  # only a blank
    ],
)
def test_cell_text_edge_cases(chars) -> None:
    assert cell_text(chars, LIGATURES, X_TOL, Y_TOL) == extract_text([to_plumber(c) for c in chars])


def test_cell_text_leaves_rotated_chars_to_pdfplumber() -> None:
    assert cell_text([char("一", 0, 0, upright=False)], LIGATURES, X_TOL, Y_TOL) is None
