"""The build's shared records: input files, per-file outcomes, the result and resolved settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SUPPORTED = {
    ".pdf": "pdf", ".docx": "docx", ".txt": "txt", ".md": "txt", ".xlsx": "xlsx", ".xls": "xlsx",
    ".html": "html", ".htm": "html",
    ".doc": "docx", ".wps": "docx", ".dot": "docx",  # converted to .docx by LibreOffice
    ".png": "pdf", ".jpg": "pdf", ".jpeg": "pdf",  # a scanned page, read by OCR
}  # fmt: skip
# Where files are parsed: the local worker pool (pool.py) or a Dask cluster (cluster.py).
EXECUTORS = ("local", "dask")
# How files reach Dask workers: their bytes with each task, or a path on a folder all share.
SHIP_MODES = ("bytes", "path")
FMT_PRIORITY = {"docx": 0, "pdf": 1, "html": 2, "txt": 3, "xlsx": 4}
UNSUPPORTED_HINTS = {
    ".rtf": "RTF 格式不支持，请另存为 .docx 或 PDF",
    ".et": "WPS 表格（.et）不支持，请提供决算报告的 PDF 或 DOCX",
    ".ofd": "OFD 版式文件不支持，请另存为 PDF",
}


class BuildError(Exception):
    """The build could not complete; the message is Chinese and the old warehouse is intact."""


@dataclass
class InputFile:
    """One file given to the build (or found in a given folder)."""

    path: Path
    source_path: str  # as stored in raw_reports.source_path / raw_files.source_path
    name: str
    sha256: str | None = None
    problem: str | None = None  # why it cannot be parsed, found before parsing

    @property
    def fmt(self) -> str | None:
        """Given the file, return its format (pdf/docx/txt) or None when unsupported."""
        return SUPPORTED.get(self.path.suffix.lower())


@dataclass
class FileOutcome:
    """What the build did with one input file."""

    file: InputFile
    status: str  # loaded | unchanged | duplicate | failed
    message: str = ""
    report_id: str | None = None
    fact_count: int | None = None
    stated_name: str | None = None  # the unit name the file states, where known


@dataclass
class BuildResult:
    """The outcome of one build: per-file results, the parse count and the warehouse path."""

    db_path: Path
    outcomes: list[FileOutcome] = field(default_factory=list)
    parsed: int = 0
    reports: int = 0
    retained: list[str] = field(default_factory=list)  # kept reports of absent files
    warnings: list[str] = field(default_factory=list)
    checks: object = None  # how the checks ran (etl/build/checks.py CheckRun)

    def count(self, status: str) -> int:
        """Given a status, return how many input files ended with it."""
        return sum(1 for o in self.outcomes if o.status == status)

    def summary(self) -> str:
        """Given the result, return the closing count line the command line prints."""
        return (
            f"完成：共 {len(self.outcomes)} 个文件，新载入 {self.count('loaded')}，"
            f"未变化 {self.count('unchanged')}，重复 {self.count('duplicate')}，"
            f"失败 {self.count('failed')}（本次解析 {self.parsed} 个文件）"
        )

    @property
    def failed(self) -> bool:
        """Given the result, return whether any file failed."""
        return self.count("failed") > 0


@dataclass(slots=True)
class StagedReport:
    """A parsed report as the writer will store it: its identity and its rows, no objects.

    The main process keeps one per new report until the write: its rows (tuples) go on to the
    staging file as soon as it arrives (etl/build/staging.py), so only the identity stays.
    """

    unit_name: str
    unit_short: str | None
    region: str | None
    city: str | None
    fiscal_year: int
    doc_kind: str
    fmt: str
    pages: int | None
    is_synthetic: bool
    fact_count: int  # facts the report states (before the writer drops unknown or repeated)
    rows: dict[str, list[tuple]]  # raw table -> rows (emptied once staged)
    warnings: list[str]


@dataclass(frozen=True)
class BuildConfig:
    """The settings one build runs with, resolved once at its entry point (etl/settings.py)."""

    target: Path  # the warehouse file, absolute
    paths: tuple[Path, ...]  # the given inputs (default: the samples folder)
    aliases_path: Path
    max_bytes: int
    jobs: int
    timeout: float | None  # seconds per file; None: no limit
    executor: str = "local"  # local (the worker pool) | dask (a Dask cluster, cluster.py)
    scheduler: object = None  # the Dask scheduler's address (or a distributed Client)
    ship: str = "bytes"  # how files reach Dask workers: bytes | path (a shared folder)
    memory_mb: int = 0  # address-space limit of each parse worker; 0: none

    @classmethod
    def resolve(
        cls,
        paths: object = None,
        db_path: str | Path | None = None,
        jobs: int | None = None,
        timeout: float | None = None,
        executor: str = "local",
        scheduler: object = None,
        ship: str = "bytes",
    ) -> BuildConfig:
        """Given the caller's options (None: the setting), return the build's settings."""
        from etl import settings

        if executor not in EXECUTORS:
            raise BuildError(f"--executor 只能是 {'、'.join(EXECUTORS)}，不是 {executor}")
        if executor == "dask" and not scheduler:
            raise BuildError("--executor dask 需要 --scheduler 地址（如 tcp://10.0.0.1:8786）")

        target = Path(db_path) if db_path else settings.db_path()
        given = [Path(p) for p in paths] if paths else [settings.samples_dir()]  # type: ignore[union-attr]
        limit = settings.parse_timeout() if timeout is None else timeout
        jobs = jobs or settings.jobs()
        return cls(
            target=target.expanduser().absolute(),
            paths=tuple(given),
            aliases_path=settings.unit_aliases_path(),
            max_bytes=settings.max_file_bytes(),
            jobs=jobs,
            timeout=limit or None,
            executor=executor,
            scheduler=scheduler,
            ship=ship,
            memory_mb=settings.worker_memory_mb(jobs),
        )
