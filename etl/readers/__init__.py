"""Readers: turn a report file (.pdf, .docx, .xlsx/.xls, .html/.htm, .txt/.md, or a scanned
page as .png/.jpg) into an ordered list of blocks.

``read_document(path)`` is the only entry point the rest of the ETL uses; it checks the
file (exists, not empty, not too large, a supported type) and dispatches by suffix;
.doc/.wps go through a LibreOffice conversion to .docx (``etl.readers.convert``).
Every problem with the input surfaces as ``InputError`` with a one-line Chinese reason.
"""

from __future__ import annotations

from pathlib import Path

from etl.model import Block, InputError, ParsedDocument

# Largest input accepted, checked before reading anything (bytes).
MAX_FILE_BYTES = 200 * 1024 * 1024

# Suffixes we read, mapped to the ParsedDocument.fmt they produce.
SUPPORTED_SUFFIXES = {
    ".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx", ".xls": "xls", ".txt": "txt", ".md": "txt",
    ".html": "html", ".htm": "html",
}  # fmt: skip

# Scanned report pages given as images: read by OCR as a one-page image-only PDF.
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}
SUPPORTED_SUFFIXES.update(dict.fromkeys(IMAGE_SUFFIXES, "pdf"))

# Legacy word-processor formats, read after LibreOffice converts them to .docx.
LEGACY_WORD_SUFFIXES = {".doc", ".wps", ".dot"}

__all__ = [
    "MAX_FILE_BYTES", "comments_note", "read_bytes", "read_document", "table_block", "InputError",
]  # fmt: skip


def comments_note(count: int) -> list[str]:
    """Given how many reviewer comments a file holds, return the warning naming only the count
    (who wrote them and what they say are personal working notes, never shown)."""
    return [f"文件含 {count} 条审阅批注（批注人与批注内容不载入）"] if count else []


def table_block(rows: list[list[str]], index: int, page: int | None = None) -> Block:
    """Given table rows (lists of cell texts), return a table Block with its joined text."""
    frozen = tuple(tuple(row) for row in rows)
    text = "\n".join("\t".join(row) for row in frozen)
    return Block(kind="table", text=text, rows=frozen, page=page, index=index)


def read_bytes(path: Path, limit: int = -1) -> bytes:
    """Given a file path and a byte limit (-1: all), return its bytes or raise InputError."""
    try:
        with path.open("rb") as fh:
            return fh.read(limit)
    except OSError as exc:
        raise InputError(f"文件无法读取（{exc.strerror or exc}）") from None


def read_document(path: str | Path) -> ParsedDocument:
    """Given a report file path, return its blocks in document order (or raise InputError);
    field codes and contents lines removed, traditional characters made simplified, DOCX and
    text blocks placed under their section headings."""
    from etl.readers.cleanup import clean_document
    from etl.readers.places import place_blocks

    return place_blocks(clean_document(_read(Path(path))))


def _read(path: Path) -> ParsedDocument:
    """Given a report file path, return its blocks as its reader gives them."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES and suffix not in LEGACY_WORD_SUFFIXES:
        raise InputError(f"不支持的文件类型 {suffix or '（无扩展名）'}")
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError("文件不存在") from None
    except OSError as exc:
        raise InputError(f"文件无法访问（{exc.strerror or exc}）") from None
    if not path.is_file():
        raise InputError("不是普通文件")
    if size == 0:
        raise InputError("文件为空（0 字节）")
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"文件过大（{size / 1024 / 1024:.0f} MB，上限 {MAX_FILE_BYTES // 1024 // 1024} MB）"
        )
    if suffix in LEGACY_WORD_SUFFIXES:
        from etl.readers.convert import read_legacy

        return read_legacy(path)
    fmt = SUPPORTED_SUFFIXES[suffix]
    # Imported lazily: pdfplumber and python-docx are slow to import and not always needed.
    if suffix in IMAGE_SUFFIXES:
        from etl.readers.ocr import read_image

        return read_image(path)
    if fmt == "pdf":
        from etl.readers.pdf import read_pdf

        return read_pdf(path)
    if fmt == "docx":
        from etl.readers.docx import read_docx

        return read_docx(path)
    if fmt == "xlsx":
        from etl.readers.xlsx import read_xlsx

        return read_xlsx(path)
    if fmt == "xls":
        from etl.readers.xls import read_xls

        return read_xls(path)
    if fmt == "html":
        from etl.readers.html import read_html

        return read_html(path)
    from etl.readers.text import read_text

    return read_text(path)
