"""Saved web pages (.html/.htm): paragraphs as paragraph blocks, <table> as table blocks.

Parsed with lxml's HTML parser (already installed with python-docx; tolerant of the broken
markup government sites publish).  The encoding: a byte-order mark, else UTF-8 when the bytes
are valid UTF-8, else the page's <meta charset> (GBK and GB2312 pages are common, read as
GB18030; Big5 as Windows-950), else GB18030.  Scripts, styles,
navigation, headers and footers are dropped.  In tables a cell spanning columns is given once
and a cell spanning rows leaves empty cells below, as the DOCX and PDF readers give them.
A line break in the markup is a space (office suites wrap long paragraphs when saving); <br>
and the end of a block break lines; inline text between blocks is one paragraph.  A table
that lays out the page (it holds another table, or one cell per row holding paragraphs, as
older government sites do) is read as the paragraphs and tables in its cells.
"""

from __future__ import annotations

import re
from pathlib import Path

from etl.model import Block, InputError, ParsedDocument
from etl.readers import read_bytes, table_block

SKIP_TAGS = {"script", "style", "noscript", "nav", "header", "footer", "head", "iframe", "form"}
BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "blockquote",
    "pre", "center", "dd", "dt", "caption", "main",
}  # fmt: skip
CONTAINERS = BLOCK_TAGS | {"table"}  # elements that end the paragraph before them
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
SNIFF_BYTES = 16384  # the <meta charset> may follow long inline styles (Word's saved pages)
# Declared encodings read with the superset browsers use: pages labelled GB2312 hold GBK
# characters, pages labelled Big5 (traditional-character copies) hold Windows-950 ones.
CHARSET_SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
    "big5": "cp950", "x-x-big5": "cp950", "big5-hkscs": "big5hkscs",
}  # fmt: skip
BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# Line breaks in the markup: whitespace the browser shows as a space (Word, WPS and LibreOffice
# wrap long paragraphs in the saved file), except inside preformatted text.
SOURCE_BREAK = re.compile(r"[\r\n]+")
PREFORMATTED = {"pre", "textarea", "listing", "plaintext", "xmp"}
ROWS = "./tr|./thead/tr|./tbody/tr|./tfoot/tr"
CELLS = "./tr/td|./thead/tr/td|./tbody/tr/td|./tfoot/tr/td|./tr/th|./thead/tr/th|./tbody/tr/th"
MAX_SPAN = 100  # a colspan/rowspan larger than this is a broken attribute, read as 1


def decode(data: bytes) -> str:
    """Given a page's bytes, return its text: by its byte-order mark, else as UTF-8 when it is
    valid UTF-8 (pages are often saved in UTF-8 still declaring GB2312), else by its declared
    encoding, else as GB18030."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    m = META_CHARSET.search(data[:SNIFF_BYTES])
    declared = m.group(1).decode("ascii").lower() if m else ""
    declared = CHARSET_SUPERSETS.get(declared, declared)
    for encoding in [e for e in (declared, "gb18030") if e]:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("gb18030", errors="replace")


def _span(cell, name: str) -> int:
    """Given a table cell and colspan/rowspan, return the span (1 when missing or broken)."""
    try:
        value = int(cell.get(name, "1"))
    except ValueError:
        return 1
    return value if 1 <= value <= MAX_SPAN else 1


def _text(el) -> list[str]:
    """Given an element (markup to skip already removed, <br> already a newline), return its
    text as lines, whitespace collapsed."""
    return _lines("".join(el.itertext()))


def _lines(text: str) -> list[str]:
    """Given text with newlines where the page breaks lines, return its non-blank lines with
    whitespace collapsed."""
    lines = text.replace("\xa0", " ").split("\n")
    return [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in lines if line.strip()]


def _prepare(root) -> None:
    """Given a parsed page, drop the markup that is not content and keep line breaks only where
    the page shows them: a line break in the markup is a space, <br> and a block's end are not."""
    for el in list(root.iter()):
        if isinstance(el.tag, str) and el.tag in SKIP_TAGS and el.getparent() is not None:
            el.drop_tree()
    for el in root.iter():
        if any(a.tag in PREFORMATTED for a in el.iterancestors()) or el.tag in PREFORMATTED:
            continue
        if el.text:
            el.text = SOURCE_BREAK.sub(" ", el.text)
        if el.tail:
            el.tail = SOURCE_BREAK.sub(" ", el.tail)
    for el in root.iter():
        if el.tag == "br" or el.tag in BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")  # lines of a table cell, as the DOCX reader gives them


def _fill_below(pending: dict[int, list[int]], col: int, out: list[str]) -> int:
    """Given the cells spanning down, a column and the row so far, add an empty cell for each
    spanning cell at that column onwards and return the next free column."""
    while col in pending:
        left, width = pending[col]
        out.append("")
        if left <= 1:
            del pending[col]
        else:
            pending[col] = [left - 1, width]
        col += width
    return col


def _table_rows(table) -> list[list[str]]:
    """Given a <table>, return its rows with merged cells given once."""
    rows: list[list[str]] = []
    pending: dict[int, list[int]] = {}  # column -> [rows left, colspan] of a cell spanning down
    for tr in table.xpath(ROWS):
        out: list[str] = []
        col = 0
        for cell in tr.xpath("./td|./th"):
            col = _fill_below(pending, col, out)
            out.append("\n".join(_text(cell)))  # a cell's lines, as the DOCX reader gives them
            width, height = _span(cell, "colspan"), _span(cell, "rowspan")
            if height > 1:
                pending[col] = [height - 1, width]
            col += width
        for start in sorted(c for c in pending if c >= col):
            _fill_below(pending, start, out)
        rows.append(out)
    return [r for r in rows if any(r)]


def read_html(path: Path) -> ParsedDocument:
    """Given a saved web page, return its paragraphs and tables as a ParsedDocument."""
    import lxml.html

    text = decode(read_bytes(path))
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=_parser())
    except Exception as exc:  # lxml raises ParserError and friends for empty or broken pages
        raise InputError(f"网页文件无法解析（{type(exc).__name__}）") from None
    _prepare(root)
    blocks: list[Block] = []
    counts = {"p": 0, "table": 0}

    def para(line: str) -> None:
        counts["p"] += 1
        blocks.append(Block(kind="p", text=line, index=counts["p"]))

    def lines(parts: list[str]) -> None:
        for line in _lines("".join(parts)):
            para(line)

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in SKIP_TAGS:
            return
        if tag == "table" and not _is_layout(el):
            rows = _table_rows(el)
            if rows:
                counts["table"] += 1
                blocks.append(table_block(rows, counts["table"]))
            return
        if tag == "table":  # a layout table: its cells hold the page's paragraphs and tables
            for cell in el.xpath(CELLS):
                walk(cell)
            return
        if not _has_blocks(el):
            lines([el.text_content()])
            return
        run = [el.text or ""]  # inline text up to the next block: one paragraph
        for child in el:
            if isinstance(child.tag, str) and (
                child.tag in BLOCK_TAGS | {"table"} or _has_blocks(child)
            ):
                lines(run)
                walk(child)
                run = []
            elif child.tag not in SKIP_TAGS:
                run.append(child.text_content() if isinstance(child.tag, str) else "")
            run.append(child.tail or "")
        lines(run)

    body = root.find("body")
    walk(body if body is not None else root)
    if not blocks:
        raise InputError("文件没有文字内容")
    return ParsedDocument(source_file=path.name, fmt="html", blocks=blocks)


def _is_layout(table) -> bool:
    """Given a <table>, return whether it lays out the page rather than holding data: it holds
    another table, or its rows are single cells holding paragraphs."""
    if table.xpath(".//table"):
        return True
    cells = [len(tr.xpath("./td|./th")) for tr in table.xpath(ROWS)]
    return bool(cells) and max(cells) == 1 and _has_blocks(table)


def _has_blocks(el) -> bool:
    """Given an element, return whether a block element or a table lies inside it."""
    return any(
        isinstance(d.tag, str) and (d.tag in BLOCK_TAGS or d.tag == "table")
        for d in el.iterdescendants()
    )


def _parser():
    """Given nothing, return an lxml HTML parser that reads the text as UTF-8."""
    import lxml.html

    return lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
