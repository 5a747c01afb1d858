"""The metric catalogue: every example sentence yields its values, every negative none, the
generated metrics.csv is current, and the blank Shanghai template yields blanks, not figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.extract import extract_report, narrative
from etl.extract.textnorm import normalise
from etl.model import Block, ParsedDocument
from etl.readers import read_document
from etl.vocab import catalogue

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_PDF = ROOT / "tests" / "fixtures" / "templates" / "上海市部门决算模板_2024.pdf"
CAT = catalogue.load()
POSITIVE = [e for e in CAT.examples if not e.negative]
NEGATIVE = [e for e in CAT.examples if e.negative]
TOLERANCE = 0.005


def _read(text: str, section: str) -> list[narrative.Hit]:
    nt = normalise(text)
    hits = []
    for start, end in narrative.sentences(nt.text):
        hits.extend(narrative.read_sentence(nt, start, end, section))
    return hits


def _family(key: str) -> set[str]:
    m = CAT.metrics[key]
    return {key, m.change, m.rate} - {""}


@pytest.mark.parametrize("example", POSITIVE, ids=lambda e: f"{e.metric}:{e.text[:24]}")
def test_example_yields_its_values(example):
    hits = [h for h in _read(example.text, example.section) if not h.blank]
    for key, want in example.values.items():
        got = {round(h.value, 4) for h in hits if h.metric == key}
        assert got, f"{key} not read from {example.text!r}"
        assert all(abs(v - want) <= TOLERANCE for v in got), f"{key}: {got} != {want}"


@pytest.mark.parametrize("example", NEGATIVE, ids=lambda e: f"{e.metric}:{e.text[:24]}")
def test_negative_yields_no_value(example):
    keys = _family(example.metric)
    said = [(h.metric, h.value) for h in _read(example.text, example.section) if not h.blank]
    assert not [s for s in said if s[0] in keys], said


def test_every_metric_with_templates_has_an_example():
    tested = {k for e in POSITIVE for k in e.values}
    untested = [k for k, m in CAT.metrics.items() if m.templates and k not in tested]
    assert not untested


def test_metrics_csv_is_the_generated_view():
    assert catalogue.METRICS_CSV.read_bytes().decode("utf-8") == catalogue.csv_text(), (
        "etl/metrics.csv is out of date: run python -m etl.vocab.catalogue"
    )


def test_catalogue_references_known_metrics():
    keys = set(CAT.metrics)
    for m in CAT.metrics.values():
        assert {m.change, m.rate} - {""} <= keys, m.key
        for _rule, of in m.parts:
            assert set(of) <= keys, m.key
        for t in m.templates:
            assert {s.target for s in t.slots} <= keys, (m.key, t.source)
            named = set(t.sections or ()) | set(t.not_sections)
            assert named <= set(CAT.sections), (m.key, t.source, named - set(CAT.sections))
    for e in CAT.examples:
        assert set(e.values) <= keys, e.text


@pytest.mark.parametrize(
    "text, key",
    [
        ("2024年度收支总计XXX万元。", "total.income_expenditure"),
        ("本年收入合计 万元，其中：一般公共预算财政拨款收入 万元。", "income.total"),
        ("“三公”经费财政拨款支出决算为万元。", "sangong.total"),
        ("年末实有人员XX人。", "staff.actual"),
    ],
)
def test_a_blank_is_a_blank_not_a_figure(text, key):
    hits = _read(text, "")
    assert [h.metric for h in hits if h.blank] and key in [h.metric for h in hits if h.blank]
    assert not [h for h in hits if not h.blank and h.metric == key]


def test_blank_template_states_no_figure_and_names_its_blanks():
    doc = read_document(TEMPLATE_PDF)
    section, values, blanks = "", [], []
    for block in doc.blocks:
        if block.kind != "p":
            continue
        nt = normalise(block.text)
        if narrative.is_heading(nt.text):
            key = narrative.section_of(nt.text, section)
            section = key if key is not None else section
        for start, end in narrative.sentences(nt.text):
            for hit in narrative.read_sentence(nt, start, end, section):
                (blanks if hit.blank else values).append((hit.metric, nt.quote(hit.start, hit.end)))
    assert not values, values
    assert {"income.total", "expenditure.total", "operating_costs"} <= {k for k, _ in blanks}


def test_a_blank_in_a_report_becomes_a_note_not_a_fact():
    lines = [
        "中共测试县委办公室2015年度部门决算",
        "一、收入支出决算总体情况说明",
        "2015年度收支总计 万元，与上年持平。",
        "二、收入决算情况说明",
        "本年收入合计XXX万元，其中：公共财政拨款收入604.10万元。",
    ]
    blocks = [Block("p", line, index=i + 1) for i, line in enumerate(lines)]
    report = extract_report(ParsedDocument("t.txt", "txt", blocks))
    facts = {f.metric: f.value for f in report.facts}
    assert "total.income_expenditure" not in facts and "income.total" not in facts
    assert facts["income.general_budget"] == pytest.approx(604.1)
    assert facts["total.change"] == 0
    blanks = [n for n in report.notes if n.startswith("未填写")]
    assert any("收支总计 万元" in n and "第3段" in n for n in blanks), blanks
    assert any("本年收入合计XXX万元" in n and "第5段" in n for n in blanks), blanks


def test_one_search_rules_out_a_sentence_exactly_when_every_template_would():
    # (and the characters every template needs rule out only sentences none matches)
    # every example sentence, and every sentence of a reference report, in every section
    texts = [normalise(e.text).text for e in CAT.examples]
    doc = read_document(sorted((ROOT / "samples" / "reports" / "txt").glob("*.txt"))[0])
    for block in doc.blocks:
        if block.kind == "p":
            norm = normalise(block.text).text
            texts.extend(norm[a:b] for a, b in narrative.sentences(norm))
    sections = ["", *(key for key, _ in narrative.SECTIONS)]
    found = ruled_out = 0
    for section in sections:
        screen = narrative.any_template(section)
        needs = narrative.template_chars(section)
        for text in texts:
            each = any(t.pattern.search(text) for t in narrative.templates_for(section))
            assert bool(screen and screen.search(text)) == each, (section, text)
            if needs is not None and needs.isdisjoint(text):
                assert not each, (section, text)  # the characters test never rules out a match
                ruled_out += section == ""
            found += each
    assert found > 100 and len(texts) > 300
    assert ruled_out > len(texts) / 2  # most sentences are ruled out without a search
