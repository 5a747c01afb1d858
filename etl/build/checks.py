"""Checks that scale with what changed: per-report rules for new or changed reports only,
cross-report rules for the groups a change touches, the old warehouse's findings for the rest.

The result equals a full recompute (etl.checks.write_findings; write_all here does it in
batches of reports) because a report whose records, file name and unit are unchanged gives
the same per-report findings, and a cross-report rule's findings for a group depend only on that group's reports.  Anything
that could change every finding — the rules' code or the vocabulary (fingerprinted as
CHECKS_KEY in raw_build_info), or a cross rule without a declared group — means a full
recompute.  The rule modules themselves (etl/checks/*) are not touched here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from etl import guard
from etl.checks import (
    CROSS_RULES,
    REPORT_RULES,
    declared,
    insert_findings,
    merge_findings,
    write_rule_catalogue,
)
from etl.checks.load import load_reports
from etl.checks.model import Finding, ReportData

# raw_build_info key of the fingerprint of the rules' code and vocabulary.
CHECKS_KEY = "checks_sha256"
# What the fingerprint covers: the checks' code and the report vocabulary they read.
FINGERPRINTED = ("etl/checks/**/*", "etl/vocab/**/*")

# Cross-report rules (etl/checks/cross.py) by function name: the group one finding depends
# on (the rule ids each emits come from its declaration, etl/checks/registry.py).
CROSS_SCOPES: dict[str, Callable[[ReportData], tuple]] = {
    "prior_year": lambda r: (r.unit_id, r.doc_kind),
    "outliers": lambda r: (r.unit_type, r.fiscal_year),
}

CROSS_TABLES = ("raw_reports", "raw_facts", "raw_derived_facts")
# Reports whose records the per-report rules hold at once in a full recompute (write_all).
CHECK_BATCH_REPORTS = 500

_META_SQL = (
    "SELECT r.report_id, r.source_file, r.unit_id, u.display_name, u.unit_type, r.fiscal_year,"
    ' r.doc_kind FROM "{db}".main.raw_reports r JOIN "{db}".main.raw_units u USING (unit_id)'
)


@dataclass
class CheckRun:
    """How a build's checks ran: full or incremental, and how many reports each rule kind saw."""

    mode: str  # full | incremental
    per_report: int  # reports the per-report rules ran on
    cross: int  # reports the cross-report rules ran on (all, when full)


def checks_fingerprint() -> str:
    """Given the checks' code and the vocabulary, return the hex sha256 of their files."""
    return guard.code_fingerprint(FINGERPRINTED)


def write_checks(
    con: duckdb.DuckDBPyConnection, old_path: Path | None, old_fingerprint: str | None
) -> CheckRun:
    """Given the warehouse being built, the old warehouse's path and its checks fingerprint,
    fill raw_findings and check_rules (incrementally when the old findings still hold)."""
    known = all(rule.__name__ in CROSS_SCOPES for rule in CROSS_RULES)
    if old_path is None or not known or old_fingerprint != checks_fingerprint():
        count = write_all(con)
        return CheckRun("full", count, count)
    con.execute("ATTACH ? AS old_checks (READ_ONLY)", [str(old_path)])
    try:
        return _incremental(con)
    finally:
        con.execute("DETACH old_checks")


def write_all(con: duckdb.DuckDBPyConnection) -> int:
    """Given the warehouse being built, fill raw_findings and check_rules for every report, as
    etl.checks.write_findings does, CHECK_BATCH_REPORTS reports at a time; return the report
    count.

    The per-report rules see each batch whole; the cross-report rules then see every report
    with only the tables they read (CROSS_TABLES), so memory holds one batch, not the archive.
    Findings merge within a report and rule (etl.checks.merge_findings), so merging batch by
    batch gives the same rows in the same order.
    """
    db = con.execute("SELECT current_database()").fetchone()[0]
    order = [
        row[0]
        for row in con.execute(
            _META_SQL.format(db=db) + " ORDER BY u.display_name, r.fiscal_year, r.doc_kind,"
            " r.report_id"
        ).fetchall()
    ]
    labels = dict(con.execute("SELECT metric, label_zh FROM metric_catalog").fetchall())
    write_rule_catalogue(con)
    con.execute("DELETE FROM raw_findings")
    for start in range(0, len(order), CHECK_BATCH_REPORTS):
        findings: list[Finding] = []
        for r in _load_some(con, db, set(order[start : start + CHECK_BATCH_REPORTS])):
            for rule in REPORT_RULES:
                findings.extend(declared(rule, rule(r, labels)))
        insert_findings(con, merge_findings(findings, labels))
    reports = _load_some(con, db, set(order), CROSS_TABLES)
    findings = []
    for rule in CROSS_RULES:
        findings.extend(declared(rule, rule(reports, labels)))
    insert_findings(con, merge_findings(findings, labels))
    return len(order)


def _incremental(con: duckdb.DuckDBPyConnection) -> CheckRun:
    """Given the new warehouse with the old one attached as old_checks, write the findings."""
    db = con.execute("SELECT current_database()").fetchone()[0]
    new = {row[0]: ReportData(*row) for row in con.execute(_META_SQL.format(db=db)).fetchall()}
    old = {
        row[0]: ReportData(*row)
        for row in con.execute(_META_SQL.format(db="old_checks")).fetchall()
    }
    changed = {rid for rid, r in new.items() if rid not in old or old[rid] != r}
    gone = [old[rid] for rid in old.keys() - new.keys()]
    members: dict[str, set[str]] = {}
    for rule in CROSS_RULES:
        key = CROSS_SCOPES[rule.__name__]
        touched = {key(new[rid]) for rid in changed}
        touched |= {key(old[rid]) for rid in changed if rid in old} | {key(r) for r in gone}
        members[rule.__name__] = {rid for rid, r in new.items() if key(r) in touched}
    need = set(changed).union(*members.values())
    # Changed reports whole; the rest of their groups only with what cross rules read.
    reports = _load_some(con, db, set(changed)) + _load_some(con, db, need - changed, CROSS_TABLES)
    reports.sort(key=lambda r: (r.display_name, r.fiscal_year, r.doc_kind, r.report_id))
    labels = dict(con.execute("SELECT metric, label_zh FROM metric_catalog").fetchall())
    findings: list[Finding] = []
    for r in reports:
        if r.report_id in changed:
            for rule in REPORT_RULES:
                findings.extend(declared(rule, rule(r, labels)))
    for rule in CROSS_RULES:
        group = members[rule.__name__]
        findings.extend(declared(rule, rule([r for r in reports if r.report_id in group], labels)))
    write_rule_catalogue(con)
    con.execute("DELETE FROM raw_findings")
    _keep_old_findings(con, new.keys() - changed, members)
    insert_findings(con, merge_findings(findings, labels))
    return CheckRun("incremental", len(changed), len(need - changed) + len(changed))


def _load_some(
    con: duckdb.DuckDBPyConnection, db: str, wanted: set[str], only: tuple[str, ...] = ()
) -> list[ReportData]:
    """Given a connection, its database name, report ids and the raw tables to read (all when
    empty), return those reports' ReportData (load_reports over views that show only them)."""
    if not wanted:
        return []
    con.register("_wanted", pa.table({"report_id": pa.array(sorted(wanted), pa.string())}))
    tables = [
        t
        for (t,) in con.execute(
            "SELECT table_name FROM duckdb_columns() WHERE database_name = ? AND"
            " schema_name = 'main' AND column_name = 'report_id' AND table_name LIKE 'raw_%'",
            [db],
        ).fetchall()
    ]
    try:
        for t in tables:
            keep = "report_id IN (SELECT report_id FROM _wanted)"
            if only and t not in only:
                keep = "false"  # not read by the rules these reports are loaded for
            con.execute(f'CREATE TEMP VIEW "{t}" AS SELECT * FROM "{db}".main."{t}" WHERE {keep}')
        return load_reports(con)
    finally:
        for t in tables:
            con.execute(f'DROP VIEW IF EXISTS temp.main."{t}"')
        con.unregister("_wanted")


def _keep_old_findings(
    con: duckdb.DuckDBPyConnection, unchanged: set[str], members: dict[str, set[str]]
) -> None:
    """Given unchanged report ids and each cross rule's recomputed reports, copy the old
    findings that still hold: all of an unchanged report's, but a recomputed rule's."""
    ids = {rule.__name__: rule.rule_ids for rule in CROSS_RULES}
    redo = [
        (rid, rule_id) for name, rids in members.items() for rid in rids for rule_id in ids[name]
    ]
    con.register("_keep", pa.table({"report_id": pa.array(sorted(unchanged), pa.string())}))
    con.register(
        "_redo",
        pa.table(
            {
                "report_id": pa.array([r for r, _ in redo], pa.string()),
                "rule_id": pa.array([i for _, i in redo], pa.string()),
            }
        ),
    )
    try:
        con.execute(
            "INSERT INTO raw_findings SELECT f.* FROM old_checks.raw_findings f"
            " WHERE f.report_id IN (SELECT report_id FROM _keep) AND NOT EXISTS ("
            "  SELECT 1 FROM _redo d WHERE d.report_id = f.report_id AND f.rule = d.rule_id)"
        )
    finally:
        con.unregister("_keep")
        con.unregister("_redo")
