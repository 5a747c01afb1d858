"""Named, parameterised queries over the 决算看板 warehouse (warehouse/schema.sql).

Every function takes an open DuckDB connection first and returns a pandas DataFrame.
SQL text here is constant: values are always passed as ``?`` parameters, never formatted
into the string.  Pages call these through ``dashboard_lib.data.query`` (which caches the
result and opens the warehouse read-only); outside tools may call them directly.

Filters
-------
``Filters.unit_ids`` of ``None`` means every unit; ``year_from``/``year_to`` bound the
fiscal year (inclusive); ``doc_kinds`` lists the report kinds (决算, 绩效自评).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

DOC_KINDS = ("决算", "绩效自评")

# Headline figures of the 总览 page, in display order.
HEADLINE_METRICS = (
    "total.income_expenditure",
    "expenditure.basic",
    "expenditure.project",
    "sangong.total",
    "vehicles.total",
    "perf.overall_score",
)

SANGONG_COMPONENTS = (
    "sangong.outbound",
    "sangong.vehicle.purchase",
    "sangong.vehicle.operation",
    "sangong.reception",
)
SANGONG_BUDGETS = {
    "sangong.total": "sangong.budget",
    "sangong.outbound": "sangong.outbound.budget",
    "sangong.vehicle": "sangong.vehicle.budget",
    "sangong.vehicle.purchase": "sangong.vehicle.purchase.budget",
    "sangong.vehicle.operation": "sangong.vehicle.operation.budget",
    "sangong.reception": "sangong.reception.budget",
}
VEHICLE_TYPES = ("vehicles.sedan", "vehicles.suv", "vehicles.bus")
VEHICLE_USES = (
    "vehicles.ministerial",
    "vehicles.leadership",
    "vehicles.confidential",
    "vehicles.emergency",
    "vehicles.law_enforcement",
    "vehicles.special",
    "vehicles.other",
    "vehicles.retiree",
)


@dataclass(frozen=True)
class Filters:
    """The global filters of the dashboard."""

    unit_ids: tuple[str, ...] | None = None
    year_from: int = 1900
    year_to: int = 2999
    doc_kinds: tuple[str, ...] = DOC_KINDS

    def params(self) -> list[object]:
        """Return the parameters of ``_FILTER`` in order."""
        units = list(self.unit_ids) if self.unit_ids is not None else None
        return [units, units, self.year_from, self.year_to, list(self.doc_kinds)]


# The filter clause over an alias ``x`` with unit_id, fiscal_year and doc_kind columns.
# Constant text; its five values come from Filters.params().
_FILTER = """
    (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], x.unit_id))
    AND x.fiscal_year BETWEEN ? AND ?
    AND list_contains(?::VARCHAR[], x.doc_kind)
"""


def _df(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None
) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


# ------------------------------------------------------------------ dimensions


def warehouse_status(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Return one row: reports and units loaded, failed/duplicate files, last parse time."""
    return _df(
        con,
        """
        SELECT (SELECT count(*) FROM reports) AS n_reports,
               (SELECT count(*) FROM units) AS n_units,
               (SELECT count(*) FROM raw_files WHERE status = 'failed') AS n_failed,
               (SELECT count(*) FROM raw_files WHERE status = 'duplicate') AS n_duplicate,
               (SELECT max(parsed_at) FROM reports) AS last_parsed
        """,
    )


def unit_list(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Return every unit with its region and report count, ordered by region then name."""
    return _df(
        con,
        """
        SELECT u.unit_id, u.display_name, u.unit_name, u.unit_short,
               coalesce(u.region_short, u.region, '未注明地区') AS region_short,
               u.region, count(r.report_id) AS n_reports
        FROM units u LEFT JOIN reports r USING (unit_id)
        GROUP BY ALL
        ORDER BY region_short, u.display_name, u.unit_id
        """,
    )


def fiscal_years(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Return the fiscal years with reports or derived values, ascending."""
    return _df(
        con,
        """
        SELECT DISTINCT fiscal_year FROM (
            SELECT fiscal_year FROM reports UNION SELECT fiscal_year FROM metric_series)
        ORDER BY fiscal_year
        """,
    )


def metric_catalog(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Return metric keys with their Chinese label, unit and section."""
    return _df(
        con, "SELECT metric, label_zh, unit, section FROM metric_catalog ORDER BY section, metric"
    )


# ------------------------------------------------------------------ metric values


def metric_series(
    con: duckdb.DuckDBPyConnection, f: Filters, metrics: tuple[str, ...]
) -> pd.DataFrame:
    """Given filters and metric keys, return stated and derived values with their sources.

    Columns: unit_id, display_name, region_short, fiscal_year, doc_kind, metric, label_zh,
    value, unit, derived, report_id, source_file, page, loc, quote, basis.
    """
    return _df(
        con,
        """
        SELECT x.unit_id, x.display_name, coalesce(u.region_short, u.region) AS region_short,
               x.fiscal_year, x.doc_kind, x.metric, coalesce(c.label_zh, x.metric) AS label_zh,
               x.value, x.unit, x.derived, x.report_id, x.source_file, x.page, x.loc,
               x.quote, x.basis
        FROM metric_series x
        JOIN units u USING (unit_id)
        LEFT JOIN metric_catalog c USING (metric)
        WHERE list_contains(?::VARCHAR[], x.metric) AND """
        + _FILTER
        + """
        ORDER BY region_short, x.display_name, x.unit_id, x.fiscal_year, x.doc_kind, x.metric
        """,
        [list(metrics), *f.params()],
    )


def headline_table(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Given filters, return one row per unit, year and kind with the headline figures.

    Columns: unit_id, display_name, fiscal_year, doc_kind, then one column per key of
    HEADLINE_METRICS plus ``<key>.prev`` (the previous year's value, stated or derived,
    same kind) and ``<key>.quote``.  Rows exist only where a report was loaded.
    """
    rows = _df(
        con,
        """
        WITH cur AS (
            SELECT x.unit_id, x.display_name, x.fiscal_year, x.doc_kind, x.metric, x.value, x.quote,
                   x.source_file, x.loc
            FROM metric_series x
            WHERE NOT x.derived AND list_contains(?::VARCHAR[], x.metric) AND """
        + _FILTER
        + """
        ), prev AS (
            SELECT unit_id, fiscal_year + 1 AS fiscal_year, doc_kind, metric, value AS prev_value
            FROM metric_series WHERE list_contains(?::VARCHAR[], metric)
        )
        SELECT cur.*, prev.prev_value
        FROM cur LEFT JOIN prev USING (unit_id, fiscal_year, doc_kind, metric)
        """,
        [list(HEADLINE_METRICS), *f.params(), list(HEADLINE_METRICS)],
    )
    reports = _df(
        con,
        """
        SELECT x.unit_id, u.display_name, coalesce(u.region_short, u.region) AS region_short,
               x.fiscal_year, x.doc_kind, x.source_file
        FROM reports x JOIN units u USING (unit_id)
        WHERE """
        + _FILTER
        + " ORDER BY region_short, u.display_name, x.fiscal_year, x.doc_kind",
        f.params(),
    )
    keys = ["unit_id", "fiscal_year", "doc_kind"]
    out = reports.drop(columns=["region_short"])
    if rows.empty:
        for m in HEADLINE_METRICS:
            out[m] = float("nan")
            out[m + ".prev"] = float("nan")
            out[m + ".quote"] = None
        return out
    rows["quote"] = rows["source_file"] + " " + rows["loc"] + "：" + rows["quote"]
    wide_val = rows.pivot_table(index=keys, columns="metric", values="value", aggfunc="first")
    wide_prev = rows.pivot_table(index=keys, columns="metric", values="prev_value", aggfunc="first")
    wide_quote = rows.pivot_table(index=keys, columns="metric", values="quote", aggfunc="first")
    wide = pd.concat(
        [
            wide_val.reindex(columns=list(HEADLINE_METRICS)),
            wide_prev.reindex(columns=list(HEADLINE_METRICS)).add_suffix(".prev"),
            wide_quote.reindex(columns=list(HEADLINE_METRICS)).add_suffix(".quote"),
        ],
        axis=1,
    ).reset_index()
    wide.columns.name = None
    out = out.merge(wide, on=keys, how="left")
    for m in HEADLINE_METRICS:
        out[m] = pd.to_numeric(out[m], errors="coerce").astype("float64")
        out[m + ".prev"] = pd.to_numeric(out[m + ".prev"], errors="coerce").astype("float64")
    return out


def stated_values(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Given filters, return every stated value (no derived rows) with label and source."""
    return _df(
        con,
        """
        SELECT x.display_name, x.region, x.unit_name, x.fiscal_year, x.doc_kind, x.metric,
               coalesce(x.label_zh, x.metric) AS label_zh, x.value, x.unit, x.source_file,
               x.page, x.loc, x.quote, x.report_id
        FROM metric_values x
        WHERE """
        + _FILTER
        + " ORDER BY x.region, x.display_name, x.fiscal_year, x.doc_kind, x.metric",
        f.params(),
    )


def derived_values(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Given filters, return the prior-year values derived from stated changes."""
    return _df(
        con,
        """
        SELECT x.display_name, x.fiscal_year, x.doc_kind, x.metric,
               coalesce(c.label_zh, x.metric) AS label_zh, x.value, x.unit, x.basis,
               x.source_file, x.page, x.loc, x.quote
        FROM metric_series x LEFT JOIN metric_catalog c USING (metric)
        WHERE x.derived AND """
        + _FILTER
        + " ORDER BY x.display_name, x.fiscal_year, x.metric",
        f.params(),
    )


def provenance(con: duckdb.DuckDBPyConnection, f: Filters, metric: str) -> pd.DataFrame:
    """Given filters and a metric key, return each value with file, page/loc, quote, basis."""
    return _df(
        con,
        """
        SELECT x.display_name, x.fiscal_year, x.doc_kind, x.value, x.unit, x.derived,
               x.source_file, x.page, x.loc, x.quote, x.basis
        FROM metric_series x
        WHERE x.metric = ? AND """
        + _FILTER
        + " ORDER BY x.display_name, x.fiscal_year, x.doc_kind, x.derived",
        [metric, *f.params()],
    )


def coverage(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Given filters, return a matrix: one row per report, one column per metric label, ✓ if stated."""
    long = _df(
        con,
        """
        SELECT x.report_id, u.display_name, x.fiscal_year, x.doc_kind, x.source_file,
               coalesce(c.label_zh, v.metric) AS label_zh, c.section, v.metric
        FROM reports x
        JOIN units u USING (unit_id)
        LEFT JOIN raw_facts v USING (report_id)
        LEFT JOIN metric_catalog c ON c.metric = v.metric
        WHERE """
        + _FILTER
        + " ORDER BY u.display_name, x.fiscal_year, x.doc_kind, c.section, v.metric",
        f.params(),
    )
    index = ["display_name", "fiscal_year", "doc_kind", "source_file"]
    if long.empty:
        return pd.DataFrame(columns=index)
    reports = long[index + ["report_id"]].drop_duplicates("report_id")
    stated = long.dropna(subset=["metric"])
    order = list(dict.fromkeys(stated["label_zh"]))
    if stated.empty:
        return reports.drop(columns="report_id").reset_index(drop=True)
    matrix = pd.crosstab(stated["report_id"], stated["label_zh"]).reindex(columns=order)
    matrix = matrix.gt(0).replace({True: "✓", False: ""})
    out = reports.merge(matrix, left_on="report_id", right_index=True, how="left")
    out[order] = out[order].fillna("")
    out.insert(4, "n_metrics", out[order].eq("✓").sum(axis=1))
    return out.drop(columns="report_id").reset_index(drop=True)


# ------------------------------------------------------------------ structure


def function_classes(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Given filters, return 功能分类 类 totals per report with source."""
    return _df(
        con,
        """
        SELECT fc.unit_id, u.display_name, fc.fiscal_year, fc.class_name, fc.amount, fc.pct,
               fc.source_file, fc.page, fc.loc, fc.quote
        FROM function_classes fc
        JOIN reports x USING (report_id)
        JOIN units u ON u.unit_id = fc.unit_id
        WHERE """
        + _FILTER
        + " ORDER BY u.display_name, fc.fiscal_year, fc.amount DESC",
        f.params(),
    )


def function_items(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Given filters, return 功能分类 类/款/项 lines per report with source."""
    return _df(
        con,
        """
        SELECT fi.unit_id, u.display_name, fi.fiscal_year, fi.seq, fi.class_name, fi.kuan, fi.xiang,
               fi.amount, fi.pct_of_budget, fi.source_file, fi.page, fi.loc, fi.quote
        FROM function_items fi
        JOIN reports x USING (report_id)
        JOIN units u ON u.unit_id = fi.unit_id
        WHERE """
        + _FILTER
        + " ORDER BY u.display_name, fi.fiscal_year, fi.seq",
        f.params(),
    )


# ------------------------------------------------------------------ performance


def perf_reports(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Given filters, return 绩效自评 reports with overall score and counts of projects/indicators."""
    g = Filters(f.unit_ids, f.year_from, f.year_to, ("绩效自评",))
    return _df(
        con,
        """
        SELECT x.report_id, x.unit_id, u.display_name, x.fiscal_year, x.source_file,
               (SELECT max(value) FROM raw_facts v
                 WHERE v.report_id = x.report_id AND v.metric = 'perf.overall_score') AS score,
               (SELECT any_value(quote) FROM raw_facts v
                 WHERE v.report_id = x.report_id AND v.metric = 'perf.overall_score') AS quote,
               (SELECT count(*) FROM raw_projects p WHERE p.report_id = x.report_id) AS n_projects,
               (SELECT count(*) FROM raw_indicators i WHERE i.report_id = x.report_id) AS n_indicators
        FROM reports x JOIN units u USING (unit_id)
        WHERE """
        + _FILTER
        + " ORDER BY coalesce(u.region_short, u.region), u.display_name, x.fiscal_year",
        g.params(),
    )


def projects(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Given filters, return projects (budget, execution, score) per report with source."""
    return _df(
        con,
        """
        SELECT p.report_id, p.unit_id, u.display_name, p.fiscal_year, x.doc_kind, p.seq, p.code,
               p.name, p.initial_budget, p.adjusted_budget, p.executed, p.execution_rate, p.score,
               p.source_file, p.page, p.loc, p.quote
        FROM projects p
        JOIN reports x USING (report_id)
        JOIN units u ON u.unit_id = p.unit_id
        WHERE """
        + _FILTER
        + " ORDER BY u.display_name, p.fiscal_year, x.doc_kind, p.seq",
        f.params(),
    )


def indicators(con: duckdb.DuckDBPyConnection, report_id: str) -> pd.DataFrame:
    """Given a report id, return its indicator tables (指标, 指标值, 完成值, 分值, 得分)."""
    return _df(
        con,
        """
        SELECT seq, table_name, level1, level2, level3, target, actual, weight, score,
               source_file, page, loc
        FROM indicators WHERE report_id = ? ORDER BY seq
        """,
        [report_id],
    )


# ------------------------------------------------------------------ sources


def report_list(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Given filters, return the loaded reports (unit, year, kind, file, pages, parsed at)."""
    return _df(
        con,
        """
        SELECT x.report_id, u.display_name, x.fiscal_year, x.doc_kind, x.source_file, x.fmt,
               x.pages, x.parsed_at, x.parser_version, x.is_synthetic, x.unit_name_stated,
               (SELECT count(*) FROM raw_facts v WHERE v.report_id = x.report_id) AS n_facts
        FROM reports x JOIN units u USING (unit_id)
        WHERE """
        + _FILTER
        + " ORDER BY coalesce(u.region_short, u.region), u.display_name, x.fiscal_year, x.doc_kind",
        f.params(),
    )


def build_log(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Return the input files of the last build with status and reason, problems first."""
    return _df(
        con,
        """
        SELECT source_file, status, message, source_path, report_id
        FROM raw_files
        ORDER BY CASE status WHEN 'failed' THEN 0 WHEN 'duplicate' THEN 1 ELSE 2 END, source_file
        """,
    )


def extraction_notes(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Given filters, return the parser's notes on what it did not store."""
    return _df(
        con,
        """
        SELECT u.display_name, x.fiscal_year, x.doc_kind, n.source_file, n.message
        FROM extraction_notes n
        JOIN reports x USING (report_id)
        JOIN units u USING (unit_id)
        WHERE """
        + _FILTER
        + " ORDER BY u.display_name, x.fiscal_year, n.source_file",
        f.params(),
    )
