"""AppTest checks of the 核查与异常 page on the warehouse built from the bundled samples."""

from __future__ import annotations

import io
import json

import duckdb
import openpyxl
import pytest

from tests.test_pages import BASE_URL, assert_clean, open_app, share_link


@pytest.fixture
def use_db(monkeypatch: pytest.MonkeyPatch):
    def _use(path) -> None:
        monkeypatch.setenv("JUESUAN_DB", str(path))
        monkeypatch.setenv("JUESUAN_AUTOBUILD", "0")

    return _use


def _counts(db) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(con.execute("SELECT severity, count(*) FROM findings GROUP BY 1").fetchall())
    finally:
        con.close()


def _visible(at) -> str:
    """Given a run app, return every text it shows a person (labels, values, cells)."""
    parts = [t.value for t in at.title] + [m.value for m in at.markdown]
    parts += [t.value for t in at.text] + [c.value for c in at.caption]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    for df in at.dataframe:
        parts += list(df.value.columns) + [str(v) for v in df.value.to_numpy().ravel()]
    return "\n".join(str(p) for p in parts)


@pytest.mark.e2e
def test_findings_page_lists_errors_and_warnings_with_counts(samples_db, use_db):
    use_db(samples_db)
    at = open_app("findings")
    assert_clean(at)
    assert [t.value for t in at.title] == ["核查与异常"]
    counts = _counts(samples_db)
    assert [m.label for m in at.metric] == ["错误", "警告", "提示", "涉及单位"]
    # the tiles count the list: errors and warnings by default; 提示, not listed, reads 未选
    # with how many there are, not 0
    assert [m.value for m in at.metric[:3]] == [
        f"{counts.get('error', 0)} 条",
        f"{counts.get('warning', 0)} 条",
        "未选",
    ]
    assert at.metric[2].delta == f"共 {counts['info']} 条"
    table = at.dataframe[0].value
    assert len(table) == counts["error"] + counts["warning"]  # default: errors and warnings
    assert set(table["严重程度"]) == {"错误", "警告"}
    assert {"峨边·县委办 2024", "金口河·区委办 2024", "双牌·县委办 2023"} <= set(table["报告"])
    assert any("16.92%" in m and "0.17%" in m for m in table["说明"])
    assert "增减率与增减额" in set(table["规则"])  # rules by Chinese name, not id


@pytest.mark.e2e
def test_page_shows_no_rule_id_or_english_severity(samples_db, use_db):
    use_db(samples_db)
    at = open_app("findings")
    shown = _visible(at)
    for word in ("error", "warning", "info", "pct.change", "parts.", "Select all", "MAD"):
        assert word not in shown, word
    assert not [m for m in at.dataframe[0].value["说明"] if "z 值" in m]  # statistic: detail only


@pytest.mark.e2e
def test_first_finding_opens_with_its_quotes(samples_db, use_db):
    use_db(samples_db)
    at = open_app("findings")
    assert_clean(at)
    first = at.dataframe[0].value.iloc[0]
    texts = [t.value for t in at.text]
    assert first["说明"] in texts
    assert any(first["报告"] in t and first["规则"] in t for t in texts)
    quotes = [t for t in texts if t.startswith("“")]
    places = [c.value for c in at.caption if "第" in c.value]
    assert quotes and len(places) >= len(quotes)


@pytest.mark.e2e
def test_tiles_follow_the_severity_and_rule_filters(samples_db, use_db):
    use_db(samples_db)
    at = open_app("findings", {"fd_rule": "pct.share"})
    assert_clean(at)
    table = at.dataframe[0].value
    assert set(table["规则"]) == {"占比与金额"}
    values = [int(m.value.split()[0]) for m in at.metric[:2]]
    assert sum(values) == len(table) and at.metric[2].value == "未选"
    hidden = at.metric[2].delta  # the 提示 the rule filter finds, not listed
    at = open_app("findings", {"fd_sev": "提示", "fd_rule": "pct.share"})
    table = at.dataframe[0].value
    assert len(table) > 0 and set(table["严重程度"]) == {"提示"}
    assert [m.value for m in at.metric[:3]] == ["未选", "未选", f"{len(table)} 条"]
    assert hidden == f"共 {len(table)} 条"


@pytest.mark.e2e
def test_link_keeps_rule_id_and_finding(samples_db, use_db):
    use_db(samples_db)
    at = open_app("findings", {"fd_sev": "提示", "fd_rule": "pct.share"})
    link = share_link(at)
    assert link.startswith(BASE_URL + "findings?") and "fd_rule=pct.share" in link
    con = duckdb.connect(str(samples_db), read_only=True)
    second = con.execute(
        "SELECT finding_id, message FROM findings WHERE rule = 'pct.share' AND severity = 'info'"
        " ORDER BY display_name, fiscal_year, doc_kind, rule, finding_id LIMIT 1 OFFSET 1"
    ).fetchone()
    con.close()
    again = open_app("findings", {"fd_sev": "提示", "fd_rule": "pct.share", "fd_pick": second[0]})
    assert_clean(again)
    assert second[1] in [t.value for t in again.text]  # the linked finding's evidence is open


@pytest.mark.e2e
def test_findings_download_has_evidence(samples_db, use_db):
    from pages.findings import evidence_text

    con = duckdb.connect(str(samples_db), read_only=True)
    raw = con.execute("SELECT evidence FROM findings WHERE rule = 'restated' LIMIT 1").fetchone()[0]
    con.close()
    text = evidence_text(raw)
    assert "214.36" in text and "002_bf967062ffb9ca21.docx" in text
    assert len(text.splitlines()) == len(json.loads(raw))


@pytest.mark.e2e
@pytest.mark.parametrize("sheet", ["核查结果"])
def test_excel_export_of_findings(samples_db, use_db, sheet):
    from dashboard_lib.export import excel_bytes
    from warehouse import queries as q

    con = duckdb.connect(str(samples_db), read_only=True)
    df = q.findings_list(con, q.Filters())
    con.close()
    book = openpyxl.load_workbook(io.BytesIO(excel_bytes({sheet: df})))
    assert book[sheet].max_row == len(df) + 1


@pytest.mark.e2e
def test_export_names_the_unit_of_every_figure_column(samples_db, use_db):
    from pages.findings import EXPORT_COLUMNS

    figures = [v for k, v in EXPORT_COLUMNS.items() if k.startswith(("stated", "expected"))]
    assert figures and all("（" in v and ("万元" in v or "%" in v or "个" in v) for v in figures)


@pytest.mark.e2e
def test_without_password_nothing_can_be_marked(samples_db, use_db, monkeypatch):
    monkeypatch.delenv("JUESUAN_EDITOR_PASSWORD", raising=False)
    use_db(samples_db)
    at = open_app("findings")
    assert_clean(at)
    assert not at.text_input and not [r for r in at.radio if r.key.startswith("fd_mark")]
    assert not [b for b in at.button if b.label == "保存核查状态"]
    assert any(t.value.startswith("核查状态：未核查") for t in at.text)


def _mark(at, status: str, note: str = "") -> None:
    next(r for r in at.radio if r.key.startswith("fd_mark_status_")).set_value(status)
    if note:
        next(t for t in at.text_input if t.key.startswith("fd_mark_note_")).input(note)
    next(b for b in at.button if b.label == "保存核查状态").click().run()


@pytest.mark.e2e
def test_a_mark_survives_a_forced_rebuild(samples_db, use_db, monkeypatch):
    from tests.conftest import SAMPLES, run_cli

    monkeypatch.setenv("JUESUAN_EDITOR_PASSWORD", "s3cret")
    use_db(samples_db)
    at = open_app("findings")
    assert not [r for r in at.radio if r.key.startswith("fd_mark")]  # locked until unlocked
    at.text_input(key="fd_password").input("s3cret").run()
    assert_clean(at)
    first = at.dataframe[0].value.iloc[0]
    _mark(at, "已核实", "已与财务科核对")
    assert_clean(at)
    assert (samples_db.parent / "finance.review.json").exists()
    assert run_cli("build", "--db", str(samples_db), "--force", str(SAMPLES)).code == 0
    again = open_app("findings")
    row = again.dataframe[0].value.iloc[0]
    assert row["说明"] == first["说明"] and row["核查状态"] == "已核实"
    assert "核查状态：已核实（已与财务科核对）" in [t.value for t in again.text]
    # 误报 is hidden by default
    again.text_input(key="fd_password").input("s3cret").run()
    _mark(again, "误报")
    assert first["说明"] not in set(open_app("findings").dataframe[0].value["说明"])


def test_unit_chart_counts_whole_findings():
    import pandas as pd

    from pages.findings import unit_chart

    summary = pd.DataFrame(
        {"display_name": ["甲·县委办", "乙·县财政局"], "n_error": [1, 0], "n_warning": [1, 2], "n_info": [0, 0]}
    )  # fmt: skip
    axis = unit_chart(summary).layout.xaxis
    assert axis.tickformat == "d" and axis.dtick == 1  # ticks 0, 1, 2: never “0.5 条”
    many = summary.assign(n_info=[40, 3])
    assert unit_chart(many).layout.xaxis.dtick is None  # 42 findings: plotly's whole-number steps
