"""The page frame: titles, empty states, tables and plotly styling shared by all pages."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard_lib import fmt, safe
from dashboard_lib.data import WarehouseUnavailable, query
from dashboard_lib.filters import current_filters, filter_summary

_LOG = logging.getLogger("dashboard")
FRAME_FLAG = "_frame_active"  # set by dashboard.py while it runs a page

FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
PALETTE = [
    "#1f3864",
    "#b22222",
    "#4f81bd",
    "#c0504d",
    "#9bbb59",
    "#8064a2",
    "#4bacc6",
    "#f79646",
    "#7f7f7f",
]
EMPTY_FILTERS = (
    "当前筛选条件下没有数据。请在左侧放宽筛选：选择更多单位、扩大年度范围，或把报告类型设为“全部”。"
)
SYNTHETIC_BANNER = (
    "示例数据，非真实：当前仓库含 {n} 份合成报告（由程序生成，用于演示和测试），"
    "其中的单位和金额都不是真实数据。"
)
# A table longer than this is sent to the browser in chunks as it scrolls (frame.table).
EAGER_TABLE_ROWS = 1000
NO_REPORTS = (
    "数据仓库中还没有载入任何报告。请在“数据管理”页上传报告文件（需编辑密码），或在命令行运行 "
    "`python -m etl build --db <数据仓库路径>` 载入报告（不指定文件时载入 samples/reports 中的示例报告），"
    "完成后刷新本页。"
)


def page_title(title: str, caption: str | None = None) -> None:
    """Write the page title and the current filter summary."""
    st.title(title)
    f = current_filters()
    line = safe.md(filter_summary(f))  # unit names come from the reports
    st.caption(f"{caption} · {line}" if caption else line)


def has_reports() -> bool:
    """Return whether any report is loaded; if not, show the empty state."""
    try:
        status = query("warehouse_status")
    except WarehouseUnavailable as exc:
        st.warning(f"{exc}。请稍后刷新页面。")
        return False
    if status.empty or int(status["n_reports"].iloc[0]) == 0:
        st.info(NO_REPORTS, icon=":material/inbox:")
        return False
    return True


def synthetic_banner() -> None:
    """Given the warehouse, show a warning banner when it holds synthetic reports."""
    try:
        status = query("warehouse_status")
    except WarehouseUnavailable:
        return  # the page itself says the warehouse is unavailable
    n = int(status["n_synthetic"].iloc[0]) if "n_synthetic" in status and len(status) else 0
    if n:
        st.warning(SYNTHETIC_BANNER.format(n=n), icon=":material/science:")


def empty(message: str = EMPTY_FILTERS) -> None:
    """Show the no-data state for the current filters."""
    st.info(message, icon=":material/search:")


# Legends sit above the plot area, under the title, never over the plot or its tick labels.
TITLE_PX = 34  # the chart title's band at the top of the figure
LEGEND_ROW_PX = 24  # one row of a horizontal legend
LEGEND_WIDTH_PX = 520  # the narrowest a chart is drawn (half the page at 1366 px): rows are
# counted for this width, so a wider chart has room to spare, never too little
CJK_CHAR_PX = 13.5  # a legend label's character at the 13 px font
LEGEND_SYMBOL_PX = 46  # symbol and gaps of one legend entry


def legend_entries(fig: go.Figure) -> list[str]:
    """Given a figure, return the names its legend will show."""
    traces = list(fig.data)
    if len(traces) == 1 and fig.layout.showlegend is not True:
        return []  # plotly shows no legend for a lone trace
    if fig.layout.showlegend is False:
        return []
    return [
        str(t.name or "")
        for t in traces
        if t.showlegend is not False
        and getattr(t, "type", "") not in ("sunburst", "treemap", "pie")
    ]


def legend_rows(names: list[str], width_px: float = LEGEND_WIDTH_PX) -> int:
    """Given legend labels, return how many rows a horizontal legend needs at ``width_px``."""
    rows, used = (1, 0.0) if names else (0, 0.0)
    for name in names:
        w = LEGEND_SYMBOL_PX + CJK_CHAR_PX * len(name)
        if used and used + w > width_px:
            rows, used = rows + 1, 0.0
        used += w
    return rows


def style(
    fig: go.Figure, *, height: int | None = None, legend_title: str | None = None
) -> go.Figure:
    """Apply the dashboard look to a plotly figure (CJK font, palette, compact margins).

    The title is pinned to the top; a legend, if any, sits in its own band between the title
    and the plot area, with room for as many rows as its labels need.
    """
    rows = legend_rows(legend_entries(fig))
    top = TITLE_PX + rows * LEGEND_ROW_PX + (6 if rows else 0)
    fig.update_layout(
        font={"family": FONT, "size": 13},
        colorway=PALETTE,
        margin={"l": 10, "r": 10, "t": max(40, top), "b": 10},
        title={"yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 8}},
        legend={
            "title": {"text": legend_title or ""},
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1,
            "yref": "paper",
            "xanchor": "left",
            "x": 0,
            "traceorder": "normal",  # stacked bars too: the legend reads in drawing order
        },
        hoverlabel={"font": {"family": FONT}, "align": "left"},
        separators=".,",
    )
    if height:
        fig.update_layout(height=height + rows * LEGEND_ROW_PX)
    return fig


def chart(fig: go.Figure, key: str | None = None) -> None:
    """Show a plotly figure full width, Chinese-friendly, without the plotly logo."""
    st.plotly_chart(
        safe.plain_chart(fig),
        width="stretch",
        key=key,
        config={
            "displaylogo": False,
            "locale": "zh-CN",
            "modeBarButtonsToRemove": ["lasso2d", "select2d"],
        },
    )


def money_columns(cols: Iterable[str]) -> dict[str, st.column_config.NumberColumn]:
    """Column config for amounts in 万元 with two decimals and thousands separators."""
    return {c: st.column_config.NumberColumn(c, format="%,.2f") for c in cols}


def table(
    df: pd.DataFrame, *, money: Iterable[str] = (), key: str | None = None, **kwargs: object
) -> None:
    """Show a sortable table with Chinese headers; ``money`` columns in 万元 with two decimals.

    A table longer than EAGER_TABLE_ROWS is sent lazily: the browser gets the rows in view
    and fetches more as it scrolls or sorts (sorting runs on the server, over all rows).
    """
    config = money_columns(money)
    config.update(kwargs.pop("column_config", {}) or {})  # type: ignore[arg-type]
    kwargs.setdefault("placeholder", "—")
    if len(df) > EAGER_TABLE_ROWS and not kwargs.get("on_select"):
        kwargs.setdefault("lazy", True)
    st.dataframe(df, hide_index=True, width="stretch", column_config=config, key=key, **kwargs)


def hover_source(df: pd.DataFrame) -> pd.Series:
    """Return one hover line of source per row (file, loc, quote; basis for derived rows)."""

    def column(name: str, default: object = None) -> list:
        # plain lists: stepping through Arrow-backed text one cell at a time is slow
        return df[name].tolist() if name in df else [default] * len(df)

    lines = []
    for file, loc, quote, basis, derived in zip(
        column("source_file"),
        column("loc"),
        column("quote"),
        column("basis"),
        column("derived", False),
        strict=True,
    ):
        line = fmt.source_line(file, loc, quote)
        if derived and not fmt.is_missing(basis):
            line = f"推算：{basis}<br>依据：{line}"
        lines.append(line)
    return pd.Series(lines, index=df.index, dtype="object")


def _rerun_through_frame() -> None:
    """Rerun the app through dashboard.py when Streamlit ran a page file on its own.

    Until st.navigation has run once in a server process, Streamlit treats a pages/
    folder next to the entry script as v1 multipage app and, for a deep link, runs the
    page file directly.  Turning that mode off is what st.navigation itself does.
    """
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()


def run_page(render: object) -> None:
    """Run a page's render function inside the frame.

    A warehouse being rebuilt shows a notice and any other error a short message, never
    a traceback.
    """
    if not st.session_state.get(FRAME_FLAG):
        _rerun_through_frame()
    try:
        render()  # type: ignore[operator]
    except WarehouseUnavailable as exc:
        st.warning(f"{exc}。请稍后刷新页面。", icon=":material/hourglass_top:")
    except Exception as exc:  # a page must not show a traceback (or paths) to its readers
        _LOG.exception("page failed")
        st.error(
            f"本页显示时出错，请调整筛选条件或稍后重试。（错误类型 {type(exc).__name__}）",
            icon=":material/warning:",
        )
