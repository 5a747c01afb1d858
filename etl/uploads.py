"""Report files added from the dashboard: safe names, the command line's type and size rules,
duplicates found by content, and removal.

Files live in one folder (setting ``upload_dir``); nothing here parses, opens or runs them:
they are bytes written to disk for the build to read.  A file is first written under a
hidden temporary name (the build skips names starting with a dot), checked with the build's
own precheck, then linked under its final name, so a build never sees half a file and an
existing file is never overwritten.  A removed file moves to the hidden ``.removed`` folder.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import secrets
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from etl import guard, limits
from etl.build.inputs import precheck
from etl.build.model import SUPPORTED, InputFile
from etl.model import InputError

# Longest stored file name, in UTF-8 bytes (file systems allow 255; room for " (99)").
MAX_NAME_BYTES = 200
# Characters never kept in a stored name: path separators, Windows-reserved punctuation,
# control and text-direction characters (shown as "_").
UNSAFE = re.compile(r'[\\/<>:"|?*\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]')
TEMP_PREFIX = ".upload-"
REMOVED = ".removed"
HISTORY = ".history.jsonl"  # one JSON line per upload or removal: when, what, which file, who
UNNAMED = "未命名"
ARCHIVE = ".zip"  # unpacked on upload; its report files are stored, the archive itself is not
# Zip flag bits: the member is encrypted; its name is UTF-8 (else it is GBK or CP437 bytes).
ZIP_ENCRYPTED = 0x1
ZIP_UTF8 = 0x800


@dataclass(frozen=True)
class Stored:
    """What became of one sent file: saved under ``saved``, or not, with the Chinese reason."""

    sent: str  # the name as sent (printable)
    saved: str | None  # the file name in the upload folder
    status: str  # saved | same | refused
    message: str = ""


def accepted_types() -> list[str]:
    """Given the build's readers, return the file extensions an upload may have (no dot)."""
    return sorted(s.lstrip(".") for s in {*SUPPORTED, ARCHIVE})


def safe_name(sent: str) -> str:
    """Given a file name as a browser sent it, return a name safe to store: the last path
    part only, no separators, control characters or leading dots, Chinese kept, bounded."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", sent or ""))[-1]
    base = UNSAFE.sub("_", base).strip().lstrip(".~$ ").rstrip(". ")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    suffix = f".{suffix.lower()}" if dot and suffix else ""
    stem = stem.strip() or UNNAMED
    while len((stem + suffix).encode()) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return stem + suffix


def _member_name(info: zipfile.ZipInfo) -> str:
    """Given a zip member, return its name (names without the UTF-8 flag are usually GBK)."""
    if info.flag_bits & ZIP_UTF8:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def unpack(sent: str, data: bytes) -> tuple[list[tuple[str, bytes]], str | None]:
    """Given a sent zip archive, return its files as ("archive/member", bytes) pairs (hidden
    files and __MACOSX left out; folders flattened later by safe_name), or no files and why it
    cannot be unpacked."""
    try:
        limits.check_zip(io.BytesIO(data), "压缩包")
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = [i for i in zf.infolist() if not i.is_dir()]
            if any(i.flag_bits & ZIP_ENCRYPTED for i in members):
                return [], "压缩包已加密，无法解压"
            out = []
            for info in members:
                name = _member_name(info)
                parts = re.split(r"[\\/]", name)
                if parts[-1].startswith(".") or "__MACOSX" in parts:
                    continue
                out.append((f"{sent}/{name}", zf.read(info)))
    except InputError as exc:
        return [], str(exc)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
        return [], f"压缩包已损坏或格式不支持，无法解压（{type(exc).__name__}）"
    if not out:
        return [], "压缩包中没有文件"
    return out, None


def sha256(data: bytes) -> str:
    """Given bytes, return their hex sha256."""
    return hashlib.sha256(data).hexdigest()


def stored_files(folder: Path) -> list[Path]:
    """Given the upload folder, return its report files (regular, not hidden), by name."""
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if not p.name.startswith(".") and p.is_file()
    )  # fmt: skip


def _free_name(folder: Path, name: str) -> Path:
    """Given the folder and a safe name, return a path there that does not exist yet."""
    stem, suffix = os.path.splitext(name)
    n = 1
    candidate = folder / name
    while candidate.exists():
        n += 1
        candidate = folder / f"{stem} ({n}){suffix}"
    return candidate


def store(
    files: Iterable[tuple[str, bytes]], folder: Path, known: Mapping[str, str], max_bytes: int
) -> list[Stored]:
    """Given sent (name, bytes) pairs, the upload folder, the sha256 -> file name of what the
    warehouse already holds and the size limit, save each new acceptable file and return
    what became of every one (a missed twin is still found by the build as an identical copy)."""
    folder.mkdir(parents=True, exist_ok=True)
    seen = dict(known)
    named = set(known.values())
    for path in stored_files(folder):  # only files no build has recorded are read and hashed
        if path.name not in named:
            seen.setdefault(sha256(path.read_bytes()), path.name)
    out: list[Stored] = []
    pending = list(files)
    pending.reverse()
    while pending:
        sent, data = pending.pop()
        shown = guard.printable(sent)
        if sent.lower().endswith(ARCHIVE):
            nested = ARCHIVE + "/" in sent.lower()
            members, problem = ([], "压缩包中的压缩包不展开") if nested else unpack(sent, data)
            if problem:
                out.append(Stored(shown, None, "refused", problem))
            pending.extend(reversed(members))
            continue
        digest = sha256(data)
        if digest in seen:
            out.append(
                Stored(shown, None, "same", f"与已有的 {seen[digest]} 内容完全相同，未重复保存")
            )
            continue
        name = safe_name(sent)
        temp = folder / f"{TEMP_PREFIX}{secrets.token_hex(6)}-{name}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            problem = precheck(InputFile(temp, str(temp), name), max_bytes)
            if problem:
                out.append(Stored(shown, None, "refused", problem))
                continue
            while True:  # link never replaces: a name taken meanwhile gets the next number
                target = _free_name(folder, name)
                try:
                    os.link(temp, target)
                    break
                except FileExistsError:
                    continue
        finally:
            temp.unlink(missing_ok=True)
        seen[digest] = target.name
        out.append(Stored(shown, target.name, "saved"))
    return out


def remove(folder: Path, name: str) -> Path:
    """Given the upload folder and the name of a file in it, move the file into the hidden
    .removed folder (kept, never parsed) and return where it went; refuse any other path."""
    path = folder / name
    if name != safe_name(name) or path.parent != folder or not path.is_file():
        raise ValueError(f"上传文件夹中没有文件 {guard.printable(name)}")
    bin_dir = folder / REMOVED
    bin_dir.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = _free_name(bin_dir, f"{stamp}-{name}")
    os.replace(path, target)
    return target


def record(folder: Path, action: str, name: str, who: str) -> None:
    """Given the upload folder, an action (上传/删除), a stored file name and who did it, append
    one line to the folder's history."""
    folder.mkdir(parents=True, exist_ok=True)
    line = {
        "at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "action": action,
        "file": name,
        "who": who,
    }
    with (folder / HISTORY).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(line, ensure_ascii=False) + "\n")


def history(folder: Path, last: int) -> list[dict[str, str]]:
    """Given the upload folder and a count, return the newest history lines, newest first."""
    path = folder / HISTORY
    if not path.is_file():
        return []
    rows = []
    for text in path.read_text(encoding="utf-8").splitlines()[-last:]:
        try:
            rows.append(json.loads(text))
        except json.JSONDecodeError:  # a line cut short by a full disk: skipped
            continue
    return rows[::-1]
