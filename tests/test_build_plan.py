"""Tests of the build's plan (etl/build/plan.py): what is parsed, carried and which duplicate wins."""

from __future__ import annotations

from pathlib import Path

from etl import PARSER_VERSION
from etl.build.model import FileOutcome, InputFile
from etl.build.old import Old
from etl.build.plan import decide, gather, plan_files
from etl.build.writer import stage
from etl.model import Fact, Report

SHA = {name: name * 64 for name in "abcdef"}  # one fake sha256 per letter


def _item(name: str, sha: str | None) -> InputFile:
    return InputFile(Path(f"/in/{name}"), f"/in/{name}", name, sha256=sha)


def _row(sha: str, name: str, unit: str = "某某区财政局", year: int = 2024, **extra) -> dict:
    row = {
        "report_id": sha[:16], "source_sha256": sha, "parser_version": PARSER_VERSION,
        "unit_name_stated": unit, "unit_short_stated": None, "region_stated": "某某区",
        "city_stated": None, "fiscal_year": year, "doc_kind": "决算", "fmt": "docx",
        "source_file": name, "source_path": f"/in/{name}",
    }  # fmt: skip
    row.update(extra)
    return row


def _old(rows: list[dict], counts: dict[str, int] | None = None, duplicates=None) -> Old:
    info = {"parser_version": PARSER_VERSION, "aliases_sha256": "x"}
    reports = {r["report_id"]: r for r in rows}
    counts = counts or {r["report_id"]: 3 for r in rows}
    return Old(reports, counts, duplicates or {}, {}, info, {})


def _report(name: str, unit: str, facts: int, fmt: str = "docx", year: int = 2024):
    report = Report(name, fmt, 1, unit, None, "某某区", None, year, "决算")
    report.facts = [Fact(f"m{i}", 1.0, "万元", "q", 1, "p1") for i in range(facts)]
    return stage(report, name)


def test_unchanged_files_are_carried_and_the_rest_parsed():
    inputs = [_item("a.docx", SHA["a"]), _item("b.docx", SHA["b"]), _item("c.docx", None)]
    old = _old([_row(SHA["a"], "a.docx")])
    plan = plan_files(inputs, {2: "文件为空"}, {}, old, force=False, aliases_sha="x")
    assert list(plan.carried) == [0] and plan.to_parse == [1] and not plan.dup_carried
    forced = plan_files(inputs, {2: "文件为空"}, {}, old, force=True, aliases_sha="x")
    assert forced.carried == {} and forced.to_parse == [0, 1]


def test_a_report_of_an_older_parser_is_parsed_again():
    inputs = [_item("a.docx", SHA["a"])]
    old = _old([_row(SHA["a"], "a.docx", parser_version=PARSER_VERSION + "-old")])
    assert plan_files(inputs, {}, {}, old, force=False, aliases_sha="x").to_parse == [0]


def test_an_identical_copy_is_neither_parsed_nor_carried():
    inputs = [_item("a.docx", SHA["a"]), _item("a copy.docx", SHA["a"])]
    plan = plan_files(inputs, {}, {1: 0}, None, force=False, aliases_sha="")
    assert plan.to_parse == [0] and plan.carried == {}


def test_an_old_duplicate_is_carried_only_with_its_winner_and_the_same_aliases():
    inputs = [_item("a.docx", SHA["a"]), _item("a.pdf", SHA["b"])]
    dup = {"report_id": SHA["a"][:16], "message": "与 a.docx 为同一报告", "fact_count": 2}
    old = _old([_row(SHA["a"], "a.docx")], duplicates={SHA["b"]: dup})
    plan = plan_files(inputs, {}, {}, old, force=False, aliases_sha="x")
    assert plan.dup_carried == {1: dup} and plan.to_parse == []
    assert plan_files(inputs, {}, {}, old, force=False, aliases_sha="y").to_parse == [1]
    winner_changed = [_item("a.docx", SHA["c"]), inputs[1]]
    assert plan_files(winner_changed, {}, {}, old, force=False, aliases_sha="x").to_parse == [0, 1]


def test_more_facts_win_then_format_and_the_loser_says_why():
    inputs = [_item("a.pdf", SHA["a"]), _item("b.docx", SHA["b"]), _item("c.docx", SHA["c"])]
    parsed = {
        0: _report("a.pdf", "某某区财政局", 5, fmt="pdf"),
        1: _report("b.docx", "某某区财政局", 5),
        2: _report("c.docx", "某某区财政局", 4),
    }
    plan = plan_files(inputs, {}, {}, None, force=False, aliases_sha="")
    candidates = gather(inputs, plan, parsed, None, prune=False)
    decision = decide(inputs, {}, candidates, plan, {}, None, {})
    assert list(decision.kept) == [SHA["b"][:16]]
    out = decision.outcomes
    assert [out[n].status for n in range(3)] == ["duplicate", "loaded", "duplicate"]
    assert "格式优先" in out[0].message and "指标更多（5 项，对方 4 项）" in out[2].message


def test_absent_files_keep_their_report_unless_pruned_and_a_new_file_replaces_them():
    old = _old([_row(SHA["a"], "gone.docx"), _row(SHA["b"], "old.docx", unit="另一单位")])
    inputs = [_item("new.docx", SHA["c"])]
    parsed = {0: _report("new.docx", "另一单位", 9)}
    plan = plan_files(inputs, {}, {}, old, force=False, aliases_sha="x")
    decision = decide(inputs, {}, gather(inputs, plan, parsed, old, False), plan, {}, old, {})
    assert sorted(decision.kept) == sorted([SHA["a"][:16], SHA["c"][:16]])
    assert decision.retained == ["gone.docx"]
    assert decision.notes and decision.notes[0].startswith("old.docx: 旧报告")
    pruned = decide(inputs, {}, gather(inputs, plan, parsed, old, True), plan, {}, old, {})
    assert list(pruned.kept) == [SHA["c"][:16]] and pruned.retained == []


def test_a_failed_file_hears_that_its_earlier_version_is_kept():
    old = _old([_row(SHA["a"], "a.docx")])
    inputs = [_item("a.docx", SHA["b"])]  # the file changed and now fails
    failed = {0: FileOutcome(inputs[0], "failed", "解析出错")}
    plan = plan_files(inputs, {}, {}, old, force=False, aliases_sha="x")
    decision = decide(inputs, failed, gather(inputs, plan, {}, old, False), plan, {}, old, {})
    assert decision.outcomes[0].message.startswith("解析出错；仓库中保留上次载入的 a.docx")
    assert failed[0].message == "解析出错"  # the caller's outcome is not changed


def test_an_identical_copy_points_at_the_kept_report():
    inputs = [_item("a.docx", SHA["a"]), _item("a copy.docx", SHA["a"])]
    plan = plan_files(inputs, {}, {1: 0}, None, force=False, aliases_sha="")
    parsed = {0: _report("a.docx", "某某区财政局", 2)}
    decision = decide(inputs, {}, gather(inputs, plan, parsed, None, False), plan, {1: 0}, None, {})
    copy = decision.outcomes[1]
    assert copy.status == "duplicate" and copy.report_id == SHA["a"][:16]
    assert copy.message == "与 a.docx 内容完全相同，保留 a.docx"
