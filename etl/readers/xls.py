"""Legacy Excel (.xls) reader: the 附表 workbooks of older reports, read with xlrd.

xlrd reads the Excel 97-2003 format with each cell's number format (formatting_info), so a
cell reads as the sheet shows it, like .xlsx through openpyxl: 0.9459 formatted 0.00% is
94.59%, 863.4 formatted 0.00 is 863.40.  python-calamine (also maintained, faster, reads
.xls/.xlsx/.ods) gives values without their formats, so a percent would read as 0.9459: a
wrong number.  Each sheet's rows, merged ranges given once (cells covered to the right
dropped, cells covered below empty), go through the same sheet layout as .xlsx
(etl/readers/xlsx.py).  Files named .xls that are really .xlsx or a saved web page (as
download systems often produce) are read as what they are.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from etl import limits
from etl.model import InputError, ParsedDocument
from etl.readers import read_bytes
from etl.readers.xlsx import OLE_MAGIC, shown, workbook_document

# First bytes of a web page saved under an .xls name (after optional whitespace or a BOM).
HTML_STARTS = (b"<!doctype", b"<html", b"<table", b"<meta", b"<?xml", b"<head")
SNIFF_BYTES = 512


def _cell_text(book, cell) -> str:
    """Given an xlrd book and cell, return the cell as the sheet shows it."""
    import xlrd

    kind, value = cell.ctype, cell.value
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    if kind == xlrd.XL_CELL_BOOLEAN:
        return shown(bool(value), None)
    if kind == xlrd.XL_CELL_DATE:
        try:
            return shown(xlrd.xldate_as_datetime(value, book.datemode).date(), None)
        except (ValueError, OverflowError):
            return ""
    if kind == xlrd.XL_CELL_NUMBER:
        xf = book.xf_list[cell.xf_index]
        fmt = book.format_map.get(xf.format_key)
        return shown(value, fmt.format_str if fmt else None)
    return shown(value, None)


def _rows(book, sheet) -> list[list[str]]:
    """Given an xlrd sheet, return its non-blank rows with merged cells given once."""
    right: set[tuple[int, int]] = set()
    below: set[tuple[int, int]] = set()
    for r0, r1, c0, c1 in sheet.merged_cells:  # upper bounds exclusive
        for r in range(r0, r1):
            for c in range(c0, c1):
                if (r, c) != (r0, c0):
                    (right if c > c0 else below).add((r, c))
    rows = []
    for r in range(sheet.nrows):
        row = []
        for c in range(sheet.ncols):
            if (r, c) in right:
                continue
            row.append("" if (r, c) in below else _cell_text(book, sheet.cell(r, c)))
        rows.append(row)
    width = max((i + 1 for row in rows for i, v in enumerate(row) if v), default=0)
    return [row[:width] for row in rows if any(row)]


def read_xls(path: Path) -> ParsedDocument:
    """Given an .xls workbook, return each visible sheet's title paragraphs and table."""
    head = read_bytes(path, SNIFF_BYTES)
    if zipfile.is_zipfile(path):
        from etl.readers.xlsx import read_xlsx

        return read_xlsx(path)  # an .xlsx workbook under an .xls name
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(HTML_STARTS):
        from etl.readers.html import read_html

        return read_html(path)  # a web page (an HTML table) under an .xls name
    if not head.startswith(OLE_MAGIC):
        raise InputError("XLS 文件已损坏或不是 Excel 文件（文件头不符）")
    try:
        import xlrd

        book = xlrd.open_workbook(str(path), formatting_info=True)
    except Exception as exc:  # xlrd raises XLRDError (encrypted, broken) and struct errors
        raise InputError(f"XLS 文件已损坏或已加密，无法读取（{type(exc).__name__}）") from None
    try:
        for sheet in book.sheets():
            limits.check_sheet(sheet.name, sheet.nrows, sheet.ncols)
        sheets = [
            (sheet.name, sheet.visibility == 0, _rows(book, sheet)) for sheet in book.sheets()
        ]
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"XLS 文件内容无法解析（{type(exc).__name__}）") from None
    finally:
        book.release_resources()
    return workbook_document(path.name, sheets)
