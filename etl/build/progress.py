"""Build progress: running counts handed to a callback, and their one-line Chinese text."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Progress:
    """How far a build's file pass has got: counts so far and the parse clock."""

    total: int  # input files
    to_parse: int  # files that need parsing
    done: int = 0
    loaded: int = 0  # parsed successfully (duplicates are decided later)
    skipped: int = 0  # unchanged or an identical copy
    failed: int = 0
    parsed: int = 0  # of to_parse, finished (loaded or failed)
    started: float = field(default_factory=time.monotonic)
    parse_started: float | None = None
    file: str = ""  # the file just counted (its name)
    status: str = ""  # what happened to it: loaded | skipped | failed
    text: str = ""  # the same in Chinese, as the per-file log line says it
    activity: str = ""  # what a file being parsed is busy with, e.g. “x.pdf：第3页…OCR 识别中”


def _clock(seconds: float) -> str:
    """Given seconds, return them as m:ss (or h:mm:ss from one hour)."""
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_progress(p: Progress, now: float) -> str:
    """Given build progress and the monotonic time now, return the one-line progress text.

    Example: ``[ 412/1000] 41% 已载入 398 跳过 10 失败 4 · 用时 1:02 · 预计剩余 1:29``, followed
    by what a file being parsed is busy with, if it said (``· 扫描件.pdf：第3页无文字层，OCR 识别中``).
    The remaining time is estimated from the files parsed so far (skipped files cost nothing).
    """
    width = len(str(p.total))
    pct = int(100 * p.done / p.total) if p.total else 100
    line = (
        f"[{p.done:>{width}}/{p.total}] {pct}% 已载入 {p.loaded} 跳过 {p.skipped} "
        f"失败 {p.failed} · 用时 {_clock(now - p.started)}"
    )
    left = p.to_parse - p.parsed
    if p.done >= p.total or left <= 0:
        return line
    if p.parsed and p.parse_started is not None:
        line = f"{line} · 预计剩余 {_clock((now - p.parse_started) / p.parsed * left)}"
    else:
        line = f"{line} · 预计剩余 --:--"
    return f"{line} · {p.activity}" if p.activity else line


class Reporter:
    """Counts each input file once; hands the counts to ``on_progress`` or logs a line per file."""

    def __init__(
        self,
        names: list[str],
        to_parse: int,
        log: Callable[[str], None],
        on_progress: Callable[[Progress], None] | None,
    ) -> None:
        """Given the input names, the parse count and the two sinks, start counting."""
        self.names = names
        self.progress = Progress(len(names), to_parse)
        self.log = log
        self.on_progress = on_progress
        self.busy: dict[int, str] = {}  # input index -> what its parse last said it is doing

    def file_busy(self, n: int, text: str) -> None:
        """Given an input index being parsed and what it is doing, show it (the progress line
        names the latest; a plain log says it once per file)."""
        first = self.busy.pop(n, None) is None
        self.busy[n] = text  # last in: the latest note
        p = self.progress
        p.activity = self._latest()
        if self.on_progress is not None:
            self.on_progress(p)
        elif first:
            self.log(f"  {self.names[n]} … {text}")

    def _latest(self) -> str:
        """Given the files now busy, return the last one's note with its name ("" if none)."""
        if not self.busy:
            return ""
        n = next(reversed(self.busy))
        return f"{self.names[n]}：{self.busy[n]}"

    def file_done(self, n: int, status: str, text: str) -> None:
        """Given an input index, its status (loaded/skipped/failed) and text, count it once."""
        p = self.progress
        if self.busy.pop(n, None) is not None:  # its note ends; another busy file's shows
            p.activity = self._latest()
        p.done += 1
        setattr(p, status, getattr(p, status) + 1)
        p.file, p.status, p.text = self.names[n], status, text
        if self.on_progress is not None:
            self.on_progress(p)
        else:
            self.log(file_line(p))


def file_line(p: Progress) -> str:
    """Given the progress just after a file was counted, return its per-file output line.

    Example: ``[ 3/15] 002_bf967062ffb9ca21.docx … 已载入 (58 项指标：…)``.
    """
    width = len(str(p.total))
    return f"[{p.done:>{width}}/{p.total}] {p.file} … {p.text}"
