"""URL state: widgets bound to the query string, link notices, and the 复制链接 link.

Every filter and page-level choice is a keyed widget whose key is the query parameter name.
Controls over a fixed vocabulary use ``bind="query-params"`` (the formatted option is the
value, ``kind=决算``); controls over units, regions, unit types, reports and tabs keep a
stable id in the link (``unit=67d9ac3f469d3df3``, ``region=511132``, ``type=party_committee``,
``fd_tab=units``) and are synced here by hand, the name shown only on screen (an old link
naming a unit by its label, or a region or type by its name, still opens).  A value equal to the
widget default is left out of the address bar, but the 复制链接 link records defaults that
may drift (the fiscal years, the first of a list read from the data) explicitly.  Values
that are not options and a single-valued key given twice get their own Chinese notice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import streamlit as st

from dashboard_lib import safe

_RUN = "_url_state_run"  # per-run registry in session state
_SYNCED = "_url_state_synced"  # id-valued key -> the link values this session last wrote
EMPTY = ""  # the link value of a multi-choice left empty where its default is not


def begin_run() -> None:
    """Reset the per-run registry of bound keys, link values, explicit defaults and notices."""
    st.session_state[_RUN] = {"keys": [], "values": {}, "explicit": {}, "notices": []}


def _reg() -> dict[str, Any]:
    if _RUN not in st.session_state:
        begin_run()
    return st.session_state[_RUN]


def notice(message: str) -> None:
    """Show a short notice about the link (toast now, caption in the page frame)."""
    reg = _reg()
    if message not in reg["notices"]:
        reg["notices"].append(message)
        st.toast(message, icon=":material/warning:")


def notices() -> list[str]:
    return list(_reg()["notices"])


def link_values(key: str) -> list[str] | None:
    """Given a query parameter name, return the values the link holds for it, or None when absent."""
    try:
        if key not in st.query_params:
            return None
        return st.query_params.get_all(key)
    except Exception:
        return None


def check_link(
    key: str, label: str, formatted: Sequence[str], multi: bool, allow_empty: bool = False
) -> None:
    """Given a bound key, its Chinese label and its formatted options, show a notice naming the
    link values that are not options (more than one for a single choice)."""
    values = link_values(key)
    if values is None:
        return
    valid = set(formatted)
    if not multi and len(values) > 1:
        repeated(label, values)
        values = values[-1:]  # Streamlit, like every control here, takes the last one
    bad = [v for v in values if v not in valid and not (allow_empty and v == "")]
    if bad:
        unknown(label, bad)


def _quoted(values: Sequence[str]) -> str:
    """Given link values, return up to three of them quoted for a notice."""
    shown = "、".join(f"“{safe.md_short(v)}”" for v in values[:3])
    return shown + ("等" if len(values) > 3 else "")


def unknown(label: str, values: Sequence[str]) -> None:
    """Given a control's label and link values that are not among its options, say so."""
    notice(f"链接中的{label}参数 {_quoted(values)} 无法识别，已忽略。")


def repeated(label: str, values: Sequence[str]) -> None:
    """Given a single-valued control's label and the values a link repeats it with, say so."""
    notice(
        f"链接中的{label}参数出现了 {len(values)} 次（{_quoted(values)}），此项只能取一个值，"
        f"已按最后一个“{safe.md_short(values[-1])}”显示。"
    )


def keep_in_link(key: str, values: list[str] | None, explicit: list[str] | None = None) -> None:
    """Record a control's link values (None: its default) and, for a default that may drift,
    the values the 复制链接 link writes anyway."""
    reg = _reg()
    if key not in reg["keys"]:
        reg["keys"].append(key)
    if values is None:
        reg["values"].pop(key, None)
    else:
        reg["values"][key] = values
    if values is None and explicit:
        reg["explicit"][key] = explicit
    else:
        reg["explicit"].pop(key, None)


def write_link(key: str, values: list[str] | None) -> None:
    """Given an id-valued key and its values (None: default), put them in the address bar."""
    synced = st.session_state.setdefault(_SYNCED, {})
    synced[key] = values
    try:
        if values:
            st.query_params[key] = values
        elif key in st.query_params:
            del st.query_params[key]
    except Exception:  # a bound parameter of the same name: leave it to Streamlit
        pass


def _asked_afresh(key: str) -> list[str] | None:
    """Return the link's values for an id-valued key when the link changed them since this
    session last wrote it (a new link, a page switch), else None."""
    asked = link_values(key)
    if asked is None:
        return None
    if asked == st.session_state.get(_SYNCED, {}).get(key):
        return None
    return asked


def _resolve(
    asked: Sequence[str], ids: Sequence[str], legacy: dict[str, str | Sequence[str]]
) -> tuple[list, list]:
    """Given link values, the valid ids and old link values -> id (or ids: an old region name
    that now stands for two regions), return (ids, unknown)."""
    valid = set(ids)
    found: list[str] = []
    bad: list[str] = []
    for v in asked:
        meant = legacy.get(v) if v not in valid else v
        meant = [meant] if isinstance(meant, str) or meant is None else list(meant)
        hits = [i for i in meant if i in valid]
        if not hits:
            bad.append(v)
        found += [i for i in hits if i not in found]
    return found, bad


def _legacy_names(ids: Sequence[str], format_func: Callable[[Any], str]) -> dict[str, str]:
    """Given ids and their display function, return label -> id for labels that are unique."""
    names: dict[str, str] = {}
    seen: set[str] = set()
    for i in ids:
        name = str(format_func(i))
        if name in seen:
            names.pop(name, None)
        else:
            names[name] = i
        seen.add(name)
    return names


def id_multiselect(
    label: str,
    ids: Sequence[str],
    *,
    key: str,
    format_func: Callable[[Any], str] = str,
    default: Sequence[str] = (),
    widget: str = "multiselect",
    where: Any = None,
    legacy: dict[str, Sequence[str]] | None = None,
    **kwargs: Any,
) -> list[str]:
    """A multi-choice control (``widget``: multiselect or pills) over ids whose link holds
    the ids, names only on screen; ``default`` is left out of the link.  An old link's value
    that is a label, or a key of ``legacy`` (old name -> the ids it stands for now), opens."""
    where = where or st
    default = [i for i in default if i in ids]
    asked = _asked_afresh(key)
    if asked is not None:
        found, bad = _resolve(
            [v for v in asked if v != EMPTY],
            ids,
            {**(legacy or {}), **_legacy_names(ids, format_func)},
        )
        if bad:
            unknown(label, bad)
        st.session_state[key] = found
    elif key in st.session_state:
        valid = set(ids)
        kept = [i for i in st.session_state[key] or [] if i in valid]
        if kept != list(st.session_state[key] or []):
            st.session_state[key] = kept
    else:
        st.session_state[key] = list(default)
    if widget == "pills":
        kwargs.setdefault("selection_mode", "multi")
    control = getattr(where, widget)
    chosen = list(control(label, list(ids), key=key, format_func=format_func, **kwargs) or [])
    chosen = [i for i in ids if i in chosen]  # in the order of the options
    values = None if chosen == default else (chosen or [EMPTY])
    write_link(key, values)
    keep_in_link(key, values)
    return chosen


def id_selectbox(
    label: str,
    ids: Sequence[str],
    *,
    key: str,
    format_func: Callable[[Any], str] = str,
    index: int = 0,
    drifts: bool = True,
    where: Any = None,
    **kwargs: Any,
) -> str | None:
    """A selectbox over ids whose link holds the id; the id at ``index`` is the default, and
    when it comes from the data (``drifts``) the 复制链接 link writes it out anyway."""
    where = where or st
    ids = list(ids)
    if not ids:
        keep_in_link(key, None)
        return None
    default = ids[min(max(index, 0), len(ids) - 1)]
    asked = _asked_afresh(key)
    if asked is not None:
        if len(asked) > 1:
            repeated(label, asked)
        found, bad = _resolve(asked[-1:], ids, _legacy_names(ids, format_func))
        if bad:
            unknown(label, bad)
        st.session_state[key] = found[0] if found else default
    elif st.session_state.get(key) not in ids:
        st.session_state[key] = default
    chosen = where.selectbox(label, ids, key=key, format_func=format_func, **kwargs)
    values = None if chosen == default else [chosen]
    write_link(key, values)
    keep_in_link(key, values, explicit=[chosen] if drifts else None)
    return chosen


class Tabs:
    """Tabs whose open tab is in the link by id; only the open tab's content is drawn."""

    def __init__(self, open_id: str, boxes: dict[str, Any]) -> None:
        self.open = open_id
        self._boxes = boxes

    def __getitem__(self, tab_id: str) -> Any:
        return self._boxes[tab_id]

    def box(self) -> Any:
        """Return the open tab's container."""
        return self._boxes[self.open]

    def draw(self, painters: dict[str, Callable[[], None]]) -> None:
        """Given tab id -> function drawing its content, draw the open tab only."""
        with self._boxes[self.open]:
            painters[self.open]()


def keep(keys: Sequence[str]) -> None:
    """Given link keys of controls not drawn in this run (in a closed tab), keep their link
    values as they are so that the link still reproduces them."""
    reg = _reg()
    for key in keys:
        values = link_values(key)
        if key not in reg["keys"] and values:
            keep_in_link(key, values)


def tabs(
    choices: dict[str, str],
    *,
    key: str,
    label: str = "标签页",
    owns: dict[str, Sequence[str]] | None = None,
) -> Tabs:
    """Given tab id -> Chinese title, draw keyed st.tabs bound to the link as ``key=<id>``
    (always written into the 复制链接 link) and return which one is open; ``owns`` names the
    link keys of each tab's controls, kept in the link while their tab is closed."""
    ids, titles = list(choices), list(choices.values())
    asked = _asked_afresh(key)
    if asked is not None:
        if len(asked) > 1:
            repeated(label, asked)
        value = asked[-1]
        by_title = {t: i for i, t in choices.items()}
        tab_id = value if value in choices else by_title.get(value)
        if tab_id is None:
            unknown(label, [value])
        st.session_state[key] = choices[tab_id or ids[0]]
    elif st.session_state.get(key) not in titles:
        st.session_state[key] = titles[0]
    boxes = st.tabs(titles, key=key, on_change="rerun")
    open_id = next((i for i, b in zip(ids, boxes, strict=True) if b.open), ids[0])
    values = None if open_id == ids[0] else [open_id]
    write_link(key, values)
    keep_in_link(key, values, explicit=[open_id])
    keep([k for tab_id, keys in (owns or {}).items() if tab_id != open_id for k in keys])
    return Tabs(open_id, dict(zip(ids, boxes, strict=True)))


def _fmt_all(options: Sequence[Any], format_func: Callable[[Any], str]) -> list[str]:
    return [str(format_func(o)) for o in options]


def multiselect(
    label: str,
    options: Sequence[Any],
    *,
    key: str,
    format_func: Callable[[Any], str] = str,
    where: Any = None,
    **kwargs: Any,
) -> list[Any]:
    """A bound multiselect; default empty (left out of the link)."""
    where = where or st
    formatted = _fmt_all(options, format_func)
    check_link(key, label, formatted, multi=True)
    chosen = where.multiselect(
        label, list(options), key=key, format_func=format_func, bind="query-params", **kwargs
    )
    keep_in_link(key, [str(format_func(o)) for o in chosen] or None)
    return chosen


def selectbox(
    label: str,
    options: Sequence[Any],
    *,
    key: str,
    format_func: Callable[[Any], str] = str,
    index: int = 0,
    where: Any = None,
    **kwargs: Any,
) -> Any:
    """A bound selectbox over fixed options; the option at ``index`` is the default (left out
    of the link).  Options that come from the data go through id_selectbox."""
    where = where or st
    formatted = _fmt_all(options, format_func)
    check_link(key, label, formatted, multi=False)
    if not options:
        keep_in_link(key, None)
        return None
    index = min(max(index, 0), len(options) - 1)
    chosen = where.selectbox(
        label,
        list(options),
        index=index,
        key=key,
        format_func=format_func,
        bind="query-params",
        **kwargs,
    )
    is_default = chosen == options[index]
    keep_in_link(key, None if is_default else [str(format_func(chosen))])
    return chosen


def radio(
    label: str,
    options: Sequence[Any],
    *,
    key: str,
    format_func: Callable[[Any], str] = str,
    index: int = 0,
    where: Any = None,
    **kwargs: Any,
) -> Any:
    """A bound horizontal radio; the first option is the default."""
    where = where or st
    formatted = _fmt_all(options, format_func)
    check_link(key, label, formatted, multi=False)
    kwargs.setdefault("horizontal", True)
    chosen = where.radio(
        label,
        list(options),
        index=index,
        key=key,
        format_func=format_func,
        bind="query-params",
        **kwargs,
    )
    keep_in_link(key, None if chosen == options[index] else [str(format_func(chosen))])
    return chosen


def year_range(label: str, years: Sequence[int], *, key: str, where: Any = None) -> tuple[int, int]:
    """A bound select_slider over the given years; the full range is the default."""
    where = where or st
    years = [int(y) for y in years]
    formatted = [str(y) for y in years]
    values = link_values(key)
    if len(years) < 2:
        if values:
            check_link(key, label, formatted, multi=True)
        where.caption(f"{label}：{years[0]}年" if years else f"{label}：无")
        keep_in_link(key, None)
        return (years[0], years[0]) if years else (0, 0)
    check_link(key, label, formatted, multi=True)
    if values is not None and len(values) != 2 and all(v in formatted for v in values):
        notice(f"链接中的{label}参数应为两个年份，已忽略。")
    lo, hi = where.select_slider(
        label, options=years, value=(years[0], years[-1]), key=key, bind="query-params"
    )
    default = (lo, hi) == (years[0], years[-1])
    # the full range grows with every new year loaded: the copied link names the years
    keep_in_link(key, None if default else [str(lo), str(hi)], explicit=[str(lo), str(hi)])
    return int(lo), int(hi)


def toggle(label: str, *, key: str, value: bool = False, where: Any = None, **kwargs: Any) -> bool:
    """A bound toggle; ``value`` is the default."""
    where = where or st
    check_link(key, label, ["true", "false", "True", "False"], multi=False)
    on = where.toggle(label, value=value, key=key, bind="query-params", **kwargs)
    keep_in_link(key, None if on == value else [str(on).lower()])
    return bool(on)


def drop_unknown_params() -> None:
    """Remove query parameters that no widget of this run is bound to, with a notice."""
    known = set(_reg()["keys"])
    try:
        unknown = [k for k in list(st.query_params) if k not in known]
    except Exception:
        return
    for k in unknown:
        notice(f"链接中的参数“{safe.md_short(k, 20)}”无法识别，已忽略。")
        try:
            del st.query_params[k]
        except Exception:
            pass


def _base_path() -> str:
    """Return the server's base URL path (server.baseUrlPath) without slashes."""
    try:
        return str(st.get_option("server.baseUrlPath") or "").strip("/")
    except Exception:
        return ""


def _page_path() -> tuple[str | None, str]:
    """Return (the browser's URL without its page path, that page path) from st.context."""
    try:
        url = st.context.url
    except Exception:
        url = None
    if not url:
        return None, ""
    parts = urlsplit(url)
    path = parts.path.strip("/")
    base = _base_path()
    if base and (path == base or path.startswith(base + "/")):
        path = path[len(base) :].strip("/")
    root = f"{parts.scheme}://{parts.netloc}" + (f"/{base}" if base else "")
    return root, path


def unknown_page(pages: Sequence[Any]) -> str | None:
    """Given the app's st.Page list, return the path the browser asked for when no page has it
    (Streamlit then runs the default page), else None."""
    _root, path = _page_path()
    try:
        known = {p.url_path for p in pages}
    except AttributeError:  # st.Page outside a script run (bare Python) has no path
        return None
    if not path or path in known:
        return None
    return path


def share_link(url_path: str = "") -> str:
    """Return the full link of the current view: the shown page's URL (never a path no page
    has) plus the values of the bound controls, defaults that may drift written out."""
    reg = _reg()
    values = reg["values"] | {k: v for k, v in reg["explicit"].items() if k not in reg["values"]}
    pairs = [(k, v) for k in reg["keys"] if k in values for v in values[k]]
    query = urlencode(pairs, quote_via=quote)
    root, _path = _page_path()
    page = url_path.strip("/")
    base = f"{root}/{page}" if root else "/" + page
    return base + ("?" + query if query else "")
