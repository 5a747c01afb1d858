"""Plain text from outside: report text, file names and link values shown as text, never markup.

Streamlit renders Markdown (links, images, ``:red[…]`` colours, ``:material/…:`` icons, LaTeX)
in st.markdown, st.caption, st.info/warning/error, widget labels and radio options; these
helpers make a string from a report, a file name or a URL safe there: control characters
shown as escapes, long values shortened, every Markdown and HTML special character escaped.
"""

from __future__ import annotations

import html
import re

# Longest outside value shown in a notice or label (characters, before escaping).
SHORT_CHARS = 60
# Characters with a meaning in Streamlit Markdown (CommonMark, GFM, directives, LaTeX).
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=&\"'/])")
# Words a Markdown renderer turns into a link by themselves (GFM autolinks: https://…, www.…,
# name@host); a zero-width space after their first letter (or before @) keeps them text.
AUTOLINK = re.compile(r"(?i)(https?|ftps?|mailto|www|file|data|javascript)|(@)")
ZWSP = "\u200b"
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text: object) -> str:
    """Given any value, return it as one line with control and direction characters shown as
    escapes (\\n, \\x07, \\u202e)."""
    return CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


def shorten(text: object, limit: int = SHORT_CHARS) -> str:
    """Given a value and a length, return it on one line, cut to the length with an ellipsis."""
    line = visible(text)
    return line if len(line) <= limit else line[: max(1, limit - 1)] + "…"


def md(text: object) -> str:
    """Given a value, return it escaped so that Streamlit Markdown shows it as typed (no link,
    image, colour, icon or formula; autolinks broken by an invisible zero-width space)."""
    escaped = MARKDOWN_SPECIAL.sub(r"\\\1", visible(text))
    return AUTOLINK.sub(
        lambda m: ZWSP + "@" if m.group(2) else m.group(1)[0] + ZWSP + m.group(1)[1:], escaped
    )


def md_short(text: object, limit: int = SHORT_CHARS) -> str:
    """Given a value and a length, return it shortened and escaped for Streamlit Markdown."""
    return md(shorten(text, limit))


def html_text(text: object) -> str:
    """Given a value, return it escaped for HTML (chart labels, hover text)."""
    return html.escape(visible(text), quote=True)


# Plotly reads a few HTML tags in chart text; these are the ones our own labels use.
CHART_TAG = re.compile(r"<(?!/?(?:br|b|i|sub|sup|extra)\s*/?>)", re.IGNORECASE)
# Trace attributes that may carry report text (names, labels, hover lines).
CHART_TEXT_FIELDS = (
    "x", "y", "labels", "parents", "ids", "text", "hovertext", "customdata", "name", "legendgroup",
    "hovertemplate", "texttemplate",
)  # fmt: skip


def chart_text(value: object) -> object:
    """Given a chart value, return it with every tag but <br> <b> <i> <sub> <sup> <extra> escaped
    (plotly would render an <a href> from a report as a live link)."""
    if isinstance(value, str):
        return CHART_TAG.sub("&lt;", visible(value))
    return value


def _chart_values(value: object) -> object:
    """Given a trace attribute's value, return it with every text in it made chart-safe."""
    if isinstance(value, str):
        return chart_text(value)
    if isinstance(value, list | tuple):
        out = [_chart_values(v) for v in value]
        # unchanged (numbers): the value itself, so plain_chart need not set it again
        return value if all(a is b for a, b in zip(out, value, strict=True)) else out
    kind = getattr(getattr(value, "dtype", None), "kind", "")
    if kind in ("O", "U"):  # numpy arrays of text (customdata, category axes)
        import numpy as np

        return np.vectorize(chart_text, otypes=[object])(value)
    return value


def plain_chart(fig):
    """Given a plotly figure, return it with the text of every trace made chart-safe."""
    for trace in fig.data:
        for attr in CHART_TEXT_FIELDS:
            # ``in`` first: plotly answers a missing attribute with an error whose
            # did-you-mean search costs milliseconds per trace
            if attr not in trace or trace[attr] is None:
                continue
            value = trace[attr]
            safe = _chart_values(value)
            if safe is not value:  # numbers come back as they are: no second validation
                trace[attr] = safe
    if fig.layout.title.text:  # a unit's name may title its chart
        fig.layout.title.text = chart_text(fig.layout.title.text)
    return fig


def clean_query_params(params, max_chars: int, max_repeats: int) -> list[str]:
    """Given st.query_params and the limits, drop every parameter with a value longer than
    max_chars or repeated more than max_repeats times, and return the notices to show."""
    found: list[str] = []
    try:
        keys = list(params)
    except Exception:
        return found
    for key in keys:
        try:
            values = params.get_all(key)
        except Exception:
            values = []
        too_long = len(key) > max_chars or any(len(v) > max_chars for v in values)
        if too_long or len(values) > max_repeats:
            why = f"过长（超过 {max_chars} 个字符）" if too_long else f"重复 {len(values)} 次"
            found.append(f"链接中的参数“{md_short(key, 20)}”{why}，已忽略。")
            try:
                del params[key]
            except Exception:
                pass
    return found
