"""URL state: widgets bound to the query string, link notices, and the 复制链接 link.

Every filter and page-level choice is a keyed widget with ``bind="query-params"``: the key
is the query parameter name, the formatted option is its value (``unit=峨边·县委办``), and
a value equal to the widget default is left out of the URL.  Streamlit seeds a bound
widget from the link and drops values that are not options; the helpers here check the
link first so that such values are reported with a short Chinese notice.  The share link
is rebuilt at the end of every run from the values the bound widgets hold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import streamlit as st

from dashboard_lib import safe

_RUN = "_url_state_run"  # per-run registry in session state


def begin_run() -> None:
    """Reset the per-run registry of bound keys, link values and notices."""
    st.session_state[_RUN] = {"keys": [], "values": {}, "notices": []}


def _reg() -> dict[str, Any]:
    if _RUN not in st.session_state:
        begin_run()
    return st.session_state[_RUN]


def notice(message: str) -> None:
    """Show a short notice about the link (toast now, caption in the page frame)."""
    reg = _reg()
    if message not in reg["notices"]:
        reg["notices"].append(message)
        st.toast(message, icon="⚠️")


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
    bad = [v for v in values if v not in valid and not (allow_empty and v == "")]
    if not multi and len(values) > 1:
        bad = bad or values[:-1]
    if bad:
        shown = "、".join(f"“{safe.md_short(v)}”" for v in bad[:3]) + ("等" if len(bad) > 3 else "")
        notice(f"链接中的{label}参数 {shown} 无法识别，已忽略。")


def keep_in_link(key: str, values: list[str] | None) -> None:
    """Given a key and its formatted values (None: the default), put them in the share link."""
    reg = _reg()
    if key not in reg["keys"]:
        reg["keys"].append(key)
    if values is None:
        reg["values"].pop(key, None)
    else:
        reg["values"][key] = values


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
    """A bound selectbox; the option at ``index`` is the default (left out of the link)."""
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
    keep_in_link(key, None if default else [str(lo), str(hi)])
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


def share_link(url_path: str = "") -> str:
    """Return the full link of the current view: page URL plus the bound widget values."""
    values = _reg()["values"]
    pairs = [(k, v) for k in _reg()["keys"] if k in values for v in values[k]]
    query = urlencode(pairs, quote_via=quote)
    base = None
    try:
        base = st.context.url
    except Exception:
        base = None
    if not base:
        base = "/" + url_path.strip("/")
    elif not urlsplit(base).path:
        base += "/"
    return base + ("?" + query if query else "")
