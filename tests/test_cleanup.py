"""Copies of reports: traditional characters, Word field codes and contents lines."""

from __future__ import annotations

from pathlib import Path

import opencc

from etl.extract import extract_report
from etl.readers import read_document

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_TXT = ROOT / "samples" / "reports" / "txt" / "002_bf967062ffb9ca21.txt"


def _facts(path: Path) -> dict[str, float]:
    return {f.metric: f.value for f in extract_report(read_document(path)).facts}


def test_a_report_in_traditional_characters_reads_the_same_facts(tmp_path):
    text = REFERENCE_TXT.read_text(encoding="utf-8")
    traditional = opencc.OpenCC("s2t").convert(text).replace("“", "「").replace("”", "」")
    assert "決算" in traditional and "「三公」" in traditional
    copy = tmp_path / "copy.txt"
    copy.write_text(traditional, encoding="utf-8")
    assert _facts(copy) == _facts(REFERENCE_TXT)
    doc = read_document(copy)
    assert any("繁体字" in w for w in doc.warnings)
    assert not any("繁体字" in w for w in read_document(REFERENCE_TXT).warnings)


def test_field_codes_and_contents_lines_are_not_read(tmp_path):
    body = REFERENCE_TXT.read_text(encoding="utf-8")
    noisy = (
        'TOC \\o "1-3" \\h \\z \\u\n'
        "目录\n"
        "第一部分 部门概况\t4\n"
        "一、收入支出决算总体情况说明……………………7-8\n"
        "二、收入决算情况说明 PAGEREF _Toc15377197 \\h 9\n"
        "八、政府性基金预算支出决算情况说明16\n" + body  # a PDF glues the page on
    )
    copy = tmp_path / "noisy.txt"
    copy.write_text(noisy, encoding="utf-8")
    doc = read_document(copy)
    texts = [b.text for b in doc.blocks if b.kind == "p"]
    assert not any("PAGEREF" in t or "TOC \\o" in t for t in texts)
    assert not any(t.startswith("一、收入支出决算总体情况说明……") for t in texts)
    assert "第一部分 部门概况\t4" not in texts
    assert "八、政府性基金预算支出决算情况说明16" not in texts
    assert _facts(copy) == _facts(REFERENCE_TXT)


def test_a_section_named_only_in_the_contents_is_not_found(tmp_path):
    report = (
        "中共双牌县委办公室\n2024年度部门决算\n目录\n"
        "一、收入支出决算总体情况说明……3\n二、收入决算情况说明……4\n"
        "第二部分 2024年度部门决算情况说明\n一、收入支出决算总体情况说明\n"
        "2024年度收、支总计均为863.44万元。\n"
    )
    path = tmp_path / "short.txt"
    path.write_text(report, encoding="utf-8")
    cov = extract_report(read_document(path)).coverage
    assert "收入决算情况说明" in cov.missing_sections
    assert "收入支出决算总体情况说明" not in cov.missing_sections


# ---------------------------------------------------------------- Word fields in a DOCX

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
REFERENCE_DOCX = ROOT / "samples" / "reports" / "docx" / "002_bf967062ffb9ca21.docx"


def _runs(*items: str) -> str:
    """Given run contents (('begin'|'separate'|'end'), ('instr:…') or text), return w:r XML."""
    out = []
    for item in items:
        if item in ("begin", "separate", "end"):
            out.append(f'<w:r><w:fldChar w:fldCharType="{item}"/></w:r>')
        elif item.startswith("instr:"):
            out.append(f'<w:r><w:instrText xml:space="preserve">{item[6:]}</w:instrText></w:r>')
        elif item == "\t":
            out.append("<w:r><w:tab/></w:r>")
        else:
            out.append(f'<w:r><w:t xml:space="preserve">{item}</w:t></w:r>')
    return "".join(out)


def _entry(n: int, heading: str, page: str, wps: bool = False) -> str:
    """Given a contents entry, return it as Word (w:hyperlink) or WPS (HYPERLINK field) writes it."""
    pageref = _runs("begin", f"instr: PAGEREF _Toc{n} \\h ", "separate", page, "end")
    if wps:
        link = _runs("begin", f'instr: HYPERLINK \\l "_Toc{n}" ', "separate", heading, "\t")
        return link + pageref + _runs("end")
    return f'<w:hyperlink w:anchor="_Toc{n}">{_runs(heading, chr(9))}{pageref}</w:hyperlink>'


def _contents_xml(close: bool = True) -> list[str]:
    """Given whether the field is closed, return the paragraphs of a field-built contents page."""
    entries = [
        ("第一部分 部门概况", "4"),
        ("一、收入支出决算总体情况说明", "7"),
        ("七、财政拨款“三公”经费支出决算情况说明", "14"),
        ("第三部分 名词解释", "20"),
    ]
    paras = []
    for i, (heading, page) in enumerate(entries):
        start = _runs("begin", 'instr: TOC \\o "1-3" \\h \\z \\u ', "separate") if i == 0 else ""
        paras.append(f"<w:p {W}>{start}{_entry(15377197 + i, heading, page, wps=i == 2)}</w:p>")
    if close:
        paras.append(f"<w:p {W}>{_runs('end')}</w:p>")
    return paras


def _docx_with(tmp_path: Path, paras: list[str], name: str) -> Path:
    """Given paragraph XML, return a copy of the reference DOCX with them before its body."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document(str(REFERENCE_DOCX))
    body = document.element.body
    for i, xml in enumerate(paras):
        body.insert(i, parse_xml(xml))
    path = tmp_path / name
    document.save(str(path))
    return path


def _paragraphs(path: Path) -> list[str]:
    return [b.text for b in read_document(path).blocks if b.kind == "p"]


def test_a_field_built_contents_page_in_a_docx_is_not_read(tmp_path):
    path = _docx_with(tmp_path, _contents_xml(), "toc.docx")
    assert _paragraphs(path) == _paragraphs(REFERENCE_DOCX)
    report, reference = (
        extract_report(read_document(path)),
        extract_report(read_document(REFERENCE_DOCX)),
    )
    assert {f.metric: f.value for f in report.facts} == {f.metric: f.value for f in reference.facts}
    assert report.coverage.missing_sections == reference.coverage.missing_sections


def test_a_contents_field_never_closed_is_read_as_text(tmp_path):
    path = _docx_with(tmp_path, _contents_xml(close=False), "open.docx")
    texts = _paragraphs(path)
    assert "PAGEREF" not in "".join(texts)  # field codes are never text
    assert "第一部分 部门概况\t4" in texts  # a contents line for the cleanup, not a lost body
    assert texts[4:] == _paragraphs(REFERENCE_DOCX)  # the body after it is all there
    assert _facts(path) == {
        f.metric: f.value for f in extract_report(read_document(REFERENCE_DOCX)).facts
    }


def test_docx_text_inside_fields_insertions_smart_tags_and_controls_is_read(tmp_path):
    placeholder = (
        "<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr>"
        f"<w:sdtContent>{_runs('单击此处输入文字。')}</w:sdtContent></w:sdt>"
    )
    paras = [
        f"<w:p {W}>{_runs('2024年度收、支总计均为')}"
        f'<w:fldSimple w:instr=" = 863.44 ">{_runs("863.44")}</w:fldSimple>'
        f"{_runs('万元。')}</w:p>",
        f'<w:p {W}><w:ins w:id="1" w:author="a">{_runs("其中：")}</w:ins>'
        f'<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="chsdate">'
        f"{_runs('2024年')}</w:smartTag>"
        f"<w:sdt><w:sdtContent>{_runs('基本支出')}</w:sdtContent></w:sdt>"
        f'<w:del w:id="2" w:author="a"><w:r><w:delText>删去的字</w:delText></w:r></w:del>'
        f"{placeholder}{_runs('万元')}</w:p>",
    ]
    texts = _paragraphs(_docx_with(tmp_path, paras, "inline.docx"))
    assert texts[:2] == ["2024年度收、支总计均为863.44万元。", "其中：2024年基本支出万元"]


def test_field_codes_next_to_chinese_text_and_with_switches_are_removed(tmp_path):
    body = REFERENCE_TXT.read_text(encoding="utf-8")
    noisy = (
        '{ TOC \\o "1-3" \\h \\z \\u }HYPERLINK \\l "_Toc15377197" \\o "收入"第一部分 部门概况'
        "\tPAGEREF _Toc15377197 \\h \\* MERGEFORMAT 4\n"
        "一、收入支出决算总体情况说明PAGEREF _Toc15377198 \\h 7\n"
        "表 SEQ 表 \\* ARABIC 1 收入支出决算总表\n" + body
    )
    copy = tmp_path / "codes.txt"
    copy.write_text(noisy, encoding="utf-8")
    texts = [b.text for b in read_document(copy).blocks if b.kind == "p"]
    reference = [b.text for b in read_document(REFERENCE_TXT).blocks if b.kind == "p"]
    assert texts == ["表 1 收入支出决算总表", *reference]  # entries dropped, the caption kept
    assert _facts(copy) == _facts(REFERENCE_TXT)


def test_a_word_file_in_traditional_characters_reads_the_same_facts_and_cells(tmp_path):
    import docx

    reference = ROOT / "samples" / "reports" / "docx" / "000_49c7c66149f159f0.docx"
    document = docx.Document(str(reference))
    to_traditional = opencc.OpenCC("s2hk").convert
    for t in document.element.body.iter(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"
    ):
        t.text = to_traditional(t.text or "")
    copy = tmp_path / "copy.docx"
    document.save(str(copy))
    doc, original = read_document(copy), read_document(reference)
    from etl.readers.docx import read_docx

    assert "決算" in "".join(b.text for b in read_docx(copy).blocks)  # as the file has it
    assert any("繁体字" in w for w in doc.warnings)
    assert [b.rows for b in doc.blocks if b.kind == "table"] == [
        b.rows for b in original.blocks if b.kind == "table"
    ]
    assert _facts(copy) == _facts(reference)
