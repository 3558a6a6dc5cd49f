"""The self-check report (自查报告) as files: a village's month as a Word document (.docx,
``core.documents``) and a workbook (.xlsx, ``core.tables``), and a place's villages' reports
of a month as a workbook."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.core.documents import Heading, Table, document
from bangfu.core.tables import Sheet

from .models import Difference
from .selectors.reports import MEASURES, CheckFigures, VillageMonth, Villages, class_label

MEASURE_LABELS = {
    "found": gettext_lazy("Found"),
    "fixed": gettext_lazy("Fixed"),
    "closed": gettext_lazy("Closed by hand"),
    "open": gettext_lazy("Open"),
}


def rate(figures: CheckFigures) -> str:
    found = figures.match_rate
    return "—" if found is None else f"{found * 100:.1f}%"


def title_of(month: VillageMonth) -> str:
    return _("Self-check report of %(village)s, %(month)s") % {
        "village": month.village.name,
        "month": f"{month.month:%Y-%m}",
    }


def figures_of(month: VillageMonth) -> CheckFigures:
    """The figures as reported once submitted (frozen), as they stand before."""
    if month.report is not None:
        return CheckFigures.from_json(month.report.figures)
    return month.figures


def paragraphs(month: VillageMonth) -> list[str]:
    figures = figures_of(month)
    said = [
        _(
            "In %(month)s (up to %(day)s) the check of the handbook against the national system "
            "found %(found)s differences; %(fixed)s were fixed (the two now agree), %(closed)s "
            "closed by hand with a reason, and %(open)s remain open."
        )
        % {"month": f"{month.month:%Y-%m}", "day": month.on, **figures.totals},
        _(
            "Of %(compared)s households compared with the latest snapshot of the national "
            "system, %(matching)s match fully (%(rate)s)."
        )
        % {"compared": figures.compared, "matching": figures.matching, "rate": rate(figures)}
        if figures.compared
        else _("No snapshot of the national system has been compared here yet."),
    ]
    report = month.report
    if report is not None:
        said.append(
            _("Due on %(due)s; submitted on %(day)s by %(who)s (%(state)s).")
            % {
                "due": report.due_on,
                "day": report.submitted_on,
                "who": report.submitted_by,
                "state": month.state_label,
            }
        )
        if report.note:
            said.append(report.note)
    else:
        said.append(_("Due on %(due)s; not yet submitted.") % {"due": month.due_on})
    return said


def _counts_header(first: str) -> list[str]:
    return [first, *(str(MEASURE_LABELS[measure]) for measure in MEASURES)]


def class_rows(figures: CheckFigures) -> list[list]:
    return [[label, *(counts[m] for m in MEASURES)] for label, counts in figures.by_class()]


def field_rows(figures: CheckFigures) -> list[list]:
    return [[name, *(counts[m] for m in MEASURES)] for name, counts in figures.by_field()]


CLOSED_HEADER = [
    gettext_lazy("Household number"),
    gettext_lazy("Member"),
    gettext_lazy("Field"),
    gettext_lazy("Classification"),
    gettext_lazy("Closed on"),
    gettext_lazy("Reason"),
]
OPEN_HEADER = [
    gettext_lazy("Household number"),
    gettext_lazy("Member"),
    gettext_lazy("Field"),
    gettext_lazy("National system"),
    gettext_lazy("Handbook"),
    gettext_lazy("Classification"),
    gettext_lazy("Found on"),
]


def closed_rows(differences: list[Difference]) -> list[list]:
    return [
        [d.household_number, d.member_name, d.field_name, class_label(d.classification),
         d.closed_on, d.close_reason or d.get_state_display()]
        for d in differences
    ]  # fmt: skip


def open_rows(differences: list[Difference]) -> list[list]:
    return [
        [d.household_number, d.member_name, d.field_name, d.system_value or d.problem,
         d.handbook_value, class_label(d.classification), d.found_on]
        for d in differences
    ]  # fmt: skip


def _strings(rows: list[list]) -> list[list[str]]:
    return [["" if cell is None else str(cell) for cell in row] for row in rows]


def village_docx(month: VillageMonth) -> bytes:
    """The village's report as a Word document: what was found, fixed and left open, by
    classification and by field, what was closed by hand with the reasons, what is open."""
    figures = figures_of(month)
    blocks = [
        *paragraphs(month),
        Heading(_("By classification")),
        Table(_strings(class_rows(figures)), _counts_header(_("Classification"))),
        Heading(_("By field")),
        Table(_strings(field_rows(figures)), _counts_header(_("Field"))),
        Heading(_("Closed by hand or fixed, with the reasons")),
        Table(
            _strings(closed_rows(month.closed + month.fixed)),
            [str(name) for name in CLOSED_HEADER],
        ),
        Heading(_("Still open")),
        Table(_strings(open_rows(month.open)), [str(name) for name in OPEN_HEADER]),
    ]
    return document(title_of(month), blocks)


def village_sheets(month: VillageMonth) -> list[Sheet]:
    figures = figures_of(month)
    return [
        Sheet(_("Report"), [title_of(month)], [[text] for text in paragraphs(month)]),
        Sheet(_("By classification"), _counts_header(_("Classification")), class_rows(figures)),
        Sheet(_("By field"), _counts_header(_("Field")), field_rows(figures)),
        Sheet(
            _("Closed and fixed"),
            [str(name) for name in CLOSED_HEADER],
            closed_rows(month.closed + month.fixed),
        ),
        Sheet(_("Still open"), [str(name) for name in OPEN_HEADER], open_rows(month.open)),
    ]


def villages_sheets(villages: Villages) -> list[Sheet]:
    """A place's villages' reports of a month: each village's state and figures, and the
    figures of them all by classification and by field."""
    header = [
        _("Township"),
        _("Village"),
        _("Due on"),
        _("Report"),
        _("Submitted on"),
        *(str(MEASURE_LABELS[measure]) for measure in MEASURES),
        _("Households compared"),
        _("Matching fully"),
    ]
    rows = [
        [
            row.village.parent.name if row.village.parent else "",
            row.village.name,
            row.due_on,
            row.state_label,
            row.report.submitted_on if row.report else "",
            *(row.figures.total(measure) for measure in MEASURES),
            row.figures.compared,
            row.figures.matching,
        ]
        for row in villages.rows
    ]
    return [
        Sheet(_("Villages"), header, rows),
        Sheet(
            _("By classification"),
            _counts_header(_("Classification")),
            class_rows(villages.total),
        ),
        Sheet(_("By field"), _counts_header(_("Field")), field_rows(villages.total)),
    ]
