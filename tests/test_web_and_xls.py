"""More publication forms: saved web pages (.html/.htm, GBK or UTF-8) and legacy .xls 附表."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from etl.extract import extract_report
from etl.readers import read_document

ROOT = Path(__file__).resolve().parents[1]
DOCX = ROOT / "samples" / "reports" / "docx" / "000_49c7c66149f159f0.docx"
SCHEDULES = ROOT / "tests" / "fixtures" / "schedules"
WRAP_SPANS = 3  # spans per line of markup: the line breaks fall inside sentences and numbers' runs


def _page(doc, charset: str, layout: bool = False) -> str:
    """Given a parsed document, return it as a web page a site would publish (laid out in a
    table, as older government sites do, when layout)."""
    out = [
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">',
        "<script>var x = '本年收入合计999万元';</script><style>p{}</style></head><body>",
        "<nav>首页 &gt; 信息公开 &gt; 部门决算</nav><div class='content'>",
    ]
    if layout:
        out.append("<table width='980'><tr><td><a href='/'>首页</a></td></tr><tr><td>")
        out.append("发布时间：<b>2025-09-23</b> 来源：区委办")
    for b in doc.blocks:
        if b.kind == "p":
            out.append(f"<p>{_wrapped(b.text)}</p>")
        else:
            out.append('<table border="1">')
            for row in b.rows:
                cells = "".join(
                    "<td>" + "<br>".join(html.escape(x) for x in c.split("\n")) + "</td>"
                    for c in row
                )
                out.append(f"<tr>{cells}</tr>")
            out.append("</table>")
    if layout:
        out.append("</td></tr></table>")
    out.append("</div><footer>版权所有 联系电话 010-12345678</footer></body></html>")
    return "\n".join(out)


def _wrapped(text: str) -> str:
    """Given a paragraph, return it marked up as Word, WPS and LibreOffice save it: numbers and
    words in their own spans, the markup's lines wrapped inside sentences."""
    spans = [
        f"<font face='宋体'>{html.escape(part)}</font>" if not part[0].isdigit() else part
        for part in re.split(r"(\d[\d.,%]*)", text)
        if part
    ]
    return "\n".join("".join(spans[i : i + WRAP_SPANS]) for i in range(0, len(spans), WRAP_SPANS))


def _tables(doc) -> list[list[list[str]]]:
    """Given a document, return its table cells without whitespace (a page collapses it)."""
    return [
        [[re.sub(r"\s+", "", c) for c in row] for row in b.rows]
        for b in doc.blocks
        if b.kind == "table"
    ]


@pytest.mark.parametrize(("charset", "layout"), [("gbk", False), ("utf-8", False), ("gbk", True)])
def test_a_saved_web_page_reads_the_same_facts_as_the_word_file(tmp_path, charset, layout):
    doc = read_document(DOCX)
    page = tmp_path / "report.html"
    markup = _page(doc, charset, layout)
    page.write_bytes(markup.encode("gb18030" if charset == "gbk" else charset))
    web = read_document(page)
    if layout:
        assert "发布时间：2025-09-23 来源：区委办" in [b.text for b in web.blocks]
    assert web.fmt == "html"
    assert not any("999万元" in b.text or "版权所有" in b.text for b in web.blocks)
    assert _tables(web) == _tables(doc)
    want = {f.metric: f.value for f in extract_report(doc).facts}
    assert {f.metric: f.value for f in extract_report(web).facts} == want


def test_web_table_spans_are_given_once_and_left_empty_below(tmp_path):
    page = tmp_path / "t.htm"
    page.write_text(
        "<html><body><p>收入支出决算总表</p><table>"
        "<tr><td colspan='2'>收入</td><td rowspan='2'>合计</td></tr>"
        "<tr><td>项目</td><td>决算数</td></tr>"
        "<tr><td>本年收入合计</td><td>1,230.10</td><td>1230.10</td></tr>"
        "</table></body></html>",
        encoding="utf-8",
    )
    [table] = [b for b in read_document(page).blocks if b.kind == "table"]
    assert table.rows == (
        ("收入", "合计"),
        ("项目", "决算数", ""),
        ("本年收入合计", "1,230.10", "1230.10"),
    )


def test_an_xls_workbook_reads_like_its_xlsx_twin():
    xls, xlsx = (
        read_document(SCHEDULES / "schedules.xls"),
        read_document(SCHEDULES / "schedules.xlsx"),
    )
    assert xls.fmt == "xlsx"
    assert [b.kind for b in xls.blocks] == [b.kind for b in xlsx.blocks]

    def values(doc):
        return {(f.metric, round(f.value, 2)) for f in extract_report(doc).facts}

    assert values(xls) == values(xlsx)
    assert len(values(xls)) >= 20


@pytest.mark.slow
def test_a_page_saved_by_an_office_suite_in_gbk_reads_the_same_facts(tmp_path):
    from etl.readers.convert import find_soffice

    soffice = find_soffice()
    if soffice is None:
        if os.environ.get("JUESUAN_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required here but not on PATH")
        pytest.skip("LibreOffice 未安装（.ci/run 会安装）")
    source = tmp_path / "report.docx"
    shutil.copyfile(ROOT / "samples" / "reports" / "docx" / "002_bf967062ffb9ca21.docx", source)
    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless"]
        + ["--convert-to", "html", "--outdir", str(tmp_path), str(source)],
        env=dict(os.environ, HOME=str(tmp_path)),
        capture_output=True,
        timeout=120,
        check=True,
    )
    saved = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "charset=utf-8" in saved and "\n</font>863.44" in saved  # lines wrap inside sentences
    page = tmp_path / "report.htm"
    page.write_bytes(saved.replace("charset=utf-8", "charset=gb2312").encode("gb18030"))
    web, word = read_document(page), read_document(source)
    assert [b.text for b in web.blocks if b.kind == "p"] == [
        b.text for b in word.blocks if b.kind == "p"
    ]
    assert extract_report(web).facts and {f.metric: f.value for f in extract_report(web).facts} == {
        f.metric: f.value for f in extract_report(word).facts
    }


def _formats_xlsx(path: Path) -> None:
    """Given a path, write there the workbook formats.xls holds, as openpyxl writes .xlsx."""
    import sys

    import openpyxl

    sys.path.insert(0, str(SCHEDULES))
    from make_xls import FORMATS_ROWS

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效"
    ws.append(["项目支出绩效自评表"])
    ws.merge_cells("A1:E1")
    ws.append(["项目", "预算数", "执行数", "执行率", "日期"])
    for row in FORMATS_ROWS:
        ws.append(list(row))
        for col, fmt in zip("BCDE", ("0.00", "#,##0.00", "0.00%", "yyyy-mm-dd"), strict=True):
            ws[f"{col}{ws.max_row}"].number_format = fmt
    hidden = wb.create_sheet("隐藏")
    hidden["A1"] = "不应读取"
    hidden.sheet_state = "hidden"
    wb.save(path)


def test_xls_cells_read_as_the_sheet_shows_them_like_xlsx(tmp_path):
    xlsx = tmp_path / "formats.xlsx"
    _formats_xlsx(xlsx)
    xls, want = read_document(SCHEDULES / "formats.xls"), read_document(xlsx)
    [table] = [b for b in xls.blocks if b.kind == "table"]
    assert table.rows[1] == ("信创项目", "0.74", "0.70", "94.59%", "2024-12-31")  # not 0.9459
    assert [(b.kind, b.text) for b in xls.blocks] == [
        (b.kind, b.text.replace("T00:00:00", "")) for b in want.blocks
    ]
    assert xls.warnings == want.warnings == ["隐藏的工作表“隐藏”未读取"]


def test_files_named_xls_are_read_as_what_they_are(tmp_path):
    renamed = tmp_path / "workbook.xls"
    shutil.copyfile(SCHEDULES / "schedules.xlsx", renamed)
    xlsx = read_document(SCHEDULES / "schedules.xlsx")
    assert [b.rows for b in read_document(renamed).blocks] == [b.rows for b in xlsx.blocks]
    page = tmp_path / "export.xls"  # download systems save an HTML table as .xls
    page.write_bytes(
        "<html><head><meta charset='gbk'></head><body><table><tr><td>项目</td><td>执行率</td>"
        "</tr><tr><td>信创项目</td><td>94.59%</td></tr></table></body></html>".encode("gbk")
    )
    [table] = read_document(page).blocks
    assert table.rows == (("项目", "执行率"), ("信创项目", "94.59%"))


@pytest.mark.parametrize(
    ("declared", "encoding", "traditional"),
    [
        ("big5", "cp950", True),  # a traditional-character copy on a Big5 site
        ("gb2312", "utf-8", False),  # saved again as UTF-8, still declaring GB2312
        ("utf-8", "utf-16", False),  # saved as "Unicode" (UTF-16 with a byte-order mark)
    ],
)
def test_web_page_encodings_read_the_same_facts(tmp_path, declared, encoding, traditional):
    import opencc

    doc = read_document(DOCX)
    markup = _page(doc, declared)
    if traditional:
        markup = opencc.OpenCC("s2t").convert(markup)
    page = tmp_path / "report.htm"
    # characters the encoding lacks (≥ in Big5) are written as &#NNNN; as browsers save them
    page.write_bytes(markup.encode(encoding, errors="xmlcharrefreplace"))
    web = read_document(page)
    assert any("繁体字" in w for w in web.warnings) == traditional
    want = {f.metric: f.value for f in extract_report(doc).facts}
    assert {f.metric: f.value for f in extract_report(web).facts} == want
