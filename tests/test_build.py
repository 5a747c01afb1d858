"""Tests of ``python -m etl build`` on the bundled samples and on bad inputs."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import SAMPLES, db_rows, run_cli, table_contents

import etl.build
import etl.build.plan
import etl.build.writer
import warehouse
from etl.build import BuildError, build
from etl.units import StatedUnit, load_aliases, resolve_units, short_region


@pytest.fixture(autouse=True)
def _clean_settings_env(monkeypatch):
    """Given a build test, run it without JUESUAN_* overrides from the caller's shell."""
    from etl import settings

    for s in settings.SETTINGS:
        monkeypatch.delenv(s.env_var, raising=False)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _quiet(_line: str) -> None:
    pass


def _files_beside(db: Path) -> list[str]:
    """Given a warehouse, return the files in its folder but its lock file (kept on purpose)."""
    return sorted(p.name for p in db.parent.iterdir() if not p.name.endswith(".lock"))


# ---------------------------------------------------------------- the bundled samples


def test_samples_build_loads_five_reports_and_records_ten_duplicates(samples_build):
    db, run = samples_build
    assert run.code == 0, run.out
    assert "[15/15]" in run.out
    assert db_rows(db, "SELECT count(*) FROM reports") == [(5,)]
    status = dict(db_rows(db, "SELECT status, count(*) FROM raw_files GROUP BY status"))
    assert status == {"loaded": 5, "duplicate": 10}
    dups = db_rows(
        db,
        "SELECT f.source_file, f.message, r.source_file FROM raw_files f "
        "JOIN raw_reports r USING (report_id) WHERE f.status = 'duplicate'",
    )
    assert len(dups) == 10
    for dup_file, message, kept_file in dups:
        assert Path(dup_file).stem == Path(kept_file).stem  # same report, other format
        assert f"保留 {kept_file}" in message
        assert f"{dup_file}: {message}" in run.out
    # One report per unit, fiscal year and kind; every stated name recorded.
    assert db_rows(
        db, "SELECT count(*) FROM (SELECT DISTINCT unit_id, fiscal_year, doc_kind FROM reports)"
    ) == [(5,)]
    assert db_rows(db, "SELECT count(DISTINCT source_file) FROM raw_unit_names") == [(15,)]
    assert db_rows(db, "SELECT count(*) FROM metric_catalog")[0][0] > 50
    assert "新载入 5" in run.out and "重复 10" in run.out and "失败 0" in run.out
    assert str(db) in run.out


def test_report_ids_and_unit_ids_are_deterministic(samples_build):
    db, _ = samples_build
    for report_id, sha in db_rows(db, "SELECT report_id, source_sha256 FROM raw_reports"):
        assert report_id == sha[:16]
    names = {r[0] for r in db_rows(db, "SELECT display_name FROM units")}
    assert "峨边·县委办" in names
    assert "金口河·区委办" in names


def test_second_build_parses_nothing_and_gives_identical_content(samples_db):
    before = table_contents(samples_db)
    lines: list[str] = []
    result = build(None, samples_db, log=lines.append)
    assert result.parsed == 0
    assert result.count("unchanged") == 5 and result.count("duplicate") == 10
    assert sum("未变化，跳过" in line for line in lines) == 15
    assert table_contents(samples_db) == before  # parsed_at included: it is carried over


def test_force_reparses_everything(samples_db):
    result = build(None, samples_db, force=True, log=_quiet)
    assert result.parsed == 15
    assert result.count("loaded") == 5 and result.count("duplicate") == 10


def test_touching_parses_nothing_changing_one_file_parses_one(samples_db, tmp_path):
    inputs = tmp_path / "in"
    shutil.copytree(SAMPLES, inputs)
    for f in inputs.rglob("*"):
        f.chmod(0o644)
    # Moved files are recognised by content: nothing is parsed, paths are updated.
    result = build([inputs], samples_db, log=_quiet)
    assert result.parsed == 0
    paths = [r[0] for r in db_rows(samples_db, "SELECT source_path FROM raw_reports")]
    assert all(p.startswith(str(inputs)) for p in paths)

    target = inputs / "txt" / "002_bf967062ffb9ca21.txt"
    os.utime(target, (1_000_000_000, 1_000_000_000))
    assert build([inputs], samples_db, log=_quiet).parsed == 0

    target.write_text(target.read_text(encoding="utf-8") + "\n（本行为测试追加）\n", "utf-8")
    result = build([inputs], samples_db, log=_quiet)
    assert result.parsed == 1
    assert db_rows(samples_db, "SELECT count(*) FROM reports") == [(5,)]

    extra = tmp_path / "extra.txt"
    extra.write_text(target.read_text(encoding="utf-8") + "\n（再追加一行）\n", "utf-8")
    result = build([inputs, extra], samples_db, log=_quiet)
    assert result.parsed == 1
    assert db_rows(samples_db, "SELECT count(*) FROM reports") == [(5,)]


def test_identical_copy_is_a_duplicate_without_parsing(samples_db, tmp_path):
    copy = tmp_path / "副本.docx"
    shutil.copy(SAMPLES / "docx" / "000_49c7c66149f159f0.docx", copy)
    lines: list[str] = []
    result = build([SAMPLES, copy], samples_db, log=lines.append)
    assert result.parsed == 0
    outcome = next(o for o in result.outcomes if o.file.name == "副本.docx")
    assert outcome.status == "duplicate"
    assert "内容完全相同" in outcome.message


def test_absent_files_are_kept_unless_pruned(samples_db):
    one = SAMPLES / "docx" / "001_b0dd71e4c835dab5.docx"
    result = build([one], samples_db, log=_quiet)
    assert result.parsed == 0 and len(result.retained) == 4
    assert db_rows(samples_db, "SELECT count(*) FROM reports") == [(5,)]
    result = build([one], samples_db, prune=True, log=_quiet)
    assert db_rows(samples_db, "SELECT count(*) FROM reports") == [(1,)]


# ---------------------------------------------------------------- atomicity


def test_crash_mid_build_leaves_old_warehouse_and_no_temp_file(samples_db, monkeypatch):
    before = _sha(samples_db)
    real = etl.build.writer.write_rows

    def crash(con, table, rows, columns):
        if table == "raw_facts":
            raise RuntimeError("模拟崩溃")
        return real(con, table, rows, columns)

    monkeypatch.setattr(etl.build.writer, "write_rows", crash)
    monkeypatch.setattr(etl.build.plan, "nothing_changed", lambda *a: False)  # it rewrites
    with pytest.raises(RuntimeError, match="模拟崩溃"):
        build(None, samples_db, log=_quiet, force=True)  # unforced, nothing changes: no write
    assert _sha(samples_db) == before
    assert _files_beside(samples_db) == ["finance.duckdb"]


def test_failing_data_test_fails_the_build_and_keeps_old_warehouse(samples_db, monkeypatch):
    before = _sha(samples_db)
    monkeypatch.setattr(warehouse, "data_tests", lambda: [("总是失败", "SELECT 1 AS x")])
    run = run_cli("build", "--force", "--db", str(samples_db))
    assert run.code == 1
    assert "数据检查未通过" in run.out and "总是失败" in run.out
    assert _sha(samples_db) == before
    assert _files_beside(samples_db) == ["finance.duckdb"]
    with pytest.raises(BuildError):
        build(None, samples_db, log=_quiet, force=True)


def test_an_unchanged_build_leaves_the_warehouse_file_as_it_is(samples_db):
    before = _sha(samples_db)
    lines: list[str] = []
    result = build(None, samples_db, log=lines.append)
    assert result.checks.mode == "unchanged" and "仓库内容没有变化，未改写" in lines
    assert _sha(samples_db) == before and result.count("unchanged") == 5
    result = build(None, samples_db, prune=True, jobs=1, log=_quiet, force=True)
    assert result.checks.mode != "unchanged" and result.parsed == 15


def test_data_tests_pass_on_the_sample_warehouse(samples_build):
    con = duckdb.connect(str(samples_build[0]), read_only=True)
    try:
        assert etl.build.run_data_tests(con) == []
    finally:
        con.close()


# ---------------------------------------------------------------- bad inputs


def _bad_inputs(folder: Path) -> dict[str, str]:
    """Given a folder, write one bad file per kind and return name -> a word its reason has."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    folder.mkdir()
    (folder / "空文件.pdf").write_bytes(b"")
    (folder / "损坏.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(2000))
    (folder / "损坏.docx").write_bytes(b"PK\x03\x04" + os.urandom(2000))
    (folder / "旧格式.doc").write_bytes(b"\xd0\xcf\x11\xe0" + os.urandom(500))
    (folder / "表格.xls").write_bytes(b"\xd0\xcf\x11\xe0" + os.urandom(500))
    (folder / "不是报告.txt").write_text("会议通知\n请各单位于周五前报送材料。\n", "utf-8")

    c = canvas.Canvas(str(folder / "加密.pdf"), encrypt="secret")
    c.drawString(72, 720, "2024 annual final accounts")
    c.save()

    img = Image.new("RGB", (400, 300), "white")
    for x in range(50, 350):
        img.putpixel((x, 150), (0, 0, 0))
    c = canvas.Canvas(str(folder / "扫描件.pdf"))
    c.drawImage(ImageReader(img), 72, 400, width=400, height=300)
    c.showPage()
    c.save()
    return {
        "空文件.pdf": "空",
        "损坏.pdf": "损坏",
        "损坏.docx": "损坏",
        "旧格式.doc": ".doc",
        "表格.xls": "XLS 文件已损坏",
        "不是报告.txt": "不是",
        "加密.pdf": "加密",
        "扫描件.pdf": "文字",
    }


def test_bad_inputs_fail_one_line_each_and_the_rest_loads(samples_db, tmp_path):
    before_reports = db_rows(samples_db, "SELECT * FROM raw_reports ORDER BY report_id")
    bad = _bad_inputs(tmp_path / "bad")
    good = SAMPLES / "docx"
    run = run_cli("build", "--db", str(samples_db), str(good), str(tmp_path / "bad"))
    assert run.code == 1
    tail = run.out.split("失败的文件：", 1)[1]
    for name, word in bad.items():
        line = next((x for x in tail.splitlines() if x.startswith(f"{name}: ")), None)
        assert line, f"{name} 没有失败说明：\n{run.out}"
        assert len(line) > len(name) + 2 and word in line, line
    failed = dict(
        db_rows(samples_db, "SELECT source_file, message FROM raw_files WHERE status = 'failed'")
    )
    assert set(failed) == set(bad)
    # The good files still count, and nothing already in the warehouse is lost.
    assert db_rows(samples_db, "SELECT count(*) FROM raw_files WHERE status = 'loaded'") == [(5,)]
    assert db_rows(samples_db, "SELECT * FROM raw_reports ORDER BY report_id") == before_reports


def test_unsupported_file_named_explicitly_is_reported(samples_db, tmp_path):
    sheet = tmp_path / "决算表.xlsx"
    sheet.write_bytes(b"PK\x03\x04")
    missing = tmp_path / "不存在.pdf"
    run = run_cli("build", "--db", str(samples_db), str(sheet), str(missing))
    assert run.code == 1
    assert "决算表.xlsx: " in run.out and "不存在.pdf: 文件或文件夹不存在" in run.out
    assert db_rows(samples_db, "SELECT count(*) FROM reports") == [(5,)]


def test_file_that_loaded_before_and_now_fails_keeps_its_report(tmp_path):
    db = tmp_path / "finance.duckdb"
    report = tmp_path / "单位报告.docx"
    shutil.copy(SAMPLES / "docx" / "003_bf88f83d7370706c.docx", report)
    report.chmod(0o644)
    assert run_cli("build", "--db", str(db), str(report)).code == 0
    before = db_rows(db, "SELECT * FROM raw_reports")
    report.write_bytes(b"PK\x03\x04 this is not a docx any more")
    run = run_cli("build", "--db", str(db), str(report))
    assert run.code == 1
    assert "单位报告.docx: " in run.out and "保留上次载入" in run.out
    assert db_rows(db, "SELECT * FROM raw_reports") == before


# ---------------------------------------------------------------- units


def test_short_region_strips_administrative_suffixes():
    assert short_region("峨边彝族自治县") == "峨边"
    assert short_region("金口河区") == "金口河"
    assert short_region("乐山市金口河区") == "金口河"
    assert short_region("双牌县") == "双牌"
    assert short_region("市中区") == "市中"
    assert short_region(None) is None


def test_two_names_of_one_unit_resolve_to_one_unit():
    unit_of, units = resolve_units(
        {
            "a": StatedUnit("中共峨边彝族自治县委办公室", "县委办", "峨边彝族自治县"),
            "b": StatedUnit("峨边县委办公室", "县委办", "峨边县", "乐山市"),
        },
        {},
    )
    assert unit_of["a"] == unit_of["b"]
    (unit,) = units
    assert unit.display_name == "峨边·县委办"
    assert unit.unit_name == "中共峨边彝族自治县委办公室"  # the fullest stated name
    assert unit.city == "乐山市"


def test_alias_file_maps_a_stated_name_without_reparsing(samples_db, tmp_path, monkeypatch):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text(
        "# 测试用别名表\nalias,unit_name,unit_short,region\n"
        "中共乐山市金口河区委办公室,金口河区委办公室（统一名称）,区委办,金口河区\n",
        "utf-8",
    )
    assert "中共乐山市金口河区委办公室" in load_aliases(aliases)
    monkeypatch.setenv("JUESUAN_UNIT_ALIASES", str(aliases))
    stated = db_rows(samples_db, "SELECT unit_name_stated FROM raw_reports")
    assert ("中共乐山市金口河区委办公室",) in stated
    result = build([SAMPLES / "docx", SAMPLES / "pdf", SAMPLES / "txt"], samples_db, log=_quiet)
    assert result.count("failed") == 0
    names = {r[0] for r in db_rows(samples_db, "SELECT unit_name FROM units")}
    assert "金口河区委办公室（统一名称）" in names
    assert db_rows(samples_db, "SELECT count(*) FROM reports") == [(5,)]


def test_bundled_alias_file_parses():
    from etl import settings

    load_aliases(settings.unit_aliases_path())


# ---------------------------------------------------------------- parallel parsing


def _copy_docx(folder: Path, names: dict[str, str]) -> None:
    """Given a folder and {new name: sample stem}, copy those sample DOCX files there."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, stem in names.items():
        shutil.copy(SAMPLES / "docx" / f"{stem}.docx", folder / name)
        (folder / name).chmod(0o644)


STEMS = sorted(p.stem for p in (SAMPLES / "docx").glob("*.docx"))


def test_parallel_build_stores_the_same_rows_as_one_process(tmp_path):
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    r1 = build([SAMPLES / "docx"], one, jobs=1, log=_quiet)
    r2 = build([SAMPLES / "docx"], two, jobs=2, log=_quiet)
    assert r1.parsed == r2.parsed == 5
    assert r2.count("loaded") == 5 and not r2.failed
    a, b = table_contents(one), table_contents(two)
    assert a.pop("raw_reports") != [] and b.pop("raw_reports") != []
    assert a == b  # every table but raw_reports (whose parsed_at differs) is identical
    strip = "SELECT * EXCLUDE (parsed_at) FROM raw_reports ORDER BY report_id"
    assert db_rows(one, strip) == db_rows(two, strip)


def test_rows_staged_a_few_at_a_time_are_written_as_staged_all_at_once(tmp_path, monkeypatch):
    import etl.build.staging

    whole, small = tmp_path / "whole.duckdb", tmp_path / "small.duckdb"
    build([SAMPLES / "docx"], whole, jobs=1, log=_quiet)
    monkeypatch.setattr(etl.build.staging, "STAGE_BATCH_ROWS", 7)  # a flush after every report
    build([SAMPLES / "docx"], small, jobs=1, log=_quiet)
    strip = "SELECT * EXCLUDE (parsed_at) FROM raw_reports ORDER BY report_id"
    assert db_rows(whole, strip) == db_rows(small, strip)
    for table in etl.build.writer.RAW_DETAIL_TABLES:  # same rows in the same stored order
        query = f"SELECT * FROM {table} ORDER BY rowid"
        assert db_rows(whole, query) == db_rows(small, query), table
    assert db_rows(small, "SELECT count(*) FROM raw_facts")[0][0] > 7
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "small.duckdb",
        "small.duckdb.lock",
        "whole.duckdb",
        "whole.duckdb.lock",
    ]  # no staging file left


@pytest.mark.parametrize("jobs", [1, 2])
def test_hung_crashed_and_broken_parses_fail_alone(tmp_path, jobs):
    from build_hooks import misbehaving_parse

    inputs = tmp_path / "in"
    _copy_docx(
        inputs,
        {
            "a_hang.docx": STEMS[0],
            "b_good.docx": STEMS[1],
            "c_crash.docx": STEMS[2],
            "d_boom.docx": STEMS[3],
            "e_good.docx": STEMS[4],
        },
    )
    db = tmp_path / "wh" / "finance.duckdb"
    lines: list[str] = []
    result = build([inputs], db, jobs=jobs, timeout=2, log=lines.append, _parse=misbehaving_parse)
    status = {o.file.name: (o.status, o.message) for o in result.outcomes}
    assert status["a_hang.docx"] == ("failed", "解析超时（超过 2 秒）")
    assert status["c_crash.docx"] == ("failed", "解析进程异常退出")
    assert status["d_boom.docx"][0] == "failed" and "模拟的解析器缺陷" in status["d_boom.docx"][1]
    assert status["b_good.docx"][0] == status["e_good.docx"][0] == "loaded"
    tail = lines[lines.index("失败的文件：") + 1 :]
    assert "a_hang.docx: 解析超时（超过 2 秒）" in tail
    assert "c_crash.docx: 解析进程异常退出" in tail
    # The warehouse was still written, with the two good reports only.
    assert db_rows(db, "SELECT source_file FROM reports ORDER BY 1") == [
        ("b_good.docx",),
        ("e_good.docx",),
    ]
    assert _files_beside(db) == ["finance.duckdb"]
    # Killed and finished workers are all gone.
    import multiprocessing

    assert multiprocessing.active_children() == []


def test_workers_see_the_builds_time_limit_as_their_timeout_setting(tmp_path):
    """Readers that run converters read the limit from settings; the CLI value must reach them."""
    from build_hooks import misbehaving_parse

    inputs = tmp_path / "in"
    _copy_docx(inputs, {"limit.docx": STEMS[0]})
    db = tmp_path / "finance.duckdb"
    for limit in (7.5, 0):
        result = build([inputs], db, jobs=1, timeout=limit, log=_quiet, _parse=misbehaving_parse)
        (outcome,) = result.outcomes
        assert outcome.message == f"本进程的解析时限 {limit:g} 秒"


def test_cli_reports_a_timeout_in_one_line(tmp_path, monkeypatch):
    """A hung parse through the real CLI options: --timeout and --jobs reach the build."""
    import build_hooks

    seen = {}
    real_build = etl.build.build

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real_build(*args, **kwargs, _parse=build_hooks.misbehaving_parse)

    monkeypatch.setattr("etl.cli.build", spy)
    inputs = tmp_path / "in"
    _copy_docx(inputs, {"hang.docx": STEMS[0], "ok.docx": STEMS[1]})
    run = run_cli("build", "--db", str(tmp_path / "f.duckdb"), "--jobs", "2", "--timeout", "1.5",
                  str(inputs))  # fmt: skip
    assert seen["jobs"] == 2 and seen["timeout"] == 1.5
    assert run.code == 1
    assert "hang.docx: 解析超时（超过 1.5 秒）" in run.out.splitlines()
    assert "新载入 1" in run.out and "失败 1" in run.out


def test_adding_files_parses_only_them_and_prune_drops_vanished_ones(tmp_path):
    inputs = tmp_path / "in"
    _copy_docx(inputs, {f"{s}.docx": s for s in STEMS[:3]})
    db = tmp_path / "finance.duckdb"
    assert build([inputs], db, jobs=2, log=_quiet).parsed == 3
    assert build([inputs], db, jobs=2, log=_quiet).parsed == 0  # unchanged corpus
    _copy_docx(inputs, {f"{s}.docx": s for s in STEMS[3:]})
    result = build([inputs], db, jobs=2, log=_quiet)
    assert result.parsed == 2 and result.count("unchanged") == 3
    assert db_rows(db, "SELECT count(*) FROM reports") == [(5,)]
    (inputs / f"{STEMS[0]}.docx").unlink()
    result = build([inputs], db, log=_quiet)
    assert result.parsed == 0 and result.retained == [f"{STEMS[0]}.docx"]
    assert db_rows(db, "SELECT count(*) FROM reports") == [(5,)]
    result = build([inputs], db, prune=True, log=_quiet)
    assert result.parsed == 0 and result.retained == []
    files = {r[0] for r in db_rows(db, "SELECT source_file FROM reports")}
    assert files == {f"{s}.docx" for s in STEMS[1:]}


def test_progress_callback_replaces_per_file_lines(samples_db):
    seen: list[tuple[int, int, int, int]] = []
    lines: list[str] = []

    def on_progress(p):
        seen.append((p.done, p.loaded, p.skipped, p.failed))

    build(None, samples_db, log=lines.append, on_progress=on_progress)
    assert seen[-1] == (15, 0, 15, 0)
    assert [s[0] for s in seen] == list(range(1, 16))
    assert not any(line.startswith("[") for line in lines)


def test_format_progress_counts_percent_elapsed_and_eta():
    from etl.build import Progress, format_progress

    p = Progress(total=1000, to_parse=990, started=100.0)
    p.done, p.loaded, p.skipped, p.failed, p.parsed = 10, 0, 10, 0, 0
    p.parse_started = 101.0
    assert format_progress(p, 101.5) == (
        "[  10/1000] 1% 已载入 0 跳过 10 失败 0 · 用时 0:02 · 预计剩余 --:--"
    )
    p.done, p.loaded, p.failed, p.parsed = 412, 398, 4, 402
    # 402 parsed in 60.3 s -> 0.15 s each; 588 left -> 88.2 s.
    assert format_progress(p, 161.3) == (
        "[ 412/1000] 41% 已载入 398 跳过 10 失败 4 · 用时 1:01 · 预计剩余 1:28"
    )
    p.done, p.loaded, p.failed, p.parsed = 1000, 986, 4, 990
    assert format_progress(p, 100.0 + 3725) == (
        "[1000/1000] 100% 已载入 986 跳过 10 失败 4 · 用时 1:02:05"
    )


def test_progress_line_shows_what_a_busy_file_is_doing_until_it_is_done():
    from etl.build import format_progress
    from etl.build.progress import Reporter

    seen: list[str] = []
    rep = Reporter(["a.pdf", "扫描件.pdf"], 2, print, lambda p: seen.append(format_progress(p, 0)))
    rep.progress.started = 0.0
    rep.file_busy(1, "第3页无文字层，OCR 识别中")
    rep.file_busy(0, "第1页无文字层，OCR 识别中")
    rep.file_done(0, "loaded", "已载入")
    assert seen[-1].endswith("· 扫描件.pdf：第3页无文字层，OCR 识别中")
    rep.file_done(1, "loaded", "已载入")
    assert "OCR" not in seen[-1] and seen[-1].startswith("[2/2] 100%")
    logged: list[str] = []
    plain = Reporter(["扫描件.pdf"], 1, logged.append, None)
    plain.file_busy(0, "第1页无文字层，OCR 识别中")
    plain.file_busy(0, "第2页无文字层，OCR 识别中")
    assert logged == ["  扫描件.pdf … 第1页无文字层，OCR 识别中"]  # once per file in a log


def test_terminal_progress_redraws_one_line_and_ends_it():
    import io

    from etl.build import Progress
    from etl.cli import TerminalProgress

    out = io.StringIO()
    ticker = TerminalProgress(out)
    p = Progress(total=2, to_parse=2)
    p.done = p.loaded = p.parsed = 1
    ticker(p)
    p.done = p.loaded = p.parsed = 2
    ticker(p)
    ticker.close()
    text = out.getvalue()
    assert text.startswith("\r[1/2] 50% 已载入 1") and "\n" not in text[:-1]
    assert "\r[2/2] 100% 已载入 2" in text and text.endswith("\n")


def test_jobs_default_to_the_cores_and_timeout_is_a_setting(monkeypatch):
    from etl import settings

    assert settings.jobs() == (os.cpu_count() or 1)
    assert settings.parse_timeout() == float(settings.get("timeout")) > 0
    monkeypatch.setenv("JUESUAN_JOBS", "3")
    monkeypatch.setenv("JUESUAN_TIMEOUT", "0")
    assert settings.jobs() == 3 and settings.parse_timeout() == 0


def test_demo_builds_a_synthetic_warehouse_and_reuses_its_corpus(tmp_path):
    db = tmp_path / "demo.duckdb"
    run = run_cli("demo", "--db", str(db), "--units", "2", "--years", "1", "--jobs", "2")
    assert run.code == 0, run.out
    assert "正在生成合成报告" in run.out and "演示仓库" in run.out
    n, synthetic = db_rows(db, "SELECT count(*), count(*) FILTER (is_synthetic) FROM reports")[0]
    assert n >= 2 and synthetic == n  # every demo report is marked synthetic
    corpus = next((tmp_path / "demo_reports").iterdir())
    assert len(list((corpus / "docx").glob("*.docx"))) == n
    again = run_cli("demo", "--db", str(db), "--units", "2", "--years", "1")
    assert again.code == 0 and "沿用已生成的合成报告" in again.out
    assert f"（{n} 份合成报告，失败 0）" in again.out


def test_parse_file_pauses_the_collector_for_one_file_only(monkeypatch):
    import gc

    import etl.readers
    from etl.build.pool import parse_file

    seen = []
    real = etl.readers.read_document
    monkeypatch.setattr(
        etl.readers, "read_document", lambda p: seen.append(gc.isenabled()) or real(p)
    )
    report = parse_file(sorted((SAMPLES / "txt").glob("*.txt"))[0])
    assert report.unit_name and seen == [False] and gc.isenabled()
    monkeypatch.setattr(etl.readers, "read_document", lambda p: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        parse_file(SAMPLES / "txt" / "x.txt")
    assert gc.isenabled()  # restored after a failed parse too
