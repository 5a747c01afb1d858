"""Render a synthetic report as PDF with reportlab's built-in CJK font (no font file needed).

Text is laid out line by line with the reader's own line-break rules (etl/readers/pdf.py):
a wrapped line is filled until the next unbreakable unit no longer fits, paragraphs start
with a two-character indent and are separated by extra space, so the reader's reflow gives
back exactly the paragraphs written.  Tables are ruled grids; a merged cell has no inner
vertical rule; a table that does not fit continues on the next page, the page filled to the
bottom so the reader joins the parts.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from etl.readers.pdf import _break_allowed
from etl.synth.text import Document, Para, Table

FONT = "STSong-Light"
BODY_SIZE = 16.0  # 三号, the body size of official documents
TITLE_SIZE = 22.0  # 二号
CELL_SIZE = 10.5  # 五号
LEADING = 1.75  # line pitch in font sizes (28 points for the body)
PARA_SPACE = 10.0  # extra space between paragraphs (points): larger than the reader's threshold
INDENT_CHARS = 2  # first-line indent of body paragraphs and headings
MARGIN_X = 72.0
MARGIN_TOP = 72.0
MARGIN_BOTTOM = 72.0
PAGE_NUMBER_Y = 36.0  # baseline of the page number above the page bottom
CELL_PAD_X = 3.0
CELL_PAD_TOP = 4.0
CELL_PAD_BOTTOM = 8.0  # > the reader's CELL_BOTTOM_SLACK: no cell looks cut by a page break
CELL_LEADING = 1.3
NEAR_FULL_CHARS = (
    3  # a single-line paragraph within this many characters of full is kept off a page end
)


def _register_font() -> None:
    """Given nothing, register the built-in CJK font once."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


@lru_cache(maxsize=8192)
def _width(text: str, size: float) -> float:
    """Given a text and a font size, return its width in points."""
    return pdfmetrics.stringWidth(text, FONT, size)


def _units(text: str) -> list[str]:
    """Given a text, return its unbreakable units (the reader's break rules; spaces alone)."""
    out: list[str] = []
    for i, ch in enumerate(text):
        if (
            i
            and not ch.isspace()
            and not text[i - 1].isspace()
            and not _break_allowed(text[i - 1], ch)
        ):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def wrap(text: str, size: float, first: float, rest: float) -> list[str]:
    """Given a text, font size and widths of the first and later lines, return its lines."""
    lines: list[str] = []
    line, used, room = "", 0.0, first
    for unit in _units(text):
        w = _width(unit, size)
        if line and used + w > room:
            lines.append(line.rstrip())
            line, used, room = "", 0.0, rest
        if not line and unit.isspace():
            continue
        line += unit
        used += w
    if line.strip():
        lines.append(line.rstrip())
    return lines


class _Pager:
    """Places lines and table rows top to bottom, starting new pages as needed."""

    def __init__(self, canvas: Canvas):
        self.c = canvas
        self.width, self.height = A4
        self.page = 1
        self.y = self.height - MARGIN_TOP  # top of the next line box
        self.fresh = True  # nothing placed on this page yet

    def room(self) -> float:
        """Given the pager, return the height left on the page."""
        return self.y - MARGIN_BOTTOM

    def new_page(self) -> None:
        """Given the pager, finish the page (with its number) and start the next."""
        self.c.setFont(FONT, 10)
        self.c.drawCentredString(self.width / 2, PAGE_NUMBER_Y, str(self.page))
        self.c.showPage()
        self.page += 1
        self.y = self.height - MARGIN_TOP
        self.fresh = True

    def paragraph(self, para: Para) -> None:
        """Given a paragraph, draw it."""
        size = TITLE_SIZE if para.style == "title" else BODY_SIZE
        pitch = size * LEADING
        text_width = self.width - 2 * MARGIN_X
        indent = 0.0 if para.style == "title" else INDENT_CHARS * size
        lines = wrap(para.text, size, text_width - indent, text_width)
        space = 0.0 if self.fresh else PARA_SPACE
        near_full = (
            len(lines) == 1
            and text_width - indent - _width(lines[0], size) < NEAR_FULL_CHARS * size
        )
        # keep a heading with the next line and a near-full single line off the page end
        need = pitch * (2 if para.style == "heading" or near_full else 1)
        if not self.fresh and self.room() < space + need:
            self.new_page()
            space = 0.0
        self.y -= space
        for i, line in enumerate(lines):
            if self.room() < pitch:
                self.new_page()
            baseline = self.y - size
            self.c.setFont(FONT, size)
            if para.style == "title":
                self.c.drawCentredString(self.width / 2, baseline, line)
            else:
                self.c.drawString(MARGIN_X + (indent if i == 0 else 0.0), baseline, line)
            self.y -= pitch
            self.fresh = False

    def table(self, table: Table) -> None:
        """Given a table, draw its rows, continuing on the next page when needed."""
        total = self.width - 2 * MARGIN_X
        scale = total / sum(table.widths)
        xs = [MARGIN_X]
        for w in table.widths:
            xs.append(xs[-1] + w * scale)
        if not self.fresh:
            self.y -= PARA_SPACE
        pitch = CELL_SIZE * CELL_LEADING
        laid = []
        for row in table.rows:
            cells, col = [], 0
            for text, span in row:
                x0, x1 = xs[col], xs[col + span]
                lines = wrap(text, CELL_SIZE, x1 - x0 - 2 * CELL_PAD_X, x1 - x0 - 2 * CELL_PAD_X)
                cells.append((x0, x1, lines))
                col += span
            height = max(len(lines) for *_, lines in cells) * pitch + CELL_PAD_TOP + CELL_PAD_BOTTOM
            laid.append((cells, height))
        whole = sum(h for _, h in laid)
        # a table that fits on one page is kept together
        if not self.fresh and self.room() < whole <= self.height - MARGIN_TOP - MARGIN_BOTTOM:
            self.new_page()
        for cells, height in laid:
            if self.room() < height:
                self.new_page()
            top, bottom = self.y, self.y - height
            c = self.c
            c.setLineWidth(0.5)
            c.line(xs[0], top, xs[-1], top)
            c.line(xs[0], bottom, xs[-1], bottom)
            c.setFont(FONT, CELL_SIZE)
            for x0, _x1, lines in cells:
                c.line(x0, top, x0, bottom)
                for i, line in enumerate(lines):
                    c.drawString(x0 + CELL_PAD_X, top - CELL_PAD_TOP - CELL_SIZE - i * pitch, line)
            c.line(xs[-1], top, xs[-1], bottom)
            self.y = bottom
            self.fresh = False


def render_pdf(doc: Document, path: Path) -> int:
    """Given a report document and a target path, write it as PDF; return its page count."""
    _register_font()
    canvas = Canvas(str(path), pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle("合成数据")
    pager = _Pager(canvas)
    for element in doc.elements:
        if isinstance(element, Para):
            pager.paragraph(element)
        else:
            pager.table(element)
    pager.new_page()
    canvas.save()
    return pager.page - 1
