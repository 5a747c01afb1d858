"""Downloads of the filtered data: CSV (UTF-8 with BOM, opens in Excel) and .xlsx (openpyxl)."""

from __future__ import annotations

import io

import pandas as pd


def csv_bytes(df: pd.DataFrame) -> bytes:
    """Return the frame as CSV bytes with a BOM so Excel reads the Chinese headers."""
    return df.to_csv(index=False).encode("utf-8-sig")


def excel_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """Return an .xlsx workbook with one sheet per frame (headers as given), frozen header row."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for name, df in sheets.items():
            out = df.copy()
            for col in out.columns:
                if isinstance(out[col].dtype, pd.DatetimeTZDtype):
                    out[col] = out[col].dt.tz_localize(None)
            out.to_excel(xw, sheet_name=name[:31], index=False)
            ws = xw.sheets[name[:31]]
            for i, col in enumerate(out.columns, 1):
                width = max([len(str(col)) * 2] + [len(str(v)) for v in out[col].head(200)]) + 2
                ws.column_dimensions[ws.cell(1, i).column_letter].width = min(max(width, 8), 60)
            ws.freeze_panes = "A2"
    return buf.getvalue()
