"""公务用车: vehicles per unit by type and by use over the years; purchase and running cost per vehicle."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard_lib import charts, fmt, frame, ranking, state
from dashboard_lib.data import query
from dashboard_lib.filters import current_filters
from warehouse.queries import VEHICLE_TYPES, VEHICLE_USES

VIEWS = {"按车型": VEHICLE_TYPES, "按用途": VEHICLE_USES}
SMALL_FLEET = 12  # at most this many vehicles: a tick per vehicle


def ranked_counts(
    rows: pd.DataFrame, parts: tuple[str, ...], top: int, title: str, added: list[str] | None = None
) -> go.Figure:
    """Given vehicle counts, return horizontal stacked bars of each unit's latest year, largest first.

    The top ``top`` units and the ``added`` unit ids are drawn by name and the rest summed
    as one bar “其余 N 个单位”; a stated 0 is drawn and labelled as 0, not left out.
    """
    latest = rows[rows["fiscal_year"] == rows.groupby("unit_id")["fiscal_year"].transform("max")]
    latest = latest.assign(
        category=latest["display_name"] + " " + latest["fiscal_year"].astype(str) + "年"
    )
    wide = latest.pivot_table(
        index=["unit_id", "category"], columns="metric", values="value", aggfunc="sum"
    )
    wide = wide.reindex(columns=[m for m in parts if m in wide.columns]).fillna(0)
    wide = wide.loc[wide.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    rank = pd.Series(range(1, len(wide) + 1), index=wide.index)
    chosen = (rank <= top) | wide.index.get_level_values("unit_id").isin(added or [])
    rest = wide[~chosen]
    wide = wide[chosen]
    wide.index = [
        c if rank[(u, c)] <= top else f"{c}（第 {rank[(u, c)]} 名）" for u, c in wide.index
    ]
    named_rows = len(wide)
    if len(rest):
        wide = pd.concat([wide, rest.sum().to_frame(ranking.rest_label(len(rest))).T])
    cats = list(wide.index)
    fig = go.Figure()
    for i, metric in enumerate(wide.columns):
        fig.add_trace(
            go.Bar(
                y=cats[:named_rows], x=wide[metric].iloc[:named_rows].tolist(),
                name=fmt.label(metric), orientation="h",
                marker_color=frame.PALETTE[i % len(frame.PALETTE)],
                hovertemplate=f"<b>%{{y}}</b><br>{fmt.label(metric)}：%{{x:d}} 辆<extra></extra>",
            )
        )  # fmt: skip
    if len(rest):  # one grey bar, its parts on hover
        parts_text = "<br>".join(
            f"{fmt.label(m)}：{int(v)} 辆" for m, v in wide.iloc[-1].items() if len(parts) > 1
        )
        fig.add_trace(
            go.Bar(
                y=cats[-1:], x=[float(wide.iloc[-1].sum())], orientation="h", showlegend=False,
                marker_color=ranking.REST_GREY, customdata=[parts_text],
                hovertemplate="<b>%{y}</b><br>合计 %{x:d} 辆<br>%{customdata}<extra></extra>",
            )
        )  # fmt: skip
    totals = wide.sum(axis=1)
    named = totals.iloc[: len(totals) - (1 if len(rest) else 0)]
    most = float(named.max()) if len(named) else float(totals.max()) if len(totals) else 0.0
    # a rest bar far longer than the named ones is cut at the axis end (and says so)
    cut = bool(len(rest)) and float(totals.iloc[-1]) > most * ranking.REST_CUT
    end = max(most, 1) * (ranking.REST_CUT if cut else 1.08)
    labels = [f"{int(v)}" for v in totals]
    xs = totals.tolist()
    positions = ["middle right"] * len(cats)
    if cut:
        labels[-1] += "（条形截断）"
        xs[-1], positions[-1] = end, "middle left"
    fig.add_trace(
        go.Scatter(
            y=cats, x=xs, mode="text", text=labels, textposition=positions,
            textfont={"color": ["#333333"] * (len(cats) - 1) + ["white" if cut else "#333333"]},
            showlegend=False, hoverinfo="skip",
        )
    )  # fmt: skip
    fig.update_layout(barmode="stack", title={"text": title, "font": {"size": 15}}, bargap=0.25)
    fig.update_yaxes(autorange="reversed", automargin=True)
    # whole vehicles only: one tick per vehicle on small fleets (no 0.5 rounded to a second "4"),
    # and room right of the longest bar for its total
    fig.update_xaxes(
        title_text="辆", tickformat="d", range=[0, end],
        dtick=1 if end <= SMALL_FLEET else None,
    )  # fmt: skip
    return frame.style(fig, height=max(260, 110 + ranking.BAR_PX * len(cats)))


def render() -> None:
    frame.page_title("公务用车", "保有量（按车型、按用途）与购置、运行维护费用")
    if not frame.has_reports():
        return
    f = current_filters()
    view = state.radio("分类方式", list(VIEWS), key="vh_view")
    top, added = ranking.controls("vh")  # 10 by name, as on every ranked page
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
                detail, ("vehicles.total",), top, "公务用车保有量（各单位最近一年）", added
            )
        else:
            title = f"公务用车保有量（{view}，各单位最近一年）"
            fig = ranked_counts(detail, parts, top, title, added)
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
        index=["unit_id", "display_name", "fiscal_year"],
        columns="metric",
        values="value",
        aggfunc="first",
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
    per_vehicle(wide, top, added)


def per_vehicle(wide: pd.DataFrame, top: int, added: list[str]) -> None:
    """Given cost rows per unit and year, draw 单车运行维护费 of the top units as small multiples."""
    per = wide.dropna(subset=["op_per_vehicle"])
    if per.empty:
        return
    latest = per.sort_values("fiscal_year").drop_duplicates("unit_id", keep="last")
    latest = latest.sort_values("op_per_vehicle", ascending=False, kind="stable")
    latest = latest.assign(rank=range(1, len(latest) + 1))
    shown = latest[(latest["rank"] <= top) | latest["unit_id"].isin(added)]
    shown = shown.head(charts.MAX_PANELS)
    rows = per[per["unit_id"].isin(shown["unit_id"])]
    rows = rows.assign(
        value=rows["op_per_vehicle"],
        derived=False,
        source_file=None,
        loc=None,
        quote=[
            f"运行维护费 {fmt.wan(o)} ÷ {int(n)} 辆"
            for o, n in zip(rows["sangong.vehicle.operation"], rows["vehicles.total"], strict=True)
        ],
    )
    fig = charts.small_multiples(
        rows,
        facet_col="display_name",
        order=list(shown["display_name"]),
        title="单车运行维护费逐年（万元/辆；最近一年从高到低，灰线为其他单位）",
        unit="万元",
    )
    frame.chart(fig, key="vh_per_vehicle")
    more = len(latest) - len(shown)
    st.caption(
        "单车运行维护费 = 运行维护费 ÷ 保有量（同一报告）。各小图坐标轴相同。"
        + (f"其余 {more} 个单位见上表。" if more > 0 else "")
    )


frame.run_page(render)
