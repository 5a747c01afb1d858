"""Hostile input files for the reliability tests, written small and fast.

Each writer makes a file that is tiny on disk but huge once read: a DOCX whose document
part inflates to gigabytes, an XLSX sheet of a million rows, a PDF page whose content
stream inflates to hundreds of megabytes.  All are generated with the standard library.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _deflated(name: str) -> zipfile.ZipInfo:
    """Given a member name, return its ZipInfo set to be deflated."""
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _stream_member(
    zf: zipfile.ZipFile, name: str, head: bytes, unit: bytes, count: int, tail: bytes
) -> None:
    """Given an open zip, write a member of head + unit * count + tail without holding it."""
    with zf.open(_deflated(name), "w", force_zip64=True) as out:
        out.write(head)
        chunk = unit * max(1, (1 << 20) // len(unit))
        left = count
        per = (1 << 20) // len(unit)
        while left > 0:
            n = min(per, left)
            out.write(chunk if n == per else unit * n)
            left -= n
        out.write(tail)


def write_docx_bomb(path: Path, paragraphs: int = 6_000_000) -> Path:
    """Given a path, write a DOCX whose document.xml holds millions of paragraphs; return it."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", DOCX_TYPES)
        zf.writestr("_rels/.rels", DOCX_RELS)
        head = f'<?xml version="1.0"?><w:document xmlns:w="{W_NS}"><w:body>'.encode()
        unit = "<w:p><w:r><w:t>支出合计 100.00 万元</w:t></w:r></w:p>".encode()
        _stream_member(zf, "word/document.xml", head, unit, paragraphs, b"</w:body></w:document>")
    return path


def write_xlsx_rows(path: Path, rows: int = 1_000_000) -> Path:
    """Given a path, write an XLSX with one sheet of ``rows`` numeric rows; return it."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        zf.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        zf.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{ns}" xmlns:r="{rel}"><sheets>'
            '<sheet name="附表1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with zf.open(_deflated("xl/worksheets/sheet1.xml"), "w", force_zip64=True) as out:
            out.write(f'<?xml version="1.0"?><worksheet xmlns="{ns}"><sheetData>'.encode())
            buf = []
            for r in range(1, rows + 1):
                buf.append(
                    f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>1.5</v></c></row>'
                )
                if len(buf) == 10_000:
                    out.write("".join(buf).encode())
                    buf = []
            out.write(("".join(buf) + "</sheetData></worksheet>").encode())
    return path


def write_pdf_stream_bomb(path: Path, inflated_mb: int = 400) -> Path:
    """Given a path, write a one-page PDF whose content stream inflates to ``inflated_mb`` MB
    of drawing operators; return it."""
    op = b"0 0 m 1 1 l S\n"
    comp = zlib.compressobj(9)
    chunk = op * ((1 << 20) // len(op))
    parts = [comp.compress(chunk) for _ in range(inflated_mb)]
    parts.append(comp.flush())
    stream = b"".join(parts)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))
    return path
