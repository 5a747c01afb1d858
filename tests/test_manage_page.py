"""数据管理: safe names and upload rules (etl/uploads.py) and the page in AppTest: read-only
without the editor password; with it, uploads saved into the upload folder and loaded by a
background rebuild, a bad file refused with its one-line reason, removal and rebuild."""

from __future__ import annotations

import io
import shutil
import time
import zipfile
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard_lib import manage
from etl import uploads
from tests.dashboard_fixture import build_fixture

ROOT = Path(__file__).resolve().parents[1]
TXT = ROOT / "samples" / "reports" / "txt"
DEV_TXT = ROOT / "tests" / "fixtures" / "dev" / "txt"
BAD = ROOT / "tests" / "fixtures" / "bad"
MB = 1024 * 1024


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\Windows\\报告.pdf", "报告.pdf"),
        ("/abs/峨边县委办2024年部门决算.PDF", "峨边县委办2024年部门决算.pdf"),
        (".hidden.docx", "hidden.docx"),
        ("~$lock.docx", "lock.docx"),
        ("a\x00b\nc.pdf", "a_b_c.pdf"),
        ('x<>:"|?*.pdf', "x_______.pdf"),
        ("..", "未命名"),
        (".pdf", "pdf"),
        ("报告\u202egpj.pdf", "报告_gpj.pdf"),
    ],
)
def test_safe_name_keeps_only_a_plain_name(sent: str, stored: str) -> None:
    assert uploads.safe_name(sent) == stored


def test_safe_name_bounds_long_names_and_keeps_the_extension() -> None:
    name = uploads.safe_name("决" * 300 + ".docx")
    assert name.endswith(".docx") and len(name.encode()) <= uploads.MAX_NAME_BYTES


def test_store_saves_inside_the_folder_refuses_and_reports_duplicates(tmp_path: Path) -> None:
    folder = tmp_path / "up"
    report = (TXT / "001_b0dd71e4c835dab5.txt").read_bytes()
    held = (TXT / "000_49c7c66149f159f0.txt").read_bytes()
    known = {uploads.sha256(held): "000_49c7c66149f159f0.txt"}
    out = uploads.store(
        [
            ("../../逃逸.txt", report),
            ("同一份.txt", report),  # same bytes in the same batch
            ("已在仓库.txt", held),
            ("程序.exe", b"MZ\x90\x00"),
            ("空.pdf", b""),
            ("大.txt", b"x" * (MB + 1)),
            ("逃逸.txt", b"other content"),  # same name, other bytes: a numbered name
        ],
        folder,
        known,
        max_bytes=MB,
    )
    assert [o.status for o in out] == [
        "saved",
        "same",
        "same",
        "refused",
        "refused",
        "refused",
        "saved",
    ]
    assert out[0].saved == "逃逸.txt" and out[6].saved == "逃逸 (2).txt"
    assert "逃逸.txt" in out[1].message and "000_49c7c66149f159f0.txt" in out[2].message
    assert "不支持的文件格式" in out[3].message and "文件为空" in out[4].message
    assert "文件过大" in out[5].message
    assert sorted(p.name for p in folder.iterdir()) == ["逃逸 (2).txt", "逃逸.txt"]
    assert not (tmp_path / "逃逸.txt").exists()
    assert (folder / "逃逸.txt").read_bytes() == report


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_zip_member_names_without_the_utf8_flag_are_read_as_gbk() -> None:
    info = zipfile.ZipInfo("决算报告.pdf".encode("gbk").decode("cp437"))  # as Windows zips them
    assert uploads._member_name(info) == "决算报告.pdf"


def test_a_zip_archive_is_unpacked_member_by_member(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "up"
    report = (TXT / "002_bf967062ffb9ca21.txt").read_bytes()
    archive = _zip(
        {
            "决算/../../峨边县委办.txt": report,
            "__MACOSX/._峨边县委办.txt": b"resource fork",
            "说明.rtf": b"{\\rtf1}",
            "内层.zip": _zip({"x.txt": b"inner"}),
        }
    )
    out = uploads.store([("报告合集.zip", archive)], folder, {}, MB)
    assert [(o.sent, o.status) for o in out] == [
        ("报告合集.zip/决算/../../峨边县委办.txt", "saved"),
        ("报告合集.zip/说明.rtf", "refused"),
        ("报告合集.zip/内层.zip", "refused"),
    ]
    assert "RTF" in out[1].message and "压缩包中的压缩包" in out[2].message
    assert [p.name for p in uploads.stored_files(folder)] == ["峨边县委办.txt"]
    monkeypatch.setenv("JUESUAN_MAX_UNZIPPED_MB", "1")
    bomb = _zip({"大.txt": b"0" * (2 * MB)})
    (refused,) = uploads.store([("炸弹.zip", bomb)], folder, {}, 10 * MB)
    assert refused.status == "refused" and "JUESUAN_MAX_UNZIPPED_MB" in refused.message
    (broken,) = uploads.store([("坏.zip", b"PK\x03\x04 broken")], folder, {}, MB)
    assert broken.status == "refused" and "压缩包已损坏" in broken.message


def test_remove_moves_the_file_aside_and_refuses_other_paths(tmp_path: Path) -> None:
    folder = tmp_path / "up"
    uploads.store([("a.txt", b"abc")], folder, {}, MB)
    (tmp_path / "outside.txt").write_text("keep")
    for bad in ("../outside.txt", "missing.txt", ".removed"):
        with pytest.raises(ValueError):
            uploads.remove(folder, bad)
    moved = uploads.remove(folder, "a.txt")
    assert moved.parent == folder / uploads.REMOVED and moved.read_bytes() == b"abc"
    assert uploads.stored_files(folder) == [] and (tmp_path / "outside.txt").exists()


@pytest.mark.e2e
def test_a_dropped_report_goes_while_other_absent_files_keep_theirs(tmp_path: Path) -> None:
    from etl.build import build

    folder = tmp_path / "in"
    folder.mkdir()
    for name in (
        "000_49c7c66149f159f0.txt",
        "001_b0dd71e4c835dab5.txt",
        "002_bf967062ffb9ca21.txt",
    ):
        shutil.copy(TXT / name, folder)
    db = tmp_path / "wh.duckdb"
    first = build([folder], db, jobs=1, log=lambda line: None)
    ids = {o.file.name: o.report_id for o in first.outcomes}
    (folder / "000_49c7c66149f159f0.txt").unlink()  # removed on purpose: dropped
    (folder / "001_b0dd71e4c835dab5.txt").unlink()  # merely absent: kept, as without --prune
    again = build(
        [folder], db, jobs=1, drop=[ids["000_49c7c66149f159f0.txt"]], log=lambda line: None
    )
    assert again.parsed == 0 and again.retained == ["001_b0dd71e4c835dab5.txt"]
    assert set(_reports(db)) == {"001_b0dd71e4c835dab5.txt", "002_bf967062ffb9ca21.txt"}
    from warehouse.queries import warehouse_files

    con = duckdb.connect(str(db), read_only=True)
    try:
        listed = warehouse_files(con)
    finally:
        con.close()
    status = dict(zip(listed["source_file"], listed["status"], strict=True))
    assert status == {"001_b0dd71e4c835dab5.txt": "retained", "002_bf967062ffb9ca21.txt": "loaded"}


@pytest.mark.e2e
def test_first_build_of_a_missing_warehouse_includes_the_uploads(tmp_path, monkeypatch) -> None:
    from dashboard_lib import data

    samples = tmp_path / "samples"
    samples.mkdir()
    shutil.copy(TXT / "000_49c7c66149f159f0.txt", samples)
    upload_dir = tmp_path / "uploads"
    uploads.store(
        [("上传的.txt", (TXT / "001_b0dd71e4c835dab5.txt").read_bytes())], upload_dir, {}, MB
    )
    monkeypatch.setenv("JUESUAN_SAMPLES", str(samples))
    monkeypatch.setenv("JUESUAN_UPLOAD_DIR", str(upload_dir))
    monkeypatch.setattr(data, "_FIRST", data.FirstBuild())
    db = tmp_path / "wh.duckdb"
    shown = data.first_build(db)
    while shown.running:
        time.sleep(0.1)
    assert shown.ok, shown.message
    assert set(_reports(db)) == {"000_49c7c66149f159f0.txt", "上传的.txt"}


# ------------------------------------------------------------------ the page (AppTest)


def open_manage(timeout: float = 180) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)
    at.context = {"url": "http://localhost:8501/"}
    at.switch_page("pages/manage.py")
    return at.run()


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def texts(at: AppTest) -> str:
    return "\n".join(m.value.replace("\\", "") for m in at.markdown)


def test_read_only_lists_files_but_offers_no_upload(tmp_path, monkeypatch) -> None:
    db = build_fixture(tmp_path / "fixture.duckdb")
    monkeypatch.setenv("JUESUAN_DB", str(db))
    monkeypatch.setenv("JUESUAN_AUTOBUILD", "0")
    monkeypatch.delenv("JUESUAN_EDITOR_PASSWORD", raising=False)
    at = open_manage(60)
    assert_clean(at)
    assert at.title[0].value == "数据管理"
    assert len(at.file_uploader) == 0 and not at.text_input
    assert any("看板为只读" in c.value for c in at.caption)
    table = at.dataframe[0].value
    assert "synthetic_损坏文件.pdf" in set(table["文件"])
    refused = table[table["文件"] == "synthetic_损坏文件.pdf"].iloc[0]
    assert refused["状态"] == "失败" and "损坏" in refused["原因"]


def test_editor_password_from_streamlit_secrets_unlocks_the_uploader(tmp_path, monkeypatch):
    db = build_fixture(tmp_path / "fixture.duckdb")
    monkeypatch.setenv("JUESUAN_DB", str(db))
    monkeypatch.setenv("JUESUAN_AUTOBUILD", "0")
    monkeypatch.delenv("JUESUAN_EDITOR_PASSWORD", raising=False)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.secrets["editor_password"] = "来自secrets"
    at.switch_page("pages/manage.py")
    at.run()
    assert_clean(at)
    assert not any("看板为只读" in c.value for c in at.caption) and len(at.file_uploader) == 0
    at.text_input(key="dm_password").set_value("来自secrets").run()
    assert len(at.file_uploader) == 1 and at.button(key="dm_upload")


def _reports(db: Path) -> dict[str, tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT source_file, fiscal_year, doc_kind FROM reports ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    return {r[0]: r[1:] for r in rows}


@pytest.mark.e2e
def test_editor_uploads_reports_and_removes_one(tmp_path, monkeypatch) -> None:
    start = tmp_path / "start"
    start.mkdir()
    shutil.copy(TXT / "000_49c7c66149f159f0.txt", start)
    db = tmp_path / "wh" / "finance.duckdb"
    from etl.build import build

    build([start], db, log=lambda line: None)
    monkeypatch.setenv("JUESUAN_DB", str(db))
    monkeypatch.setenv("JUESUAN_AUTOBUILD", "0")
    monkeypatch.setenv("JUESUAN_EDITOR_PASSWORD", "口令-2024")
    monkeypatch.setenv("JUESUAN_JOBS", "1")
    folder = tmp_path / "wh" / "finance.uploads"

    at = open_manage()
    assert_clean(at)
    assert len(at.file_uploader) == 0  # locked until the password is typed
    at.text_input(key="dm_password").set_value("错的").run()
    assert len(at.file_uploader) == 0 and at.warning
    at.text_input(key="dm_password").set_value("口令-2024").run()
    assert len(at.file_uploader) == 1
    assert {".pdf", ".docx", ".xlsx", ".xls", ".html", ".txt", ".png", ".jpg", ".doc"} <= set(
        at.file_uploader[0].allowed_type
    )
    at.file_uploader[0].set_value(
        [
            (
                "001_b0dd71e4c835dab5.txt",
                (TXT / "001_b0dd71e4c835dab5.txt").read_bytes(),
                "text/plain",
            ),
            (
                "../../../逃逸/h02 开发报告.txt",
                (DEV_TXT / "h02_fe9001fb4401660e.txt").read_bytes(),
                "text/plain",
            ),
            ("坏文件.pdf", b"%PDF-1.4 this is not a pdf", "application/pdf"),
            ("重复.txt", (TXT / "000_49c7c66149f159f0.txt").read_bytes(), "text/plain"),
            ("[点此登录](javascript:alert(1)).pdf", b"", "application/pdf"),
        ]
    )
    at.button(key="dm_upload").click().run()
    assert_clean(at)
    assert sorted(p.name for p in uploads.stored_files(folder)) == [
        "001_b0dd71e4c835dab5.txt", "h02 开发报告.txt", "坏文件.pdf",
    ]  # fmt: skip
    assert not (tmp_path / "逃逸").exists()
    lines = texts(at)
    assert "✓ 001_b0dd71e4c835dab5.txt：已载入：" in lines
    assert "✓ h02 开发报告.txt：已载入：" in lines
    bad = [line for line in lines.splitlines() if "坏文件.pdf" in line]
    assert len(bad) == 1 and "未载入：" in bad[0], lines
    assert "重复.txt：与已有的 000_49c7c66149f159f0.txt 内容完全相同" in lines
    hostile = next(m.value for m in at.markdown if "点此登录" in m.value)
    assert "\\[点此登录\\]\\(" in hostile and "文件为空" in hostile  # shown as typed, not a link
    assert at.success and "构建完成" in at.success[0].value
    output = next(c.value for c in at.code if "完成：共" in c.value)  # the command line's lines
    assert "001_b0dd71e4c835dab5.txt … 已载入 (" in output and "坏文件.pdf … 失败：" in output
    assert "000_49c7c66149f159f0.txt … 未变化，跳过" in output
    assert "新载入 2，未变化 1，重复 0，失败 1" in output
    loaded = _reports(db)
    assert set(loaded) == {
        "000_49c7c66149f159f0.txt",
        "001_b0dd71e4c835dab5.txt",
        "h02 开发报告.txt",
    }
    year, kind = loaded["001_b0dd71e4c835dab5.txt"]
    assert f"{year} 年 {kind}" in lines  # the line names the report's unit, year and kind
    table = at.dataframe[0].value
    status = dict(zip(table["文件"], table["状态"], strict=True))
    assert status["坏文件.pdf"] == "失败" and status["h02 开发报告.txt"] == "已载入"
    assert status["000_49c7c66149f159f0.txt"] == "已载入"  # the earlier input stays an input

    at.selectbox(key="dm_remove_name").set_value("001_b0dd71e4c835dab5.txt")
    at.checkbox(key="dm_sure").check()
    at.button(key="dm_remove").click().run()
    assert_clean(at)
    assert set(_reports(db)) == {"000_49c7c66149f159f0.txt", "h02 开发报告.txt"}
    assert [p.name for p in uploads.stored_files(folder)] == ["h02 开发报告.txt", "坏文件.pdf"]
    assert len(list((folder / uploads.REMOVED).iterdir())) == 1
    assert "001_b0dd71e4c835dab5.txt" not in set(at.dataframe[0].value["文件"])
    history = at.dataframe[1].value  # after the file list
    assert list(history["操作"]) == ["删除", "上传", "上传", "上传"]
    assert set(history["操作人"]) == {"编辑密码"}

    # a file that reached the folder without a build (another session's upload while a build
    # ran, or a failed build) is named, and the editor can load it
    shutil.copy(TXT / "003_bf88f83d7370706c.txt", folder)
    at.run()
    assert any("有 1 个文件尚未载入" in w.value for w in at.warning)
    at.button(key="dm_pending").click().run()
    assert_clean(at)
    assert "003_bf88f83d7370706c.txt" in _reports(db)
    assert not any("尚未载入" in w.value for w in at.warning)


def test_picker_style_shows_chinese_in_place_of_streamlits_english() -> None:
    css = manage.picker_style(50, ["pdf", "docx", 'x"y'])
    assert css.startswith("<style>") and css.endswith("</style>")
    assert 'content:"选择文件"' in css
    assert (
        'content:"单个文件不超过 50 MB · PDF、DOCX、X\\"Y"' in css
    )  # a quote cannot end the string
    assert css.count("font-size:0;") == 1 and css.count("font-size:0}") == 2  # English hidden
