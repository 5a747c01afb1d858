"""数据管理: the warehouse's files and their status; with the editor password, upload report
files (a background build loads them) and remove uploaded ones (a rebuild drops their reports)."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard_lib import data, frame, manage, safe
from etl import guard, settings, uploads

# How often the page redraws a running build's progress (seconds).
POLL_SECONDS = 0.5
WATCH = "dm_watch"  # session: the build this session started and what it sent
NOTE = "dm_note"  # session: lines about files not saved, shown once
PICKS = "dm_picks"  # session: how many uploads this session made (the picker's key)
HISTORY_ROWS = 50
MAX_LOG_LINES = 2000  # build output lines shown at most (a province has thousands of files)
READ_ONLY = (
    "看板为只读：未设置编辑密码，不能在此上传或删除报告。管理员可设置环境变量 "
    "JUESUAN_EDITOR_PASSWORD 或在 .streamlit/secrets.toml 中写 editor_password 开启。"
)
FILE_COLUMNS = {
    "source_file": "文件",
    "status": "状态",
    "display_name": "单位",
    "fiscal_year": "年度",
    "doc_kind": "报告类型",
    "message": "原因",
    "origin": "来源",
}


def _wait_for(job: data.FirstBuild) -> None:
    """Given the running build, draw its progress bar until it ends, then take it away."""
    holder = st.empty()
    with holder.container():
        st.info("正在构建数据仓库，完成后本页显示每个文件的结果……", icon=":material/hourglass_top:")
        bar = st.progress(job.fraction, text=safe.md_short(job.text, 120))
    while job.running:
        bar.progress(job.fraction, text=safe.md_short(job.text, 120))
        time.sleep(POLL_SECONDS)
    holder.empty()


def _show_results(job: data.FirstBuild) -> None:
    """Given the finished build, show this session's per-file lines when it started it."""
    watch = st.session_state.get(WATCH)
    if not watch or watch["run"] != job.runs:
        return
    for sent, line in watch["refused"]:
        st.markdown(f"- ✗ {safe.md(sent)}：{safe.md(line)}")
    if not job.ok:
        st.error(f"构建未成功，仓库保持原样：{safe.md_short(job.message, 200)}")
        return
    found = manage.files()
    for name, line in manage.outcome_lines(job.result, watch["saved"], found):
        mark = "✓" if line.startswith("已载入") else "✗"
        st.markdown(f"- {mark} {safe.md(name)}：{safe.md(line)}")
    st.success(f"构建完成：{safe.md(job.message)}。各页面已显示新数据。")
    lines = [*job.lines, job.result.summary()]
    with st.expander("构建输出（与命令行相同）"):
        if len(lines) > MAX_LOG_LINES:
            st.caption(f"共 {len(lines)} 行，只显示最后 {MAX_LOG_LINES} 行。")
        st.code("\n".join(lines[-MAX_LOG_LINES:]), language=None)


def _say(lines: list[tuple[str, str]]) -> None:
    """Given (file, reason) lines of files not saved, keep them for the next draw of the page."""
    st.session_state[NOTE] = lines


def _start(saved: list[str], refused: list[tuple[str, str]], drop=()) -> None:
    """Given what was saved and refused, start the rebuild on the server's build thread and
    remember it for this session (callbacks run before the page draws its progress)."""
    found = manage.files()
    job = data.start_build(data.db_path(), manage.build_inputs(found), tuple(drop))
    if job is None:
        _say(
            [
                *refused,
                ("", "另一个构建正在运行，请等它结束后再试；已保存的文件会在下一次构建时载入。"),
            ]
        )
        return
    st.session_state[WATCH] = {"run": job.runs, "saved": saved, "refused": refused}


def _on_upload(key: str) -> None:
    """Given the picker's key, save the picked files and start a build (button callback)."""
    if not manage.may_write():
        return
    sent = st.session_state.get(key) or []
    if not sent:
        _say([("", "请先选择要上传的文件。")])
        return
    if data.current_build().running:
        _say([("", "另一个构建正在运行，请等它结束后再上传。")])
        return
    try:
        stored = manage.upload([(f.name, f.getvalue()) for f in sent], manage.files())
    except OSError as exc:  # a full disk or a read-only folder: one line, no server path
        _say([("", guard.os_problem(exc, Path(manage.folder().name)))])
        return
    st.session_state[PICKS] = st.session_state.get(PICKS, 0) + 1
    saved = [s.saved for s in stored if s.status == "saved" and s.saved]
    refused = [(s.sent, s.message) for s in stored if s.status != "saved"]
    if saved:
        _start(saved, refused)
    else:
        _say(refused)


def _on_remove() -> None:
    """Given the chosen uploaded file and the confirmation, remove it and rebuild (callback)."""
    if not manage.may_write():
        return
    name = st.session_state.get("dm_remove_name")
    if not st.session_state.get("dm_sure"):
        _say([("", "请先勾选“确认删除”。")])
        return
    if not name or data.current_build().running:
        _say([("", "另一个构建正在运行，请等它结束后再删除。")])
        return
    found = manage.files()
    mine = found[found["uploaded"] & (found["source_file"] == name)]
    drop = [
        r for r, s in zip(mine["report_id"], mine["status"], strict=True) if r and s != "duplicate"
    ]
    try:
        uploads.remove(manage.folder(), name)
    except ValueError as exc:
        _say([("", f"无法删除：{exc}")])
        return
    except OSError as exc:  # one line, no server path
        _say([("", f"无法删除：{guard.os_problem(exc, Path(manage.folder().name))}")])
        return
    uploads.record(manage.folder(), "删除", name, manage.who())
    st.session_state["dm_sure"] = False
    _start([], [(name, "已删除，其报告已从仓库中移除")], drop)


def _on_pending(names: list[str]) -> None:
    """Given upload-folder files no build has seen, start a build that loads them (callback)."""
    if not manage.may_write():
        return
    if data.current_build().running:
        _say([("", "另一个构建正在运行，请等它结束后再试。")])
        return
    _start(names, [])


def _pending(found, editor: bool, busy: bool) -> None:
    """Given the warehouse's files, name the uploaded files not loaded yet; editors may load them."""
    waiting = manage.pending(found)
    if not waiting or busy:
        return
    names = "、".join(safe.md(n) for n in waiting[:5]) + ("等" if len(waiting) > 5 else "")
    st.warning(f"上传文件夹中有 {len(waiting)} 个文件尚未载入：{names}", icon=":material/schedule:")
    if editor:
        st.button("载入这些文件", key="dm_pending", on_click=_on_pending, args=(waiting,))


def _history() -> None:
    """Show the newest uploads and removals with when and by whom."""
    rows = uploads.history(manage.folder(), HISTORY_ROWS)
    if not rows:
        return
    with st.expander(f"操作记录（最近 {HISTORY_ROWS} 条）"):
        frame.table(
            pd.DataFrame(rows).rename(
                columns={"at": "时间", "action": "操作", "file": "文件", "who": "操作人"}
            ),
            key="dm_history",
        )


def _upload_form(busy: bool) -> None:
    """Show the file picker and the upload button (the button's callback does the work)."""
    limit_mb = max(1, settings.max_file_bytes() // 1048576)
    key = f"dm_files_{st.session_state.get(PICKS, 0)}"  # a new key empties the picker
    st.html(manage.picker_style(limit_mb, uploads.accepted_types()))
    st.file_uploader(
        "选择报告文件（可多选）",
        type=uploads.accepted_types(),
        accept_multiple_files=True,
        max_upload_size=limit_mb,
        help="PDF、DOCX、DOC/WPS（经 LibreOffice 转换）、XLSX/XLS、HTML、TXT、扫描页图片"
        f"（PNG/JPG），或装有这些文件的 ZIP 压缩包；单个文件不超过 {limit_mb} MB。",
        key=key,
        disabled=busy,
    )
    st.button(
        "上传并载入",
        type="primary",
        disabled=busy,
        key="dm_upload",
        on_click=_on_upload,
        args=(key,),
    )


def _remove_form(busy: bool) -> None:
    """Let the editor pick an uploaded file to remove (the button's callback does the work)."""
    names = [p.name for p in uploads.stored_files(manage.folder())]
    if not names:
        st.caption(
            "上传文件夹中还没有文件。命令行载入的报告请用 `python -m etl build --prune` 移除。"
        )
        return
    st.selectbox("要删除的上传文件", names, key="dm_remove_name")
    st.checkbox("确认删除：文件移入上传文件夹的 .removed，其报告从仓库中移除", key="dm_sure")
    st.button("删除并重建", disabled=busy, key="dm_remove", on_click=_on_remove)


def _file_list(found) -> None:
    """Given the warehouse's files, show each with its status, report and reason."""
    st.subheader("仓库中的文件")
    if found.empty:
        st.info(
            "数据仓库中还没有载入任何报告，也没有记录任何文件。"
            + ("" if manage.editor_configured() else "设置编辑密码后可在本页上传报告。"),
            icon=":material/inbox:",
        )
        return
    shown = found.assign(
        status=found["status"].map(manage.STATUS).fillna(found["status"]),
        origin=found["uploaded"].map({True: "上传", False: "命令行/示例"}),
    )
    counts = found["status"].value_counts()
    st.caption(
        f"共 {len(found)} 个文件：已载入 {int(counts.get('loaded', 0))}，"
        f"重复 {int(counts.get('duplicate', 0))}，失败 {int(counts.get('failed', 0))}。"
    )
    frame.table(
        shown[list(FILE_COLUMNS)].rename(columns=FILE_COLUMNS),
        key="dm_files_table",
        column_config={"年度": st.column_config.NumberColumn("年度", format="%d")},
    )


def render() -> None:
    st.title("数据管理")
    st.caption("上传报告文件并载入数据仓库；查看每个文件的载入状态。")
    job = data.current_build()
    if job.running:
        _wait_for(job)
    _show_results(job)
    for name, line in st.session_state.pop(NOTE, []):
        st.markdown(f"- ✗ {safe.md(name)}：{safe.md(line)}" if name else f"- {safe.md(line)}")
    found = manage.files()
    st.subheader("上传报告")
    if not manage.editor_configured():
        st.caption(f":material/lock: {READ_ONLY}")
        _pending(found, False, job.running)
    elif manage.editor_unlocked():
        _pending(found, True, job.running)
        _upload_form(job.running)
        with st.expander("删除上传的文件"):
            _remove_form(job.running)
    else:
        _pending(found, False, job.running)
    _file_list(found)
    _history()


frame.run_page(render)
