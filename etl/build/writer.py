"""The build's one writer: a temporary DuckDB file next to the target, tested, then swapped in.

Everything goes into ``<target>.tmp-<pid>-<random>`` (etl/guard.py); personal data is masked
(etl/privacy.py), warehouse/data_tests.sql runs on it and only then ``os.replace`` moves it
over the target.  A crash leaves the old warehouse untouched and removes the temporary file;
a full disk or a read-only directory ends in one line (BuildError).
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

import warehouse
from etl import PARSER_VERSION, guard, privacy
from etl.build.checks import CHECKS_KEY, checks_fingerprint, write_checks
from etl.build.model import BuildError, BuildResult, FileOutcome, StagedReport
from etl.build.old import Old
from etl.build.plan import Candidate
from etl.model import Report
from etl.vocab import catalogue
from etl.vocab.unit_kinds import unit_type_ids, unit_types

# DuckDB's memory for one build connection; beyond it, sorts and joins spill to disk.
WRITER_MEMORY_LIMIT = "512MB"

RAW_DETAIL_TABLES = (
    "raw_facts",
    "raw_derived_facts",
    "raw_function_classes",
    "raw_function_items",
    "raw_projects",
    "raw_indicators",
    "raw_notes",
    "raw_mentions",
    "raw_coverage",
    "raw_cells",
)


def stage(report: Report, report_id: str) -> StagedReport:
    """Given a new report and its id, return it staged for the writer (rows, no objects)."""
    rows, warnings = _report_rows(report, report_id)
    return StagedReport(
        report.unit_name, report.unit_short, report.region, report.city,
        int(report.fiscal_year), report.doc_kind, report.fmt, report.pages,
        bool(report.is_synthetic), len(report.facts), rows, warnings,
    )  # fmt: skip


def _report_rows(report: Report, report_id: str) -> tuple[dict[str, list[tuple]], list[str]]:
    """Given a new report and its id, return its detail rows per raw table and warnings."""
    rows: dict[str, list[tuple]] = {t: [] for t in RAW_DETAIL_TABLES}
    warnings: list[str] = list(report.warnings)  # what the reader could not place, and why
    known = _metric_keys()
    seen: set[str] = set()
    notes = list(report.notes) + list(report.warnings)
    for f in report.facts:
        value = float(f.value)
        if f.metric not in known:
            notes.append(
                f"指标键 {f.metric} 不在指标目录 etl/vocab/metrics.toml 中，未入库：{f.quote[:60]}"
            )
            warnings.append(f"未知指标键 {f.metric}")
            continue
        if f.metric in seen:
            notes.append(f"指标 {f.metric} 重复出现，只保留第一处；另一处：{f.quote[:60]}")
            continue
        if math.isnan(value) or math.isinf(value):
            notes.append(f"指标 {f.metric} 的数值无效，未入库")
            continue
        seen.add(f.metric)
        rows["raw_facts"].append(
            (report_id, f.metric, value, f.unit, f.page, f.loc, f.quote, f.origin)
        )
    for d in report.derived:
        if d.metric not in known:
            warnings.append(f"未知指标键 {d.metric}")
            continue
        rows["raw_derived_facts"].append(
            (report_id, d.metric, d.fiscal_year, float(d.value), d.unit, d.page, d.loc,
             d.quote, d.basis)
        )  # fmt: skip
    for c in report.function_classes:
        rows["raw_function_classes"].append(
            (report_id, c.class_name, c.amount, c.pct, c.page, c.loc, c.quote, c.code)
        )
    for i in report.function_items:
        rows["raw_function_items"].append(
            (report_id, i.seq, i.class_name, i.kuan, i.xiang, i.amount, i.pct_of_budget,
             i.page, i.loc, i.quote, i.code)
        )  # fmt: skip
    for seq, p in enumerate(report.projects, 1):
        rows["raw_projects"].append(
            (report_id, seq, p.code, p.name, p.initial_budget, p.adjusted_budget, p.executed,
             p.execution_rate, p.score, p.page, p.loc, p.quote)
        )  # fmt: skip
    for seq, i in enumerate(report.indicators, 1):
        rows["raw_indicators"].append(
            (report_id, seq, i.table, i.level1, i.level2, i.level3, i.target, i.actual,
             i.weight, i.score, i.page, i.loc, i.sign or None, i.unit or None,
             i.deviation or None)
        )  # fmt: skip
    for message in notes:
        rows["raw_notes"].append((report_id, message))
    cov = report.coverage
    rows["raw_coverage"].append(
        (report_id, cov.from_tables, cov.from_text, "、".join(cov.missing_sections),
         "、".join(cov.missing_tables), cov.summary())
    )  # fmt: skip
    for seq, m in enumerate(report.mentions, 1):
        c = m.to_columns()
        rows["raw_mentions"].append(
            (report_id, seq, c["kind"], c["subject"], c["value"], c["pct"], c["base"], c["year"],
             c["other_year"], c["flag"], m.section, m.page, m.loc, m.quote, c["context"])
        )  # fmt: skip
    for c in report.cells:
        rows["raw_cells"].append(
            (report_id, c.table, c.title, c.row_no, c.row_code, c.row_label, c.column, c.col_no,
             c.value, c.text, c.unit, c.page, c.loc, c.quote, c.ocr_box, c.ocr_conf)
        )  # fmt: skip
    return rows, warnings


_METRIC_KEYS: set[str] | None = None


def _metric_rows() -> list[tuple[str, str, str, str]]:
    """Given the metric catalogue (etl/vocab/metrics.toml), return its (metric, label_zh,
    unit, section) rows."""
    return catalogue.metric_rows()


def _metric_keys() -> set[str]:
    """Given the metric catalogue, return the set of metric keys."""
    global _METRIC_KEYS
    if _METRIC_KEYS is None:
        _METRIC_KEYS = {r[0] for r in _metric_rows()}
    return _METRIC_KEYS


def table_columns(con: duckdb.DuckDBPyConnection, table: str, schema: str = "main") -> list:
    """Given a connection and a table, return (column name, type) pairs in order."""
    return con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() "
        "WHERE table_name = ? AND schema_name = ? AND database_name = current_database() "
        "ORDER BY column_index",
        [table, schema],
    ).fetchall()


_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
}


def write_rows(
    con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Sequence], columns: list[str]
) -> None:
    """Given a connection, a raw table, rows and their column names, insert the rows in bulk."""
    if not rows:
        return
    types = dict(table_columns(con, table))
    data = list(zip(*rows, strict=True))
    arrow = pa.table(
        {
            c: pa.array(list(v), type=_ARROW_TYPES[types[c]])
            for c, v in zip(columns, data, strict=True)
        }
    )
    con.register("_incoming", arrow)
    try:
        cols = ", ".join(columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _incoming")
    finally:
        con.unregister("_incoming")


def _copy_staged(con: duckdb.DuckDBPyConnection, staging: Path | None, ids: list[str]) -> None:
    """Given the warehouse being written, the staging file and the new reports kept, copy their
    detail rows in report-id order, each report's rows in the order they were staged."""
    if staging is None:
        raise BuildError("新解析的报告没有暂存数据，仓库未改变")
    con.execute("ATTACH ? AS staged (READ_ONLY)", [str(staging)])
    con.register("_new", pa.table({"report_id": pa.array(ids, pa.string())}))
    try:
        for table in RAW_DETAIL_TABLES:
            cols = ", ".join(c for c, _ in table_columns(con, table))
            con.execute(
                f"INSERT INTO {table} ({cols}) SELECT {cols} FROM staged.{table} "
                "WHERE report_id IN (SELECT report_id FROM _new) ORDER BY report_id, _ord"
            )
    finally:
        con.unregister("_new")
        con.execute("DETACH staged")


def run_data_tests(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Given a built warehouse connection, return one line per failing data test."""
    failures = []
    for name, query in warehouse.data_tests():
        rows = con.execute(query).fetchmany(3)
        if rows:
            failures.append(f"{name}：例如 {rows}")
    return failures


# raw_files columns, in the order file_rows gives them.
FILE_COLUMNS = (
    "source_file", "source_path", "source_sha256", "status", "message", "report_id", "fact_count",
)  # fmt: skip
# raw_build_info key of the fingerprint of what shapes the written rows besides the reports.
WRITER_KEY = "writer_sha256"


def writer_fingerprint() -> str:
    """Given the installed code, return the hex sha256 of what shapes the written rows besides
    the reports (schema, data tests, writer, units, masking: etl.guard.CODE_GLOBS)."""
    return guard.code_fingerprint()


def file_rows(outcomes: Sequence[FileOutcome]) -> list[tuple]:
    """Given every input file's outcome, return its raw_files rows (FILE_COLUMNS)."""
    rows = []
    for o in outcomes:
        status = "loaded" if o.status == "unchanged" else o.status
        rows.append(
            (o.file.name, o.file.source_path, o.file.sha256, status, o.message or None,
             o.report_id, o.fact_count)
        )  # fmt: skip
    return rows


def duckdb_problem(exc: duckdb.Error, target: Path) -> str:
    """Given a DuckDB error met while writing, return the one-line reason."""
    text = str(exc)
    where = guard.printable(str(target.parent))
    if "No space left" in text:
        return f"磁盘空间不足，无法写入 {where}"
    if "Read-only" in text or "Permission denied" in text:
        return f"{where} 所在目录只读或无写入权限"
    first = text.splitlines()[0][:120] if text else ""
    return f"写入仓库出错（{type(exc).__name__}：{first}）"


@dataclass
class WriteJob:
    """Everything the writer needs, decided before it runs."""

    target: Path
    old: Old | None
    kept: dict[str, Candidate]
    unit_of: dict[str, str]
    units: list
    result: BuildResult
    aliases_sha: str
    staging: Path | None = None  # the new reports' rows (etl/build/staging.py), closed


def write_warehouse(job: WriteJob) -> None:
    """Given everything decided, write a temp warehouse, test it and move it over target; a
    full disk or a read-only directory raises BuildError with one line, the target intact."""
    try:
        _write(job)
    except OSError as exc:
        raise BuildError(f"{guard.os_problem(exc, job.target.parent)}，仓库未改变") from None
    except duckdb.Error as exc:
        raise BuildError(f"{duckdb_problem(exc, job.target)}，仓库未改变") from None


def _write(job: WriteJob) -> None:
    """Given everything decided, write a temp warehouse, test it and move it over target."""
    target, old, kept, result = job.target, job.old, job.kept, job.result
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = guard.temp_path(target)  # unique per build; leftovers go at the next build's start
    con = duckdb.connect(str(tmp))
    try:
        con.execute(f"SET memory_limit = '{WRITER_MEMORY_LIMIT}'")  # beyond it DuckDB spills
        con.execute(warehouse.SCHEMA_SQL.read_text(encoding="utf-8"))
        write_rows(con, "metric_catalog", _metric_rows(), ["metric", "label_zh", "unit", "section"])
        info = [
            ("parser_version", PARSER_VERSION), ("aliases_sha256", job.aliases_sha),
            (CHECKS_KEY, checks_fingerprint()), (WRITER_KEY, writer_fingerprint()),
        ]  # fmt: skip
        write_rows(con, "raw_build_info", info, ["key", "value"])
        write_rows(
            con,
            "raw_units",
            [
                (u.unit_id, u.unit_name, u.unit_short, u.region, u.region_short, u.city,
                 u.display_name, u.unit_type, u.province, u.region_code, u.region_id,
                 u.unit_type_id)
                for u in job.units
            ],
            ["unit_id", "unit_name", "unit_short", "region", "region_short", "city",
             "display_name", "unit_type", "province", "region_code", "region_id",
             "unit_type_id"],
        )  # fmt: skip
        type_ids = unit_type_ids()
        write_rows(
            con, "unit_type_catalog", [(t, type_ids[t]) for t in unit_types()],
            ["unit_type", "unit_type_id"],
        )  # fmt: skip

        # Rows of reports carried over from the old warehouse, copied inside DuckDB.
        old_ids = sorted(rid for rid, c in kept.items() if c.origin != "new")
        if old_ids and old is not None:
            con.execute("ATTACH ? AS old (READ_ONLY)", [str(target)])
            con.register("_keep", pa.table({"report_id": pa.array(old_ids, pa.string())}))
            for table in RAW_DETAIL_TABLES:
                new_cols = [c for c, _ in table_columns(con, table)]
                cols = ", ".join(c for c in new_cols if c in old.columns.get(table, []))
                if not cols:
                    continue  # a table the old warehouse did not have yet
                con.execute(
                    f"INSERT INTO {table} ({cols}) SELECT {cols} FROM old.{table} "
                    "WHERE report_id IN (SELECT report_id FROM _keep) ORDER BY ALL"
                )
            con.unregister("_keep")
            con.execute("DETACH old")

        now = datetime.now().replace(microsecond=0)
        report_cols = [c for c, _ in table_columns(con, "raw_reports")]
        report_rows = []
        names: set[tuple[str, str, str]] = set()
        for rid in sorted(kept):
            c = kept[rid]
            if c.origin == "new":
                r = c.report  # a StagedReport (its rows are in the staging file)
                row = {
                    "report_id": rid, "fiscal_year": c.fiscal_year, "doc_kind": c.doc_kind,
                    "source_sha256": c.file.sha256, "fmt": c.fmt, "pages": r.pages,
                    "unit_name_stated": c.stated.unit_name,
                    "unit_short_stated": c.stated.unit_short,
                    "region_stated": c.stated.region, "city_stated": c.stated.city,
                    "is_synthetic": bool(r.is_synthetic), "parsed_at": now,
                    "parser_version": PARSER_VERSION,
                }  # fmt: skip
                for w in sorted(set(r.warnings)):
                    result.warnings.append(f"警告：{c.source_file} {w}")
            else:
                row = {k: v for k, v in c.old_row.items() if k in report_cols}
            if c.file is not None:
                row["source_file"] = c.file.name
                row["source_path"] = c.file.source_path
            row["unit_id"] = job.unit_of[rid]
            report_rows.append(tuple(row.get(col) for col in report_cols))
            names.add((job.unit_of[rid], c.stated.unit_name, row["source_file"]))
        write_rows(con, "raw_reports", report_rows, report_cols)
        new_ids = sorted(rid for rid, c in kept.items() if c.origin == "new")
        if new_ids:
            _copy_staged(con, job.staging, new_ids)

        for o in result.outcomes:
            if o.status == "duplicate" and o.report_id and o.stated_name:
                names.add((job.unit_of[o.report_id], o.stated_name, o.file.name))
        write_rows(con, "raw_files", file_rows(result.outcomes), list(FILE_COLUMNS))
        write_rows(con, "raw_unit_names", sorted(names), ["unit_id", "name_variant", "source_file"])

        # checks read the raw tables just written; only what changed is checked (checks.py)
        result.checks = write_checks(
            con, target if old is not None else None, old.info.get(CHECKS_KEY) if old else None
        )
        privacy.mask_warehouse(con)  # phones, ID numbers, e-mails out of every shared column
        failures = run_data_tests(con)
        if failures:
            raise BuildError("数据检查未通过，仓库未更新：\n  " + "\n  ".join(failures))
        con.execute("CHECKPOINT")
        con.close()
        os.replace(tmp, target)
        Path(f"{target}.wal").unlink(missing_ok=True)
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.close()
        for stale in (tmp, Path(f"{tmp}.wal")):
            with contextlib.suppress(OSError):
                stale.unlink(missing_ok=True)
        raise
