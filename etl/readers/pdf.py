"""PDF reader: ruled tables and reflowed paragraphs in reading order.

Pages are read with pypdfium2 (chars, and the edges of drawn paths, several times faster
than pdfminer); a page pdfium cannot give as pdfplumber would (rotated, offset, drawings
inside forms) is read by pdfplumber instead.  Both give pdfplumber-style char and edge
dicts, and pdfplumber's TableFinder finds the ruled tables from the edges.

Per page, the text outside every table is built into lines from the chars:

* chars are grouped into rows by their tops; a gap wider than the row's letter spacing
  is a space, so spaced-apart headings ("部 门 决 算") read as words;
* a row of only digits, number signs and quote marks that fills gaps of a neighbouring
  row was drawn on a shifted baseline (some exporters draw digits in a second font so):
  it goes back into that row only when exactly one row has room for it and the shift is
  small; otherwise it is dropped and named in a warning.  A number drawn over other
  chars is dropped the same way.  Never a guess: a wrong number is worse than none;
* a glyph without a Unicode mapping ("(cid:N)") makes its sentence (or table cell) drop
  out, with a warning;
* page numbers, and running headers/footers repeated on the pages, leave the text.

Lines and tables are ordered top to bottom, then the whole document is reflowed:

* a line continues the paragraph above when the line above reached the right text
  margin, i.e. the first unbreakable unit of the new line (one CJK character with its
  punctuation, or one ASCII word) would not have fitted in the room left on the line above;
  a larger vertical gap than the document's usual line gap, or an indented line, starts a
  new paragraph.  Paragraphs may run on across a page break.
* a table that ends a page and a table with the same column count that begins the next
  page are one table; when the first row on the new page is the remainder of a row the
  page break cut (its filled cells continue cells that filled the old page to the bottom),
  the two parts are joined into one row.
* cells covered by a horizontally merged cell are given once (dropped); cells covered by
  a vertically merged cell are empty.  Line breaks inside a cell are joined without a
  space between CJK characters.

Pages without a text layer but with images (scanned pages) are read by OCR (etl.readers.ocr)
when it is on and installed; otherwise they are named in a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from etl import limits
from etl.model import Block, InputError, ParsedDocument
from etl.readers import pdfium, read_bytes, table_block
from etl.readers.celltext import cell_text
from etl.readers.chars import (
    BOTTOM,
    SIZE,
    TEXT,
    TOP,
    UPRIGHT,
    X0,
    X1,
    Char,
    from_plumber,
    to_plumber,
    x1_of,
)
from etl.readers.pdfrows import (
    UNREADABLE,
    drop_collisions,
    outside_tables,
    place_fragments,
    row_text,
    rows_of,
)

# Room (points) a line may leave at the right margin beyond the width of the next line's
# first unit and still count as full (absorbs rounding and glyph side bearings).
MARGIN_EPSILON = 0.5

# Word/LibreOffice put this much space (in font sizes) between CJK and ASCII letters or
# digits ("autospace"); a wrapped unit needs that room too when the line above ends in
# the other script.
AUTOSPACE_EM = 0.2

# A line indented more than this many character widths (line heights) to the right of its
# paragraph's leftmost line starts a new paragraph (first-line indent).
INDENT_TOLERANCE_CHARS = 1.0

# The usual gap between the lines of a paragraph is this quantile of all line gaps.
LINE_GAP_QUANTILE = 0.1

# A gap larger than the usual line gap by this many line heights separates paragraphs.
PARAGRAPH_GAP_EXTRA = 0.5

# The right text margin is the n-th largest line end of pages of the same width (a few
# overlong lines, e.g. unbreakable URLs, must not move it).
RIGHT_MARGIN_RANK = 3

# With fewer lines than this on pages of one width, the right margin is taken as the mirror
# of the left one (too few line ends to trust).
MIN_LINES_FOR_MARGIN = 10

# A page-number line is looked for in this fraction of the page height at top and bottom.
PAGE_NUMBER_BAND = 0.12

# A table ends its page (and may continue on the next) when its bottom is within this many
# points of the lowest content bottom seen on any page of the same height.
TABLE_BOTTOM_SLACK = 40.0

# A cell "fills its row" when its last text line ends within this many points of the
# row bottom (cell padding plus a rounding allowance).
CELL_BOTTOM_SLACK = 6.0

# The last line of a cell is full (the text wrapped there) when the room left to the cell's
# right edge is at most this many font sizes: cell padding plus less than one character,
# plus one more when a line-start rule pushed a character down.
FULL_LINE_GAP_EM = 2.6

# A line repeated at the top or bottom of at least this share of the pages (and of two
# pages at least) is a running header or footer, not part of the text.
RUNNING_LINE_SHARE = 0.5

# ... and is set apart from the text by a gap of more than this many line heights (a
# table title such as 单位：万元 sits right above its table and is never taken for one).
RUNNING_LINE_GAP = 1.5

PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|\d{1,4}|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)\s*$",
    re.IGNORECASE,
)

# Line-break rules (after UAX #14, as LibreOffice applies them): no break before closing
# punctuation, none after opening punctuation, none on either side of a quotation mark,
# none inside a run of ASCII letters/digits/symbols (an English word or a number).
CLOSING = set("，。、；：？！）》〉】」』…—,.;:?!)]}%‰·")
OPENING = set("（《〈【「『([{")
QUOTES = set("“”‘’\"'")


def _is_ascii_word_char(ch: str) -> bool:
    """Given a character, return whether it belongs to an unbreakable ASCII word."""
    return ch.isascii() and not ch.isspace() and ch not in "([{"


def _break_allowed(before: str, after: str) -> bool:
    """Given two adjacent characters, return whether a line may break between them."""
    if after in CLOSING or before in OPENING or before in QUOTES or after in QUOTES:
        return False
    return not (_is_ascii_word_char(before) and _is_ascii_word_char(after))


@dataclass
class Line:
    """One text line outside tables, with the geometry the reflow needs."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int
    first_unit: float  # width of the unbreakable unit the line starts with

    @property
    def height(self) -> float:
        """Given a line, return its height (about the font size, one CJK character width)."""
        return max(self.bottom - self.top, 1.0)


@dataclass
class TablePart:
    """One ruled table found on one page."""

    rows: list[list[str]]
    ncols: int
    top: float
    bottom: float
    page: int
    last_row_open: list[bool] = field(default_factory=list)  # per kept cell of the last row


@dataclass
class PageInfo:
    """What one page contributes: its lines and tables in top-to-bottom order."""

    number: int
    width: float
    height: float
    items: list[Line | TablePart]
    has_text: bool
    has_images: bool
    warnings: list[str] = field(default_factory=list)
    scan_lines: list | None = None  # OCR text lines (text, box, confidence) of a scanned page


def _first_unit_width(chars: list[Char]) -> float:
    """Given the chars of a line, return the width of the unbreakable unit it starts with."""
    if not chars:
        return 0.0
    end = 0
    while end + 1 < len(chars):
        a, b = chars[end], chars[end + 1]
        if b[TEXT].isspace() or a[TEXT].isspace():
            break
        size = max(a[BOTTOM] - a[TOP], 1.0)
        if b[X0] - a[X1] > 0.15 * size:  # a visible gap is a space pdfplumber did not emit
            break
        if _break_allowed(a[TEXT], b[TEXT]):
            break
        end += 1
    return chars[end][X1] - chars[0][X0]


def _join_lines(a: str, b: str) -> str:
    """Given two wrapped pieces of one text, return them joined (a space only between words)."""
    if not a:
        return b
    if not b:
        return a
    if a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalpha():
        return a + " " + b
    if a[-1] in ",.;:!?" and b[0].isascii() and b[0].isalpha():
        return a + " " + b
    return a + b


def _cell_text(text: str | None) -> str:
    """Given a cell's extracted text, return it stripped with its wrapped lines joined."""
    if not text:
        return ""
    out = ""
    for piece in text.split("\n"):
        out = _join_lines(out, piece.strip())
    return out.strip()


def _table_text(centres: list[tuple], table, rows) -> list[list[str | None]]:
    """Given a page's chars with their centres, a pdfplumber table on it and its rows, return
    what table.extract() gives: each char is placed by its centre with the same half-open
    test, and a cell's text is made by celltext.cell_text (pdfplumber's steps, direct)."""
    from pdfplumber.utils.text import (
        DEFAULT_X_TOLERANCE,
        DEFAULT_Y_TOLERANCE,
        LIGATURES,
        extract_text,
    )

    x0, top, x1, bottom = table.bbox
    inside = [t for t in centres if x0 <= t[0] < x1 and top <= t[1] < bottom]
    out = []
    for row in rows:
        rx0, rtop, rx1, rbottom = row.bbox
        in_row = [t for t in inside if rx0 <= t[0] < rx1 and rtop <= t[1] < rbottom]
        texts: list[str | None] = []
        for cell in row.cells:
            if cell is None:
                texts.append(None)
                continue
            cx0, ctop, cx1, cbottom = cell
            chars = [c for h, v, c in in_row if cx0 <= h < cx1 and ctop <= v < cbottom]
            if not chars:
                texts.append("")
                continue
            text = cell_text(chars, LIGATURES, DEFAULT_X_TOLERANCE, DEFAULT_Y_TOLERANCE)
            texts.append(extract_text(list(map(to_plumber, chars))) if text is None else text)
        out.append(texts)
    return out


def _table_part(centres: list[tuple], table, number: int) -> TablePart:
    """Given a page's chars with their centres and a pdfplumber table on the page, return its
    rows with merged cells given once."""
    table_rows = table.rows
    raw = _table_text(centres, table, table_rows)
    grid = [row.cells for row in table_rows]
    ncols = max((len(r) for r in grid), default=0)
    # left edge of every grid column, from any cell that starts there
    col_x0: list[float | None] = [None] * ncols
    for cells in grid:
        for j, cell in enumerate(cells):
            if cell is not None and col_x0[j] is None:
                col_x0[j] = cell[0]
    rows: list[list[str]] = []
    kept_bboxes: list[list[tuple]] = []
    for cells, values in zip(grid, raw, strict=True):
        row: list[str] = []
        bboxes: list[tuple] = []
        covering_x1 = None  # right edge of the last real cell in this row
        for j, cell in enumerate(cells):
            if cell is not None:
                row.append(_cell_text(values[j]))
                bboxes.append(cell)
                covering_x1 = cell[2]
                continue
            left = col_x0[j]
            if left is None or (covering_x1 is not None and covering_x1 > left + 0.5):
                continue  # covered by a cell merged across columns: give it once
            row.append("")  # covered by a cell merged from the row above
            bboxes.append((left, 0.0, left, 0.0))
        rows.append(row)
        kept_bboxes.append(bboxes)
    part = TablePart(rows, ncols, table.bbox[1], table.bbox[3], number)
    if rows:
        part.last_row_open = _cells_fill_row(centres, kept_bboxes[-1])
    return part


def _cells_fill_row(centres: list[tuple], bboxes: list[tuple]) -> list[bool]:
    """Given a page's chars with their centres and the cell boxes of a table row, return per
    cell whether its text may run on past the row.

    A cell may run on when its text reaches the row bottom and its last line is full
    (wrapped at the cell's right edge), as when a page break cuts the row.
    """
    if not bboxes:
        return []
    row_top = min(b[1] for b in bboxes)
    row_bottom = max(b[3] for b in bboxes)
    in_row = [t for t in centres if row_top <= t[1] <= row_bottom]
    out = []
    for x0, _top, x1, bottom in bboxes:
        inside = [c for h, _v, c in in_row if x0 <= h <= x1] if x1 > x0 else []
        if not inside:
            out.append(False)
            continue
        lowest = max(c[BOTTOM] for c in inside)
        last_top = max(c[TOP] for c in inside)
        last_line = [c for c in inside if last_top - c[TOP] < 2.0]
        size = max(max(c[SIZE] for c in last_line), 1.0)
        right_gap = x1 - max(c[X1] for c in last_line)
        out.append(bottom - lowest <= CELL_BOTTOM_SLACK and right_gap <= FULL_LINE_GAP_EM * size)
    return out


def _page_lines(chars: list[Char], number: int, page_height: float) -> tuple[list[Line], list[str]]:
    """Given the chars of a page outside its tables, return the page's text lines and warnings."""
    upright = [c for c in chars if c[UPRIGHT]]
    warnings = []
    if len(upright) < len(chars):
        warnings.append(f"第{number}页有 {len(chars) - len(upright)} 个竖排或旋转的字符，未提取")
    rows, dropped = place_fragments(rows_of(upright))
    for row in rows:
        dropped.extend(drop_collisions(row))
    if dropped:
        warnings.append(
            f"第{number}页有 {len(dropped)} 处数字无法确定属于哪一句（文字层错位），未提取："
            + "、".join(dropped)
        )
    lines = []
    for row in rows:
        visible = row.text_chars()
        text = row_text(row.chars, visible).strip()
        if not text:
            continue
        lines.append(
            Line(
                text=text,
                x0=visible[0][X0],
                x1=max(map(x1_of, visible)),
                top=row.top,
                bottom=row.bottom,
                page=number,
                first_unit=_first_unit_width(visible),
            )
        )
    return _drop_page_numbers(lines, page_height), warnings


def _drop_page_numbers(lines: list[Line], page_height: float) -> list[Line]:
    """Given a page's lines top to bottom, return them without a page number at top or bottom."""
    if not lines:
        return lines
    band = PAGE_NUMBER_BAND * page_height
    last = lines[-1]
    if last.top > page_height - band and PAGE_NUMBER.match(last.text):
        if len(lines) == 1 or last.top - lines[-2].bottom > 1.5 * last.height:
            lines = lines[:-1]
    if lines:
        first = lines[0]
        if first.bottom < band and PAGE_NUMBER.match(first.text):
            if len(lines) == 1 or lines[1].top - first.bottom > 1.5 * first.height:
                lines = lines[1:]
    return lines


def _centres(chars: list[Char]) -> list[tuple[float, float, Char]]:
    """Given a page's chars, return each as (horizontal centre, vertical centre, char): the
    point that places it in a table cell, worked out once per page."""
    return [((c[X0] + c[X1]) / 2, (c[TOP] + c[BOTTOM]) / 2, c) for c in chars]


def _read_page(page, number: int) -> PageInfo:
    """Given a pdfplumber page (or a _FastPage), return its lines and tables in top-to-bottom order."""
    # pdfium's chars are char tuples already; pdfplumber's dicts become them once
    chars = page.chars if isinstance(page, pdfium.FastPage) else list(map(from_plumber, page.chars))
    has_text = bool(chars)
    items: list[Line | TablePart] = []
    warnings: list[str] = []
    tables = page.find_tables() if (page.edges or page.rects) else []
    centres = _centres(chars) if tables else []
    parts = [_table_part(centres, t, number) for t in tables]
    items.extend(p for p in parts if p.rows)
    if has_text:
        chars = outside_tables(chars, [t.bbox for t in tables], centres)
        lines, warnings = _page_lines(chars, number, float(page.height))
        items.extend(lines)
    items.sort(key=lambda item: item.top)
    info = PageInfo(
        number,
        float(page.width),
        float(page.height),
        items,
        has_text,
        bool(page.images),
        warnings,
    )
    info.scan_lines = getattr(page, "scan_lines", None)  # a page read by OCR keeps its lines
    if getattr(page, "warning", ""):
        info.warnings.append(page.warning)
    return info


def _quantile(values: list[float], q: float, default: float) -> float:
    """Given numbers and a quantile in [0, 1], return that quantile (default when empty)."""
    if not values:
        return default
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def _layout_stats(pages: list[PageInfo]) -> tuple[dict[int, float], float, dict[int, float]]:
    """Given the pages, return the right margin per page width, the usual line gap and the content bottom per page height."""
    ends: dict[int, list[float]] = {}
    starts: dict[int, float] = {}
    bottoms: dict[int, float] = {}
    gaps: list[float] = []
    for page in pages:
        prev = None
        for item in page.items:
            key = round(page.height)
            bottoms[key] = max(bottoms.get(key, 0.0), item.bottom)
            if isinstance(item, Line):
                ends.setdefault(round(page.width), []).append(item.x1)
                starts[round(page.width)] = min(starts.get(round(page.width), item.x0), item.x0)
                if prev is not None:
                    gaps.append(item.top - prev.bottom)
                prev = item
            else:
                prev = None
    margins = {}
    for width, xs in ends.items():
        if len(xs) < MIN_LINES_FOR_MARGIN:
            margins[width] = max(width - starts[width], max(xs))
            continue
        xs.sort(reverse=True)
        margins[width] = xs[RIGHT_MARGIN_RANK - 1]
    positive = [g for g in gaps if g > 0]
    return margins, _quantile(positive, LINE_GAP_QUANTILE, 0.0), bottoms


class _Reflow:
    """Accumulates lines and table parts into paragraph and table blocks."""

    def __init__(self, margins: dict[int, float], line_gap: float, bottoms: dict[int, float]):
        self.margins = margins
        self.line_gap = line_gap
        self.bottoms = bottoms
        self.blocks: list[tuple[str, object, int]] = []  # (kind, text or rows, start page)
        self.prev: Line | TablePart | None = None
        self.prev_page: PageInfo | None = None
        self.para_x0 = 0.0

    def _continues(self, prev: Line, line: Line, same_page: bool) -> bool:
        """Given the previous line and a new one, return whether the new line continues its paragraph."""
        if same_page and line.top - prev.bottom > self.line_gap + PARAGRAPH_GAP_EXTRA * prev.height:
            return False
        if line.x0 > self.para_x0 + INDENT_TOLERANCE_CHARS * line.height:
            return False
        margin = (
            self.margins.get(round(self.prev_page.width), prev.x1) if self.prev_page else prev.x1
        )
        room = margin - prev.x1
        needed = line.first_unit
        a, b = prev.text[-1], line.text[0]
        if (a.isascii() and a.isalnum()) != (b.isascii() and b.isalnum()) and not (
            a in CLOSING or b in CLOSING or a in OPENING or b in OPENING
        ):
            needed += AUTOSPACE_EM * prev.height
        return room < needed + MARGIN_EPSILON

    def add_line(self, line: Line, page: PageInfo) -> None:
        """Given a line, append it to the open paragraph or start a new one."""
        prev = self.prev
        if isinstance(prev, Line) and self.blocks and self.blocks[-1][0] == "p":
            if self._continues(prev, line, same_page=prev.page == line.page):
                kind, text, start = self.blocks[-1]
                self.blocks[-1] = (kind, _join_lines(str(text), line.text), start)
                self.para_x0 = min(self.para_x0, line.x0)
                self._advance(line, page)
                return
        self.blocks.append(("p", line.text, line.page))
        self.para_x0 = line.x0
        self._advance(line, page)

    def add_table(self, part: TablePart, page: PageInfo) -> None:
        """Given a table part, append it to the table it continues or start a new table."""
        prev = self.prev
        if (
            isinstance(prev, TablePart)
            and prev.page == part.page - 1
            and prev.ncols == part.ncols
            and self.blocks
            and self.blocks[-1][0] == "table"
            and self._ends_page(prev)
        ):
            rows: list[list[str]] = self.blocks[-1][1]  # type: ignore[assignment]
            new_rows = [list(r) for r in part.rows]
            if rows and new_rows and self._is_split_row(rows[-1], prev.last_row_open, new_rows[0]):
                head = new_rows.pop(0)
                rows[-1] = [_join_lines(a, b) for a, b in zip(rows[-1], head, strict=True)]
            rows.extend(new_rows)
        else:
            self.blocks.append(("table", [list(r) for r in part.rows], part.page))
        self._advance(part, page)

    def _ends_page(self, part: TablePart) -> bool:
        """Given a table part that is the last item of its page, return whether it reaches the page bottom."""
        if self.prev_page is None:
            return False
        lowest = self.bottoms.get(round(self.prev_page.height), part.bottom)
        return lowest - part.bottom <= TABLE_BOTTOM_SLACK

    @staticmethod
    def _is_split_row(last: list[str], last_open: list[bool], first: list[str]) -> bool:
        """Given the last row before a page break and the first after, return whether they are one row cut in two.

        They are when every filled cell of the first row continues a cell of the last row
        that ran to the bottom of the page with a full last line.
        """
        if len(last) != len(first) or len(last_open) != len(last) or not any(first):
            return False
        return all(
            not cell or (prev and open_)
            for cell, prev, open_ in zip(first, last, last_open, strict=True)
        )

    def _advance(self, item: Line | TablePart, page: PageInfo) -> None:
        """Given the item just placed, remember it as the previous one."""
        self.prev = item
        self.prev_page = page


SENTENCE_END = re.compile(r"(?<=[。；！？!?;])")
CID = re.compile(r"\(cid:\d+\)")


def _drop_unreadable_sentences(text: str) -> tuple[str, int]:
    """Given paragraph text, return it without the sentences holding unreadable glyphs, and how many went."""
    if UNREADABLE not in text:
        return text, 0
    sentences = SENTENCE_END.split(text)
    kept = [s for s in sentences if UNREADABLE not in s]
    return "".join(kept).strip(), len(sentences) - len(kept)


def _blank_unreadable_cells(rows: list[list[str]]) -> tuple[list[list[str]], int]:
    """Given table rows, return them with cells holding unreadable glyphs emptied, and how many."""
    lost = 0
    out = []
    for row in rows:
        new = []
        for cell in row:
            if CID.search(cell) or UNREADABLE in cell:
                lost += 1
                cell = ""
            new.append(cell)
        out.append(new)
    return out, lost


def _running_key(text: str) -> str:
    """Given a line's text, return it without whitespace and with every number as #."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _drop_running_lines(pages: list[PageInfo]) -> None:
    """Given the pages, remove running headers and footers (kept once, on page 1).

    A running line is the first or last line of a page, inside the top or bottom band and
    set apart from the text, whose text (numbers aside) recurs so on at least
    RUNNING_LINE_SHARE of the pages.
    """
    text_pages = [p for p in pages if p.items]
    if len(text_pages) < 2:
        return
    seen: dict[tuple[str, str], list[tuple[PageInfo, Line]]] = {}
    for page in text_pages:
        if len(page.items) < 2:
            continue  # a line alone on its page is that page's text
        band = PAGE_NUMBER_BAND * page.height
        first, second = page.items[0], page.items[1]
        last, before = page.items[-1], page.items[-2]
        if (
            isinstance(first, Line)
            and first.bottom < band
            and second.top - first.bottom > RUNNING_LINE_GAP * first.height
        ):
            seen.setdefault(("top", _running_key(first.text)), []).append((page, first))
        if (
            isinstance(last, Line)
            and last.top > page.height - band
            and last.top - before.bottom > RUNNING_LINE_GAP * last.height
        ):
            seen.setdefault(("bottom", _running_key(last.text)), []).append((page, last))
    need = max(2, RUNNING_LINE_SHARE * len(text_pages))
    for hits in seen.values():
        if len(hits) < need:
            continue
        for page, line in hits:
            if page.number != 1:
                page.items.remove(line)


class _PlumberPages:
    """A PDF opened with pdfplumber (which names why a PDF cannot be opened), whose pages
    pdfminer parses only when a page pdfium cannot read needs them."""

    def __init__(self, path: Path):
        import pdfplumber

        self.pdf = pdfplumber.open(path)
        self.loaded = False

    def count(self) -> int:
        """Given the PDF, return its page count as pdfminer finds it."""
        self.loaded = True
        return len(self.pdf.pages)

    def page(self, number: int):
        """Given a page number, return pdfplumber's page (None: pdfminer has no such page)."""
        return self.pdf.pages[number - 1] if number <= self.count() else None

    def close(self) -> None:
        """Given the PDF, close its file (and the pages parsed, if any)."""
        if self.loaded:
            self.pdf.close()
        else:  # pdfplumber's close() would parse every page first
            self.pdf.stream.close()


def read_pdf(path: Path) -> ParsedDocument:
    """Given a .pdf report, return its paragraphs and tables (with pages) as a ParsedDocument.

    The pages are pdfium's, and any more that qpdf finds (a page tree pdfium reads short);
    pdfminer opens the file (to name why one cannot be read) and parses its pages only when
    a page needs pdfplumber, or when qpdf cannot measure the content streams.  A page
    neither reads is named in a warning.
    """
    head = read_bytes(path, 1024)
    if b"%PDF-" not in head:
        raise InputError("PDF 文件已损坏或不是 PDF 文件（缺少 PDF 文件头）")

    try:
        plumber = _PlumberPages(path)
    except Exception as exc:  # pdfplumber wraps pdfminer errors in PdfminerException
        raise _open_error(exc) from None
    pages: list[PageInfo] = []
    unread: list[int] = []  # page numbers neither pdfium nor pdfminer could read
    fast = pdfium.open_document(path)
    try:
        count = len(fast) if fast is not None else plumber.count()
        limits.check_pdf_pages(count)  # before qpdf walks every page's streams
        qpdf_pages = limits.check_pdf_streams(path)  # None: qpdf cannot open it
        # a page tree pdfium reads short (qpdf finds more pages): pdfminer reads the rest
        total = max(count, qpdf_pages or 0)
        limits.check_pdf_pages(total)
        for number in range(1, total + 1):
            if qpdf_pages is None and (checked := plumber.page(number)) is not None:
                limits.check_pdf_page(checked.page_obj, number)
            quick = None
            if fast is not None and number <= count:
                try:
                    quick = pdfium.fast_page(fast, number - 1)
                except Exception:  # whatever pdfium trips over, pdfplumber reads or explains
                    quick = None
            page = None if quick is not None else plumber.page(number)
            read = quick or page
            if read is None:
                unread.append(number)  # pdfium cannot read it, and pdfminer has no such page
                continue
            if not read.chars and read.images and fast is not None:
                page = page or plumber.page(number)  # OCR places text by pdfplumber's size
                if page is not None:
                    read = _scan(fast, number, page) or read
            pages.append(_read_page(read, number))
            if page is not None:
                page.close()  # free the page's parsed objects
    except InputError:
        raise
    except Exception as exc:
        raise _open_error(exc) from None
    finally:
        if fast is not None:
            fast.close()
        plumber.close()
    if not pages:
        raise InputError("PDF 没有页面")
    if not any(p.has_text for p in pages):
        raise InputError(_no_text_reason())

    _drop_running_lines(pages)
    margins, line_gap, bottoms = _layout_stats(pages)
    reflow = _Reflow(margins, line_gap, bottoms)
    for page in pages:
        for item in page.items:
            if isinstance(item, Line):
                reflow.add_line(item, page)
            else:
                reflow.add_table(item, page)
    blocks: list[Block] = []
    warnings: list[str] = [w for p in pages for w in p.warnings]
    n_para = n_table = 0
    for kind, body, start in reflow.blocks:
        if kind == "p":
            text, lost = _drop_unreadable_sentences(str(body))
            if lost:
                warnings.append(
                    f"第{start}页有字体缺少 Unicode 映射、无法识别的字符，含这些字符的 {lost} 句未提取"
                )
            if text:
                n_para += 1
                blocks.append(Block(kind="p", text=text, page=start, index=n_para))
            continue
        rows, lost = _blank_unreadable_cells(body)  # type: ignore[arg-type]
        if lost:
            warnings.append(
                f"第{start}页的表格有 {lost} 个单元格含字体缺少 Unicode 映射、无法识别的字符，已留空"
            )
        if any(cell for row in rows for cell in row):
            n_table += 1
            blocks.append(table_block(rows, n_table, page=start))
    if unread:
        warnings.append(
            f"第{'、'.join(map(str, unread))}页无法读取（页面目录或页面内容损坏），未提取"
        )
    blank = [str(p.number) for p in pages if not p.has_text and p.has_images]
    if blank:
        warnings.append(f"第{'、'.join(blank)}页没有文字层（可能是扫描页），未提取文字")
    if not blocks:
        raise InputError("PDF 没有可提取的文字")
    return ParsedDocument(
        source_file=path.name, fmt="pdf", blocks=blocks, pages=len(pages), warnings=warnings,
        scanned=scanned_lines(pages),
    )  # fmt: skip


def _scan(document, number: int, page):
    """Given the pdfium document, a page number and its pdfplumber page, return the page read
    by OCR (None when OCR is off or not installed)."""
    from etl.readers import ocr

    if not (ocr.enabled() and ocr.available()):
        return None
    return ocr.scan_pdf_page(document, number - 1, float(page.width), float(page.height))


def scanned_lines(pages: list[PageInfo]) -> dict[int, list]:
    """Given the pages read, return the OCR text lines (text, box, confidence) of each scanned page."""
    return {p.number: p.scan_lines for p in pages if p.scan_lines is not None}


def _no_text_reason() -> str:
    """Given the environment, return why a PDF without any text layer cannot be read."""
    from etl.readers import ocr

    if not ocr.enabled():
        return "PDF 没有文字层（可能是扫描件），OCR 识别已关闭（设置 ocr），无法提取文字"
    if not ocr.available():
        return "PDF 没有文字层（可能是扫描件），未安装 OCR 识别组件（rapidocr），无法提取文字"
    return "PDF 没有文字层（可能是扫描件），OCR 也未识别出文字"


def _open_error(exc: Exception) -> InputError:
    """Given an exception from pdfplumber/pdfminer, return the InputError naming the reason."""
    # pdfplumber wraps pdfminer's exception as its first argument; any other's is a message
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else None
    names = {type(exc).__name__, type(inner).__name__ if inner is not None else ""}
    if names & {"PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning"}:
        return InputError("PDF 已加密，无法读取")
    if "PSEOF" in names:
        return InputError("PDF 文件不完整（可能下载或复制时被截断）")
    return InputError(f"PDF 文件已损坏，无法读取（{type(inner or exc).__name__}）")
