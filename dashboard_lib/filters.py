"""The global filters in the sidebar: region, unit type, units, fiscal years, report kind.

Region narrows the unit types, both narrow the searchable unit list (type to search among
thousands), and the picked units' peer groups (same type in the same region and anywhere)
are named with their counts, each with a button that sets the region and type filters to it.
Units, regions (GB/T 2260 code or derived id) and unit types (declared id) ride in the link
by id, never by name; an old link naming a region or a type still opens.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard_lib import safe, state
from dashboard_lib.data import query
from warehouse.queries import DOC_KINDS, Filters

_KEY = "_filters"
_UNITS = "_filter_units"
KIND_ALL = "全部"
UNKNOWN_TYPE = "未识别类型"  # warehouse.queries.unit_list's name for a unit without a type
UNKNOWN_TYPE_ID = "unknown"  # and its id
PEERS_SHOWN = 3  # picked units whose peer group the sidebar names
REGION_KEY, TYPE_KEY, UNIT_KEY = "region", "type", "unit"  # their link keys


def unit_labels(units: pd.DataFrame) -> dict[str, str]:
    """Map unit_id to the name shown (display_name; the full name added where two collide)."""
    dup = units["display_name"].duplicated(keep=False)
    return {
        r.unit_id: f"{r.display_name}（{r.unit_name}）" if d else r.display_name
        for r, d in zip(units.itertuples(), dup, strict=True)
    }


def region_labels(units: pd.DataFrame) -> dict[str, str]:
    """Map each region id to the name shown: its short name (the full name where two regions
    share it) with its city and its number of units, so that typing a city finds its counties."""
    out = {}
    firsts = units.drop_duplicates("region_id")
    shared = set(firsts["region_short"][firsts["region_short"].duplicated()])
    for rid, rows in units.groupby("region_id", sort=False):
        first = rows.iloc[0]
        name = first["region_short"]
        if name in shared and isinstance(first["region"], str) and first["region"]:
            name = first["region"]
        cities = [c for c in dict.fromkeys(rows["city"]) if isinstance(c, str) and c]
        where = f"{'、'.join(cities)}，" if cities else ""
        out[str(rid)] = f"{name}（{where}{len(rows)} 个单位）"
    return out


def ids_by_name(units: pd.DataFrame, name: str, id_column: str) -> dict[str, list[str]]:
    """Given the units and a name column with its id column (region_short/region_id,
    unit_type/unit_type_id), map each name an older link held to the ids it stands for now."""
    pairs = units[[name, id_column]].drop_duplicates()
    return {str(k): list(v) for k, v in pairs.groupby(name, sort=False)[id_column]}


def render_global_filters() -> Filters:
    """Draw the sidebar filters (bound to the URL) and return the chosen Filters."""
    units = query("unit_list")
    years = [int(y) for y in query("fiscal_years")["fiscal_year"]]
    labels = unit_labels(units)
    sb = st.sidebar
    sb.markdown("#### 筛选")
    region_names = region_labels(units)
    chosen_regions = state.id_multiselect(
        "地区", list(region_names), key=REGION_KEY, format_func=region_names.get, where=sb,
        placeholder=f"全部 {len(region_names)} 个地区（可搜市名）", select_all=False,
        legacy=ids_by_name(units, "region_short", "region_id"),
    )  # fmt: skip
    pool = units[units["region_id"].isin(chosen_regions)] if chosen_regions else units
    counts = pool["unit_type_id"].value_counts()
    type_names = dict(zip(units["unit_type_id"], units["unit_type"], strict=True))
    types = sorted(counts.index, key=lambda t: type_names[t])
    chosen_types = state.id_multiselect(
        "单位类型", types, key=TYPE_KEY,
        format_func=lambda t: f"{type_names.get(t, t)}（{counts.get(t, 0)} 个单位）",
        where=sb, placeholder="全部类型", select_all=False,
        legacy=ids_by_name(units, "unit_type", "unit_type_id"),
    )  # fmt: skip
    pool = pool[pool["unit_type_id"].isin(chosen_types)] if chosen_types else pool
    unit_ids = list(pool["unit_id"])
    chosen_units = state.id_multiselect(
        "单位",
        unit_ids,
        key=UNIT_KEY,
        format_func=lambda uid: labels.get(uid, uid),
        where=sb,
        placeholder=f"全部 {len(unit_ids)} 个单位（可搜索）",
        select_all=False,  # its bulk action has an English label only
    )
    for group in peer_groups(units, chosen_units[:PEERS_SHOWN]):
        sb.caption(peer_line(group, labels))
        peer_buttons(group, where=sb)
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


@dataclass(frozen=True)
class PeerGroup:
    """A picked unit's peer group: its type and region, and how many peers it has."""

    unit_id: str
    unit_type: str
    unit_type_id: str
    region: str
    region_id: str
    here: int  # units of its type in its region, itself left out
    everywhere: int  # units of its type in all regions, itself left out

    @property
    def known(self) -> bool:
        return self.unit_type_id != UNKNOWN_TYPE_ID


def peer_groups(units: pd.DataFrame, picked: list[str]) -> list[PeerGroup]:
    """Given every unit and the picked unit ids, return each picked unit's peer group."""
    out = []
    by_id = units.set_index("unit_id")
    for uid in picked:
        if uid not in by_id.index:
            continue
        row = by_id.loc[uid]
        same_type = units["unit_type_id"] == row["unit_type_id"]
        here = int((same_type & (units["region_id"] == row["region_id"])).sum()) - 1
        out.append(
            PeerGroup(
                uid, row["unit_type"], row["unit_type_id"], row["region_short"],
                row["region_id"], here, int(same_type.sum()) - 1,
            )
        )  # fmt: skip
    return out


def peer_line(group: PeerGroup, labels: dict[str, str]) -> str:
    """Given a peer group and unit labels, return the line naming its type, region and peers."""
    name = safe.md(labels.get(group.unit_id, group.unit_id))
    if not group.known:
        return f"{name}：单位类型未识别，无同类单位可比"
    return (
        f"{name}：{safe.md(group.unit_type)} · {safe.md(group.region)}；"
        f"同类单位本地区 {group.here} 个，全部地区 {group.everywhere} 个"
    )


def _show_peers(region_id: str | None, type_id: str) -> None:
    """Set the filters to a unit type (in one region, or in all when None), no unit picked."""
    st.session_state[REGION_KEY] = [region_id] if region_id else []
    st.session_state[TYPE_KEY] = [type_id]
    st.session_state[UNIT_KEY] = []


def peer_buttons(group: PeerGroup, where: object = None) -> None:
    """Given a picked unit's peer group, draw the buttons that filter every page to it (the
    filters, and so the link, then name its region and type)."""
    where = where or st
    if not group.known:
        return
    scopes = (("here", "本地区", group.region_id, group.here),
              ("all", "全部地区", None, group.everywhere))  # fmt: skip
    for scope, label, region_id, peers in scopes:
        if peers > 0:
            where.button(
                f"只看同类单位（{label}）", key=f"peers_{scope}_{group.unit_id}",
                icon=":material/filter_alt:", width="stretch",
                on_click=_show_peers, args=(region_id, group.unit_type_id),
                help=f"把地区与单位类型筛选设为{safe.md(group.region) if region_id else '全部地区'}的"
                f"{safe.md(group.unit_type)}，各页即在同类单位中比较",
            )  # fmt: skip


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
