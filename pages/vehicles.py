"""公务用车: vehicles per unit by type and by use over the years; purchase and running cost per vehicle."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard_lib import fmt, frame, state
from dashboard_lib.data import query
from dashboard_lib.filters import current_filters
from warehouse.queries import VEHICLE_TYPES, VEHICLE_USES

VIEWS = {"按车型": VEHICLE_TYPES, "按用途": VEHICLE_USES}
SMALL_FLEET = 12  # at most this many vehicles: a tick per vehicle
TOP_CHOICES = (3, 5, 10, 20, 40, 100)  # units drawn by name; the rest are summed into one bar


def ranked_counts(rows: pd.DataFrame, parts: tuple[str, ...], top: int, title: str) -> go.Figure:
    """Given vehicle counts, return horizontal stacked bars of each unit's latest year, largest first.

    The top ``top`` units are drawn by name and the rest summed as one bar “其余 N 个单位”;
    a stated 0 is drawn and labelled as 0, not left out.
    """
    latest = rows[rows["fiscal_year"] == rows.groupby("unit_id")["fiscal_year"].transform("max")]
    latest = latest.assign(
        category=latest["display_name"] + " " + latest["fiscal_year"].astype(str) + "年"
    )
    wide = latest.pivot_table(index="category", columns="metric", values="value", aggfunc="sum")
    wide = wide.reindex(columns=[m for m in parts if m in wide.columns]).fillna(0)
    wide = wide.loc[wide.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    if len(wide) > top:
        rest = wide.iloc[top:]
        wide = pd.concat([wide.iloc[:top], rest.sum().to_frame(f"其余 {len(rest)} 个单位").T])
    cats = list(wide.index)
    fig = go.Figure()
    for i, metric in enumerate(wide.columns):
        fig.add_trace(
            go.Bar(
                y=cats, x=wide[metric].tolist(), name=fmt.label(metric), orientation="h",
                marker_color=frame.PALETTE[i % len(frame.PALETTE)],
                hovertemplate=f"<b>%{{y}}</b><br>{fmt.label(metric)}：%{{x:d}} 辆<extra></extra>",
            )
        )  # fmt: skip
    totals = wide.sum(axis=1)
    fig.add_trace(
        go.Scatter(
            y=cats, x=totals.tolist(), mode="text", text=[f"{int(v)}" for v in totals],
            textposition="middle right", showlegend=False, hoverinfo="skip",
        )
    )  # fmt: skip
    fig.update_layout(barmode="stack", title={"text": title, "font": {"size": 15}}, bargap=0.25)
    fig.update_yaxes(autorange="reversed", automargin=True)
    # whole vehicles only: one tick per vehicle on small fleets (no 0.5 rounded to a second "4"),
    # and room right of the longest bar for its total
    most = float(totals.max()) if len(totals) else 0.0
    fig.update_xaxes(
        title_text="辆", tickformat="d", range=[0, max(most, 1) * 1.08],
        dtick=1 if most <= SMALL_FLEET else None,
    )  # fmt: skip
    frame.style(fig, height=max(260, 110 + 24 * len(cats)))
    # the legend sits above the plot area, outside it
    fig.update_layout(
        legend={"yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0},
        margin={"t": 80},
    )
    return fig


def render() -> None:
    frame.page_title("公务用车", "保有量（按车型、按用途）与购置、运行维护费用")
    if not frame.has_reports():
        return
    f = current_filters()
    c1, c2 = st.columns([2, 1])
    with c1:
        view = state.radio("分类方式", list(VIEWS), key="vh_view")
    with c2:
        top = state.selectbox("显示前 N 个单位", TOP_CHOICES, key="vh_top", index=3)
    parts = VIEWS[view]
    counts = query("metric_series", f, ("vehicles.total", *parts))
    counts = counts[~counts["derived"].astype(bool)]
    counts = counts.sort_values("doc_kind").drop_duplicates(["unit_id", "fiscal_year", "metric"])
    if counts.empty:
        frame.empty("所选单位和年度没有公务用车保有量数据。")
    else:
        detail = counts[counts["metric"].isin(parts)]
        if detail.empty:
            st.caption(f"所选报告没有列示{view}的车辆数，仅有保有量合计。")
            detail = counts[counts["metric"] == "vehicles.total"]
            fig = ranked_counts(
                detail, ("vehicles.total",), top, "公务用车保有量（各单位最近一年）"
            )
        else:
            fig = ranked_counts(detail, parts, top, f"公务用车保有量（{view}，各单位最近一年）")
        frame.chart(fig, key="vh_counts")

    st.markdown("##### 购置与运行维护费用")
    costs = query(
        "metric_series",
        f,
        (
            "vehicles.total",
            "sangong.vehicle.purchase",
            "sangong.vehicle.purchase_count",
            "sangong.vehicle.operation",
        ),
    )
    costs = costs[~costs["derived"].astype(bool)]
    if costs.empty:
        frame.empty("所选单位和年度没有公务用车费用数据。")
        return
    costs = costs.sort_values("doc_kind").drop_duplicates(["unit_id", "fiscal_year", "metric"])
    wide = costs.pivot_table(
        index=["display_name", "fiscal_year"], columns="metric", values="value", aggfunc="first"
    ).reset_index()
    wide.columns.name = None
    for col in (
        "vehicles.total",
        "sangong.vehicle.purchase",
        "sangong.vehicle.purchase_count",
        "sangong.vehicle.operation",
    ):
        if col not in wide:
            wide[col] = float("nan")
    wide["op_per_vehicle"] = wide["sangong.vehicle.operation"] / wide["vehicles.total"].where(
        wide["vehicles.total"] > 0
    )
    wide["purchase_per_vehicle"] = wide["sangong.vehicle.purchase"] / wide[
        "sangong.vehicle.purchase_count"
    ].where(wide["sangong.vehicle.purchase_count"] > 0)
    tbl = wide.rename(
        columns={
            "display_name": "单位",
            "fiscal_year": "年度",
            "vehicles.total": "保有量（辆）",
            "sangong.vehicle.purchase_count": "当年购置（辆）",
            "sangong.vehicle.purchase": "购置费（万元）",
            "sangong.vehicle.operation": "运行维护费（万元）",
            "op_per_vehicle": "单车运行维护费（万元/辆）",
            "purchase_per_vehicle": "单车购置费（万元/辆）",
        }
    )
    order = [
        "单位",
        "年度",
        "保有量（辆）",
        "运行维护费（万元）",
        "单车运行维护费（万元/辆）",
        "当年购置（辆）",
        "购置费（万元）",
        "单车购置费（万元/辆）",
    ]
    frame.table(
        tbl[order],
        money=[
            "购置费（万元）",
            "运行维护费（万元）",
            "单车运行维护费（万元/辆）",
            "单车购置费（万元/辆）",
        ],
        key="vh_costs",
        column_config={
            "年度": st.column_config.NumberColumn("年度", format="%d"),
            "保有量（辆）": st.column_config.NumberColumn("保有量（辆）", format="%d"),
            "当年购置（辆）": st.column_config.NumberColumn("当年购置（辆）", format="%d"),
        },
    )
    per = wide.dropna(subset=["op_per_vehicle"])
    if not per.empty:
        fig = go.Figure()
        for i, (name, g) in enumerate(per.groupby("display_name", sort=False)):
            fig.add_trace(
                go.Scatter(
                    x=g["fiscal_year"], y=g["op_per_vehicle"], mode="lines+markers", name=name,
                    line={"color": frame.PALETTE[i % len(frame.PALETTE)]},
                    customdata=[[fmt.wan(v), fmt.wan(o), int(n)] for v, o, n in zip(g["op_per_vehicle"], g["sangong.vehicle.operation"], g["vehicles.total"], strict=True)],
                    hovertemplate="<b>%{fullData.name}</b> %{x:d}年<br>单车运行维护费 %{customdata[0]}/辆<br>运行维护费 %{customdata[1]} ÷ %{customdata[2]} 辆<extra></extra>",
                )
            )  # fmt: skip
        fig.update_layout(title={"text": "单车运行维护费（万元/辆）", "font": {"size": 15}})
        fig.update_xaxes(title_text="年度", dtick=1, tickformat="d")
        fig.update_yaxes(title_text="万元/辆", tickformat=",.2f", rangemode="tozero")
        frame.chart(frame.style(fig, height=360), key="vh_per_vehicle")


frame.run_page(render)
