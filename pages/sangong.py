"""三公经费: units ranked by the total and each component with year-on-year change, their
trends with derived prior years, budget vs actual, and 接待 batches."""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from dashboard_lib import charts, fmt, frame, ranking, state
from dashboard_lib.data import query
from dashboard_lib.filters import current_filters
from warehouse.queries import SANGONG_BUDGETS

# what units are ranked by: the total and its three components, as the reports name them
RANKED = {
    "sangong.total": "三公经费合计",
    "sangong.outbound": "因公出国（境）费",
    "sangong.vehicle": "公务用车购置及运行维护费",
    "sangong.reception": "公务接待费",
}
DETAIL_TABS = {  # tab id (in the link as sg_tab) -> title
    "trend": "逐年趋势",
    "budget": "预算与决算",
    "reception": "国内公务接待批次与人次",
}
COLORS = {
    "sangong.total": "#1f3864",
    "sangong.outbound": "#8064a2",
    "sangong.vehicle": "#4f81bd",
    "sangong.reception": "#b22222",
}


def ranking_table(values: pd.DataFrame, ranked: pd.DataFrame) -> pd.DataFrame:
    """Given one value per unit, year and metric and the ranking, return the ranking table.

    One row per ranked unit, in rank order: each of RANKED in the unit's ranked year with
    its change on the prior year (amount and %).
    """
    out = ranked[["rank", "label", "fiscal_year"]].rename(
        columns={"rank": "排名", "label": "单位", "fiscal_year": "年度"}
    )
    keys = ranked[["unit_id", "fiscal_year"]]
    for metric, name in RANKED.items():
        m = values[values["metric"] == metric][["unit_id", "fiscal_year", "value"]]
        prev = m.assign(fiscal_year=m["fiscal_year"] + 1).rename(columns={"value": "prev"})
        both = keys.merge(m, how="left").merge(prev, how="left")
        change = both["value"] - both["prev"]
        out[f"{name}（万元）"] = both["value"].to_numpy()
        out[f"{name}增减（万元）"] = change.to_numpy()
        out[f"{name}增减率（%）"] = (
            change / both["prev"].abs().where(both["prev"] != 0) * 100
        ).to_numpy()
    return out


def render() -> None:
    frame.page_title("三公经费", "各单位排名与同比、逐年趋势、预算与决算、公务接待")
    if not frame.has_reports():
        return
    f = current_filters()
    metric = state.radio("排名依据", list(RANKED), key="sg_metric", format_func=RANKED.get)
    top, added = ranking.controls("sg")
    # the year before the range too: the change of its first year
    wider = dataclasses.replace(f, year_from=f.year_from - 1)
    values = query("unit_year_values", wider, tuple(RANKED))
    ranked = ranking.latest_with_prev(values, metric, (f.year_from, f.year_to))
    if ranked.empty:
        frame.empty(f"所选单位和年度没有{RANKED[metric]}数据。")
        return
    parts = ranking.split(ranked, top, added)
    title = f"{RANKED[metric]}：各单位最近一年，从高到低（同比）"
    fig = ranking.bars(parts, top=top, title=title, color=COLORS[metric])
    frame.chart(fig, key="sg_rank")
    st.caption(
        "条形右侧为金额及较上年的增减额、增减率；上年没有报告时，上年数由次年报告所述增减额推得。"
        f"前 {top} 名以外的单位合计为“其余 N 个单位”，可在“另加单位”中另选单位一并显示。"
    )
    # built only while open: at a province's size the table is the page's heaviest part
    every = st.expander(
        f"全部 {len(ranked)} 个单位的三公经费及各分项同比", key="sg_all", on_change="rerun"
    )
    if every.open:
        with every:
            tbl = ranking_table(values, ranked)
            pct = {c: st.column_config.NumberColumn(c, format="%+.1f") for c in tbl if "率" in c}
            frame.table(
                tbl,
                money=[c for c in tbl if c.endswith("（万元）")],
                key="sg_rank_table",
                column_config={
                    "年度": st.column_config.NumberColumn("年度", format="%d"),
                    **pct,
                },
            )

    # the details in tabs, only the open one drawn (its id in the link, sg_tab)
    tabs = state.tabs(
        DETAIL_TABS, key="sg_tab", label="三公经费详情", owns={"trend": ["sg_derived"]}
    )
    tabs.draw(
        {
            "trend": lambda: trend(f, values, parts, metric),
            "budget": lambda: budget_vs_actual(f),
            "reception": lambda: reception(f),
        }
    )


def trend(f: object, values: pd.DataFrame, parts: ranking.Split, metric: str) -> None:
    """Given the filters, the units' yearly values, the split ranking and the ranked metric,
    draw the ranked units' trends as small multiples."""
    show_derived = state.toggle("显示由次年报告推得的上年数", key="sg_derived", value=True)
    trend = values[
        (values["metric"] == metric) & values["fiscal_year"].between(f.year_from, f.year_to)
    ]
    if not show_derived:
        trend = trend[~trend["derived"].astype(bool)]
    shown = parts.shown.head(charts.MAX_PANELS)
    trend = trend[trend["unit_id"].isin(shown["unit_id"])].merge(
        shown[["unit_id", "label"]], on="unit_id"
    )
    if trend.empty:
        st.caption("所选单位没有逐年数据。")
        return
    fig = charts.small_multiples(
        trend,
        facet_col="label",
        order=list(shown["label"]),
        title=f"{RANKED[metric]}逐年（万元；灰线为其他单位）",
        color=COLORS[metric],
    )
    frame.chart(fig, key="sg_trend")
    more = len(parts.shown) - len(shown)
    st.caption(
        "实心点、实线：报告列示数；空心点、虚线：由次年报告上年数推得（悬停可见推算依据）。"
        "各小图纵轴、横轴相同，可直接比较。"
        + (f"另有 {more} 个单位未画小图，见上方排名表。" if more > 0 else "")
    )


def budget_vs_actual(f: object) -> None:
    """Given the filters, show stated budget and actual amounts side by side."""
    metrics = tuple(SANGONG_BUDGETS)
    series = query("metric_series", f, metrics + tuple(SANGONG_BUDGETS.values()))
    series = series[~series["derived"].astype(bool)]
    pairs = []
    for m in metrics:
        a = series[series["metric"] == m]
        b = series[series["metric"] == SANGONG_BUDGETS[m]][
            ["unit_id", "fiscal_year", "doc_kind", "value"]
        ]
        pairs.append(
            a.merge(b, on=["unit_id", "fiscal_year", "doc_kind"], suffixes=("", "_budget"))
        )
    both = pd.concat(pairs)
    if both.empty:
        st.caption("所选报告没有同时列示预算数与决算数的三公经费项目。")
        return
    both = both.assign(
        item=both["metric"].map(fmt.label),
        rate=(both["value"] / both["value_budget"].where(both["value_budget"] != 0)) * 100,
    )
    cols = {
        "display_name": "单位",
        "fiscal_year": "年度",
        "item": "项目",
        "value_budget": "预算数（万元）",
        "value": "决算数（万元）",
        "rate": "完成预算（%）",
        "source_file": "来源文件",
        "loc": "位置",
    }
    frame.table(
        both[list(cols)].rename(columns=cols),
        money=["预算数（万元）", "决算数（万元）"],
        key="sg_budget_table",
        column_config={
            "完成预算（%）": st.column_config.NumberColumn("完成预算（%）", format="%.1f"),
            "年度": st.column_config.NumberColumn("年度", format="%d"),
        },
    )


def reception(f: object) -> None:
    """Given the filters, show 国内公务接待 batches, persons and cost per batch."""
    keys = ("sangong.reception.batches", "sangong.reception.persons", "sangong.reception")
    rec = query("metric_series", f, keys)
    rec = rec[~rec["derived"].astype(bool)]
    if rec.empty:
        st.caption("所选报告没有列示公务接待批次、人次。")
        return
    wide = rec.pivot_table(
        index=["display_name", "fiscal_year"], columns="metric", values="value", aggfunc="first"
    ).reset_index()
    for col in keys:
        if col not in wide:
            wide[col] = float("nan")
    wide["per_batch"] = wide["sangong.reception"] / wide["sangong.reception.batches"].where(
        wide["sangong.reception.batches"] > 0
    )
    wide = wide.rename(
        columns={
            "display_name": "单位",
            "fiscal_year": "年度",
            "sangong.reception": "公务接待费（万元）",
            "sangong.reception.batches": "接待批次",
            "sangong.reception.persons": "接待人次",
            "per_batch": "每批次费用（万元）",
        }
    )
    wide.columns.name = None
    frame.table(
        wide[["单位", "年度", "接待批次", "接待人次", "公务接待费（万元）", "每批次费用（万元）"]],
        money=["公务接待费（万元）", "每批次费用（万元）"],
        key="sg_reception",
        column_config={
            "年度": st.column_config.NumberColumn("年度", format="%d"),
            "接待批次": st.column_config.NumberColumn("接待批次", format="%d"),
            "接待人次": st.column_config.NumberColumn("接待人次", format="%d"),
        },
    )


frame.run_page(render)
