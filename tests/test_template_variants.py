"""Generated national-template 部门决算 reports for every unit type and every provincial
variant (etl/synth/template.py), in PDF and DOCX: identity and table values read 100%, 0 wrong."""

from __future__ import annotations

import pytest

from etl.extract import extract_report
from etl.readers import read_document
from etl.synth.docx import render_docx
from etl.synth.pdf import render_pdf
from etl.synth.template import SAMPLE_UNITS, VARIANTS, template_report
from etl.vocab.unit_kinds import unit_types

TOLERANCE = 0.005
# What each unit type's sample unit (etl/synth/template.py) must read as:
# (short name, region, city, province)
UNITS = {
    "党委部门": ("区委组织部", "金口河区", "乐山市", "四川省"),
    "政府部门": ("区财政局", "普陀区", None, "上海市"),
    "人大": ("县人大办", "双牌县", "永州市", "湖南省"),
    "政协": ("区政协", "安居区", "遂宁市", "四川省"),
    "法院": ("县法院", "峨边彝族自治县", "乐山市", "四川省"),
    "检察院": ("区检察院", "普陀区", None, "上海市"),
    "人民团体": ("县总工会", "双牌县", "永州市", "湖南省"),
    "事业单位": ("区疾病预防控制中心", "安居区", "遂宁市", "四川省"),
    "学校": ("县第一中学", "双牌县", "永州市", "湖南省"),
    "医院": ("县人民医院", "峨边彝族自治县", "乐山市", "四川省"),
    "乡镇": ("江村镇政府", "双牌县", "永州市", "湖南省"),
    "街道": ("长寿路街道办", "普陀区", None, "上海市"),
}  # fmt: skip
CASES = [(kind, "national") for kind in UNITS] + [("政府部门", v.key) for v in VARIANTS[1:]]
RENDER = {"docx": render_docx, "pdf": render_pdf}


def test_every_unit_type_has_a_case():
    assert set(UNITS) == set(SAMPLE_UNITS) == set(unit_types())


@pytest.mark.parametrize("fmt", sorted(RENDER))
@pytest.mark.parametrize("kind,variant", CASES)
def test_generated_report_is_read_whole(tmp_path, kind, variant, fmt):
    name = SAMPLE_UNITS[kind]
    short, region, city, province = UNITS[kind]
    spec = next(v for v in VARIANTS if v.key == variant)
    doc = template_report(name, kind, 2024, spec, seed=len(name) * 31 + len(variant))
    path = tmp_path / f"report.{fmt}"
    RENDER[fmt](doc, path)
    report = extract_report(read_document(path))
    identity = (report.unit_name, report.unit_type, report.unit_short, report.region, report.city)
    assert identity == (name, kind, short, region, city)
    assert (report.province, report.fiscal_year, report.doc_kind) == (province, 2024, "决算")
    got = {f.metric: f.value for f in report.facts}
    want = doc.truth["metrics"]
    wrong = {k: (got[k], v) for k, v in want.items() if k in got and abs(got[k] - v) > TOLERANCE}
    assert not wrong, f"wrong values (got, expected): {wrong}"
    assert sorted(set(got) - set(want)) == [], "values the report does not state"
    assert sorted(set(want) - set(got)) == [], "table values not read"
    provincial = {"project_income", "project_detail", "im_info"}  # Inner Mongolia's extra tables
    staged = [
        (c.table, c.row_label, c.column, c.value) for c in report.cells if c.table in provincial
    ]
    assert sorted(staged) == sorted(tuple(c) for c in doc.truth["provincial_cells"])
