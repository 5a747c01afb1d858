"""The build's plan, as pure functions: what to parse, what to carry over, which duplicate wins.

Nothing here reads files, starts processes or writes a warehouse: each function takes the
screened inputs and the old warehouse's contents (etl/build/old.py) and returns decisions.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from etl import PARSER_VERSION
from etl.build.model import FMT_PRIORITY, FileOutcome, InputFile, StagedReport
from etl.build.old import Old, stated_from_row
from etl.units import StatedUnit, apply_alias, unit_key


@dataclass
class Candidate:
    """A report that may go into the new warehouse."""

    report_id: str
    stated: StatedUnit
    fiscal_year: int
    doc_kind: str
    fmt: str
    source_file: str
    fact_count: int
    origin: str  # new | carried | retained
    report: StagedReport | None = None  # for new reports
    old_row: dict | None = None  # raw_reports row of the old warehouse
    file: InputFile | None = None
    key: tuple = ()

    def rank(self) -> tuple:
        """Given a candidate, return its sort key: the kept report sorts first."""
        return (
            self.origin == "retained",
            -self.fact_count,
            FMT_PRIORITY.get(self.fmt, 9),
            self.source_file,
            self.file.source_path if self.file else "",
        )


@dataclass
class FilePlan:
    """What happens to each hashed input before parsing: carried over, or to be parsed."""

    carried: dict[int, dict] = field(default_factory=dict)  # index -> old raw_reports row
    dup_carried: dict[int, dict] = field(default_factory=dict)  # index -> old raw_files row
    to_parse: list[int] = field(default_factory=list)


@dataclass
class Decision:
    """The reports kept (one per unit, year and kind) and every input file's outcome."""

    kept: dict[str, Candidate]
    outcomes: dict[int, FileOutcome]
    retained: list[str]  # source files of old reports kept although their file is absent
    notes: list[str]  # old reports replaced by a new file, one line each
    # a kept new DOCX/text report -> the PDF of the same report given beside it (its twin)
    twins: dict[str, InputFile] = field(default_factory=dict)


def carried_row(item: InputFile, old: Old | None, force: bool) -> dict | None:
    """Given a hashed input, the old warehouse and --force, return its reusable old report row."""
    row = old.reports.get(item.sha256[:16]) if old and item.sha256 and not force else None
    if row and row["source_sha256"] == item.sha256 and row["parser_version"] == PARSER_VERSION:
        return row
    return None


def plan_files(
    inputs: Sequence[InputFile],
    problems: Mapping[int, str],
    copies: Mapping[int, int],
    old: Old | None,
    *,
    force: bool,
    aliases_sha: str,
) -> FilePlan:
    """Given screened inputs, the old warehouse and options, return what to carry and to parse.

    A file is carried when the old warehouse holds its report (same bytes and
    PARSER_VERSION), or held it as a duplicate of a report that is carried, provided the
    parser and the alias file are unchanged.  Failed inputs and identical copies are neither.
    """
    plan = FilePlan()
    same = (
        old is not None
        and not force
        and old.info.get("parser_version") == PARSER_VERSION
        and old.info.get("aliases_sha256") == aliases_sha
    )
    firsts = [n for n in range(len(inputs)) if n not in problems and n not in copies]
    rows = {n: carried_row(inputs[n], old, force) for n in firsts}
    carried_ids = {inputs[n].sha256[:16] for n, row in rows.items() if row}
    for n in firsts:
        item = inputs[n]
        if rows[n] is not None:
            plan.carried[n] = rows[n]
            continue
        dup = old.duplicates.get(item.sha256) if same and old else None
        if dup and dup["report_id"] in carried_ids:
            plan.dup_carried[n] = dup
        else:
            plan.to_parse.append(n)
    return plan


def carried_candidate(item: InputFile, row: dict, old: Old) -> Candidate:
    """Given an unchanged input and its old report row, return its carried candidate."""
    return Candidate(
        row["report_id"], stated_from_row(row), row["fiscal_year"], row["doc_kind"], row["fmt"],
        item.name, old.fact_counts.get(row["report_id"], 0), "carried", old_row=row, file=item,
    )  # fmt: skip


def new_candidate(item: InputFile, report: StagedReport) -> Candidate:
    """Given a parsed input and its staged report, return its new candidate."""
    fmt = report.fmt if report.fmt in FMT_PRIORITY else item.fmt or "txt"
    return Candidate(
        item.sha256[:16],
        StatedUnit(report.unit_name, report.unit_short, report.region, report.city),
        int(report.fiscal_year), report.doc_kind, fmt, item.name, report.fact_count,
        "new", report=report, file=item,
    )  # fmt: skip


def retained_candidates(
    old: Old | None, input_ids: set[str], prune: bool, drop: Collection[str] = ()
) -> list[Candidate]:
    """Given the old warehouse, the inputs' report ids, --prune and the report ids removed on
    purpose, return the absent files' kept reports (none when pruning, never a dropped one)."""
    if old is None or prune:
        return []
    return [
        Candidate(
            report_id,
            stated_from_row(row),
            row["fiscal_year"],
            row["doc_kind"],
            row["fmt"],
            row["source_file"],
            old.fact_counts.get(report_id, 0),
            "retained",
            old_row=row,
        )  # fmt: skip
        for report_id, row in sorted(old.reports.items())
        if report_id not in input_ids and report_id not in drop
    ]


def gather(
    inputs: Sequence[InputFile],
    plan: FilePlan,
    parsed: Mapping[int, StagedReport],
    old: Old | None,
    prune: bool,
    drop: Collection[str] = (),
) -> list[Candidate]:
    """Given the inputs, the plan, the parsed reports, the old warehouse, --prune and the report
    ids removed on purpose, return every candidate: carried (input order), new (input order),
    then retained (report id order)."""
    out = [carried_candidate(inputs[n], row, old) for n, row in sorted(plan.carried.items())]
    out += [new_candidate(inputs[n], parsed[n]) for n in sorted(parsed)]
    input_ids = {item.sha256[:16] for item in inputs if item.sha256}
    return out + retained_candidates(old, input_ids, prune, drop)


def reason(winner: Candidate, loser_fmt: str, loser_facts: int | None) -> str:
    """Given the kept candidate and a loser's format and fact count, return why it was kept."""
    if loser_facts is not None and winner.fact_count != loser_facts:
        return f"指标更多（{winner.fact_count} 项，对方 {loser_facts} 项）"
    if FMT_PRIORITY.get(winner.fmt, 9) != FMT_PRIORITY.get(loser_fmt, 9):
        return f"指标一样多，格式优先（docx > pdf > html > txt，保留 {winner.fmt}）"
    return "指标一样多、格式相同，按文件名取靠前者"


def label(c: Candidate) -> str:
    """Given a candidate, return how a person names its report (金口河·区委办 2024 决算)."""
    region_short, short = c.key[0]
    display = f"{region_short}·{short}" if region_short else short
    return f"{display} {c.fiscal_year} {c.doc_kind}"


def decide(
    inputs: Sequence[InputFile],
    failed: Mapping[int, FileOutcome],
    candidates: Sequence[Candidate],
    plan: FilePlan,
    copies: Mapping[int, int],
    old: Old | None,
    aliases: Mapping,
) -> Decision:
    """Given the inputs, their failures, all candidates, the plan, identical copies, the old
    warehouse and the unit aliases, return one kept report per unit, fiscal year and kind and
    every input's outcome."""
    outcomes = {n: dataclasses.replace(o) for n, o in failed.items()}
    for c in candidates:
        c.key = (unit_key(apply_alias(c.stated, aliases)), c.fiscal_year, c.doc_kind)
    groups: dict[tuple, list[Candidate]] = {}
    for c in candidates:
        groups.setdefault(c.key, []).append(c)
    kept: dict[str, Candidate] = {}
    winner_of: dict[str, Candidate] = {}  # any candidate's report_id -> the kept candidate
    notes: list[str] = []
    retained: list[str] = []
    twins: dict[str, InputFile] = {}
    index_of = {id(item): n for n, item in enumerate(inputs)}
    for key in sorted(groups, key=lambda k: (k[0], k[1], k[2])):
        members = sorted(groups[key], key=Candidate.rank)
        winner = members[0]
        kept[winner.report_id] = winner
        twin = _pdf_twin(winner, members[1:])
        if twin is not None:
            twins[winner.report_id] = twin
        for c in members:
            winner_of[c.report_id] = winner
        for c in members[1:]:
            if c.origin == "retained":
                notes.append(f"{c.source_file}: 旧报告（{label(c)}）已由 {winner.source_file} 取代")
                continue
            message = (
                f"与 {winner.source_file} 为同一报告（{label(winner)}），保留 "
                f"{winner.source_file}：{reason(winner, c.fmt, c.fact_count)}"
            )
            outcomes[index_of[id(c.file)]] = FileOutcome(
                c.file, "duplicate", message, winner.report_id, c.fact_count, c.stated.unit_name
            )
        if winner.origin != "retained":
            status = "loaded" if winner.origin == "new" else "unchanged"
            outcomes[index_of[id(winner.file)]] = FileOutcome(
                winner.file, status, "", winner.report_id, winner.fact_count,
                winner.stated.unit_name,
            )  # fmt: skip
        else:
            retained.append(winner.source_file)
    for n, dup in sorted(plan.dup_carried.items()):
        item = inputs[n]
        winner = winner_of[dup["report_id"]]
        if winner.report_id == dup["report_id"] and dup["message"]:
            message = dup["message"]
        else:
            message = (
                f"与 {winner.source_file} 为同一报告（{label(winner)}），保留 "
                f"{winner.source_file}：{reason(winner, item.fmt or 'txt', dup['fact_count'])}"
            )
        stated_name = old.names.get(item.name) if old else None
        outcomes[n] = FileOutcome(
            item, "duplicate", message, winner.report_id, dup["fact_count"], stated_name
        )
    for n, first in sorted(copies.items()):
        base = outcomes[first]
        item = inputs[n]
        if base.status == "failed":
            outcomes[n] = FileOutcome(item, "failed", base.message)
            continue
        winner = winner_of[inputs[first].sha256[:16]]
        message = f"与 {inputs[first].name} 内容完全相同，保留 {winner.source_file}"
        outcomes[n] = FileOutcome(
            item, "duplicate", message, winner.report_id, base.fact_count, base.stated_name
        )
    _note_kept_old_versions(outcomes, kept)
    return Decision(kept, outcomes, retained, notes, twins)


def _pdf_twin(winner: Candidate, others: Sequence[Candidate]) -> InputFile | None:
    """Given a kept new report and the other files of the same report, return the PDF among
    them whose pages its places can name, or None."""
    if winner.origin != "new" or winner.fmt not in ("docx", "txt"):
        return None
    pdfs = [c.file for c in others if c.fmt == "pdf" and c.origin != "retained" and c.file]
    return pdfs[0] if pdfs else None


def _note_kept_old_versions(
    outcomes: dict[int, FileOutcome], kept: Mapping[str, Candidate]
) -> None:
    """Given outcomes and kept reports, add to each failed file that its earlier version is kept."""
    kept_old_by_path = {
        (c.old_row["source_path"], c.old_row["source_file"]): c
        for c in kept.values()
        if c.origin == "retained"
    }
    for o in outcomes.values():
        if o.status != "failed":
            continue
        for (path, name), c in kept_old_by_path.items():
            if path == o.file.source_path or name == o.file.name:
                o.message += f"；仓库中保留上次载入的 {c.source_file}（{label(c)}）"
                break


def nothing_changed(
    old: Old | None,
    kept: Mapping[str, Candidate],
    unit_of: Mapping[str, str],
    files: Sequence[tuple],
    info: Mapping[str, str],
) -> bool:
    """Given the old warehouse, the kept reports, their units, the raw_files rows and the build
    info about to be written, return whether the new warehouse would equal the old one."""
    if (
        old is None
        or set(kept) != set(old.reports)
        or any(c.origin == "new" for c in kept.values())
    ):
        return False
    if any(old.info.get(key) != value for key, value in info.items()):
        return False
    for rid, c in kept.items():
        row = old.reports[rid]
        if row.get("unit_id") != unit_of[rid]:
            return False
        if c.file is not None and (row.get("source_file"), row.get("source_path")) != (
            c.file.name,
            c.file.source_path,
        ):
            return False
    return sorted(files, key=repr) == sorted(old.files, key=repr)
