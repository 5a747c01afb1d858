"""核查与异常: contradictions inside reports, across years and outliers, each with its evidence.

Every string that comes from a report (quotes, file names, unit names, messages) is shown with
st.text or as a table cell, never as Markdown or HTML.
"""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard_lib import frame, review, state
from dashboard_lib.data import query
from dashboard_lib.export import csv_bytes, excel_bytes
from dashboard_lib.filters import current_filters
from etl.review import STATUSES

SEVERITY_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_HELP = {"info": "舍入差异等，多半无需处理"}
SEVERITY_BADGE = {"error": "red", "warning": "orange", "info": "blue"}
SEVERITY_COLOR = {"error": "#c0392b", "warning": "#e67e22", "info": "#2e86c1"}
DEFAULT_SEVERITIES = ["error", "warning"]
ALL_RULES = ""  # the rule filter's first option
NOT_REVIEWED = "未核查"
# tab id (in the link as fd_tab) -> title; only the open tab is drawn
TABS = {"list": "逐条核查", "units": "按单位汇总", "rules": "规则说明", "download": "下载"}
MAX_UNITS = 40  # the per-unit chart shows the units with the most findings
MAX_UNIT_TICKS = 10  # at most this many findings per unit: one axis tick per finding
LIST_COLUMNS = {
    "level": "严重程度",
    "report_shown": "报告",
    "rule_name": "规则",
    "message": "说明",
    "status_shown": "核查状态",
}
# unit of the stated / expected figures -> the export column group it goes to
UNIT_GROUPS = {"万元": "万元", "%": "%"}
OTHER_UNITS = "个、分、辆等，见“单位”列"
EXPORT_COLUMNS = {
    "severity_zh": "严重程度",
    "display_name": "单位",
    "region": "地区",
    "fiscal_year": "年度",
    "doc_kind": "报告类型",
    "rule_name": "规则",
    "rule": "规则编号",
    "metric_label": "指标",
    "metric": "指标代码",
    "stated_wan": "报告所写（万元）",
    "expected_wan": "据其他数字应为（万元）",
    "stated_pct": "报告所写（%）",
    "expected_pct": "据其他数字应为（%）",
    "stated_other": f"报告所写（{OTHER_UNITS}）",
    "expected_other": f"据其他数字应为（{OTHER_UNITS}）",
    "unit": "单位",
    "message": "说明",
    "detail": "统计依据",
    "evidence_text": "原文证据",
    "review_status": "核查状态",
    "review_note": "核查备注",
    "source_file": "来源文件",
    "finding_id": "核查编号",
}


def evidence_of(raw: str) -> list[dict]:
    """Given a finding's evidence JSON, return its quotes (file, loc, page, quote)."""
    try:
        items = json.loads(raw or "[]")
    except ValueError:
        return []
    return [e for e in items if isinstance(e, dict) and e.get("quote")]


def place_of(e: dict) -> str:
    """Given one quote, return where a person finds it (file · page, or file · place)."""
    where = f"第 {e['page']} 页" if e.get("page") else str(e.get("loc") or "")
    return " · ".join(x for x in (str(e.get("file") or ""), where) if x)


def evidence_text(raw: str) -> str:
    """Given a finding's evidence JSON, return it as one line per quote for downloads."""
    return "\n".join(f"{place_of(e)}：“{e['quote']}”" for e in evidence_of(raw))


def split_by_unit(found: pd.DataFrame) -> pd.DataFrame:
    """Given findings, return them with stated/expected spread into columns by unit."""
    out = found.copy()
    for group, suffix in (("万元", "wan"), ("%", "pct"), (None, "other")):
        mask = found["unit"].isin(UNIT_GROUPS) if group is None else found["unit"] == group
        if group is None:
            mask = ~mask
        for col in ("stated", "expected"):
            out[f"{col}_{suffix}"] = found[col].where(mask)
    return out


def show_finding(row: pd.Series, editable: bool) -> None:
    """Show one finding beside the list: its sentence, the statistic, every quote, its status."""
    with st.container(border=True, key="fd_evidence"):
        st.badge(SEVERITY_LABEL[row["severity"]], color=SEVERITY_BADGE[row["severity"]])
        st.text(
            f"{row['display_name']} {int(row['fiscal_year'])}年{row['doc_kind']} · {row['rule_name']}"
        )
        st.text(row["message"])
        if row.get("detail"):
            st.text(f"统计依据：{row['detail']}")
        st.text(f"原文证据（{len(evidence_of(row['evidence']))} 处）")
        for e in evidence_of(row["evidence"]):
            with st.container(border=True):
                st.text(f"“{e['quote']}”")
                st.caption(place_of(e).replace("[", "［").replace("]", "］"))
        status = row.get("review_status") or NOT_REVIEWED
        if not editable:
            note = f"（{row['review_note']}）" if row.get("review_note") else ""
            st.text(f"核查状态：{status}{note}")
            return
        options = [NOT_REVIEWED, *STATUSES]
        key = row["review_key"]
        st.radio(
            "核查状态", options, index=options.index(status), horizontal=True,
            key=f"fd_mark_status_{key}",
        )  # fmt: skip
        st.text_input("备注", value=row.get("review_note") or "", key=f"fd_mark_note_{key}")
        about = f"{row['display_name']} {int(row['fiscal_year'])} {row['rule']}"
        st.button("保存核查状态", key=f"fd_mark_save_{key}", on_click=_save_mark, args=(key, about))


def _save_mark(key: str, about: str) -> None:
    """Given a finding's fingerprint, store the status and note its widgets hold (a callback)."""
    chosen = st.session_state.get(f"fd_mark_status_{key}")
    note = st.session_state.get(f"fd_mark_note_{key}") or ""
    review.save(key, None if chosen in (None, NOT_REVIEWED) else chosen, note, about)


def unit_chart(summary: pd.DataFrame) -> go.Figure:
    """Given findings counted per unit and year, return horizontal stacked bars by severity."""
    per_unit = (
        summary.groupby("display_name")[["n_error", "n_warning", "n_info"]]
        .sum()
        .sort_values(["n_error", "n_warning", "n_info"], ascending=False)
        .head(MAX_UNITS)
        .iloc[::-1]  # plotly draws the first bar at the bottom: most findings on top
    )
    fig = go.Figure()
    for col, sev in (("n_error", "error"), ("n_warning", "warning"), ("n_info", "info")):
        fig.add_trace(
            go.Bar(
                y=per_unit.index, x=per_unit[col], name=SEVERITY_LABEL[sev], orientation="h",
                marker_color=SEVERITY_COLOR[sev],
                hovertemplate="<b>%{y}</b><br>" + SEVERITY_LABEL[sev] + "：%{x} 条<extra></extra>",
            )
        )  # fmt: skip
    fig.update_layout(
        barmode="stack", title={"text": "各单位核查结果（全部规则）", "font": {"size": 15}}
    )
    most = int(per_unit.sum(axis=1).max()) if len(per_unit) else 0
    # whole findings only: one tick per finding while they fit, never “0.5 条”
    fig.update_xaxes(title_text="条", tickformat="d", rangemode="tozero")
    if most <= MAX_UNIT_TICKS:
        fig.update_xaxes(dtick=1)
    return frame.style(fig, height=160 + 24 * len(per_unit))


def severity_filter() -> list[str]:
    """Show the severity pills (in the link by id as fd_sev); return the chosen severities."""
    return state.id_multiselect(
        "严重程度", list(SEVERITY_LABEL), key="fd_sev", format_func=SEVERITY_LABEL.get,
        default=DEFAULT_SEVERITIES, widget="pills",
    )  # fmt: skip


def rule_filter(rules: pd.DataFrame) -> str:
    """Show the rule picker by Chinese name (the link keeps the id as fd_rule); return the id."""
    ids = [ALL_RULES, *rules["rule"]]
    names = dict(zip(rules["rule"], rules["name_zh"], strict=True)) | {ALL_RULES: "全部规则"}
    asked = state.link_values("fd_rule")
    index = 0
    if asked:
        if len(asked) > 1:
            state.repeated("规则", asked)
        if asked[-1] in names:
            index = ids.index(asked[-1])
        else:
            state.notice(f"链接中的规则参数“{asked[-1]}”无法识别，已忽略。")
    chosen = st.selectbox("规则", ids, index=index, format_func=names.get, key="fd_rule")
    state.keep_in_link("fd_rule", [chosen] if chosen else None)
    return chosen


def render() -> None:
    frame.page_title("核查与异常", "报告内部的矛盾、跨年度不一致与同类单位中的离群值，每条附原文")
    if not frame.has_reports():
        return
    f = current_filters()
    rules = query("finding_rules")
    c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
    with c1:
        severities = severity_filter()
    with c2:
        rule = rule_filter(rules)
    with c3:
        show_false = state.toggle("显示已标为误报的", key="fd_false")  # in the link
    everything = review.with_status(query("findings_list", f, tuple(SEVERITY_LABEL), None))
    keep_but_severity = pd.Series(True, index=everything.index)
    if rule:
        keep_but_severity &= everything["rule"] == rule
    if not show_false:
        keep_but_severity &= everything["review_status"] != "误报"
    keep = keep_but_severity & everything["severity"].isin(severities)
    found = everything[keep]
    # the tiles count what the list shows: every filter applies to them; a severity left out
    # of the list reads 未选 with how many the other filters find, never a 0 it does not have
    k = st.columns(4)
    counts = everything.loc[keep_but_severity, "severity"].value_counts()
    for col, sev in zip(k, SEVERITY_LABEL, strict=False):
        shown, n = sev in severities, int(counts.get(sev, 0))
        col.metric(
            SEVERITY_LABEL[sev], f"{n} 条" if shown else "未选", None if shown else f"共 {n} 条",
            delta_color="off", delta_arrow="off", border=True, help=SEVERITY_HELP.get(sev),
        )  # fmt: skip
    k[3].metric("涉及单位", f"{found['display_name'].nunique()} 个", border=True)
    editable = review.can_mark()

    found = found.assign(
        level=[SEVERITY_LABEL[s] for s in found["severity"]],
        status_shown=[s or NOT_REVIEWED for s in found["review_status"]],
        report_shown=[
            f"{n} {int(y)}"
            for n, y in zip(found["display_name"], found["fiscal_year"], strict=True)
        ],
    ).reset_index(drop=True)
    tabs = state.tabs(TABS, key="fd_tab", owns={"list": ["fd_pick"]})
    tabs.draw(
        {
            "list": lambda: finding_list(found, editable),
            "units": lambda: units_tab(f),
            "rules": lambda: rules_tab(rules),
            "download": lambda: download_tab(found),
        }
    )


def finding_list(found: pd.DataFrame, editable: bool) -> None:
    """Given the listed findings, show them with the picked one's evidence beside them."""
    if found.empty:
        frame.empty("所选范围和条件下没有核查结果。")
        state.keep(["fd_pick"])  # the linked finding stays in the link for wider filters
        return
    left, right = st.columns([3, 2])
    with left:
        st.caption(f"共 {len(found)} 条。点选一行，右侧显示该条的原文证据。")
        picked = st.dataframe(
            found[list(LIST_COLUMNS)].rename(columns=LIST_COLUMNS),
            hide_index=True, width="stretch", height=560, key="fd_table",
            on_select="rerun", selection_mode="single-row",
            column_config={
                "严重程度": st.column_config.TextColumn("严重程度", width=64),
                "报告": st.column_config.TextColumn("报告", width=150),
                "规则": st.column_config.TextColumn("规则", width=190),
                "说明": st.column_config.TextColumn(
                    "说明", width="large", help="完整说明与原文见右侧（点选该行）"
                ),
                "核查状态": st.column_config.TextColumn("核查状态", width=72),
            },
        )  # fmt: skip
    rows = picked.selection.rows if picked is not None else []
    if rows and rows[0] < len(found):
        index = rows[0]
        # the finding rides in the link by its review fingerprint: wording changes keep it
        state.write_link("fd_pick", [found.at[index, "review_key"]])
        state.keep_in_link("fd_pick", [found.at[index, "review_key"]])
    else:
        index = _linked_row(found)
    with right:
        show_finding(found.loc[index], editable)


def units_tab(f: object) -> None:
    """Given the filters, show findings counted per unit as a chart and a table."""
    summary = query("findings_by_unit", f)
    if summary.empty:
        frame.empty("所选范围内没有核查结果。")
        return
    frame.chart(unit_chart(summary), key="fd_units")
    frame.table(
        summary.rename(
            columns={
                "display_name": "单位", "region": "地区", "fiscal_year": "年度",
                "doc_kind": "报告类型", "n_error": "错误", "n_warning": "警告",
                "n_info": "提示", "n_rules": "触发规则数（不含提示）",
            }
        ),
        key="fd_unit_table",
        column_config={"年度": st.column_config.NumberColumn("年度", format="%d")},
    )  # fmt: skip


def rules_tab(rules: pd.DataFrame) -> None:
    """Given the rule catalogue, show each rule's name, check, severity and count."""
    frame.table(
        rules.assign(severity=rules["severity"].map(SEVERITY_LABEL))[
            ["name_zh", "description", "severity", "tolerance", "n"]
        ].rename(
            columns={"name_zh": "规则", "description": "检查内容", "severity": "最高严重程度",
                     "tolerance": "容差与严重程度", "n": "当前条数"}
        ),
        key="fd_rules",
    )  # fmt: skip


def download_tab(found: pd.DataFrame) -> None:
    """Given the listed findings, offer them as CSV and Excel with their evidence."""
    st.caption(f"按当前筛选条件下载核查结果（{len(found)} 条），含原文证据。文件在点击时生成。")

    def export_frame() -> pd.DataFrame:
        out = split_by_unit(found).assign(
            severity_zh=found["severity"].map(SEVERITY_LABEL),
            evidence_text=[evidence_text(e) for e in found["evidence"]],
        )
        return out[list(EXPORT_COLUMNS)].rename(columns=EXPORT_COLUMNS)

    d1, d2 = st.columns(2)
    d1.download_button(
        "下载 CSV", data=lambda: csv_bytes(export_frame()), file_name="决算看板_核查结果.csv",
        mime="text/csv", icon=":material/download:", key="fd_csv", on_click="ignore",
    )  # fmt: skip
    d2.download_button(
        "下载 Excel", data=lambda: excel_bytes({"核查结果": export_frame()}),
        file_name="决算看板_核查结果.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table_view:", key="fd_xlsx", on_click="ignore",
    )  # fmt: skip


def _linked_row(found: pd.DataFrame) -> int:
    """Given the listed findings, return the row the link's fd_pick names (its review
    fingerprint, or the finding id older links hold), else the first."""
    asked = state.link_values("fd_pick")
    if asked:
        if len(asked) > 1:
            state.repeated("核查编号", asked)
        hits = found.index[(found["review_key"] == asked[-1]) | (found["finding_id"] == asked[-1])]
        if len(hits):
            key = found.at[int(hits[0]), "review_key"]
            state.write_link("fd_pick", [key])
            state.keep_in_link("fd_pick", [key])
            return int(hits[0])
        state.notice("链接中的核查编号在当前筛选下不存在，已显示第一条。")
    return 0


frame.run_page(render)
