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
import numpy as np
import pandas as pd
import pyarrow as pa

from etl.vocab.functions import official_class

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
    """Given a connection, constant SQL and its parameters, return the result as a DataFrame.

    The rows travel as Arrow columns: about three times faster than ``.df()`` for the
    text-heavy results here (quotes, names), with the same dtypes.
    """
    table = con.sql(sql, params=params or []).to_arrow_table()
    df = table.to_pandas()
    # Match .df(): integers with gaps stay integers (Int32/Int64), all-empty text is None.
    for n, column in enumerate(table.columns):
        if column.null_count == 0 and len(column):
            continue
        if pa.types.is_integer(column.type) and column.null_count:
            df.isetitem(n, column.to_pandas(types_mapper=_NULLABLE_INTS.get))
        elif pa.types.is_string(column.type) and column.null_count == len(column):
            df.isetitem(n, pd.Series([None] * len(column), index=df.index, dtype=object))
    return df


_NULLABLE_INTS = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
}


# ------------------------------------------------------------------ dimensions


def warehouse_status(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Return one row: reports, synthetic reports, units (with a region id, with a type id),
    failed/duplicate files, last parse; a warehouse written before units had ids fails here,
    before any page runs."""
    return _df(
        con,
        """
        SELECT (SELECT count(*) FROM reports) AS n_reports,
               (SELECT count(*) FROM reports WHERE is_synthetic) AS n_synthetic,
               (SELECT count(*) FROM units) AS n_units,
               (SELECT count(region_id) FROM units) AS n_units_with_region,
               (SELECT count(unit_type_id) FROM units) AS n_units_with_type,
               (SELECT count(*) FROM raw_files WHERE status = 'failed') AS n_failed,
               (SELECT count(*) FROM raw_files WHERE status = 'duplicate') AS n_duplicate,
               (SELECT max(parsed_at) FROM reports) AS last_parsed
        """,
    )


def unit_list(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Return every unit with its region, unit type (names and stable ids) and report count,
    by region then name; a unit without a region or type gets the id 'none' / 'unknown'."""
    return _df(
        con,
        """
        SELECT u.unit_id, u.display_name, u.unit_name, u.unit_short,
               coalesce(nullif(u.region_short, ''), u.region, '未注明地区') AS region_short,
               u.region, coalesce(u.city, u.province) AS city,
               coalesce(u.unit_type, '未识别类型') AS unit_type,
               coalesce(u.region_id, 'none') AS region_id,
               coalesce(u.unit_type_id, 'unknown') AS unit_type_id,
               count(r.report_id) AS n_reports
        FROM units u LEFT JOIN reports r USING (unit_id)
        GROUP BY ALL
        ORDER BY region_short, u.display_name, u.unit_id
        """,
    )


def fiscal_years(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Return the fiscal years with reports or derived values, ascending.

    Read from the tables under metric_series: a derived value that view drops has a
    stated one of the same year, so the set of years is the same.
    """
    return _df(
        con,
        """
        SELECT fiscal_year FROM reports
        UNION
        SELECT d.fiscal_year FROM raw_derived_facts d SEMI JOIN reports USING (report_id)
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


def unit_year_values(
    con: duckdb.DuckDBPyConnection, f: Filters, metrics: tuple[str, ...]
) -> pd.DataFrame:
    """Given filters and metric keys, return one value per unit, fiscal year and metric.

    Where several rows give the same figure, a stated value wins over a derived one and a
    决算 report over a 绩效自评 report.  Columns: unit_id, display_name, fiscal_year, metric,
    value, derived, doc_kind, source_file, loc, quote, basis.
    """
    return _df(
        con,
        """
        SELECT x.unit_id, x.display_name, x.fiscal_year, x.metric, x.value, x.derived,
               x.doc_kind, x.source_file, x.loc, x.quote, x.basis
        FROM metric_series x
        WHERE x.value IS NOT NULL AND list_contains(?::VARCHAR[], x.metric) AND """
        + _FILTER
        + """
        QUALIFY row_number() OVER (
            PARTITION BY x.unit_id, x.fiscal_year, x.metric
            ORDER BY x.derived, x.doc_kind <> '决算', x.report_id) = 1
        ORDER BY x.unit_id, x.metric, x.fiscal_year
        """,
        [list(metrics), *f.params()],
    )


# The reports the filters select, numbered in display order (constant text).
_HEADLINE_REPORTS = (
    """
    SELECT x.report_id, x.unit_id, u.display_name, x.fiscal_year, x.doc_kind, x.source_file,
           row_number() OVER (
               ORDER BY coalesce(u.region_short, u.region), u.display_name, x.fiscal_year,
                        x.doc_kind, x.report_id) - 1 AS row_no
    FROM raw_reports x JOIN raw_units u USING (unit_id)
    WHERE """
    + _FILTER
)

# Headline values of those reports, long: (row_no, k = index in the key list, value, the
# prior year's value - stated, else derived, as metric_series keeps them - and the quote).
# It reads the raw tables rather than metric_series, for the same values at a fraction
# of the planning time; the pivot to one column per metric happens in numpy.
_HEADLINE_VALUES = (
    """
    WITH x AS ("""
    + _HEADLINE_REPORTS
    + """
    ), m AS (
        SELECT unnest(?::VARCHAR[]) AS metric, generate_subscripts(?::VARCHAR[], 1) - 1 AS k
    ), prev_stated AS (
        SELECT p.unit_id, p.fiscal_year + 1 AS fiscal_year, p.doc_kind, f.metric,
               max(f.value) AS value
        FROM raw_facts f JOIN raw_reports p USING (report_id) SEMI JOIN m USING (metric)
        GROUP BY ALL
    ), prev_derived AS (
        SELECT p.unit_id, d.fiscal_year + 1 AS fiscal_year, p.doc_kind, d.metric,
               max(d.value) AS value
        FROM raw_derived_facts d JOIN raw_reports p USING (report_id) SEMI JOIN m USING (metric)
        GROUP BY ALL
    )
    SELECT x.row_no, m.k, f.value, coalesce(ps.value, pd.value) AS prev_value,
           x.source_file || ' ' || f.loc || '：' || f.quote AS shown_quote
    FROM raw_facts f JOIN x USING (report_id) JOIN m USING (metric)
    LEFT JOIN prev_stated ps USING (unit_id, fiscal_year, doc_kind, metric)
    LEFT JOIN prev_derived pd USING (unit_id, fiscal_year, doc_kind, metric)
    ORDER BY x.row_no, m.k, f.value
    """
)


def headline_table(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Given filters, return one row per unit, year and kind with the headline figures.

    Columns: unit_id, display_name, fiscal_year, doc_kind, source_file, then one column
    per key of HEADLINE_METRICS, the same with ``.prev`` (the previous year's value,
    stated or derived, same kind) and with ``.quote``.  Rows exist only where a report
    was loaded.
    """
    keys = list(HEADLINE_METRICS)
    reports = _df(con, _HEADLINE_REPORTS + " ORDER BY row_no", f.params())
    long = con.execute(_HEADLINE_VALUES, [*f.params(), keys, keys]).fetchnumpy()
    n = len(reports)
    rows, ks = long["row_no"].astype(np.int64), long["k"].astype(np.int64)
    value = np.full((n, len(keys)), np.nan)
    prev = np.full((n, len(keys)), np.nan)
    quote = np.full((n, len(keys)), None, dtype=object)
    # Should a report state a metric twice, the last (largest) value wins, with its quote.
    value[rows, ks] = np.ma.filled(long["value"].astype("float64"), np.nan)
    prev[rows, ks] = np.ma.filled(long["prev_value"].astype("float64"), np.nan)
    quote[rows, ks] = np.asarray(long["shown_quote"], dtype=object)
    out = reports.drop(columns=["report_id", "row_no"])
    columns = {m: value[:, i] for i, m in enumerate(keys)}
    columns |= {f"{m}.prev": prev[:, i] for i, m in enumerate(keys)}
    columns |= {f"{m}.quote": quote[:, i] for i, m in enumerate(keys)}
    return pd.concat([out, pd.DataFrame(columns, index=out.index)], axis=1)


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


def ocr_cells(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Given filters, return each 附表 cell read by OCR (confirmed) with its file, page, box and confidence."""
    return _df(
        con,
        """
        SELECT u.display_name, x.fiscal_year, x.source_file, r.source_path, c.title,
               c.row_label, c.column_path, c.text, c.value, c.page, c.ocr_box, c.ocr_conf
        FROM raw_cells c
        JOIN reports x USING (report_id)
        JOIN raw_reports r USING (report_id)
        JOIN units u ON u.unit_id = x.unit_id
        WHERE c.ocr_box <> '' AND """
        + _FILTER
        + " ORDER BY u.display_name, x.fiscal_year, x.source_file, c.page, c.row_no, c.col_no",
        f.params(),
    )


def coverage(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Given filters, return a matrix: one row per report, one column per metric label, ✓ if stated.

    Columns: display_name, fiscal_year, doc_kind, source_file, n_metrics, then one column
    per metric label in catalogue order (section, key) among the labels stated at all.
    """
    reports = _df(
        con,
        """
        SELECT x.report_id, u.display_name, x.fiscal_year, x.doc_kind, x.source_file
        FROM reports x JOIN units u USING (unit_id)
        WHERE """
        + _FILTER
        + " ORDER BY u.display_name, x.fiscal_year, x.doc_kind, x.source_file, x.report_id",
        f.params(),
    )
    index = ["display_name", "fiscal_year", "doc_kind", "source_file"]
    if reports.empty:
        return pd.DataFrame(columns=index)
    # Every metric key in catalogue order (section, key); keys missing from the catalogue last.
    keys = [
        r[0]
        for r in con.execute(
            """
            SELECT metric FROM (
                SELECT metric, section FROM metric_catalog
                UNION ALL
                SELECT DISTINCT metric, NULL FROM raw_facts ANTI JOIN metric_catalog USING (metric))
            ORDER BY section NULLS LAST, metric
            """
        ).fetchall()
    ]
    labels = dict(con.execute("SELECT metric, label_zh FROM metric_catalog").fetchall())
    # (report row, metric number) of each stated metric, numbered in SQL so that no
    # per-fact Python work is needed.
    pairs = con.execute(
        """
        WITH x AS (
            SELECT x.report_id, row_number() OVER (
                       ORDER BY u.display_name, x.fiscal_year, x.doc_kind, x.source_file,
                                x.report_id) - 1 AS row_no
            FROM reports x JOIN units u USING (unit_id)
            WHERE """
        + _FILTER
        + """
        ), m AS (
            SELECT unnest(?::VARCHAR[]) AS metric, generate_subscripts(?::VARCHAR[], 1) - 1 AS k
        )
        SELECT x.row_no, m.k FROM raw_facts v JOIN x USING (report_id) JOIN m USING (metric)
        """,
        [*f.params(), keys, keys],
    ).fetchnumpy()
    rows, nums = pairs["row_no"].astype(np.int64), pairs["k"].astype(np.int64)
    # One column per label stated at all (two keys may share a label).
    order = list(dict.fromkeys(labels.get(keys[k], keys[k]) for k in np.unique(nums)))
    col_of = {label: n for n, label in enumerate(order)}
    col_of_key = np.array([col_of.get(labels.get(m, m), -1) for m in keys], dtype=np.int64)
    hit = np.zeros((len(reports), len(order)), dtype=bool)
    hit[rows, col_of_key[nums]] = True
    ticks = np.full(hit.shape, "", dtype=object)
    ticks[hit] = "✓"
    out = reports.drop(columns="report_id").reset_index(drop=True)
    out.insert(len(index), "n_metrics", hit.sum(axis=1))
    return pd.concat([out, pd.DataFrame(ticks, columns=order, dtype=object)], axis=1)


# ------------------------------------------------------------------ structure


def function_classes(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Given filters, return 功能分类 类 totals per report with source."""
    return _df(
        con,
        """
        SELECT fc.unit_id, u.display_name, fc.fiscal_year, fc.class_name, fc.code, fc.amount,
               fc.pct, fc.source_file, fc.page, fc.loc, fc.quote
        FROM function_classes fc
        JOIN reports x USING (report_id)
        JOIN units u ON u.unit_id = fc.unit_id
        WHERE """
        + _FILTER
        + " ORDER BY u.display_name, fc.fiscal_year, fc.amount DESC",
        f.params(),
    ).pipe(_official_class_names)


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
    ).pipe(_official_class_names)


def _official_class_names(df: pd.DataFrame) -> pd.DataFrame:
    """Given 功能分类 rows, return them with class_name official and the stated name in class_stated."""
    df = df.copy()
    df["class_stated"] = df["class_name"]
    codes = df["code"] if "code" in df else pd.Series([None] * len(df), index=df.index)
    df["class_name"] = [
        official_class(name, code if isinstance(code, str) else None)
        for name, code in zip(df["class_name"], codes, strict=True)
    ]
    return df


def function_item_years(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Given filters, return each unit and fiscal year with 功能分类 lines and their count.

    The 支出结构 page lists these to pick from, then asks function_items for one unit only.
    """
    return _df(
        con,
        """
        SELECT fi.unit_id, fi.fiscal_year, count(*) AS n_items
        FROM function_items fi
        JOIN reports x USING (report_id)
        WHERE """
        + _FILTER
        + " GROUP BY fi.unit_id, fi.fiscal_year ORDER BY fi.unit_id, fi.fiscal_year DESC",
        f.params(),
    )


# ------------------------------------------------------------------ performance


def overall_scores(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Given filters, return every stated overall 绩效自评 score, whatever the report kind, with source."""
    return _df(
        con,
        """
        SELECT x.unit_id, u.display_name, x.fiscal_year, x.doc_kind, x.source_file,
               max(v.value) AS score, any_value(v.loc) AS loc, any_value(v.quote) AS quote
        FROM raw_facts v
        JOIN reports x USING (report_id)
        JOIN units u ON u.unit_id = x.unit_id
        WHERE v.metric = 'perf.overall_score' AND v.value IS NOT NULL AND """
        + _FILTER
        + """
        GROUP BY x.unit_id, u.display_name, x.fiscal_year, x.doc_kind, x.source_file
        ORDER BY x.fiscal_year, score DESC, u.display_name""",
        f.params(),
    )


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
               (SELECT count(*) FROM raw_facts v WHERE v.report_id = x.report_id) AS n_facts,
               c.from_tables, c.from_text, c.missing_sections, c.missing_tables,
               u.unit_type, u.province
        FROM reports x JOIN units u USING (unit_id) LEFT JOIN raw_coverage c USING (report_id)
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


def warehouse_files(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Return every file the warehouse knows: the last build's inputs with status, reason and
    the unit, year and kind of their report, then reports kept from files that build lacked
    (status retained)."""
    return _df(
        con,
        """
        SELECT f.source_file, f.source_path, f.source_sha256, f.status, f.message, f.report_id,
               u.display_name, x.fiscal_year, x.doc_kind
        FROM raw_files f
        LEFT JOIN raw_reports x USING (report_id) LEFT JOIN raw_units u USING (unit_id)
        UNION ALL
        SELECT x.source_file, x.source_path, x.source_sha256, 'retained', NULL, x.report_id,
               u.display_name, x.fiscal_year, x.doc_kind
        FROM raw_reports x LEFT JOIN raw_units u USING (unit_id)
        WHERE NOT EXISTS (SELECT 1 FROM raw_files f
                          WHERE f.report_id = x.report_id AND f.status = 'loaded')
        ORDER BY 1, 2
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


# The 核查与异常 page's queries live in their own module; re-exported for data.query().
from warehouse.findings import finding_rules, findings_by_unit, findings_list  # noqa: E402, F401
