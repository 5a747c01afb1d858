"""Benchmark the dashboard pages: query time per page and time to finish rendering in Chromium.

Usage: ``python bench/bench_pages.py [--runs 5] [--reports 1200] [--no-browser]``

Two warehouses are measured: the small synthetic test fixture (tests/dashboard_fixture.py)
and a large synthetic one with at least 1,000 reports, generated here directly in DuckDB.
For each page it prints the median over ``--runs`` of (a) the time of the queries the page
issues with the default filters (uncached, on the kept read-only connection, as the
dashboard runs them), and (b) the time
from opening the page in Chromium until the script run has finished and every chart is
drawn.  Only medians are printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.dashboard_fixture import build_fixture, load_schema  # noqa: E402
from warehouse import queries as q  # noqa: E402

PAGES = {  # title -> url_path (dashboard.py)
    "总览": "",
    "支出结构": "structure",
    "三公经费": "sangong",
    "公务用车": "vehicles",
    "绩效自评": "performance",
    "数据与来源": "sources",
    "核查与异常": "findings",
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
    }


def build_large(path: Path, n_reports: int) -> Path:
    """Create a synthetic warehouse with about ``n_reports`` reports, generated in SQL."""
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    load_schema(con)
    years = 5
    n_units = max(1, -(-n_reports // (years + 1)))  # 决算 each year + 绩效自评 in one year
    con.execute(
        """
        INSERT INTO raw_units (unit_id, unit_name, unit_short, region, region_short, city, display_name)
        SELECT printf('u%05d', i), printf('合成单位%05d', i), printf('单位%d', i % 40),
               printf('合成县%02d', i % 25), printf('县%02d', i % 25), '合成市',
               printf('县%02d·单位%d·%d', i % 25, i % 40, i)
        FROM range(?) t(i)
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
        SELECT r.report_id, m.metric, round(100 + random() * 2000, 2), c.unit, 7, '第7页',
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
    con.execute(
        """
        INSERT INTO raw_function_items (report_id, seq, class_name, kuan, xiang, amount, pct_of_budget, page, loc, quote)
        SELECT report_id, s, printf('类%d', s % 4), printf('款%d', s % 3), printf('项%d', s), round(random() * 300, 2),
               100, 10, '第10页', '合成'
        FROM raw_reports, range(1, 8) t(s) WHERE doc_kind = '决算'
        """
    )
    con.execute(
        """
        INSERT INTO raw_function_classes (report_id, class_name, amount, pct, page, loc, quote)
        SELECT report_id, printf('类%d', s), round(random() * 800, 2), 25, 9, '第9页', '合成'
        FROM raw_reports, range(4) t(s) WHERE doc_kind = '决算'
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
        INSERT INTO raw_files (source_file, source_path, source_sha256, status, message, report_id)
        SELECT source_file, source_path, source_sha256, 'loaded', NULL, report_id FROM raw_reports
        """
    )
    con.execute("CHECKPOINT")
    con.close()
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


def median_render_times(db: Path, runs: int, tmp: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, free_port, start_app, wait_until_done

    proc = start_app(db, free_port(), tmp / f"{db.stem}.log")
    port = proc.args[proc.args.index("--server.port") + 1]
    url = f"http://localhost:{port}/"
    out = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            warm = browser.new_page()
            warm.goto(url)
            wait_until_done(warm, timeout_ms=120_000)
            warm.close()
            for page_name, path in PAGES.items():
                times = []
                for _ in range(runs):
                    context = browser.new_context(viewport={"width": 1440, "height": 1000})
                    page = context.new_page()
                    t0 = time.perf_counter()
                    page.goto(url + path)
                    wait_until_done(page, timeout_ms=120_000)
                    times.append(time.perf_counter() - t0 - 1.2)  # minus the fixed settle wait
                    context.close()
                out[page_name] = statistics.median(times)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--reports", type=int, default=1200)
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        dbs = {
            "fixture": build_fixture(tmp / "fixture.duckdb"),
            "large": build_large(tmp / "large.duckdb", args.reports),
        }
        for label, db in dbs.items():
            con = duckdb.connect(str(db), read_only=True)
            n = con.execute("SELECT count(*) FROM reports").fetchone()[0]
            facts = con.execute("SELECT count(*) FROM raw_facts").fetchone()[0]
            con.close()
            print(f"\n== {label}: {n} reports, {facts} facts")
            qt = median_query_times(db, args.runs)
            rt = {} if args.no_browser else median_render_times(db, max(1, args.runs // 2), tmp)
            print(f"{'page':<8} {'query median (ms)':>18} {'browser median (s)':>19}")
            for page in PAGES:
                browser = f"{rt[page]:.2f}" if page in rt else "-"
                print(f"{page:<8} {qt[page] * 1000:>18.1f} {browser:>19}")
            print(f"{OPEN_KEY} {qt[OPEN_KEY] * 1000:.1f} ms（首次打开，之后连接保持打开）")


if __name__ == "__main__":
    main()
