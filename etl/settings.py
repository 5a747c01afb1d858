"""Every setting of the ETL and the dashboard, declared once with its default and help.

A setting is read from its environment variable when that is set, else from the default.
Relative default paths are relative to the repository root, so commands work from any
directory; a relative path given in an environment variable is relative to the cwd.
README.md documents each setting (tests/test_cli_docs.py checks that it does).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default value, Chinese help text and environment variable."""

    name: str
    default: str
    help: str
    env_var: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "db_path",
        "warehouse/finance.duckdb",
        "数据仓库文件（DuckDB）；build 写入它，看板只读打开它",
        "JUESUAN_DB",
    ),
    Setting(
        "samples_dir",
        "samples/reports",
        "build 未指定文件或文件夹时载入的示例报告目录",
        "JUESUAN_SAMPLES",
    ),
    Setting(
        "unit_aliases",
        "warehouse/unit_aliases.csv",
        "单位别名表：把报告中出现的单位名称对应到统一的单位",
        "JUESUAN_UNIT_ALIASES",
    ),
    Setting(
        "max_file_mb",
        "50",
        "单个输入文件的大小上限（MB），超过则不解析并记为失败",
        "JUESUAN_MAX_FILE_MB",
    ),
    Setting(
        "jobs",
        "auto",
        "并行解析文件的进程数；auto 表示本机的 CPU 核数；命令行 --jobs 优先",
        "JUESUAN_JOBS",
    ),
    Setting(
        "timeout",
        "300",
        "单个文件的解析时限（秒），超过则结束该解析进程并记为失败；0 表示不限；命令行 --timeout 优先",
        "JUESUAN_TIMEOUT",
    ),
    Setting(
        "max_unzipped_mb",
        "300",
        "DOCX/XLSX（zip 包）解压后的总大小上限（MB），超过则不解析并记为失败（防压缩炸弹）",
        "JUESUAN_MAX_UNZIPPED_MB",
    ),
    Setting(
        "max_zip_parts",
        "5000",
        "DOCX/XLSX（zip 包）所含部件数的上限，超过则不解析并记为失败",
        "JUESUAN_MAX_ZIP_PARTS",
    ),
    Setting(
        "max_pdf_pages",
        "2000",
        "PDF 页数上限，超过则不解析并记为失败",
        "JUESUAN_MAX_PDF_PAGES",
    ),
    Setting(
        "max_pdf_stream_mb",
        "64",
        "PDF 单页内容流解压后的大小上限（MB），超过则不解析并记为失败",
        "JUESUAN_MAX_PDF_STREAM_MB",
    ),
    Setting(
        "max_sheet_rows",
        "20000",
        "电子表格（XLSX/XLS）单个工作表的行数上限，超过则不解析并记为失败",
        "JUESUAN_MAX_SHEET_ROWS",
    ),
    Setting(
        "max_sheet_cols",
        "500",
        "电子表格（XLSX/XLS）单个工作表的列数上限，超过则不解析并记为失败",
        "JUESUAN_MAX_SHEET_COLS",
    ),
    Setting(
        "worker_memory_mb",
        "auto",
        "每个解析进程可用的内存（地址空间）上限（MB）；auto 按本机内存与并行进程数计算；0 表示不限",
        "JUESUAN_WORKER_MEMORY_MB",
    ),
    Setting(
        "review_path",
        "",
        "核查结果的核实状态（已核实/误报/已整改及备注）保存的文件；留空时放在数据仓库文件旁"
        "（finance.duckdb → finance.review.json），重建仓库不会清除",
        "JUESUAN_REVIEW",
    ),
    Setting(
        "upload_dir",
        "",
        "看板“数据管理”页上传的报告文件保存的文件夹；留空时放在数据仓库文件旁"
        "（finance.duckdb → finance.uploads/）",
        "JUESUAN_UPLOAD_DIR",
    ),
    Setting(
        "editor_password",
        "",
        "编辑密码：设置后（或在 Streamlit secrets 中设 editor_password）看板上输入此密码才能标记核查结果、"
        "在“数据管理”页上传或删除报告；不设则看板只读",
        "JUESUAN_EDITOR_PASSWORD",
    ),
    Setting(
        "autobuild",
        "1",
        "看板启动时仓库不存在则先用示例报告建立（设为 0 关闭）",
        "JUESUAN_AUTOBUILD",
    ),
    Setting(
        "pdf_native",
        "auto",
        "PDF 逐字读取的本机加速：auto 表示首次使用时用本机 C 编译器编译一个小助手并缓存"
        "（没有编译器则不用），0 表示不用；用与不用，读出的文字与坐标完全相同",
        "JUESUAN_PDF_NATIVE",
    ),
    Setting(
        "ocr",
        "1",
        "没有文字层的扫描页（及 .png/.jpg 报告页）用 OCR 识别（设为 0 关闭：扫描页只记警告）",
        "JUESUAN_OCR",
    ),
    Setting(
        "ocr_dpi",
        "200",
        "扫描页 OCR 前渲染的分辨率（dpi）；越高越准也越慢",
        "JUESUAN_OCR_DPI",
    ),
    Setting(
        "ocr_threads",
        "1",
        "每个解析进程做 OCR 用的线程数（进程数已按 CPU 核数，默认 1 不争抢）",
        "JUESUAN_OCR_THREADS",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    """Given a setting name, return its value from the environment or its default."""
    setting = _BY_NAME[name]
    value = os.environ.get(setting.env_var, "").strip()
    return value or setting.default


def env_var(name: str) -> str:
    """Given a setting name, return the environment variable that sets it."""
    return _BY_NAME[name].env_var


def _path(name: str) -> Path:
    """Given a path setting name, return it as an absolute path."""
    setting = _BY_NAME[name]
    value = os.environ.get(setting.env_var, "").strip()
    if value:
        return Path(value).expanduser().resolve()
    return REPO_ROOT / setting.default


def db_path() -> Path:
    """Given the environment, return the warehouse file path."""
    return _path("db_path")


def review_path() -> Path:
    """Given the environment, return the review-status file (beside the warehouse by default)."""
    if get("review_path"):
        return _path("review_path")
    db = db_path()
    return db.with_name(db.stem + ".review.json")


def upload_dir() -> Path:
    """Given the environment, return the dashboard's upload folder (beside the warehouse by default)."""
    if get("upload_dir"):
        return _path("upload_dir")
    db = db_path()
    return db.with_name(db.stem + ".uploads")


def samples_dir() -> Path:
    """Given the environment, return the bundled sample reports folder."""
    return _path("samples_dir")


def unit_aliases_path() -> Path:
    """Given the environment, return the unit alias CSV path."""
    return _path("unit_aliases")


def max_file_bytes() -> int:
    """Given the environment, return the largest input file size in bytes."""
    return int(float(get("max_file_mb")) * 1024 * 1024)


def autobuild() -> bool:
    """Given the environment, return whether the dashboard may build a missing warehouse."""
    return get("autobuild").lower() not in {"0", "false", "no"}


def jobs() -> int:
    """Given the environment, return the number of parse processes (at least 1)."""
    value = get("jobs").lower()
    if value == "auto":
        return max(1, os.cpu_count() or 1)
    return max(1, int(value))


def parse_timeout() -> float:
    """Given the environment, return the per-file parse time limit in seconds (0: none)."""
    return max(0.0, float(get("timeout")))


def int_setting(name: str) -> int:
    """Given the name of a whole-number setting, return its value (at least 0)."""
    return max(0, int(float(get(name))))


# With worker_memory_mb = auto, the parse workers together may use this share of the RAM,
# and each at least WORKER_MEMORY_FLOOR_MB (readers and their libraries map ~1 GB at start).
WORKER_MEMORY_SHARE = 0.6
WORKER_MEMORY_FLOOR_MB = 2048


def worker_memory_mb(jobs: int) -> int:
    """Given the number of parse processes, return each one's address-space limit in MB (0: none)."""
    value = get("worker_memory_mb").lower()
    if value != "auto":
        return int_setting("worker_memory_mb")
    try:
        ram_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 1048576
    except (ValueError, OSError, AttributeError):  # not a POSIX system: no limit
        return 0
    return max(WORKER_MEMORY_FLOOR_MB, int(ram_mb * WORKER_MEMORY_SHARE / max(1, jobs)))
