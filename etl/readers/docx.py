"""DOCX reader: Word body paragraphs and tables, interleaved in document order.

Tables are read from the XML (w:tr / w:tc) so that a horizontally merged cell
(w:gridSpan) is given once and a vertically merged continuation (w:vMerge without
"restart") is an empty cell rather than a copy.  Nested tables are flattened into the
text of the cell that holds them (one line per nested row, cells joined by a tab).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from etl.model import Block, InputError, ParsedDocument
from etl.readers import read_bytes, table_block

# First bytes of an OLE2 compound file: a legacy .doc, or an encrypted Office file.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _tag(element) -> str:
    """Given an lxml element, return its local tag name (without namespace)."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _paragraph_text(p, parent) -> str:
    """Given a w:p element, return its text as python-docx reads it (tabs and breaks kept)."""
    from docx.text.paragraph import Paragraph

    return Paragraph(p, parent).text


def _cell_text(tc, parent) -> str:
    """Given a w:tc element, return its text: paragraphs joined by newlines, nested tables flattened."""
    parts: list[str] = []
    for child in tc.iterchildren():
        name = _tag(child)
        if name == "p":
            parts.append(_paragraph_text(child, parent))
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
    """Given a python-docx Document, return its reviewer comments as warnings."""
    try:
        comments = list(document.comments)
    except Exception:  # comments are optional; a broken comments part must not stop reading
        return []
    out = []
    for comment in comments:
        text = (comment.text or "").strip()
        if text:
            out.append(f"审阅批注（{(comment.author or '').strip()}）：{text}")
    return out


def read_docx(path: Path) -> ParsedDocument:
    """Given a .docx report, return its paragraphs and tables as a ParsedDocument."""
    head = read_bytes(path, 8)
    if head == OLE_MAGIC:
        raise InputError("文件实为旧版 Word（.doc）格式或已加密，请另存为未加密的 .docx")
    if not zipfile.is_zipfile(path):
        raise InputError("DOCX 文件已损坏或不是 Word 文件（不是有效的 zip 包）")
    try:
        import docx

        document = docx.Document(str(path))
        body = document.element.body
    except Exception as exc:  # python-docx, zipfile and lxml raise many kinds
        raise InputError(f"DOCX 文件已损坏，无法读取（{type(exc).__name__}）") from None

    blocks: list[Block] = []
    n_para = n_table = 0
    try:
        for name, element in _body_items(body, document):
            if name == "p":
                text = _paragraph_text(element, document).strip()
                if text:
                    n_para += 1
                    blocks.append(Block(kind="p", text=text, index=n_para))
            else:
                rows = _table_rows(element, document)
                if any(cell for row in rows for cell in row):  # skip tables without text
                    n_table += 1
                    blocks.append(table_block(rows, n_table))
    except Exception as exc:
        raise InputError(f"DOCX 文件内容无法解析（{type(exc).__name__}）") from None
    if not any(b.text.strip() for b in blocks):
        raise InputError("文件没有文字内容")
    return ParsedDocument(
        source_file=path.name, fmt="docx", blocks=blocks, warnings=_comments(document)
    )
