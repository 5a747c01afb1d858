"""决算看板: the Streamlit entry point (``streamlit run dashboard.py``).

It builds the shared frame (navigation, sidebar filters bound to the URL, notices, the
复制链接 link) and runs the selected page from pages/.  With no warehouse yet it builds
one from the bundled samples first.
"""

from __future__ import annotations

import time

import streamlit as st

from dashboard_lib import access, data, safe, state
from dashboard_lib.filters import render_global_filters
from dashboard_lib.frame import FRAME_FLAG, synthetic_banner

st.set_page_config(
    page_title="决算看板", page_icon="📊", layout="wide", initial_sidebar_state="expanded"
)

# Each url_path equals its file name: before st.navigation first runs in a server process,
# Streamlit treats pages/ as a v1 pages folder and may run a page file on its own; the
# page then reruns through this frame (see dashboard_lib.frame.run_page).
# A link value longer than this, or a key given more often, is dropped before any widget sees it.
MAX_PARAM_CHARS = 200
MAX_PARAM_REPEATS = 1000
# How often a visitor's page redraws the first-run build's progress (seconds).
FIRST_BUILD_POLL_SECONDS = 0.5

PAGES = [
    st.Page(
        "pages/overview.py",
        title="总览",
        icon=":material/dashboard:",
        url_path="overview",
        default=True,
    ),
    st.Page("pages/findings.py", title="核查与异常", icon=":material/rule:", url_path="findings"),
    st.Page(
        "pages/structure.py", title="支出结构", icon=":material/donut_large:", url_path="structure"
    ),
    st.Page(
        "pages/sangong.py", title="三公经费", icon=":material/receipt_long:", url_path="sangong"
    ),
    st.Page(
        "pages/vehicles.py", title="公务用车", icon=":material/directions_car:", url_path="vehicles"
    ),
    st.Page(
        "pages/performance.py",
        title="绩效自评",
        icon=":material/fact_check:",
        url_path="performance",
    ),
    st.Page("pages/sources.py", title="数据与来源", icon=":material/source:", url_path="sources"),
    st.Page("pages/manage.py", title="数据管理", icon=":material/upload_file:", url_path="manage"),
]


def ensure_warehouse() -> None:
    """Build the warehouse from the bundled samples when the file does not exist yet: one
    build per server process (under the build's lock), its progress shown to every visitor."""
    path = data.db_path()
    if data.db_mtime(path) or not data.autobuild_enabled():
        return
    box = st.container()
    box.info("尚未找到数据仓库，正在用示例报告构建，请稍候……", icon=":material/hourglass_top:")
    bar = box.progress(0.0, text="准备构建")
    shown = data.first_build(path)
    while shown.running:
        bar.progress(shown.fraction, text=safe.md_short(shown.text, 120))
        time.sleep(FIRST_BUILD_POLL_SECONDS)
    bar.progress(1.0, text="构建结束")
    if shown.ok:
        box.success("数据仓库已构建完成。")
    else:
        box.error(f"自动构建未成功：{safe.md_short(shown.message, 200)}")


def main() -> None:
    if not access.gate():
        st.stop()
    state.begin_run()
    hostile = safe.clean_query_params(st.query_params, MAX_PARAM_CHARS, MAX_PARAM_REPEATS)
    ensure_warehouse()
    page = st.navigation(PAGES, position="sidebar")
    stray = state.unknown_page(PAGES)
    st.sidebar.caption(f"数据仓库：{safe.md_short(data.db_path().name)}")
    ready, reason = data.warehouse_ready()
    if ready:
        render_global_filters()
    else:
        st.sidebar.caption(safe.md_short(reason, 200))
    link_box = st.sidebar.container()
    notice_box = st.container()
    if stray is not None:
        notice_box.warning(
            f"链接中的页面“{safe.md_short(stray, 60)}”不存在，已改为显示“{page.title}”。"
            "侧栏“复制链接”给出的是本页的正确地址。",
            icon=":material/explore:",
        )
    if ready:
        synthetic_banner()
    st.session_state[FRAME_FLAG] = True
    try:
        page.run()
    finally:
        st.session_state[FRAME_FLAG] = False
    state.drop_unknown_params()
    for message in hostile + state.notices():
        notice_box.caption(f"⚠️ {message}")
    with link_box:
        st.markdown("#### 复制链接")
        st.caption("打开此链接即可重现当前页面与筛选条件：")
        st.code(state.share_link(page.url_path), language=None, wrap_lines=True)


# Streamlit runs this file as __main__; a build's forkserver started while it runs imports it
# as __mp_main__ and must not run the app (nor its first-run build) there.
if __name__ == "__main__":
    main()
