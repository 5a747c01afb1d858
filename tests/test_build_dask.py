"""A build through a Dask LocalCluster gives the local build's warehouse, failures included."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dask
import duckdb
import pytest
from build_hooks import MARKER_ENV, TEST_PID_ENV, misbehaving_parse
from conftest import SAMPLES, table_contents
from distributed import Client, LocalCluster

from etl.build import build

STEMS = sorted(p.stem for p in (SAMPLES / "docx").glob("*.docx"))


def _quiet(_line: str) -> None:
    pass


def _contents(db: Path) -> dict[str, list[tuple]]:
    """Given a warehouse, return every table's sorted rows, raw_reports without parsed_at."""
    tables = table_contents(db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables["raw_reports"] = con.execute(
            "SELECT * EXCLUDE (parsed_at) FROM raw_reports ORDER BY report_id"
        ).fetchall()
    finally:
        con.close()
    return tables


@pytest.fixture(scope="module")
def cluster_client(tmp_path_factory):
    """Given nothing, return a client of a two-worker Dask LocalCluster (worker processes)."""
    markers = tmp_path_factory.mktemp("markers")
    mp = pytest.MonkeyPatch()
    mp.setenv(MARKER_ENV, str(markers))  # worker processes inherit it
    mp.setenv(TEST_PID_ENV, str(os.getpid()))
    # Workers run the parse in a pool process of their own, so they must not be daemonic.
    with dask.config.set({"distributed.worker.daemon": False}):
        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
        try:
            yield client
        finally:
            client.close()
            cluster.close()
            mp.undo()


def test_dask_build_equals_the_local_build_with_a_hang_a_crash_and_a_lost_worker(
    tmp_path, cluster_client
):
    inputs = tmp_path / "in"
    inputs.mkdir()
    names = {
        "a_hang.docx": STEMS[0], "b_good.docx": STEMS[1], "c_crash.docx": STEMS[2],
        "d_lose.docx": STEMS[3], "e_good.docx": STEMS[4], "f_copy.docx": STEMS[1],
    }  # fmt: skip
    for name, stem in names.items():
        shutil.copy(SAMPLES / "docx" / f"{stem}.docx", inputs / name)
    local, remote = tmp_path / "local.duckdb", tmp_path / "dask.duckdb"
    hooks = {"timeout": 10, "log": _quiet, "_parse": misbehaving_parse}
    r1 = build([inputs], local, jobs=2, **hooks)
    r2 = build([inputs], remote, executor="dask", scheduler=cluster_client, **hooks)
    status = {o.file.name: (o.status, o.message) for o in r2.outcomes}
    assert status["a_hang.docx"] == ("failed", "解析超时（超过 10 秒）")
    assert status["c_crash.docx"] == ("failed", "解析进程异常退出")
    assert status["d_lose.docx"][0] == "loaded"  # its worker was lost once: parsed again
    assert (Path(os.environ[MARKER_ENV]) / "lost-d_lose.docx").exists()  # it was lost
    assert status["f_copy.docx"][0] == "duplicate"
    assert [(o.status, o.message) for o in r1.outcomes] == [
        (o.status, o.message) for o in r2.outcomes
    ]
    assert _contents(local) == _contents(remote)
    left = sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock"))
    assert left == ["dask.duckdb", "in", "local.duckdb"]  # no temporary warehouse left
    # Incremental: unchanged files are not sent again; only the two failed ones are retried.
    r3 = build([inputs], remote, executor="dask", scheduler=cluster_client, **hooks)
    assert r3.parsed == 2 and r3.count("unchanged") == 3
    assert _contents(local) == _contents(remote)


def test_dask_build_with_shared_paths_reads_files_where_they_are(tmp_path, cluster_client):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for stem in STEMS[:2]:
        shutil.copy(SAMPLES / "docx" / f"{stem}.docx", inputs / f"{stem}.docx")
    local, remote = tmp_path / "local.duckdb", tmp_path / "dask.duckdb"
    build([inputs], local, jobs=1, log=_quiet)
    result = build(
        [inputs], remote, executor="dask", scheduler=cluster_client, ship="path", log=_quiet
    )
    assert result.count("loaded") == 2
    assert _contents(local) == _contents(remote)


def test_cli_builds_on_the_scheduler_address(tmp_path, cluster_client, monkeypatch):
    from conftest import run_cli

    import etl.build.cluster

    monkeypatch.setattr(etl.build.cluster, "CONNECT_SECONDS", 2.0)
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SAMPLES / "docx" / f"{STEMS[0]}.docx", inputs)
    address = cluster_client.scheduler.address
    run = run_cli("build", "--db", str(tmp_path / "f.duckdb"), "--executor", "dask",
                  "--scheduler", address, str(inputs))  # fmt: skip
    assert run.code == 0, run.out
    assert "新载入 1" in run.out
    run = run_cli("build", "--db", str(tmp_path / "g.duckdb"), "--executor", "dask",
                  "--scheduler", "tcp://127.0.0.1:9", str(inputs))  # fmt: skip
    assert run.code == 1 and "无法连接 Dask 调度器 tcp://127.0.0.1:9" in run.out
