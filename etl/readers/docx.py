"""DOCX reader: Word body paragraphs and tables, interleaved in document order.

Tables are read from the XML (w:tr / w:tc) so that a horizontally merged cell
(w:gridSpan) is given once and a vertically merged continuation (w:vMerge without
"restart") is an empty cell rather than a copy.  Nested tables are flattened into the
text of the cell that holds them (one line per nested row, cells joined by a tab).

A paragraph's text is what Word shows: runs inside simple fields, tracked insertions, smart
tags, custom XML and inline content controls count (python-docx reads only plain runs and
hyperlinks), a content control still showing its placeholder prompt is blank, and of a complex
field only the result counts (never the instruction, e.g. ``PAGEREF _Toc123 \\h``).  The
result of a TOC field (the contents page: headings with page numbers) is not read at all.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from etl import limits
from etl.model import Block, InputError, ParsedDocument
from etl.readers import comments_note, read_bytes, table_block

# First bytes of an OLE2 compound file: a legacy .doc, or an encrypted Office file.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _tag(element) -> str:
    """Given an lxml element, return its local tag name (without namespace)."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


# Inline elements whose runs are part of the paragraph's text.
INLINE_CONTAINERS = {
    "hyperlink", "fldSimple", "ins", "moveTo", "smartTag", "customXml", "sdtContent", "bdo", "dir",
}  # fmt: skip
# Run children that are text, as python-docx maps them (tab, break and hyphen included).
RUN_TEXT = {"t", "tab", "ptab", "br", "cr", "noBreakHyphen"}
# Instruction of the field whose result is a table of contents.
TOC_FIELD = "TOC"


class Fields:
    """The complex fields (begin … separate … end) open at a point of the document."""

    def __init__(self) -> None:
        self.stack: list[list] = []  # [instruction so far, past the separator]

    def shows_text(self) -> bool:
        """Given the open fields, return whether text here is shown (a result, not a code or
        contents)."""
        return all(sep and not _is_toc(instr) for instr, sep in self.stack)

    def char(self, kind: str) -> None:
        """Given a w:fldChar type, open, separate or close a field."""
        if kind == "begin":
            self.stack.append(["", False])
        elif kind == "separate" and self.stack:
            self.stack[-1][1] = True
        elif kind == "end" and self.stack:
            self.stack.pop()

    def open_toc(self) -> bool:
        """Given the open fields, return whether a contents field was left open."""
        return any(_is_toc(instr) for instr, _ in self.stack)


def _is_toc(instruction: str) -> bool:
    """Given a field instruction, return whether it builds a table of contents."""
    words = instruction.split()
    return bool(words) and words[0].upper() == TOC_FIELD


def _paragraph_text(p, fields: Fields | None = None, keep_toc: bool = False) -> str:
    """Given a w:p element and the fields open before it, return the text Word shows (tabs and
    breaks kept), leaving out field codes and, unless keep_toc, contents entries."""
    fields = fields if fields is not None else Fields()
    parts: list[str] = []
    _inline_text(p, fields, parts, keep_toc)
    return "".join(parts)


def _inline_text(el, fields: Fields, parts: list[str], keep_toc: bool) -> None:
    """Given a paragraph or inline element, add the text of its runs to parts, in order."""
    for child in el.iterchildren():
        name = _tag(child)
        if name == "r":
            for item in child.iterchildren():
                kind = _tag(item)
                if kind == "fldChar":
                    fields.char(item.get(_qn("w:fldCharType")) or "")
                elif kind == "instrText" and fields.stack:
                    fields.stack[-1][0] += item.text or ""
                elif kind in RUN_TEXT and (fields.shows_text() or keep_toc and _in_result(fields)):
                    parts.append(str(item) if kind != "t" else item.text or "")
        elif name == "sdt":
            props = child.find(_qn("w:sdtPr"))
            if props is not None and props.find(_qn("w:showingPlcHdr")) is not None:
                continue  # a placeholder prompt (单击此处输入文字) is a blank, not text
            content = child.find(_qn("w:sdtContent"))
            if content is not None:
                _inline_text(content, fields, parts, keep_toc)
        elif name in INLINE_CONTAINERS:
            _inline_text(child, fields, parts, keep_toc)


def _in_result(fields: Fields) -> bool:
    """Given the open fields, return whether text here is a field's result (contents included)."""
    return all(sep for _, sep in fields.stack)


def _cell_text(tc, parent) -> str:
    """Given a w:tc element, return its text: paragraphs joined by newlines, nested tables flattened."""
    parts: list[str] = []
    fields = Fields()
    for child in tc.iterchildren():
        name = _tag(child)
        if name == "p":
            parts.append(_paragraph_text(child, fields, keep_toc=True))
        elif name == "tbl":
            for row in _table_rows(child, parent):
                line = "\t".join(c for c in row if c)
                if line:
                    parts.append(line)
        elif name == "sdt":
            content = child.find(_qn("w:sdtContent"))
            if content is not None:
                parts.append(_cell_text(content, parent))
    return "\n".join(parts).strip()


def _qn(tag: str) -> str:
    """Given a prefixed tag such as w:p, return its Clark name."""
    from docx.oxml.ns import qn

    return qn(tag)


def _row_cells(tr):
    """Given a w:tr element, return its w:tc elements (including those inside content controls)."""
    return tr.xpath("./w:tc | ./w:sdt/w:sdtContent/w:tc")


def _table_rows(tbl, parent) -> list[list[str]]:
    """Given a w:tbl element, return its rows of cell texts, each merged cell once."""
    rows: list[list[str]] = []
    for tr in tbl.xpath("./w:tr | ./w:sdt/w:sdtContent/w:tr"):
        row: list[str] = []
        for tc in _row_cells(tr):
            v_merge = tc.vMerge if hasattr(tc, "vMerge") else None
            if v_merge is not None and v_merge != "restart":
                row.append("")  # continuation of a vertically merged cell above
            else:
                row.append(_cell_text(tc, parent))
        rows.append(row)
    return rows


def _body_items(container, parent):
    """Given the body (or a content control inside it), yield its w:p and w:tbl in order."""
    for child in container.iterchildren():
        name = _tag(child)
        if name in ("p", "tbl"):
            yield name, child
        elif name == "sdt":
            content = child.find(_qn("w:sdtContent"))
            if content is not None:
                yield from _body_items(content, parent)


def _comments(document) -> list[str]:
    """Given a python-docx Document, return the warning that counts its reviewer comments."""
    try:
        count = sum(1 for c in document.comments if (c.text or "").strip())
    except Exception:  # comments are optional; a broken comments part must not stop reading
        return []
    return comments_note(count)


def _blocks(body, document, keep_toc: bool) -> tuple[list[Block], Fields]:
    """Given the document body, return its paragraph and table blocks in order, and the fields
    left open at its end."""
    blocks: list[Block] = []
    fields = Fields()
    n_para = n_table = 0
    for name, element in _body_items(body, document):
        if name == "p":
            text = _paragraph_text(element, fields, keep_toc).strip()
            if text:
                n_para += 1
                blocks.append(Block(kind="p", text=text, index=n_para))
        else:
            rows = _table_rows(element, document)
            if any(cell for row in rows for cell in row):  # skip tables without text
                n_table += 1
                blocks.append(table_block(rows, n_table))
    return blocks, fields


def read_docx(path: Path) -> ParsedDocument:
    """Given a .docx report, return its paragraphs and tables as a ParsedDocument."""
    head = read_bytes(path, 8)
    if head == OLE_MAGIC:
        raise InputError("文件实为旧版 Word（.doc）格式或已加密，请另存为未加密的 .docx")
    if not zipfile.is_zipfile(path):
        raise InputError("DOCX 文件已损坏或不是 Word 文件（不是有效的 zip 包）")
    limits.check_zip(path, "DOCX")
    try:
        import docx

        document = docx.Document(str(path))
        body = document.element.body
    except Exception as exc:  # python-docx, zipfile and lxml raise many kinds
        raise InputError(f"DOCX 文件已损坏，无法读取（{type(exc).__name__}）") from None

    try:
        blocks, fields = _blocks(body, document, keep_toc=False)
        if fields.open_toc():  # a contents field never closed: read its result as text after all
            blocks, fields = _blocks(body, document, keep_toc=True)
    except Exception as exc:
        raise InputError(f"DOCX 文件内容无法解析（{type(exc).__name__}）") from None
    if not any(b.text.strip() for b in blocks):
        raise InputError("文件没有文字内容")
    return ParsedDocument(
        source_file=path.name, fmt="docx", blocks=blocks, warnings=_comments(document)
    )
