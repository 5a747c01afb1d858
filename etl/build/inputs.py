"""Finding and screening the build's input files: discovery, hashing, prechecks, identical copies."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from etl import guard
from etl.build.model import SUPPORTED, UNSUPPORTED_HINTS, InputFile

# Files never reported when walking a folder: editor lock files and system clutter.
_IGNORED_NAMES = {"thumbs.db", "desktop.ini"}


def discover(paths: Sequence[str | Path]) -> list[InputFile]:
    """Given files and folders, return the input files in a stable order (folders recursive)."""
    found: dict[str, InputFile] = {}

    def add(path: Path, shown: str, problem: str | None = None) -> None:
        key = os.path.normcase(os.path.abspath(path))
        if key not in found:
            found[key] = InputFile(path, shown, path.name, problem=problem)

    for given in paths:
        given_path = Path(given)
        special = guard.special_file(given_path)
        if special:  # a FIFO, device or symlink loop named on the command line
            add(given_path, str(given_path), special)
        elif given_path.is_dir():
            for path in sorted(given_path.rglob("*")):
                rel = path.relative_to(given_path)
                if any(p.startswith((".", "~$")) for p in rel.parts):
                    continue
                if path.name.lower() in _IGNORED_NAMES:
                    continue
                special = guard.special_file(path)  # named and skipped, never opened
                if special or path.is_file():
                    add(path, str(path), special)
        elif given_path.is_file():
            add(given_path, str(given_path))
        else:
            add(given_path, str(given_path), "文件或文件夹不存在")
    return list(found.values())


def file_sha256(path: Path) -> str:
    """Given a file path, return the hex sha256 of its bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def precheck(item: InputFile, max_bytes: int) -> str | None:
    """Given an input file, return why it cannot be parsed, or None when it can be tried."""
    if item.problem:
        return item.problem
    suffix = item.path.suffix.lower()
    if suffix not in SUPPORTED:
        return UNSUPPORTED_HINTS.get(
            suffix,
            f"不支持的文件格式（{suffix or '无扩展名'}），只能读取 PDF、DOCX、XLSX、TXT、PNG/JPG 扫描页（.doc/.wps 经 LibreOffice 转换）",
        )
    try:
        size = item.path.stat().st_size
    except OSError as exc:  # gone or unreadable since it was found
        return f"文件无法访问（{exc.strerror or exc}）"
    if size == 0:
        return "文件为空（0 字节）"
    if size > max_bytes:
        return f"文件过大（{size / 1048576:.1f} MB，上限 {max_bytes / 1048576:.0f} MB）"
    return None


@dataclass
class Screened:
    """The inputs after prechecks and hashing: who cannot be parsed and who copies whom."""

    problems: dict[int, str] = field(default_factory=dict)  # index -> why it fails
    copies: dict[int, int] = field(default_factory=dict)  # identical copy -> first file


def screen(inputs: Sequence[InputFile], max_bytes: int) -> Screened:
    """Given the inputs and the size limit, hash each (setting sha256) and return the screening."""
    found = Screened()
    first_by_sha: dict[str, int] = {}
    for n, item in enumerate(inputs):
        problem = precheck(item, max_bytes)
        if problem:
            found.problems[n] = problem
            continue
        try:
            item.sha256 = file_sha256(item.path)
        except OSError as exc:
            found.problems[n] = f"无法读取文件：{exc.strerror or exc}"
            continue
        if item.sha256 in first_by_sha:
            found.copies[n] = first_by_sha[item.sha256]
        else:
            first_by_sha[item.sha256] = n
    return found
