"""Parse functions that misbehave on purpose, for the build's worker-isolation tests.

etl.build.build() takes an internal ``_parse`` argument; these functions are passed there
by tests/test_build.py only.  Workers receive the function pickled by name, so it must
live in an importable module rather than inside a test.  The file name decides the
behaviour; any other file is parsed for real.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from etl import settings
from etl.build import parse_file
from etl.model import InputError, Report


def misbehaving_parse(path: Path) -> Report:
    """Given a file path, hang, crash or fail when its name says so, else parse it."""
    name = path.name
    if "hang" in name:
        while True:  # a parser stuck in a loop: only killing the process ends it
            time.sleep(0.05)
    if "crash" in name:
        os._exit(7)  # the process dies without a Python exception (like a segfault)
    if "boom" in name:
        raise RuntimeError("模拟的解析器缺陷")
    if "lose" in name:  # the first time, take down the Dask worker this parse runs under
        _lose_dask_worker_once(name)
    if "limit" in name:  # report the time limit this worker process sees as its setting
        raise InputError(f"本进程的解析时限 {settings.parse_timeout():g} 秒")
    return parse_file(path)


# Where the "lose" hook marks that it has taken down a worker (set by the Dask test).
MARKER_ENV = "JUESUAN_TEST_MARKERS"
TEST_PID_ENV = "JUESUAN_TEST_PID"  # the test process, which the hook must never kill


def _lose_dask_worker_once(name: str) -> None:
    """Given a file name, kill the Dask worker process above this parse the first time only.

    The parse runs in a pool process forked by the worker's forkserver, so the worker is
    this process's grandparent (read from /proc: Linux only, as the forkserver is).
    """
    folder = os.environ.get(MARKER_ENV)
    with open(f"/proc/{os.getppid()}/stat", "rb") as fh:
        grandparent = int(fh.read().rsplit(b")", 1)[1].split()[1])
    if not folder or str(grandparent) == os.environ.get(TEST_PID_ENV):
        return  # a local build: the grandparent is the test itself
    marker = Path(folder) / f"lost-{name}"
    if marker.exists():
        return
    marker.write_text("lost\n", encoding="utf-8")
    os.kill(grandparent, 9)
    os.kill(os.getppid(), 9)  # and its forkserver, which would otherwise linger as an orphan
    time.sleep(60)  # the worker is gone; this process goes with it or is killed by the pool


def hook_marker(name: str) -> Path:
    """Given a file name, return the marker a hook creates when it reaches that file (the
    worker parses a private copy, so the marker lives in the temp folder, named after it)."""
    import tempfile

    return Path(tempfile.gettempdir()) / f"juesuan-hook-{name}"


def slow_parse(path: Path) -> Report:
    """Given a file path named ``slowN_…``, create its marker and pause N seconds, then parse."""
    import re

    m = re.match(r"slow(\d+)_", path.name)
    if m:
        hook_marker(path.name).write_text(str(os.getpid()), encoding="utf-8")
        time.sleep(int(m.group(1)))
    return parse_file(path)


def hog_parse(path: Path) -> Report:
    """Given a file path, allocate far more memory than any limit allows when its name says
    "hog" (the worker's address-space limit must stop it), else parse it."""
    if "hog" in path.name:
        blocks = [bytearray(256 * 1024 * 1024) for _ in range(64)]  # 16 GB
        return blocks  # type: ignore[return-value]
    return parse_file(path)
