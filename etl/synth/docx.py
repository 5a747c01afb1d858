"""Render a synthetic report as DOCX with python-docx: body paragraphs and real Word tables
(a cell spanning several columns is one merged cell, as in the reference reports)."""

from __future__ import annotations

from pathlib import Path

from docx import Document as new_document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import _Cell

from etl.synth.text import Document, Para, Table

BODY_FONT = "宋体"
BODY_SIZE_PT = 12
TITLE_SIZE_PT = 16
CELL_SIZE_PT = 9
FIRST_LINE_INDENT_PT = 24  # two characters


def _default_font(document) -> None:
    """Given a new document, make 宋体 at body size its default (Latin and East Asian)."""
    style = document.styles["Normal"]
    style.font.name = BODY_FONT
    style.font.size = Pt(BODY_SIZE_PT)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)


def _table(document, table: Table) -> None:
    """Given a document and a table, append it; a cell spanning columns is one merged cell."""
    t = document.add_table(rows=len(table.rows), cols=len(table.widths))
    t.style = "Table Grid"
    for r, row in enumerate(table.rows):
        tr = t.rows[r]._tr
        tcs = list(tr.tc_lst)
        col = 0
        for text, span in row:
            tc = tcs[col]
            if span > 1:
                tc.grid_span = span
                for extra in tcs[col + 1 : col + span]:
                    tr.remove(extra)
            if text:
                run = _Cell(tc, t).paragraphs[0].add_run(text)
                run.font.size = Pt(CELL_SIZE_PT)
            col += span


def render_docx(doc: Document, path: Path) -> None:
    """Given a report document and a target path, write it as DOCX."""
    document = new_document()
    document.core_properties.title = "合成数据"
    document.core_properties.author = "etl.synth"
    _default_font(document)
    for element in doc.elements:
        if isinstance(element, Para):
            paragraph = document.add_paragraph()
            run = paragraph.add_run(element.text)
            if element.style == "title":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run.font.size = Pt(TITLE_SIZE_PT)
            else:
                paragraph.paragraph_format.first_line_indent = Pt(FIRST_LINE_INDENT_PT)
        else:
            _table(document, element)
    document.save(str(path))
