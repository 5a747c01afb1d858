"""The global filters in the sidebar: region, unit type, units, fiscal years, report kind.

Region narrows the unit types, both narrow the searchable unit list (type to search among
thousands), and the picked units' peer groups (same type in the same region and anywhere)
are named with their counts.  Units ride in the link by id, never by name.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard_lib import safe, state
from dashboard_lib.data import query
from warehouse.queries import DOC_KINDS, Filters

_KEY = "_filters"
_UNITS = "_filter_units"
KIND_ALL = "全部"
UNKNOWN_TYPE = "未识别类型"  # warehouse.queries.unit_list's name for a unit without a type
PEERS_SHOWN = 3  # picked units whose peer group the sidebar names


def unit_labels(units: pd.DataFrame) -> dict[str, str]:
    """Map unit_id to the name shown (display_name; the full name added where two collide)."""
    dup = units["display_name"].duplicated(keep=False)
    return {
        r.unit_id: f"{r.display_name}（{r.unit_name}）" if d else r.display_name
        for r, d in zip(units.itertuples(), dup, strict=True)
    }


def region_labels(units: pd.DataFrame) -> dict[str, str]:
    """Map each region (short name) to the name shown: with its city and its number of units,
    so that typing a city's name finds its counties."""
    out = {}
    for region, rows in units.groupby("region_short", sort=False):
        cities = [c for c in dict.fromkeys(rows["city"]) if isinstance(c, str) and c]
        where = f"{'、'.join(cities)}，" if cities else ""
        out[str(region)] = f"{region}（{where}{len(rows)} 个单位）"
    return out


def render_global_filters() -> Filters:
    """Draw the sidebar filters (bound to the URL) and return the chosen Filters."""
    units = query("unit_list")
    years = [int(y) for y in query("fiscal_years")["fiscal_year"]]
    labels = unit_labels(units)
    sb = st.sidebar
    sb.markdown("#### 筛选")
    region_names = region_labels(units)
    chosen_regions = state.id_multiselect(
        "地区", list(region_names), key="region", format_func=region_names.get, where=sb,
        placeholder=f"全部 {len(region_names)} 个地区（可搜市名）", select_all=False,
    )  # fmt: skip
    pool = units[units["region_short"].isin(chosen_regions)] if chosen_regions else units
    counts = pool["unit_type"].value_counts()
    types = sorted(counts.index)
    chosen_types = state.id_multiselect(
        "单位类型", types, key="type", format_func=lambda t: f"{t}（{counts.get(t, 0)} 个单位）",
        where=sb, placeholder="全部类型", select_all=False,
    )  # fmt: skip
    pool = pool[pool["unit_type"].isin(chosen_types)] if chosen_types else pool
    unit_ids = list(pool["unit_id"])
    chosen_units = state.id_multiselect(
        "单位",
        unit_ids,
        key="unit",
        format_func=lambda uid: labels.get(uid, uid),
        where=sb,
        placeholder=f"全部 {len(unit_ids)} 个单位（可搜索）",
        select_all=False,  # its bulk action has an English label only
    )
    for line in peer_lines(units, chosen_units[:PEERS_SHOWN], labels):
        sb.caption(line)
    if len(chosen_units) > PEERS_SHOWN:
        sb.caption(f"另有 {len(chosen_units) - PEERS_SHOWN} 个单位未列出同类情况。")
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


def peer_lines(units: pd.DataFrame, picked: list[str], labels: dict[str, str]) -> list[str]:
    """Given every unit, the picked unit ids and their labels, return one line per picked unit
    naming its type and region and how many peers it has there and in all regions."""
    lines = []
    by_id = units.set_index("unit_id")
    for uid in picked:
        if uid not in by_id.index:
            continue
        row = by_id.loc[uid]
        if row["unit_type"] == UNKNOWN_TYPE:
            lines.append(f"{safe.md(labels.get(uid, uid))}：单位类型未识别，无同类单位可比")
            continue
        same_type = units["unit_type"] == row["unit_type"]
        here = int((same_type & (units["region_short"] == row["region_short"])).sum()) - 1
        everywhere = int(same_type.sum()) - 1
        lines.append(
            f"{safe.md(labels.get(uid, uid))}：{safe.md(row['unit_type'])} · "
            f"{safe.md(row['region_short'])}；同类单位本地区 {here} 个，全部地区 {everywhere} 个"
        )
    return lines


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
