"""Page side of the findings' review status: the editor password, the marks, saving one."""

from __future__ import annotations

import hmac

import pandas as pd
import streamlit as st

from etl import review, settings

UNLOCKED = "_review_unlocked"  # session flag: the editor password was entered


def editor_password() -> str:
    """Return the configured editor password (Streamlit secrets first), or "" when none."""
    try:
        secret = st.secrets.get("editor_password", "")
    except Exception:  # no secrets file at all
        secret = ""
    return str(secret or settings.get("editor_password") or "")


def can_mark() -> bool:
    """Return whether this session may mark findings (a password is set and was entered)."""
    password = editor_password()
    if not password:
        return False
    if st.session_state.get(UNLOCKED) == password:
        return True
    typed = st.text_input("编辑密码（输入后可标记核查结果）", type="password", key="fd_password")
    if typed and hmac.compare_digest(typed.encode(), password.encode()):
        st.session_state[UNLOCKED] = password
        return True
    if typed:
        st.warning("密码不正确，看板仍为只读。")
    return False


def with_status(found: pd.DataFrame) -> pd.DataFrame:
    """Given listed findings, return them with their fingerprint, review status and note."""
    marks = review.load(settings.review_path())
    # plain lists: stepping through Arrow-backed text row by row costs seconds at 10,000 findings
    columns = ("rule", "unit_id", "fiscal_year", "doc_kind", "metric", "stated", "expected",
               "evidence")  # fmt: skip
    keys = [
        review.fingerprint(*row) for row in zip(*(found[c].tolist() for c in columns), strict=True)
    ]
    return found.assign(
        review_key=keys,
        review_status=[marks.get(k, {}).get("status", "") for k in keys],
        review_note=[marks.get(k, {}).get("note", "") for k in keys],
    )


def save(key: str, status: str | None, note: str, about: str) -> None:
    """Given a fingerprint, a status (None clears) and a note, store the mark."""
    review.mark(settings.review_path(), key, status, note, about)
