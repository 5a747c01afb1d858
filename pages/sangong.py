"""三公经费: components over the years per unit, derived prior-year values, budget vs actual, 接待."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard_lib import charts, fmt, frame, safe, state
from dashboard_lib.data import query
from dashboard_lib.filters import current_filters, current_units
from warehouse.queries import SANGONG_BUDGETS, SANGONG_COMPONENTS

MAX_CHARTS = 12
COLORS = {
    "因公出国（境）": "#1f3864",
    "公务用车购置": "#e69138",
    "公务用车运行维护": "#4f81bd",
    "公务接待": "#b22222",
    "三公经费合计": "#6b6b6b",
}
KINDS = ["决算", "绩效自评"]


def render() -> None:
    frame.page_title("三公经费", "因公出国（境）、公务用车购置、公务用车运行维护、公务接待")
    if not frame.has_reports():
        return
    f = current_filters()
    c1, c2 = st.columns([1, 2])
    with c1:
        show_budget = state.toggle("显示预算数", key="sg_budget", value=True)
    with c2:
        show_total = state.toggle("显示三公经费合计", key="sg_total", value=False)
    metrics = (*SANGONG_COMPONENTS, "sangong.total")
    budget_keys = tuple(SANGONG_BUDGETS[m] for m in metrics)
    series = query("metric_series", f, metrics + budget_keys)
    # prefer 决算 values; a 绩效自评 value only where no 决算 report gives that figure
    series = series.assign(kind_rank=series["doc_kind"].map({k: i for i, k in enumerate(KINDS)}))
    series = series.sort_values(["kind_rank", "derived"]).drop_duplicates(
        ["unit_id", "fiscal_year", "metric"]
    )
    series = series.sort_values(["unit_id", "metric", "fiscal_year"])
    if series[series["metric"].isin(metrics)].empty:
        frame.empty("所选单位和年度没有三公经费数据。")
        return
    units = current_units()
    unit_ids = [u for u in units["unit_id"] if u in set(series["unit_id"])]
    if len(unit_ids) > MAX_CHARTS:
        st.caption(f"所选单位较多，仅显示前 {MAX_CHARTS} 个单位的图；可在左侧缩小单位范围。")
        unit_ids = unit_ids[:MAX_CHARTS]
    labels = dict(zip(units["unit_id"], units["label"], strict=True))
    back = {v: k for k, v in SANGONG_BUDGETS.items()}
    shown_metrics = [*SANGONG_COMPONENTS] + (["sangong.total"] if show_total else [])
    cols = st.columns(2)
    for i, uid in enumerate(unit_ids):
        us = series[series["unit_id"] == uid]
        actual = us[us["metric"].isin(shown_metrics)].assign(
            name=lambda d: d["metric"].map(fmt.label)
        )
        budget = us[us["metric"].isin([SANGONG_BUDGETS[m] for m in shown_metrics])]
        budget = budget.assign(name=budget["metric"].map(back).map(fmt.label))
        with cols[i % 2], st.container(border=True, key=f"sg_card_{i}"):
            if actual.empty:
                st.markdown(f"**{safe.md(labels.get(uid, uid))}**")
                st.caption("没有三公经费分项数据。")
                continue
            fig = charts.trend(
                actual,
                series_col="name",
                title=labels.get(uid, uid),
                budget=budget if show_budget else None,
                height=380,
                colors=COLORS,
            )
            frame.chart(fig, key=f"sg_chart_{uid}")
    st.caption(
        "实心点为报告列示数；空心点为由次年报告所述增减额推算的上年数（图例标“由次年报告推算”）；"
        "虚线为报告列示的预算数。"
    )

    st.markdown("##### 预算与决算")
    pairs = []
    for m in metrics:
        a = series[(series["metric"] == m) & ~series["derived"].astype(bool)]
        b = series[series["metric"] == SANGONG_BUDGETS[m]][["unit_id", "fiscal_year", "value"]]
        merged = a.merge(b, on=["unit_id", "fiscal_year"], suffixes=("", "_budget"))
        pairs.append(merged)
    both = pd.concat(pairs) if pairs else pd.DataFrame()
    if both.empty:
        st.caption("所选报告没有同时列示预算数与决算数的三公经费项目。")
    else:
        both = both.assign(
            item=both["metric"].map(fmt.label),
            rate=(both["value"] / both["value_budget"].where(both["value_budget"] != 0)) * 100,
        )
        tbl = both[
            [
                "display_name",
                "fiscal_year",
                "item",
                "value_budget",
                "value",
                "rate",
                "source_file",
                "loc",
            ]
        ]
        tbl = tbl.rename(
            columns={
                "display_name": "单位",
                "fiscal_year": "年度",
                "item": "项目",
                "value_budget": "预算数（万元）",
                "value": "决算数（万元）",
                "rate": "完成预算（%）",
                "source_file": "来源文件",
                "loc": "位置",
            }
        )
        frame.table(
            tbl,
            money=["预算数（万元）", "决算数（万元）"],
            key="sg_budget_table",
            column_config={
                "完成预算（%）": st.column_config.NumberColumn("完成预算（%）", format="%.1f"),
                "年度": st.column_config.NumberColumn("年度", format="%d"),
            },
        )

    st.markdown("##### 国内公务接待批次与人次")
    rec = query(
        "metric_series",
        f,
        ("sangong.reception.batches", "sangong.reception.persons", "sangong.reception"),
    )
    rec = rec[~rec["derived"].astype(bool)]
    if rec.empty:
        st.caption("所选报告没有列示公务接待批次、人次。")
        return
    wide = rec.pivot_table(
        index=["display_name", "fiscal_year"], columns="metric", values="value", aggfunc="first"
    ).reset_index()
    for col in ("sangong.reception.batches", "sangong.reception.persons", "sangong.reception"):
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
