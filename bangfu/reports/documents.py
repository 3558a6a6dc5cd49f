"""Word documents (.docx) of figures, for offices that file reports in Word or WPS."""

import io
from urllib.parse import quote

import docx
from django.http import HttpResponse
from docx.oxml.ns import qn
from docx.shared import Pt

CHINESE_FONT = "Noto Serif CJK SC"  # Word falls back oddly unless the East Asian font is set


def _chinese(run) -> None:
    run.font.name = CHINESE_FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CHINESE_FONT)


def figures_document(title: str, paragraphs: list[str], table: list[tuple[str, str, str]]) -> bytes:
    """A heading, the paragraphs as written, then the figures with their definitions."""
    document = docx.Document()
    for style in ("Normal", "Heading 1"):
        font = document.styles[style].font
        font.name = CHINESE_FONT
        document.styles[style].element.get_or_add_rPr().get_or_add_rFonts().set(
            qn("w:eastAsia"), CHINESE_FONT
        )
    document.styles["Normal"].font.size = Pt(12)
    _chinese(document.add_heading(title, level=1).runs[0])
    for text in paragraphs:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(24)  # two characters, as offices indent
        _chinese(paragraph.add_run(text))
    grid = document.add_table(rows=0, cols=3)
    grid.style = "Table Grid"
    for cells in table:
        row = grid.add_row().cells
        for cell, text in zip(row, cells, strict=True):
            _chinese(cell.paragraphs[0].add_run(text))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_response(
    name: str, title: str, paragraphs: list[str], table: list[tuple[str, str, str]]
) -> HttpResponse:
    response = HttpResponse(
        figures_document(title, paragraphs, table),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name + '.docx')}"
    return response
