"""Who may view the dashboard: open by default, or a viewer login configured in secrets.

``.streamlit/secrets.toml`` (never committed) chooses the login:

* an ``[auth]`` section (Streamlit's built-in OpenID Connect, ``st.login``; needs the Authlib
  package): viewers sign in with the bureau's identity provider; ``[access] allowed_emails``
  optionally lists who may view;
* else ``[access] viewer_password``: one shared password, asked once per browser session;
* else the dashboard is open to whoever reaches the server (bind it to localhost, see README).
"""

from __future__ import annotations

import hmac
from typing import Any

import streamlit as st

_PASSED = "_viewer_ok"


def _secrets() -> dict[str, Any]:
    """Given the app's secrets file, return its contents (empty when there is none)."""
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets.toml, or one that cannot be read: no login configured
        return {}


def mode(secrets: dict[str, Any] | None = None) -> str:
    """Given the secrets, return the login in force: "oidc", "password" or "open"."""
    secrets = _secrets() if secrets is None else secrets
    if isinstance(secrets.get("auth"), dict) and secrets["auth"]:
        return "oidc"
    if str((secrets.get("access") or {}).get("viewer_password") or ""):
        return "password"
    return "open"


def password_ok(given: str, expected: str) -> bool:
    """Given the typed and the configured password, return whether they match (constant time)."""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def gate() -> bool:
    """Given the current session, return True when the viewer may see the pages; otherwise
    show the sign-in form and return False (the caller stops the run)."""
    secrets = _secrets()
    how = mode(secrets)
    if how == "open" or st.session_state.get(_PASSED):
        return True
    st.title("决算看板")
    if how == "oidc":
        if not st.user.is_logged_in:
            st.info("请先登录后查看。", icon=":material/lock:")
            st.button("登录", on_click=st.login, type="primary")
            return False
        allowed = {e.lower() for e in (secrets.get("access") or {}).get("allowed_emails") or []}
        email = str(st.user.get("email") or "").lower()
        if allowed and email not in allowed:
            st.error("当前账号无权查看本看板，请联系管理员。", icon=":material/lock:")
            st.button("退出登录", on_click=st.logout)
            return False
        return True
    with st.form("viewer_login"):
        typed = st.text_input("查看密码", type="password")
        sent = st.form_submit_button("进入", type="primary")
    if sent and password_ok(typed, str(secrets["access"]["viewer_password"])):
        st.session_state[_PASSED] = True
        st.rerun()
    if sent:
        st.error("密码不正确。", icon=":material/lock:")
    return False
