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
    if "limit" in name:  # report the time limit this worker process sees as its setting
        raise InputError(f"本进程的解析时限 {settings.parse_timeout():g} 秒")
    return parse_file(path)
