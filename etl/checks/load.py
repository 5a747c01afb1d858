"""Read every report's records out of a warehouse (raw tables) into ReportData bundles."""

from __future__ import annotations

import duckdb

from etl.checks.model import IndicatorRow, ProjectRow, ReportData, Stated
from etl.statements import Statement

MENTION_COLUMNS = (
    "kind", "subject", "value", "pct", "base", "year", "other_year", "flag", "section",
    "page", "loc", "quote", "context",
)  # fmt: skip


CELL_COLUMNS = (
    "table_key", "title", "row_no", "row_code", "row_label", "column_path", "col_no", "value",
    "page", "loc", "quote",
)  # fmt: skip


def load_reports(con: duckdb.DuckDBPyConnection) -> list[ReportData]:
    """Given a warehouse connection, return one ReportData per report, in a stable order."""
    reports: dict[str, ReportData] = {}
    for row in con.execute(
        "SELECT r.report_id, r.source_file, r.unit_id, u.display_name, u.unit_type,"
        " r.fiscal_year, r.doc_kind FROM raw_reports r JOIN raw_units u USING (unit_id)"
        " ORDER BY u.display_name, r.fiscal_year, r.doc_kind, r.report_id"
    ).fetchall():
        reports[row[0]] = ReportData(*row)

    def each(sql: str):
        for row in con.execute(sql).fetchall():
            data = reports.get(row[0])
            if data is not None:
                yield data, row[1:]

    for r, (metric, value, quote, loc, page, origin) in each(
        "SELECT report_id, metric, value, quote, loc, page, origin FROM raw_facts"
    ):
        r.facts.setdefault(metric, Stated(value, r.quote(quote, loc, page), origin or "text"))
    for r, (metric, year, value, quote, loc, page, basis) in each(
        "SELECT report_id, metric, fiscal_year, value, quote, loc, page, basis"
        " FROM raw_derived_facts"
    ):
        r.derived[metric] = (year, value, r.quote(quote, loc, page), basis)
    for r, (name, amount, quote, loc, page) in each(
        "SELECT report_id, class_name, amount, quote, loc, page FROM raw_function_classes"
        " ORDER BY report_id, page NULLS FIRST, loc, quote"  # no seq: a stable order
    ):
        r.classes.append((name, amount, r.quote(quote, loc, page)))
    for r, (name, amount, done, quote, loc, page) in each(
        "SELECT report_id, class_name, amount, pct_of_budget, quote, loc, page"
        " FROM raw_function_items ORDER BY report_id, seq"
    ):
        r.items.append((name, amount, done, r.quote(quote, loc, page)))
    for r, (name, score, initial, executed, quote, loc, page) in each(
        "SELECT report_id, name, score, initial_budget, executed, quote, loc, page"
        " FROM raw_projects ORDER BY report_id, seq"
    ):
        r.projects.append(ProjectRow(name, score, initial, executed, r.quote(quote, loc, page)))
    for r, (table, weight, score, name, target, loc, page, actual, unit, levels, sign) in each(
        "SELECT report_id, table_name, weight, score, level3, target, loc, page, actual, unit,"
        " concat_ws('/', level1, level2), sign FROM raw_indicators ORDER BY report_id, seq"
    ):
        where = r.quote(f"{name}：{target}", loc, page)
        r.indicators.append(
            IndicatorRow(table, name or "", target or "", weight, score, where,
                         actual or "", unit or "", levels or "", sign or "")
        )  # fmt: skip
    cols = ", ".join(MENTION_COLUMNS)
    for r, values in each(f"SELECT report_id, {cols} FROM raw_mentions ORDER BY report_id, seq"):
        m = Statement.from_columns(dict(zip(MENTION_COLUMNS, values, strict=True)))
        r.mentions.append(m.cited(r.quote(m.quote, m.loc, m.page)))
    for r, values in each(
        f"SELECT report_id, {', '.join(CELL_COLUMNS)} FROM raw_cells"
        " ORDER BY report_id, table_key, row_no, col_no"
    ):
        c = dict(zip(CELL_COLUMNS, values, strict=True))
        c["where"] = r.quote(f"{c['title']}：{c['quote']}", c["loc"], c["page"])
        r.cells.append(c)
    return list(reports.values())
