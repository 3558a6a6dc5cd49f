"""The library's and the ledger's exports (.xlsx) in the columns of their import sheets
(``exchange.projects``), so that what is exported imports again, with the filters of the
lists: place, year, kind, stage / source and kind of entry."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import params
from bangfu.core.models import Region
from bangfu.core.regions import RegionLevel, township_code
from bangfu.core.selectors import region_for
from bangfu.core.tables import xlsx_response

from ..columns import FUND_COLUMNS, FUND_SOURCES, PROJECT_COLUMNS, entry_word, fund_column
from ..models import EntryKind, Stage
from ..selectors import sheets as selectors

CHUNK = 2000  # rows read at a time: a province's ledger streams in a row's memory


def _within(request: HttpRequest) -> Region | None:
    code = params.place(request.GET.get("place"))
    return region_for(request.user, code) if code else None


def _named(request: HttpRequest, what: str) -> str:
    return f"{what}-{timezone.localdate():%Y-%m-%d}"


@login_required
def library_export(request):
    """The project library (项目库) under a place, of a year, kind and stage, one project a
    row with its planned funds by source, in the library sheet's columns."""
    projects = selectors.library_rows(
        request.user,
        within=_within(request),
        year=params.year(request.GET.get("year")),
        kind=params.choice(
            request.GET.get("kind"), field="kind", choices=selectors.code_values("project_kind")
        ),
        stage=params.choice(request.GET.get("stage"), field="stage", choices=set(Stage.values)),
    )
    names = selectors.names_above_villages()

    def rows():
        chunk: list = []
        for project in projects.iterator(chunk_size=CHUNK):
            chunk.append(project)
            if len(chunk) == CHUNK:
                yield from _library_rows(chunk, names)
                chunk = []
        yield from _library_rows(chunk, names)

    header = [PROJECT_COLUMNS[key][0] for key in PROJECT_COLUMNS]
    return xlsx_response(_named(request, _("Project library")), header, rows())


def _library_rows(projects: list, names: dict[str, str]):
    planned = selectors.planned_of([project.pk for project in projects])
    for project in projects:
        code = project.region_id
        funds = planned.get(project.pk, {})
        cells = {
            "number": project.number,
            "name": project.name,
            "kind": project.kind.label,
            "region_code": code,
            "county": names.get(project.county_id, ""),
            "township": names.get(township_code(code), "") if code != project.county_id else "",
            "village": project.region.name if project.region.level >= RegionLevel.VILLAGE else "",
            "year": project.year,
            "responsible_unit": project.responsible_unit,
            "description": project.description,
            **{fund_column(value): funds.get(value) for value, _label in FUND_SOURCES},
        }
        yield [cells[key] for key in PROJECT_COLUMNS]


@login_required
def ledger_export(request):
    """The funds ledger (资金台账) under a place, of projects of a year, kind of
    project, source and kind of entry, one entry a row in the finance sheet's columns
    (a reversing entry with its negative amount), streamed."""
    entries = selectors.ledger_rows(
        request.user,
        within=_within(request),
        year=params.year(request.GET.get("year")),
        kind=params.choice(
            request.GET.get("kind"), field="kind", choices=selectors.code_values("project_kind")
        ),
        source=params.choice(
            request.GET.get("source"), field="source", choices=selectors.code_values("fund_source")
        ),
        entry_kind=params.choice(
            request.GET.get("entry_kind"), field="entry_kind", choices=set(EntryKind.values)
        ),
    ).values_list(
        "project__number",
        "project__name",
        "kind",
        "source__label",
        "amount",
        "day",
        "voucher",
        "note",
    )

    def rows():
        for number, name, kind, source, amount, day, voucher, note in entries.iterator(
            chunk_size=CHUNK
        ):
            yield [number, name, entry_word(kind), source, amount, day, voucher, note]

    header = [FUND_COLUMNS[key][0] for key in FUND_COLUMNS]
    return xlsx_response(_named(request, _("Funds ledger")), header, rows())
