"""Plotly charts shared by several pages (Chinese labels, exact values and sources on hover)."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from dashboard_lib import fmt
from dashboard_lib.frame import LEGEND_ROW_PX, PALETTE, TITLE_PX, hover_source, style
from etl.vocab.functions import official_classes

# one colour per official 功能分类 类, in code order, the same on every chart
CLASS_PALETTE = qualitative.Dark24 + qualitative.Light24
OTHER_CLASS_COLOR = "#9e9e9e"

# small multiples: one panel per unit on shared axes, the unit in colour over grey peers
HIGHLIGHT = "#1f3864"
PEER_GREY = "#d3d3d3"
SM_COLS = 4  # panels per row
SM_PANEL_PX = 130  # height of one panel's plot area
SM_GAP_PX = 52  # between rows: the next panel's title and this panel's year ticks
SM_TITLE_CHARS = 16  # a panel title longer than this is cut with “…”
SM_YEAR_TICKS = 6  # up to this many years apart every year is ticked, else every other
MAX_PANELS = 20
SHARE_TICKS = (
    0,
    25,
    50,
    75,
    100,
)  # panels drawn at most; the ranking and the table show every unit


def class_color(name: str) -> str:
    """Given an official 功能分类 类 name, return its fixed colour (grey for a name not listed)."""
    names = list(official_classes().values())
    if name not in names:
        return OTHER_CLASS_COLOR
    return CLASS_PALETTE[names.index(name) % len(CLASS_PALETTE)]


def small_multiples(
    df: pd.DataFrame,
    *,
    facet_col: str,
    order: list[str],
    title: str,
    unit: str = "万元",
    cols: int = SM_COLS,
    color: str = HIGHLIGHT,
) -> go.Figure:
    """Given values over fiscal years, return one small panel per ``order`` entry on shared axes.

    ``df`` has facet_col, fiscal_year, value, derived and optional source columns.  Each
    panel draws its own series in colour over the other panels' series in grey.  A derived
    value (由次年报告上年数推得) is a hollow marker on a dashed segment, so marked on hover.
    """
    order = [o for o in order if o in set(df[facet_col])]
    n = max(len(order), 1)
    cols = max(1, min(cols, n))
    rows = math.ceil(n / cols)
    plot_px = rows * SM_PANEL_PX + (rows - 1) * SM_GAP_PX
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[_short(o) for o in order],
        horizontal_spacing=0.025 if cols > 1 else 0,
        vertical_spacing=SM_GAP_PX / plot_px if rows > 1 else 0,
    )
    df = df.sort_values("fiscal_year")
    lines = {o: df[df[facet_col] == o] for o in order}
    legend_done = {False: False, True: False}
    for i, name in enumerate(order):
        r, c = i // cols + 1, i % cols + 1
        peers_x: list[object] = []
        peers_y: list[object] = []
        for other, part in lines.items():
            if other != name:
                peers_x += [*part["fiscal_year"], None]
                peers_y += [*part["value"], None]
        if peers_x:
            fig.add_trace(
                go.Scatter(
                    x=peers_x, y=peers_y, mode="lines", line={"color": PEER_GREY, "width": 1},
                    hoverinfo="skip", showlegend=False,
                ),
                row=r, col=c,
            )  # fmt: skip
        part = lines[name]
        part = part.assign(
            src=hover_source(part), shown=[fmt.value(v, unit) for v in part["value"]]
        )
        xs, ys, ds = part["fiscal_year"].tolist(), part["value"].tolist(), part["derived"].tolist()
        for dashed in (False, True):
            sx: list[object] = []
            sy: list[object] = []
            for k in range(len(xs) - 1):
                if bool(ds[k] or ds[k + 1]) == dashed:
                    sx += [xs[k], xs[k + 1], None]
                    sy += [ys[k], ys[k + 1], None]
            if sx:
                fig.add_trace(
                    go.Scatter(
                        x=sx, y=sy, mode="lines", hoverinfo="skip", showlegend=False,
                        line={"color": color, "width": 2, "dash": "dot" if dashed else "solid"},
                    ),
                    row=r, col=c,
                )  # fmt: skip
        for derived in (False, True):
            pts = part[part["derived"].astype(bool) == derived]
            if pts.empty:
                continue
            fig.add_trace(
                go.Scatter(
                    x=pts["fiscal_year"], y=pts["value"], mode="markers",
                    name=fmt.DERIVED_HINT if derived else fmt.STATED_LABEL + "数",
                    legendgroup="derived" if derived else "stated",
                    showlegend=not legend_done[derived],
                    marker={
                        "color": color, "size": 9 if derived else 7,
                        "symbol": "circle-open" if derived else "circle",
                        "line": {"color": color, "width": 2 if derived else 0},
                    },
                    customdata=pts[["shown", "src"]].to_numpy(),
                    hovertemplate=(
                        f"<b>{name}</b> %{{x:d}}年"
                        + (f"（{fmt.DERIVED_HINT}）" if derived else "")
                        + "<br>%{customdata[0]}<br>%{customdata[1]}<extra></extra>"
                    ),
                ),
                row=r, col=c,
            )  # fmt: skip
            legend_done[derived] = True
    years = df["fiscal_year"].dropna()
    lo, hi = (int(years.min()), int(years.max())) if len(years) else (0, 1)
    most = float(df["value"].max()) if len(df) else 1.0
    least = min(float(df["value"].min()) if len(df) else 0.0, 0.0)
    # shared scales: every panel the same year and value range; ticks on the outer panels
    fig.update_xaxes(
        range=[lo - 0.5, hi + 0.5], dtick=1 if hi - lo <= SM_YEAR_TICKS else 2, tickformat="d",
        showticklabels=False, tickfont={"size": 11},
    )  # fmt: skip
    fig.update_yaxes(
        range=[least, (most or 1.0) * 1.1], showticklabels=False, tickfont={"size": 11},
        tickformat=",.2f" if unit == "万元" else ",~g", nticks=4,
    )  # fmt: skip
    for i in range(len(order)):
        r, c = i // cols + 1, i % cols + 1
        if i + cols >= len(order):  # nothing below this panel
            fig.update_xaxes(showticklabels=True, row=r, col=c)
        if c == 1:
            fig.update_yaxes(showticklabels=True, row=r, col=c)
    for a in fig.layout.annotations:
        a.font = {"size": 12}
    fig.update_layout(title={"text": title, "font": {"size": 15}}, hovermode="closest")
    style(fig, height=plot_px + 60)
    # the legend's band is under the title, above the panel titles of the first row
    if legend_done[True]:
        height = plot_px + 2 * LEGEND_ROW_PX + TITLE_PX + 30
        fig.update_layout(
            height=height,
            margin={"t": TITLE_PX + 2 * LEGEND_ROW_PX + 4, "b": 26},
            legend={"yref": "container", "y": 1 - (TITLE_PX + 2) / height, "yanchor": "top"},
        )
    else:
        fig.update_layout(
            showlegend=False,
            height=plot_px + TITLE_PX + LEGEND_ROW_PX + 30,
            margin={"t": TITLE_PX + LEGEND_ROW_PX, "b": 26},
        )
    return fig


def _short(name: str) -> str:
    """Given a panel name, return it cut to SM_TITLE_CHARS characters."""
    return name if len(name) <= SM_TITLE_CHARS else name[: SM_TITLE_CHARS - 1] + "…"


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
        title_text="占比（%）",
        range=[0, 100],
        tickvals=SHARE_TICKS,
        ticktext=[f"{t}%" for t in SHARE_TICKS],
    )
    fig.update_yaxes(autorange="reversed", title_text="")
    style(fig, height=max(220, 60 + 38 * len(cats)))
    return fig.update_layout(margin={"r": 24})
