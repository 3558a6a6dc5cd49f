"""Word documents (.docx) of figures (``core.documents`` lays them out)."""

from django.http import HttpResponse

from bangfu.core.documents import Table, document
from bangfu.core.documents import docx_response as download


def figures_document(title: str, paragraphs: list[str], table: list[tuple[str, str, str]]) -> bytes:
    """A heading, the paragraphs as written, then the figures with their definitions."""
    return document(title, [*paragraphs, Table(table)])


def docx_response(
    name: str, title: str, paragraphs: list[str], table: list[tuple[str, str, str]]
) -> HttpResponse:
    return download(name, figures_document(title, paragraphs, table))
