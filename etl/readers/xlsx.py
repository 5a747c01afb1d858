"""XLSX reader (openpyxl): each visible sheet as its title paragraphs and one table.

Workbooks of 附表 put one table per sheet, with its title (and sometimes a 说明 line) in
rows holding a single cell.  Leading single-cell rows become paragraphs before the table,
trailing 说明 lines paragraphs after it; the rest of the sheet is one table block.  A merged
range is given once: cells it covers to the right are dropped, cells it covers below are
empty, as the DOCX and PDF readers give them.  Formulas are read as the values Excel last
saved (a formula never calculated by Excel reads as blank).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from etl import limits, settings
from etl.model import Block, InputError, ParsedDocument
from etl.readers import read_bytes, table_block

# First bytes of an OLE2 compound file: an encrypted workbook or a legacy .xls renamed.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Number formats with a fixed count of decimals ("0.00", "#,##0.00") are shown that way.
FIXED_DECIMALS = re.compile(r"^[#,]*0\.(0+)(?:_.*)?$")
# A percent format ("0%", "0.00%"): the sheet shows the value times 100 with a percent sign.
PERCENT = re.compile(r"^0(?:\.(0+))?%$")
# A single-cell row after the table is a 说明 line when longer than this or opening with 注/说明
# (a short one, such as an empty 合计 row, stays in the table).
MAX_ROW_LABEL_CHARS = 8
NOTE_STARTS = ("注", "说明", "备注")
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# Streaming a sheet to count its size stops past this many columns (the limit is lower).
MAX_COLS_SEEN = 1 << 14
GENERAL_DECIMALS = 6  # decimals kept for numbers without a fixed format (trailing zeros cut)


def _cell_text(cell) -> str:
    """Given an openpyxl cell, return its value as the sheet shows it (numbers with their decimals)."""
    return shown(cell.value, cell.number_format)


def shown(value, number_format: str | None) -> str:
    """Given a cell value and its number format, return it as the sheet shows it: fixed
    decimals kept, a percent format as a percent (0.9459 in 0.00% is 94.59%)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        section = (number_format or "").split(";")[0]  # the format of positive numbers
        m = PERCENT.match(section)
        if m:
            return f"{value * 100:.{len(m.group(1) or '')}f}%"
        m = FIXED_DECIMALS.match(section)
        if m:
            return f"{value:.{len(m.group(1))}f}"
        text = f"{value:.{GENERAL_DECIMALS}f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _sheet_rows(ws) -> list[list[str]]:
    """Given a worksheet, return its non-blank rows with merged cells given once."""
    covered_right: set[tuple[int, int]] = set()
    covered_below: set[tuple[int, int]] = set()
    for rng in ws.merged_cells.ranges:
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) == (rng.min_row, rng.min_col):
                    continue
                if c > rng.min_col:
                    covered_right.add((r, c))
                else:
                    covered_below.add((r, c))
    last_col = max(
        (c.column for row in ws.iter_rows() for c in row if c.value is not None), default=0
    )
    rows: list[list[str]] = []
    for row in ws.iter_rows(max_col=max(last_col, 1)):
        out: list[str] = []
        for cell in row:
            pos = (cell.row, cell.column)
            if pos in covered_right:
                continue
            if pos in covered_below:
                out.append("")
                continue
            out.append(_cell_text(cell))
        rows.append(out)
    return [r for r in rows if any(r)]


def _single(row: list[str]) -> str | None:
    """Given a row, return its text when it holds exactly one filled cell that is not a number."""
    filled = [c for c in row if c]
    if len(filled) != 1 or re.fullmatch(r"-?[\d.,]+%?", filled[0]):
        return None
    return filled[0]


def _is_note(text: str | None) -> bool:
    """Given a trailing single-cell text, return whether it is a 说明 line rather than a row label."""
    return text is not None and (len(text) > MAX_ROW_LABEL_CHARS or text.startswith(NOTE_STARTS))


def read_xlsx(path: Path) -> ParsedDocument:
    """Given an .xlsx workbook, return each visible sheet's title paragraphs and table as a ParsedDocument."""
    head = read_bytes(path, 8)
    if head == OLE_MAGIC:
        raise InputError("文件已加密或实为旧版 Excel（.xls）格式，请另存为未加密的 .xlsx")
    if not zipfile.is_zipfile(path):
        raise InputError("XLSX 文件已损坏或不是 Excel 文件（不是有效的 zip 包）")
    limits.check_zip(path, "XLSX")
    data = read_bytes(path)
    try:
        import openpyxl

        _check_sizes(data)
        # from the bytes, not the name: openpyxl refuses a name not ending in .xlsx
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except InputError:
        raise
    except Exception as exc:  # openpyxl, zipfile and lxml raise many kinds
        raise InputError(f"XLSX 文件已损坏，无法读取（{type(exc).__name__}）") from None

    try:
        sheets = [(ws.title, ws.sheet_state == "visible", _sheet_rows(ws)) for ws in wb.worksheets]
    except Exception as exc:
        raise InputError(f"XLSX 文件内容无法解析（{type(exc).__name__}）") from None
    finally:
        wb.close()
    return workbook_document(path.name, sheets)


def _check_sizes(data: bytes) -> None:
    """Given a workbook's bytes, raise InputError when a sheet has more rows or columns than
    the limits, streaming each sheet's XML (nothing kept) no further than the limit."""
    from lxml import etree

    max_rows = settings.int_setting("max_sheet_rows")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            rows = cols = 0
            with zf.open(name) as fh:
                for _event, row in etree.iterparse(fh, tag=f"{{{SHEET_NS}}}row"):
                    rows += 1
                    cols = max(cols, len(row))
                    row.clear()
                    if max_rows and rows > max_rows or cols > MAX_COLS_SEEN:
                        break
            limits.check_sheet(Path(name).stem, rows, cols)


def workbook_document(
    source_file: str, sheets: list[tuple[str, bool, list[list[str]]]]
) -> ParsedDocument:
    """Given a workbook's sheets as (title, visible, rows with merged cells given once),
    return each visible sheet's title paragraphs and table as a ParsedDocument."""
    blocks: list[Block] = []
    warnings: list[str] = []
    n_para = n_table = 0

    def para(text: str) -> None:
        nonlocal n_para
        n_para += 1
        blocks.append(Block(kind="p", text=text, index=n_para))

    for title, visible, rows in sheets:
        if not visible:
            warnings.append(f"隐藏的工作表“{title}”未读取")
            continue
        start = 0
        while start < len(rows) and _single(rows[start]) is not None:
            start += 1
        end = len(rows)
        while end > start and _is_note(_single(rows[end - 1])):
            end -= 1
        for row in rows[:start]:
            para(_single(row) or "")
        if start == end:
            continue
        if start == 0:
            para(title)  # a sheet without a title row is titled by its name
        n_table += 1
        blocks.append(table_block(rows[start:end], n_table))
        for row in rows[end:]:
            para(_single(row) or "")
    if not blocks:
        raise InputError("文件没有文字内容")
    return ParsedDocument(source_file=source_file, fmt="xlsx", blocks=blocks, warnings=warnings)
