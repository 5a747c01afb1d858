"""Text reader: plain-text exports of Word reports (.txt/.md) into blocks.

Grammar (the one tools/make_corpus.py documents): a table row is a run of lines starting
with a tab (optionally after one space), one cell per line; a line without a tab continues
the cell above; rows are separated by one blank line and two blank lines end the table.
Every other non-empty line is a paragraph.  Converter artefacts ``[bookmark: ...]`` and
``[image: ...]`` are dropped; reviewer remarks ``\\tComment by NAME: ...`` are removed from
the text and only counted in a warning (who wrote them and what they say are not kept).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from etl.model import Block, InputError, ParsedDocument
from etl.readers import comments_note, read_bytes, table_block

BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
IMAGE = re.compile(r"\[image: [^\]]*\]")
COMMENT = re.compile(r"\tComment by ([^:]+): (.*?)(?=\tComment by |$)")
TABLE_LINE = re.compile(r"^ ?\t")

# Blank lines that end a table (one blank line only separates rows).
TABLE_END_BLANKS = 2


def decode(data: bytes) -> str:
    """Given raw file bytes, return the text decoded as UTF-8 (BOM allowed), UTF-16 or GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError("文本文件编码无法识别") from None
    if b"\x00" in data:
        raise InputError("文件不是文本格式（含二进制内容）")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError("文本文件编码无法识别（既不是 UTF-8 也不是 GB18030）") from None


def split_blocks(text: str) -> list[tuple[str, object]]:
    """Given report text, return ("p", line) and ("table", rows) items in document order."""
    lines = [IMAGE.sub("", BOOKMARK.sub("", ln)).rstrip("\r") for ln in text.split("\n")]
    items: list[tuple[str, object]] = []
    i, n = 0, len(lines)
    while i < n:
        if not TABLE_LINE.match(lines[i]):
            items.append(("p", lines[i]))
            i += 1
            continue
        rows: list[list[str]] = []
        row: list[str] = []
        blank_run = 0
        while i < n:
            line = lines[i]
            if TABLE_LINE.match(line):
                if blank_run and row:
                    rows.append(row)
                    row = []
                blank_run = 0
                row.append(line.lstrip(" ")[1:].strip())
            elif line.strip() == "":
                blank_run += 1
                if blank_run >= TABLE_END_BLANKS:
                    break
            elif blank_run == 0 and row:
                row[-1] = (row[-1] + "\n" + line.strip()).strip()
            else:
                break
            i += 1
        if row:
            rows.append(row)
        items.append(("table", rows))
    return items


def pad_rows(rows: list[list[str]]) -> list[list[str]]:
    """Given ragged table rows, return them padded with empty cells to the table width.

    A row of a single cell in a wider table is a title spanning the table (a merged cell)
    and stays one cell, as the DOCX and PDF readers give it.
    """
    width = max((len(r) for r in rows), default=0)
    return [r if len(r) == 1 else r + [""] * (width - len(r)) for r in rows]


def blocks_from_text(text: str) -> tuple[list[Block], list[str]]:
    """Given report text, return its blocks and a warning counting the reviewer remarks."""
    blocks: list[Block] = []
    remarks = 0
    n_para = n_table = 0
    for kind, body in split_blocks(text):
        if kind == "table":
            rows = pad_rows(body)  # type: ignore[arg-type]
            if not any(cell for row in rows for cell in row):
                continue  # a table without any text carries nothing
            n_table += 1
            blocks.append(table_block(rows, n_table))
            continue
        line = str(body)
        remarks += len(COMMENT.findall(line))
        line = COMMENT.sub("", line).strip()
        if not line:
            continue
        n_para += 1
        blocks.append(Block(kind="p", text=line, index=n_para))
    return blocks, comments_note(remarks)


def read_text(path: Path) -> ParsedDocument:
    """Given a .txt/.md report, return its paragraphs and tables as a ParsedDocument."""
    data = read_bytes(path)
    text = decode(data)
    blocks, warnings = blocks_from_text(text)
    if not blocks or not any(b.text.strip() for b in blocks):
        raise InputError("文件没有文字内容")
    return ParsedDocument(source_file=path.name, fmt="txt", blocks=blocks, warnings=warnings)
