"""The small multiples' grid is built as a dict (dashboard_lib.charts.grid_layout) instead of
through plotly's make_subplots, which costs tens of milliseconds a chart: the two must lay out
the same axes, domains and panel titles, on every grid shape the pages draw."""

from __future__ import annotations

import pytest
from plotly.subplots import make_subplots

from dashboard_lib.charts import MAX_PANELS, SM_COLS, SM_GAP_PX, SM_PANEL_PX, grid_layout

SHAPES = sorted({(-(-n // min(SM_COLS, n)), min(SM_COLS, n), n) for n in range(1, MAX_PANELS + 1)})


@pytest.mark.parametrize(("rows", "cols", "panels"), SHAPES)
def test_grid_layout_is_make_subplots_layout(rows: int, cols: int, panels: int) -> None:
    titles = [f"县{i:02d}·单位{i}" for i in range(panels)]
    plot_px = rows * SM_PANEL_PX + (rows - 1) * SM_GAP_PX
    spacing = {
        "horizontal_spacing": 0.025 if cols > 1 else 0,
        "vertical_spacing": SM_GAP_PX / plot_px if rows > 1 else 0,
    }
    expected = make_subplots(rows=rows, cols=cols, subplot_titles=titles, **spacing)
    expected = expected.to_dict()["layout"]
    expected.pop("template")
    assert grid_layout(rows, cols, titles, **spacing) == expected
