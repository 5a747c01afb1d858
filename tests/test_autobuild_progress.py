"""The dashboard's autobuild shows the build's progress from its callback, one step per file."""

from __future__ import annotations

import shutil
from pathlib import Path

from dashboard_lib.data import build_from_samples

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "reports" / "txt"


class _Bar:
    """Records what an st.progress element is told."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, str]] = []

    def progress(self, value: float, text: str = "") -> None:
        self.calls.append((value, text))


def test_autobuild_progress_names_each_file_from_the_callback(tmp_path, monkeypatch):
    folder = tmp_path / "samples"
    folder.mkdir()
    names = sorted(p.name for p in SAMPLES.glob("*.txt"))[:2]
    for name in names:
        shutil.copy(SAMPLES / name, folder / name)
    monkeypatch.setenv("JUESUAN_SAMPLES", str(folder))
    bar = _Bar()
    ok, message = build_from_samples(tmp_path / "wh.duckdb", bar)
    assert ok, message
    steps = bar.calls[1:-1]  # between "looking for samples" and "done"
    assert [v for v, _ in steps] == [0.5, 1.0]
    assert sorted(t.rsplit("：", 1)[1] for _, t in steps) == names
    assert all(t.startswith("正在解析示例报告 ") for _, t in steps)
    assert bar.calls[-1] == (1.0, "构建完成") and message == "已载入 2 份报告"
