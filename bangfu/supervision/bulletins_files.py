"""A bulletin's files (简报/通报): the Word document offices file (``core.documents``, the East
Asian font set as reports set it) and the PDF they print (WeasyPrint through ``core.pdf``,
Noto CJK as the household handbook), both made from what the bulletin says
(``selectors.bulletins.bulletin_content``), in the active language."""

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bangfu.core.documents import Heading, Table, document
from bangfu.core.pdf import pdf_from_html

from .models import Bulletin

PRINT_TEMPLATE = "supervision/bulletins_print.html"


def file_name(bulletin: Bulletin) -> str:
    """沣西新城2026年第3期督查通报, the name its files download under."""
    return bulletin.title


def bulletin_docx(bulletin: Bulletin, content: dict[str, Any]) -> bytes:
    """The bulletin as a .docx: its summary, the key figures with their definitions, the
    best and the last by score, the findings and their states, good practice."""
    blocks: list[str | Heading | Table] = []
    blocks += _paragraphs(bulletin.summary)
    blocks.append(Heading(_("Key figures")))
    blocks.append(
        Table(
            [(f["name"], f["shown"] + f["unit"], f["definition"]) for f in content["figures"]],
            header=(_("Indicator"), _("Value"), _("Definition")),
        )
    )
    if content["by_category"]:
        blocks.append(
            Table(
                [(row["label"], str(row["n"])) for row in content["by_category"]],
                header=(_("Category of finding"), _("Inspection findings")),
            )
        )
    blocks.append(Heading(_("The best and the last by score")))
    if not content["performers"]:
        blocks.append(content["no_scores"])
    for level in content["performers"]:
        rows = [(_("Best"), s["name"], s["total"]) for s in level["best"]]
        rows += [(_("Last"), s["name"], s["total"]) for s in level["last"]]
        blocks.append(Table(rows, header=(level["label"], _("Name of who is scored"), _("Score"))))
    findings = content["findings"]
    blocks.append(Heading(_("Findings of the month and their rectification")))
    blocks.append(
        _(", ").join(
            _("%(state)s %(n)s") % {"state": row["label"], "n": row["n"]}
            for row in findings["by_state"]
        )
    )
    if findings["rows"]:
        blocks.append(
            Table(
                [
                    (
                        row["found_on"],
                        row["place"],
                        row["category"],
                        row["description"],
                        row["unit"],
                        row["state"],
                    )
                    for row in findings["rows"]
                ],
                header=(
                    _("Found on"),
                    _("Place"),
                    _("Category"),
                    _("What was found"),
                    _("Responsible unit"),
                    _("State"),
                ),
            )
        )
    if bulletin.good_practice:
        blocks.append(Heading(_("Good practice")))
        blocks += _paragraphs(bulletin.good_practice)
    return document(bulletin.title, blocks)


def _paragraphs(text: str) -> list[str | Heading | Table]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def bulletin_pdf(bulletin: Bulletin, content: dict[str, Any]) -> bytes:
    """The bulletin as an A4 PDF, laid out as the preview page shows it."""
    html = render_to_string(
        PRINT_TEMPLATE,
        {"bulletin": bulletin, "content": content, "language": get_language()},
    )
    return pdf_from_html(html)
