"""Word documents (.docx), for offices that file reports in Word or WPS: a heading, then
paragraphs, sub-headings and tables in the order given, the East Asian font set explicitly
(Word falls back oddly unless it is)."""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

import docx
from django.http import HttpResponse
from docx.oxml.ns import qn
from docx.shared import Pt

CHINESE_FONT = "Noto Serif CJK SC"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Table:
    rows: Sequence[Sequence[str]]
    header: Sequence[str] = ()  # bold, above the rows; none for a table of figures


Block = str | Heading | Table  # a str is a paragraph, indented as offices indent


def _chinese(run) -> None:
    run.font.name = CHINESE_FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CHINESE_FONT)


def _table(document, table: Table) -> None:
    width = len(table.header) or max((len(row) for row in table.rows), default=0)
    if not width:
        return
    grid = document.add_table(rows=0, cols=width)
    grid.style = "Table Grid"
    lines = [(table.header, True)] if table.header else []
    for cells, bold in lines + [(row, False) for row in table.rows]:
        for cell, text in zip(grid.add_row().cells, cells, strict=True):
            run = cell.paragraphs[0].add_run(str(text))
            run.bold = bold
            _chinese(run)


def document(title: str, blocks: Sequence[Block]) -> bytes:
    """A .docx of a heading and the blocks in order."""
    made = docx.Document()
    for style in ("Normal", "Heading 1", "Heading 2"):
        made.styles[style].font.name = CHINESE_FONT
        made.styles[style].element.get_or_add_rPr().get_or_add_rFonts().set(
            qn("w:eastAsia"), CHINESE_FONT
        )
    made.styles["Normal"].font.size = Pt(12)
    _chinese(made.add_heading(title, level=1).runs[0])
    for block in blocks:
        if isinstance(block, Heading):
            _chinese(made.add_heading(block.text, level=2).runs[0])
        elif isinstance(block, Table):
            _table(made, block)
        else:
            paragraph = made.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(24)  # two characters
            _chinese(paragraph.add_run(block))
    out = io.BytesIO()
    made.save(out)
    return out.getvalue()


def docx_response(name: str, content: bytes) -> HttpResponse:
    """A .docx download named ``name`` (RFC 5987 for the Chinese)."""
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name + '.docx')}"
    return response
