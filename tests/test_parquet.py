"""The warehouse as partitioned Parquet (etl/build/parquet.py) reads back as the same warehouse."""

from __future__ import annotations

import shutil
from urllib.parse import unquote

import duckdb
from conftest import SAMPLES, run_cli

from etl.build.parquet import open_parquet

VIEWS = ("units", "reports", "metric_values", "findings", "table_cells", "extraction_notes")


def _rows(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple]:
    return sorted(con.execute(f"SELECT * FROM {name}").fetchall(), key=repr)


def test_parquet_export_reads_back_as_the_warehouse(tmp_path):
    db, out = tmp_path / "finance.duckdb", tmp_path / "parquet"
    run = run_cli("build", "--db", str(db), "--parquet", str(out), str(SAMPLES / "docx"))
    assert run.code == 0, run.out
    assert "Parquet：已写入" in run.out
    parts = sorted(p.relative_to(out) for p in out.glob("raw_reports/*/*"))
    assert parts and all(p.parts[1].startswith("part_year=20") for p in parts)
    assert all(p.parts[2].startswith("part_region=") for p in parts)
    original = duckdb.connect(str(db), read_only=True)
    lake = open_parquet(out)
    try:
        tables = [
            t for (t,) in original.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        ]
        for name in [*tables, *VIEWS]:
            assert _rows(lake, name) == _rows(original, name), name
        assert lake.execute("SELECT count(*) FROM reports").fetchone()[0] == 5
    finally:
        original.close()
        lake.close()


def test_two_writers_share_the_folder_by_partition(tmp_path):
    """Two builds (2024 四川, 2023 湖南), each with its own DuckDB file, write one folder."""
    out = tmp_path / "parquet"
    stems = sorted(p.stem for p in (SAMPLES / "docx").glob("*.docx"))[:2]
    for n, stem in enumerate(stems):
        folder = tmp_path / f"in{n}"
        folder.mkdir()
        shutil.copy(SAMPLES / "docx" / f"{stem}.docx", folder)
        db = tmp_path / f"writer{n}.duckdb"
        assert run_cli("build", "--db", str(db), "--parquet", str(out), str(folder)).code == 0
    parts = sorted(
        unquote(str(p.relative_to(out / "raw_reports"))) for p in out.glob("raw_reports/*/*")
    )
    assert parts == ["part_year=2023/part_region=湖南省", "part_year=2024/part_region=四川省"]
    lake = open_parquet(out)
    try:
        got = lake.execute("SELECT source_file FROM reports ORDER BY 1").fetchall()
        assert got == [(f"{stem}.docx",) for stem in stems]
        assert lake.execute("SELECT count(*) FROM units").fetchone()[0] == 2
        assert lake.execute("SELECT count(*) FROM metric_catalog").fetchone()[0] > 0
    finally:
        lake.close()
