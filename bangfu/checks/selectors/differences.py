"""Reads of the differences and problem lists (差异、问题数据清单): lists by place and
filters, one difference, the household page's section. A difference is read where its
household lives (its village or group): the village's work team, its township and the county
see it; a snapshot or problem list, which is the county's, is named on their pages only
through the differences they see."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from bangfu.core import params
from bangfu.core.models import Region
from bangfu.core.scoping import get_visible_or_404, scope_q
from bangfu.registry.models import Household

from ..models import (
    Difference,
    DifferenceClass,
    DifferenceKind,
    DifferenceState,
    ProblemList,
    Snapshot,
)
from ..services import may_work

DIFFERENCE_FIELDS = ("region", "snapshot", "problem_list", "classified_by", "closed_by")
UNCLASSIFIED = "none"  # the filter's word for "not yet classified" (stored as "")
CHOICES_SHOWN = 24  # the latest snapshots and lists offered in a filter


def _id(raw: str | None, field: str) -> int | None:
    text = (raw or "").strip()
    found = params.possible_id(text)
    if text and found is None:
        raise params.BadParameter(str(_("Give it by its number.")), field=field)
    return found


@dataclass(frozen=True)
class DifferenceFilters:
    """A list's filters, read by ``core.params`` (a value not of its list is refused)."""

    state: str = ""  # one of DifferenceState, or "" for all
    classification: str = ""  # one of DifferenceClass, UNCLASSIFIED, or "" for all
    kind: str = ""  # one of DifferenceKind, or "" for all
    field: str = ""  # a column's key or its name as the national form (or a list) gives it
    snapshot: int | None = None
    problem_list: int | None = None

    @classmethod
    def read(cls, query: Mapping[str, str | None]) -> "DifferenceFilters":
        classes = [value for value in DifferenceClass.values if value] + [UNCLASSIFIED]
        return cls(
            params.choice(query.get("state"), field="state", choices=DifferenceState.values),
            params.choice(query.get("classification"), field="classification", choices=classes),
            params.choice(query.get("kind"), field="kind", choices=DifferenceKind.values),
            params.text(query.get("field"), field="field", most=60),
            _id(query.get("snapshot"), "snapshot"),
            _id(query.get("problem_list"), "problem_list"),
        )


def differences(
    user, within: Region | None = None, filters: DifferenceFilters = DifferenceFilters()
) -> QuerySet[Difference]:
    """Differences under a place (or all the user's places): open ones first, then by place
    and household in the order of paper registers."""
    rows = Difference.objects.visible_to(user, within).select_related(*DIFFERENCE_FIELDS)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.classification:
        chosen = "" if filters.classification == UNCLASSIFIED else filters.classification
        rows = rows.filter(classification=chosen)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.field:
        rows = rows.filter(Q(field=filters.field) | Q(field_name=filters.field))
    if filters.snapshot is not None:
        rows = rows.filter(snapshot_id=filters.snapshot)
    if filters.problem_list is not None:
        rows = rows.filter(problem_list_id=filters.problem_list)
    return rows.order_by("-state", "region_id", "household_number", "member_name", "field", "pk")


def difference_for(user, difference_id: int) -> Difference:
    return get_visible_or_404(
        Difference.objects.select_related(*DIFFERENCE_FIELDS, "household", "member"),
        user,
        pk=difference_id,
    )


def _seen(user, source: str) -> Exists:
    return Exists(Difference.objects.visible_to(user).filter(**{source: OuterRef("pk")}))


def snapshot_choices(user) -> list[tuple[int, str]]:
    """The latest snapshots with differences in the user's places, for the filter."""
    rows = Snapshot.objects.filter(_seen(user, "snapshot")).order_by("-month", "region_id")
    return [(s.pk, f"{s.month:%Y-%m}") for s in rows[:CHOICES_SHOWN]]


def problem_lists(user) -> QuerySet[ProblemList]:
    """The problem lists with differences in the user's places, newest first, each with how
    many of those differences it listed and how many are still open."""
    mine = scope_q(user, "items__region_id")
    return (
        ProblemList.objects.filter(_seen(user, "problem_list"))
        .annotate(
            listed=Count("items", filter=mine),
            still_open=Count("items", filter=mine & Q(items__state=DifferenceState.OPEN)),
        )
        .order_by("-received_on", "-pk")
    )


def problem_list_choices(user) -> list[tuple[int, str]]:
    rows = ProblemList.objects.filter(_seen(user, "problem_list")).order_by("-received_on", "-pk")
    return [(p.pk, f"{p.received_on:%Y-%m-%d} {p.file_name}") for p in rows[:CHOICES_SHOWN]]


def household_section(user, household: Household) -> dict:
    """The household page's section (see ``registry.sections``): its open differences from
    the national system and problems listed from above."""
    rows = (
        Difference.objects.filter(household=household, state=DifferenceState.OPEN)
        .select_related("snapshot", "problem_list")
        .order_by("found_on", "member_name", "field", "pk")
    )
    return {"household": household, "differences": list(rows)}


def difference_page(user, difference: Difference) -> dict:
    return {"difference": difference, "may_work": may_work(user, difference)}
