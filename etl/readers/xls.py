"""Legacy Excel (.xls) reader: the 附表 workbooks of older reports, read with python-calamine.

python-calamine (a binding of the Rust calamine library, maintained, wheels for every
platform) reads .xls, .xlsx and .ods without LibreOffice; xlrd reads only .xls and is in
maintenance mode.  Each sheet's rows, with merged ranges given once (cells covered to the
right dropped, cells covered below empty), go through the same sheet layout as .xlsx
(etl/readers/xlsx.py), so both give the same blocks.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from etl.model import InputError, ParsedDocument
from etl.readers.xlsx import GENERAL_DECIMALS, workbook_document


def _text(value) -> str:
    """Given a cell value as calamine gives it, return it as the sheet shows it."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        text = f"{value:.{GENERAL_DECIMALS}f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _rows(sheet) -> list[list[str]]:
    """Given a calamine sheet, return its non-blank rows with merged cells given once."""
    right: set[tuple[int, int]] = set()
    below: set[tuple[int, int]] = set()
    for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) == (r0, c0):
                    continue
                (right if c > c0 else below).add((r, c))
    rows = []
    for r, values in enumerate(sheet.to_python(skip_empty_area=False)):
        row = []
        for c, value in enumerate(values):
            if (r, c) in right:
                continue
            row.append("" if (r, c) in below else _text(value))
        rows.append(row)
    width = max((i + 1 for row in rows for i, v in enumerate(row) if v), default=0)
    return [row[:width] for row in rows if any(row)]


def read_xls(path: Path) -> ParsedDocument:
    """Given an .xls workbook, return each visible sheet's title paragraphs and table."""
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error kinds for broken files
        raise InputError(f"XLS 文件已损坏或已加密，无法读取（{type(exc).__name__}）") from None
    try:
        visible = {m.name: str(m.visible).endswith("Visible") for m in wb.sheets_metadata}
        sheets = [(n, visible.get(n, True), _rows(wb.get_sheet_by_name(n))) for n in wb.sheet_names]
    except Exception as exc:
        raise InputError(f"XLS 文件内容无法解析（{type(exc).__name__}）") from None
    finally:
        wb.close()
    doc = workbook_document(path.name, sheets)
    doc.fmt = "xlsx"  # the same tables as a .xlsx workbook: one format for the warehouse
    return doc
