"""Plotly charts shared by several pages (Chinese labels, exact values and sources on hover)."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

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
MAX_PANELS = 20  # panels drawn at most; the ranking and the table show every unit
SHARE_TICKS = (0, 25, 50, 75, 100)  # the ticks of a 100% share axis


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
    layout = grid_layout(
        rows,
        cols,
        [_short(o) for o in order],
        horizontal_spacing=0.025 if cols > 1 else 0,
        vertical_spacing=SM_GAP_PX / plot_px if rows > 1 else 0,
    )
    df = df.sort_values("fiscal_year")
    # plain lists per unit, read once: the panels are built without pandas or plotly objects
    lines = {o: df[df[facet_col] == o] for o in order}
    years = {o: part["fiscal_year"].tolist() for o, part in lines.items()}
    values = {o: part["value"].tolist() for o, part in lines.items()}
    traces: list[dict] = []
    legend_done = {False: False, True: False}
    for i, name in enumerate(order):
        axes = {"xaxis": f"x{i + 1 if i else ''}", "yaxis": f"y{i + 1 if i else ''}"}
        peers_x: list[object] = []
        peers_y: list[object] = []
        for other in order:
            if other != name:
                peers_x += [*years[other], None]
                peers_y += [*values[other], None]
        if peers_x:
            traces.append(
                {
                    "type": "scatter", "x": peers_x, "y": peers_y, "mode": "lines",
                    "line": {"color": PEER_GREY, "width": 1}, "hoverinfo": "skip",
                    "showlegend": False, **axes,
                }
            )  # fmt: skip
        part = lines[name]
        xs, ys, ds = years[name], values[name], part["derived"].astype(bool).tolist()
        for dashed in (False, True):
            sx: list[object] = []
            sy: list[object] = []
            for k in range(len(xs) - 1):
                if (ds[k] or ds[k + 1]) == dashed:
                    sx += [xs[k], xs[k + 1], None]
                    sy += [ys[k], ys[k + 1], None]
            if sx:
                traces.append(
                    {
                        "type": "scatter", "x": sx, "y": sy, "mode": "lines",
                        "hoverinfo": "skip", "showlegend": False,
                        "line": {"color": color, "width": 2, "dash": "dot" if dashed else "solid"},
                        **axes,
                    }
                )  # fmt: skip
        sources = hover_source(part).tolist()
        for derived in (False, True):
            at = [k for k, d in enumerate(ds) if d == derived]
            if not at:
                continue
            traces.append(
                {
                    "type": "scatter", "x": [xs[k] for k in at], "y": [ys[k] for k in at],
                    "mode": "markers",
                    "name": fmt.DERIVED_HINT if derived else fmt.STATED_LABEL + "数",
                    "legendgroup": "derived" if derived else "stated",
                    "showlegend": not legend_done[derived],
                    "marker": {
                        "color": color, "size": 9 if derived else 7,
                        "symbol": "circle-open" if derived else "circle",
                        "line": {"color": color, "width": 2 if derived else 0},
                    },
                    "customdata": [[fmt.value(ys[k], unit), sources[k]] for k in at],
                    "hovertemplate": (
                        f"<b>{name}</b> %{{x:d}}年"
                        + (f"（{fmt.DERIVED_HINT}）" if derived else "")
                        + "<br>%{customdata[0]}<br>%{customdata[1]}<extra></extra>"
                    ),
                    **axes,
                }
            )  # fmt: skip
            legend_done[derived] = True
    years_seen = df["fiscal_year"].dropna()
    lo, hi = (int(years_seen.min()), int(years_seen.max())) if len(years_seen) else (0, 1)
    most = float(df["value"].max()) if len(df) else 1.0
    least = min(float(df["value"].min()) if len(df) else 0.0, 0.0)
    # shared scales: every panel the same year and value range; ticks on the outer panels
    for k in range(rows * cols):
        suffix = str(k + 1) if k else ""
        below = k + cols < len(order)  # a panel below this one: its year ticks do the job
        layout[f"xaxis{suffix}"].update(
            range=[lo - 0.5, hi + 0.5], dtick=1 if hi - lo <= SM_YEAR_TICKS else 2,
            tickformat="d", showticklabels=k < len(order) and not below,
            tickfont={"size": 11},
        )  # fmt: skip
        layout[f"yaxis{suffix}"].update(
            range=[least, (most or 1.0) * 1.1], tickfont={"size": 11},
            showticklabels=k < len(order) and k % cols == 0,
            tickformat=",.2f" if unit == "万元" else ",~g", nticks=4,
        )  # fmt: skip
    for a in layout["annotations"]:
        a["font"] = {"size": 12}
    fig = go.Figure({"data": traces, "layout": layout})
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


def grid_layout(
    rows: int,
    cols: int,
    titles: list[str],
    *,
    horizontal_spacing: float,
    vertical_spacing: float,
) -> dict:
    """Given a grid's rows, columns, panel titles and spacings, return the layout dict of
    plotly's ``make_subplots`` for it (axes x1..xN/y1..yN row by row from the top left, each
    panel's title above it), built without plotly's objects, which cost tens of milliseconds."""
    widths = [(1.0 - horizontal_spacing * (cols - 1)) / cols] * cols
    heights = [(1.0 - vertical_spacing * (rows - 1)) / rows] * rows
    layout: dict = {"annotations": []}
    for r in range(rows):  # r = 0 is the top row
        y0 = sum(heights[: rows - 1 - r]) + (rows - 1 - r) * vertical_spacing
        y1 = y0 + heights[-1 - r]
        for c in range(cols):
            k = r * cols + c + 1
            x0 = sum(widths[:c]) + c * horizontal_spacing
            x1 = x0 + widths[c]
            suffix = str(k) if k > 1 else ""
            layout[f"xaxis{suffix}"] = {"anchor": f"y{suffix}", "domain": [x0, x1]}
            layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}", "domain": [y0, y1]}
            if k <= len(titles):
                layout["annotations"].append(
                    {
                        "font": {"size": 16}, "showarrow": False, "text": titles[k - 1],
                        "x": (x0 + x1) / 2.0, "xanchor": "center", "xref": "paper",
                        "y": y1, "yanchor": "bottom", "yref": "paper",
                    }
                )  # fmt: skip
    return layout


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
    parts = order or list(dict.fromkeys(df[part_col]))
    traces = []
    for i, part in enumerate(parts):  # plain dicts: one figure built, not a trace at a time
        sub = df[df[part_col] == part].set_index(category_col).reindex(cats)
        shares = sub["share"].tolist()
        traces.append(
            {
                "type": "bar", "y": cats, "x": shares, "name": part, "orientation": "h",
                "marker": {"color": colors.get(part, PALETTE[i % len(PALETTE)])},
                "customdata": sub[["shown", "src"]].fillna("").to_numpy().tolist(),
                "text": [f"{s:.1f}%" if s == s and s >= 6 else "" for s in shares],
                "textposition": "inside", "insidetextanchor": "middle",
                "hovertemplate": f"<b>%{{y}}</b> {part}<br>%{{customdata[0]}}（%{{x:.2f}}%）<br>%{{customdata[1]}}<extra></extra>",
            }
        )  # fmt: skip
    # explicit ticks so 100% is labelled, and room on the right so its label is not clipped
    layout = {
        "barmode": "stack",
        "title": {"text": title, "font": {"size": 15}},
        "xaxis": {
            "title": {"text": "占比（%）"},
            "range": [0, 100],
            "tickvals": list(SHARE_TICKS),
            "ticktext": [f"{t}%" for t in SHARE_TICKS],
        },
        "yaxis": {"autorange": "reversed", "title": {"text": ""}},
    }
    fig = go.Figure({"data": traces, "layout": layout})
    style(fig, height=max(220, 60 + 38 * len(cats)))
    return fig.update_layout(margin={"r": 24})
