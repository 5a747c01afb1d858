"""Benchmark the dashboard pages: query time per page and time to finish rendering in Chromium.

Usage: ``python bench/bench_pages.py [--runs 5] [--sizes 1200,10000] [--demo 625x8]
[--no-browser] [--profile] [--shots DIR] [--against OTHER_CHECKOUT]``

Warehouses measured: the small synthetic test fixture (tests/dashboard_fixture.py), one
synthetic warehouse per ``--sizes`` entry (reports generated directly in DuckDB), and with
``--demo UNITSxYEARS`` the ETL-built demo warehouse (``python -m etl demo``: synthetic DOCX
reports parsed by the real build; 625x8 is 10,000 reports and takes tens of minutes once).
Generated warehouses are cached in CACHE, keyed by the generator and schema, so reruns
only measure.  For each page it prints the median over ``--runs`` of (a) the time of the
queries the page issues with the default filters (uncached, on the kept read-only
connection, as the dashboard runs them), and (b) the time from opening the page in
Chromium until the script run has finished and every visible chart is drawn, on a first
visit (a fresh browser context: the target's measure) and, beside it, on a returning visit
(a new tab of a browser that has opened every page, its HTTP cache warm); then the
first page after start (a fresh server: from its health check answering until 总览 is
finished, median over FIRST_PAGE_STARTS starts).  ``--profile`` adds, per page, what the
server sends: script run seconds (in-process AppTest, cached queries), charts, traces,
points, figure JSON kilobytes and table cells (AppTest sends every table whole; in the
browser a table over frame.EAGER_TABLE_ROWS rows is sent in chunks).  ``--against DIR``
measures another checkout's dashboard (e.g. the commit before a change) alternately with this
one, page by page, so that a busy machine slows both alike.  ``--shots DIR`` saves every
page as a person sees it after its timed load.  Only medians are printed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import inspect
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from itertools import zip_longest
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from etl.vocab.functions import function_names  # noqa: E402
from etl.vocab.regions import divisions, short_form  # noqa: E402
from etl.vocab.unit_kinds import unit_type_ids  # noqa: E402
from tests.dashboard_fixture import SCHEMA, build_fixture, load_schema  # noqa: E402
from warehouse import queries as q  # noqa: E402

CACHE = ROOT / "bench" / ".cache" / "pages"
FIRST_PAGE_STARTS = 3  # fresh server starts timed for the first page after start
SETTLE_SECONDS = 1.2  # the fixed wait in tests.test_browser.wait_until_done, subtracted
VIEWPORT = {"width": 1440, "height": 1000}  # the browser window every page is timed in
PAGE_TIMEOUT = 120  # seconds a page may take before it is reported as too slow
PROFILE_RUNS = 3  # in-process script runs per page for --profile (the first fills the cache)

SYNTHETIC_PROVINCES = (
    "35",
    "51",
)  # 福建, 四川: the synthetic warehouses' units sit in their counties
ITEMS_PER_REPORT = 7  # 功能分类 项 per synthetic 决算 report
UNITS_PER_REGION = 40  # about as many budget units as a county publishes reports for

PAGES = {  # title -> url_path (dashboard.py)
    "总览": "",
    "支出结构": "structure",
    "三公经费": "sangong",
    "公务用车": "vehicles",
    "绩效自评": "performance",
    "数据与来源": "sources",
    "核查与异常": "findings",
    "数据管理": "manage",
}


def page_queries(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """The queries each page issues with the default filters (plus the sidebar's)."""
    f = q.Filters()
    first_perf = q.perf_reports(con, f)["report_id"].head(1).tolist() or ["none"]
    ranked = ("sangong.total", "sangong.outbound", "sangong.vehicle", "sangong.reception")
    wider = q.Filters(year_from=f.year_from - 1)  # the rankings' prior year
    sidebar = [("warehouse_status",), ("unit_list",), ("fiscal_years",)]
    return {
        "总览": sidebar
        + [("headline_table", f), ("unit_year_values", wider, ("total.income_expenditure",))],
        "支出结构": sidebar
        + [
            (
                "metric_series",
                f,
                ("expenditure.basic", "expenditure.project", "basic.personnel", "basic.public"),
            ),
            ("function_items", f),
            ("function_classes", f),
        ],
        "三公经费": sidebar
        + [
            ("unit_year_values", wider, ranked),
            ("metric_series", f, tuple(q.SANGONG_BUDGETS) + tuple(q.SANGONG_BUDGETS.values())),
            (
                "metric_series",
                f,
                ("sangong.reception.batches", "sangong.reception.persons", "sangong.reception"),
            ),
        ],
        "公务用车": sidebar
        + [
            ("metric_series", f, ("vehicles.total", *q.VEHICLE_TYPES)),
            (
                "metric_series",
                f,
                (
                    "vehicles.total",
                    "sangong.vehicle.purchase",
                    "sangong.vehicle.purchase_count",
                    "sangong.vehicle.operation",
                ),
            ),
        ],
        "绩效自评": sidebar
        + [
            ("overall_scores", f),
            ("perf_reports", f),
            ("projects", f),
            ("indicators", first_perf[0]),
        ],
        "数据与来源": sidebar
        + [
            ("report_list", f),
            ("build_log",),
            ("coverage", f),
            ("metric_catalog",),
            ("provenance", f, "total.income_expenditure"),
            ("extraction_notes", f),
        ],  # stated_values/derived_values run only when a download is clicked
        "核查与异常": sidebar
        + [
            ("finding_rules",),
            ("findings_list", f, ("error", "warning", "info"), None),  # tiles and list
            ("findings_by_unit", f),
        ],
        "数据管理": sidebar + [("warehouse_files",)],  # read-only: no editor password set
    }


def build_large(path: Path, n_reports: int) -> Path:
    """Create a synthetic warehouse with about ``n_reports`` reports, generated in SQL."""
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    load_schema(con)
    years = 5
    n_units = max(1, -(-n_reports // (years + 1)))  # 决算 each year + 绩效自评 in one year
    # real county-level regions of two provinces (GB/T 2260), about UNITS_PER_REGION units each,
    # and every unit type the ETL knows, so that region/type navigation and peer groups see a
    # province's shape rather than one region
    places = [
        d
        for code, d in sorted(divisions().items())
        if d.level == "county" and code[:2] in SYNTHETIC_PROVINCES and not code.endswith("01")
    ]
    by_province: dict[str, list] = {}
    for d in places:
        by_province.setdefault(d.code[:2], []).append(d)
    places = [d for row in zip_longest(*by_province.values()) for d in row if d]  # alternate
    places = places[: min(len(places), max(5, n_units // UNITS_PER_REGION))]
    names = divisions()
    con.execute(
        "CREATE TEMP TABLE places (n INTEGER, code VARCHAR, name VARCHAR, short VARCHAR,"
        " city VARCHAR, province VARCHAR)"
    )
    con.executemany(
        "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                n,
                d.code,
                d.name,
                short_form(d.name),
                names.get(d.city_code, d).name,
                names[d.province_code].name,
            )
            for n, d in enumerate(places)
        ],
    )
    type_ids = unit_type_ids()
    con.executemany(
        "INSERT INTO unit_type_catalog (unit_type, unit_type_id) VALUES (?, ?)",
        list(type_ids.items()),
    )
    con.execute(
        """
        CREATE TEMP TABLE kinds AS
        SELECT row_number() OVER (ORDER BY unit_type_id) - 1 AS n, unit_type, unit_type_id
        FROM unit_type_catalog
        """
    )
    con.execute(
        """
        INSERT INTO raw_units (unit_id, unit_name, unit_short, region, region_short, city,
            display_name, unit_type, province, region_code, region_id, unit_type_id)
        SELECT printf('u%05d', i), printf('%s合成%s%05d', p.name, k.unit_type, i),
               printf('%s%d', k.unit_type, i % 40), p.name, p.short, p.city,
               printf('%s·%s%d·%d', p.short, k.unit_type, i % 40, i), k.unit_type, p.province,
               p.code, p.code, k.unit_type_id
        FROM range(?) t(i)
        JOIN places p ON p.n = i % (SELECT count(*) FROM places)
        JOIN kinds k ON k.n = i // (SELECT count(*) FROM places) % (SELECT count(*) FROM kinds)
        """,
        [n_units],
    )
    con.execute(
        """
        INSERT INTO raw_reports (report_id, unit_id, fiscal_year, doc_kind, source_file, source_path,
            source_sha256, fmt, pages, unit_name_stated, is_synthetic, parsed_at, parser_version)
        SELECT printf('r%05d%d%s', i, y, k), printf('u%05d', i), 2020 + y, k,
               printf('synthetic_%05d_%d_%s.pdf', i, 2020 + y, k), 'bench/synthetic', md5(printf('%d%d%s', i, y, k)),
               'pdf', 40, printf('合成单位%05d', i), true, TIMESTAMP '2025-09-23 10:00:00', 'bench'
        FROM range(?) a(i), range(?) b(y), (VALUES ('决算'), ('绩效自评')) c(k)
        WHERE k = '决算' OR y = (i % ?)
        """,
        [n_units, years, years],
    )
    metrics = [
        r[0] for r in con.execute("SELECT metric FROM metric_catalog WHERE unit <> '%'").fetchall()
    ]
    con.execute(
        """
        INSERT INTO raw_facts (report_id, metric, value, unit, page, loc, quote)
        SELECT r.report_id, m.metric,
               CASE c.unit WHEN '万元' THEN round(100 + random() * 2000, 2)
                           WHEN '分' THEN round(70 + random() * 30, 1)
                           WHEN '辆' THEN floor(random() * 12)
                           ELSE floor(1 + random() * 200) END,
               c.unit, 7, '第7页',
               '合成数据：' || c.label_zh || '为若干万元'
        FROM raw_reports r, (SELECT unnest(?::VARCHAR[]) AS metric) m JOIN metric_catalog c USING (metric)
        WHERE r.doc_kind = '决算' OR m.metric IN ('perf.overall_score', 'budget.initial', 'sangong.total')
        """,
        [metrics],
    )
    con.execute(
        """
        INSERT INTO raw_derived_facts (report_id, metric, fiscal_year, value, unit, page, loc, quote, basis)
        SELECT f.report_id, f.metric, r.fiscal_year - 1, f.value * 0.95, f.unit, 7, '第7页', f.quote, 'x - y'
        FROM raw_facts f JOIN raw_reports r USING (report_id)
        WHERE f.metric IN ('total.income_expenditure', 'sangong.total', 'sangong.reception')
        """
    )
    # 功能分类 as the official list names it: ITEMS_PER_REPORT 项 spread over the list's classes
    con.execute(
        "CREATE TEMP TABLE items (s INTEGER, class_name VARCHAR, kuan VARCHAR, xiang VARCHAR,"
        " code VARCHAR)"
    )
    con.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?)", synthetic_items())
    con.execute(
        """
        INSERT INTO raw_function_items (report_id, seq, class_name, kuan, xiang, amount,
            pct_of_budget, page, loc, quote, code)
        SELECT report_id, i.s, i.class_name, i.kuan, i.xiang, round(random() * 300, 2),
               100, 10, '第10页', '合成', i.code
        FROM raw_reports, items i WHERE doc_kind = '决算'
        """
    )
    con.execute(
        """
        INSERT INTO raw_function_classes (report_id, class_name, amount, pct, page, loc, quote)
        SELECT report_id, c.class_name, round(random() * 800, 2), 25, 9, '第9页', '合成'
        FROM raw_reports, (SELECT DISTINCT class_name FROM items) c WHERE doc_kind = '决算'
        """
    )
    con.execute(
        """
        INSERT INTO raw_projects (report_id, seq, code, name, initial_budget, adjusted_budget, executed,
            execution_rate, score, page, loc, quote)
        SELECT report_id, s, NULL, printf('合成项目%d', s), 50, 60, 58, 96.7, 90 + s, NULL, '第5个表格', '合成'
        FROM raw_reports, range(1, 4) t(s)
        """
    )
    con.execute(
        """
        INSERT INTO raw_indicators (report_id, seq, table_name, level1, level2, level3, target, actual,
            weight, score, page, loc)
        SELECT report_id, s, '部门整体', '产出指标', '数量指标', printf('指标%d', s), '≥90%', '95%', 10, 9.5,
               NULL, '第3个表格'
        FROM raw_reports, range(1, 11) t(s) WHERE doc_kind = '绩效自评'
        """
    )
    con.execute(
        """
        INSERT INTO check_rules (rule, name_zh, severity, description, tolerance)
        VALUES ('synthetic_sum', '合成：合计与分项不符', 'error', '合成规则', '0.01'),
               ('synthetic_change', '合成：增减率不符', 'warning', '合成规则', '0.1'),
               ('synthetic_outlier', '合成：离群值', 'info', '合成规则', '3σ')
        """
    )
    # about a third of the 决算 reports have one to three findings
    con.execute(
        """
        INSERT INTO raw_findings (finding_id, report_id, source_file, rule, severity, metric,
            stated, expected, message, evidence, detail, unit)
        SELECT md5(r.report_id || t.s), r.report_id, r.source_file, k.rule, k.severity,
               'sangong.total', 100 + t.s, 90 + t.s, '合成：报告所写与据其他数字所得不符',
               '[{"quote": "合成数据", "loc": "第7页", "page": 7, "file": "'
                   || r.source_file || '"}]', '', '万元'
        FROM raw_reports r, range(3) t(s),
             (SELECT rule, severity, row_number() OVER (ORDER BY rule) - 1 AS n
              FROM check_rules) k
        WHERE r.doc_kind = '决算' AND hash(r.report_id) % 3 = 0
          AND t.s <= hash(r.report_id) % 7 % 3 AND k.n = t.s
        """
    )
    con.execute(
        """
        INSERT INTO raw_files (source_file, source_path, source_sha256, status, message, report_id)
        SELECT source_file, source_path, source_sha256, 'loaded', NULL, report_id FROM raw_reports
        """
    )
    con.execute("CHECKPOINT")
    con.close()
    return path


def synthetic_items() -> list[tuple[int, str, str, str, str]]:
    """Given the official 功能分类 list, return ITEMS_PER_REPORT (seq, 类, 款, 项, code) rows
    spread over its classes, as a report's 支出决算表 lists them."""
    names = function_names()
    xiang = [code for code in names if len(code) == 7]
    step = max(1, len(xiang) // ITEMS_PER_REPORT)
    picked = xiang[::step][:ITEMS_PER_REPORT]
    return [(n + 1, names[c[:3]], names[c[:5]], names[c], c) for n, c in enumerate(picked)]


def cached_large(n_reports: int) -> Path:
    """Given a report count, return the cached synthetic warehouse, generating it if needed.

    The cache key hashes the generator and warehouse/schema.sql, so a changed schema or
    generator builds a new file.
    """
    key = hashlib.sha256(
        (inspect.getsource(build_large) + SCHEMA.read_text(encoding="utf-8")).encode()
    ).hexdigest()[:10]
    path = CACHE / f"synthetic_{n_reports}_{key}.duckdb"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        build_large(path.with_suffix(".tmp"), n_reports).rename(path)
        print(f"（已生成 {path.name}，{time.perf_counter() - t0:.1f} s）")
    return path


def cached_demo(spec: str) -> Path:
    """Given UNITSxYEARS, return the ETL-built demo warehouse in CACHE, building it if needed."""
    units, years = (int(x) for x in spec.lower().split("x"))
    path = CACHE / f"demo_{units}x{years}.duckdb"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "etl", "demo", "--db", str(path)]
        cmd += ["--units", str(units), "--years", str(years), "--jobs", "2"]
        print("（正在生成演示仓库：" + " ".join(cmd[1:]) + "）", flush=True)
        subprocess.run(cmd, cwd=ROOT, check=True)
    return path


def median_query_times(db: Path, runs: int) -> dict[str, float]:
    """Given a warehouse and a run count, return each page's median query seconds.

    As in the dashboard (dashboard_lib/data.py), the read-only connection is opened once
    and kept; each run issues all of a page's queries uncached.  The one-off cost of
    opening the warehouse is returned under the key OPEN_KEY.
    """
    t0 = time.perf_counter()
    con = duckdb.connect(str(db), read_only=True)
    plan = page_queries(con)
    out = {OPEN_KEY: time.perf_counter() - t0}
    try:
        for page, calls in plan.items():
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                for name, *args in calls:
                    getattr(q, name)(con, *args)
                times.append(time.perf_counter() - t0)
            out[page] = statistics.median(times)
    finally:
        con.close()
    return out


OPEN_KEY = "（打开仓库）"


def timed_load(page, url: str) -> float:
    """Given a new browser page and a URL, return the seconds until the page is finished
    (tests.test_browser.wait_until_done, less its fixed settle), or inf past PAGE_TIMEOUT."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    from tests.test_browser import wait_until_done

    t0 = time.perf_counter()
    try:
        page.goto(url)
        wait_until_done(page, timeout_ms=PAGE_TIMEOUT * 1000)
    except PlaywrightTimeout:
        return math.inf
    return time.perf_counter() - t0 - SETTLE_SECONDS


def median_render_times(
    db: Path, runs: int, tmp: Path, shots: Path | None = None
) -> dict[str, tuple[float, float]]:
    """Given a warehouse, a run count and a scratch folder, return each page's median seconds
    in Chromium from opening the page until it is finished: on a first visit (a fresh browser
    context, nothing cached: the target's measure) and on a returning visit (a new tab of a
    context that has opened every page, its HTTP cache warm); with ``shots``, each page's last
    first visit is saved there as a full-page screenshot.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    from tests.test_browser import (
        CHROMIUM,
        CHROMIUM_ARGS,
        free_port,
        start_app,
        wait_until_done,
        whole_page_screenshot,
    )

    proc = start_app(db, free_port(), tmp / f"{db.stem}.log")
    port = proc.args[proc.args.index("--server.port") + 1]
    url = f"http://localhost:{port}/"
    out = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # a returning visitor: one context that has opened every page, its HTTP cache warm
            returning = browser.new_context(viewport=VIEWPORT)
            warm = returning.new_page()
            slow = set()
            for page_name, path in PAGES.items():  # every page once: imports and caches warm
                try:
                    warm.goto(url + path)
                    wait_until_done(warm, timeout_ms=PAGE_TIMEOUT * 1000)
                except PlaywrightTimeout:
                    slow.add(page_name)
            warm.close()

            def load(context, keep: Path | None = None) -> float:
                page = context.new_page()
                took = timed_load(page, url + path)
                if keep is not None:  # after the timing
                    keep.parent.mkdir(parents=True, exist_ok=True)
                    whole_page_screenshot(page, keep)
                page.close()
                return took

            for page_name, path in PAGES.items():
                if page_name in slow:
                    out[page_name] = (math.inf, math.inf)
                    continue
                first: list[float] = []
                again: list[float] = []
                for i in range(runs):  # a first visit, then a returning one, alternately
                    context = browser.new_context(viewport=VIEWPORT)
                    last = shots is not None and i == runs - 1
                    name = f"{db.stem}_{path or 'overview'}.png"
                    first.append(load(context, shots / name if last else None))
                    context.close()
                    again.append(load(returning))
                out[page_name] = (statistics.median(first), statistics.median(again))
            returning.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    return out


def _start_tree(root: Path, db: Path, tmp: Path) -> tuple[subprocess.Popen, str]:
    """Given a checkout of the dashboard, a warehouse and a scratch folder, start that checkout's
    dashboard on the warehouse and return the process and its base URL."""
    import tests.test_browser as harness

    port = harness.free_port()
    kept, harness.ROOT = harness.ROOT, root  # start_app runs streamlit in harness.ROOT
    try:
        proc = harness.start_app(db, port, tmp / f"{db.stem}.{root.name}.log")
    finally:
        harness.ROOT = kept
    return proc, f"http://localhost:{port}/"


def compare_render_times(
    db: Path, runs: int, tmp: Path, other: Path
) -> dict[str, tuple[float, float]]:
    """Given a warehouse, a run count, a scratch folder and another checkout, return each page's
    median browser seconds here and there, the two servers' loads interleaved (ABBA order) so
    that a busy machine slows both alike."""
    from playwright.sync_api import sync_playwright

    from tests.test_browser import CHROMIUM, CHROMIUM_ARGS

    servers = [_start_tree(ROOT, db, tmp), _start_tree(other, db, tmp)]
    out = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

            def load(url: str) -> float:
                context = browser.new_context(viewport=VIEWPORT)
                try:
                    return timed_load(context.new_page(), url)
                finally:
                    context.close()

            for page_name, path in PAGES.items():
                urls = [base + path for _, base in servers]
                warm = [load(u) for u in urls]  # imports and caches; a page too slow is
                if any(math.isinf(t) for t in warm):  # not repeated (its warm-up time stands)
                    out[page_name] = (warm[0], warm[1])
                    continue
                times: list[list[float]] = [[], []]
                for i in range(runs):
                    for side in (0, 1) if i % 2 == 0 else (1, 0):
                        times[side].append(load(urls[side]))
                out[page_name] = (statistics.median(times[0]), statistics.median(times[1]))
            browser.close()
    finally:
        for proc, _ in servers:
            proc.terminate()
            proc.wait(timeout=15)
    return out


def first_page_times(db: Path, starts: int, tmp: Path) -> tuple[float, float]:
    """Given a warehouse, a number of server starts and a scratch folder, return the median
    seconds (server start until its health check answers, then until the first page 总览 is
    finished in Chromium).
    """
    from playwright.sync_api import sync_playwright

    from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, free_port, start_app, wait_until_done

    boot, first = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for i in range(starts):
                port = free_port()
                t0 = time.perf_counter()
                proc = start_app(db, port, tmp / f"{db.stem}.first{i}.log")
                t1 = time.perf_counter()
                try:
                    context = browser.new_context(viewport=VIEWPORT)
                    page = context.new_page()
                    page.goto(f"http://localhost:{port}/")
                    wait_until_done(page, timeout_ms=PAGE_TIMEOUT * 1000)
                    first.append(time.perf_counter() - t1 - SETTLE_SECONDS)
                    boot.append(t1 - t0)
                    context.close()
                finally:
                    proc.terminate()
                    proc.wait(timeout=15)
        finally:
            browser.close()
    return statistics.median(boot), statistics.median(first)


def _points(trace: dict) -> int:
    """Given a plotly trace as JSON, return how many points it draws."""
    for axis in ("x", "y", "values", "ids", "z"):
        v = trace.get(axis)
        if isinstance(v, list):
            return len(v)
        if isinstance(v, dict) and "bdata" in v:  # plotly's typed arrays: base64 + dtype
            return len(base64.b64decode(v["bdata"])) // int(v.get("dtype", "f8")[1:])
    return 0


def profile_pages(db: Path) -> Iterator[tuple[str, str]]:
    """Given a warehouse, yield each page with a line of what the server computes and sends.

    Runs dashboard.py in-process with AppTest (queries cached after the first run): the
    median script seconds, the number of charts, traces and points, the figure JSON size
    and the cells of the tables sent to the browser.
    """
    from streamlit.testing.v1 import AppTest

    os.environ["JUESUAN_DB"], os.environ["JUESUAN_AUTOBUILD"] = str(db), "0"
    for page_name, path in PAGES.items():
        times = []
        try:
            for _ in range(PROFILE_RUNS):
                at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=PAGE_TIMEOUT)
                at.context = {"url": "http://localhost:8501/"}
                if path:
                    at.switch_page(f"pages/{path}.py")
                t0 = time.perf_counter()
                at.run()
                times.append(time.perf_counter() - t0)
        except RuntimeError:  # AppTest's timeout
            yield page_name, f"脚本运行超过 {PAGE_TIMEOUT} s"
            continue
        specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
        traces = sum(len(s.get("data", [])) for s in specs)
        points = sum(_points(t) for s in specs for t in s.get("data", []))
        kb = sum(len(c.proto.spec) for c in at.get("plotly_chart")) / 1024
        cells = sum(d.value.size for d in at.dataframe)
        longest = max((len(d.value) for d in at.dataframe), default=0)
        table_kb = sum(len(d.proto.arrow_data.data) for d in at.dataframe) / 1024
        errors = len(at.exception) + len(at.error)
        yield (
            page_name,
            (
                f"{statistics.median(times[1:]):.2f} s，图 {len(specs)} 个 / 轨迹 {traces} 条 / "
                f"点 {points} 个 / {kb:.0f} KB，表格 {len(at.dataframe)} 个 / {cells} 格 / "
                f"{table_kb:.0f} KB / 最长 {longest} 行" + (f"，错误 {errors}" if errors else "")
            ),
        )


def measure(label: str, db: Path, args: argparse.Namespace, tmp: Path) -> None:
    """Given a label, a warehouse, the options and a scratch folder, print its medians."""
    con = duckdb.connect(str(db), read_only=True)
    n = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    units = con.execute("SELECT count(*) FROM units").fetchone()[0]
    facts = con.execute("SELECT count(*) FROM raw_facts").fetchone()[0]
    con.close()
    print(f"\n== {label}: {n} reports, {units} units, {facts} facts", flush=True)
    qt = median_query_times(db, args.runs)
    shots = Path(args.shots) if args.shots else None
    rt = {} if args.no_browser else median_render_times(db, max(1, args.runs // 2), tmp, shots)
    print(f"{'page':<8} {'query median (ms)':>18} {'browser median (s)':>19} {'returning (s)':>14}")
    for page in PAGES:
        shown = ["-", "-"]
        for k, v in enumerate(rt.get(page, ())):
            shown[k] = f"> {PAGE_TIMEOUT}" if math.isinf(v) else f"{v:.2f}"
        print(f"{page:<8} {qt[page] * 1000:>18.1f} {shown[0]:>19} {shown[1]:>14}")
    print(f"{OPEN_KEY} {qt[OPEN_KEY] * 1000:.1f} ms（首次打开，之后连接保持打开）")
    if not args.no_browser:
        boot, first = first_page_times(db, FIRST_PAGE_STARTS, tmp)
        print(
            f"启动后首页（总览） {first:.2f} s（服务启动 {boot:.2f} s 另计；{FIRST_PAGE_STARTS} 次中位数）"
        )
    if args.against:
        rt2 = compare_render_times(db, args.runs, tmp, Path(args.against).resolve())
        print(f"交替测量（ABBA）：本目录 / {args.against}（浏览器中位数，秒）")
        for page, (here, there) in rt2.items():
            show = [f"> {PAGE_TIMEOUT}" if math.isinf(v) else f"{v:.2f}" for v in (here, there)]
            print(f"{page:<8} {show[0]:>8} {show[1]:>8}")
    if args.profile:
        for page, line in profile_pages(db):
            print(f"  {page:<6} {line}", flush=True)
    sys.stdout.flush()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", default="1200,10000", help="synthetic warehouse sizes (reports)")
    ap.add_argument("--demo", metavar="UNITSxYEARS", help="also the ETL-built demo warehouse")
    ap.add_argument("--no-fixture", action="store_true", help="skip the small test fixture")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--profile", action="store_true", help="what each page computes and sends")
    ap.add_argument("--shots", metavar="DIR", help="save each page's screenshot (1440 × 1000) here")
    ap.add_argument(
        "--against",
        metavar="DIR",
        help="another checkout: its dashboard and this one measured alternately on each warehouse",
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        dbs = {} if args.no_fixture else {"fixture": build_fixture(tmp / "fixture.duckdb")}
        for n in (int(x) for x in args.sizes.split(",") if x.strip()):
            dbs[f"synthetic {n}"] = cached_large(n)
        if args.demo:
            dbs[f"demo {args.demo}"] = cached_demo(args.demo)
        for label, db in dbs.items():
            measure(label, db, args, tmp)


if __name__ == "__main__":
    main()
