"""Named, parameterised queries for the 核查与异常 page (the findings view).

Same contract as warehouse/queries.py, which re-exports these names so pages reach them
through ``dashboard_lib.data.query``: constant SQL, values only as ``?`` parameters.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from warehouse.queries import _FILTER, Filters, _df

SEVERITIES = ("error", "warning", "info")


def findings_list(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    severities: tuple[str, ...] = SEVERITIES,
    rules: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Given filters, severities and rule ids (None: all), return the matching findings."""
    return _df(
        con,
        """
        SELECT x.finding_id, x.display_name, x.region, x.fiscal_year, x.doc_kind, x.severity,
               x.rule, coalesce(x.rule_name, x.rule) AS rule_name, x.metric, x.metric_label,
               x.stated, x.expected, x.unit, x.message, x.detail, x.evidence, x.source_file,
               x.unit_id, x.report_id
        FROM findings x
        WHERE list_contains(?::VARCHAR[], x.severity)
          AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], x.rule))
          AND """
        + _FILTER
        + """
        ORDER BY CASE x.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
                 x.display_name, x.fiscal_year, x.doc_kind, x.rule, x.finding_id
        """,
        [list(severities), _list(rules), _list(rules), *f.params()],
    )


def findings_by_unit(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Given filters, return per unit and year the number of findings of each severity."""
    return _df(
        con,
        """
        SELECT x.display_name, x.region, x.fiscal_year, x.doc_kind,
               count(*) FILTER (WHERE x.severity = 'error') AS n_error,
               count(*) FILTER (WHERE x.severity = 'warning') AS n_warning,
               count(*) FILTER (WHERE x.severity = 'info') AS n_info,
               count(DISTINCT x.rule) FILTER (WHERE x.severity <> 'info') AS n_rules
        FROM findings x
        WHERE """
        + _FILTER
        + """
        GROUP BY ALL
        ORDER BY n_error DESC, n_warning DESC, x.display_name, x.fiscal_year
        """,
        f.params(),
    )


def finding_rules(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Return every check rule with its name, explanation, tolerance and number of findings."""
    return _df(
        con,
        """
        SELECT c.rule, c.name_zh, c.severity, c.description, c.tolerance,
               count(f.finding_id) AS n
        FROM check_rules c LEFT JOIN raw_findings f USING (rule)
        GROUP BY ALL ORDER BY c.rule
        """,
    )


def _list(values: tuple[str, ...] | None) -> list[str] | None:
    return None if values is None else list(values)
