"""支出结构: 基本/项目支出, 人员/公用经费, 功能分类 类/款/项 with drill-down, units side by side."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard_lib import charts, fmt, frame, ranking, state
from dashboard_lib.data import query
from dashboard_lib.filters import current_filters, current_units
from warehouse.queries import Filters

MODES = ["旭日图", "矩形树图"]
ALL_CLASSES = "（全部类）"


def share_rows(
    series: pd.DataFrame, metrics: tuple[str, str], top: int, added: list[str]
) -> pd.DataFrame:
    """Rows for a 100% stacked bar: each unit's latest year ranked by its total (决算 values
    first), the top units by name, the rest as one bar “其余 N 个单位”."""
    rows = series[series["metric"].isin(metrics) & ~series["derived"].astype(bool)].copy()
    rows = rows.sort_values("doc_kind").drop_duplicates(["unit_id", "fiscal_year", "metric"])
    rows["part"] = rows["metric"].map(fmt.label)
    bars, _ = ranking.share_ranking(rows, "part", top, added)
    return bars


def _stated_names(items: pd.DataFrame) -> dict[str, str]:
    """Given 功能分类 items, return official 类 -> a hover note of the names the report stated."""
    if "class_stated" not in items:
        return {}
    notes = {}
    for cname, c in items.groupby("class_name", sort=False):
        other = [s for s in dict.fromkeys(c["class_stated"]) if s != cname]
        if other:
            notes[cname] = "<br>报告原文：" + "、".join(other)
    return notes


def hierarchy(items: pd.DataFrame, mode: str, title: str) -> go.Figure:
    """A sunburst or treemap of 类/款/项 amounts (click a 类 to zoom into it)."""
    leaves = items.groupby(["class_name", "kuan", "xiang"], as_index=False)["amount"].sum()
    ids, labels, parents, values = [], [], [], []
    for cname, c in leaves.groupby("class_name", sort=False):
        ids.append(cname)
        labels.append(cname)
        parents.append("")
        values.append(c["amount"].sum())
        for kuan, k in c.groupby("kuan", sort=False):
            kid = f"{cname}/{kuan}"
            ids.append(kid)
            labels.append(kuan)
            parents.append(cname)
            values.append(k["amount"].sum())
            for r in k.itertuples():
                ids.append(f"{kid}/{r.xiang}")
                labels.append(r.xiang)
                parents.append(kid)
                values.append(r.amount)
    stated = _stated_names(items)
    shown = [[fmt.wan(v), stated.get(i, "")] for i, v in zip(ids, values, strict=True)]
    # every tile takes its 类's colour, so a class looks the same here and on the share bars
    tile_colors = [charts.class_color(i.split("/", 1)[0]) for i in ids]
    common = {
        "ids": ids,
        "labels": labels,
        "parents": parents,
        "values": values,
        "branchvalues": "total",
        "customdata": shown,
        "hovertemplate": "<b>%{label}</b>%{customdata[1]}<br>%{customdata[0]}<br>"
        "占上级 %{percentParent:.1%}<extra></extra>",
        "maxdepth": 3,
        "marker": {"colors": tile_colors},
        "texttemplate": "%{label}<br>%{customdata[0]}",
    }
    trace = (
        go.Sunburst(**common, insidetextorientation="radial")
        if mode == "旭日图"
        else go.Treemap(**common)
    )
    fig = go.Figure(trace)
    fig.update_layout(title={"text": title, "font": {"size": 15}})
    return frame.style(fig, height=520)


def render() -> None:
    frame.page_title("支出结构", "基本支出与项目支出、人员经费与公用经费、支出功能分类")
    if not frame.has_reports():
        return
    f = current_filters()
    top, added = ranking.controls("st")  # the share bars below rank units the same way
    series = query(
        "metric_series",
        f,
        ("expenditure.basic", "expenditure.project", "basic.personnel", "basic.public"),
    )
    if series.empty:
        frame.empty()
    else:
        st.caption("各单位取最近一年，按支出总额从高到低排列；排名之外的单位合为“其余 N 个单位”。")
        left, right = st.columns(2)
        with left:
            rows = share_rows(series, ("expenditure.basic", "expenditure.project"), top, added)
            if rows.empty:
                frame.empty("没有基本支出/项目支出数据。")
            else:
                fig = charts.stacked_share(
                    rows,
                    category_col="category",
                    part_col="part",
                    title="基本支出与项目支出",
                    order=["基本支出", "项目支出"],
                )
                frame.chart(fig, key="st_basic_project")
        with right:
            rows = share_rows(series, ("basic.personnel", "basic.public"), top, added)
            if rows.empty:
                frame.empty("没有人员经费/公用经费数据。")
            else:
                fig = charts.stacked_share(
                    rows,
                    category_col="category",
                    part_col="part",
                    title="人员经费与公用经费",
                    order=["人员经费", "公用经费"],
                )
                frame.chart(fig, key="st_personnel_public")

    st.markdown("##### 支出功能分类（类/款/项）")
    # which units and years have 功能分类 lines (counted in SQL); the lines of one unit only
    listed = query("function_item_years", f)
    if listed.empty:
        frame.empty("所选报告没有列示一般公共预算财政拨款支出的功能分类明细（决算报告才有）。")
        return
    units = current_units()
    with_items = set(listed["unit_id"].tolist())
    have = [u for u in units["unit_id"].tolist() if u in with_items]
    labels = dict(zip(units["unit_id"].tolist(), units["label"].tolist(), strict=True))
    c1, c2, c3 = st.columns([2, 1, 1])
    with c1:
        unit_id = state.id_selectbox(
            "单位", have, key="st_unit", format_func=lambda u: labels.get(u, u)
        )
    years = sorted(listed.loc[listed["unit_id"] == unit_id, "fiscal_year"].tolist(), reverse=True)
    with c2:
        # the link holds the bare year; an old link's "2024年" still opens
        chosen_year = state.id_selectbox(
            "年度", [str(y) for y in years], key="st_year", format_func=lambda y: f"{y}年"
        )
        year = int(chosen_year) if chosen_year is not None else None
    with c3:
        mode = state.radio("图形", MODES, key="st_mode")
    one = Filters((unit_id,), year, year, f.doc_kinds) if year is not None else f
    sel = query("function_items", one) if unit_id is not None else listed.iloc[0:0]
    if sel.empty:
        frame.empty("所选报告没有列示一般公共预算财政拨款支出的功能分类明细（决算报告才有）。")
        return
    classes = [ALL_CLASSES, *dict.fromkeys(sel["class_name"])]
    cls = state.selectbox("钻取到“类”", classes, key="st_class")
    drill = sel if cls == ALL_CLASSES else sel[sel["class_name"] == cls]
    name = labels.get(unit_id, "")
    title = f"{name} {year}年 功能分类支出" + ("" if cls == ALL_CLASSES else f" · {cls}")
    frame.chart(hierarchy(drill, mode, title), key="st_hierarchy")
    st.caption("点击图中的“类”可在图内放大；也可用上方“钻取到‘类’”固定显示某一类，并写入链接。")
    detail = drill[
        ["class_name", "kuan", "xiang", "amount", "pct_of_budget", "source_file", "loc", "quote"]
    ].rename(
        columns={
            "class_name": "类",
            "kuan": "款",
            "xiang": "项",
            "amount": "金额（万元）",
            "pct_of_budget": "完成预算（%）",
            "source_file": "来源文件",
            "loc": "位置",
            "quote": "原文",
        }
    )
    frame.table(detail, money=["金额（万元）"], key="st_items")

    st.markdown("##### 各单位功能分类构成（按“类”）")
    by_class = query("function_classes", f)
    if by_class.empty:  # no 类 table in these reports: the lines summed by 类
        items = query("function_items", f)
        by_class = items.groupby(
            ["unit_id", "display_name", "fiscal_year", "class_name"], as_index=False
        )["amount"].sum()
    by_class = by_class.rename(columns={"amount": "value"})
    by_class, _ = ranking.share_ranking(by_class, "class_name", top, added)
    fig = charts.stacked_share(
        by_class,
        category_col="category",
        part_col="class_name",
        title="各单位最近一年功能分类构成（100%）",
        colors={c: charts.class_color(c) for c in by_class["class_name"].unique()},
    )
    frame.chart(fig, key="st_units_classes")


frame.run_page(render)
