"""Statements the checks need that are not metrics: completion rates, component changes,
shares, comparison years and carry-over remarks, each with its exact words.

A mention is never a stored metric value; it is what a report says about a figure, so the
checks (etl/checks) can compare it with the figures the report states elsewhere.  Every
pattern runs on one normalised sentence (no whitespace, ASCII digits).
"""

from __future__ import annotations

import re

from etl.extract.regexneeds import any_required_chars
from etl.extract.textnorm import DIGIT, NormText, to_wanyuan
from etl.extract.textnorm import NUMBER as N
from etl.model import Block
from etl.statements import (
    Amount,
    Breakdown,
    Change,
    ChangeReason,
    Completion,
    CountParts,
    FiscalIncome,
    NoCarryover,
    ProjectAmount,
    ProjectClass,
    ProjectListing,
    Share,
    Statement,
    Target,
    YearAsOf,
    YearCompared,
    YearReported,
)  # fmt: skip
from etl.vocab import scopes

MONEY = r"(万元|元)"
# Who a sentence speaks about, most specific first: (subject key, words that name it).
SUBJECTS = (
    ("sangong.outbound", ("因公出国",)),
    ("sangong.vehicle", ("公务用车购置及运行维护", "公务用车购置和运行维护")),
    ("sangong.reception", ("公务接待",)),
    ("sangong.total", ("三公",)),
    ("fiscal.total", ("财政拨款收、支总计", "财政拨款收入、支出总计", "财政拨款收支总计")),
    ("total.income_expenditure", ("收、支总计", "收入、支出总计", "收支总计")),
    ("total.income", ("收入总计",)),
    ("total.expenditure", ("支出总计",)),
    ("gpb.total", ("一般公共预算财政拨款支出", "一般公共预算支出决算")),
    ("operating_costs", ("机关运行经费",)),
)
COMPLETION = re.compile(rf"完成(?:年初)?预算(?:数)?(?:{N}(?:万元)?的)?的?{N}%")
ACTUAL_BEFORE = re.compile(rf"{N}{MONEY}[，,]*$")
VERDICT = re.compile(r"决算数(?:与预算数)?(小于|低于|大于|高于|超过|等于|持平)(?:预算数)?")
VERDICT_SIGN = {"小于": "<", "低于": "<", "大于": ">", "高于": ">", "超过": ">"}
CHANGE = re.compile(
    rf"(?:比|较|与)(20\d\d)年度?(?:相比)?[，,]?"
    rf"(增加/减少|增长/下降|增加|减少|增长|下降|持平)(?:{N}{MONEY})?"
    rf"(?:[，,、]?(?:增长/下降|增长|下降|增加|减少){N}%)?"
)
# 与2023年相比，收入总计减少214.5万元，下降19.90%: the subject comes after the year.
CHANGE_AFTER = re.compile(
    rf"(?:比|较|与)(20\d\d)年度?相比[，,]([^，。；\d]{{1,16}}?)各?(增加|减少|增长|下降)"
    rf"{N}{MONEY}(?:[，,、]?(增长|下降|增加|减少){N}%)?"
)
# 共计支出1.07元: a small amount in 元 that may be a 万元 figure with the wrong unit.
YUAN_AMOUNT = re.compile(rf"支出{N}元(?!/)")
YUAN_SUSPECT_MAX = 1000.0  # 元: below this, an amount in 元 may be a 万元 figure mis-unitised
COMPARED_YEAR = re.compile(
    r"(?:(20\d\d)年度?[^，。；]{0,16}?)?(?:比|较|与)(20\d\d)年度?(?!年初|预算|全年预算)"
)  # 比2024年年初预算: a comparison with this year's budget, not with another year
AS_OF_YEAR = re.compile(r"截[至止]+(20\d\d)年")
# Phrases that name the year being reported on: it must be the report's own fiscal year.
REPORTING_YEAR = (
    re.compile(r"(20\d\d)年度?(?:部门|单位)?(?:（单位）)?整体支出绩效目标"),
    re.compile(r"在(20\d\d)年度?全面完成"),
    re.compile(r"(20\d\d)年度?财政拨款预算收入"),
)
SHARE = re.compile(rf"{N}{MONEY}[，,]?占(?:([^，,；;。%\d]{{2,12}})的)?{N}%")
LEAD_AMOUNT = re.compile(rf"{N}{MONEY}")
LEAD_CONTEXT = 24  # characters of the words before a share's base amount, for the evidence
NAMED_BASES = {  # 占…的 phrases whose denominator is a stated metric
    "本年支出合计": "expenditure.total",
    "本年收入合计": "income.total",
    "政府采购支出总额": "procurement.total",
}
NO_CARRYOVER = re.compile(r"无结转结余|结转结余为0(?:万元|元)?")
GPB_BASIC = re.compile(rf"一般公共预算财政拨款基本支出{N}{MONEY}")
# 其中项目2个，具体支出为：A144.57万元；B70万元；C11.26万元。 (the list ends at ，or 。)
LISTING = re.compile(r"其中(?:项目(\d+)个|(\d+)个项目)[，,]?具体支出为[：:]([^，,。]+)")
LISTED_AMOUNT = re.compile(rf"{N}{MONEY}$")
LIST_SEPARATORS = re.compile(r"[；;、]+")
# 下属二级单位0个，其中行政单位1个，…其他事业单位1个: parts of a count
COUNT_PARTS = re.compile(r"(\d+)个[，,]其中[：:]?((?:[^，,。；;\d]{1,24}?\d+个[，,、]?)+)")
COUNT_PART = re.compile(r"(\d+)个")
# 网络、系统运行维护费项目年初预算资金18.5万元 / …项目支出资金18.5万元: a project's amounts
PROJECT_AMOUNT = re.compile(
    rf"(?:^|[，,；;。：:])(?:截[至止]+\d{{4}}年\d{{1,2}}月底?[，,]?)?([^，,；;。：:]{{4,60}}?)"
    rf"(年初预算资金|支出资金)(?:共计)?{N}(万元|元)"
)
PROJECT_FIELDS = {"年初预算资金": "initial_budget", "支出资金": "executed"}
# 年初绩效指标值区委区府领导指示事项数≥220次: an indicator's target stated in prose
TARGET = re.compile(rf"绩效指标值([^，,。；;≥≤>＞<＜=＝]{{2,30}}?)(≥|≤|>|＞|<|＜|=|＝){N}(%?)")
# 常年项目绩效分析。该类项目总数1个，涉及预算总金额41.47万元，1—12月预算执行总体进度为100%
PROJECT_CLASS = re.compile(
    rf"该类项目总数(\d+)个[，,]涉及预算总金额{N}{MONEY}[，,]?(?:1[—\-－~至]12月)?"
    rf"(?:预算)?执行(?:总体)?进度为{N}%"
)
CLASS_NAME = re.compile(r"([^。；;，,]{2,20}项目)绩效分析。$")
# A year's amount and its parts: 2022年部门整体支出绩效目标的金额为684.91万元，其中，基本支出
# 绩效目标金额455.35万元，项目支出… / 2023年本部门基本支出预算数444.04万元，其中：工资福利支出…
BREAKDOWN = re.compile(
    rf"(?:^|(?<=[，,；;：:。）)]))(20\d\d)年度?([^，,。；;：:\d%]{{0,40}}?){N}{MONEY}[，,]?其中[，,：:]?"
)
BREAKDOWN_PART = re.compile(rf"^([^\d%]{{2,24}}?)(?:为|是)?{N}{MONEY}$")
BREAKDOWN_SKIP = re.compile(rf"^占[^\d]{{0,12}}{N}%$")  # 基本支出444.04万元，占72.8%
BREAKDOWN_SEPARATORS = re.compile(r"[，,；;、]")
# (key, words): what a breakdown's total or part is, most specific first
BREAKDOWN_TOTALS = (
    ("basic", ("基本支出",)),
    ("project", ("项目支出",)),
    ("whole", ("整体支出", "支出合计", "支出预算", "拨款支出")),
)
BREAKDOWN_PARTS = (
    ("basic", ("基本支出",)),
    ("project", ("项目支出",)),
    ("wages", ("工资福利",)),
    ("goods", ("商品和服务", "商品服务")),
    ("family", ("对个人和家庭",)),
    ("capital", ("资本性",)),
    ("personnel", ("人员经费",)),
    ("public", ("公用经费",)),
)
# Words that limit a breakdown to one source of funds (the 基础数据表 counts all funds).
BREAKDOWN_SCOPES = ("一般公共预算", "财政拨款", "政府性基金")
# A part named with a source of funds its total does not name (财政拨款基本支出…，其他资金基本
# 支出…) splits the total by source, not by kind: that part and the ones after it are not read.
BREAKDOWN_PART_SOURCES = (*BREAKDOWN_SCOPES, "其他资金", "自有资金", "单位资金", "非税收入")
BREAKDOWN_PART_KEYS_MAX = 1  # 基本支出中人员经费 names two: a part of a part, not read
# (flag, words): what kind of amount a breakdown states; none of them: not read
BREAKDOWN_FLAGS = (
    ("目标", ("绩效目标",)),
    ("决算", ("决算", "本年支出合计", "实际支出")),
    ("预算", ("预算",)),
)
# 财政拨款(预算)收入 X万元 with no fund named before it: all 财政拨款 of the year
FISCAL_INCOME = re.compile(
    rf"(?<!一般公共预算)(?<!政府性基金预算)(?<!国有资本经营预算)财政拨款(?:预算)?收入(?:为|共计|合计)?"
    rf"{N}{MONEY}"
)
REASON = re.compile(r"原因(?:是|为|主要是)?[：:]?(.*)$")
OTHER_YEAR_CLAUSE = re.compile(r"(?:上年|去年|上一年|往年|以前年度|20\d\d年)[^，,；;。]*")
UP_WORDS = ("增加", "增长", "提高", "上升", "增多")
DOWN_WORDS = ("减少", "下降", "降低", "压减", "缩减", "减少了")


def subject_of(text: str) -> str | None:
    """Given a sentence (or the part before a phrase), return the figure it speaks about."""
    best: tuple[int, str] | None = None
    for key, words in SUBJECTS:
        for w in words:
            i = text.find(w)
            if i >= 0 and (best is None or i < best[0]):
                best = (i, key)
    if best and best[1] in ("total.income", "total.expenditure"):
        if text.find("财政拨款") >= 0 and text.find("财政拨款") < best[0]:
            return "fiscal.total"
    return best[1] if best else None


CLAUSE_END = "；;"


def subject_before(text: str, pos: int) -> str | None:
    """Given a sentence and a position, return the figure named nearest before it in its clause.

    The clause runs back to the last ；.  A 其中 between the name and the position means the
    figure is a part of the one named (收入总计…其中本年收入合计…): then nothing is returned.
    """
    start = max(text.rfind(c, 0, pos) for c in CLAUSE_END) + 1
    part = text[start:pos]
    best: tuple[int, int, str] | None = None  # (end, length, key)
    for key, words in SUBJECTS:
        for w in words:
            i = part.rfind(w)
            if i >= 0 and (best is None or (i + len(w), len(w)) > best[:2]):
                best = (i + len(w), len(w), key)
    if best is None or "其中" in part[best[0] :]:
        return None
    end, length, key = best
    if key in ("total.income", "total.expenditure") and part[: end - length].endswith("财政拨款"):
        return "fiscal.total"
    return key


LEFT_YEAR = re.compile(r"(20\d\d)年度?[^，。；]{0,16}?$")


def _left_year(text: str, end: int) -> int | None:
    """Given a sentence and where a comparison starts, return the year on its left (2024年比…)."""
    m = LEFT_YEAR.search(text[:end])
    return int(m.group(1)) if m else None


def _key_of(words: str, keys: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    """Given words and (key, names) pairs, return the first key whose name is in the words."""
    return next((key for key, names in keys if any(n in words for n in names)), None)


def _nested_part(name: str, total_words: str) -> bool:
    """Given a breakdown part's name and its total's words, return whether it is not total.part.

    基本支出中人员经费 names two parts (a part of a part); 财政拨款基本支出 names a source of
    funds its total does not (a split by source): neither is the total's part of that kind.
    """
    keys = {key for key, names in BREAKDOWN_PARTS if any(n in name for n in names)}
    scoped = any(w in name and w not in total_words for w in BREAKDOWN_PART_SOURCES)
    return len(keys) > BREAKDOWN_PART_KEYS_MAX or scoped


def _sign(verb: str) -> int:
    return -1 if verb in ("减少", "下降") else 1


def read_mentions(
    nt: NormText, start: int, end: int, block: Block, section: str
) -> list[Statement]:
    """Given one sentence span of a paragraph, return the mentions the checks use."""
    reader = _Sentence(nt, start, end, block, section)
    if not DIGIT.search(reader.text):
        # every mention but 无结转结余 is made of a number the sentence states
        reader.remarks()
        return reader.out
    present = set(reader.text)  # each test then looks only at a step's few characters
    for step, needs in STEP_CHARS:
        if needs is None or not needs.isdisjoint(present):
            getattr(reader, step)()
    return reader.out


# Each step of _Sentence (in the order they run) and the patterns whose matches are the only
# way it records anything (None: it reads what earlier steps found).  A step runs only on a
# sentence holding a character one of its patterns' matches needs (etl/extract/regexneeds).
STEP_PATTERNS: tuple[tuple[str, tuple[re.Pattern, ...] | None], ...] = (
    ("completions", (COMPLETION,)),
    ("changes", (CHANGE, CHANGE_AFTER)),
    ("yuan_amounts", (YUAN_AMOUNT,)),
    ("years", (COMPARED_YEAR, AS_OF_YEAR, *REPORTING_YEAR)),
    ("shares", (SHARE,)),
    ("listings", (LISTING,)),
    ("counts", (COUNT_PARTS,)),
    ("reasons", None),
    ("project_amounts", (PROJECT_AMOUNT,)),
    ("targets", (TARGET,)),
    ("project_classes", (PROJECT_CLASS,)),
    ("breakdowns", (BREAKDOWN,)),
    ("fiscal_incomes", (FISCAL_INCOME,)),
    ("remarks", (NO_CARRYOVER, GPB_BASIC)),
)


STEP_CHARS = tuple(
    (step, None if patterns is None else any_required_chars(patterns))
    for step, patterns in STEP_PATTERNS
)


class _Sentence:
    """One sentence being read for mentions; each method adds one kind."""

    def __init__(self, nt: NormText, start: int, end: int, block: Block, section: str) -> None:
        self.nt, self.start, self.block, self.section = nt, start, block, section
        self.text = nt.text[start:end]
        self.out: list[Statement] = []
        self.covered: list[tuple[int, int]] = []  # spans whose year a change mention holds

    def add(self, record: type[Statement], a: int, b: int, **kw) -> None:
        """Given a statement kind, a span of the sentence and its fields, record one."""
        quote = self.nt.quote(self.start + a, self.start + b)
        self.out.append(
            record(
                quote=quote, page=self.block.page, loc=self.block.loc, section=self.section, **kw
            )
        )

    def clause_start(self, pos: int, seps: str = "，；;、：:") -> int:
        """Given a position, return where its clause starts (after the last separator)."""
        return max(self.text.rfind(sep, 0, pos) for sep in seps) + 1

    def completions(self) -> None:
        text = self.text
        if "（类）" in text or "(类)" in text:
            return  # 类/款/项 lines: their 完成预算% is on the function item
        found = list(COMPLETION.finditer(text))
        for n, m in enumerate(found):
            actual = ACTUAL_BEFORE.search(text[: m.start()])
            subject = subject_before(text, m.start())
            if subject is None or actual is None:
                continue
            # the verdict words belong to this rate only up to the next rate or clause
            stop = found[n + 1].start() if n + 1 < len(found) else len(text)
            stop = min([stop] + [i for c in CLAUSE_END if (i := text.find(c, m.end())) >= 0])
            verdict = VERDICT.search(text, m.end(), stop)
            self.add(
                Completion, self.clause_start(actual.start(), "；;"),
                verdict.end() if verdict else m.end(),
                metric=subject, actual=to_wanyuan(actual.group(1), actual.group(2)),
                pct=float(m.group(2)), budget=float(m.group(1)) if m.group(1) else None,
                verdict=VERDICT_SIGN.get(verdict.group(1), "=") if verdict else None,
            )  # fmt: skip

    def changes(self) -> None:
        text = self.text
        for m in CHANGE.finditer(text):
            subject = subject_before(text, m.start())
            if subject is None:
                continue
            verb, flag = m.group(2), None
            if verb == "持平":
                value = 0.0
            elif "/" in verb:
                value, flag = (float(m.group(3)) if m.group(3) else 0.0), "template"
            elif m.group(3) is None:
                continue
            else:
                value = _sign(verb) * to_wanyuan(m.group(3), m.group(4))
            pct = None
            if m.group(5) is not None:
                pct_verb = re.search(r"(增长|下降|增加|减少)[^%]*%$", m.group(0))
                pct = float(m.group(5)) * (_sign(pct_verb.group(1)) if pct_verb else 1)
            self.covered.append((m.start(), m.end()))
            self.add(
                Change, m.start(), m.end(), metric=subject, amount=value, pct=pct,
                against_year=int(m.group(1)), this_year=_left_year(text, m.start()), form=flag,
            )  # fmt: skip
        for m in CHANGE_AFTER.finditer(text):
            subject = subject_of(m.group(2)) or subject_before(text, m.start())
            if subject is None:
                continue
            self.covered.append((m.start(), m.end()))
            pct = None if m.group(7) is None else _sign(m.group(6)) * float(m.group(7))
            self.add(
                Change, m.start(), m.end(), metric=subject,
                amount=_sign(m.group(3)) * to_wanyuan(m.group(4), m.group(5)), pct=pct,
                against_year=int(m.group(1)), this_year=_left_year(text, m.start()),
            )  # fmt: skip

    def yuan_amounts(self) -> None:
        for m in YUAN_AMOUNT.finditer(self.text):
            subject = subject_before(self.text, m.start())
            if subject is not None and float(m.group(1)) < YUAN_SUSPECT_MAX:
                self.add(
                    Amount, self.clause_start(m.start()), m.end(), metric=subject,
                    amount=to_wanyuan(m.group(1), "元"), written_unit="元",
                )  # fmt: skip

    def fiscal_incomes(self) -> None:
        for m in FISCAL_INCOME.finditer(self.text):
            self.add(
                FiscalIncome, self.clause_start(m.start()), m.end(),
                amount=to_wanyuan(m.group(1), m.group(2)), year=_left_year(self.text, m.start()),
            )  # fmt: skip

    def years(self) -> None:
        text = self.text
        for m in COMPARED_YEAR.finditer(text):
            if any(a <= m.start(2) < b for a, b in self.covered):
                continue  # the change mention over these words carries the year
            self.add(
                YearCompared, m.start(), m.end(), against_year=int(m.group(2)),
                this_year=int(m.group(1)) if m.group(1) else None,
            )  # fmt: skip
        for m in AS_OF_YEAR.finditer(text):
            self.add(YearAsOf, m.start(), min(len(text), m.end() + 12), year=int(m.group(1)))
        for pattern in REPORTING_YEAR:
            for m in pattern.finditer(text):
                self.add(YearReported, m.start(), m.end(), year=int(m.group(1)))

    def shares(self) -> None:
        text = self.text
        first = LEAD_AMOUNT.search(text)
        lead = None  # the total a list of shares refers to: the sentence's first amount
        if (
            first
            and not text.startswith("占", first.end())
            and not text.startswith("，占", first.end())
        ):
            lead = first
        for m in SHARE.finditer(text):
            named = m.group(3)
            base_metric = NAMED_BASES.get(named or "")
            base, context = None, ""
            between = text[lead.end() : m.start()] if lead is not None else ""
            if named is None and any(w in between for w in ("合计", "总计", "总额")):
                continue  # another total stands between: which one the share is of is unclear
            if (
                base_metric is None
                and named is None
                and lead is not None
                and lead.start() < m.start()
            ):
                base = to_wanyuan(lead.group(1), lead.group(2))
                a = self.start + max(0, lead.start() - LEAD_CONTEXT)
                context = self.nt.quote(a, self.start + lead.end())
            elif base_metric is None and "三公" in text[: m.start()]:
                base_metric = "sangong.total"
            if base is None and base_metric is None:
                continue
            self.add(
                Share, self.clause_start(m.start()), m.end(), of_metric=base_metric,
                amount=to_wanyuan(m.group(1), m.group(2)), pct=float(m.group(4)), of_amount=base,
                of_words=context,
            )  # fmt: skip

    def listings(self) -> None:
        text = self.text
        for m in LISTING.finditer(text):
            parts = LIST_SEPARATORS.split(m.group(3))
            amounts = [a for part in parts if (a := LISTED_AMOUNT.search(part))]
            lead = re.search(rf"项目支出{N}{MONEY}[，,]?$", text[: m.start()])
            self.add(
                ProjectListing, lead.start() if lead else m.start(), m.end(),
                count=float(int(m.group(1) or m.group(2))),
                listed_total=round(sum(to_wanyuan(a.group(1), a.group(2)) for a in amounts), 6),
                project_spending=to_wanyuan(lead.group(1), lead.group(2)) if lead else None,
                amounts_listed=str(len(amounts)),
            )  # fmt: skip

    def counts(self) -> None:
        for m in COUNT_PARTS.finditer(self.text):
            first_level = m.group(2).split("其中")[0]  # a nested 其中 lists parts of a part
            parts = [int(x) for x in COUNT_PART.findall(first_level)]
            self.add(
                CountParts, self.clause_start(m.start(), "，；;。"), m.end(),
                total=float(m.group(1)), parts_sum=float(sum(parts)),
            )  # fmt: skip

    def reasons(self) -> None:
        """The first stated change of the sentence against the reason given after it."""
        change = next((c for c in self.out if isinstance(c, Change) and c.amount), None)
        if not self.covered or change is None:
            return
        a, b = self.covered[0]
        reason = REASON.search(self.text, b)
        if reason is None:
            return
        # words about another year (上年因疫情减少接待) do not say which way this year went
        words = OTHER_YEAR_CLAUSE.sub("", reason.group(1))
        up = any(w in words for w in UP_WORDS)
        down = any(w in words for w in DOWN_WORDS)
        if up != down:
            self.add(
                ChangeReason, a, reason.end(), metric=change.metric, change=change.amount,
                direction="up" if up else "down",
            )  # fmt: skip

    def project_amounts(self) -> None:
        for m in PROJECT_AMOUNT.finditer(self.text):
            name = m.group(1)
            if "项目" not in name and "经费" not in name and "费" not in name[-2:]:
                continue  # not a project's name (e.g. 部门年初预算资金)
            self.add(
                ProjectAmount, m.start(1), m.end(), figure=PROJECT_FIELDS[m.group(2)],
                amount=to_wanyuan(m.group(3), m.group(4)), project=name,
            )  # fmt: skip

    def targets(self) -> None:
        for m in TARGET.finditer(self.text):
            self.add(
                Target, m.start(1), m.end(), value=float(m.group(3)),
                sign_unit=m.group(2) + m.group(4), indicator=m.group(1),
            )  # fmt: skip

    def project_classes(self) -> None:
        for m in PROJECT_CLASS.finditer(self.text):
            # the class is named in the sentence before: 常年项目绩效分析。该类项目…
            named = CLASS_NAME.search(self.nt.text[: self.start])
            begin = named.start() - self.start if named else 0
            self.add(
                ProjectClass, begin, m.end(), amount=to_wanyuan(m.group(2), m.group(3)),
                projects=float(m.group(1)), progress_pct=float(m.group(4)),
                class_name=named.group(1) if named else "",
            )  # fmt: skip

    def breakdowns(self) -> None:
        """A year's amount and the parts listed after 其中, each tagged with year and kind.

        The total is one of whole (整体支出…), basic or project; each part's subject is
        total.part (whole.basic, basic.goods …).  Scoped amounts (一般公共预算…) say so in
        the context.  Parts are read clause by clause until a clause is not an amount.
        """
        text = self.text
        for m in BREAKDOWN.finditer(text):
            words = m.group(2)
            scope = next((w for w in BREAKDOWN_SCOPES if w in words), "")
            plain = words
            for w in BREAKDOWN_SCOPES:
                plain = plain.replace(w, "")
            total = _key_of(words, BREAKDOWN_TOTALS)
            flag = _key_of(plain, BREAKDOWN_FLAGS)
            if total is None or flag is None:
                continue
            parts, pos = [], m.end()
            for clause in BREAKDOWN_SEPARATORS.split(text[m.end() :]):
                words = clause.rstrip("。")
                if (p := BREAKDOWN_PART.match(words)) and "其中" not in p.group(1):
                    if _nested_part(p.group(1), m.group(2)):
                        break  # the list is not total.part from here: read nothing more of it
                    key = _key_of(p.group(1), BREAKDOWN_PARTS)
                    if key is not None and key != total:
                        parts.append((key, to_wanyuan(p.group(2), p.group(3)), pos + len(words)))
                elif words and not BREAKDOWN_SKIP.match(words):
                    break
                pos += len(clause) + 1  # and the separator
            if not parts:
                continue
            common = {"year": int(m.group(1)), "stage": flag, "scope": scope}
            self.add(
                Breakdown, m.start(1), parts[-1][2], subject=total,
                amount=to_wanyuan(m.group(3), m.group(4)), **common,
            )  # fmt: skip
            for key, value, end in parts:
                self.add(
                    Breakdown, m.start(1), end, subject=f"{total}.{key}", amount=value, **common
                )

    def remarks(self) -> None:
        """无结转结余, and the 一般公共预算财政拨款基本支出 amount (not a metric of its own)."""
        if NO_CARRYOVER.search(self.text):
            # context: what the sentence covers (财政资金 only, a project, or the whole unit)
            self.add(NoCarryover, 0, len(self.text), scope=scopes.scope_of(self.text))
        for m in GPB_BASIC.finditer(self.text):
            self.add(
                Amount, m.start(), m.end(), metric="gpb.basic",
                amount=to_wanyuan(m.group(1), m.group(2)),
            )  # fmt: skip
