"""绩效自评: overall scores per unit and year, project scores, and a report's indicator table."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dashboard_lib import fmt, frame, state
from dashboard_lib.data import query
from dashboard_lib.filters import current_filters


def render() -> None:
    frame.page_title("绩效自评", "部门整体与项目绩效自评得分、指标完成情况")
    if not frame.has_reports():
        return
    f = current_filters()
    if "绩效自评" not in f.doc_kinds:
        frame.empty("当前“报告类型”筛选不含绩效自评。请在左侧把报告类型设为“全部”或“绩效自评”。")
        return
    reports = query("perf_reports", f)
    if reports.empty:
        frame.empty("所选单位和年度没有绩效自评报告。")
        return

    st.markdown("##### 整体绩效自评得分")
    scored = reports.dropna(subset=["score"])
    if scored.empty:
        st.caption("所选绩效自评报告没有列示整体得分。")
    else:
        fig = go.Figure()
        for i, (year, g) in enumerate(scored.groupby("fiscal_year")):
            fig.add_trace(
                go.Bar(
                    x=g["display_name"], y=g["score"], name=f"{year}年", marker_color=frame.PALETTE[i % len(frame.PALETTE)],
                    text=[f"{s:g}" for s in g["score"]], textposition="outside",
                    customdata=[fmt.source_line(s, "", q) for s, q in zip(g["source_file"], g["quote"], strict=True)],
                    hovertemplate="<b>%{x}</b> " + f"{year}年" + "<br>得分 %{y:g} 分<br>%{customdata}<extra></extra>",
                )
            )  # fmt: skip
        fig.update_layout(
            barmode="group", title={"text": "部门（单位）整体绩效自评得分", "font": {"size": 15}}
        )
        fig.update_yaxes(title_text="分", range=[0, 105])
        frame.chart(frame.style(fig, height=380), key="pf_scores")
        pivot = scored.pivot_table(
            index="display_name", columns="fiscal_year", values="score", aggfunc="max"
        )
        pivot.columns = [f"{c}年" for c in pivot.columns]
        frame.table(
            pivot.reset_index().rename(columns={"display_name": "单位"}), key="pf_score_table"
        )

    st.markdown("##### 项目绩效")
    projects = query("projects", f)
    projects = projects[projects["doc_kind"] == "绩效自评"]
    if projects.empty:
        st.caption("所选绩效自评报告没有列示项目。")
    else:
        tbl = projects[
            [
                "display_name",
                "fiscal_year",
                "name",
                "initial_budget",
                "adjusted_budget",
                "executed",
                "execution_rate",
                "score",
                "source_file",
                "loc",
            ]
        ].rename(
            columns={
                "display_name": "单位",
                "fiscal_year": "年度",
                "name": "项目名称",
                "initial_budget": "年初预算（万元）",
                "adjusted_budget": "全年预算（万元）",
                "executed": "执行数（万元）",
                "execution_rate": "执行率（%）",
                "score": "得分",
                "source_file": "来源文件",
                "loc": "位置",
            }
        )
        frame.table(
            tbl,
            money=["年初预算（万元）", "全年预算（万元）", "执行数（万元）"],
            key="pf_projects",
            column_config={
                "年度": st.column_config.NumberColumn("年度", format="%d"),
                "执行率（%）": st.column_config.NumberColumn("执行率（%）", format="%.1f"),
                "得分": st.column_config.NumberColumn("得分", format="%g"),
            },
        )

    st.markdown("##### 指标明细")
    labels = {}
    for r in reports.itertuples():
        text = f"{r.display_name} {r.fiscal_year}年 绩效自评"
        labels[r.report_id] = text if text not in labels.values() else f"{text}（{r.source_file}）"
    report_id = state.selectbox(
        "选择报告", list(labels), key="pf_report", format_func=lambda rid: labels.get(rid, rid)
    )
    ind = query("indicators", report_id)
    if ind.empty:
        st.caption("该报告没有可读取的指标表。")
        return
    tables = list(dict.fromkeys(ind["table_name"]))
    table_name = state.selectbox("指标表", tables, key="pf_table")
    part = ind[ind["table_name"] == table_name]
    shown = part[
        ["level1", "level2", "level3", "target", "actual", "weight", "score", "loc"]
    ].rename(
        columns={
            "level1": "一级指标",
            "level2": "二级指标",
            "level3": "指标",
            "target": "指标值",
            "actual": "完成值",
            "weight": "分值",
            "score": "得分",
            "loc": "位置",
        }
    )
    frame.table(
        shown,
        key="pf_indicators",
        column_config={
            "分值": st.column_config.NumberColumn("分值", format="%g"),
            "得分": st.column_config.NumberColumn("得分", format="%g"),
        },
    )
    total_w, total_s = part["weight"].sum(), part["score"].sum()
    st.caption(
        f"本表分值合计 {total_w:g}，得分合计 {total_s:g}（按报告列示数相加，未作校正）。来源：{part['source_file'].iloc[0]}"
    )


frame.run_page(render)
