"""总览: KPI tiles, units ranked by a headline figure with their trends, and the headline table."""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from dashboard_lib import charts, fmt, frame, ranking, state
from dashboard_lib.data import query
from dashboard_lib.filters import current_filters
from warehouse.queries import HEADLINE_METRICS, Filters

TILES = [
    ("total.income_expenditure", "收支总计", "万元"),
    ("expenditure.basic", "基本支出", "万元"),
    ("expenditure.project", "项目支出", "万元"),
    ("sangong.total", "三公经费", "万元"),
    ("vehicles.total", "公务用车", "辆"),
    ("perf.overall_score", "平均自评得分", "分"),
]
COLUMNS = {
    "display_name": "单位",
    "fiscal_year": "年度",
    "doc_kind": "报告类型",
    "total.income_expenditure": "收支总计（万元）",
    "total.income_expenditure.yoy": "收支总计同比",
    "expenditure.basic": "基本支出（万元）",
    "expenditure.project": "项目支出（万元）",
    "sangong.total": "三公经费（万元）",
    "sangong.total.yoy": "三公经费同比",
    "vehicles.total": "公务用车（辆）",
    "perf.overall_score": "自评得分",
    "source_file": "来源文件",
}
SORTS = {
    "单位、年度": (["display_name", "fiscal_year"], [True, True]),
    "收支总计（高→低）": (["total.income_expenditure"], [False]),
    "收支总计同比（高→低）": (["total.income_expenditure.yoy"], [False]),
    "三公经费（高→低）": (["sangong.total"], [False]),
    "公务用车（多→少）": (["vehicles.total"], [False]),
    "自评得分（高→低）": (["perf.overall_score"], [False]),
    "年度（新→旧）": (["fiscal_year", "display_name"], [False, True]),
}
TREND_METRICS = list(HEADLINE_METRICS)
MEAN_METRICS = {"perf.overall_score"}  # the rest bar of a score is the mean, not the sum


def kpi_tiles(table: pd.DataFrame) -> None:
    year = int(table["fiscal_year"].max())
    cur = table[table["fiscal_year"] == year]
    st.markdown(f"##### {year}年 主要指标（所选单位合计）")
    cols = [c for _ in range(2) for c in st.columns(3)]
    for col, (metric, name, unit) in zip(cols, TILES, strict=True):
        vals = cur[["unit_id", "doc_kind", metric, metric + ".prev"]].dropna(subset=[metric])
        # money and vehicles from 决算 reports where there are any, so kinds are not added up
        if metric != "perf.overall_score" and vals["doc_kind"].eq("决算").any():
            vals = vals[vals["doc_kind"] == "决算"]
        if metric == "perf.overall_score":
            v = vals[metric].mean() if not vals.empty else None
            pv = vals[metric + ".prev"].mean() if vals[metric + ".prev"].notna().any() else None
            shown = "—" if v is None else f"{v:.1f}"
            delta = None if pv is None or v is None else f"{v - pv:+.1f} 分（较上年）"
            col.metric(
                f"{name}（分）",
                shown,
                delta,
                delta_color="normal",
                border=True,
                help="绩效自评报告的整体得分平均值",
            )
            continue
        total = vals[metric].sum() if not vals.empty else None
        both = vals.dropna(subset=[metric + ".prev"])
        delta = None
        if not both.empty:
            delta = fmt.change(both[metric].sum(), both[metric + ".prev"].sum(), unit)
            if len(both) < len(vals):
                delta = f"{delta}，可比{len(both)}家"
        # the unit in the label: a province's sum (4,359,877.30) fills the tile alone
        shown = fmt.number(total, unit) if total is not None else "—"
        col.metric(
            f"{name}（{unit}）",
            shown,
            delta,
            delta_color="inverse" if metric == "sangong.total" else "off",
            border=True,
            help=f"{year}年所选单位报告列示数之和；同比按上年报告或次年报告推算值计算",
        )


def render() -> None:
    frame.page_title("总览", "各单位各年度主要指标")
    if not frame.has_reports():
        return
    f = current_filters()
    table = query("headline_table", f)
    if table.empty:
        frame.empty()
        return
    for m in ("total.income_expenditure", "sangong.total"):  # % on the prior year; none at 0
        prev = pd.to_numeric(table[m + ".prev"])
        table[m + ".yoy"] = (pd.to_numeric(table[m]) - prev) / prev.abs().where(prev != 0) * 100
    kpi_tiles(table)
    ranking_and_trend(f)

    st.markdown("##### 各单位各年度主要指标")
    c1, c2 = st.columns([2, 3])
    with c1:
        sort = state.selectbox("排序", list(SORTS), key="ov_sort")
    by, asc = SORTS[sort]
    shown = table.sort_values(by, ascending=asc, na_position="last")[list(COLUMNS)].rename(
        columns=COLUMNS
    )
    money = [c for c in COLUMNS.values() if c.endswith("（万元）")]
    frame.table(
        shown,
        money=money,
        key="ov_table",
        column_config={
            "收支总计同比": st.column_config.NumberColumn("收支总计同比", format="%+.1f%%"),
            "三公经费同比": st.column_config.NumberColumn("三公经费同比", format="%+.1f%%"),
            "年度": st.column_config.NumberColumn("年度", format="%d"),
            "公务用车（辆）": st.column_config.NumberColumn("公务用车（辆）", format="%d"),
            "自评得分": st.column_config.NumberColumn("自评得分", format="%.1f"),
        },
    )
    st.caption(
        "同比：与上年同类报告列示数比较；上年无报告时用次年报告所述增减额推算。点击表头可排序。"
    )


def ranking_and_trend(f: Filters) -> None:
    """Given the filters, rank units by the chosen headline figure, then draw their trends."""
    st.markdown("##### 各单位排名与趋势")
    metric = state.id_selectbox(
        "指标", TREND_METRICS, key="ov_metric", format_func=fmt.label, drifts=False
    )
    top, added = ranking.controls("ov")
    unit = fmt.unit_of(metric) or "万元"
    wider = dataclasses.replace(f, year_from=f.year_from - 1)
    values = query("unit_year_values", wider, (metric,))
    ranked = ranking.latest_with_prev(values, metric, (f.year_from, f.year_to))
    if ranked.empty:
        frame.empty(f"所选单位在当前年度范围内没有“{fmt.label(metric)}”的数据。")
        return
    parts = ranking.split(ranked, top, added)
    mean = metric in MEAN_METRICS
    fig = ranking.bars(
        parts,
        top=top,
        title=f"{fmt.label(metric)}：各单位最近一年，从高到低（同比）",
        unit=unit,
        mean_rest=mean,
    )
    frame.chart(fig, key="ov_rank")
    rest = "平均" if mean else "合计"
    st.caption(
        f"前 {top} 名以外的单位{rest}为“其余 N 个单位”；可在“另加单位”中另选单位一并显示。"
        "条形右侧为较上年的增减。"
    )
    shown = parts.shown.head(charts.MAX_PANELS)
    trend = values[values["fiscal_year"].between(f.year_from, f.year_to)]
    trend = trend[trend["unit_id"].isin(shown["unit_id"])].merge(
        shown[["unit_id", "label"]], on="unit_id"
    )
    fig = charts.small_multiples(
        trend,
        facet_col="label",
        order=list(shown["label"]),
        title=f"{fmt.label(metric)}逐年（{unit}；灰线为其他单位）",
        unit=unit,
    )
    frame.chart(fig, key="ov_trend")
    more = len(parts.shown) - len(shown)
    st.caption(
        "实心点、实线：报告列示数；空心点、虚线：由次年报告上年数推得。各小图坐标轴相同。"
        + (f"另有 {more} 个单位未画小图。" if more > 0 else "")
    )


frame.run_page(render)
