"""Hash what you parse: a file's bytes are read once, hashed, and the parse reads those bytes.

A file replaced while a build runs must never be stored under the other version's sha256.
``parse_snapshot`` reads the file once, takes its sha256, writes the same bytes to a private
temporary folder under the file's own name (readers work on paths: pdfium, LibreOffice) and
parses that copy; the report and the hash always belong to the same bytes.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from etl.model import InputError
from etl.readers import read_bytes

# Where a worker puts its private copies (a folder per file, removed after the parse).
SNAPSHOT_PREFIX = "juesuan-parse-"


def parse_snapshot(path: Path, parse: Callable[[Path], object]) -> tuple[object, str]:
    """Given a file path and a parse function, return what parsing the file's bytes gives and
    the sha256 of exactly those bytes (raises what parse raises, or InputError)."""
    data = read_bytes(path)
    digest = hashlib.sha256(data).hexdigest()
    folder = Path(tempfile.mkdtemp(prefix=SNAPSHOT_PREFIX))
    try:
        copy = folder / path.name
        try:
            copy.write_bytes(data)
        except OSError as exc:
            raise InputError(f"无法写入解析用的临时副本（{exc.strerror or exc}）") from None
        del data
        return parse(copy), digest
    finally:
        shutil.rmtree(folder, ignore_errors=True)
