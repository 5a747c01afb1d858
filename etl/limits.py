"""Resource limits of the parse workers: zip packages, PDF content streams and address space.

Every limit is a setting (etl/settings.py); going over one raises InputError with a one-line
Chinese reason naming the limit and the environment variable that raises it.  The
address-space limit is put on a parse worker when it starts (``limit_worker_memory``): an
allocation beyond it raises MemoryError in Python or ends the worker, and either way only
that file fails.  Child programs (LibreOffice) get the machine's limit back.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import IO

from etl import settings
from etl.model import InputError

MB = 1024 * 1024
# Bytes inflated at a time while measuring a compressed stream.
INFLATE_CHUNK = 1 << 20
# Deflate's largest possible expansion (zlib FAQ: "the limit is 1032:1"): a stream of n
# bytes inflates to at most this many times n, so small streams need no inflating to check.
DEFLATE_MAX_RATIO = 1032


def over(name: str, what: str, limit: str) -> InputError:
    """Given a setting name, what went over and the limit as shown, return the InputError."""
    return InputError(f"{what}超过上限 {limit}（设置 {settings.env_var(name)}），未解析")


def check_zip(path: Path | IO[bytes], kind: str) -> None:
    """Given a DOCX/XLSX (or an uploaded zip archive) as a path or open file and its kind, raise
    InputError when its parts or their unpacked size are over the limits.

    The sizes come from the zip directory, nothing is unpacked; Python's zipfile never
    inflates a part beyond the size its directory entry states (it fails the CRC check).
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # the reader says what is wrong with it
    max_parts = settings.int_setting("max_zip_parts")
    if max_parts and len(infos) > max_parts:
        raise over("max_zip_parts", f"{kind} 包含 {len(infos)} 个部件，", f"{max_parts} 个")
    max_mb = settings.int_setting("max_unzipped_mb")
    total = sum(i.file_size for i in infos)
    if max_mb and total > max_mb * MB:
        raise over("max_unzipped_mb", f"{kind} 解压后 {total / MB:.0f} MB，", f"{max_mb} MB")


def check_sheet(name: str, rows: int, cols: int) -> None:
    """Given a sheet's name and its row and column counts, raise InputError when over the limits."""
    max_rows = settings.int_setting("max_sheet_rows")
    if max_rows and rows > max_rows:
        raise over("max_sheet_rows", f"工作表“{name[:20]}”有 {rows} 行以上，", f"{max_rows} 行")
    max_cols = settings.int_setting("max_sheet_cols")
    if max_cols and cols > max_cols:
        raise over("max_sheet_cols", f"工作表“{name[:20]}”有 {cols} 列以上，", f"{max_cols} 列")


def check_pdf_pages(count: int) -> None:
    """Given a PDF's page count, raise InputError when it is over the limit."""
    limit = settings.int_setting("max_pdf_pages")
    if limit and count > limit:
        raise over("max_pdf_pages", f"PDF 有 {count} 页，", f"{limit} 页")


def inflated_size(raw: bytes, limit: int) -> int:
    """Given zlib (FlateDecode) data and a byte limit, return its inflated size, counting
    no further than just past the limit (nothing is kept; a broken stream counts as read)."""
    inflater = zlib.decompressobj()
    size = 0
    data = raw
    try:
        while data and size <= limit:
            out = inflater.decompress(data, INFLATE_CHUNK)
            size += len(out)
            data = inflater.unconsumed_tail
    except zlib.error:
        pass
    return size


def check_pdf_streams(path: Path) -> int | None:
    """Given a PDF path, raise InputError when a page's content streams inflate to more than
    the limit, and return the page count qpdf finds (None: qpdf cannot open the file, so
    nothing was checked).

    qpdf (pikepdf) gives every page's raw content streams without decoding them, in a
    small fraction of the time pdfminer takes to parse the page dictionaries.
    """
    mb = settings.int_setting("max_pdf_stream_mb")
    import pikepdf

    try:
        pdf = pikepdf.open(path)
    except Exception:  # qpdf cannot read it: the caller checks with pdfminer's pages
        return None
    with pdf:
        if not mb:
            return len(pdf.pages)
        for number, page in enumerate(pdf.pages, start=1):
            contents = page.obj.get("/Contents")
            items = contents if isinstance(contents, pikepdf.Array) else [contents]
            streams = []  # (raw bytes, whether it is deflated)
            for stream in items:
                if not isinstance(stream, pikepdf.Stream):
                    continue
                found = stream.stream_dict.get("/Filter")
                filters = found if isinstance(found, pikepdf.Array) else [found]
                names = [str(f).lstrip("/") for f in filters if f is not None]
                if not names or names in (["FlateDecode"], ["Fl"]):
                    streams.append((stream.read_raw_bytes(), bool(names)))
            _check_page_streams(streams, number, mb)
        return len(pdf.pages)


def check_pdf_page(page_obj, number: int) -> None:
    """Given a pdfminer page object and its page number, raise InputError when its content
    streams inflate to more than the limit (measured chunk by chunk, nothing kept)."""
    mb = settings.int_setting("max_pdf_stream_mb")
    if not mb:
        return
    from pdfminer.pdftypes import PDFStream, resolve1

    streams = []  # (raw bytes, whether it is deflated)
    for ref in page_obj.contents or []:
        stream = resolve1(ref)
        if not isinstance(stream, PDFStream):
            continue
        names = [getattr(f, "name", str(f)) for f, _params in stream.get_filters()]
        raw = stream.rawdata if stream.rawdata is not None else stream.data or b""
        if not names or names in (["FlateDecode"], ["Fl"]):
            streams.append((raw, bool(names)))
    _check_page_streams(streams, number, mb)


def _check_page_streams(streams: list[tuple[bytes, bool]], number: int, mb: int) -> None:
    """Given one page's content streams as (raw bytes, deflated), its page number and the
    limit in MB, raise InputError when together they inflate to more than the limit."""
    limit = mb * MB
    if sum(len(raw) * (DEFLATE_MAX_RATIO if deflated else 1) for raw, deflated in streams) <= limit:
        return  # even fully inflated they fit: nothing to inflate
    total = 0
    for raw, deflated in streams:
        total += inflated_size(raw, limit - total) if deflated else len(raw)
        if total > limit:
            raise over("max_pdf_stream_mb", f"PDF 第{number}页的内容流解压后", f"{mb} MB")


def limit_worker_memory(mb: int) -> int:
    """Given a limit in MB (0: none), limit this process's address space to it (the soft
    limit, so child programs may be given the hard one back) and return the limit set."""
    try:
        import resource
    except ImportError:  # not a POSIX system
        return 0
    if not mb:
        return 0
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    want = mb * MB
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (ValueError, OSError):
        return 0
    return want // MB


def lift_memory_limit() -> None:
    """Give this process (a child program about to start) the hard address-space limit."""
    try:
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    except (ImportError, ValueError, OSError):
        pass


def memory_reason() -> str:
    """Given this worker's address-space limit, return the one-line reason for a MemoryError."""
    try:
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
        unlimited = soft == resource.RLIM_INFINITY
    except (ImportError, ValueError, OSError):
        soft, unlimited = 0, True
    if unlimited:
        return "内存不足，未解析（本机内存已用尽）"
    mb = soft // MB
    env = settings.env_var("worker_memory_mb")
    return f"内存不足：超过每个解析进程的内存上限 {mb} MB（设置 {env}），未解析"
