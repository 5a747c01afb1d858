"""Reliability and safety of inputs and outputs: hostile files end in one line within the
limits, personal data is masked, downloads never carry a live formula, outside text is shown
as typed.  Bounded: every hostile file is written in about a second and refused early."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pandas as pd
import pytest

from dashboard_lib import access, export, safe
from etl import limits, privacy
from etl.model import InputError
from etl.readers import read_document
from tests.hostile_files import write_docx_bomb, write_pdf_stream_bomb, write_xlsx_rows

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "reports"


# ---------------------------------------------------------------- reader limits


@pytest.mark.parametrize(
    ("writer", "name", "setting"),
    [
        (write_docx_bomb, "bomb.docx", "JUESUAN_MAX_UNZIPPED_MB"),
        (write_xlsx_rows, "rows.xlsx", "JUESUAN_MAX_SHEET_ROWS"),
        (write_pdf_stream_bomb, "stream.pdf", "JUESUAN_MAX_PDF_STREAM_MB"),
    ],
)
def test_hostile_file_is_refused_in_one_line(tmp_path, writer, name, setting):
    path = writer(tmp_path / name)
    assert path.stat().st_size < 12 * 1024 * 1024  # small on disk, huge once read
    started = time.monotonic()
    with pytest.raises(InputError) as err:
        read_document(path)
    message = str(err.value)
    assert "\n" not in message and setting in message and "上限" in message
    assert time.monotonic() - started < 10  # refused early, not after reading it all


def test_pdf_stream_just_over_the_limit_is_inflated_and_refused(tmp_path, monkeypatch):
    # 2 MB of operators deflate to a few KB: their bound (x DEFLATE_MAX_RATIO) is over 1 MB,
    # so the stream is inflated and measured, and refused
    path = write_pdf_stream_bomb(tmp_path / "two.pdf", inflated_mb=2)
    monkeypatch.setenv("JUESUAN_MAX_PDF_STREAM_MB", "1")
    with pytest.raises(InputError, match="JUESUAN_MAX_PDF_STREAM_MB"):
        read_document(path)


def test_pdf_stream_limit_holds_when_qpdf_cannot_open_the_file(tmp_path, monkeypatch):
    # qpdf (pikepdf) measures the streams; a file it refuses is measured on pdfminer's pages
    import pikepdf

    def refuse(*_args, **_kwargs):
        raise pikepdf.PdfError("unreadable")

    path = write_pdf_stream_bomb(tmp_path / "two.pdf", inflated_mb=2)
    monkeypatch.setenv("JUESUAN_MAX_PDF_STREAM_MB", "1")
    monkeypatch.setattr(pikepdf, "open", refuse)
    assert limits.check_pdf_streams(path) is None  # not checked here ...
    with pytest.raises(InputError, match="PDF 第1页的内容流解压后.*JUESUAN_MAX_PDF_STREAM_MB"):
        read_document(path)  # ... but on pdfminer's pages
    monkeypatch.setenv("JUESUAN_MAX_PDF_STREAM_MB", "4")  # under the limit: read, and
    with pytest.raises(InputError, match="没有文字层"):  # refused only for having no text
        read_document(path)


class _ShortDocument:
    """A pdfium document that reads one page fewer than the file has (a page tree pdfium
    reads short)."""

    def __init__(self, document):
        self.document = document

    def __len__(self) -> int:
        return len(self.document) - 1

    def __getitem__(self, index: int):
        return self.document[index]

    def close(self) -> None:
        self.document.close()


def test_a_page_pdfium_does_not_find_is_read_by_pdfminer(monkeypatch):
    from etl.readers import pdfium

    sample = SAMPLES / "pdf" / "001_b0dd71e4c835dab5.pdf"
    whole = read_document(sample)
    opened = pdfium.open_document
    monkeypatch.setattr(pdfium, "open_document", lambda path: _ShortDocument(opened(path)))
    short = read_document(sample)
    assert short.pages == whole.pages == 22  # qpdf finds 22 pages, pdfium 21
    assert short.warnings == whole.warnings
    assert short.blocks == whole.blocks  # the last page, read by pdfminer, reads the same


def test_a_page_no_reader_can_read_is_named(monkeypatch):
    sample = SAMPLES / "pdf" / "001_b0dd71e4c835dab5.pdf"
    checked = limits.check_pdf_streams
    monkeypatch.setattr(limits, "check_pdf_streams", lambda path: checked(path) + 1)
    doc = read_document(sample)  # qpdf "finds" a 23rd page that pdfium and pdfminer lack
    assert doc.pages == 22
    assert "第23页无法读取（页面目录或页面内容损坏），未提取" in doc.warnings


def test_pdf_streams_are_measured_alike_by_qpdf_and_pdfminer(monkeypatch):
    # every page of a reference report: the same raw content streams either way
    import pdfplumber

    got: dict[str, list] = {"qpdf": [], "pdfminer": []}
    monkeypatch.setattr(
        limits,
        "_check_page_streams",
        lambda streams, number, _mb: got[side].append((number, streams)),
    )
    sample = SAMPLES / "pdf" / "001_b0dd71e4c835dab5.pdf"
    side = "qpdf"
    assert limits.check_pdf_streams(sample) == 22
    side = "pdfminer"
    with pdfplumber.open(sample) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            limits.check_pdf_page(page.page_obj, number)
    assert len(got["qpdf"]) == 22 and got["qpdf"] == got["pdfminer"]
    assert all(raw and deflated for _n, streams in got["qpdf"] for raw, deflated in streams)


def test_pdf_streams_that_cannot_reach_the_limit_are_not_inflated(monkeypatch):
    # a reference page's deflated content is far under 64 MB / DEFLATE_MAX_RATIO bytes
    inflated = []
    real = limits.inflated_size
    monkeypatch.setattr(
        limits, "inflated_size", lambda raw, limit: inflated.append(1) or real(raw, limit)
    )
    sample = SAMPLES / "pdf" / "004_8a99ebaca312e0ad.pdf"
    assert read_document(sample).pages == 49 and not inflated
    monkeypatch.setenv("JUESUAN_MAX_PDF_STREAM_MB", "1")  # now a page's bound is over it
    assert read_document(sample).pages == 49 and inflated


def test_zip_part_count_limit(tmp_path, monkeypatch):
    path = SAMPLES / "docx" / "000_49c7c66149f159f0.docx"
    monkeypatch.setenv("JUESUAN_MAX_ZIP_PARTS", "3")
    with pytest.raises(InputError, match="JUESUAN_MAX_ZIP_PARTS"):
        read_document(path)


def test_pdf_page_limit(monkeypatch):
    monkeypatch.setenv("JUESUAN_MAX_PDF_PAGES", "2")
    with pytest.raises(InputError, match="JUESUAN_MAX_PDF_PAGES"):
        read_document(SAMPLES / "pdf" / "000_49c7c66149f159f0.pdf")


def test_sheet_column_limit(monkeypatch):
    fixture = Path(__file__).parent / "fixtures" / "schedules" / "schedules.xlsx"
    monkeypatch.setenv("JUESUAN_MAX_SHEET_COLS", "2")
    with pytest.raises(InputError, match="JUESUAN_MAX_SHEET_COLS"):
        read_document(fixture)


def test_limits_leave_real_reports_alone():
    doc = read_document(SAMPLES / "pdf" / "000_49c7c66149f159f0.pdf")
    assert doc.pages and doc.blocks


def test_inflated_size_stops_past_the_limit():
    import zlib

    raw = zlib.compress(b"0" * (50 << 20))
    assert limits.inflated_size(raw, 1 << 20) <= (1 << 20) + limits.INFLATE_CHUNK
    assert limits.inflated_size(zlib.compress(b"abc"), 100) == 3


def test_worker_memory_setting(monkeypatch):
    from etl import settings

    monkeypatch.setenv("JUESUAN_WORKER_MEMORY_MB", "auto")
    auto = settings.worker_memory_mb(2)
    assert auto >= settings.WORKER_MEMORY_FLOOR_MB
    assert settings.worker_memory_mb(1) >= auto
    monkeypatch.setenv("JUESUAN_WORKER_MEMORY_MB", "0")
    assert settings.worker_memory_mb(2) == 0


# ---------------------------------------------------------------- personal data


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("联系人：王某，电话13812345678。", "联系人：王某，电话138****5678。"),
        ("手机 +86 138-1234-5678", "手机 138****5678"),
        ("咨询电话：0833-2345678", "咨询电话：0833-***5678"),
        ("（0571）87654321转801", "（0571）****4321转801"),
        ("联系电话：87654321", "联系电话：******21"),
        ("身份证号110101199003071234", "身份证号110***********1234"),
        ("邮箱 zhang.san@example.gov.cn。", "邮箱 z***@example.gov.cn。"),
    ],
)
def test_personal_data_is_masked(text, masked):
    assert privacy.mask_text(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "支出合计13812345678.00元",  # an amount in 元, not a phone
        "收入1,381,234.56万元，比2023年增长13.81%",
        "项目编码51113224T000011946988",
        "功能分类2080505，经济分类30101",
        "截至2024年12月31日，共有车辆3辆",
    ],
)
def test_figures_are_never_masked(text):
    assert privacy.mask_text(text) == text


# ---------------------------------------------------------------- downloads


def test_exports_neutralise_formulas():
    df = pd.DataFrame(
        {
            "=说明": ['=HYPERLINK("https://x.example","点此")', "+1+1", "@SUM(A1)", "\tx"],
            "金额": [1.5, -2.0, 3.0, 4.0],
            "文字": ["-12.50", "—", "-1+cmd|' /C calc'!A0", "普通文字"],
        }
    )
    text = export.csv_bytes(df).decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(text), keep_default_na=False)
    assert list(frame.columns)[0] == "'=说明"
    assert all(v.startswith("'") for v in frame["'=说明"])
    assert list(frame["文字"]) == ["-12.50", "—", "'-1+cmd|' /C calc'!A0", "普通文字"]
    assert list(frame["金额"]) == [1.5, -2.0, 3.0, 4.0]  # numbers stay numbers
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(export.excel_bytes({"表": df})))
    cells = [c.value for row in wb.active.iter_rows() for c in row]
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)
    assert all(c.data_type != "f" for row in wb.active.iter_rows() for c in row)


# ---------------------------------------------------------------- text from outside


def test_markdown_is_escaped_and_shortened():
    hostile = "[会话已过期，点此重新登录](https://evil.example) ![x](https://evil.example/a.png)"
    out = safe.md(hostile)
    assert "](" not in out and "\\[" in out and "\\!" in out and "https://" not in out
    assert safe.md(":red[**请致电**]").startswith("\\:red\\[\\*\\*")
    assert safe.visible("a\nb\x07\u202e") == "a\\nb\\x07\\u202e"
    short = safe.shorten("长" * 100_000)
    assert len(short) == safe.SHORT_CHARS and short.endswith("…")


def test_chart_text_keeps_our_tags_only():
    assert safe.chart_text('<a href="https://evil.example">登录</a><br><b>1</b>') == (
        '&lt;a href="https://evil.example">登录&lt;/a><br><b>1</b>'
    )


def test_hostile_query_params_are_dropped():
    class Params(dict):
        def get_all(self, key):
            return self[key]

    params = Params(unit=["x" * 100_000], region=["峨边"], kind=["a"] * 5000)
    notes = safe.clean_query_params(params, 200, 1000)
    assert set(params) == {"region"} and len(notes) == 2
    assert all(len(n) < 80 for n in notes)


def test_viewer_login_modes():
    assert access.mode({}) == "open"
    assert access.mode({"access": {"viewer_password": "s3cret"}}) == "password"
    assert access.mode({"auth": {"redirect_uri": "http://localhost:8501/oauth2callback"}}) == "oidc"
    assert access.password_ok("s3cret", "s3cret")
    assert not access.password_ok("s3cre", "s3cret") and not access.password_ok("", "")


# ---------------------------------------------------------------- first-run build


def test_first_build_runs_once_for_every_visitor(tmp_path, monkeypatch):
    import shutil
    import threading

    from dashboard_lib import data

    samples = tmp_path / "samples"
    samples.mkdir()
    shutil.copy(SAMPLES / "txt" / "000_49c7c66149f159f0.txt", samples)
    monkeypatch.setenv("JUESUAN_SAMPLES", str(samples))
    db = tmp_path / "finance.duckdb"
    monkeypatch.setattr(data, "_FIRST", data.FirstBuild())
    started: list[int] = []
    real_thread = threading.Thread

    def counting_thread(*args, **kwargs):
        if kwargs.get("name") == "first-build":
            started.append(1)
        return real_thread(*args, **kwargs)

    monkeypatch.setattr(threading, "Thread", counting_thread)
    seen = []
    visitors = [real_thread(target=lambda: seen.append(data.first_build(db))) for _ in range(8)]
    for v in visitors:
        v.start()
    for v in visitors:
        v.join()
    shown = seen[0]
    assert all(s is shown for s in seen) and started == [1]
    deadline = time.monotonic() + 120
    while shown.running and time.monotonic() < deadline:
        time.sleep(0.1)
    assert shown.finished and shown.ok, shown.message
    assert db.exists() and "1 份报告" in shown.message
    assert data.first_build(db) is shown and started == [1]  # never a second one


# ---------------------------------------------------------------- viewer login


def test_viewer_password_gates_every_page(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.dashboard_fixture import build_fixture

    db = build_fixture(tmp_path / "fixture.duckdb")
    monkeypatch.setenv("JUESUAN_DB", str(db))
    monkeypatch.setenv("JUESUAN_AUTOBUILD", "0")
    root = Path(__file__).resolve().parents[1]
    at = AppTest.from_file(str(root / "dashboard.py"), default_timeout=60)
    at.secrets["access"] = {"viewer_password": "s3cret"}
    at.run()
    assert [t.value for t in at.title] == ["决算看板"] and not at.dataframe
    at.text_input[0].input("wrong")
    at.button[0].click().run()
    assert at.error and not at.dataframe
    at.text_input[0].input("s3cret")
    at.button[0].click().run()
    assert not at.exception and [t.value for t in at.title] == ["总览"]


def test_exports_neutralise_frames_with_repeated_column_names():
    df = pd.DataFrame([["=1+1", 2.0, "@x"]], columns=["说明", "金额", "说明"])
    frame = pd.read_csv(io.StringIO(export.csv_bytes(df).decode("utf-8-sig")))
    assert list(frame.iloc[0]) == ["'=1+1", 2.0, "'@x"]
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(export.excel_bytes({"表": df})))
    assert [c.value for c in wb.active[2]] == ["'=1+1", 2, "'@x"]
