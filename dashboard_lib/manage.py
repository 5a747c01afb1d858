"""Page side of 数据管理: who may write, what the build is given, and each uploaded file's line.

Writing (upload, removal) needs the editor password (dashboard_lib.review.editor_password:
Streamlit secrets or JUESUAN_EDITOR_PASSWORD); once typed on this page or on 核查与异常 the
session is unlocked for both.  Builds run on the server's one build thread
(dashboard_lib.data.start_build), under the warehouse's lock like any other build.
"""

from __future__ import annotations

import hmac
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard_lib import access, data, review
from etl import settings, uploads

STATUS = {
    "loaded": "已载入",
    "duplicate": "重复，未载入",
    "failed": "失败",
    "retained": "保留（文件不在上次构建的输入中）",
}


def editor_configured() -> bool:
    """Return whether an editor password is configured (else the dashboard is read-only)."""
    return bool(review.editor_password())


def editor_unlocked() -> bool:
    """Return whether this session may write; ask for the editor password when it may not yet."""
    password = review.editor_password()
    if not password:
        return False
    if may_write():
        return True
    typed = st.text_input("编辑密码（输入后可上传或删除报告）", type="password", key="dm_password")
    if typed and hmac.compare_digest(typed.encode(), password.encode()):
        st.session_state[review.UNLOCKED] = password
        return True
    if typed:
        st.warning("密码不正确，看板仍为只读。")
    return False


def may_write() -> bool:
    """Return whether this session unlocked writing with the password configured now (checked
    again by every writing callback, whatever the page drew)."""
    password = review.editor_password()
    return bool(password) and st.session_state.get(review.UNLOCKED) == password


def folder() -> Path:
    """Return the upload folder (setting upload_dir), absolute."""
    return settings.upload_dir().absolute()


def in_folder(path: str | None) -> bool:
    """Given a stored source path, return whether it is a file of the upload folder."""
    return bool(path) and Path(path).absolute().parent == folder()


def files() -> pd.DataFrame:
    """Return the warehouse's files (queries.warehouse_files) with an uploaded flag; empty
    when there is no readable warehouse yet."""
    try:
        found = data.query("warehouse_files")
    except data.WarehouseUnavailable:
        found = pd.DataFrame(columns=["source_file", "source_path", "source_sha256", "status"])
    return found.assign(uploaded=[in_folder(p) for p in found["source_path"]])


def known_hashes(found: pd.DataFrame) -> dict[str, str]:
    """Given the warehouse's files, return sha256 -> file name of every file it holds."""
    held = found[found["source_sha256"].notna() & (found["status"] != "failed")]
    return dict(zip(held["source_sha256"], held["source_file"], strict=True))


def build_inputs(found: pd.DataFrame) -> list[Path]:
    """Given the warehouse's files, return the build's inputs: every file it was built from that
    is still on this server (absolute paths only), then the upload folder."""
    here = folder()
    paths = {
        Path(p)
        for p in found["source_path"].dropna()
        if Path(p).is_absolute() and Path(p).parent != here and Path(p).is_file()
    }
    return [*sorted(paths), here]


def pending(found: pd.DataFrame) -> list[str]:
    """Given the warehouse's files, return the upload folder's files no build has seen yet."""
    seen = {Path(p).name for p in found["source_path"].dropna() if in_folder(p)}
    return [p.name for p in uploads.stored_files(folder()) if p.name not in seen]


def who() -> str:
    """Return who is editing: the e-mail address signed in through the bureau's login (OIDC),
    else that the editor password was used."""
    email = ""
    if access.mode() == "oidc":
        try:
            email = str(st.user.get("email") or "") if st.user.is_logged_in else ""
        except Exception:  # the login is not available in this run
            email = ""
    return email or "编辑密码"


def upload(sent: list[tuple[str, bytes]], found: pd.DataFrame) -> list[uploads.Stored]:
    """Given sent (name, bytes) pairs and the warehouse's files, save the acceptable new ones
    and note each saved file in the folder's history."""
    stored = uploads.store(sent, folder(), known_hashes(found), settings.max_file_bytes())
    for s in stored:
        if s.saved:
            uploads.record(folder(), "上传", s.saved, who())
    return stored


def outcome_lines(result: object, saved: list[str], found: pd.DataFrame) -> list[tuple[str, str]]:
    """Given a finished build's result, the uploaded file names and the new warehouse's files,
    return (file, Chinese line) for each: loaded with unit, year and kind, or why not."""
    here = folder()
    by_name = {
        o.file.name: o
        for o in getattr(result, "outcomes", [])
        if Path(o.file.path).absolute().parent == here
    }
    report = {
        r.report_id: r for r in found.itertuples() if r.report_id and r.status == "loaded"
    }  # fmt: skip
    lines = []
    for name in saved:
        o = by_name.get(name)
        if o is None:
            lines.append((name, "未参与本次构建（可能已被删除）"))
        elif o.status in ("loaded", "unchanged"):
            r = report.get(o.report_id)
            what = f"{r.display_name} {r.fiscal_year} 年 {r.doc_kind}" if r else "报告"
            lines.append((name, f"已载入：{what}（{o.fact_count or 0} 项指标）"))
        elif o.status == "duplicate":
            lines.append((name, f"重复，未载入：{o.message}"))
        else:
            lines.append((name, f"未载入：{o.message}"))
    return lines


# Streamlit's file picker prints its own English ("Upload", "50MB per file • PDF, …") with no
# setting to change it: the page's style hides those words and shows these in their place.
PICKER_BUTTON = "选择文件"
PICKER_DROP = "松开鼠标即可加入这些文件"
PICKER_LIMIT = "单个文件不超过 {mb} MB · {types}"
_PICKER = '[data-testid="stFileUploaderDropzone"]'
_PICKER_BUTTON = (
    f'{_PICKER} [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p'
)
_PICKER_NOTE = '[data-testid="stFileUploaderDropzoneInstructions"] span'
_PICKER_DROP = f"{_PICKER} > div:not([data-testid]) > span"  # shown while files are dragged over


def _css_text(text: str) -> str:
    """Given plain text, return it as a quoted CSS string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def picker_style(limit_mb: int, types: list[str]) -> str:
    """Given the upload size limit in MB and the accepted extensions, return the <style> that
    shows the file picker's button, limit line and drop hint in Chinese instead of Streamlit's
    English."""
    note = PICKER_LIMIT.format(mb=limit_mb, types="、".join(t.upper() for t in types))
    return (
        "<style>"
        f"{_PICKER_BUTTON}{{font-size:0;line-height:0}}"
        f"{_PICKER_BUTTON}::after{{content:{_css_text(PICKER_BUTTON)};font-size:0.875rem;line-height:1.6}}"
        f"{_PICKER_NOTE}{{font-size:0}}"
        f"{_PICKER_NOTE}::after{{content:{_css_text(note)};font-size:0.875rem}}"
        f"{_PICKER_DROP}{{font-size:0}}"
        f"{_PICKER_DROP}::after{{content:{_css_text(PICKER_DROP)};font-size:1rem}}"
        "</style>"
    )
