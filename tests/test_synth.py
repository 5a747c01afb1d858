"""The synthetic report generator: options, determinism, consistency, year chaining,
injected inconsistencies, the vehicle-use rule, and the ETL scoring 100% on its output."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from etl.extract import extract_report
from etl.model import Block, ParsedDocument
from etl.readers import read_document
from etl.synth import INJECTIONS, SynthOptions, generate_corpus, report_documents
from etl.synth.__main__ import main as synth_main
from etl.synth.text import Para
from tests.conftest import REPO, run_cli

SCORE_LINE = re.compile(
    r"facts: (\d+)/(\d+) correct \(([\d.]+)%\), (\d+) wrong, (\d+) missing, (\d+) extra"
)
TOL = 0.005  # the scoring tool's tolerance
PCT_TOL = 0.01  # stated percentages match their amounts to this


def doc_text(doc) -> str:
    """Given a generated Document, return its paragraphs and table cells as one text."""
    parts = []
    for e in doc.elements:
        if isinstance(e, Para):
            parts.append(e.text)
        else:
            parts.extend("\t".join(text for text, _ in row) for row in e.rows)
    return "\n".join(parts)


def finals(opts: SynthOptions) -> dict[tuple[str, int], dict]:
    """Given options, return the 决算 truth per (unit name, year)."""
    out = {}
    for _stem, doc in report_documents(opts):
        if doc.truth["doc_kind"] == "决算":
            out[doc.truth["unit_name"], doc.truth["fiscal_year"]] = doc.truth
    return out


def value(truth: dict, key: str) -> float:
    """Given a truth dict and a metric key, return the stated value."""
    return truth["metrics"][key]["value"]


# --- options ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"units": 0}, "units"),
        ({"years": 0}, "years"),
        ({"formats": ("pdf", "xls")}, "format"),
        ({"formats": "pdf"}, "formats"),
        ({"inject": ("no_such_kind",)}, "injection"),
        ({"kinds": ("budget",)}, "kinds"),
        ({"first_year": 1990}, "years"),
        ({"seed": "1"}, "seed"),
    ],
)
def test_invalid_options_raise_a_clear_value_error(kwargs, words):
    with pytest.raises(ValueError, match=words):
        SynthOptions(**kwargs)


def test_cli_rejects_an_unknown_injection(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        synth_main([str(tmp_path), "--units", "1", "--inject", "bogus"])
    assert exc.value.code == 2
    assert "bogus" in capsys.readouterr().err


# --- determinism and marking -------------------------------------------------------------


def test_same_seed_gives_identical_reports_and_another_seed_does_not():
    opts = SynthOptions(units=2, years=2, seed=5)
    first = [(stem, doc_text(doc), doc.truth) for stem, doc in report_documents(opts)]
    again = [(stem, doc_text(doc), doc.truth) for stem, doc in report_documents(opts)]
    assert first == again
    other = [doc_text(doc) for _, doc in report_documents(SynthOptions(units=2, years=2, seed=6))]
    assert [t for _, t, _ in first] != other


def test_cli_writes_the_same_text_twice_for_one_seed(tmp_path):
    for out in ("a", "b"):
        assert synth_main([str(tmp_path / out), "--units", "1", "--years", "1", "--seed", "3"]) == 0
    for fmt in ("pdf", "docx"):
        for path in sorted((tmp_path / "a" / fmt).iterdir()):
            twin = tmp_path / "b" / fmt / path.name
            a, b = read_document(path), read_document(twin)
            assert [x.text for x in a.blocks] == [x.text for x in b.blocks]
    assert sorted(p.name for p in (tmp_path / "a" / "truth").iterdir()) == [
        "synth3_u000_2022_eval.json",
        "synth3_u000_2022_final.json",
    ]


def test_every_report_is_marked_synthetic_and_names_a_fictional_unit():
    for _stem, doc in report_documents(SynthOptions(units=3, years=1, seed=2)):
        first = doc.elements[0]
        assert isinstance(first, Para) and "合成数据" in first.text
        parsed = ParsedDocument(
            "x.txt",
            "txt",
            [
                Block("p", e.text, index=i)
                for i, e in enumerate(doc.elements, 1)
                if isinstance(e, Para)
            ],
        )
        report = extract_report(parsed)
        assert report.is_synthetic
        assert report.unit_name == doc.truth["unit_name"]
        assert report.fiscal_year == doc.truth["fiscal_year"]
        assert report.doc_kind == doc.truth["doc_kind"]


# --- consistency and chaining ------------------------------------------------------------


def test_reports_without_injections_add_up_and_match_their_percentages():
    opts = SynthOptions(units=4, years=3, seed=11)
    for (_unit, _year), t in finals(opts).items():
        v = lambda k, t=t: value(t, k)  # noqa: E731
        assert t["inconsistencies"] == []
        income = [k for k in t["metrics"] if k.startswith("income.") and k != "income.total"]
        assert abs(sum(v(k) for k in income) - v("income.total")) < TOL
        spent = [
            k for k in t["metrics"] if k.startswith("expenditure.") and k != "expenditure.total"
        ]
        assert abs(sum(v(k) for k in spent) - v("expenditure.total")) < TOL
        assert abs(v("basic.personnel") + v("basic.public") - v("expenditure.basic")) < TOL
        parts = v("sangong.outbound") + v("sangong.vehicle") + v("sangong.reception")
        assert abs(parts - v("sangong.total")) < TOL
        assert v("sangong.total") <= v("sangong.budget") + TOL
        purchase_operation = v("sangong.vehicle.purchase") + v("sangong.vehicle.operation")
        assert abs(purchase_operation - v("sangong.vehicle")) < TOL
        assert v("vehicles.sedan") + v("vehicles.suv") + v("vehicles.bus") == v("vehicles.total")
        uses = [k for k in t["metrics"] if k.startswith("vehicles.")]
        by_use = [
            k
            for k in uses
            if k not in {"vehicles.total", "vehicles.sedan", "vehicles.suv", "vehicles.bus"}
        ]
        assert "vehicles.other" in by_use
        assert sum(v(k) for k in by_use) <= v("vehicles.total")
        procured = v("procurement.goods") + v("procurement.works") + v("procurement.services")
        assert abs(procured - v("procurement.total")) < TOL
        items = sum(i["amount"] for i in t["function_items"])
        assert abs(items - v("gpb.total")) < TOL
        for prefix, base in (
            ("total", "total.income_expenditure"),
            ("gpb", "gpb.total"),
            ("sangong", "sangong.total"),
            ("operating_costs", "operating_costs"),
        ):
            change, stated_pct = v(f"{prefix}.change"), v(f"{prefix}.change_pct")
            prior = v(base) - change
            assert abs(abs(change) / prior * 100 - abs(stated_pct)) <= PCT_TOL
            assert (change >= 0) == (stated_pct >= 0)


def test_self_evaluation_reports_agree_with_the_final_report_of_their_year():
    opts = SynthOptions(units=3, years=2, seed=13)
    by_kind: dict[tuple, dict] = {}
    for _stem, doc in report_documents(opts):
        t = doc.truth
        by_kind[t["unit_name"], t["fiscal_year"], t["doc_kind"]] = t
    evals = [key for key in by_kind if key[2] == "绩效自评"]
    assert len(evals) == 6
    for unit, year, _kind in evals:
        e, f = by_kind[unit, year, "绩效自评"], by_kind[unit, year, "决算"]
        assert e["inconsistencies"] == []
        shared = set(e["metrics"]) & set(f["metrics"])
        assert {
            "expenditure.basic",
            "sangong.total",
            "perf.overall_score",
            "staff.actual",
        } <= shared
        for key in shared:
            assert value(e, key) == value(f, key), key
        parts = [f"sangong.{k}.budget" for k in ("vehicle", "outbound", "reception")]
        assert abs(sum(value(e, k) for k in parts) - value(e, "sangong.budget")) < TOL
        assert e["projects"] == f["projects"]


def test_fleet_by_use_adds_up_when_every_use_is_listed():
    listed_all = 0
    for t in finals(SynthOptions(units=6, years=2, seed=4)).values():
        keys = [k for k in t["metrics"] if k.startswith("vehicles.") and k.count(".") == 1]
        uses = [
            k
            for k in keys
            if k not in {"vehicles.total", "vehicles.sedan", "vehicles.suv", "vehicles.bus"}
        ]
        if len(uses) == 8:
            listed_all += 1
            assert sum(value(t, k) for k in uses) == value(t, "vehicles.total")
    assert listed_all > 0


def test_each_years_stated_change_matches_the_previous_years_report():
    opts = SynthOptions(units=3, years=4, seed=9, first_year=2020)
    truth = finals(opts)
    checked = 0
    for (unit, year), t in truth.items():
        before = truth.get((unit, year - 1))
        if before is None:
            continue
        for base, change in (
            ("total.income_expenditure", "total.change"),
            ("gpb.total", "gpb.change"),
            ("sangong.total", "sangong.change"),
            ("operating_costs", "operating_costs.change"),
        ):
            assert abs(value(t, base) - value(t, change) - value(before, base)) < TOL
            checked += 1
    assert checked == 3 * 3 * 4


# --- injections ----------------------------------------------------------------------------


def test_every_injection_is_recorded_and_its_words_are_in_the_report():
    opts = SynthOptions(units=2, years=2, seed=3, inject=INJECTIONS)
    seen = set()
    for _stem, doc in report_documents(opts):
        text = doc_text(doc)
        for record in doc.truth["inconsistencies"]:
            assert set(record) >= {"kind", "metric", "text"}
            assert record["kind"] in INJECTIONS
            assert record["text"] in text, record
            seen.add(record["kind"])
    assert seen == set(INJECTIONS)


def test_injections_break_exactly_the_relation_they_name():
    clean = finals(SynthOptions(units=2, years=2, seed=8))
    bad = finals(SynthOptions(units=2, years=2, seed=8, inject=INJECTIONS))
    for key, t in bad.items():
        v = lambda k, t=t: value(t, k)  # noqa: E731
        kinds = {r["kind"] for r in t["inconsistencies"]}
        change = v("total.change")
        assert (
            abs(
                abs(change) / (v("total.income_expenditure") - change) * 100
                - abs(v("total.change_pct"))
            )
            > PCT_TOL
        )
        parts = v("sangong.outbound") + v("sangong.vehicle") + v("sangong.reception")
        assert abs(parts - v("sangong.total")) > TOL
        assert v("sangong.total") > v("sangong.budget")
        assert abs(v("basic.personnel") + v("basic.public") - v("expenditure.basic")) > TOL
        assert v("perf.overall_score") != value(clean[key], "perf.overall_score")
        before = bad.get((key[0], key[1] - 1))
        if before is not None:
            assert "prior_year_mismatch" in kinds
            prior = v("total.income_expenditure") - change
            assert abs(prior - value(before, "total.income_expenditure")) > TOL
        else:
            assert "prior_year_mismatch" not in kinds
        # figures the injections do not touch stay as in the clean twin
        for k in ("income.total", "gpb.total", "operating_costs", "vehicles.total"):
            assert v(k) == value(clean[key], k)


def test_stale_year_dates_the_fleet_three_years_back():
    opts = SynthOptions(
        units=1, years=1, seed=1, first_year=2024, inject=("stale_year",), kinds=("final",)
    )
    [(_stem, doc)] = list(report_documents(opts))
    text = doc_text(doc)
    assert "截至2021年12月底，单位共有公务用车" in text
    assert (
        "比2022年度" in text
        and "比2023年度" not in text.split("（二）“三公”经费")[1].split("八、")[0]
    )


# --- vehicle categories (issue 6) ----------------------------------------------------------


def _facts(*paragraphs: str) -> dict[str, float]:
    """Given paragraphs of a 决算 report, return the metrics the extractor reads from them."""
    head = [
        "（合成数据）",
        "中共澄岚县委办公室2023年度部门决算",
        "第二部分 2023年度部门决算情况说明",
    ]
    blocks = [Block("p", t, index=i) for i, t in enumerate([*head, *paragraphs], 1)]
    report = extract_report(ParsedDocument("x.txt", "txt", blocks))
    return {f.metric: f.value for f in report.facts}


@pytest.mark.parametrize(
    "sentence",
    [
        "截至2023年12月31日，本部门共有车辆12辆，其中，部级领导干部用车0辆、主要领导干部用车0辆、"
        "机要通信用车1辆、应急保障用车2辆、执法执勤用车5辆、特种专业技术用车0辆、离退休干部用车0辆、"
        "其他用车4辆，其他用车主要是用于机关日常工作。",
        "截至2023年12月31日，本部门共有车辆12辆。按用途分：部级领导干部用车0辆、主要领导干部用车0辆、"
        "机要通信用车1辆、应急保障用车2辆、执法执勤用车5辆、特种专业技术用车0辆、离退休干部用车0辆、"
        "其他用车4辆。",
        "截至2023年12月31日，本部门共有车辆 12 辆。其中，部级领导干部用车 0 辆，主要领导干部用车 0 辆，"
        "机要通信用车 1 辆，应急保障用车 2 辆，执法执勤用车 5 辆，特种专业技术用车 0 辆，"
        "离退休干部用车 0 辆，其他用车 4 辆。",
    ],
)
def test_vehicle_categories_are_read_in_each_phrasing(sentence):
    facts = _facts("（三）国有资产占有使用情况", sentence)
    assert facts["vehicles.total"] == 12
    assert {k: facts[k] for k in facts if k.startswith("vehicles.") and k != "vehicles.total"} == {
        "vehicles.ministerial": 0,
        "vehicles.leadership": 0,
        "vehicles.confidential": 1,
        "vehicles.emergency": 2,
        "vehicles.law_enforcement": 5,
        "vehicles.special": 0,
        "vehicles.retiree": 0,
        "vehicles.other": 4,
    }


def test_a_use_list_outside_the_assets_section_is_not_read():
    facts = _facts("一、收入支出决算总体情况说明", "按用途分：机要通信用车1辆、其他用车4辆。")
    assert not any(k.startswith("vehicles.") for k in facts)


# --- the ETL reads generated reports exactly -----------------------------------------------


def _score(db: Path, truth: Path) -> tuple[int, int, int, int, str]:
    """Given a warehouse and a truth folder, return (correct, total, wrong, missing, output)."""
    out = subprocess.run(
        [sys.executable, str(REPO / "tests" / "score_etl.py"), str(db), str(truth)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    correct, total, _pct, wrong, missing, _extra = SCORE_LINE.search(out.splitlines()[-1]).groups()
    return int(correct), int(total), int(wrong), int(missing), out


def _build_and_score(tmp_path: Path, opts: SynthOptions) -> dict[str, tuple]:
    """Given options, generate the corpus, build each format and return its score."""
    written = generate_corpus(tmp_path / "corpus", opts)
    scores = {}
    for fmt in opts.formats:
        files = [p for p in written if p.suffix == f".{fmt}"]
        db = tmp_path / f"{fmt}.duckdb"
        run = run_cli("build", "--db", str(db), str(tmp_path / "corpus" / fmt))
        assert run.code == 0, run.out
        assert f"新载入 {len(files)}" in run.out, run.out
        scores[fmt] = (*_score(db, tmp_path / "corpus" / "truth"), len(files))
    return scores


def test_etl_reads_every_stated_fact_of_a_small_generated_set(tmp_path):
    opts = SynthOptions(units=2, years=2, seed=21, inject=("restated_change", "stale_year"))
    for fmt, (correct, total, wrong, missing, out, n) in _build_and_score(tmp_path, opts).items():
        assert n == 8, fmt
        assert (wrong, missing) == (0, 0), out
        assert correct == total and total > 8 * 20, out


@pytest.mark.slow
def test_etl_scores_fifty_pdf_and_fifty_docx_reports_fully_correct(tmp_path):
    opts = SynthOptions(units=13, years=2, seed=50)
    for fmt, (correct, total, wrong, missing, out, n) in _build_and_score(tmp_path, opts).items():
        assert n >= 50, fmt
        assert (wrong, missing) == (0, 0), out
        assert correct == total, out
