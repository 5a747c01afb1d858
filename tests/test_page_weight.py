"""What the pages compute and send at size: aggregated queries, lazy long tables, chart helpers.

Speed itself is measured by bench/bench_pages.py; these check that the lighter paths give the
same answers as the full ones.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard_lib import fmt, frame, safe
from tests.dashboard_fixture import build_fixture
from tests.test_pages import assert_clean, open_app


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture(tmp_path_factory.mktemp("weight") / "fixture.duckdb")


def test_function_item_years_counts_what_function_items_lists(fixture_db: Path) -> None:
    from warehouse import queries

    con = duckdb.connect(str(fixture_db), read_only=True)
    for f in (queries.Filters(), queries.Filters(year_from=2024, year_to=2024)):
        listed = queries.function_item_years(con, f)
        items = queries.function_items(con, f)
        want = items.groupby(["unit_id", "fiscal_year"]).size()
        got = listed.set_index(["unit_id", "fiscal_year"])["n_items"]
        assert len(listed) > 0
        assert got.sort_index().to_dict() == want.sort_index().to_dict()
    con.close()


def test_structure_shows_the_lines_of_the_picked_unit_and_year(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from warehouse import queries

    monkeypatch.setenv("JUESUAN_DB", str(fixture_db))
    monkeypatch.setenv("JUESUAN_AUTOBUILD", "0")
    con = duckdb.connect(str(fixture_db), read_only=True)
    items = queries.function_items(con, queries.Filters())
    con.close()
    # a unit other than the first, and a year other than its latest
    unit_id, label = items.loc[items["unit_id"] != items["unit_id"].iloc[0]].iloc[0][
        ["unit_id", "display_name"]
    ]
    years = sorted(set(items.loc[items["unit_id"] == unit_id, "fiscal_year"]))
    assert len(years) > 1
    at = open_app("structure", {"st_unit": label, "st_year": f"{years[0]}年"})
    assert_clean(at)
    assert at.selectbox(key="st_unit").value == unit_id
    assert at.selectbox(key="st_year").value == str(years[0])
    shown = at.dataframe[0].value
    want = items[(items["unit_id"] == unit_id) & (items["fiscal_year"] == years[0])]
    assert list(shown["项"]) == list(want["xiang"])
    assert list(shown["金额（万元）"]) == pytest.approx(list(want["amount"]))


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[dict] = []

    def __call__(self, df: pd.DataFrame, **kwargs: object) -> None:
        self.calls.append({"rows": len(df), **kwargs})


@pytest.mark.parametrize(
    ("rows", "extra", "lazy"),
    [
        (frame.EAGER_TABLE_ROWS, {}, None),  # short: sent whole, with its download button
        (frame.EAGER_TABLE_ROWS + 1, {}, True),  # long: sent in chunks as the reader scrolls
        (frame.EAGER_TABLE_ROWS + 1, {"on_select": "rerun"}, None),  # selectable: whole
        (frame.EAGER_TABLE_ROWS + 1, {"lazy": False}, False),  # the caller decides
    ],
)
def test_long_tables_are_sent_lazily(
    monkeypatch: pytest.MonkeyPatch, rows: int, extra: dict, lazy: bool | None
) -> None:
    record = _Recorder()
    monkeypatch.setattr(frame.st, "dataframe", record)
    frame.table(pd.DataFrame({"a": range(rows)}), key="t", **extra)
    (call,) = record.calls
    assert call["rows"] == rows
    assert call.get("lazy") is lazy


def test_plain_chart_escapes_text_and_leaves_numbers_alone() -> None:
    link = '<a href="https://evil.example">点我</a>'
    fig = go.Figure(
        [
            go.Bar(x=[1.5, 2.5], y=[link, "乙"], name=link, orientation="h"),
            go.Sunburst(ids=["甲", "甲/乙"], labels=[link, "乙"], parents=["", "甲"]),
        ]
    )
    safe.plain_chart(fig)
    spec = json.loads(fig.to_json())
    assert "<a" not in json.dumps(spec["data"], ensure_ascii=False)
    assert fig.data[0].y[0] == safe.chart_text(link)
    assert fig.data[0].name == safe.chart_text(link)
    assert fig.data[1].labels[0] == safe.chart_text(link)
    assert list(fig.data[0].x) == [1.5, 2.5]
    # numbers come back as the same object, so they are not set (and validated) again
    for numbers in ((1.5, 2.5), [1, 2], np.array([1.5, 2.5])):
        assert safe._chart_values(numbers) is numbers


def test_hover_source_names_the_basis_of_derived_values_only() -> None:
    df = pd.DataFrame(
        {
            "source_file": ["甲.pdf", "乙.pdf"],
            "loc": ["第3页", None],
            "quote": ["收入合计100万元", "比上年增加10万元"],
            "derived": [False, True],
            "basis": [None, "本年数 − 增加额"],
        },
        index=[7, 9],
    )
    got = frame.hover_source(df)
    assert list(got.index) == [7, 9]
    assert got[7] == fmt.source_line("甲.pdf", "第3页", "收入合计100万元")
    assert got[9] == "推算：本年数 − 增加额<br>依据：" + fmt.source_line(
        "乙.pdf", None, "比上年增加10万元"
    )
    # without the optional columns every row is a plain source line
    plain = frame.hover_source(df[["source_file", "loc", "quote"]])
    assert plain[9] == fmt.source_line("乙.pdf", None, "比上年增加10万元")
