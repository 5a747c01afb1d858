"""Downloads of the filtered data: CSV (UTF-8 with BOM, opens in Excel) and .xlsx (openpyxl).

A text cell that a spreadsheet would take for a formula (starting with =, +, -, @, a tab or a
carriage return) is written with a leading apostrophe, so it opens as the text it was;
numbers stay numbers.
"""

from __future__ import annotations

import io
import re

import pandas as pd

# First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# A text cell that is only a number ("-12.50", "+3%") is no formula and is left as it is.
PLAIN_NUMBER = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?%?|[-—]+")


def neutral(value: object) -> object:
    """Given a cell value, return it, with an apostrophe before text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        if not PLAIN_NUMBER.fullmatch(value):
            return "'" + value
    return value


def neutral_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Given a frame, return a copy whose text cells and headers cannot run as formulas."""
    out = df.copy()
    out.columns = [neutral(c) if isinstance(c, str) else c for c in out.columns]
    for i in range(out.shape[1]):  # by position: a frame may repeat a column name
        column = out.iloc[:, i]
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            out.isetitem(i, column.map(neutral))
    return out


def csv_bytes(df: pd.DataFrame) -> bytes:
    """Return the frame as CSV bytes with a BOM so Excel reads the Chinese headers."""
    return neutral_frame(df).to_csv(index=False).encode("utf-8-sig")


def excel_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """Return an .xlsx workbook with one sheet per frame (headers as given), frozen header row."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for name, df in sheets.items():
            out = neutral_frame(df)
            for i in range(out.shape[1]):  # by position: a frame may repeat a column name
                if isinstance(out.iloc[:, i].dtype, pd.DatetimeTZDtype):
                    out.isetitem(i, out.iloc[:, i].dt.tz_localize(None))
            out.to_excel(xw, sheet_name=name[:31], index=False)
            ws = xw.sheets[name[:31]]
            for i, col in enumerate(out.columns, 1):
                values = out.iloc[:, i - 1].head(200)
                width = max([len(str(col)) * 2] + [len(str(v)) for v in values]) + 2
                ws.column_dimensions[ws.cell(1, i).column_letter].width = min(max(width, 8), 60)
            ws.freeze_panes = "A2"
    return buf.getvalue()
