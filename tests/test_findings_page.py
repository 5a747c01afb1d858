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


def test_findings_page_lists_errors_and_warnings_with_counts(samples_db, use_db):
    use_db(samples_db)
    at = open_app("findings")
    assert_clean(at)
    assert [t.value for t in at.title] == ["核查与异常"]
    counts = _counts(samples_db)
    assert [m.label for m in at.metric] == ["错误", "警告", "提示（舍入差异等）", "涉及单位"]
    assert [m.value for m in at.metric[:3]] == [
        f"{counts.get(s, 0)} 条" for s in ("error", "warning", "info")
    ]
    table = at.dataframe[0].value
    assert len(table) == counts["error"] + counts["warning"]  # default: errors and warnings
    assert set(table["严重程度"]) == {"错误", "警告"}
    assert {"峨边·县委办", "金口河·区委办", "双牌·县委办"} <= set(table["单位"])
    assert any("16.92%" in m and "0.17%" in m for m in table["说明"])


def test_first_finding_opens_with_its_quotes(samples_db, use_db):
    use_db(samples_db)
    at = open_app("findings")
    assert_clean(at)
    first = at.dataframe[0].value.iloc[0]
    texts = [m.value for m in at.markdown]
    assert first["说明"] in texts
    assert any(t.startswith(":red-badge[错误]") and first["单位"] in t for t in texts)
    quotes = [t for t in texts if t.startswith("> ")]
    assert quotes and all("<small>" in q and "第" in q for q in quotes)


def test_link_selects_severity_rule_and_finding(samples_db, use_db):
    use_db(samples_db)
    at = open_app("findings", {"fd_sev": "提示（舍入差异等）", "fd_rule": "pct.share"})
    assert_clean(at)
    table = at.dataframe[0].value
    assert len(table) > 0 and set(table["严重程度"]) == {"提示（舍入差异等）"}
    assert set(table["规则"]) == {"pct.share"}
    link = share_link(at)
    assert link.startswith(BASE_URL + "findings?") and "fd_rule=pct.share" in link
    # the link reproduces the view, including the finding whose evidence is open
    pick = at.selectbox(key="fd_pick").options[1]
    at.selectbox(key="fd_pick").select(pick).run()
    again = open_app("findings", _params(share_link(at)))
    assert_clean(again)
    assert again.selectbox(key="fd_pick").value == at.selectbox(key="fd_pick").value
    assert again.dataframe[0].value.equals(at.dataframe[0].value)


def _params(link: str) -> dict[str, list[str]]:
    from urllib.parse import parse_qs, urlsplit

    return {k: v if len(v) > 1 else v[0] for k, v in parse_qs(urlsplit(link).query).items()}


def test_unknown_rule_in_link_is_a_notice_not_an_error(samples_db, use_db):
    use_db(samples_db)
    at = open_app("findings", {"fd_rule": "no.such.rule"})
    assert not at.exception
    assert at.dataframe  # the page still lists findings


def test_findings_download_has_evidence(samples_db, use_db):
    from pages.findings import evidence_text

    con = duckdb.connect(str(samples_db), read_only=True)
    raw = con.execute("SELECT evidence FROM findings WHERE rule = 'restated' LIMIT 1").fetchone()[0]
    con.close()
    text = evidence_text(raw)
    assert "214.36" in text and "002_bf967062ffb9ca21.docx" in text
    assert len(text.splitlines()) == len(json.loads(raw))


@pytest.mark.parametrize("sheet", ["核查结果"])
def test_excel_export_of_findings(samples_db, use_db, sheet):
    from dashboard_lib.export import excel_bytes
    from warehouse import queries as q

    con = duckdb.connect(str(samples_db), read_only=True)
    df = q.findings_list(con, q.Filters())
    con.close()
    book = openpyxl.load_workbook(io.BytesIO(excel_bytes({sheet: df})))
    assert book[sheet].max_row == len(df) + 1
