"""Projects a report describes only in prose (no self-evaluation table).

Reads the list of projects ("年初预算 5 个项目，分别是A、B、C项目。") and follows each
project's own evaluation section; the figures in running text (a section's 全年预算数,
批复数 and 自评得分, a sentence naming a project, a spending list, "A预算项目绩效自评得分为
99.2 分") are read by project_prose.  Where a report has self-evaluation tables, the tables
are the source and the prose only fills their empty fields.

For the checks it also notes which project reports the text says were produced
("形成…、A、B专项预算项目绩效自评报告", "A等2个预算项目绩效自评报告") and which are
attached (a report titled "A预算项目绩效评价报告", or a project self-evaluation table).
"""

from __future__ import annotations

import re

from etl.extract.project_prose import ProseProjects
from etl.extract.textnorm import ENUMERATOR, NormText
from etl.model import Block, Project
from etl.statements import ProjectReport, ReportList, Statement
from etl.vocab.projects import vocab

PROJECT_LIST = re.compile(rf"(?:{'|'.join(vocab().name_lists)})(?P<names>[^。]+)")
LIST_END = "。"
# "形成县委办单位整体绩效自评报告、A等2个预算项目绩效自评报告，…": the reports produced
REPORT_LIST = re.compile(r"形成(?P<list>[^。；;]*?绩效(?:自评|评价)报告)(?=[，,。；;]|$)")
# "A等2个预算项目…", "…和2个项目…", "2个项目…": how many project reports a list says
REPORT_COUNT = re.compile(r"(?:等|和|及|^)(?P<n>\d+)个(?:预算)?(?:项目)?")
REPORT_SUFFIX = re.compile(r"(?:预算)?(?:项目)?(?:支出)?绩效(?:自评|评价)报告$")
ATTACHMENT_PREFIX = re.compile(r"^(?:附件\d*[：:]|关于)")
UNIT_REPORT_WORDS = ("整体",)  # a unit-wide report, not a project's
UNIT_REPORT_ENDS = ("部门", "单位")  # 部门预算绩效评价报告, 县委办2024年度部门…: the unit's own
TITLE_MAX = 40  # characters of a report title paragraph
TITLE_JOIN = "及和与、"  # a title line ending in these continues on the next paragraph
GENERIC_NAME = re.compile(r"^(?:\d{4}年度?)?$")  # "2023年度项目支出绩效自评报告" names no project
NAME_MIN_HAN = 2  # a project name has at least this many Chinese characters
NAMES_SEPARATOR = "\n"  # report_list names are joined by this (names may contain 、)
HAN = re.compile(r"[\u4e00-\u9fff]")


def project_name(words: str) -> str | None:
    """Given the words naming a report (title or list item), return its project, or None."""
    name = REPORT_SUFFIX.sub("", ENUMERATOR.sub("", ATTACHMENT_PREFIX.sub("", words)))
    name = name.removesuffix("的")
    if any(w in name for w in UNIT_REPORT_WORDS) or name.endswith(UNIT_REPORT_ENDS):
        return None
    if GENERIC_NAME.match(name) or len(HAN.findall(name)) < NAME_MIN_HAN:
        return None
    return name


def table_reports(table_projects: list[Project]) -> list[Statement]:
    """Given the projects read from self-evaluation tables, return them as attached reports."""
    return [
        ProjectReport(quote=p.quote, page=p.page, loc=p.loc, project=p.name, source="table")
        for p in table_projects
    ]


class NarrativeProjects:
    """Collects projects from prose paragraphs in document order."""

    def __init__(self) -> None:
        self.projects: list[Project] = []
        self.current: Project | None = None
        self.pending: tuple[NormText, Block] | None = None  # a list cut off mid-sentence
        self.mentions: list[Statement] = []  # project reports said to be produced / attached
        self.prev_title: str = ""  # a short paragraph that may be a title's first line
        self.prose = ProseProjects()  # figures stated in running text

    def read(self, nt: NormText, block: Block) -> None:
        """Given a paragraph, read the project facts it states."""
        text = nt.text
        if self.pending is not None:
            first, first_block = self.pending
            self.pending = None
            joined = first.text
            # a converter may repeat the character at the break (脱贫攻坚和乡 / 乡村振兴)
            joined += text[1:] if text[:1] and joined.endswith(text[:1]) else text
            self._read_list(joined, first.quote(0, len(first.text)), first_block)
        elif (m := PROJECT_LIST.search(text)) and not self.projects:
            if LIST_END not in text[m.start() :]:
                self.pending = (nt, block)
            else:
                self._read_list(text[m.start() :], nt.quote(m.start(), len(text)), block)
        self._section(text)
        self._reports(nt, block)
        self.prose.read(nt, block)
        if self.current is not None:
            self.prose.read_section(nt, block, self.current.name)

    def _reports(self, nt: NormText, block: Block) -> None:
        """Given a paragraph, note the project reports it lists or the one it is the title of."""
        text = nt.text
        for m in REPORT_LIST.finditer(text):
            listed, names, count = m.group("list"), [], None
            for part in listed.split("、"):
                if n := REPORT_COUNT.search(part):
                    count = float(n.group("n"))
                    part = part[: n.start()]  # "A等2个预算项目…": A is one of them
                if part and (name := project_name(part)):
                    names.append(name)
            self.mentions.append(
                ReportList(quote=nt.quote(m.start(), m.end()), page=block.page, loc=block.loc,
                           count=count, names=NAMES_SEPARATOR.join(names), listed=listed)
            )  # fmt: skip
        title, words, prev = ATTACHMENT_PREFIX.sub("", text), text, self.prev_title
        short = len(title) <= TITLE_MAX and not any(p in title for p in "。，,；;：:")
        self.prev_title = title if short else ""
        if not short or not REPORT_SUFFIX.search(title):
            return
        bare = not REPORT_SUFFIX.sub("", title)  # "绩效评价报告" alone: its name is above
        if prev and (bare or prev[-1] in TITLE_JOIN or prev.endswith("项目")):
            title, words = prev + title, prev + text  # a title set on two lines
        if name := project_name(title):
            self.mentions.append(
                ProjectReport(quote=words, page=block.page, loc=block.loc, project=name)
            )

    def _read_list(self, text: str, quote: str, block: Block) -> None:
        m = PROJECT_LIST.search(text)
        if not m:
            return
        names = [n for n in re.split(r"[、，,]", m.group("names").rstrip("。")) if n]
        if names and names[-1].endswith("项目") and len(names) > 1:
            names[-1] = names[-1][: -len("项目")]  # "…、B、C项目" names the list, not C
        for name in names:
            self.projects.append(Project(name=name, quote=quote, page=block.page, loc=block.loc))

    def _section(self, text: str) -> None:
        """Given a paragraph, follow which project's evaluation section it belongs to."""
        for p in self.projects:
            if text.startswith(p.name) and len(text) <= len(p.name) + 16 and "。" not in text:
                self.current = p
                return

    def merge(self, table_projects: list[Project]) -> list[Project]:
        """Given the projects read from tables, return the report's project list."""
        return self.prose.merge(table_projects or self.projects)
