"""Number reading: full-width digits, thousands separators, spaces inside numbers and before
units, 元 vs 万元, line breaks mid-sentence and converter artefacts, each on a real sentence."""

from __future__ import annotations

import pytest

from etl.extract import extract_report
from etl.extract.textnorm import normalise, to_wanyuan
from etl.model import Block, ParsedDocument

HEAD = "中共测试县委办公室2024年度部门决算\n第二部分 2024年度部门决算情况说明\n一、收入支出决算总体情况说明"


def _facts(body: str) -> dict[str, float]:
    lines = (HEAD + "\n" + body).split("\n")
    blocks = [Block("p", line, index=i + 1) for i, line in enumerate(lines)]
    report = extract_report(ParsedDocument("t.txt", "txt", blocks))
    return {f.metric: f.value for f in report.facts}


@pytest.mark.parametrize(
    "sentence",
    [
        "2024年度收、支总计均为1250.14万元。",
        "2024年度收、支总计均为１２５０．１４万元。",  # full-width digits and point
        "2024 年度收、支总计均为 1,250.14 万元。",  # thousands separator, spaces around
        "2024年度收、支总计均为1 250.14万元。",  # a space inside the number
        "2024年度收、支总计均为12501400元。",  # 元, converted to 万元
        "2024年度收、支总计均为[bookmark: _Toc1]1250.14万元。",  # converter bookmark
    ],
)
def test_total_is_read_the_same_however_it_is_written(sentence):
    assert _facts(sentence)["total.income_expenditure"] == pytest.approx(1250.14)


def test_a_line_break_inside_a_sentence_does_not_lose_the_value():
    nt = normalise("与2023年度相比，收、支总计各减少 214.57 万\n元，下降 19.90%。")
    assert "各减少214.57万元，下降19.90%" in nt.text


def test_quote_maps_back_to_the_original_words():
    original = "2024 年度收、支总计均为 863.44 万元。"
    nt = normalise(original)
    start = nt.text.index("收")
    assert nt.quote(start, nt.text.index("。")) == "收、支总计均为 863.44 万元"


def test_changes_are_signed_by_their_verb():
    facts = _facts("2024年度收、支总计均为100万元。与2023年相比，收、支总计各减少25万元，下降20%。")
    assert (facts["total.change"], facts["total.change_pct"]) == (-25, -20)
    facts = _facts(
        "2024年度收、支总计均为100万元。与2023年相比，收、支总计各增加25万元，增长33.33%。"
    )
    assert (facts["total.change"], facts["total.change_pct"]) == (25, 33.33)


def test_a_number_without_a_unit_in_prose_is_not_read():
    assert "total.income_expenditure" not in _facts("2024年度收、支总计均为1250.14。")


def test_yuan_to_wanyuan():
    assert to_wanyuan("170000", "元") == 17
    assert to_wanyuan("17", "万元") == 17


def test_a_metric_stated_twice_differently_keeps_the_first_and_notes_the_other():
    lines = HEAD + "\n2024年度收、支总计均为100万元。\n（二）其他\n2024年度收、支总计均为99万元。"
    blocks = [Block("p", t, index=i + 1) for i, t in enumerate(lines.split("\n"))]
    report = extract_report(ParsedDocument("t.txt", "txt", blocks))
    assert {f.metric: f.value for f in report.facts}["total.income_expenditure"] == 100
    assert any("total.income_expenditure" in n and "99" in n for n in report.notes)
