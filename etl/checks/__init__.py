"""Finance-bureau checks: contradictions inside a report, across years, and outliers.

Rules are pure functions over records read back from the warehouse (etl/checks/load.py),
so carried-over reports are checked exactly like freshly parsed ones and a rule change
needs no re-parse.  `write_findings` fills raw_findings during the build, before the data
tests and the atomic rename.  Each rule is declared beside its function (etl/checks/registry.py); the catalogue,
the check_rules table and the README's rule table are generated from those declarations.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from etl.checks import (
    chart_rules,
    code_rules,
    pct_rules,
    project_rules,
    report_rules,
    score_rules,
    table_rules,
)
from etl.checks.cross import CROSS_RULES
from etl.checks.load import load_reports
from etl.checks.model import Finding, Rule
from etl.checks.registry import REGISTRY

# Every rule over one report, in the order their findings are listed.
REPORT_RULES: tuple[Rule, ...] = (
    report_rules.RULES
    + pct_rules.RULES
    + score_rules.RULES
    + project_rules.RULES
    + table_rules.RULES
    + chart_rules.RULES
    + code_rules.RULES
)

# id -> (what it checks, tolerance), generated from the declarations beside each rule.
RULE_CATALOG: dict[str, tuple[str, str]] = {
    spec.id: (spec.explanation, spec.tolerance) for spec in REGISTRY.values()
}


FINDING_COLUMNS = (
    ("finding_id", pa.string()), ("report_id", pa.string()), ("source_file", pa.string()),
    ("rule", pa.string()), ("severity", pa.string()), ("metric", pa.string()),
    ("stated", pa.float64()), ("expected", pa.float64()), ("message", pa.string()),
    ("evidence", pa.string()), ("detail", pa.string()), ("unit", pa.string()),
)  # fmt: skip


def rule_rows() -> list[tuple[str, str, str, str, str]]:
    """Return (rule id, Chinese name, highest severity, explanation, tolerance) for every rule."""
    return [spec.row() for spec in sorted(REGISTRY.values(), key=lambda s: s.id)]


def declared(rule, found: list[Finding]) -> list[Finding]:
    """Given a rule function and its findings, return them, or raise for an undeclared id."""
    stray = {f.rule for f in found} - set(rule.rule_ids)
    if stray:
        raise ValueError(f"{rule.__name__} emitted undeclared rule ids {sorted(stray)}")
    return found


def run_checks(con: duckdb.DuckDBPyConnection) -> list[Finding]:
    """Given a warehouse connection, return every finding over all its reports."""
    labels = dict(con.execute("SELECT metric, label_zh FROM metric_catalog").fetchall())
    reports = load_reports(con)
    findings: list[Finding] = []
    for r in reports:
        for rule in REPORT_RULES:
            findings.extend(declared(rule, rule(r, labels)))
    for rule in CROSS_RULES:
        findings.extend(declared(rule, rule(reports, labels)))
    return merge_findings(findings, labels)


def merge_findings(findings: list[Finding], labels: dict[str, str]) -> list[Finding]:
    """Given findings in rule order and the metric labels, return them with repeats merged:
    the same sentence in several places of a report is one finding with every place as
    evidence."""
    merged: dict[tuple, Finding] = {}
    for f in findings:
        if f.metric is not None and f.metric not in labels:
            f.metric = None  # a pseudo subject (gpb.basic): not a metric key
        key = (f.report_id, f.rule, f.metric, f.message)
        if key in merged:
            seen = merged[key].evidence
            seen.extend(q for q in f.evidence if q not in seen)
        else:
            merged[key] = f
    return list(merged.values())


def write_rule_catalogue(con: duckdb.DuckDBPyConnection) -> None:
    """Given a warehouse connection being built, replace check_rules from the registry."""
    con.execute("DELETE FROM check_rules")
    con.executemany(
        "INSERT INTO check_rules (rule, name_zh, severity, description, tolerance)"
        " VALUES (?, ?, ?, ?, ?)",
        rule_rows(),
    )


def insert_findings(con: duckdb.DuckDBPyConnection, findings: list[Finding]) -> None:
    """Given a warehouse connection and findings, append them to raw_findings in one batch."""
    if not findings:
        return
    columns = list(zip(*(f.row() for f in findings), strict=True))
    batch = pa.table(
        {
            name: pa.array(col, type=kind)
            for (name, kind), col in zip(FINDING_COLUMNS, columns, strict=True)
        }
    )
    con.register("findings_batch", batch)
    try:
        con.execute("INSERT INTO raw_findings SELECT * FROM findings_batch")
    finally:
        con.unregister("findings_batch")


def write_findings(con: duckdb.DuckDBPyConnection) -> int:
    """Given a warehouse connection being built, replace raw_findings; return the count."""
    findings = run_checks(con)
    write_rule_catalogue(con)
    con.execute("DELETE FROM raw_findings")
    insert_findings(con, findings)
    return len(findings)
