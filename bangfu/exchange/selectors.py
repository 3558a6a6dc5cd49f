"""Reads for imports and exports, shared by pages, tasks and the command line."""

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bangfu.checks.models import Snapshot
from bangfu.core import idnumbers
from bangfu.core.errors import OutOfScope
from bangfu.core.models import Code, JobState, Region
from bangfu.core.policies import policy_for
from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import places_down_to
from bangfu.registry import selectors as registry_selectors
from bangfu.registry.models import Household, HouseholdStatus, Member, StatusChange
from bangfu.registry.selectors import HouseholdFilters

from . import sheets
from .columns import COLUMNS, Column
from .households import CodeIndex, PlaceIndex
from .models import ExportJob, HeaderSynonym, ImportJob, ImportProblem


def synonym_map(columns: Iterable[Column] = COLUMNS) -> dict[str, str]:
    """Every name a header of ``columns`` may have (compared with ``sheets.header_key``) →
    column key: built in, or added by an administrator."""
    names = {}
    keys = set()
    for column in columns:
        keys.add(column.key)
        for name in (column.header, *column.synonyms):
            names[sheets.header_key(name)] = column.key
    for synonym in HeaderSynonym.objects.all():
        if synonym.column in keys:
            names.setdefault(sheets.header_key(synonym.synonym), synonym.column)
    return names


def code_index() -> CodeIndex:
    return CodeIndex(Code.objects.filter(retired=False).values_list("kind", "value", "label"))


def code_labels() -> dict[str, list[str]]:
    """Active labels of every code list, in list order: the template's dropdowns."""
    labels: dict[str, list[str]] = {}
    for kind, label in (
        Code.objects.filter(retired=False)
        .order_by("sort_order", "value")
        .values_list("kind", "label")
    ):
        labels.setdefault(kind, []).append(label)
    return labels


def place_index(user, within: str = "") -> PlaceIndex:
    """The user's villages and groups (those of the county ``within`` only, if given)."""
    places = places_down_to(user, RegionLevel.GROUP)
    if within:
        places = [place for place in places if place[0].startswith(within[:6])]
    return PlaceIndex(places)


def id_mask_at(region_code: str) -> Callable[[str], str]:
    """How an ID number is shown at a place, by its rule (``privacy.id_shown_head``, ``_tail``):
    a snapshot keeps its members' numbers only so."""
    head = policy_for(region_code, "privacy.id_shown_head")
    tail = policy_for(region_code, "privacy.id_shown_tail")
    return lambda number: idnumbers.mask(number, head, tail)


def snapshot_counties(user) -> list[tuple[str, str]]:
    """The counties the user holds or holds places above: those a snapshot may be of."""
    return [
        (code, name)
        for code, name, level in places_down_to(user, RegionLevel.COUNTY)
        if level == RegionLevel.COUNTY
    ]


def snapshot_county_of(job: ImportJob) -> Region:
    return Region.objects.get(code=job.options["region_code"])


def snapshot_replaced(job: ImportJob) -> str:
    """The file of the snapshot on file for the job's county and month, which storing the
    job would replace; "" when there is none."""
    return (
        Snapshot.objects.filter(region_id=job.options["region_code"], month=job.options["month"])
        .values_list("file_name", flat=True)
        .first()
        or ""
    )


def place_names(user) -> dict[str, str]:
    return {code: name for code, name, _level in places_down_to(user, RegionLevel.GROUP)}


def imports_of(user) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(owner=user)


def import_for(user, job_id: int) -> ImportJob:
    """The user's own import; anyone else's answers 404 like a missing one."""
    job = ImportJob.objects.filter(owner=user, pk=job_id).first()
    if job is None:
        raise OutOfScope()
    return job


def progress_path(job: ImportJob) -> Path:
    return Path(job.path).with_suffix(".progress")


class Progress(NamedTuple):
    phase: str
    done: int
    total: int


def progress_of(job: ImportJob | ExportJob) -> Progress:
    """How far a running job is: from its row, or for an import's commit (whose transaction
    holds the row) from the file it writes beside the upload."""
    if isinstance(job, ImportJob) and job.phase == "writing":
        try:
            phase, done, total = json.loads(progress_path(job).read_text())
        except (OSError, ValueError):
            pass
        else:
            return Progress(phase, done, total)
    return Progress(job.phase, job.done, job.total)


@dataclass(frozen=True)
class JobLine:
    """What a job's page says of it, the state and the progress in one line that cannot
    disagree: queued (no figures yet), running (the step, n of N), or how it ended."""

    label: str
    running: bool
    done: int = 0
    total: int = 0


def job_line(job: ImportJob | ExportJob) -> JobLine:
    if job.state == JobState.QUEUED:
        return JobLine(str(JobState.QUEUED.label), running=True)
    if job.state != JobState.RUNNING:
        return JobLine(job.get_state_display(), running=False)
    progress = progress_of(job)
    steps = EXPORT_STEPS if isinstance(job, ExportJob) else IMPORT_STEPS
    # Before its first report a job is at its first step: an import reads, an export writes.
    label = steps.get(progress.phase) or next(iter(steps.values()))
    return JobLine(str(label), running=True, done=progress.done, total=progress.total)


IMPORT_STEPS = {
    "reading": _("Reading rows"),
    "checking": _("Checking households"),
    "matching": _("Matching rows to members and checking them"),
    "writing": _("Writing, in one transaction"),
    "comparing": _("Comparing with the records"),
}
EXPORT_STEPS = {"writing": _("Writing the file")}


def problems_of(job: ImportJob) -> QuerySet[ImportProblem]:
    return job.problems.all()


def export_for(user, job_id: int) -> ExportJob:
    job = ExportJob.objects.filter(owner=user, pk=job_id).first()
    if job is None:
        raise OutOfScope()
    return job


EXPORT_CHUNK = 1000  # households a query reads at a time: memory stays flat at any size


@dataclass
class ExportedHousehold:
    household: Household
    members: list[Member]
    other_causes: list[str]
    risk_types: list[str]


def households_to_export(user, filters: HouseholdFilters) -> Iterator[ExportedHousehold]:
    """The households of the user's list with these filters, with their current members,
    a chunk at a time, in the list's order (keyset, not OFFSET: a deep chunk costs the same)."""
    listed = registry_selectors.households(user, filters).select_related(
        "attribute", "standard", "main_cause", "monitoring_type"
    )
    ids = list(listed.values_list("pk", flat=True))
    for start in range(0, len(ids), EXPORT_CHUNK):
        chunk = ids[start : start + EXPORT_CHUNK]
        records = {
            h.pk: h
            for h in listed.model.objects.filter(pk__in=chunk).select_related(
                "attribute", "standard", "main_cause", "monitoring_type"
            )
        }
        members: dict[int, list[Member]] = {pk: [] for pk in chunk}
        for member in (
            Member.objects.filter(household_id__in=chunk, left_on=None)
            .select_related("relation", "ethnicity", "health", "labour", "education", "schooling")
            .order_by("-is_head", "birth_date", "pk")
        ):
            members[member.household_id].append(member)
        causes: dict[int, list[str]] = {pk: [] for pk in chunk}
        for household_id, label in Household.other_causes.through.objects.filter(
            household_id__in=chunk
        ).values_list("household_id", "code__label"):
            causes[household_id].append(label)
        risks: dict[int, list[str]] = {}
        latest = (
            StatusChange.objects.filter(household_id__in=chunk, status=HouseholdStatus.MONITORED)
            .order_by("household_id", "effective_on", "pk")
            .prefetch_related("risk_types")
        )
        for change in latest:  # the last monitoring entry of each household wins
            risks[change.household_id] = [c.label for c in change.risk_types.all()]
        for pk in chunk:
            yield ExportedHousehold(records[pk], members[pk], causes[pk], risks.get(pk, []))


def columns_with_synonyms() -> list[tuple[str, list[str]]]:
    """Each column's header with every other name it is known by, built in or added."""
    added: dict[str, list[str]] = {}
    for synonym in HeaderSynonym.objects.all():
        added.setdefault(synonym.column, []).append(synonym.synonym)
    return [(c.header, [*c.synonyms, *added.get(c.key, [])]) for c in COLUMNS]
