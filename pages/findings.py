"""核查与异常: contradictions inside reports, across years and outliers, each with its evidence."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard_lib import frame, state
from dashboard_lib.data import query
from dashboard_lib.export import csv_bytes, excel_bytes
from dashboard_lib.filters import current_filters

SEVERITY_LABEL = {"error": "错误", "warning": "警告", "info": "提示（舍入差异等）"}
SEVERITY_BADGE = {"error": "red", "warning": "orange", "info": "blue"}
SEVERITY_COLOR = {"error": "#c0392b", "warning": "#e67e22", "info": "#2e86c1"}
DEFAULT_SEVERITIES = ["error", "warning"]
MAX_UNITS = 40  # the per-unit chart shows the units with the most findings
LIST_COLUMNS = {
    "level": "严重程度",
    "display_name": "单位",
    "fiscal_year": "年度",
    "message": "说明",
    "metric_label": "指标",
    "rule": "规则",
    "doc_kind": "报告类型",
    "source_file": "来源文件",
}
EXPORT_COLUMNS = {
    "severity_zh": "严重程度",
    "display_name": "单位",
    "region": "地区",
    "fiscal_year": "年度",
    "doc_kind": "报告类型",
    "rule": "规则",
    "rule_label": "规则说明",
    "metric": "指标代码",
    "metric_label": "指标",
    "stated": "报告所写",
    "expected": "据其他数字应为",
    "message": "说明",
    "evidence_text": "原文证据",
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


def evidence_text(raw: str) -> str:
    """Given a finding's evidence JSON, return it as one line per quote for downloads."""
    return "\n".join(
        f"{e.get('file', '')} {e.get('loc', '')}：“{e['quote']}”" for e in evidence_of(raw)
    )


def show_finding(row: pd.Series) -> None:
    """Show one finding: its sentence, what was stated and expected, and every quote."""
    with st.container(border=True, key="fd_evidence"):
        badge = f":{SEVERITY_BADGE[row['severity']]}-badge[{SEVERITY_LABEL[row['severity']]}]"
        st.markdown(
            f"{badge} **{row['display_name']} {int(row['fiscal_year'])}年{row['doc_kind']}** · "
            f"{row['rule_label']}（`{row['rule']}`）"
        )
        st.markdown(row["message"])
        st.markdown("**原文证据**")
        for e in evidence_of(row["evidence"]):
            where = " · ".join(str(x) for x in (e.get("file"), e.get("loc")) if x)
            st.markdown(f"> {e['quote']}\n\n<small>{where}</small>", unsafe_allow_html=True)


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
    fig.update_xaxes(title_text="条")
    return frame.style(fig, height=160 + 24 * len(per_unit))


def render() -> None:
    frame.page_title("核查与异常", "报告内部的矛盾、跨年度不一致与同类单位中的离群值，每条附原文")
    if not frame.has_reports():
        return
    f = current_filters()
    rules = query("finding_rules")
    labels = dict(zip(rules["rule"], rules["description"], strict=True))
    c1, c2 = st.columns([1, 2])
    with c1:
        severities = state.multiselect(
            "严重程度", list(SEVERITY_LABEL), key="fd_sev",
            format_func=lambda s: SEVERITY_LABEL[s], placeholder="错误与警告（默认）",
        )  # fmt: skip
    with c2:
        chosen_rules = state.multiselect(
            "规则", list(rules["rule"]), key="fd_rule",
            placeholder="全部规则（说明见“规则说明”）",
        )  # fmt: skip
    severities = severities or DEFAULT_SEVERITIES
    # one query for the tiles and the list: the list is the tiles' rows narrowed down
    everything = query("findings_list", f, tuple(SEVERITY_LABEL), None)
    keep = everything["severity"].isin(severities)
    if chosen_rules:
        keep &= everything["rule"].isin(chosen_rules)
    found = everything[keep]
    k = st.columns(4)
    for col, sev in zip(k, SEVERITY_LABEL, strict=False):
        col.metric(
            SEVERITY_LABEL[sev], f"{int((everything['severity'] == sev).sum())} 条", border=True
        )
    k[3].metric("涉及单位", f"{everything['display_name'].nunique()} 个", border=True)

    tab_list, tab_units, tab_rules, tab_download = st.tabs(
        ["逐条核查", "按单位汇总", "规则说明", "下载"]
    )
    found = found.assign(
        level=[SEVERITY_LABEL[s] for s in found["severity"]],
        rule_label=[labels.get(r, r) for r in found["rule"]],
    )
    with tab_list:
        if found.empty:
            frame.empty("所选范围和条件下没有核查结果。")
        else:
            st.caption(f"共 {len(found)} 条。选择一条查看原文证据（文件、位置与原话）。")
            frame.table(
                found[list(LIST_COLUMNS)].rename(columns=LIST_COLUMNS),
                key="fd_table",
                column_config={
                    "年度": st.column_config.NumberColumn("年度", format="%d"),
                    "说明": st.column_config.TextColumn("说明", width="large"),
                },
            )
            ids = list(found["finding_id"])
            by_id = found.set_index("finding_id")
            pick = state.selectbox(
                "查看证据", ids, key="fd_pick",
                format_func=lambda i: f"{by_id.at[i, 'display_name']} "
                f"{int(by_id.at[i, 'fiscal_year'])}：{by_id.at[i, 'message'][:48]}（#{i[:6]}）",
            )  # fmt: skip
            if pick is not None:
                show_finding(by_id.loc[pick].rename(pick))
    with tab_units:
        summary = query("findings_by_unit", f)
        if summary.empty:
            frame.empty("所选范围内没有核查结果。")
        else:
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
    with tab_rules:
        frame.table(
            rules.rename(
                columns={"rule": "规则编号", "description": "检查内容", "tolerance": "容差与严重程度",
                         "n": "当前仓库中的条数"}
            ),
            key="fd_rules",
        )  # fmt: skip
    with tab_download:
        st.caption(f"按当前筛选条件下载核查结果（{len(found)} 条），含原文证据。文件在点击时生成。")

        def export_frame() -> pd.DataFrame:
            out = found.assign(
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


frame.run_page(render)
