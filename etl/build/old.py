"""What the build reads from the previous warehouse: its reports, duplicates and build info."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl.build.model import BuildError
from etl.units import StatedUnit


@dataclass
class Old:
    """What the build needs from the previous warehouse."""

    reports: dict[str, dict]  # report_id -> raw_reports row
    fact_counts: dict[str, int]
    duplicates: dict[str, dict]  # sha256 -> raw_files row of a duplicate file
    names: dict[str, str]  # source_file -> a stated unit name (raw_unit_names)
    info: dict[str, str]
    columns: dict[str, list[str]]
    files: list[tuple] = field(default_factory=list)  # raw_files rows (writer.FILE_COLUMNS)


def read_old(path: Path) -> Old | None:
    """Given the target path, return the old warehouse's contents, or None if there is none."""
    if not path.exists():
        return None
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise BuildError(f"无法打开现有仓库 {path}：{exc}") from exc
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if "raw_reports" not in tables:
            return None
        columns: dict[str, list[str]] = {}
        for table, column in con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() ORDER BY table_name, column_index"
        ).fetchall():
            columns.setdefault(table, []).append(column)
        cur = con.execute("SELECT * FROM raw_reports")
        names = [d[0] for d in cur.description]
        reports = {row[0]: dict(zip(names, row, strict=True)) for row in cur.fetchall()}
        reports = {r["report_id"]: r for r in reports.values()}
        counts = dict(
            con.execute("SELECT report_id, count(*) FROM raw_facts GROUP BY report_id").fetchall()
        )
        duplicates: dict[str, dict] = {}
        files: list[tuple] = []
        if "raw_files" in tables:
            files = con.execute(
                "SELECT source_file, source_path, source_sha256, status, message, report_id,"
                " fact_count FROM raw_files"
            ).fetchall()
            cur = con.execute(
                "SELECT * FROM raw_files WHERE status = 'duplicate' AND source_sha256 IS NOT NULL"
            )
            cols = [d[0] for d in cur.description]
            for row in cur.fetchall():
                rec = dict(zip(cols, row, strict=True))
                duplicates[rec["source_sha256"]] = rec
        unit_names: dict[str, str] = {}
        if "raw_unit_names" in tables:
            for source_file, variant in con.execute(
                "SELECT source_file, min(name_variant) FROM raw_unit_names GROUP BY ALL"
            ).fetchall():
                unit_names[source_file] = variant
        info: dict[str, str] = {}
        if "raw_build_info" in tables:
            info = dict(con.execute("SELECT key, value FROM raw_build_info").fetchall())
        return Old(reports, counts, duplicates, unit_names, info, columns, files)
    finally:
        con.close()


def stated_from_row(row: dict) -> StatedUnit:
    """Given an old raw_reports row, return the unit identity it states."""
    return StatedUnit(
        row["unit_name_stated"],
        row.get("unit_short_stated"),
        row.get("region_stated"),
        row.get("city_stated"),
    )
