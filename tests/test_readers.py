"""Tests for etl.readers: the same five reports as text, DOCX and PDF must read alike."""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest

from etl.model import InputError
from etl.readers import MAX_FILE_BYTES, read_document

REPO = Path(__file__).resolve().parents[1]
REPORTS = REPO / "samples" / "reports"
BAD = Path(__file__).resolve().parent / "fixtures" / "bad"
MESSY = Path(__file__).resolve().parent / "fixtures" / "messy"
STEMS = sorted(p.stem for p in (REPORTS / "txt").glob("*.txt"))

# Paragraphs the PDF may legitimately render differently: tab-separated chart data lines
# wrap at tab stops, so their wrapped parts start indented and read as new paragraphs.
TAB_LINE = re.compile(r"\S\t\S")


def squash(text: str) -> str:
    """Given text, return it with all whitespace removed."""
    return re.sub(r"\s+", "", text)


def norm(text: str) -> str:
    """Given text, return it with whitespace runs collapsed to one space."""
    return re.sub(r"\s+", " ", text).strip()


def tables(doc, fn=norm):
    """Given a parsed document, return its tables as lists of normalised rows."""
    return [[[fn(c) for c in row] for row in b.rows] for b in doc.blocks if b.kind == "table"]


def paragraphs(doc, fn=norm):
    """Given a parsed document, return its normalised paragraph texts."""
    return [fn(b.text) for b in doc.blocks if b.kind == "p"]


@pytest.fixture(scope="module")
def docs():
    """Given nothing, return a cache of parsed sample documents keyed by (stem, fmt)."""
    cache = {}

    def get(stem, fmt):
        if (stem, fmt) not in cache:
            cache[stem, fmt] = read_document(REPORTS / fmt / f"{stem}.{fmt}")
        return cache[stem, fmt]

    return get


def test_samples_present():
    assert len(STEMS) == 5
    for stem in STEMS:
        for fmt in ("docx", "pdf"):
            assert (REPORTS / fmt / f"{stem}.{fmt}").is_file()


# ---------------------------------------------------------------- text vs DOCX


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_docx_matches_text(docs, stem):
    txt, docx = docs(stem, "txt"), docs(stem, "docx")
    assert txt.fmt == "txt" and docx.fmt == "docx"
    assert [b.kind for b in docx.blocks] == [b.kind for b in txt.blocks]
    assert paragraphs(docx) == paragraphs(txt)
    t_tables, d_tables = tables(txt), tables(docx)
    assert [(len(t), [len(r) for r in t]) for t in d_tables] == [
        (len(t), [len(r) for r in t]) for t in t_tables
    ]
    assert d_tables == t_tables
    assert docx.warnings == txt.warnings  # reviewer remarks, from Word comments / text markers


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_text_block_indexes(docs, stem):
    doc = docs(stem, "txt")
    for kind in ("p", "table"):
        # ordinals as in the file: strictly increasing, gaps only where contents lines went
        got = [b.index for b in doc.blocks if b.kind == kind]
        assert not got or (got[0] == 1 and all(a < b for a, b in zip(got, got[1:], strict=False)))
    assert all(b.page is None for b in doc.blocks)
    assert all(b.text == b.text.strip() and b.text for b in doc.blocks if b.kind == "p")
    assert not any("[bookmark:" in b.text or "[image:" in b.text for b in doc.blocks)
    assert not any("Comment by" in b.text for b in doc.blocks)


@pytest.mark.slow
def test_review_comments_are_counted_not_shown(docs):
    doc = docs("000_49c7c66149f159f0", "txt")
    notes = [w for w in doc.warnings if "审阅批注" in w]
    assert notes and all("wyh" not in w and "欠整体" not in w for w in notes)
    assert not any("欠整体自评表" in b.text for b in doc.blocks)
    assert "（四）预算绩效管理情况" in paragraphs(doc)


@pytest.mark.slow
def test_text_title_row_kept_once_and_rows_padded(docs):
    first = docs("000_49c7c66149f159f0", "txt").blocks
    table = next(b for b in first if b.kind == "table")
    assert table.rows[0] == ("部门整体支出绩效自评打分表",)
    assert {len(r) for r in table.rows[1:]} == {12}
    assert table.text.split("\n")[0] == "部门整体支出绩效自评打分表"


# ---------------------------------------------------------------- PDF vs text


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_pdf_page_count(docs, stem):
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(REPORTS / "pdf" / f"{stem}.pdf"))
    try:
        expected = len(pdf)
    finally:
        pdf.close()
    doc = docs(stem, "pdf")
    assert doc.fmt == "pdf" and doc.pages == expected
    assert all(1 <= b.page <= expected for b in doc.blocks)
    pages = [b.page for b in doc.blocks]
    assert pages == sorted(pages)
    assert doc.warnings == []


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_pdf_paragraphs_match_text(docs, stem):
    txt, pdf = docs(stem, "txt"), docs(stem, "pdf")
    pdf_paras = set(paragraphs(pdf, squash))
    plain = [squash(b.text) for b in txt.blocks if b.kind == "p" and not TAB_LINE.search(b.text)]
    missing = [p for p in plain if p not in pdf_paras]
    assert missing == []  # every ordinary paragraph comes out whole, not split or merged
    every = paragraphs(txt, squash)
    found = sum(p in pdf_paras for p in every)
    assert found / len(every) >= 0.98


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_pdf_tables_match_text(docs, stem):
    txt, pdf = docs(stem, "txt"), docs(stem, "pdf")
    # shapes and cells exactly, once page-broken tables and rows are joined again
    assert tables(pdf, squash) == tables(txt, squash)
    for kind in ("p", "table"):
        got = [b.index for b in pdf.blocks if b.kind == kind]
        assert not got or (got[0] == 1 and all(a < b for a, b in zip(got, got[1:], strict=False)))


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_pdf_block_order_matches_text(docs, stem):
    txt, pdf = docs(stem, "txt"), docs(stem, "pdf")
    a = [(b.kind, squash(b.text)) for b in txt.blocks]
    b = [(x.kind, squash(x.text)) for x in pdf.blocks]
    assert difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.98


@pytest.mark.slow
def test_pdf_sentence_comes_out_whole(docs):
    doc = docs("002_bf967062ffb9ca21", "pdf")
    hits = [b for b in doc.blocks if "2024年度收、支总计均为863.44万元。" in squash(b.text)]
    assert len(hits) == 1 and hits[0].kind == "p"
    assert squash(hits[0].text).startswith("2024年度收、支总计均为863.44万元。与2023年度相比")
    assert hits[0].loc == f"第{hits[0].page}页"


@pytest.mark.slow
def test_pdf_page_numbers_of_blocks(docs):
    import pdfplumber

    doc = docs("001_b0dd71e4c835dab5", "pdf")
    assert [b.page for b in doc.blocks if b.kind == "table"] == [8, 14, 16, 17, 17, 17, 18, 20, 21]
    with pdfplumber.open(REPORTS / "pdf" / "001_b0dd71e4c835dab5.pdf") as pdf:
        page_text = {i + 1: squash(p.extract_text()) for i, p in enumerate(pdf.pages)}
    for block in doc.blocks:
        if block.kind == "p":
            assert squash(block.text)[:12] in page_text[block.page]


@pytest.mark.slow
def test_pdf_merged_title_cell_given_once(docs):
    doc = docs("000_49c7c66149f159f0", "pdf")
    table = next(b for b in doc.blocks if b.kind == "table")
    assert table.page == 12
    assert [squash(c) for c in table.rows[0]] == ["部门整体支出绩效自评打分表"]
    assert len(table.rows) == 18  # 16 page fragments and 14 page-cut rows joined again


def test_pdf_reflow_and_page_numbers(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    words = (
        "The department spent its whole budget on the programmes it had planned "
        "for the year and reported the results to the finance bureau in time "
    ).split() * 3
    left, size = 72, 11
    right = A4[0] - left  # symmetric margins, as Word sets them

    def wrap(ws):
        lines, cur = [], ""
        for w in ws:
            trial = f"{cur} {w}".strip()
            if cur and left + stringWidth(trial, "Helvetica", size) > right:
                lines.append(cur)
                cur = w
            else:
                cur = trial
        return lines + [cur]

    para1, para2 = wrap(words), wrap(words[:9])
    path = tmp_path / "reflow.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    y = 760
    for number, lines in ((1, para1[:3]), (2, para1[3:] + [""] + para2)):
        c.setFont("Helvetica", size)
        for line in lines:
            if line:
                c.drawString(left, y, line)
            y -= 14 if line else 10
        c.drawString(A4[0] / 2, 30, str(number))  # page number in the footer
        c.showPage()
        y = 760
    c.save()
    doc = read_document(path)
    assert doc.pages == 2
    assert [b.text for b in doc.blocks] == [" ".join(para1), " ".join(para2)]
    assert [b.page for b in doc.blocks] == [1, 2]


# ---------------------------------------------------------------- DOCX structure


def test_docx_merged_and_nested_cells(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("  前言  ")
    document.add_paragraph("")
    table = document.add_table(rows=3, cols=3)
    for r in range(3):
        for c in range(3):
            table.cell(r, c).text = f"r{r}c{c}"
    table.cell(0, 0).merge(table.cell(0, 2)).text = "标题"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "纵向"
    table.cell(1, 2).add_table(rows=1, cols=2).cell(0, 1).text = "内表"
    document.add_paragraph("结尾")
    path = tmp_path / "merged.docx"
    document.save(path)
    doc = read_document(path)
    assert [b.kind for b in doc.blocks] == ["p", "table", "p"]
    assert doc.blocks[0].text == "前言" and doc.blocks[2].index == 2
    rows = doc.blocks[1].rows
    assert rows[0] == ("标题",)
    assert rows[1][0] == "纵向" and rows[2][0] == ""
    assert rows[1][1] == "r1c1" and rows[2][1:] == ("r2c1", "r2c2")
    assert rows[1][2] == "r1c2\n内表"


# ---------------------------------------------------------------- text decoding


def test_text_encodings(tmp_path):
    body = "第一部分 部门概况\n\n\t项目\n\t金额\n（万元）\n\n\t1\n\t863.44\n\n\n2024年度收、支总计均为863.44万元。\n"
    utf8 = tmp_path / "a.txt"
    utf8.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    gbk = tmp_path / "b.md"
    gbk.write_bytes(body.encode("gb18030"))
    a, b = read_document(utf8), read_document(gbk)
    assert [x.text for x in a.blocks] == [x.text for x in b.blocks]
    assert a.blocks[0].text == "第一部分 部门概况"
    assert a.blocks[1].rows == (("项目", "金额\n（万元）"), ("1", "863.44"))
    # places: the heading above and the opening words (Word and editors show no ordinals)
    assert a.blocks[2].loc == "第一部分 部门概况 · “2024年度收、支总计均…”"
    assert a.blocks[1].loc == "第一部分 部门概况 · 表格“项目 金额 （万元） 1…”"


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.txt", "文件为空（0 字节）"),
        ("empty.pdf", "文件为空（0 字节）"),
        ("blank.txt", "文件没有文字内容"),
        ("binary.txt", "文件不是文本格式（含二进制内容）"),
        ("random.pdf", "PDF 文件已损坏或不是 PDF 文件（缺少 PDF 文件头）"),
        ("truncated.pdf", "PDF 文件不完整（可能下载或复制时被截断）"),
        ("random.docx", "DOCX 文件已损坏或不是 Word 文件（不是有效的 zip 包）"),
        ("truncated.docx", "DOCX 文件已损坏或不是 Word 文件（不是有效的 zip 包）"),
        ("ole.docx", "文件实为旧版 Word（.doc）格式或已加密，请另存为未加密的 .docx"),
        ("encrypted.pdf", "PDF 已加密，无法读取"),
        ("scanned.pdf", "PDF 没有文字层（可能是扫描件），OCR 也未识别出文字"),
        ("table.xls", "XLS 文件已损坏或已加密，无法读取（CompDocError）"),
    ],
)
def test_bad_input(name, message):
    with pytest.raises(InputError) as info:
        read_document(BAD / name)
    assert str(info.value) == message
    assert "\n" not in str(info.value)


def test_a_failure_inside_a_page_names_its_own_type(monkeypatch):
    # an exception raised while reading a page (not pdfplumber's wrapper of a pdfminer
    # error, whose first argument is the error) is named by its type, not its message's
    from etl.readers import pdf

    def fail(page, number):
        raise KeyError("/Resources")

    monkeypatch.setattr(pdf, "_read_page", fail)
    report = min((BAD.parents[2] / "samples" / "reports" / "pdf").glob("*.pdf"))
    with pytest.raises(InputError) as info:
        read_document(report)
    assert str(info.value) == "PDF 文件已损坏，无法读取（KeyError）"


def test_partly_scanned_pdf_warns():
    doc = read_document(BAD / "partly_scanned.pdf")
    assert doc.pages == 3
    assert doc.warnings == ["第2页没有文字层（可能是扫描页），未提取文字"]
    assert [b.page for b in doc.blocks] == [1, 3]


def test_image_only_page_among_text_pages_is_reported(tmp_path):
    """A scanned page holding only an image (no drawn shapes): its text pages are read."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    ppm = tmp_path / "scan.ppm"
    ppm.write_bytes(b"P6 2 2 255\n" + bytes([90, 90, 90] * 4))
    path = tmp_path / "mixed.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    for kind in ("text", "image", "image", "text"):
        if kind == "text":
            c.setFont("Helvetica", 12)
            c.drawString(72, 760, "Total income 863.44 and expenditure 863.44 in 2024.")
        else:
            c.drawInlineImage(str(ppm), 0, 0, A4[0], A4[1])
        c.showPage()
    c.save()
    doc = read_document(path)
    assert doc.pages == 4
    assert doc.warnings == ["第2、3页没有文字层（可能是扫描页），未提取文字"]
    assert [(b.page, b.text) for b in doc.blocks] == [
        (1, "Total income 863.44 and expenditure 863.44 in 2024."),
        (4, "Total income 863.44 and expenditure 863.44 in 2024."),
    ]


def test_legacy_file_with_a_wrong_header(tmp_path):
    path = tmp_path / "报告.WPS"
    path.write_bytes(b"x")
    with pytest.raises(InputError, match=r"^文件已损坏或不是 \.wps 文件（文件头不符）$"):
        read_document(path)


# ---------------------------------------------------------------- .doc / .wps via LibreOffice


def _need_soffice():
    """Given nothing, skip the test when LibreOffice is missing (fail instead on CI)."""
    from etl.readers.convert import find_soffice

    if find_soffice() is None:
        if os.environ.get("JUESUAN_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required here but not on PATH")
        pytest.skip("LibreOffice 未安装（.ci/run 会安装）")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "stem"),
    [("report.doc", "002_bf967062ffb9ca21"), ("report.wps", "003_bf88f83d7370706c")],
)
def test_legacy_word_reads_like_its_docx(name, stem):
    _need_soffice()
    original = read_document(REPORTS / "docx" / f"{stem}.docx")
    doc = read_document(MESSY / name)
    assert doc.source_file == name and doc.fmt == "docx"
    assert paragraphs(doc) == paragraphs(original)
    assert tables(doc) == tables(original)


def test_legacy_word_without_libreoffice(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice anywhere on PATH
    with pytest.raises(InputError) as info:
        read_document(MESSY / "report.doc")
    assert str(info.value) == (
        ".doc 文件需要 LibreOffice 转换，但本机未安装 LibreOffice；"
        "请安装 LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer-nogui）或另存为 .docx"
    )


def _fake_soffice(folder: Path, body: str) -> None:
    """Given a folder and a shell script body, put a fake soffice there."""
    script = folder / "soffice"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(0o755)


def test_legacy_conversion_times_out(tmp_path, monkeypatch):
    from etl.readers import convert

    _fake_soffice(tmp_path, "sleep 30")
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    monkeypatch.setattr(convert, "CONVERT_TIMEOUT_S", 0.5)
    with pytest.raises(InputError, match=r"^LibreOffice 转换超时（超过 0.5 秒）$"):
        read_document(MESSY / "report.wps")


def test_legacy_conversion_ends_within_the_build_file_time_limit(tmp_path, monkeypatch):
    _fake_soffice(tmp_path, "sleep 30")
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    monkeypatch.setenv("JUESUAN_TIMEOUT", "1")  # the build kills a parse after 1 s
    with pytest.raises(InputError, match=r"^LibreOffice 转换超时（超过 0.8 秒）$"):
        read_document(MESSY / "report.doc")


def test_legacy_conversion_without_output(tmp_path, monkeypatch):
    _fake_soffice(tmp_path, "exit 0")
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    with pytest.raises(
        InputError, match=r"^LibreOffice 无法转换该 \.doc 文件（可能已损坏或加密）$"
    ):
        read_document(BAD / "legacy.doc")


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="^文件不存在$"):
        read_document(tmp_path / "nope.pdf")


def test_too_large_checked_before_reading(tmp_path):
    path = tmp_path / "huge.pdf"
    with path.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk space used, nothing read
    with pytest.raises(InputError, match=r"^文件过大（\d+ MB，上限 200 MB）$"):
        read_document(path)


def test_damaged_zip_inside_docx(tmp_path):
    import zipfile

    path = tmp_path / "nodoc.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "not a word document")
    with pytest.raises(InputError, match=r"^DOCX 文件已损坏，无法读取（.+）$"):
        read_document(path)


# ---------------------------------------------------------------- PDF engines


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_pdfium_pages_read_like_pdfminer_pages(docs, stem, monkeypatch):
    """Pages go through pdfium for speed; they must read as through pdfplumber (pdfminer)."""
    from etl.readers import pdfium

    fast = docs(stem, "pdf")
    monkeypatch.setattr(pdfium, "open_document", lambda path: None)
    slow = read_document(REPORTS / "pdf" / f"{stem}.pdf")
    # the same blocks on the same pages; spaces may differ (pdfium infers some itself)
    assert [(b.kind, b.page, squash(b.text)) for b in fast.blocks] == [
        (b.kind, b.page, squash(b.text)) for b in slow.blocks
    ]
    assert fast.warnings == slow.warnings == []


def test_pdfium_failure_on_a_page_falls_back_to_pdfplumber(monkeypatch):
    from etl.readers import pdfium

    expected = read_document(MESSY / "displaced.pdf")

    def broken(*args):
        raise RuntimeError("pdfium could not read this page")

    monkeypatch.setattr(pdfium, "fast_page", broken)
    doc = read_document(MESSY / "displaced.pdf")
    assert [b.text for b in doc.blocks] == [b.text for b in expected.blocks]
    assert doc.warnings == expected.warnings == []
