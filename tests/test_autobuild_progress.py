"""The dashboard's autobuild shows the build's progress from its callback, one step per file."""

from __future__ import annotations

import shutil
from pathlib import Path

from dashboard_lib.data import FirstBuild, build_from_samples

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "reports" / "txt"


class _Shown(FirstBuild):
    """The shared first-build progress, recording every text it is given."""

    def __setattr__(self, name: str, value: object) -> None:
        if name == "text":
            self.__dict__.setdefault("seen", []).append((self.fraction, value))
        super().__setattr__(name, value)


def test_autobuild_progress_names_each_file_from_the_callback(tmp_path, monkeypatch):
    folder = tmp_path / "samples"
    folder.mkdir()
    names = sorted(p.name for p in SAMPLES.glob("*.txt"))[:2]
    for name in names:
        shutil.copy(SAMPLES / name, folder / name)
    monkeypatch.setenv("JUESUAN_SAMPLES", str(folder))
    shown = _Shown()
    build_from_samples(tmp_path / "wh.duckdb", shown)
    assert shown.ok and shown.finished and not shown.running, shown.message
    steps = [(v, t) for v, t in shown.__dict__["seen"] if t.startswith("正在解析示例报告 ")]
    assert [v for v, _ in steps] == [0.5, 1.0]
    assert sorted(t.rsplit("：", 1)[1] for _, t in steps) == names
    assert shown.fraction == 1.0 and shown.message == "已载入 2 份报告"
