"""Plotly charts shared by several pages (Chinese labels, exact values and sources on hover)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from dashboard_lib import fmt
from dashboard_lib.frame import PALETTE, hover_source, style
from etl.vocab.functions import official_classes

# one colour per official 功能分类 类, in code order, the same on every chart
CLASS_PALETTE = qualitative.Dark24 + qualitative.Light24
OTHER_CLASS_COLOR = "#9e9e9e"


def class_color(name: str) -> str:
    """Given an official 功能分类 类 name, return its fixed colour (grey for a name not listed)."""
    names = list(official_classes().values())
    if name not in names:
        return OTHER_CLASS_COLOR
    return CLASS_PALETTE[names.index(name) % len(CLASS_PALETTE)]


def trend(
    df: pd.DataFrame,
    *,
    series_col: str,
    title: str,
    unit: str = "万元",
    budget: pd.DataFrame | None = None,
    height: int = 360,
    colors: dict[str, str] | None = None,
) -> go.Figure:
    """Lines over fiscal years, one per ``series_col`` value.

    Rows with ``derived`` true are drawn as hollow markers in a separate legend entry
    (由次年报告推算); ``budget`` rows (same columns) as dashed lines with square markers.
    ``colors`` fixes the colour of named series.
    """
    fig = go.Figure()
    names = list(dict.fromkeys(df[series_col]))
    colors = colors or {}
    for i, name in enumerate(names):
        color = colors.get(name, PALETTE[i % len(PALETTE)])
        part = df[df[series_col] == name].sort_values("fiscal_year")
        part = part.assign(
            src=hover_source(part), shown=[fmt.value(v, unit) for v in part["value"]]
        )
        # the connecting line goes through stated and derived points alike
        fig.add_trace(
            go.Scatter(
                x=part["fiscal_year"], y=part["value"], mode="lines", name=name, legendgroup=name,
                line={"color": color, "width": 2}, hoverinfo="skip", showlegend=False,
            )
        )  # fmt: skip
        for derived in (False, True):
            pts = part[part["derived"].astype(bool) == derived]
            if pts.empty:
                continue
            fig.add_trace(
                go.Scatter(
                    x=pts["fiscal_year"],
                    y=pts["value"],
                    mode="markers",
                    name=f"{name}（{fmt.DERIVED_LABEL}）" if derived else name,
                    legendgroup=name,
                    marker={
                        "color": color,
                        "size": 11 if derived else 9,
                        "symbol": "circle-open" if derived else "circle",
                        "line": {"width": 2.5 if derived else 0},
                    },
                    customdata=pts[["shown", "src"]].to_numpy(),
                    hovertemplate=(
                        f"<b>{name}</b> %{{x:d}}年"
                        + ("（由次年报告推算）" if derived else "")
                        + "<br>%{customdata[0]}<br>%{customdata[1]}<extra></extra>"
                    ),
                )
            )
    if budget is not None and not budget.empty:
        for i, name in enumerate(names):
            part = budget[budget[series_col] == name].sort_values("fiscal_year")
            if part.empty:
                continue
            color = colors.get(name, PALETTE[i % len(PALETTE)])
            part = part.assign(
                src=hover_source(part), shown=[fmt.value(v, unit) for v in part["value"]]
            )
            fig.add_trace(
                go.Scatter(
                    x=part["fiscal_year"], y=part["value"], mode="lines+markers", name=f"{name}（预算数）",
                    legendgroup=name, line={"color": color, "dash": "dash", "width": 1.5},
                    marker={"symbol": "square", "size": 7, "color": color}, opacity=0.75,
                    customdata=part[["shown", "src"]].to_numpy(),
                    hovertemplate=f"<b>{name} 预算数</b> %{{x:d}}年<br>%{{customdata[0]}}<br>%{{customdata[1]}}<extra></extra>",
                )
            )  # fmt: skip
    fig.update_layout(title={"text": title, "font": {"size": 15}}, hovermode="closest")
    fig.update_xaxes(dtick=1, tickformat="d", ticksuffix="年")
    fig.update_yaxes(
        title_text=unit, rangemode="tozero", tickformat=",.2f" if unit == "万元" else ","
    )
    return style(fig, height=height)


def stacked_share(
    df: pd.DataFrame,
    *,
    category_col: str,
    part_col: str,
    title: str,
    order: list[str] | None = None,
    colors: dict[str, str] | None = None,
) -> go.Figure:
    """100% stacked horizontal bars: one bar per ``category_col``, segments by ``part_col``.

    ``df`` has columns category_col, part_col, value and (optional) source_file/loc/quote.
    Hover shows the exact amount in 万元, its share and the source; ``colors`` fixes a part's colour.
    """
    colors = colors or {}
    df = df.copy()
    totals = df.groupby(category_col)["value"].transform("sum")
    df["share"] = (df["value"] / totals.where(totals != 0)).fillna(0) * 100
    df["src"] = hover_source(df) if "quote" in df else ""
    df["shown"] = [fmt.wan(v) for v in df["value"]]
    cats = list(dict.fromkeys(df[category_col]))
    fig = go.Figure()
    parts = order or list(dict.fromkeys(df[part_col]))
    for i, part in enumerate(parts):
        sub = df[df[part_col] == part].set_index(category_col).reindex(cats)
        fig.add_trace(
            go.Bar(
                y=cats, x=sub["share"], name=part, orientation="h",
                marker_color=colors.get(part, PALETTE[i % len(PALETTE)]),
                customdata=sub[["shown", "src"]].fillna("").to_numpy(),
                text=[f"{s:.1f}%" if s == s and s >= 6 else "" for s in sub["share"]],
                textposition="inside", insidetextanchor="middle",
                hovertemplate=f"<b>%{{y}}</b> {part}<br>%{{customdata[0]}}（%{{x:.2f}}%）<br>%{{customdata[1]}}<extra></extra>",
            )
        )  # fmt: skip
    fig.update_layout(barmode="stack", title={"text": title, "font": {"size": 15}})
    # explicit ticks so 100% is labelled, and room on the right so its label is not clipped
    fig.update_xaxes(
        title_text="占比（%）", range=[0, 100], ticksuffix="%", tickvals=[0, 25, 50, 75, 100]
    )
    fig.update_yaxes(autorange="reversed", title_text="")
    style(fig, height=max(220, 60 + 38 * len(cats)))
    return fig.update_layout(margin={"r": 24})
