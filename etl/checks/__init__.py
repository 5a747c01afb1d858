"""Finance-bureau checks: contradictions inside a report, across years, and outliers.

Rules are pure functions over records read back from the warehouse (etl/checks/load.py),
so carried-over reports are checked exactly like freshly parsed ones and a rule change
needs no re-parse.  `write_findings` fills raw_findings during the build, before the data
tests and the atomic rename.  The README's rule table is generated from RULE_CATALOG.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from etl.checks import (
    chart_rules,
    code_rules,
    pct_rules,
    project_rules,
    report_rules,
    score_rules,
    table_rules,
)
from etl.checks.cross import CROSS_RULES, INDICATORS, MIN_PEERS, OUTLIER_Z
from etl.checks.load import load_reports
from etl.checks.model import Finding, Rule

# Every rule over one report, in the order their findings are listed.
REPORT_RULES: tuple[Rule, ...] = (
    report_rules.RULES
    + pct_rules.RULES
    + score_rules.RULES
    + project_rules.RULES
    + table_rules.RULES
    + chart_rules.RULES
    + code_rules.RULES
)

# id -> (what it checks, tolerance).  Stable ids: the dashboard links and filters by them.
RULE_CATALOG: dict[str, tuple[str, str]] = {
    "parts.income": (
        "本年收入合计 与各项收入来源之和",
        "差 ≤0.005 万元不报；≤max(0.01, 0.005×(分项数+1)) 万元 info；更大 error",
    ),
    "parts.expenditure": ("本年支出合计 与 基本/项目/上缴上级/经营/对附属单位补助支出之和", "同上"),
    "parts.basic": (
        "基本支出（或一般公共预算财政拨款基本支出）与 人员经费＋公用经费；两种基本支出说法",
        "同上",
    ),
    "parts.gpb_classes": ("一般公共预算财政拨款支出 与 各功能分类（类）之和", "同上"),
    "parts.class_items": ("每个功能分类（类）与其下各款/项之和", "同上"),
    "parts.fiscal_scope": (
        "未写资金来源的“财政拨款（预算）收入”只等于一般公共预算部分，而本年另有政府性基金等财政拨款",
        "金额容差；只含一般公共预算为 warning（与其他数不同不报：预算数可与决算数不同）",
    ),
    "parts.item_numbering": (
        "正文逐条列出的功能分类（款/项）编号是否连续（如从 9 跳到 12）",
        "跳号为 warning",
    ),
    "parts.sangong": (
        "“三公”合计与三项分项、公务用车与购置＋运行、公务接待与国内＋外事（决算与预算）",
        "同上",
    ),
    "parts.sangong_change": ("“三公”较上年变动 与 三项分项各自的变动之和", "同上"),
    "parts.vehicles": ("公务用车总数 与 按车型、按用途分类之和", "按辆，须相等"),
    "pct.change": (
        "所述增减率 与 增减额÷上年数（上年数＝本年数−增减额）",
        "在金额舍入（各 ±0.005 万元）所允许的范围内不报（点估计末位不同为 info）；范围外差一个末位 info，<0.1 个百分点 warning，否则 error",
    ),
    "pct.share": ("“占…%”与 金额÷所指合计", "同上"),
    "pct.completion": (
        "完成预算% 与 决算÷预算、与同句“决算数小于/大于/等于预算数”、与分项/各功能分类项目",
        "同上；文字矛盾为 error",
    ),
    "score.total": (
        "自评总分 与 各指标得分之和（含资金行的预算执行分值；仅当读到的分值合计≥100 分时检查）；分值合计超过 100 分",
        "须相等（error）；分值超过 100 分为 warning",
    ),
    "score.sections": (
        "自评表中写明满分的一级/二级指标（如“产出指标（40分）”）与其下各项分值、得分之和",
        "得分超过满分为 error；分值合计不等为 warning",
    ),
    "restated": (
        "同一数额在报告中出现不同数值（含“元/万元”写错）",
        "差 ≤0.005 万元不报；≤0.01 万元 info；更大 error",
    ),
    "year.context": (
        "比较年份应为上年；“截至”日期不早于报告年度；报告年度的表述应为本年度",
        "须相等；warning",
    ),
    "sangong.over_budget": ("“三公”及各分项决算超过预算", ">0.005 万元 warning"),
    "totals.no_carryover": (
        "报告称无结转结余时，收支总计＝本年支出合计、财政拨款收支总计＝各项财政拨款收入",
        "同 parts.*",
    ),
    "restated.project": (
        "同一项目的年初预算或支出（执行数）在自评表与正文中写法不同",
        "金额容差；不同为 error",
    ),
    "parts.table": (
        "表格中的“小计”行 与 其下编号各行之和（按年度列，如基础数据表的项目支出小计）",
        "金额容差；超出为 error",
    ),
    "indicator.target": (
        "正文所写的绩效指标目标值（“年初绩效指标值…≥220次”）与自评表中同名指标的指标值",
        "数值不同为 warning",
    ),
    "parts.project_classes": (
        "按项目类别（常年项目、一次性项目…）所述“涉及预算总金额 × 执行进度”之和 与 项目支出",
        "多于项目支出且超出金额容差为 error",
    ),
    "parts.listing": (
        "称“其中项目N个”后列出的项目个数与金额 与 所称个数、项目支出",
        "个数须相等（warning）；金额同 parts.*",
    ),
    "parts.counts": (
        "“N个，其中…A个、B个”的分项个数之和不得多于总数（如机构设置）",
        "分项多于总数为 error",
    ),
    "indicator.cost": (
        "项目自评表中以金额计的成本指标（度量单位 万元/元）完成值之和 与 该项目执行数",
        "金额容差；多于执行数为 error，少于为 warning（成本指标可能只覆盖部分支出）",
    ),
    "parts.report_list": (
        "正文所称形成的项目绩效自评报告（名称、“等N个”）与 附件中的项目自评表/评价报告",
        "名称对不上或个数不等为 warning",
    ),
    "table.years": (
        "基础数据表各年度列（上年决算数、本年预算数…）的部门基本支出、项目支出小计 与 正文同一年度、同一口径（决算/预算）所写之数；"
        "基本支出一列填成正文所写的整体支出（基本＋项目）",
        "金额容差；超出为 error（正文限于一般公共预算等单一资金来源时只查表中数不少于正文）",
    ),
    "table.public_lines": (
        "基础数据表“其中：公用经费”下各行之和（三公经费只计合计行）及所写公用经费 不多于同列部门基本支出、所写公用经费、"
        "正文同年同口径的商品服务支出（未写时为基本支出减工资福利等之后的余额）",
        "多出超过 max(0.01, 0.005×(行数+1)) 万元为 error，舍入以内为 info",
    ),
    "chart.values": (
        "报告中嵌入图表的数据（标题、数据标签、类别与数值，仅在类别与数值一一对应时读取）：数据标签 与 图中数值；"
        "按年度的图表（标题指明收支总计、一般公共预算财政拨款支出、财政拨款收支总计）与 正文本年数、由增减额推出的上年数；"
        "结构图占比（数据标签，数值÷各项之和）与 正文各功能分类（或基本/项目支出、三公分项）金额算出的占比",
        "金额、百分比容差同 parts.* / pct.*，超出为 warning（图表只是示意）；数值算出的占比差 ≤0.005 个百分点不报；每张图表一条",
    ),
    "reason.direction": (
        "增减额与同一句所述原因的方向（增加却以“…减少”解释）",
        "方向相反为 warning",
    ),
    "across.prior_year": (
        "本年报告所述变动推出的上年数 与 上年报告本身所写的数",
        "≤0.01 万元 info；更大 warning",
    ),
    "outlier.*": (
        "同类单位（同一单位类别、同一年度，决算报告）间的离群值：人均三公经费、人均公务用车、"
        "人均机关运行经费、项目支出占比、三公经费同比、收支总计同比",
        f"稳健 z 值（中位数/MAD）绝对值 > {OUTLIER_Z}；同类少于 {MIN_PEERS} 个单位不计算；warning",
    ),
    **code_rules.CATALOG,
}


FINDING_COLUMNS = (
    ("finding_id", pa.string()), ("report_id", pa.string()), ("source_file", pa.string()),
    ("rule", pa.string()), ("severity", pa.string()), ("metric", pa.string()),
    ("stated", pa.float64()), ("expected", pa.float64()), ("message", pa.string()),
    ("evidence", pa.string()),
)  # fmt: skip


def rule_rows() -> list[tuple[str, str, str]]:
    """Return (rule id, what it checks, tolerance) for every concrete rule id."""
    rows = []
    for rule, (what, tolerance) in RULE_CATALOG.items():
        if rule == "outlier.*":
            for ind_id, name, *_ in INDICATORS:
                rows.append((f"outlier.{ind_id}", f"离群值：{name}（与同类单位相比）", tolerance))
        else:
            rows.append((rule, what, tolerance))
    return rows


def run_checks(con: duckdb.DuckDBPyConnection) -> list[Finding]:
    """Given a warehouse connection, return every finding over all its reports."""
    labels = dict(con.execute("SELECT metric, label_zh FROM metric_catalog").fetchall())
    reports = load_reports(con)
    findings: list[Finding] = []
    for r in reports:
        for rule in REPORT_RULES:
            findings.extend(rule(r, labels))
    for rule in CROSS_RULES:
        findings.extend(rule(reports, labels))
    # The same sentence repeated in several places of a report is one finding with every
    # place as evidence.
    merged: dict[tuple, Finding] = {}
    for f in findings:
        if f.metric is not None and f.metric not in labels:
            f.metric = None  # a pseudo subject (gpb.basic): not a metric key
        key = (f.report_id, f.rule, f.metric, f.message)
        if key in merged:
            seen = merged[key].evidence
            seen.extend(q for q in f.evidence if q not in seen)
        else:
            merged[key] = f
    return list(merged.values())


def write_findings(con: duckdb.DuckDBPyConnection) -> int:
    """Given a warehouse connection being built, replace raw_findings; return the count."""
    findings = run_checks(con)
    con.execute("DELETE FROM check_rules")
    con.executemany("INSERT INTO check_rules VALUES (?, ?, ?)", rule_rows())
    con.execute("DELETE FROM raw_findings")
    if findings:
        columns = list(zip(*(f.row() for f in findings), strict=True))
        batch = pa.table(
            {
                name: pa.array(col, type=kind)
                for (name, kind), col in zip(FINDING_COLUMNS, columns, strict=True)
            }
        )
        con.register("findings_batch", batch)
        try:
            con.execute("INSERT INTO raw_findings SELECT * FROM findings_batch")
        finally:
            con.unregister("findings_batch")
    return len(findings)
