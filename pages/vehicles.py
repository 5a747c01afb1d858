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
MAX_BARS = 40


def stacked_counts(rows: pd.DataFrame, parts: tuple[str, ...], title: str) -> go.Figure:
    """Stacked bars grouped by unit (years side by side), segments = vehicle types or uses."""
    if rows[["display_name", "fiscal_year"]].drop_duplicates().shape[0] > MAX_BARS:
        # many units: the latest year of each unit, the largest fleets first
        rows = rows[
            rows["fiscal_year"] == rows.groupby("display_name")["fiscal_year"].transform("max")
        ]
        keep = rows.groupby("display_name")["value"].sum().nlargest(MAX_BARS).index
        rows = rows[rows["display_name"].isin(keep)]
        st.caption(f"单位较多，仅显示各单位最近一年、车辆最多的 {MAX_BARS} 个单位。")
    keys = (
        rows[["display_name", "fiscal_year"]]
        .drop_duplicates()
        .sort_values(["display_name", "fiscal_year"])
    )
    cats = list(keys.itertuples(index=False, name=None))
    x = [[c[0] for c in cats], [f"{c[1]}年" for c in cats]]  # plotly multi-category axis
    fig = go.Figure()
    for i, metric in enumerate(parts):
        sub = rows[rows["metric"] == metric]
        if sub.empty or not sub["value"].any():
            continue
        sub = sub.set_index(["display_name", "fiscal_year"]).reindex(cats).reset_index()
        src = frame.hover_source(sub).to_numpy()
        fig.add_trace(
            go.Bar(
                x=x, y=sub["value"], name=fmt.label(metric), marker_color=frame.PALETTE[i % len(frame.PALETTE)],
                customdata=src,
                hovertemplate=f"<b>%{{x}}</b><br>{fmt.label(metric)}：%{{y:d}} 辆<br>%{{customdata}}<extra></extra>",
            )
        )  # fmt: skip
    fig.update_layout(barmode="stack", title={"text": title, "font": {"size": 15}}, bargap=0.25)
    fig.update_xaxes(tickangle=0)
    fig.update_layout(legend={"y": -0.2})
    fig.update_yaxes(title_text="辆", dtick=1 if rows["value"].max() <= 12 else None)
    return frame.style(fig, height=420)


def render() -> None:
    frame.page_title("公务用车", "保有量（按车型、按用途）与购置、运行维护费用")
    if not frame.has_reports():
        return
    f = current_filters()
    view = state.radio("分类方式", list(VIEWS), key="vh_view")
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
            frame.chart(
                stacked_counts(detail, ("vehicles.total",), "公务用车保有量"), key="vh_counts"
            )
        else:
            frame.chart(stacked_counts(detail, parts, f"公务用车保有量（{view}）"), key="vh_counts")

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
                    hovertemplate="<b>%{fullData.name}</b> %{x}年<br>单车运行维护费 %{customdata[0]}/辆<br>运行维护费 %{customdata[1]} ÷ %{customdata[2]} 辆<extra></extra>",
                )
            )  # fmt: skip
        fig.update_layout(title={"text": "单车运行维护费（万元/辆）", "font": {"size": 15}})
        fig.update_xaxes(title_text="年度", dtick=1, tickformat="d")
        fig.update_yaxes(title_text="万元/辆", tickformat=",.2f", rangemode="tozero")
        frame.chart(frame.style(fig, height=360), key="vh_per_vehicle")


frame.run_page(render)
