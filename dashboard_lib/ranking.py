"""Rank first, then detail: units ranked by a value, the top N shown, the rest summed.

A page binds two controls to its link (``<prefix>_top``, ``<prefix>_add``), ranks one row
per unit with :func:`latest_with_prev`, splits the ranking with :func:`split` and draws it
with :func:`bars`: horizontal bars, largest first, the value and its change beside each bar,
and one bar “其余 N 个单位” for the units not drawn by name.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard_lib import fmt, frame, state
from dashboard_lib.filters import current_units

TOP_CHOICES = (3, 5, 10, 20, 40, 100)  # units drawn by name; the rest are summed into one bar
DEFAULT_TOP = 10
BAR_PX = 26  # height per bar: labels of 7-15 characters stay readable at 13 px
REST_GREY = "#9e9e9e"
REST_CUT = 1.8  # a rest bar longer than this times the longest named bar is cut at the axis end


def rest_label(n: int, mean: bool = False) -> str:
    """Given the number of units not drawn by name, return the label of their bar."""
    return f"其余 {n} 个单位" + ("（平均）" if mean else "")


def controls(prefix: str, *, default_top: int = DEFAULT_TOP) -> tuple[int, list[str]]:
    """Given a key prefix, draw the top-N and add-units controls (bound to the link).

    Return the number of units drawn by name and the unit ids picked to add to them.
    """
    units = current_units()
    labels = dict(zip(units["unit_id"], units["label"], strict=True))
    c1, c2 = st.columns([1, 3])
    top = state.selectbox(
        "显示前 N 个单位",
        TOP_CHOICES,
        key=f"{prefix}_top",
        index=TOP_CHOICES.index(default_top),
        where=c1,
    )
    added = state.id_multiselect(  # unit ids in the link: a renamed unit keeps its links
        "另加单位",
        list(units["unit_id"]),
        key=f"{prefix}_add",
        format_func=lambda uid: labels.get(uid, uid),
        where=c2,
        placeholder="在前 N 个之外另选单位，与其一并显示",
    )
    return int(top), list(added)


def latest_with_prev(values: pd.DataFrame, metric: str, years: tuple[int, int]) -> pd.DataFrame:
    """Given one value per unit, year and metric (``unit_year_values``), return one row per unit.

    The row holds the unit's latest year within ``years`` with a value of ``metric``
    (stated or derived), the prior year's value (``prev``, ``prev_derived``; the year
    before the range counts), the change (``change``, ``pct`` in %) and the unit's label,
    largest value first.
    """
    m = values[values["metric"] == metric]
    cur = m[m["fiscal_year"].between(*years)]
    if cur.empty:
        return cur.assign(prev=[], prev_derived=[], change=[], pct=[], rank=[], label=[])
    cur = cur.sort_values("fiscal_year").drop_duplicates("unit_id", keep="last")
    prev = m[["unit_id", "fiscal_year", "value", "derived"]].rename(
        columns={"value": "prev", "derived": "prev_derived"}
    )
    prev = prev.assign(fiscal_year=prev["fiscal_year"] + 1)
    out = cur.merge(prev, on=["unit_id", "fiscal_year"], how="left")
    out["change"] = out["value"] - out["prev"]
    out["pct"] = out["change"] / out["prev"].abs().where(out["prev"] != 0) * 100
    out = out.sort_values(["value", "display_name"], ascending=[False, True], kind="stable")
    out = out.reset_index(drop=True)
    units = current_units()
    labels = dict(zip(units["unit_id"], units["label"], strict=True))
    return out.assign(
        rank=range(1, len(out) + 1), label=out["unit_id"].map(labels).fillna(out["display_name"])
    )


@dataclass(frozen=True)
class Split:
    """A ranking cut in two: the units drawn by name and the rest."""

    shown: pd.DataFrame  # top N in rank order, then the picked units in rank order
    rest: pd.DataFrame


def split(ranked: pd.DataFrame, top: int, added: list[str] | None = None) -> Split:
    """Given ranked rows (largest first), the number drawn by name and picked unit ids, split them."""
    chosen = ranked["rank"] <= top
    if added:
        chosen |= ranked["unit_id"].isin(added)
    return Split(ranked[chosen], ranked[~chosen])


def category(row: pd.Series, top: int, with_year: bool) -> str:
    """Given a ranked row, return its bar label: the unit, its year if years differ, its rank if picked."""
    text = str(row["label"])
    if with_year:
        text += f" {int(row['fiscal_year'])}年"
    if int(row["rank"]) > top:
        text += f"（第 {int(row['rank'])} 名）"
    return text


def change_text(change: object, pct: object, unit: str) -> str:
    """Given a change and its percentage, return ``+1.20 万元（+2.6%）`` or an empty string."""
    if fmt.is_missing(change):
        return ""
    amount = f"{float(change):+,.2f} 万元" if unit == "万元" else f"{float(change):+g} {unit}"
    return amount if fmt.is_missing(pct) else f"{amount}（{float(pct):+.1f}%）"


def bars(
    parts: Split, *, top: int, title: str, unit: str = "万元", color: str | None = None,
    mean_rest: bool = False,
) -> go.Figure:  # fmt: skip
    """Given a split ranking, return horizontal bars, largest first, with “其余 N 个单位” last.

    Each bar is labelled with its value and its change on the prior year; hover adds the
    prior year's value (marked when derived) and the source.  The rest bar is their sum
    (their mean when ``mean_rest``); its change is over the units with both years.
    """
    shown = parts.shown
    years = set(shown["fiscal_year"]) | set(parts.rest["fiscal_year"])
    with_year = len(years) > 1
    cats = [category(r, top, with_year) for _, r in shown.iterrows()]
    vals = shown["value"].tolist()
    texts = [
        " ".join(s for s in (fmt.value(v, unit), change_text(c, p, unit)) if s)
        for v, c, p in zip(shown["value"], shown["change"], shown["pct"], strict=True)
    ]
    hover = []
    for r in shown.itertuples():
        prev = "上年：—"
        if not fmt.is_missing(r.prev):
            prev = f"上年：{fmt.value(r.prev, unit)}" + (
                f"（{fmt.DERIVED_HINT}）" if bool(r.prev_derived) else ""
            )
        src = fmt.source_line(r.source_file, r.loc, r.quote)
        if bool(r.derived):
            src = fmt.DERIVED_HINT + ("" if fmt.is_missing(r.basis) else f"：{r.basis}")
        hover.append(f"{int(r.fiscal_year)}年 · 第 {int(r.rank)} 名<br>{prev}<br>{src}")
    rest = parts.rest
    if len(rest):
        both = rest.dropna(subset=["prev"])
        value = rest["value"].mean() if mean_rest else rest["value"].sum()
        change = pct = None
        if len(both) and not mean_rest:
            change = float(both["change"].sum())
            base = float(both["prev"].sum())
            pct = change / abs(base) * 100 if base else None
        cats.append(rest_label(len(rest), mean_rest))
        vals.append(value)
        texts.append(
            " ".join(s for s in (fmt.value(value, unit), change_text(change, pct, unit)) if s)
        )
        how = "平均" if mean_rest else "合计"
        hover.append(f"{len(rest)} 个单位的{how}<br>同比按两年都有数值的 {len(both)} 个单位计算")
    colors = [color or frame.PALETTE[0]] * len(shown) + [REST_GREY] * (len(cats) - len(shown))
    named = [v for v in vals[: len(shown)] if v == v]
    most = max(named or [v for v in vals if v == v] or [0])
    # a rest bar far longer than the named ones is cut at the axis end (and says so), so the
    # named bars keep a readable scale
    cut = len(cats) > len(shown) and vals[-1] > most * REST_CUT
    positions = ["outside"] * len(cats)
    if cut:
        texts[-1] += "（条形截断）"
        positions[-1] = "inside"
    fig = go.Figure(
        go.Bar(
            y=cats, x=vals, orientation="h", marker_color=colors, text=texts,
            textposition=positions, insidetextanchor="start", cliponaxis=True,
            customdata=hover, hovertemplate="<b>%{y}</b><br>%{text}<br>%{customdata}<extra></extra>",
        )
    )  # fmt: skip
    fig.update_layout(title={"text": title, "font": {"size": 15}}, showlegend=False)
    fig.update_yaxes(autorange="reversed", automargin=True)
    # room right of the longest bar for its value and change
    fig.update_xaxes(
        title_text=unit, range=[0, max(most, 1e-9) * (REST_CUT if cut else 1.45)],
        tickformat=",.2f" if unit == "万元" else ",",
    )  # fmt: skip
    return frame.style(fig, height=max(220, 100 + BAR_PX * len(cats)))


def share_ranking(
    rows: pd.DataFrame, part_col: str, top: int, added: list[str] | None = None
) -> tuple[pd.DataFrame, int]:
    """Given share rows (unit_id, display_name, fiscal_year, ``part_col``, value), return the
    bars to draw and how many units were summed into “其余 N 个单位”.

    Each unit's latest year is ranked by its total (largest first); the top ``top`` units and
    the ``added`` ones keep a bar each (named “单位 年”), the others' parts are summed into one
    bar.  Source columns of the summed bar are blank.
    """
    if rows.empty:
        return rows.assign(category=[]), 0
    latest = rows["fiscal_year"] == rows.groupby("unit_id")["fiscal_year"].transform("max")
    rows = rows[latest]
    totals = rows.groupby("unit_id")["value"].sum()
    names = rows.drop_duplicates("unit_id").set_index("unit_id")["display_name"]
    order = sorted(totals.index, key=lambda u: (-totals[u], names[u]))
    extra = set(added or [])
    shown = order[:top] + [u for u in order[top:] if u in extra]
    named = rows[rows["unit_id"].isin(shown)].copy()
    named["category"] = named["display_name"] + " " + named["fiscal_year"].astype(str) + "年"
    named["_rank"] = named["unit_id"].map({u: i for i, u in enumerate(shown)})
    named = named.sort_values("_rank", kind="stable").drop(columns="_rank")
    rest = rows[~rows["unit_id"].isin(shown)]
    n_rest = rest["unit_id"].nunique()
    if not n_rest:
        return named, 0
    summed = rest.groupby(part_col, as_index=False, sort=False)["value"].sum()
    summed["category"] = rest_label(n_rest)
    return pd.concat([named, summed], ignore_index=True), n_rest
