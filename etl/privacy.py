"""Personal data in report text: phone numbers, ID-card numbers and e-mail addresses masked.

Reports sometimes print a contact's mobile number or e-mail beside a figure; the quotes that
carry it are evidence shown on every page and in every download.  ``mask_text`` masks them
(138****5678, 110***********1234, z***@example.cn); ``mask_warehouse`` applies it to every
text column pages and exports read, after the checks have run, and keeps the original text
in ``raw_personal_text`` for the bureau's own use (no page or query reads that table).
Figures are never touched: a number followed by a decimal part, or inside a longer run of
digits, is not a phone number.
"""

from __future__ import annotations

import re

import duckdb
import pyarrow as pa

# A mainland mobile number (optionally +86), not part of a longer number or an amount.
MOBILE = re.compile(r"(?<![\d.,])(?:\+?86[- ]?)?(1[3-9]\d)[- ]?\d{4}[- ]?(\d{4})(?!\d|[.,]\d)")
# A landline with its area code: 010-12345678, (0571)87654321, 0833－2345678-801.
LANDLINE = re.compile(
    r"(?<![\d.,])((?:[(（]0\d{2,3}[)）]|0\d{2,3}[\-－—])\s?)(\d{3,4})[- ]?(\d{4})(?:-\d{1,4})?"
    r"(?!\d|[.,]\d)"
)
# A number right after 电话 / 手机 / 传真 / 联系方式 (a local number without area code).
LABELLED = re.compile(r"((?:电话|手机|传真|联系方式)(?:号码)?\s*[:：]?\s*)(\d[\d\- ]{5,}\d)")
# An 18-digit resident ID number with a plausible birth date.
ID_CARD = re.compile(
    r"(?<![\dA-Za-z])(\d{3})\d{3}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    r"(\d{3}[\dXx])(?![\dA-Za-z])"
)
EMAIL = re.compile(
    r"(?<![\w.+-])([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
)
# Rows worth a look: a digit run of 7 or more, or an @ (prefilter run inside DuckDB).
CANDIDATE_SQL = r"[0-9]{3}[- －）)]?[0-9]{4}|@"

# Text columns pages and exports read, per raw table.
MASKED_COLUMNS = {
    "raw_facts": ("quote",),
    "raw_derived_facts": ("quote",),
    "raw_function_classes": ("quote",),
    "raw_function_items": ("quote",),
    "raw_cells": ("quote", "text", "row_label"),
    "raw_projects": ("quote", "name"),
    "raw_indicators": ("level3", "target", "actual", "deviation"),
    "raw_notes": ("message",),
    "raw_mentions": ("quote", "context"),
    "raw_findings": ("message", "evidence"),
}


def _id_card(m: re.Match) -> str:
    """Given an ID-card match, return it with all but its first 3 and last 4 characters masked."""
    return f"{m.group(1)}{'*' * 11}{m.group(2)}"


def mask_text(text: str | None) -> str | None:
    """Given a text, return it with phone, ID-card numbers and e-mail addresses masked."""
    if not text:
        return text
    text = ID_CARD.sub(_id_card, text)
    text = MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)
    text = LANDLINE.sub(lambda m: f"{m.group(1)}{'*' * len(m.group(2))}{m.group(3)}", text)
    text = LABELLED.sub(
        lambda m: m.group(1) + re.sub(r"\d(?=[\d\- ]*\d{2})", "*", m.group(2)), text
    )
    return EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)


def mask_warehouse(con: duckdb.DuckDBPyConnection) -> int:
    """Given a warehouse being written, mask personal data in its shared text columns, keep
    the originals in raw_personal_text and return how many values were masked."""
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    kept: list[tuple[str, str, str, str, str]] = []
    for table, columns in MASKED_COLUMNS.items():
        if table not in tables:
            continue
        for column in columns:
            rows = con.execute(
                f"SELECT rowid, report_id, {column} FROM {table} WHERE regexp_matches({column}, ?)",
                [CANDIDATE_SQL],
            ).fetchall()
            changed = [(rid, rep, old, mask_text(old)) for rid, rep, old in rows]
            changed = [c for c in changed if c[3] != c[2]]
            if not changed:
                continue
            kept += [(table, column, rep, old, new) for _rid, rep, old, new in changed]
            con.register(
                "_masked",
                pa.table(
                    {
                        "rid": pa.array([c[0] for c in changed], pa.int64()),
                        "v": pa.array([c[3] for c in changed], pa.string()),
                    }
                ),
            )
            try:
                con.execute(
                    f"UPDATE {table} SET {column} = _masked.v FROM _masked "
                    f"WHERE {table}.rowid = _masked.rid"
                )
            finally:
                con.unregister("_masked")
    if kept and "raw_personal_text" in tables:
        con.executemany("INSERT INTO raw_personal_text VALUES (?, ?, ?, ?, ?)", kept)
    return len(kept)
