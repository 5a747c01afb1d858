"""绩效自评: overall scores per unit and year, project scores, and a report's indicator table."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard_lib import fmt, frame, state
from dashboard_lib.data import query
from dashboard_lib.filters import current_filters

TOP_CHOICES = (10, 20, 40, 100)  # units drawn by name in the score ranking


def score_ranking(scores: pd.DataFrame, top: int) -> go.Figure:
    """Given stated overall scores, return horizontal bars of each unit's latest score, highest first.

    Hover names the report kind and the source; beyond ``top`` units one bar gives the mean of
    the rest as “其余 N 个单位（平均）”.
    """
    latest = scores[
        scores["fiscal_year"] == scores.groupby("unit_id")["fiscal_year"].transform("max")
    ]
    latest = latest.sort_values(["score", "doc_kind"], ascending=[False, False], kind="stable")
    latest = latest.drop_duplicates("unit_id")
    cats = [
        f"{n} {y}年" for n, y in zip(latest["display_name"], latest["fiscal_year"], strict=True)
    ]
    vals = latest["score"].tolist()
    hover = [
        f"{k}报告 · {fmt.source_line(s, loc, q)}"
        for k, s, loc, q in zip(
            latest["doc_kind"], latest["source_file"], latest["loc"], latest["quote"], strict=True
        )
    ]
    if len(cats) > top:
        rest = vals[top:]
        cats, vals, hover = cats[:top], vals[:top], hover[:top]
        cats.append(f"其余 {len(rest)} 个单位（平均）")
        vals.append(sum(rest) / len(rest))
        hover.append(f"{len(rest)} 个单位得分的平均")
    fig = go.Figure(
        go.Bar(
            y=cats, x=vals, orientation="h", marker_color=frame.PALETTE[0],
            text=[f"{v:g}" if i < top else f"{v:.1f}" for i, v in enumerate(vals)],
            textposition="outside", customdata=hover,
            hovertemplate="<b>%{y}</b><br>得分 %{x:g} 分<br>%{customdata}<extra></extra>",
        )
    )  # fmt: skip
    fig.update_layout(
        title={"text": "部门（单位）整体绩效自评得分（各单位最近一年）", "font": {"size": 15}}
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title_text="分", range=[0, 108])
    return frame.style(fig, height=max(240, 90 + 24 * len(cats)))


def render() -> None:
    frame.page_title("绩效自评", "部门整体与项目绩效自评得分、指标完成情况")
    if not frame.has_reports():
        return
    f = current_filters()
    st.markdown("##### 整体绩效自评得分")
    scores = query("overall_scores", f)
    if scores.empty:
        st.caption("所选报告没有列示整体绩效自评得分。")
    else:
        st.caption(
            "得分取自报告原文：绩效自评报告和决算报告中列示的部门（单位）整体自评得分都计入。"
        )
        top = state.selectbox(
            "显示前 N 个单位", TOP_CHOICES, key="pf_top", index=1, where=st.columns([1, 3])[0]
        )
        frame.chart(score_ranking(scores, top), key="pf_scores")
        pivot = scores.pivot_table(
            index="display_name", columns="fiscal_year", values="score", aggfunc="max"
        )
        pivot.columns = [f"{c}年" for c in pivot.columns]
        frame.table(
            pivot.reset_index().rename(columns={"display_name": "单位"}), key="pf_score_table"
        )

    if "绩效自评" not in f.doc_kinds:
        frame.empty("当前“报告类型”筛选不含绩效自评。请在左侧把报告类型设为“全部”或“绩效自评”。")
        return
    reports = query("perf_reports", f)
    if reports.empty:
        frame.empty("所选单位和年度没有绩效自评报告。")
        return

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
    report_id = state.id_selectbox(
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
