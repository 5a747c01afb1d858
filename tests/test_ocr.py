"""Scanned pages read by OCR: a few pages of real reports rasterised here (pypdfium2 + Pillow).

Values read by OCR must be confirmed before they are stored, and every stored one must be
the value the text layer gives; a PDF with text and scanned pages reads both; a .png page is
a report input.  The full evaluation (every reference page, 150/200 dpi, rotation, JPEG
noise) is bench/eval_ocr.py (`make ocr-eval`): too slow for the test suite.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from etl.extract import extract_report
from etl.extract.cells import amount, clean
from etl.extract.verify import confirmed_cells, consistent_sums
from etl.readers import read_document
from etl.readers.scan_layout import gray, skew_angle

ROOT = Path(__file__).resolve().parent
SCHEDULES = ROOT / "fixtures" / "schedules" / "schedules.pdf"
DEV_H04 = ROOT / "fixtures" / "dev" / "pdf" / "h04_fa628266f599e00b.pdf"
SCANNED = {2, 9}  # 1-based pages of schedules.pdf scanned here: 收入支出决算总表, 三公


def _render(path: Path, index: int, dpi: int = 200, angle: float = 0.0, jpeg: bool = False):
    """Given a PDF, a page index and distortions, return the page as a grey PIL image."""
    import pypdfium2
    from PIL import Image

    page = pypdfium2.PdfDocument(str(path))[index]
    im = page.render(scale=dpi / 72).to_pil().convert("L")
    if angle:
        im = im.rotate(angle, resample=Image.BILINEAR, fillcolor=255)
    if jpeg:
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=40)
        im = Image.open(buf).convert("L")
    return im


def _mixed_pdf(src: Path, dst: Path, scanned: set[int]) -> None:
    """Given a text PDF, write it with the given 1-based pages replaced by their scans."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(src))
    out = pypdfium2.PdfDocument.new()
    for i in range(len(doc)):
        if i + 1 not in scanned:
            out.import_pages(doc, [i])
            continue
        width, height = doc[i].get_size()
        image = pypdfium2.PdfImage.new(out)
        image.set_bitmap(pypdfium2.PdfBitmap.from_pil(_render(src, i, angle=1.0 if i % 2 else 0)))
        image.set_matrix(pypdfium2.PdfMatrix().scale(width, height))
        page = out.new_page(width, height)
        page.insert_obj(image)
        page.gen_content()
    out.save(str(dst))


@pytest.fixture(scope="module")
def text_report():
    """The schedules report read from its text layer."""
    return extract_report(read_document(SCHEDULES))


@pytest.fixture(scope="module")
def mixed(tmp_path_factory, text_report):
    """The schedules report with two table pages scanned (one turned by 1°), read."""
    path = tmp_path_factory.mktemp("ocr") / "mixed.pdf"
    _mixed_pdf(SCHEDULES, path, SCANNED)
    doc = read_document(path)
    return doc, extract_report(doc), path


def test_mixed_pdf_reads_text_and_scanned_pages(mixed, text_report):
    doc, report, _path = mixed
    assert set(doc.scanned) == SCANNED
    pages = {b.page for b in doc.blocks}
    assert SCANNED <= pages and {1, 3, 4} <= pages
    text_cells = [c for c in report.cells if c.page not in SCANNED]
    assert len(text_cells) == len([c for c in text_report.cells if c.page not in SCANNED])


def test_ocr_cells_stored_are_right_and_keep_box_and_confidence(mixed, text_report):
    _doc, report, _path = mixed
    truth = {(c.table, c.row_no, c.col_no): c for c in text_report.cells}
    ocr = [c for c in report.cells if c.page in SCANNED]
    assert len(ocr) >= 0.9 * len([c for c in text_report.cells if c.page in SCANNED])
    for c in ocr:
        want = truth[(c.table, c.row_no, c.col_no)]
        assert (c.value, c.row_label, c.column) == (want.value, want.row_label, want.column)
        if c.value is not None:
            x0, top, x1, bottom = (float(v) for v in c.ocr_box.split(","))
            assert 0 <= x0 < x1 and 0 <= top < bottom and 0.5 <= c.ocr_conf <= 1
    assert any("附表单元格" in w and "确认" in w for w in report.warnings)


def test_ocr_facts_stored_are_right(mixed, text_report):
    _doc, report, _path = mixed
    truth = {f.metric: f.value for f in text_report.facts}
    scanned = [f for f in report.facts if f.page in SCANNED]
    assert len(scanned) >= 0.9 * len([f for f in text_report.facts if f.page in SCANNED])
    assert all(abs(f.value - truth[f.metric]) <= 0.005 for f in scanned)


def test_source_crop_shows_the_figure(mixed):
    """The crop of a confirmed cell's box, rendered from the file, holds its printed figure."""
    import numpy as np

    from etl.readers.ocr import crop

    _doc, report, path = mixed
    cell = next(c for c in report.cells if c.ocr_box and c.value)
    image = crop(path, cell.page, cell.ocr_box)
    x0, top, x1, bottom = (float(v) for v in cell.ocr_box.split(","))
    assert abs(image.width - (x1 - x0 + 12) * 150 / 72) <= 3
    assert (np.asarray(image.convert("L")) < 128).sum() > 20  # ink: the figure is there


def test_arithmetic_rejects_a_misread_cell(text_report):
    """Nearly every cell of each standard table is confirmed by its arithmetic; any one cell
    misread (a digit, or the last decimal) is not."""
    keys = {c.table for c in text_report.cells}
    assert len(keys) >= 8
    for key in sorted(keys):
        cells = [c for c in text_report.cells if c.table == key]
        assert len(confirmed_cells(cells)) >= 0.9 * len(cells)
        for wrong in [c for c in cells if c.value]:
            value = wrong.value
            for delta in (10.0, 0.01):
                wrong.value = value + delta
                try:
                    assert id(wrong) not in confirmed_cells(cells), (key, wrong.row_label)
                finally:
                    wrong.value = value


def test_png_page_is_a_report_input(tmp_path):
    """The 三公 page of a dev report as a JPEG-noisy .png: its table reads as the text layer's."""
    path = tmp_path / "page.png"
    _render(DEV_H04, 9, jpeg=True).save(path, dpi=(200, 200))
    doc = read_document(path)
    assert doc.source_file == "page.png" and doc.pages == 1 and doc.scanned == {1: doc.scanned[1]}
    text = [b for b in read_document(DEV_H04).blocks if b.page == 10 and b.kind == "table"]
    scanned = [b for b in doc.blocks if b.kind == "table"]
    assert len(scanned) == len(text) == 1

    def numbers(block):
        return [[clean(c) for c in row] for row in block.rows if any(amount(clean(c)) for c in row)]

    assert numbers(scanned[0]) == numbers(text[0])


@pytest.mark.parametrize("angle", [-1.0, 1.0])
def test_skew_is_measured(angle):
    image = _render(SCHEDULES, 1, dpi=100, angle=angle)
    assert abs(skew_angle(gray(image)) + angle) <= 0.2


def test_prose_sums_confirm_and_reject():
    """A dev report's stated totals and parts add up; any one figure misread (by 1, 10 or
    0.01) is no longer confirmed."""
    facts = extract_report(read_document(DEV_H04)).facts
    sums = consistent_sums(facts)
    assert {"sangong.total", "sangong.vehicle", "vehicles.total", "vehicles.suv"} <= sums
    for fact in facts:
        value = fact.value
        for delta in (1.0, 10.0, 0.01):
            fact.value = value + delta
            try:
                assert fact.metric not in consistent_sums(facts), fact.metric
            finally:
                fact.value = value


def test_build_stores_ocr_cells_and_sources_page_shows_the_crop(mixed, tmp_path, monkeypatch):
    """The mixed PDF built into a warehouse: OCR cells keep box and confidence, the build
    output names the counts, and 数据与来源 lists them and shows a crop."""
    import duckdb
    from streamlit.testing.v1 import AppTest

    from etl.build import build

    _doc, _report, path = mixed
    db = tmp_path / "ocr.duckdb"
    lines: list[str] = []
    said: list[str] = []  # what the progress line showed while the file was parsed
    build([path], db, jobs=1, log=lines.append, on_progress=lambda p: said.append(p.activity))
    assert any("附表单元格" in line and "确认" in line for line in lines)
    # the progress line says when, and which page, it is OCR-ing; the note ends with the file
    assert [f"mixed.pdf：第{n}页无文字层，OCR 识别中" for n in sorted(SCANNED)] == [
        a for a in dict.fromkeys(said) if a
    ]
    assert said[-1] == ""
    con = duckdb.connect(str(db), read_only=True)
    try:
        n_ocr, n_conf, no_box = con.execute(
            "SELECT count(*) FILTER (ocr_box <> ''), count(ocr_conf),"
            " count(*) FILTER (value IS NOT NULL AND ocr_box = '' AND page IN (2, 9))"
            " FROM raw_cells"
        ).fetchone()
    finally:
        con.close()
    assert n_ocr >= 20 and n_conf == n_ocr and no_box == 0
    monkeypatch.setenv("JUESUAN_DB", str(db))
    monkeypatch.setenv("JUESUAN_AUTOBUILD", "0")
    at = AppTest.from_file(str(ROOT.parent / "dashboard.py"), default_timeout=60)
    at.context = {"url": "http://localhost:8501/"}
    at.query_params = {"src_tab": "lineage"}  # the OCR readings are under 数据出处
    at.switch_page("pages/sources.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("扫描页 OCR 读数" in e.label for e in at.expander)
    assert any("置信度" in d.value.columns for d in at.dataframe)
    assert not [c.value for c in at.caption if "无法显示截图" in c.value]
    assert len(at.get("imgs") + at.get("image")) == 1
    # the shown crop rides in the copied link by a short id of its cell, not by its label
    link = [c.value for c in at.sidebar.code][0]
    assert re.search(r"[?&]src_ocr_crop=[0-9a-f]{12}(&|$)", link), link


def test_scanned_pages_past_the_time_limit_are_named_not_read(mixed, monkeypatch):
    """Under a parse time limit too short for one more page, OCR stops and says which pages."""
    _doc, _report, path = mixed
    monkeypatch.setenv("JUESUAN_TIMEOUT", "1")
    doc = read_document(path)
    assert doc.scanned == {}
    assert [w for w in doc.warnings if "超出解析时限" in w] == [
        f"第{n}页为扫描页，OCR 识别将超出解析时限（设置 timeout），未识别" for n in sorted(SCANNED)
    ]
    assert {1, 3, 4} <= {b.page for b in doc.blocks}  # the text pages are read all the same
