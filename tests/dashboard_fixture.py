"""A small, clearly synthetic warehouse for dashboard tests.

``build_fixture(path)`` creates a DuckDB file from warehouse/schema.sql and fills it with
made-up reports: three regions, five units (two of them called 县委办 in different
regions), fiscal years 2022-2024, both document kinds, derived prior-year rows, function
items, projects and indicators.  Every report is flagged ``is_synthetic`` and every
source file name starts with ``synthetic_``.  ``build_fixture(path, empty=True)`` creates
the schema only (a warehouse with no reports loaded).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from etl.units import place_of, region_code_and_id, unit_type_of
from etl.vocab import catalogue
from etl.vocab.unit_kinds import unit_type_ids

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "warehouse" / "schema.sql"

YEARS = (2022, 2023, 2024)


@dataclass(frozen=True)
class FixtureUnit:
    unit_name: str
    unit_short: str
    region: str
    region_short: str
    city: str | None
    base_total: float  # 收支总计 of 2022, 万元
    vehicles: int

    @property
    def unit_id(self) -> str:
        return hashlib.sha256(f"{self.region}|{self.unit_name}".encode()).hexdigest()[:16]

    @property
    def display_name(self) -> str:
        return f"{self.region_short}·{self.unit_short}"

    @property
    def unit_type(self) -> str | None:
        return unit_type_of(self.unit_name)  # as the build derives it, from etl/vocab

    @property
    def unit_type_id(self) -> str | None:
        return unit_type_ids().get(self.unit_type or "")

    @property
    def region_code(self) -> str | None:
        return self._region_ids[0]

    @property
    def region_id(self) -> str | None:
        return self._region_ids[1]

    @property
    def _region_ids(self) -> tuple[str | None, str | None]:
        place = place_of(self.unit_name, self.region, self.city, self.region_short)
        return region_code_and_id(place, self.region_short)  # as the build derives them


UNITS = (
    FixtureUnit(
        "中共峨边彝族自治县委办公室", "县委办", "峨边彝族自治县", "峨边", "乐山市", 1504.72, 4
    ),
    FixtureUnit(
        "峨边彝族自治县人民政府办公室", "县政府办", "峨边彝族自治县", "峨边", "乐山市", 1980.35, 6
    ),
    FixtureUnit("中共双牌县委办公室", "县委办", "双牌县", "双牌", "永州市", 684.91, 3),
    FixtureUnit("双牌县财政局", "县财政局", "双牌县", "双牌", "永州市", 2310.08, 5),
    FixtureUnit("中共乐山市金口河区委办公室", "区委办", "金口河区", "金口河", "乐山市", 1120.4, 2),
)

# (unit index, year) without a 决算 report: the 2024 report's stated change fills 2023 in.
MISSING_FINAL = {(4, 2023)}
# (unit index, year) with a 绩效自评 report.
SELF_EVAL = {(0, 2023), (0, 2024), (2, 2023), (2, 2024), (3, 2024), (4, 2022)}


def _rid(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]


def _r2(x: float) -> float:
    return round(x, 2)


# The columns the fixture fills, per table (named, so columns added to the schema later
# only need a default).
COLUMNS = {
    "raw_units": "unit_id, unit_name, unit_short, region, region_short, city, display_name,"
    " unit_type, region_code, region_id, unit_type_id",
    "raw_unit_names": "unit_id, name_variant, source_file",
    "raw_reports": "report_id, unit_id, fiscal_year, doc_kind, source_file, source_path, source_sha256, fmt,"
    " pages, unit_name_stated, is_synthetic, parsed_at, parser_version",
    "raw_facts": "report_id, metric, value, unit, page, loc, quote",
    "raw_derived_facts": "report_id, metric, fiscal_year, value, unit, page, loc, quote, basis",
    "raw_function_classes": "report_id, class_name, amount, pct, page, loc, quote",
    "raw_function_items": "report_id, seq, class_name, kuan, xiang, amount, pct_of_budget, page, loc, quote",
    "raw_projects": "report_id, seq, code, name, initial_budget, adjusted_budget, executed, execution_rate,"
    " score, page, loc, quote",
    "raw_indicators": "report_id, seq, table_name, level1, level2, level3, target, actual, weight, score,"
    " page, loc",
    "raw_notes": "report_id, message",
}
FILE_COLUMNS = "source_file, source_path, source_sha256, status, message, report_id"


class _Writer:
    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.rows: dict[str, list[tuple]] = {}

    def add(self, table: str, *row: object) -> None:
        self.rows.setdefault(table, []).append(row)

    def flush(self) -> None:
        for table, rows in self.rows.items():
            marks = ", ".join("?" * len(rows[0]))
            self.con.executemany(f"INSERT INTO {table} ({COLUMNS[table]}) VALUES ({marks})", rows)
        self.rows.clear()


def load_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the warehouse tables and views and fill metric_catalog from the metric catalogue."""
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    rows = catalogue.metric_rows()
    con.executemany(
        "INSERT INTO metric_catalog (metric, label_zh, unit, section) VALUES (?, ?, ?, ?)", rows
    )


def _final_report(w: _Writer, u: FixtureUnit, ui: int, year: int, rnd: random.Random) -> None:
    growth = 1 + 0.06 * (year - 2022) + rnd.uniform(-0.04, 0.04)
    total = _r2(u.base_total * growth)
    prior = _r2(u.base_total * (1 + 0.06 * (year - 2023) + rnd.uniform(-0.04, 0.04)))
    basic = _r2(total * rnd.uniform(0.62, 0.82))
    project = _r2(total - basic)
    personnel = _r2(basic * rnd.uniform(0.8, 0.9))
    public = _r2(basic - personnel)
    outbound = 0.0 if ui != 3 or year != 2023 else 3.26
    purchase = 24.8 if (ui, year) in {(1, 2023), (3, 2024)} else 0.0
    operation = _r2(u.vehicles * rnd.uniform(1.6, 2.6))
    reception = _r2(rnd.uniform(1.5, 9.5))
    sangong = _r2(outbound + purchase + operation + reception)
    sangong_prior = _r2(sangong * rnd.uniform(0.85, 1.2))
    batches = rnd.randint(8, 40)
    persons = batches * rnd.randint(4, 9)
    sedan = max(u.vehicles - 2, 0)
    suv = u.vehicles - sedan
    name = f"synthetic_{u.region_short}_{u.unit_short}_{year}_决算.pdf"
    rid = _rid(name)
    w.add(
        "raw_reports", rid, u.unit_id, year, "决算", name, f"samples/synthetic/{name}",
        hashlib.sha256(name.encode()).hexdigest(), "pdf", 38 + ui, u.unit_name, True,
        datetime(2025, 9, 23, 10, ui, year - 2000), "fixture-1",
    )  # fmt: skip
    change = _r2(total - prior)
    word = "增加" if change >= 0 else "减少"
    facts = [
        ("total.income_expenditure", total, "万元", 7, f"{year}年度收、支总计均为{total:.2f}万元"),
        ("total.change", change, "万元", 7, f"收、支总计各{word}{abs(change):.2f}万元"),
        ("expenditure.total", total, "万元", 8, f"{year}年度本年支出合计{total:.2f}万元"),
        ("expenditure.basic", basic, "万元", 8, f"其中：基本支出{basic:.2f}万元"),
        ("expenditure.project", project, "万元", 8, f"项目支出{project:.2f}万元"),
        ("basic.personnel", personnel, "万元", 13, f"人员经费{personnel:.2f}万元"),
        ("basic.public", public, "万元", 13, f"公用经费{public:.2f}万元"),
        ("sangong.total", sangong, "万元", 14, f"“三公”经费财政拨款支出决算为{sangong:.2f}万元"),
        ("sangong.change", _r2(sangong - sangong_prior), "万元", 14, "“三公”经费较上年有所变化"),
        ("sangong.budget", _r2(sangong * 1.1), "万元", 14, f"“三公”经费财政拨款预算数为{sangong * 11000:.0f}元"),
        ("sangong.outbound", outbound, "万元", 14, f"因公出国（境）费支出{outbound:.2f}万元"),
        ("sangong.vehicle", _r2(purchase + operation), "万元", 15, f"公务用车购置及运行维护费{purchase + operation:.2f}万元"),
        ("sangong.vehicle.purchase", purchase, "万元", 15, f"公务用车购置费{purchase:.2f}万元"),
        ("sangong.vehicle.operation", operation, "万元", 15, f"公务用车运行维护费{operation:.2f}万元"),
        ("sangong.vehicle.operation.budget", _r2(operation * 1.15), "万元", 15, "公务用车运行维护费预算数"),
        ("sangong.reception", reception, "万元", 15, f"公务接待费{reception:.2f}万元"),
        ("sangong.reception.budget", _r2(reception * 1.2), "万元", 15, "公务接待费预算数"),
        ("sangong.reception.batches", batches, "批次", 15, f"国内公务接待{batches}批次"),
        ("sangong.reception.persons", persons, "人次", 15, f"{persons}人次"),
        ("vehicles.total", u.vehicles, "辆", 15, f"单位共有公务用车{u.vehicles}辆"),
        ("vehicles.sedan", sedan, "辆", 15, f"其中：轿车{sedan}辆"),
        ("vehicles.suv", suv, "辆", 15, f"越野车{suv}辆"),
        ("vehicles.bus", 0, "辆", 15, "载客汽车0辆"),
        ("vehicles.leadership", 1, "辆", 15, "主要领导干部用车1辆"),
        ("vehicles.confidential", 1 if u.vehicles > 2 else 0, "辆", 15, "机要通信用车"),
        ("vehicles.emergency", max(u.vehicles - 3, 0), "辆", 15, "应急保障用车"),
        ("vehicles.other", u.vehicles - 1 - (1 if u.vehicles > 2 else 0) - max(u.vehicles - 3, 0), "辆", 15, "其他用车"),
        ("staff.actual", 20 + ui * 7, "人", 5, f"年末实有人数{20 + ui * 7}人"),
    ]  # fmt: skip
    if ui == 4:  # one unit states no vehicle breakdown by use
        facts = [f for f in facts if f[0] not in {"vehicles.leadership", "vehicles.confidential"}]
    for metric, value, unit, page, quote in facts:
        w.add("raw_facts", rid, metric, float(value), unit, page, f"第{page}页", quote)
    # Prior-year values implied by the stated changes.
    w.add(
        "raw_derived_facts", rid, "total.income_expenditure", year - 1, prior, "万元", 7, "第7页",
        f"收、支总计各{word}{abs(change):.2f}万元", f"{total:.2f} - ({change:.2f})",
    )  # fmt: skip
    w.add(
        "raw_derived_facts", rid, "sangong.total", year - 1, sangong_prior, "万元", 14, "第14页",
        "“三公”经费较上年有所变化", f"{sangong:.2f} - ({sangong - sangong_prior:.2f})",
    )  # fmt: skip
    rec_prior = _r2(reception * 1.1)
    w.add(
        "raw_derived_facts", rid, "sangong.reception", year - 1, rec_prior, "万元", 15, "第15页",
        f"公务接待费较上年减少{rec_prior - reception:.2f}万元", f"{reception:.2f} + {rec_prior - reception:.2f}",
    )  # fmt: skip
    classes = [
        ("一般公共服务支出", _r2(total * 0.72)),
        ("社会保障和就业支出", _r2(total * 0.12)),
        ("卫生健康支出", _r2(total * 0.06)),
        ("住房保障支出", _r2(total * 0.10)),
    ]
    for cname, amount in classes:
        w.add(
            "raw_function_classes", rid, cname, amount, _r2(amount / total * 100), 9, "第9页",
            f"{cname}{amount:.2f}万元",
        )  # fmt: skip
    kuan_gp = (
        "党委办公厅（室）及相关机构事务"
        if "委" in u.unit_short
        else "政府办公厅（室）及相关机构事务"
    )
    items = [
        ("一般公共服务", kuan_gp, "行政运行", _r2(total * 0.45)),
        ("一般公共服务", kuan_gp, "一般行政管理事务", _r2(total * 0.15)),
        ("一般公共服务", kuan_gp, "事业运行", _r2(total * 0.12)),
        (
            "社会保障和就业",
            "行政事业单位养老支出",
            "机关事业单位基本养老保险缴费支出",
            _r2(total * 0.08),
        ),
        (
            "社会保障和就业",
            "行政事业单位养老支出",
            "机关事业单位职业年金缴费支出",
            _r2(total * 0.04),
        ),
        ("卫生健康", "行政事业单位医疗", "行政单位医疗", _r2(total * 0.06)),
        ("住房保障", "住房改革支出", "住房公积金", _r2(total * 0.10)),
    ]
    for seq, (cname, kuan, xiang, amount) in enumerate(items, 1):
        w.add(
            "raw_function_items", rid, seq, cname, kuan, xiang, amount, 100.0, 10, "第10页",
            f"{xiang}{amount:.2f}万元",
        )  # fmt: skip
    for seq, pname in enumerate(("办公业务经费", "信息化建设项目"), 1):
        budget = _r2(project * (0.6 if seq == 1 else 0.4))
        w.add(
            "raw_projects", rid, seq, f"511132{year}T0000{ui}{seq}", f"{u.unit_short}{year}年{pname}",
            budget, budget, budget, 100.0, None, 12, "第12页", f"{pname}{budget:.2f}万元",
        )  # fmt: skip
    w.add("raw_notes", rid, "附表十三“三公”经费表为图片，未提取（合成数据）")


def _self_eval_report(w: _Writer, u: FixtureUnit, ui: int, year: int, rnd: random.Random) -> None:
    name = f"synthetic_{u.region_short}_{u.unit_short}_{year}_绩效自评.docx"
    rid = _rid(name)
    w.add(
        "raw_reports", rid, u.unit_id, year, "绩效自评", name, f"samples/synthetic/{name}",
        hashlib.sha256(name.encode()).hexdigest(), "docx", None, u.unit_name, True,
        datetime(2025, 9, 24, 9, ui, year - 2000), "fixture-1",
    )  # fmt: skip
    initial = _r2(u.base_total * 0.5)
    full = _r2(initial * 1.25)
    score = round(rnd.uniform(86, 99), 1)
    facts = [
        ("budget.initial", initial, "万元", f"年度资金总额\t{initial}\t{full}\t{full}"),
        ("budget.full_year", full, "万元", f"年度资金总额\t{initial}\t{full}\t{full}"),
        ("budget.executed", full, "万元", f"年度资金总额\t{initial}\t{full}\t{full}"),
        ("perf.overall_score", score, "分", f"整体绩效自评得分为{score}分"),
        ("sangong.total", _r2(full * 0.01), "万元", f"三公经费\t{full * 0.01:.2f}"),
    ]
    for metric, value, unit, quote in facts:
        w.add("raw_facts", rid, metric, float(value), unit, None, "第3个表格", quote)
    projects = [("运转工作经费", 96.0), ("重点工作专项经费", 92.5)]
    for seq, (pname, pscore) in enumerate(projects, 1):
        budget = _r2(full * (0.3 if seq == 1 else 0.15))
        w.add(
            "raw_projects", rid, seq, None, f"{u.unit_short}{pname}", budget, budget, _r2(budget * 0.97),
            97.0, pscore, None, f"第{4 + seq}个表格", f"{pname}\t{budget}\t{pscore}",
        )  # fmt: skip
    indicators = [
        ("产出指标", "数量指标", "保障会议次数", "≥50次", "62次", 10.0, 10.0),
        ("产出指标", "质量指标", "文件差错率", "≤1%", "0.5%", 10.0, 10.0),
        ("产出指标", "时效指标", "资金支付及时率", "100%", "98%", 10.0, 9.5),
        ("效益指标", "社会效益指标", "服务保障水平", "有效提升", "有效提升", 20.0, 18.0),
        ("满意度指标", "服务对象满意度指标", "干部职工满意度", "≥90%", "95%", 10.0, 9.5),
    ]
    seq = 0
    for table in ("部门整体", f"{u.unit_short}运转工作经费"):
        for l1, l2, l3, target, actual, weight, iscore in indicators:
            seq += 1
            w.add(
                "raw_indicators", rid, seq, table, l1, l2, l3, target, actual, weight, iscore, None,
                "第3个表格" if table == "部门整体" else "第5个表格",
            )  # fmt: skip


def build_fixture(path: str | Path, *, empty: bool = False) -> Path:
    """Create a synthetic warehouse at ``path`` (replacing any file there); return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        load_schema(con)
        if not empty:
            w = _Writer(con)
            rnd = random.Random(20250923)
            for ui, u in enumerate(UNITS):
                w.add(
                    "raw_units", u.unit_id, u.unit_name, u.unit_short, u.region, u.region_short,
                    u.city, u.display_name, u.unit_type, u.region_code, u.region_id,
                    u.unit_type_id,
                )  # fmt: skip
                w.add("raw_unit_names", u.unit_id, u.unit_name, "synthetic")
                for year in YEARS:
                    if (ui, year) not in MISSING_FINAL:
                        _final_report(w, u, ui, year, rnd)
                    if (ui, year) in SELF_EVAL:
                        _self_eval_report(w, u, ui, year, rnd)
            w.flush()
            con.execute(
                f"""INSERT INTO raw_files ({FILE_COLUMNS})
                   SELECT source_file, source_path, source_sha256, 'loaded', NULL, report_id
                   FROM raw_reports"""
            )
            con.executemany(
                f"INSERT INTO raw_files ({FILE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    ("synthetic_损坏文件.pdf", "samples/synthetic/synthetic_损坏文件.pdf", None, "failed",
                     "PDF 无法打开：文件已损坏（合成数据）", None),
                    ("synthetic_峨边_县委办_2024_决算(1).pdf", "samples/synthetic/synthetic_峨边_县委办_2024_决算(1).pdf",
                     "0" * 64, "duplicate", "与 synthetic_峨边_县委办_2024_决算.pdf 内容相同，已保留后者",
                     _rid("synthetic_峨边_县委办_2024_决算.pdf")),
                ],
            )  # fmt: skip
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


if __name__ == "__main__":
    import sys

    out = build_fixture(sys.argv[1] if len(sys.argv) > 1 else "artifacts/fixture.duckdb")
    print(out)
