"""Legacy word-processor files (.doc, .wps) read through a LibreOffice conversion to .docx.

LibreOffice runs headless in a private temporary profile (so parallel builds and a user's
open LibreOffice do not interfere), with a time limit; the .docx it writes is read by the
DOCX reader and thrown away.  Without LibreOffice the file fails with a one-line reason.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from etl import limits
from etl.model import InputError, ParsedDocument
from etl.readers import read_bytes

# Executable names LibreOffice installs on PATH (Debian: soffice and libreoffice).
SOFFICE_NAMES = ("soffice", "libreoffice")

# Seconds one conversion may take (the first run also creates the private profile).
CONVERT_TIMEOUT_S = 120

# A conversion ends by itself before this share of the build's per-file time limit, so
# LibreOffice (in its own process group) is never left running by a killed parse worker.
SHARE_OF_FILE_TIMEOUT = 0.8

# Files that start with this are OLE2 compound files: .doc, and the .wps of WPS Office.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# What to tell people who have no LibreOffice.
INSTALL_HINT = (
    "安装 LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer-nogui）或另存为 .docx"
)


def find_soffice() -> str | None:
    """Given nothing, return the path of LibreOffice's soffice on PATH, or None."""
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def read_legacy(path: Path) -> ParsedDocument:
    """Given a .doc or .wps file, return it read as a converted .docx (or raise InputError)."""
    from etl.readers.docx import read_docx

    suffix = path.suffix.lower()
    head = read_bytes(path, len(OLE_MAGIC))
    if head != OLE_MAGIC and not head.startswith(b"{\\rtf"):
        raise InputError(f"文件已损坏或不是 {suffix} 文件（文件头不符）")
    soffice = find_soffice()
    if soffice is None:
        raise InputError(
            f"{suffix} 文件需要 LibreOffice 转换，但本机未安装 LibreOffice；请{INSTALL_HINT}"
        )
    with tempfile.TemporaryDirectory(prefix="juesuan-convert-") as tmp:
        work = Path(tmp)
        source = work / f"input{suffix}"  # a plain name: LibreOffice names its output after it
        shutil.copyfile(path, source)
        _run_soffice(soffice, source, work)
        out = work / "input.docx"
        if not out.is_file():
            raise InputError(f"LibreOffice 无法转换该 {suffix} 文件（可能已损坏或加密）")
        doc = read_docx(out)
    doc.source_file = path.name
    return doc


def _run_soffice(soffice: str, source: Path, work: Path) -> None:
    """Given soffice, an input file and a work folder, convert the file to .docx in that folder."""
    profile = (work / "profile").as_uri()
    cmd = [
        soffice,
        f"-env:UserInstallation={profile}",
        "--headless",
        "--norestore",
        "--convert-to",
        "docx:MS Word 2007 XML",
        "--outdir",
        str(work),
        str(source),
    ]
    env = dict(os.environ, HOME=str(work))  # LibreOffice writes caches under HOME
    try:
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # its own process group, so a timeout ends all of it
            preexec_fn=limits.lift_memory_limit,  # LibreOffice gets the machine's limit back
        )
    except OSError as exc:
        raise InputError(f"无法启动 LibreOffice（{exc.strerror or exc}）") from None
    limit = _time_limit()
    try:
        proc.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise InputError(f"LibreOffice 转换超时（超过 {limit:g} 秒）") from None


def _time_limit() -> float:
    """Given nothing, return the seconds a conversion may take under the build's file time limit."""
    from etl import settings

    try:
        file_limit = float(settings.get("timeout"))
    except (KeyError, ValueError):
        file_limit = 0.0
    if file_limit > 0:
        return min(CONVERT_TIMEOUT_S, SHARE_OF_FILE_TIMEOUT * file_limit)
    return CONVERT_TIMEOUT_S
