"""One writer at a time, no leftovers, no surprises from the file system.

* ``writer_lock`` holds an exclusive lock file beside the warehouse (``finance.duckdb.lock``)
  for a whole build: a second build waits with a line saying so, or refuses in one line;
  the lock ends with the process, so a killed build never leaves it held.
* ``temp_path`` names a build's temporary warehouse uniquely (pid and a random part);
  ``remove_leftovers`` removes, under the lock, the temporary files of builds that died.
* ``special_file`` names what is not a regular file (a FIFO, a device, a socket, a symlink
  loop) so a folder scan can skip it with a line instead of blocking on it or losing it.
* ``printable`` shows control characters of a file name as escapes in output lines.
* ``os_problem`` turns an OSError (full disk, read-only directory) into one Chinese line.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

# Suffix of the lock file beside the warehouse, and the mark of a build's temporary files.
LOCK_SUFFIX = ".lock"
TEMP_MARK = ".tmp-"
# Control and text-direction characters, shown as escapes in output lines.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class LockBusy(Exception):
    """Another build holds the warehouse's lock (raised only when not waiting)."""


def lock_path(target: Path) -> Path:
    """Given the warehouse path, return its lock file path."""
    return target.with_name(target.name + LOCK_SUFFIX)


@contextlib.contextmanager
def writer_lock(target: Path, *, wait: bool, log: Callable[[str], None]) -> Iterator[bool]:
    """Given the warehouse path, hold its exclusive lock for the block and yield True; when
    another build holds it, say so and wait (or raise LockBusy when not waiting).  In a
    directory where no lock file can be made (read-only) yield False: nothing can be written
    there anyway, and a build with nothing to change may still finish."""
    import fcntl

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path(target), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            yield False
            return
        raise
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise LockBusy from None
            log(f"另一个构建正在写入 {printable(target.name)}，等待它完成后再继续……")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield True
    finally:
        os.close(fd)  # closing releases the lock


def temp_path(target: Path) -> Path:
    """Given the warehouse path, return a temporary file name no other build uses."""
    return target.with_name(f"{target.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")


def remove_leftovers(target: Path) -> list[str]:
    """Given the warehouse path (its lock held), remove temporary files of earlier builds
    that died and return their names."""
    removed = []
    for path in sorted(target.parent.glob(f"{glob_escape(target.name)}{TEMP_MARK}*")):
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path.name)
    return removed


def glob_escape(name: str) -> str:
    """Given a file name, return it with glob wildcards escaped."""
    return re.sub(r"([*?\[])", r"[\1]", name)


def special_file(path: Path) -> str | None:
    """Given a path found in a folder (or given), return why it is not a regular file that
    can be read (FIFO, device, socket, symlink loop or dangling link), or None."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "符号链接循环，已跳过"
        if path.is_symlink():
            return "符号链接指向的文件不存在，已跳过"
        return None  # the usual checks say what is wrong
    if stat.S_ISFIFO(mode):
        return "是命名管道（FIFO），不是普通文件，已跳过"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "是设备文件，不是普通文件，已跳过"
    if stat.S_ISSOCK(mode):
        return "是套接字，不是普通文件，已跳过"
    return None


def printable(name: str) -> str:
    """Given a file name, return it with control and direction characters as escapes."""
    return CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), name)


def os_problem(exc: OSError, where: Path) -> str:
    """Given an OSError met while writing the warehouse, return the one-line reason."""
    place = printable(str(where))
    if exc.errno == errno.ENOSPC:
        return f"磁盘空间不足，无法写入 {place}"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"{place} 所在目录只读或无写入权限"
    return f"无法写入 {place}（{exc.strerror or type(exc).__name__}）"


# What, besides the parser, decides a warehouse's contents: checks, vocabulary, schema, masking.
CODE_GLOBS = (
    "etl/checks/*.py", "etl/vocab/*", "etl/build*.py", "etl/build/*.py", "etl/privacy.py",
    "etl/units.py", "warehouse/*.sql", "warehouse/*.py", "warehouse/*.csv",
)  # fmt: skip


def code_fingerprint(globs: tuple[str, ...] = CODE_GLOBS) -> str:
    """Given glob patterns under the repository root (default: the files that shape a warehouse
    beyond the parser), return the sha256 of the files they match, names and contents, in
    order (bytecode caches left out); a change to any of them makes the next build rewrite
    the warehouse."""
    import hashlib

    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for pattern in globs:
        for path in sorted(root.glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()
