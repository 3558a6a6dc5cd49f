"""Reads for the county's sheets (表格导入导出): the projects a sheet's rows name, by number,
and the rows of the library's and the ledger's exports, scoped like the lists."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from bangfu.core.models import Code, Region
from bangfu.core.regions import RegionLevel

from ..models import LedgerEntry, PlannedFund, Project
from .ledger import filtered_entries

MATCHED_AT_ONCE = 500  # numbers a query: well under SQLite's bound parameters


@dataclass(slots=True)
class ProjectRef:
    """A project as a sheet's row meets it: enough to check the row and write beside it."""

    pk: int
    number: str
    county_id: str
    region_id: str
    stage: str
    details: dict[str, Any]  # name, kind (its value), year, responsible unit, description
    planned: dict[str, Decimal]  # fund source value → yuan


def _chunks(values: list, size: int = MATCHED_AT_ONCE) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _refs(projects: QuerySet[Project], *, planned: bool) -> list[ProjectRef]:
    rows = projects.values_list(
        "pk",
        "number",
        "county_id",
        "region_id",
        "stage",
        "name",
        "kind__value",
        "year",
        "responsible_unit",
        "description",
    ).order_by()
    refs = [
        ProjectRef(
            pk,
            number,
            county,
            region,
            stage,
            {
                "name": name,
                "kind": kind,
                "year": year,
                "responsible_unit": unit,
                "description": description,
            },
            {},
        )
        for pk, number, county, region, stage, name, kind, year, unit, description in rows
    ]
    if planned and refs:
        by_pk = {ref.pk: ref for ref in refs}
        for project, source, amount in PlannedFund.objects.filter(
            project_id__in=list(by_pk)
        ).values_list("project_id", "source__value", "amount"):
            by_pk[project].planned[source] = amount
    return refs


def projects_by_county_number(
    user, keys: Iterable[tuple[str, str]]
) -> tuple[dict[tuple[str, str], ProjectRef], set[tuple[str, str]]]:
    """The user's projects with these (county code, number) keys, with their planned funds;
    and the keys taken by a project outside the user's places (a township's sheet giving a
    number another township of the county uses), which only says the number is taken."""
    wanted = sorted(set(keys))
    found: dict[tuple[str, str], ProjectRef] = {}
    taken: set[tuple[str, str]] = set()
    for chunk in _chunks(wanted):
        numbers = {number for _county, number in chunk}
        counties = {county for county, _number in chunk}
        visible = Project.objects.visible_to(user).filter(
            number__in=numbers, county_id__in=counties
        )
        for ref in _refs(visible, planned=True):
            found[(ref.county_id, ref.number)] = ref
        taken |= {
            key
            for key in Project.objects.filter(number__in=numbers, county_id__in=counties)
            .values_list("county_id", "number")
            .order_by()
            if key not in found
        }
    return found, taken & set(wanted)


def projects_by_number(user, numbers: Iterable[str]) -> dict[str, list[ProjectRef]]:
    """The user's projects with these numbers, by number: one each unless the user holds
    several counties that use the same number."""
    found: dict[str, list[ProjectRef]] = {}
    # Without their details: a finance sheet of 200,000 rows meets a province's projects,
    # and keeps each it met until its end.
    no_details: dict[str, Any] = {}
    for chunk in _chunks(sorted(set(numbers))):
        for pk, number, county, region, stage in (
            Project.objects.visible_to(user)
            .filter(number__in=chunk)
            .values_list("pk", "number", "county_id", "region_id", "stage")
            .order_by()
        ):
            ref = ProjectRef(pk, number, county, region, stage, no_details, {})
            found.setdefault(number, []).append(ref)
    return found


def library_rows(
    user,
    *,
    within: Region | None = None,
    year: int | None = None,
    kind: str = "",
    stage: str = "",
) -> QuerySet[Project]:
    """The user's projects (under ``within``) of a year, kind (its value) and stage, in
    number order, for the library's export."""
    projects = Project.objects.visible_to(user, within=within)
    if year:
        projects = projects.filter(year=year)
    if kind:
        projects = projects.filter(kind__value=kind)
    if stage:
        projects = projects.filter(stage=stage)
    return projects.select_related("region", "kind").order_by("county_id", "number")


def planned_of(projects: list[int]) -> dict[int, dict[str, Decimal]]:
    planned: dict[int, dict[str, Decimal]] = {}
    for project, source, amount in PlannedFund.objects.filter(project_id__in=projects).values_list(
        "project_id", "source__value", "amount"
    ):
        planned.setdefault(project, {})[source] = amount
    return planned


def ledger_rows(
    user,
    *,
    within: Region | None = None,
    year: int | None = None,
    kind: str = "",
    source: str = "",
    entry_kind: str = "",
) -> QuerySet[LedgerEntry]:
    """The entries of ``ledger.filtered_entries`` in the ledger's order, for the ledger's
    export (a county's may run to hundreds of thousands: read as a stream)."""
    entries = filtered_entries(
        user, within=within, year=year, kind=kind, source=source, entry_kind=entry_kind
    )
    return entries.order_by("project__county_id", "project__number", "day", "pk")


def code_values(kind: str) -> set[str]:
    """The values of a code list, for a filter's choices."""
    return set(Code.objects.filter(kind=kind).values_list("value", flat=True))


def names_above_villages() -> dict[str, str]:
    """The names of counties and townships by code, for an export's place columns (the
    places above villages: a province has some thousands)."""
    return dict(
        Region.objects.filter(level__in=(RegionLevel.COUNTY, RegionLevel.TOWNSHIP)).values_list(
            "code", "name"
        )
    )
