"""Synthetic 部门决算 and 绩效自评 reports, deterministic from a seed, with their ground truth.

``generate_corpus(out_dir, SynthOptions(...))`` writes, for every unit and year, a 部门决算
report (``final``, about 20 PDF pages) and a 部门整体支出绩效自评 report (``eval``, about 10
pages) in each requested format, and one truth file per report, laid out as::

    out_dir/pdf/<stem>.pdf      out_dir/docx/<stem>.docx      out_dir/truth/<stem>.json

with ``<stem>`` = ``synth<seed>_u<unit>_<year>_<final|eval>``.  The PDF and DOCX of a report
state the same words and share one truth file (the form of tests/fixtures/expected: identity,
``metrics`` {key: {value, quote}} as stated, projects, 功能分类, plus ``inconsistencies`` as
{kind, metric, text, explanation} where ``text`` is the report's exact words).  Build each
format folder into its own warehouse (the builder keeps one report per unit, year and kind)
and score it with ``tests/score_etl.py WAREHOUSE out_dir/truth``.

Every report says 合成数据 in its first line (Report.is_synthetic) and names a fictional
region.  Without injections a report is fully consistent: parts add up to totals, stated
percentages match the amounts to 0.01, each stated change against the prior year matches
the previous year's report, and the 绩效自评 report agrees with the 决算 report of its year.
Each requested injection is applied to every report where it applies; generating the same
seed without injections gives the same figures, so clean and injected corpora pair up:

- total_change_pct: the 收支总计 增减率 is wrong for its stated change (决算).
- sangong_components: the 三公 total differs from the sum of its three components (both
  kinds; the component shares and changes, computed from the components, then disagree with
  the stated total too; the next year's change is stated against this stated total).
- score_sum: the unit-wide self-evaluation score differs from the sum of its item scores.
- restated_change: the 收支总计 change is stated again later with another amount (决算).
- stale_year: the fleet is dated 截至{year-3}年12月底 and 三公 items compare with {year-2}.
- prior_year_mismatch: the stated 收支总计 change disagrees with last year's report (决算,
  from the second year on).
- basic_parts: 基本支出 differs from 人员经费 + 公用经费 (决算).
- sangong_over_budget: the 三公 决算 exceeds its 预算 (both kinds).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from etl.synth.model import MAX_UNITS, make_unit
from etl.synth.text import INJECTIONS, Document, eval_report, final_report

__all__ = [
    "FORMATS", "INJECTIONS", "KINDS", "SynthOptions", "generate_corpus", "report_documents",
    "write_report",
]  # fmt: skip

FORMATS = ("pdf", "docx")
KINDS = ("final", "eval")  # 部门决算 report, 部门整体支出绩效自评 report
MIN_YEAR, MAX_YEAR = 2001, 2099
MAX_YEARS = 30


@dataclass(frozen=True)
class SynthOptions:
    """What to generate: units × years, the seed, the formats and the injections."""

    units: int = 10
    years: int = 3
    seed: int = 1
    formats: tuple[str, ...] = FORMATS
    first_year: int = 2022
    inject: tuple[str, ...] = ()
    kinds: tuple[str, ...] = KINDS

    def __post_init__(self) -> None:
        """Given the options, raise ValueError naming the first invalid one."""
        for name in ("units", "years", "seed", "first_year"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValueError(f"{name} must be an integer, got {value!r}")
        if not 1 <= self.units <= MAX_UNITS:
            raise ValueError(f"units must be between 1 and {MAX_UNITS}, got {self.units}")
        if not 1 <= self.years <= MAX_YEARS:
            raise ValueError(f"years must be between 1 and {MAX_YEARS}, got {self.years}")
        last = self.first_year + self.years - 1
        if self.first_year - 1 < MIN_YEAR or last > MAX_YEAR:
            raise ValueError(
                f"years must lie within {MIN_YEAR + 1}..{MAX_YEAR}, got {self.first_year}..{last}"
            )
        if isinstance(self.formats, str) or not self.formats:
            raise ValueError(
                f"formats must be a non-empty tuple of {FORMATS}, got {self.formats!r}"
            )
        bad = [f for f in self.formats if f not in FORMATS]
        if bad:
            raise ValueError(f"unknown format(s) {bad}; choose from {FORMATS}")
        if isinstance(self.kinds, str) or not self.kinds or any(k not in KINDS for k in self.kinds):
            raise ValueError(f"kinds must be a non-empty tuple of {KINDS}, got {self.kinds!r}")
        if isinstance(self.inject, str):
            raise ValueError(f"inject must be a tuple of kinds, got the string {self.inject!r}")
        bad = [k for k in self.inject if k not in INJECTIONS]
        if bad:
            raise ValueError(f"unknown injection(s) {bad}; choose from {INJECTIONS}")


def report_stem(seed: int, unit: int, year: int, kind: str = "final") -> str:
    """Given the seed, a unit index, a year and a report kind, return the report's file stem."""
    return f"synth{seed}_u{unit:03d}_{year}_{kind}"


def report_documents(opts: SynthOptions):
    """Given options, yield (stem, Document) for every unit-year report, deterministically."""
    for index in range(opts.units):
        yield from _unit_documents(opts, index)


def _unit_documents(opts: SynthOptions, index: int):
    """Given options and a unit index, yield (stem, Document) for that unit's reports."""
    unit = make_unit(opts.seed, index, opts.first_year, opts.years)
    for year in range(opts.first_year, opts.first_year + opts.years):
        if "final" in opts.kinds:
            doc = final_report(unit, year, opts.inject, opts.seed, year > opts.first_year)
            yield report_stem(opts.seed, index, year, "final"), doc
        if "eval" in opts.kinds:
            doc = eval_report(unit, year, opts.inject, opts.seed)
            yield report_stem(opts.seed, index, year, "eval"), doc


def write_report(out_dir: Path, stem: str, doc: Document, formats: tuple[str, ...]) -> list[Path]:
    """Given a report document, write its formats and truth; return the report files."""
    from etl.synth.docx import render_docx
    from etl.synth.pdf import render_pdf

    written = []
    truth = dict(doc.truth)
    truth["source"] = stem
    for fmt in formats:
        folder = out_dir / fmt
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{stem}.{fmt}"
        if fmt == "pdf":
            truth["pdf_pages"] = render_pdf(doc, path)
        else:
            render_docx(doc, path)
        written.append(path)
    (out_dir / "truth").mkdir(parents=True, exist_ok=True)
    (out_dir / "truth" / f"{stem}.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return written


def _write_unit(out_dir: Path, opts: SynthOptions, index: int) -> list[Path]:
    """Given the output folder, options and a unit index, write that unit's reports."""
    written: list[Path] = []
    for stem, doc in _unit_documents(opts, index):
        written.extend(write_report(out_dir, stem, doc, opts.formats))
    return written


def generate_corpus(out_dir: Path, opts: SynthOptions, jobs: int = 1) -> list[Path]:
    """Given an output folder, options and a process count, return the report files written."""
    # The same files, in the same order and with the same content, for any process count.
    out_dir = Path(out_dir)
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    if jobs == 1 or opts.units == 1:
        return [p for i in range(opts.units) for p in _write_unit(out_dir, opts, i)]
    import multiprocessing
    from functools import partial

    with multiprocessing.get_context("spawn").Pool(min(jobs, opts.units)) as pool:
        parts = pool.map(partial(_write_unit, out_dir, opts), range(opts.units))
    return [p for part in parts for p in part]
