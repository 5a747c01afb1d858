"""The build under stress: two builds at once, a file swapped mid-build, kill -9 at three
moments, a full disk, a read-only directory, hostile files through the workers.

Each test uses one or two bundled TXT reports (parsed in well under a second) and a bounded
wait; the old warehouse must always survive intact and every failure end in one line.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
from build_hooks import hook_marker
from conftest import SAMPLES, run_cli, table_contents

from etl import guard
from etl.build import BuildError, build
from tests.hostile_files import write_docx_bomb, write_pdf_stream_bomb, write_xlsx_rows

REPO = Path(__file__).resolve().parents[1]
TXT = sorted((SAMPLES / "txt").glob("*.txt"))
WAIT_S = 60  # longest any step here may take before the test gives up


@pytest.fixture(autouse=True)
def _clean_settings_env(monkeypatch):
    """Given a test, run it without JUESUAN_* overrides from the caller's shell."""
    from etl import settings

    for s in settings.SETTINGS:
        monkeypatch.delenv(s.env_var, raising=False)


def _quiet(_line: str) -> None:
    pass


def _files(db: Path) -> set[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {r[0] for r in con.execute("SELECT source_file FROM raw_reports").fetchall()}
    finally:
        con.close()


def _leftovers(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.glob(f"{db.name}{guard.TEMP_MARK}*"))


def _copy(src: Path, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(src, folder / name))


def _wait_for(path: Path, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + WAIT_S
    while not path.exists():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"build ended early: {proc.stdout.read() if proc.stdout else ''}")
        assert time.monotonic() < deadline, f"{path.name} never reached"
        time.sleep(0.05)


# ---------------------------------------------------------------- one writer


def test_two_builds_at_once_keep_both_reports(tmp_path):
    from build_hooks import slow_parse

    db = tmp_path / "finance.duckdb"
    base = _copy(TXT[0], tmp_path / "a", "a.txt")
    build([base], db, jobs=1, log=_quiet)
    slow = _copy(TXT[1], tmp_path / "b", f"slow2_{tmp_path.name}.txt")
    other = _copy(TXT[2], tmp_path / "c", "c.txt")
    hook_marker(slow.name).unlink(missing_ok=True)
    lines: list[str] = []
    errors: list[BaseException] = []

    def run(path: Path) -> None:
        try:
            build([base, path], db, jobs=1, log=lines.append, _parse=slow_parse)
        except BaseException as exc:  # reported below
            errors.append(exc)

    first = threading.Thread(target=run, args=(slow,))
    first.start()
    _wait_for(hook_marker(slow.name))  # the first build holds the lock and is parsing
    second = threading.Thread(target=run, args=(other,))
    second.start()
    first.join(WAIT_S)
    second.join(WAIT_S)
    assert not errors
    assert _files(db) == {"a.txt", slow.name, "c.txt"}
    assert any("另一个构建正在写入" in line for line in lines)
    assert _leftovers(db) == []


def test_no_wait_refuses_in_one_line(tmp_path):
    from build_hooks import slow_parse

    db = tmp_path / "finance.duckdb"
    base = _copy(TXT[0], tmp_path / "a", "a.txt")
    build([base], db, jobs=1, log=_quiet)
    before = table_contents(db)
    slow = _copy(TXT[1], tmp_path / "b", f"slow2_{tmp_path.name}.txt")
    hook_marker(slow.name).unlink(missing_ok=True)
    first = threading.Thread(
        target=build,
        args=([base, slow], db),
        kwargs={"jobs": 1, "log": _quiet, "_parse": slow_parse},
    )
    first.start()
    _wait_for(hook_marker(slow.name))
    with pytest.raises(BuildError) as err:
        build([base, _copy(TXT[2], tmp_path / "c", "c.txt")], db, log=_quiet, wait=False)
    assert "\n" not in str(err.value) and "--no-wait" in str(err.value)
    assert table_contents(db) == before  # refused before touching anything
    first.join(WAIT_S)
    assert _files(db) == {"a.txt", slow.name}


def test_unchanged_build_does_not_rewrite_the_warehouse(tmp_path):
    db = tmp_path / "finance.duckdb"
    src = _copy(TXT[0], tmp_path / "in", "a.txt")
    build([src], db, jobs=1, log=_quiet)
    stamp = db.stat().st_mtime_ns
    lines: list[str] = []
    build([src], db, jobs=1, log=lines.append)
    assert db.stat().st_mtime_ns == stamp
    assert any("没有变化" in line for line in lines)


# ---------------------------------------------------------------- hash what you parse


def test_file_swapped_during_build_is_stored_under_its_own_hash(tmp_path, monkeypatch):
    import etl.build.inputs as build_module  # where the build hashes its inputs

    db = tmp_path / "finance.duckdb"
    target = _copy(TXT[0], tmp_path / "in", "report.txt")
    first, second = TXT[0].read_bytes(), TXT[1].read_bytes()
    real_hash = build_module.file_sha256

    def hash_then_swap(path: Path) -> str:
        digest = real_hash(path)
        path.write_bytes(second)  # replaced right after the build hashed it
        return digest

    monkeypatch.setattr(build_module, "file_sha256", hash_then_swap)
    lines: list[str] = []
    build([target], db, jobs=1, log=lines.append)
    monkeypatch.setattr(build_module, "file_sha256", real_hash)
    con = duckdb.connect(str(db), read_only=True)
    try:
        ((sha, unit),) = con.execute(
            "SELECT source_sha256, unit_name_stated FROM raw_reports"
        ).fetchall()
    finally:
        con.close()
    assert sha == hashlib.sha256(second).hexdigest() != hashlib.sha256(first).hexdigest()
    expected = build([_copy(TXT[1], tmp_path / "ref", "ref.txt")], tmp_path / "ref.duckdb",
                     jobs=1, log=_quiet).outcomes[0]  # fmt: skip
    assert unit == expected.stated_name  # the figures are the second version's
    assert any("构建过程中" in line for line in lines)
    again: list[str] = []
    build([target], db, jobs=1, log=again.append)  # now truly unchanged
    assert any("未变化" in line for line in again)


# ---------------------------------------------------------------- kill -9

DRIVER = """
import os, pathlib, sys, time
sys.path[:0] = [{repo!r}, {tests!r}]
import warehouse
from etl.build import build
moment, db, marker = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
paths = sys.argv[4:]

def reach():
    marker.write_text("reached")
    time.sleep(120)

if moment == "write":
    real = warehouse.data_tests
    warehouse.data_tests = lambda: (reach(), real())[1]
elif moment == "replace":
    real_replace = os.replace
    def replace(a, b):
        reach()
        real_replace(a, b)
    os.replace = replace
from build_hooks import slow_parse
build(paths, db, jobs=1, log=lambda line: None, _parse=slow_parse)
"""


@pytest.mark.parametrize("moment", ["parse", "write", "replace"])
def test_kill_9_leaves_the_old_warehouse_and_next_build_cleans_up(tmp_path, moment):
    db = tmp_path / "finance.duckdb"
    base = _copy(TXT[0], tmp_path / "a", "a.txt")
    build([base], db, jobs=1, log=_quiet)
    before = table_contents(db)
    name = f"slow120_{tmp_path.name}.txt" if moment == "parse" else "b.txt"
    added = _copy(TXT[1], tmp_path / "b", name)
    marker = hook_marker(name) if moment == "parse" else tmp_path / "reached"
    marker.unlink(missing_ok=True)
    script = DRIVER.format(repo=str(REPO), tests=str(REPO / "tests"))
    proc = subprocess.Popen(
        [sys.executable, "-c", script, moment, str(db), str(marker), str(base), str(added)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        _wait_for(marker, proc)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the build, its forkserver and its workers
        proc.wait(WAIT_S)
    assert table_contents(db) == before
    if moment != "parse":
        assert _leftovers(db)  # the dead build's temporary warehouse is still there
    run = run_cli("build", "--db", str(db), str(base), str(_copy(TXT[1], tmp_path / "c", "b.txt")))
    assert run.code == 0, run.out
    assert _leftovers(db) == []
    if moment != "parse":
        assert "临时文件" in run.out
    assert _files(db) == {"a.txt", "b.txt"}


# ---------------------------------------------------------------- full disk, read-only


@contextlib.contextmanager
def _tmpfs(path: Path, size_kb: int):
    """Given a folder and a size, mount a tmpfs there for the block (root only), else skip."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a real small file system needs root (the fault-injected test still runs)")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(path)],
        capture_output=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _one_line_failure(run) -> str:
    """Given a CLI run that failed, return its failure line (and check there is no traceback)."""
    assert run.code != 0
    assert "Traceback" not in run.out
    lines = [ln for ln in run.out.splitlines() if ln.startswith("构建失败")]
    assert len(lines) == 1, run.out
    return lines[0]


def test_full_disk_ends_in_one_line(tmp_path):
    src = tmp_path / "src.duckdb"
    base = _copy(TXT[0], tmp_path / "a", "a.txt")
    build([base], src, jobs=1, log=_quiet)
    size_kb = src.stat().st_size // 1024 + 300
    with _tmpfs(tmp_path / "disk", size_kb) as disk:
        db = Path(shutil.copy(src, disk / "finance.duckdb"))
        before = table_contents(db)
        run = run_cli("build", "--db", str(db), str(base), str(TXT[1]))
        assert "磁盘空间不足" in _one_line_failure(run)
        assert table_contents(db) == before and _leftovers(db) == []


def test_full_disk_fault_injected_ends_in_one_line(tmp_path, monkeypatch):
    db = tmp_path / "finance.duckdb"
    base = _copy(TXT[0], tmp_path / "a", "a.txt")
    build([base], db, jobs=1, log=_quiet)
    before = table_contents(db)
    import warehouse

    def no_space():
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(warehouse, "data_tests", no_space)
    run = run_cli("build", "--db", str(db), str(base), str(TXT[1]))
    assert "磁盘空间不足" in _one_line_failure(run)
    assert table_contents(db) == before and _leftovers(db) == []


def test_read_only_directory_ends_in_one_line(tmp_path):
    src = tmp_path / "src.duckdb"
    base = _copy(TXT[0], tmp_path / "a", "a.txt")
    build([base], src, jobs=1, log=_quiet)
    folder = tmp_path / "ro"
    if os.geteuid() == 0:
        ctx = _tmpfs(folder, 64 * 1024)
    else:
        folder.mkdir()
        ctx = contextlib.nullcontext(folder)
    with ctx:
        db = Path(shutil.copy(src, folder / "finance.duckdb"))
        before = table_contents(db)
        if os.geteuid() == 0:
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        else:
            folder.chmod(0o555)
        try:
            run = run_cli("build", "--db", str(db), str(base), str(TXT[1]))
            assert "只读" in _one_line_failure(run)
            same = run_cli("build", "--db", str(db), str(base))  # nothing to change: fine
            assert same.code == 0 and "Traceback" not in same.out, same.out
            assert table_contents(db) == before
        finally:
            if os.geteuid() != 0:
                folder.chmod(0o755)


# ---------------------------------------------------------------- folders and names


def test_special_files_are_named_and_skipped(tmp_path):
    folder = tmp_path / "in"
    _copy(TXT[0], folder, "a.txt")
    os.mkfifo(folder / "pipe.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "bad\nname.txt").write_text("不是报告", encoding="utf-8")
    run = run_cli("build", "--db", str(tmp_path / "finance.duckdb"), str(folder))
    assert "pipe.txt" in run.out and "命名管道" in run.out
    assert "loop.txt" in run.out and "符号链接" in run.out
    assert "bad\\nname.txt" in run.out  # one line per file, the newline shown as \n
    assert all(not line.startswith("name.txt") for line in run.out.splitlines())


# ---------------------------------------------------------------- bounded workers


def _tree_peak_mb(root: int, stop: threading.Event, peaks: dict[int, int]) -> None:
    """Given a process id, record the peak RSS (VmHWM) of each of its descendants until stop."""
    while not stop.is_set():
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(stat[1]), []).append(int(entry.name))
        todo, tree = list(children.get(root, [])), []
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo += children.get(pid, [])
        for pid in tree:
            with contextlib.suppress(OSError, ValueError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks[pid] = max(peaks.get(pid, 0), int(line.split()[1]) // 1024)
        stop.wait(0.05)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_hostile_files_end_in_one_line_under_the_memory_limit(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_docx_bomb(folder / "bomb.docx")
    write_xlsx_rows(folder / "rows.xlsx")
    write_pdf_stream_bomb(folder / "stream.pdf")
    limit_mb = 2048
    env = {**os.environ, "JUESUAN_WORKER_MEMORY_MB": str(limit_mb)}
    cmd = [sys.executable, "-m", "etl", "build", "--db", str(tmp_path / "f.duckdb"),
           "--jobs", "1", "--timeout", "60", str(folder)]  # fmt: skip
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    stop, peaks = threading.Event(), {}
    watcher = threading.Thread(target=_tree_peak_mb, args=(proc.pid, stop, peaks))
    watcher.start()
    out, _ = proc.communicate(timeout=WAIT_S)
    stop.set()
    watcher.join()
    assert time.monotonic() - started < WAIT_S
    assert proc.returncode == 1 and "Traceback" not in out
    for name, setting in (("bomb.docx", "JUESUAN_MAX_UNZIPPED_MB"),
                          ("rows.xlsx", "JUESUAN_MAX_SHEET_ROWS"),
                          ("stream.pdf", "JUESUAN_MAX_PDF_STREAM_MB")):  # fmt: skip
        assert any(line.startswith(f"{name}: ") and setting in line for line in out.splitlines())
    assert peaks and max(peaks.values()) < limit_mb, peaks


def test_worker_over_its_memory_limit_fails_alone_in_one_line(tmp_path, monkeypatch):
    from build_hooks import hog_parse

    monkeypatch.setenv("JUESUAN_WORKER_MEMORY_MB", "1024")
    folder = tmp_path / "in"
    _copy(TXT[0], folder, "a.txt")
    _copy(TXT[1], folder, "hog.txt")
    lines: list[str] = []
    result = build([folder], tmp_path / "f.duckdb", jobs=1, log=lines.append, _parse=hog_parse)
    failed = {o.file.name: o.message for o in result.outcomes if o.status == "failed"}
    assert list(failed) == ["hog.txt"]
    assert "内存" in failed["hog.txt"] and "JUESUAN_WORKER_MEMORY_MB" in failed["hog.txt"]
    assert _files(tmp_path / "f.duckdb") == {"a.txt"}


CTRL_C_DRIVER = """
import functools, sys
sys.path[:0] = [{repo!r}, {tests!r}]
import etl.cli
from build_hooks import slow_parse
etl.cli.build = functools.partial(etl.cli.build, _parse=slow_parse)
sys.exit(etl.cli.main(sys.argv[1:]))
"""


def _default_sigint() -> None:
    """In the child before it runs: SIGINT back to its default disposition."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_cleanly_in_one_line(tmp_path):
    db = tmp_path / "finance.duckdb"
    base = _copy(TXT[0], tmp_path / "a", "a.txt")
    build([base], db, jobs=1, log=_quiet)
    before = table_contents(db)
    slow = _copy(TXT[1], tmp_path / "b", f"slow60_{tmp_path.name}.txt")
    hook_marker(slow.name).unlink(missing_ok=True)
    script = CTRL_C_DRIVER.format(repo=str(REPO), tests=str(REPO / "tests"))
    # started as a terminal starts it, Ctrl-C at its default: a child inherits an ignored
    # SIGINT, and Python then never raises KeyboardInterrupt (the suite's own processes may
    # have left SIGINT ignored by the time this test runs)
    proc = subprocess.Popen(
        [sys.executable, "-c", script, "build", "--db", str(db), "--jobs", "1", str(base), str(slow)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=_default_sigint,
    )  # fmt: skip
    _wait_for(hook_marker(slow.name), proc)
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=WAIT_S)
    assert time.monotonic() - started < 15  # the busy worker is ended, not waited for
    assert proc.returncode == 130 and "Traceback" not in out
    assert [ln for ln in out.splitlines() if ln.startswith("已中断")], out
    assert table_contents(db) == before and _leftovers(db) == []
