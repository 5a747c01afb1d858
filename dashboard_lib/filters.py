"""The global filters in the sidebar: region, unit type, units, fiscal years, report kind."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard_lib import state
from dashboard_lib.data import query
from warehouse.queries import DOC_KINDS, Filters

_KEY = "_filters"
_UNITS = "_filter_units"
KIND_ALL = "全部"


def unit_labels(units: pd.DataFrame) -> dict[str, str]:
    """Map unit_id to the name shown (display_name; the full name added where two collide)."""
    dup = units["display_name"].duplicated(keep=False)
    return {
        r.unit_id: f"{r.display_name}（{r.unit_name}）" if d else r.display_name
        for r, d in zip(units.itertuples(), dup, strict=True)
    }


def render_global_filters() -> Filters:
    """Draw the sidebar filters (bound to the URL) and return the chosen Filters."""
    units = query("unit_list")
    years = [int(y) for y in query("fiscal_years")["fiscal_year"]]
    labels = unit_labels(units)
    sb = st.sidebar
    sb.markdown("#### 筛选")
    regions = list(dict.fromkeys(units["region_short"]))
    chosen_regions = state.multiselect(
        "地区", regions, key="region", where=sb, placeholder="全部地区"
    )
    pool = units[units["region_short"].isin(chosen_regions)] if chosen_regions else units
    types = list(dict.fromkeys(sorted(pool["unit_type"])))
    chosen_types = state.multiselect(
        "单位类型", types, key="type", where=sb, placeholder="全部类型"
    )
    pool = pool[pool["unit_type"].isin(chosen_types)] if chosen_types else pool
    unit_ids = list(pool["unit_id"])
    chosen_units = state.multiselect(
        "单位",
        unit_ids,
        key="unit",
        format_func=lambda uid: labels.get(uid, uid),
        where=sb,
        placeholder="全部单位（按地区排列）",
    )
    year_from, year_to = state.year_range("年度", years, key="years", where=sb)
    kind = state.radio("报告类型", [KIND_ALL, *DOC_KINDS], key="kind", where=sb)
    if chosen_units:
        selected: tuple[str, ...] | None = tuple(chosen_units)
    elif chosen_regions or chosen_types:
        selected = tuple(unit_ids)
    else:
        selected = None
    kinds = DOC_KINDS if kind == KIND_ALL else (kind,)
    f = Filters(selected, year_from, year_to, kinds)
    shown = units if selected is None else units[units["unit_id"].isin(selected)]
    st.session_state[_KEY] = f
    st.session_state[_UNITS] = shown.assign(label=shown["unit_id"].map(labels)).reset_index(
        drop=True
    )
    return f


def current_filters() -> Filters:
    """Return the filters chosen in the sidebar in this run (all data if none yet)."""
    return st.session_state.get(_KEY) or Filters()


def current_units() -> pd.DataFrame:
    """Return the units the filters select: unit_id, display_name, label, region_short, ..."""
    units = st.session_state.get(_UNITS)
    if units is None:
        units = query("unit_list")
        units = units.assign(label=units["unit_id"].map(unit_labels(units)))
    return units


def filter_summary(f: Filters) -> str:
    """Return a one-line Chinese summary of the filters."""
    units = current_units()
    n = len(units)
    who = (
        "全部单位"
        if f.unit_ids is None
        else ("、".join(units["label"].head(4)) + (f"等{n}个单位" if n > 4 else ""))
    )
    years = f"{f.year_from}年" if f.year_from == f.year_to else f"{f.year_from}–{f.year_to}年"
    kinds = "、".join(f.doc_kinds)
    return f"{who} · {years} · {kinds}"
