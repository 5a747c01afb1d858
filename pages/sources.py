"""数据与来源: loaded reports, build log, coverage, provenance of any figure, notes, downloads."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from dashboard_lib import fmt, frame, scan, state
from dashboard_lib.data import query
from dashboard_lib.export import csv_bytes, excel_bytes
from dashboard_lib.filters import current_filters

STATUS = {"loaded": "已载入", "duplicate": "重复", "failed": "失败"}
VALUE_COLUMNS = {
    "display_name": "单位",
    "region": "地区",
    "unit_name": "单位全称",
    "fiscal_year": "年度",
    "doc_kind": "报告类型",
    "metric": "指标代码",
    "label_zh": "指标",
    "value": "数值",
    "unit": "计量单位",
    "source_file": "来源文件",
    "page": "页码",
    "loc": "位置",
    "quote": "原文",
    "report_id": "报告编号",
}
DERIVED_COLUMNS = {
    "display_name": "单位",
    "fiscal_year": "年度",
    "doc_kind": "报告类型",
    "metric": "指标代码",
    "label_zh": "指标",
    "value": "推算值",
    "unit": "计量单位",
    "basis": "推算依据",
    "source_file": "来源文件",
    "page": "页码",
    "loc": "位置",
    "quote": "原文",
}
REPORT_COLUMNS = {
    "display_name": "单位",
    "unit_type": "单位类型",
    "fiscal_year": "年度",
    "doc_kind": "报告类型",
    "n_facts": "提取指标数",
    "from_tables": "来自表格",
    "from_text": "来自正文",
    "missing_tables": "未找到的附表",
    "missing_sections": "未找到的说明部分",
    "source_file": "文件",
    "fmt": "格式",
    "pages": "页数",
    "province": "省份",
    "parsed_at": "解析时间",
    "unit_name_stated": "报告所载单位名称",
    "parser_version": "解析器版本",
    "is_synthetic": "合成数据",
    "report_id": "报告编号",
}


CELL_ID_CHARS = 12  # hex digits of an OCR cell's id in the link (src_ocr_crop)
# tab id (in the link as src_tab) -> title; only the open tab is drawn
TABS = {
    "reports": "已载入报告", "log": "构建日志", "coverage": "指标覆盖", "lineage": "数据出处",
    "notes": "提取说明", "download": "下载数据",
}  # fmt: skip


def render() -> None:
    frame.page_title("数据与来源", "已载入报告、构建日志、指标覆盖、数据出处与下载")
    f = current_filters()
    status = query("warehouse_status")
    if not status.empty:
        s = status.iloc[0]
        c = st.columns(4)
        c[0].metric("已载入报告", f"{int(s['n_reports'])} 份", border=True)
        c[1].metric("单位", f"{int(s['n_units'])} 个", border=True)
        c[2].metric("解析失败文件", f"{int(s['n_failed'])} 个", border=True)
        c[3].metric("重复文件", f"{int(s['n_duplicate'])} 个", border=True)
    tabs = state.tabs(TABS, key="src_tab", owns={"lineage": ["src_metric", "src_ocr_crop"]})
    reports = query("report_list", f)
    if tabs.open == "reports":
        with tabs.box():
            if reports.empty:
                if status.empty or int(status["n_reports"].iloc[0]) == 0:
                    st.info(frame.NO_REPORTS, icon=":material/inbox:")
                else:
                    frame.empty()
            else:
                st.caption(
                    "每份报告：多少项指标来自附表、多少项来自正文，以及模板中没有找到的附表和说明部分"
                    "（报告没有给出的内容，不是零）。"
                )
                frame.table(
                    reports[list(REPORT_COLUMNS)].rename(columns=REPORT_COLUMNS),
                    key="src_reports",
                    column_config={
                        "年度": st.column_config.NumberColumn("年度", format="%d"),
                        "解析时间": st.column_config.DatetimeColumn(
                            "解析时间", format="YYYY-MM-DD HH:mm"
                        ),
                    },
                )
    if tabs.open == "log":
        with tabs.box():
            log = query("build_log")
            if log.empty:
                st.caption("构建日志为空：尚未运行过构建，或上次构建没有输入文件。")
            else:
                problems = log[log["status"] != "loaded"]
                st.caption(
                    f"上次构建共 {len(log)} 个输入文件，其中 {len(problems)} 个未载入（失败或重复）。"
                )
                shown = log.assign(
                    status=[STATUS.get(v, v) for v in log["status"].tolist()]
                ).rename(
                    columns={
                        "source_file": "文件",
                        "status": "状态",
                        "message": "原因",
                        "source_path": "路径",
                        "report_id": "报告编号",
                    }
                )
                frame.table(shown, key="src_build_log")
    if tabs.open == "coverage":
        with tabs.box():
            cov = query("coverage", f)
            if cov.empty:
                frame.empty()
            else:
                cov = cov.rename(
                    columns={
                        "display_name": "单位",
                        "fiscal_year": "年度",
                        "doc_kind": "报告类型",
                        "source_file": "文件",
                        "n_metrics": "指标数",
                    }
                )
                st.caption("每行一份报告，每列一个指标；✓ 表示该报告列示了该指标。")
                frame.table(
                    cov,
                    key="src_coverage",
                    column_config={"年度": st.column_config.NumberColumn("年度", format="%d")},
                )
    if tabs.open == "lineage":
        with tabs.box():
            catalog = query("metric_catalog")
            keys = list(catalog["metric"])
            names = dict(zip(catalog["metric"], catalog["label_zh"], strict=True))
            index = (
                keys.index("total.income_expenditure") if "total.income_expenditure" in keys else 0
            )
            metric = state.id_selectbox(
                "指标",
                keys,
                key="src_metric",
                index=index,
                format_func=lambda m: f"{names.get(m, m)}（{m}）",
                drifts=False,
            )
            prov = query("provenance", f, metric) if metric else pd.DataFrame()
            if prov.empty:
                frame.empty(f"所选范围内没有报告列示“{names.get(metric, metric)}”。")
            else:
                prov = prov.assign(
                    shown=[
                        fmt.value(v, u) for v, u in zip(prov["value"], prov["unit"], strict=True)
                    ],
                    derived=[
                        fmt.DERIVED_LABEL if d else fmt.STATED_LABEL
                        for d in prov["derived"].tolist()
                    ],
                )
                frame.table(
                    prov[
                        [
                            "display_name",
                            "fiscal_year",
                            "doc_kind",
                            "shown",
                            "derived",
                            "source_file",
                            "page",
                            "loc",
                            "quote",
                            "basis",
                        ]
                    ].rename(
                        columns={
                            "display_name": "单位",
                            "fiscal_year": "年度",
                            "doc_kind": "报告类型",
                            "shown": "数值",
                            "derived": "来源方式",
                            "source_file": "文件",
                            "page": "页码",
                            "loc": "位置",
                            "quote": "原文",
                            "basis": "推算依据",
                        }
                    ),
                    key="src_provenance",
                    column_config={"年度": st.column_config.NumberColumn("年度", format="%d")},
                )
            _scanned_cells(f)
    if tabs.open == "notes":
        with tabs.box():
            notes = query("extraction_notes", f)
            if notes.empty:
                st.caption("所选报告没有提取说明。")
            else:
                frame.table(
                    notes.rename(
                        columns={
                            "display_name": "单位",
                            "fiscal_year": "年度",
                            "doc_kind": "报告类型",
                            "source_file": "文件",
                            "message": "说明",
                        }
                    ),
                    key="src_notes",
                )
    if tabs.open == "download":
        with tabs.box():
            st.caption(
                f"按当前筛选条件下载：报告列示数值、推算的上年数与报告清单（{len(reports)} 份报告）。"
                "金额单位为万元；文件在点击时生成。"
            )

            def values_frame() -> pd.DataFrame:
                return query("stated_values", f).rename(columns=VALUE_COLUMNS)

            def make_csv() -> bytes:
                return csv_bytes(values_frame())

            def make_xlsx() -> bytes:
                sheets = {
                    "报告列示数值": values_frame(),
                    "推算的上年数": query("derived_values", f).rename(columns=DERIVED_COLUMNS),
                    "报告": reports[list(REPORT_COLUMNS)].rename(columns=REPORT_COLUMNS),
                }
                return excel_bytes(sheets)

            c1, c2 = st.columns(2)
            c1.download_button(
                "下载 CSV（报告列示数值）",
                data=make_csv,
                file_name="决算看板_数据.csv",
                mime="text/csv",
                icon=":material/download:",
                key="dl_csv",
                on_click="ignore",
            )
            c2.download_button(
                "下载 Excel（含推算值与报告清单）",
                data=make_xlsx,
                file_name="决算看板_数据.xlsx",
                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                icon=":material/table_view:",
                key="dl_xlsx",
                on_click="ignore",
            )


def _scanned_cells(f) -> None:
    """Given the filters, show the 附表 cells read by OCR and the crop of the one chosen."""
    scans = query("ocr_cells", f)
    if scans.empty:
        return
    with st.expander(f"扫描页 OCR 读数：{len(scans)} 个经表内核对确认的单元格，可查看原图截图"):
        st.caption(
            "扫描页上的数字只有在表格算术（合计 = 各项之和等）或报告别处相同读数确认后才入库；"
            "置信度为识别引擎给出的把握（0–1）。"
        )
        frame.table(
            scans[
                ["display_name", "fiscal_year", "source_file", "page", "title", "row_label",
                 "column_path", "text", "ocr_conf"]
            ].rename(
                columns={
                    "display_name": "单位", "fiscal_year": "年度", "source_file": "文件",
                    "page": "页码", "title": "表格", "row_label": "行", "column_path": "列",
                    "text": "读数", "ocr_conf": "置信度",
                }
            ),
            key="src_ocr_cells",
            column_config={"年度": st.column_config.NumberColumn("年度", format="%d")},
        )  # fmt: skip
        # each cell rides in the link by a short id of its file, page and box, not its place
        # in the list (which moves when reports are added)
        names = {}
        for r in scans.itertuples():
            cell = hashlib.sha256(f"{r.source_file}|{r.page}|{r.ocr_box}".encode()).hexdigest()
            names.setdefault(cell[:CELL_ID_CHARS], (r.Index, f"{r.source_file} 第{r.page}页 "
                             f"{r.row_label or r.title}｜{r.column_path}｜{r.text}"))  # fmt: skip
        pick = state.id_selectbox(
            "查看截图", list(names), key="src_ocr_crop", format_func=lambda c: names[c][1]
        )
        row = scans.loc[names[pick][0]]
        png = scan.crop_png(str(row["source_path"]), int(row["page"]), str(row["ocr_box"]))
        if png is None:
            st.caption("原文件已不在构建时的位置，无法显示截图。")
        else:
            st.image(png, caption=f"{row['source_file']} 第{row['page']}页：{row['text']}")


frame.run_page(render)
