"""Files in the wild: messy PDF text layers (displaced digits, split quote marks, spaced
characters, running headers, glyphs without Unicode), partly scanned PDFs, .doc/.wps and
text that is no report.  Every value is read right, or not stored and reported."""

from __future__ import annotations

import importlib.util
import json
import os
import re
from pathlib import Path

import pytest

from etl.extract import extract_report
from etl.model import InputError
from etl.readers import read_document

MESSY = Path(__file__).resolve().parent / "fixtures" / "messy"
BAD = Path(__file__).resolve().parent / "fixtures" / "bad"
REFERENCE = Path(__file__).resolve().parent / "fixtures" / "expected"
EXPECTED = json.loads((MESSY / "expected.json").read_text(encoding="utf-8"))
FILES = sorted(k for k in EXPECTED if k.endswith(".pdf"))
TOLERANCE = 0.005
# Digits shifted by at most this many points (half the 12 pt font size) are all put back.
FULL_RECALL_SHIFT = 6


def _generator():
    """Given nothing, return the fixture generator module (tests/fixtures/messy/make_messy.py)."""
    spec = importlib.util.spec_from_file_location("make_messy", MESSY / "make_messy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.register_fonts()
    return module


def _facts(path: Path) -> tuple[dict[str, float], list[str]]:
    """Given a PDF, return its extracted metric values and the reader's warnings."""
    doc = read_document(path)
    return {f.metric: f.value for f in extract_report(doc).facts}, doc.warnings


def _squash(text: str) -> str:
    """Given text, return it without whitespace."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(params=["pdfium", "pdfminer"])
def engine(request, monkeypatch):
    """Given the engine name, read pages through it: pdfium (text-only pages) or pdfplumber."""
    if request.param == "pdfminer":
        from etl.readers import pdfium

        monkeypatch.setattr(pdfium, "open_document", lambda path: None)
    return request.param


@pytest.mark.parametrize("name", FILES)
def test_values_read_right_or_not_stored_and_reported(name, engine):
    exp = EXPECTED[name]
    got, warnings = _facts(MESSY / name)
    wrong = {
        k: (got[k], v) for k, v in exp["stored"].items() if k in got and abs(got[k] - v) > TOLERANCE
    }
    assert not wrong, f"wrong values (got, expected): {wrong}"
    assert sorted(set(exp["stored"]) - set(got)) == []
    assert sorted(set(got) - set(exp["stored"])) == []  # nothing the report does not state
    assert [k for k in exp["not_stored"] if k in got] == []
    assert warnings == exp["warnings"]


def test_displaced_digits_and_quotes_back_in_their_sentences(engine):
    doc = read_document(MESSY / "displaced.pdf")
    paras = [_squash(b.text) for b in doc.blocks if b.kind == "p"]
    assert (
        "截至2024年12月31日，中共合成县委办公室共有车辆19辆，其中：主要领导干部用车1辆、"
        "机要通信用车1辆、应急保障用车17辆、其他用车0辆。"
    ) in paras
    assert "（一）“三公”经费财政拨款支出决算总体情况说明" in paras
    assert "2024年度“三公”经费财政拨款支出决算为47.90万元，完成预算100%。" in paras
    assert [b.page for b in doc.blocks if b.text.startswith("截至")] == [2]


def test_spaced_characters_read_as_words(engine):
    doc = read_document(MESSY / "displaced.pdf")
    texts = [b.text for b in doc.blocks]
    assert "部门决算说明" in texts  # drawn with 8 pt letter spacing
    assert "其中：公务接待费支出决算1.40万元。" in texts  # 6 pt letter spacing


def test_running_header_and_page_numbers_leave_the_text(engine):
    doc = read_document(MESSY / "displaced.pdf")
    texts = [b.text for b in doc.blocks]
    header = "中共合成县委办公室2024年度部门决算（合成数据）"
    assert texts.count(header) == 1 and doc.blocks[0].text == header  # kept once, on page 1
    assert not any(re.fullmatch(r"-\s*\d+\s*-", t) for t in texts)


def test_unreadable_glyphs_drop_their_sentences_only(engine):
    doc = read_document(MESSY / "cid.pdf")
    text = "".join(b.text for b in doc.blocks)
    assert "(cid:" not in text and "\ufffd" not in text
    assert "2024年度收、支总计均为863.44万元。本年收入合计863.22万元。" in text
    assert "基本支出" not in text


@pytest.mark.slow
@pytest.mark.parametrize("rise", range(-42, 43, 3))
def test_any_baseline_shift_never_stores_a_wrong_value(tmp_path, rise, engine):
    """The same report with its digits shifted by rise points: right, or missing and reported."""
    make = _generator()
    path = tmp_path / f"shift{rise}.pdf"
    make.displaced(path, rise=float(rise))
    exp = EXPECTED["displaced.pdf"]["stored"]
    got, warnings = _facts(path)
    wrong = {
        k: (v, exp.get(k)) for k, v in got.items() if k not in exp or abs(v - exp[k]) > TOLERANCE
    }
    assert not wrong, f"rise {rise}: wrong values (got, expected): {wrong}"
    if abs(rise) <= FULL_RECALL_SHIFT:  # a small baseline shift is put right
        assert set(got) == set(exp)
    if set(got) != set(exp):
        assert any("无法确定属于哪一句" in w for w in warnings)


def test_fixtures_match_their_generator(tmp_path):
    make = _generator()
    for name, write in (
        ("displaced.pdf", make.displaced),
        ("ambiguous.pdf", make.ambiguous),
        ("cid.pdf", make.cid),
        ("partly_scanned.pdf", make.partly_scanned),
    ):
        write(tmp_path / name)
        assert (tmp_path / name).read_bytes() == (MESSY / name).read_bytes(), name


# ---------------------------------------------------------------- other files in the wild


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "stem"),
    [("report.doc", "002_bf967062ffb9ca21"), ("report.wps", "003_bf88f83d7370706c")],
)
def test_legacy_word_reports_give_every_checked_value(name, stem):
    from etl.readers.convert import find_soffice

    if find_soffice() is None:
        if os.environ.get("JUESUAN_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required here but not on PATH")
        pytest.skip("LibreOffice 未安装（.ci/run 会安装）")
    expected = json.loads((REFERENCE / f"{stem}.json").read_text(encoding="utf-8"))["metrics"]
    got, warnings = _facts(MESSY / name)
    wrong = {
        k: (got[k], v["value"])
        for k, v in expected.items()
        if k in got and abs(got[k] - v["value"]) > TOLERANCE
    }
    assert not wrong
    assert sorted(set(expected) - set(got)) == []
    assert warnings == []


def test_text_that_is_no_report_is_refused():
    with pytest.raises(InputError, match=r"^不是决算或绩效自评报告："):
        extract_report(read_document(BAD / "not_a_report.txt"))
