"""Checks (etl/checks): golden findings on the reference reports, no false alarms on a
consistent report pair, each rule firing on a one-edit mutation of it, outliers and grading.

Golden findings live in tests/fixtures/golden_findings/<stem>.json; regenerate them only
deliberately with UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from etl.checks import RULE_CATALOG, rule_rows
from etl.checks.cross import outliers, robust_z
from etl.checks.model import (
    IndicatorRow,
    Quote,
    ReportData,
    Stated,
    amount_severity,
    pct_severity,
)
from etl.checks.registry import REGISTRY, readme_block, readme_table
from etl.statements import (
    FiscalIncome,
    NoCarryover,
    SectionMax,
    Share,
    Statement,
    Target,
    YearReported,
)  # fmt: skip
from tests.conftest import REPO, run_cli

GOLDEN = REPO / "tests" / "fixtures" / "golden_findings"
CONSISTENT = REPO / "tests" / "fixtures" / "consistent"
README = (REPO / "README.md").read_text(encoding="utf-8")
STEMS = (
    "000_49c7c66149f159f0",
    "001_b0dd71e4c835dab5",
    "002_bf967062ffb9ca21",
    "003_bf88f83d7370706c",
    "004_8a99ebaca312e0ad",
)


def findings_of(db: Path, stem: str | None = None) -> list[dict]:
    """Given a warehouse and a report stem (None: all), return its findings as dicts."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT source_file, rule, severity, metric, stated, expected, message, evidence"
            " FROM findings ORDER BY source_file, rule, metric NULLS FIRST, message"
        ).fetchall()
    finally:
        con.close()
    out = []
    for source, rule, severity, metric, stated, expected, message, evidence in rows:
        if stem is not None and not source.startswith(stem):
            continue
        out.append(
            {
                "rule": rule,
                "severity": severity,
                "metric": metric,
                "stated": stated,
                "expected": expected,
                "message": message,
                "evidence": [[e["loc"], e["quote"]] for e in json.loads(evidence)],
            }
        )
    return out


@pytest.mark.e2e
@pytest.mark.parametrize("stem", STEMS)
def test_golden_findings(samples_build, stem):
    db, run = samples_build
    got = findings_of(db, stem)
    path = GOLDEN / f"{stem}.json"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert got == json.loads(path.read_text(encoding="utf-8"))


def _one(found: list[dict], rule: str, metric: str | None = None) -> dict:
    hits = [f for f in found if f["rule"] == rule and (metric is None or f["metric"] == metric)]
    assert hits, f"no {rule} {metric} finding in {[(f['rule'], f['metric']) for f in found]}"
    return hits[0]


@pytest.mark.e2e
def test_reference_inconsistencies_named_by_the_issue(samples_build):
    db, _ = samples_build
    f000 = findings_of(db, "000")
    for metric in ("total.change_pct", "gpb.change_pct"):
        hit = _one(f000, "pct.change", metric)
        assert hit["severity"] == "error"
        assert hit["stated"] == -0.17 and hit["expected"] == pytest.approx(-16.92, abs=0.01)
        assert "0.17%" in hit["message"] and "16.92%" in hit["message"]
        assert any("减少0.17%" in q for _, q in hit["evidence"])
    hit = _one(findings_of(db, "001"), "score.total", "perf.overall_score")
    assert hit["stated"] == 90 and hit["expected"] == 99
    hit = _one(findings_of(db, "002"), "restated", "total.change")
    quotes = " ".join(q for _, q in hit["evidence"])
    assert all(v in quotes for v in ("214.57", "214.5 ", "214.36"))
    hit = _one(findings_of(db, "003"), "parts.sangong_change", "sangong.change")
    assert hit["stated"] == -82.2 and hit["expected"] == pytest.approx(2.08)
    hit = _one(findings_of(db, "004"), "pct.completion", "sangong.total")
    # “100%” may be a rounded 99.6%: flagged, as a warning that says so
    assert hit["severity"] == "warning" and "小于" in hit["message"]
    assert any("完成预算100%" in q and "决算数小于" in q for _, q in hit["evidence"])


@pytest.mark.e2e
def test_findings_do_not_depend_on_the_file_format(tmp_path):
    """The same report as PDF, DOCX and text yields the same findings (places aside)."""
    seen = {}
    for fmt in ("pdf", "docx", "txt"):
        db = tmp_path / f"{fmt}.duckdb"
        assert run_cli("build", "--db", str(db), str(REPO / "samples" / "reports" / fmt)).code == 0
        seen[fmt] = sorted(
            (f["rule"], f["severity"], f["metric"] or "", f["stated"] or 0, f["expected"] or 0)
            for f in findings_of(db)
        )
    assert seen["pdf"] == seen["docx"] == seen["txt"]


@pytest.fixture
def consistent(tmp_path) -> Path:
    folder = tmp_path / "reports"
    shutil.copytree(CONSISTENT, folder)
    return folder


def build_findings(folder: Path, tmp_path: Path) -> list[dict]:
    db = tmp_path / "c.duckdb"
    run = run_cli("build", "--db", str(db), "--force", str(folder))
    assert run.code == 0, run.out
    return findings_of(db)


@pytest.mark.e2e
def test_consistent_reports_raise_no_error_or_warning(consistent, tmp_path):
    found = build_findings(consistent, tmp_path)
    assert [f for f in found if f["severity"] in ("error", "warning")] == []


# (file, old words, new words, rule expected, severity expected): one edit each.
MUTATIONS = (
    ("qingshi_2024.txt", "与2023年相比，收、支总计各增加50.00万元，增长11.11%", "与2023年相比，收、支总计各增加50.00万元，增长1.11%",
     "pct.change", "error"),
    ("qingshi_2024.txt", "人员经费350.00万元", "人员经费360.00万元", "parts.basic", "error"),
    ("qingshi_2024.txt", "因公出国（境）支出决算与2023年持平", "因公出国（境）支出决算与2022年持平",
     "year.context", "warning"),
    ("qingshi_2024.txt", "截至2024年12月31日，单位共有", "截至2021年12月底，单位共有",
     "year.context", "warning"),
    ("qingshi_2024.txt", "预算数为12.00万元", "预算数为9.00万元", "sangong.over_budget", "warning"),
    ("qingshi_2024.txt", "（三）国有资产占有使用情况",
     "与2023年相比，收入总计增加55.00万元，增长12.22%。\n（三）国有资产占有使用情况",
     "restated", "error"),
    ("qingshi_2024.txt", "比2023年减少1.00万元，下降33.33%", "比2023年增加1.00万元，增长50.00%",
     "parts.sangong_change", "error"),
    ("qingshi_2023.txt", "2023年度收、支总计均为450.00万元", "2023年度收、支总计均为460.00万元",
     "across.prior_year", "warning"),
    ("qingshi_2024.txt", "完成预算83.33%", "完成预算100%", "pct.completion", "error"),
    ("qingshi_2024.txt", "2024年度收、支总计均为500.00万元", "2024年度收、支总计均为510.00万元",
     "totals.no_carryover", "error"),
    ("qingshi_2024.txt", "住房公积金（项）：支出决算为30.00万元", "住房公积金（项）：支出决算为31.00万元",
     "parts.class_items", "error"),
    ("qingshi_2024.txt", "480.00万元，占96.00%", "480.00万元，占69.00%", "pct.share", "error"),
    ("qingshi_2024.txt", "共计支出2.00万元", "共计支出2.00元", "restated", "error"),
    ("qingshi_2024.txt", "轿车2辆、越野车1辆", "轿车3辆、越野车1辆", "parts.vehicles", "error"),
    ("qingshi_2024.txt", "比2023年增加5.00万元，增长11.11%，主要原因是人员增加",
     "比2023年增加5.00万元，增长11.11%，主要原因是人员减少", "reason.direction", "warning"),
    ("qingshi_2024.txt", "县委办下属二级单位0个。", "县委办下属二级单位0个，其中行政单位1个，事业单位0个。",
     "parts.counts", "error"),
    ("qingshi_2024.txt", "（四）部门财政资金结转结余情况",
     "基本支出400.00万元，项目支出100.00万元，其中项目1个，具体支出为：甲项目60.00万元；乙项目40.00万元。\n"
     "（四）部门财政资金结转结余情况", "parts.listing", "warning"),
    ("qingshi_2024.txt", "（四）部门财政资金结转结余情况",
     "常年项目绩效分析。该类项目总数1个，涉及预算总金额100.00万元，执行进度为100%。"
     "阶段（一次性）项目绩效分析。该类项目总数1个，涉及预算总金额5.00万元，执行进度为100%。\n"
     "（四）部门财政资金结转结余情况", "parts.project_classes", "error"),
    ("qingshi_2024.txt", "社会保障和就业支出50.00万元，占10.42%", "社会保障和就业支出55.00万元，占11.46%",
     "parts.gpb_classes", "error"),
    ("qingshi_2024.txt", "4.住房保障支出（类）", "6.住房保障支出（类）", "parts.item_numbering",
     "warning"),
    # the project self-evaluation report: cost indicators, the list of project reports, weights
    ("qingshi_2024_projects.txt", "\t60\n\t万元\n\t60\n", "\t60\n\t万元\n\t45\n",
     "indicator.cost", "warning"),
    ("qingshi_2024_projects.txt", "\t400000\n\t元\n\t400000\n", "\t400000\n\t万元\n\t400000\n",
     "indicator.cost", "error"),
    ("qingshi_2024_projects.txt", "会务保障经费、信息化运维经费项目绩效自评报告",
     "会务保障经费、档案数字化经费项目绩效自评报告", "parts.report_list", "warning"),
    ("qingshi_2024_projects.txt", "会务保障经费、信息化运维经费项目绩效自评报告",
     "会务保障经费等3个项目绩效自评报告", "parts.report_list", "warning"),
    ("qingshi_2024_projects.txt", "\t完成会议保障次数\n\t≥\n\t20\n\t次\n\t20\n\t30\n\t30\n",
     "\t完成会议保障次数\n\t≥\n\t20\n\t次\n\t20\n\t40\n\t30\n", "score.total", "warning"),
)  # fmt: skip


@pytest.mark.e2e
@pytest.mark.parametrize(("name", "old", "new", "rule", "severity"), MUTATIONS)
def test_each_rule_fires_on_one_edit(consistent, tmp_path, name, old, new, rule, severity):
    path = consistent / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    found = build_findings(consistent, tmp_path)
    hits = [f for f in found if f["rule"] == rule and f["severity"] == severity]
    assert hits, [(f["rule"], f["severity"], f["message"]) for f in found]
    for hit in hits:
        assert hit["evidence"], hit


# Consistent sentences that once tripped a rule (review findings); none may raise an alarm.
CONSISTENT_VARIANTS = (
    # two items in one sentence: each change belongs to the item named nearest before it
    "因公出国（境）费支出0万元，与2023年持平；公务用车购置及运行维护费支出8.00万元，"
    "比2023年减少1.00万元，下降11.11%。",
    # each verdict belongs to its own rate, not to the first one in the sentence
    "2024年度“三公”经费财政拨款支出决算为10.00万元，完成预算83.33%；其中公务接待费支出2.00万元，"
    "完成预算100%，决算数等于预算数；公务用车购置及运行维护费支出8.00万元，完成预算80.00%，"
    "决算数小于预算数。",
    # a comparison with this year's budget is not a wrong comparison year
    "机关运行经费比2024年年初预算减少2.00万元。",
    # a nested 其中 lists parts of a part
    "县委办内设机构5个，其中综合科室3个，业务科室2个，其中督查科室1个。",
    # project classes that add up to 项目支出
    "常年项目绩效分析。该类项目总数1个，涉及预算总金额60.00万元，1—12月预算执行总体进度为100%。"
    "阶段（一次性）项目绩效分析。该类项目总数1个，涉及预算总金额40.00万元，1—12月预算执行总体进度为100%。",
    # a reason about last year does not say which way this year went
    "2024年度，县委办机关运行经费支出50.00万元，比2023年增加5.00万元，增长11.11%，"
    "主要原因是上年因机构调整减少了支出，本年恢复正常。",
)


@pytest.mark.e2e
@pytest.mark.parametrize("sentence", CONSISTENT_VARIANTS)
def test_consistent_phrasing_variants_raise_no_alarm(consistent, tmp_path, sentence):
    path = consistent / "qingshi_2024.txt"
    anchor = "（四）部门财政资金结转结余情况"
    path.write_text(
        path.read_text(encoding="utf-8").replace(anchor, sentence + "\n" + anchor), encoding="utf-8"
    )
    found = build_findings(consistent, tmp_path)
    assert [f for f in found if f["severity"] != "info"] == []


def _peer(n: int, staff: float, sangong: float, kind: str = "党委部门") -> ReportData:
    q = Quote("…", "第1段", None, f"u{n}.txt")
    r = ReportData(f"r{n}", f"u{n}.txt", f"unit{n}", f"县{n}·单位", kind, 2024, "决算")
    r.facts = {"staff.actual": Stated(staff, q), "sangong.total": Stated(sangong, q)}
    return r


def test_outlier_among_comparable_units_is_explained_in_words():
    peers = [_peer(n, 20, 7.0 + 0.1 * n) for n in range(8)] + [_peer(9, 20, 48.0)]
    found = outliers(peers, {})
    assert [(f.report_id, f.rule) for f in found] == [("r9", "outlier.sangong_per_staff")]
    assert "人均三公经费 2.40 万元" in found[0].message
    assert "中位数 0.37 万元" in found[0].message


def test_no_outlier_without_enough_peers_or_other_kinds():
    few = [_peer(n, 20, 7.0 + 0.1 * n) for n in range(3)] + [_peer(9, 20, 48.0)]
    assert outliers(few, {}) == []
    mixed = [_peer(n, 20, 7.0 + 0.1 * n) for n in range(8)] + [_peer(9, 20, 48.0, "医院")]
    assert outliers(mixed, {}) == []


def test_robust_z_uses_median_and_mad():
    z = robust_z([1, 2, 3, 4, 100])
    assert z is not None and z[2] == 0 and z[4] > 3.5
    assert robust_z([5, 5, 5, 5]) is None


@pytest.mark.parametrize(
    ("diff", "severity"),
    [(0.0, None), (0.005, None), (0.01, "info"), (-0.01, "info"), (0.02, "error"), (0.19, "error")],
)
def test_amount_grading(diff, severity):
    assert amount_severity(diff) == severity


@pytest.mark.parametrize(
    ("stated", "expected", "severity"),
    [
        (16.92, 16.9189, None),
        (95.83, 95.8377, "info"),
        (80.57, 80.5648, "info"),
        (70.07, 70.028, "warning"),
        (-0.17, -16.9188, "error"),
        (72.8, 67.234, "error"),
        (72.8, 72.84, None),
    ],
)
def test_percentage_grading(stated, expected, severity):
    assert pct_severity(stated, expected) == severity


def test_readme_rule_table_is_generated_from_the_declarations():
    assert readme_block(README) == readme_table(), "run: python -m etl.checks --write-readme"
    assert [row[0] for row in rule_rows()] == sorted(RULE_CATALOG) == sorted(REGISTRY)


@pytest.mark.e2e
def test_check_rules_table_is_the_registry(samples_build):
    db, _ = samples_build
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute(
            "SELECT rule, name_zh, severity, description, tolerance FROM check_rules ORDER BY rule"
        ).fetchall()
        unknown = con.execute("SELECT rule FROM raw_findings ANTI JOIN check_rules USING (rule)")
        assert unknown.fetchall() == []
    assert stored == rule_rows()


def test_every_rule_function_declares_the_ids_it_emits():
    from etl.checks import CROSS_RULES, REPORT_RULES

    for fn in REPORT_RULES + CROSS_RULES:
        assert fn.rule_ids and all(i in REGISTRY for i in fn.rule_ids), fn.__name__
    every = [i for fn in REPORT_RULES + CROSS_RULES for i in fn.rule_ids]
    assert sorted(every) == sorted(REGISTRY)  # each id declared once, by one function


def test_every_dashboard_page_is_documented_in_the_readme():
    import ast

    tree = ast.parse((REPO / "dashboard.py").read_text(encoding="utf-8"))
    titles = [
        kw.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Page"
        for kw in node.keywords
        if kw.arg == "title"
    ]
    assert "核查与异常" in titles
    assert [t for t in titles if t not in README] == []


@pytest.mark.e2e
def test_schedule_and_narrative_disagreeing_keep_the_table_and_say_so(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(REPO / "tests" / "fixtures" / "schedules" / "schedules_conflict.docx", folder)
    found = build_findings(folder, tmp_path)
    hit = _one(found, "restated", "income.total")
    assert hit["stated"] == 1237.82 and hit["expected"] == 1240.0
    assert "附表与正文不一致，采用附表数值 1,237.82 万元" in hit["message"]
    assert [q for _, q in hit["evidence"]] == [
        "收入支出决算总表：本年收入合计｜1237.82",
        "本年收入合计1240.00万元",
    ]


@pytest.mark.e2e
def test_a_consistent_report_with_all_nine_schedules_raises_nothing(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(REPO / "tests" / "fixtures" / "schedules" / "schedules.docx", folder)
    assert build_findings(folder, tmp_path) == []


# Each injected inconsistency of the synthetic generator: the rules that must flag it, and
# the rules its side effects may also trip (a wrong component moves its share and change).
INJECTED_RULES = {
    "total_change_pct": ({"pct.change"}, set()),
    "sangong_components": ({"parts.sangong"}, {"parts.sangong_change", "pct.share", "pct.change"}),
    "score_sum": ({"score.total"}, set()),
    "restated_change": ({"restated"}, set()),
    "stale_year": ({"year.context"}, set()),
    "prior_year_mismatch": ({"across.prior_year"}, set()),
    "basic_parts": ({"parts.basic"}, set()),
    "sangong_over_budget": ({"sangong.over_budget"}, {"pct.completion"}),
}


def _synth_findings(tmp_path: Path, inject: tuple[str, ...]) -> tuple[Path, list[tuple]]:
    from etl.synth import SynthOptions, generate_corpus

    out = tmp_path / "synth"
    opts = SynthOptions(units=3, years=2, seed=3, formats=("docx",), inject=inject)
    generate_corpus(out, opts)
    db = tmp_path / "synth.duckdb"
    run = run_cli("build", "--db", str(db), str(out / "docx"))
    assert run.code == 0, run.out
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT source_file, rule, severity, message FROM findings").fetchall()
    con.close()
    return out, rows


def test_consistent_synthetic_corpus_raises_no_error_or_warning(tmp_path):
    """Fictional units over two years, both report kinds: not one contradiction found.

    Outliers are left out: with realistic random amounts a unit may legitimately stand out
    among its peers; that is a finding about the unit, not a false alarm about a report.
    """
    _, rows = _synth_findings(tmp_path, ())
    alarms = [r for r in rows if r[2] != "info" and not r[1].startswith("outlier.")]
    assert alarms == []


def test_injection_table_covers_the_generator():
    from etl.synth import INJECTIONS

    assert set(INJECTED_RULES) == set(INJECTIONS)


@pytest.mark.parametrize("kind", sorted(INJECTED_RULES))
def test_each_injected_synthetic_inconsistency_is_flagged(tmp_path, kind):
    must, may = INJECTED_RULES[kind]
    out, rows = _synth_findings(tmp_path, (kind,))
    by_file: dict[str, set[str]] = {}
    for source, rule, severity, _ in rows:
        if severity != "info" and not rule.startswith("outlier."):
            by_file.setdefault(Path(source).stem, set()).add(rule)
    carrying = set()
    for truth in sorted((out / "truth").glob("*.json")):
        kinds = {
            i["kind"] for i in json.loads(truth.read_text(encoding="utf-8"))["inconsistencies"]
        }
        if kind in kinds:
            carrying.add(truth.stem)
            assert must <= by_file.get(truth.stem, set()), (truth.stem, by_file.get(truth.stem))
    assert carrying, f"the generator applied {kind} to no report"
    # no other report is flagged, and the carrying ones only by the expected rules
    for stem, rules in by_file.items():
        assert stem in carrying and rules <= must | may, (stem, rules)


def test_indicator_target_in_prose_vs_table_matches_names_and_units():
    from etl.checks.project_rules import targets

    r = ReportData("r1", "x.docx", "u1", "安居·区委绩效办", "党委部门", 2024, "绩效自评")
    where = Quote("…", "第1个表格", None, "x.docx")

    def said(name: str, sign: str, value: float) -> Target:
        q = Quote(f"年初绩效指标值{name}{sign}{value:g}", "第9段", None, "x.docx")
        return Target(quote=q.quote, page=None, loc=q.loc, value=value, sign_unit=sign,
                      indicator=name, where=q)  # fmt: skip

    r.indicators = [IndicatorRow("督查经费", "区委、区府领导指示事项", "230", 10.0, 10.0, where)]
    r.mentions = [
        said("区委区府领导指示事项数", "≥", 220),  # same indicator, other value: flagged
        said("区委区府领导指示事项完成率", "≥%", 95),  # a rate, not the count: not compared
        said("迎接市级考核次数", "≥", 4),  # no such indicator in the table
    ]
    found = targets(r, {})
    assert [(f.rule, f.stated, f.expected) for f in found] == [("indicator.target", 220, 230)]
    assert "正文写 ≥220" in found[0].message and "自评表写 230" in found[0].message


def test_fiscal_income_stated_as_the_general_budget_part_only():
    from etl.checks.report_rules import fiscal_scope

    r = ReportData("r1", "x.txt", "u1", "峨边·县政府办", "政府部门", 2023, "绩效自评")

    def fact(value: float, words: str) -> Stated:
        return Stated(value, Quote(words, "第3段", None, "x.txt"))

    def said(value: float, year: int | None, loc: str = "第9段") -> FiscalIncome:
        q = Quote(f"财政拨款预算收入{value:g}万元", loc, None, "x.txt")
        return FiscalIncome(quote=q.quote, page=None, loc=loc, amount=value, year=year, where=q)

    r.facts = {
        "income.general_budget": fact(1231.16, "一般公共预算财政拨款收入1231.16万元"),
        "income.gov_fund": fact(205.82, "政府性基金预算财政拨款收入205.82万元"),
    }
    r.mentions = [
        said(1231.16, 2023),  # the general budget part only: flagged
        said(1436.98, None),  # every fund: right
        said(1300.00, 2023),  # a budget that differs: says nothing
        said(1231.16, 2022, "第12段"),  # last year's figure: not this year's
    ]
    found = fiscal_scope(r, {"income.gov_fund": "政府性基金预算财政拨款收入"})
    assert [(f.rule, f.severity, f.stated, f.expected) for f in found] == [
        ("parts.fiscal_scope", "warning", 1231.16, 1436.98)
    ]
    assert "政府性基金预算财政拨款收入 205.82 万元" in found[0].message
    # a reporting phrase with the wrong year (flagged by year.context) still speaks of this year
    r.mentions = [
        said(1231.16, 2022, "第12段"),
        YearReported(quote="2022年度", page=None, loc="第12段", year=2022),
    ]
    assert len(fiscal_scope(r, {})) == 1
    # no other fund received: the general budget is every 财政拨款
    del r.facts["income.gov_fund"]
    assert fiscal_scope(r, {}) == []


@pytest.mark.e2e
def test_fiscal_only_no_carryover_is_not_an_error(samples_build):
    """金口河·区委办 2024: “本部门财政资金无结转结余” beside 年初结转和结余 0.21 (bank interest)."""
    db, _ = samples_build
    hits = [f for f in findings_of(db, "002") if f["rule"] == "totals.no_carryover"]
    assert [h["severity"] for h in hits] == ["info"]
    assert "限于财政资金" in hits[0]["message"] and "863.25" in hits[0]["message"]


@pytest.mark.e2e
def test_one_template_slip_in_a_scoring_table_is_one_finding(samples_build):
    """安居 2024: four section maxima left from a template are one warning naming each."""
    db, _ = samples_build
    hits = [f for f in findings_of(db, "004") if f["rule"] == "score.sections"]
    assert len(hits) == 1 and hits[0]["severity"] == "warning"
    for heading in ("预算管理（21分）", "项目绩效（35分）", "项目执行（12分）", "目标实现（11分）"):
        assert heading in hits[0]["message"]


def test_every_error_on_the_reference_reports_states_its_figures():
    """Every error message carries the figures it compares (a person can redo the sum)."""
    import re

    for path in sorted(GOLDEN.glob("*.json")):
        for f in json.loads(path.read_text(encoding="utf-8")):
            if f["severity"] == "error":
                assert len(re.findall(r"\d", f["message"])) >= 4, (path.name, f["message"])


@pytest.mark.e2e
def test_dev_reports_one_cause_one_finding(tmp_path):
    """Dev reports: unread item scores prove nothing (h01); a 财政拨款-only no-carryover is info
    (h02); a 三公 total off its parts is one error naming the shares and change it explains (h06)."""
    db = tmp_path / "dev.duckdb"
    assert run_cli("build", "--db", str(db), str(REPO / "tests/fixtures/dev/txt")).code == 0
    found = {stem: findings_of(db, stem) for stem in ("h01", "h02", "h06")}
    assert not [f for f in found["h01"] if f["rule"] == "score.total"]
    assert [f["severity"] for f in found["h02"] if f["rule"] == "totals.no_carryover"] == ["info"]
    sangong = [f for f in found["h06"] if f["rule"] == "parts.sangong"]
    assert len(sangong) == 1 and sangong[0]["severity"] == "error"
    assert "81.38%" in sangong[0]["message"] and "-2.09" in sangong[0]["message"]
    assert not [f for f in found["h06"] if f["rule"] in ("pct.share", "parts.sangong_change")
                and f["severity"] != "info"]  # fmt: skip
    assert sorted(f["rule"] for f in found["h06"] if f["severity"] == "error") == [
        "parts.sangong",
        "pct.change",
    ]  # the two listed inconsistencies of h06, each once


def _report(facts: dict[str, float], mentions: list[Statement]) -> ReportData:
    """Given figures and statements, return an in-process report bundle (no build)."""
    q = Quote("…", "第1段", 3, "r.pdf")
    r = ReportData("r1", "r.pdf", "u1", "县·单位", "党委部门", 2024, "决算")
    r.facts = {k: Stated(v, q) for k, v in facts.items()}
    r.mentions = [m.cited(q) for m in mentions]
    return r


def _said(kind: type[Statement], quote: str = "…", **fields) -> Statement:
    """Given a statement kind, its words and fields, return it as said on page 3."""
    return kind(quote=quote, page=3, loc="第2段", **fields)


@pytest.mark.parametrize(
    ("scope", "severity"), [("", "error"), ("fiscal", "info"), ("project", "warning")]
)
def test_no_carryover_is_graded_by_the_scope_of_its_sentence(scope, severity):
    from etl.checks.report_rules import no_carryover

    r = _report(
        {"total.income_expenditure": 863.44, "expenditure.total": 863.25},
        [_said(NoCarryover, scope=scope)],
    )
    found = no_carryover(r, {})
    assert [f.severity for f in found] == [severity]
    assert "863.44" in found[0].message and "0.19" in found[0].message


def test_fiscal_no_carryover_still_binds_the_fiscal_totals():
    from etl.checks.report_rules import no_carryover

    r = _report(
        {"total.income_expenditure": 100.0, "expenditure.total": 90.0, "fiscal.total": 100.0,
         "income.general_budget": 90.0},
        [_said(NoCarryover, scope="fiscal")],
    )  # fmt: skip
    found = no_carryover(r, {})
    assert len(found) == 1 and found[0].severity == "error"  # one statement, one finding
    assert "财政拨款收、支总计" in found[0].message and "收、支总计 100.00" in found[0].message


def test_section_maxima_left_from_a_template_are_one_warning():
    from etl.checks.score_rules import sections

    heads = [
        ("预算管理（21分）", 21, 31, 29.6),
        ("项目执行（12分）", 12, 15, 15),
        ("产出（30分）", 30, 30, 30),
    ]
    r = _report({}, [_said(SectionMax, q, table="部门整体", most=most, weights=weights,
                           scores=got, name="") for q, most, weights, got in heads])  # fmt: skip
    found = sections(r, {})
    assert [f.severity for f in found] == ["warning"]
    assert "预算管理（21分）" in found[0].message and "项目执行（12分）" in found[0].message
    assert "产出" not in found[0].message


def test_staffing_control_rate_is_not_an_error():
    from etl.checks.pct_rules import shares

    stated = "编制数 36 / 实际在职人数 26 / 控制率 100%"
    r = _report({}, [_said(Share, stated, of_metric=None, amount=26, pct=100, of_amount=36,
                           counted="人")])  # fmt: skip
    assert [f.severity for f in shares(r, {})] == ["info"]
    r.mentions[0] = replace(r.mentions[0], pct=60.0)  # not 100%: a formula would be needed
    assert [f.severity for f in shares(r, {})] == ["warning"]
