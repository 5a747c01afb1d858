"""决算看板: the Streamlit entry point (``streamlit run dashboard.py``).

It builds the shared frame (navigation, sidebar filters bound to the URL, notices, the
复制链接 link) and runs the selected page from pages/.  With no warehouse yet it builds
one from the bundled samples first.
"""

from __future__ import annotations

import streamlit as st

from dashboard_lib import data, state
from dashboard_lib.filters import render_global_filters
from dashboard_lib.frame import FRAME_FLAG, synthetic_banner

st.set_page_config(
    page_title="决算看板", page_icon="📊", layout="wide", initial_sidebar_state="expanded"
)

# Each url_path equals its file name: before st.navigation first runs in a server process,
# Streamlit treats pages/ as a v1 pages folder and may run a page file on its own; the
# page then reruns through this frame (see dashboard_lib.frame.run_page).
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
]


def ensure_warehouse() -> None:
    """Build the warehouse from the bundled samples when the file does not exist yet."""
    path = data.db_path()
    if data.db_mtime(path) or not data.autobuild_enabled():
        return
    box = st.container()
    box.info(f"尚未找到数据仓库（{path}），正在用示例报告构建，请稍候……", icon="⏳")
    bar = box.progress(0.0, text="准备构建")
    ok, message = data.build_from_samples(path, bar)
    if ok:
        box.success("数据仓库已构建完成。")
    else:
        box.error(f"自动构建未成功：{message}")


def main() -> None:
    state.begin_run()
    ensure_warehouse()
    page = st.navigation(PAGES, position="sidebar")
    st.sidebar.caption(f"数据仓库：{data.db_path().name}")
    ready, reason = data.warehouse_ready()
    if ready:
        render_global_filters()
    else:
        st.sidebar.caption(reason)
    link_box = st.sidebar.container()
    notice_box = st.container()
    if ready:
        synthetic_banner()
    st.session_state[FRAME_FLAG] = True
    try:
        page.run()
    finally:
        st.session_state[FRAME_FLAG] = False
    state.drop_unknown_params()
    for message in state.notices():
        notice_box.caption(f"⚠️ {message}")
    with link_box:
        st.markdown("#### 复制链接")
        st.caption("打开此链接即可重现当前页面与筛选条件：")
        st.code(state.share_link(page.url_path), language=None, wrap_lines=True)


main()
