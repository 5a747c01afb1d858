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
        "二、收入决算情况说明 PAGEREF _Toc15377197 \\h 9\n" + body
    )
    copy = tmp_path / "noisy.txt"
    copy.write_text(noisy, encoding="utf-8")
    doc = read_document(copy)
    texts = [b.text for b in doc.blocks if b.kind == "p"]
    assert not any("PAGEREF" in t or "TOC \\o" in t for t in texts)
    assert not any(t.startswith("一、收入支出决算总体情况说明……") for t in texts)
    assert "第一部分 部门概况\t4" not in texts
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
