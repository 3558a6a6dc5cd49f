"""Reads for pairing: who helps a household, and where nobody does (coverage)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from bangfu.core.capabilities import Capability
from bangfu.core.errors import NotPermitted
from bangfu.core.models import Region
from bangfu.core.policies import policy_for
from bangfu.core.scoping import get_visible_or_404
from bangfu.registry.models import Household, HouseholdStatus

from .models import Helper, Pairing, Responsibility, Unit

# Households that must have a helper: not yet out, out but still under the policies of the
# transition period, relapsed, and monitored. Those out for good or cleared of risk need none.
NEEDS_HELPER = (
    HouseholdStatus.NOT_OUT,
    HouseholdStatus.OUT_WITH_POLICY,
    HouseholdStatus.RELAPSED,
    HouseholdStatus.MONITORED,
)
CAP = "pairing.max_households_per_helper"


def pairings_of(household: Household) -> QuerySet[Pairing]:
    """Every helper a household has had, current ones first, as the handbook lists them."""
    return (
        Pairing.objects.filter(household=household)
        .select_related("helper__unit", "unit")
        .order_by(F("ended_on").asc(nulls_first=True), "-is_main", "started_on", "pk")
    )


LEVELS = "pairing.responsibility_levels"


def chain_at(region: Region) -> list[tuple[str, Responsibility | None]]:
    """Each level of the chain of responsibility for a village or group, with who is named
    there; a group's own entry stands before its village's for the same level."""
    levels = policy_for(region.code, LEVELS)
    places = [region.code[:12], region.code] if len(region.code) > 12 else [region.code]
    # The village's code sorts before its groups': a group's entry, read later, wins.
    entries = Responsibility.objects.filter(region_id__in=places).order_by("region_id")
    named = {entry.level: entry for entry in entries}
    return [(level, named.get(level)) for level in levels]


def household_section(user, household: Household) -> dict:
    """The household page's "who answers for this household" (see ``registry.sections``):
    the chain of its village, then the helpers paired with it."""
    return {
        "household": household,
        "chain": chain_at(household.region),
        "pairings": pairings_of(household),
        "may_pair": user.has_capability(Capability.MANAGE_PAIRING),
    }


def helper_choices(user) -> QuerySet[Helper]:
    """Helpers in post that the user may pair with households."""
    return (
        Helper.objects.visible_to(user)
        .filter(left_on=None)
        .select_related("unit")
        .order_by("unit__name", "name")
    )


def my_households(user) -> QuerySet[Pairing]:
    """A helper's own current pairings (我的帮扶户), for the helper signed in on a phone."""
    return (
        Pairing.objects.visible_to(user)
        .filter(helper__user=user, ended_on=None)
        .select_related("household__region")
        .order_by("household__region_id", "household__number")
    )


def is_paired_now(user, household_id: int) -> bool:
    """Whether ``user`` is a helper paired with the household now (帮扶干部 of this 帮扶户)."""
    return Pairing.objects.filter(
        household_id=household_id, helper__user_id=user.pk, ended_on=None
    ).exists()


def may_act_for(user, household_id: int, *, anywhere: Capability, own: Capability) -> bool:
    """A right of the shape "the office for every household of its places, a helper for the
    households paired with them now": ``anywhere`` for the first, ``own`` for the second.
    Household plans and follow-ups (随访) are written so; the household's place is checked
    by the caller, as for any record."""
    if not (user and user.is_authenticated):
        return False
    if user.has_capability(anywhere):
        return True
    return user.has_capability(own) and is_paired_now(user, household_id)


def require_for_household(actor, household_id: int, *, anywhere: Capability, own: Capability):
    """``may_act_for`` for a service: refuses (403) whoever may not."""
    if not may_act_for(actor, household_id, anywhere=anywhere, own=own):
        raise NotPermitted()


def units_of(user) -> QuerySet[Unit]:
    return Unit.objects.visible_to(user).select_related("region").order_by("level", "name")


def unit_for(user, unit_id: int) -> Unit:
    return get_visible_or_404(Unit.objects.select_related("region"), user, pk=unit_id)


def helpers_of(user) -> QuerySet[Helper]:
    """The helpers the user may see, each with how many households they help now."""
    return (
        Helper.objects.visible_to(user)
        .select_related("unit")
        .annotate(load=_load())
        .order_by("left_on", "unit__name", "name")
    )


def helper_for(user, helper_id: int) -> Helper:
    return get_visible_or_404(Helper.objects.select_related("unit"), user, pk=helper_id)


def households_helped(helper: Helper) -> int:
    """How many households the helper helps now."""
    return helper.pairings.filter(ended_on=None).count()


def pairing_for(user, pairing_id: int) -> Pairing:
    return get_visible_or_404(
        Pairing.objects.select_related("household", "helper__unit", "unit"), user, pk=pairing_id
    )


@dataclass(frozen=True)
class Coverage:
    """How many households that need a helper have one (帮扶覆盖率), under one place."""

    needing: int
    covered: int

    @property
    def uncovered(self) -> int:
        return self.needing - self.covered

    @property
    def rate(self) -> float | None:
        return self.covered / self.needing if self.needing else None


def _needing(user, within: Region | None) -> QuerySet[Household]:
    return Household.objects.visible_to(user, within).filter(
        closed_on=None, status__in=NEEDS_HELPER
    )


def has_helper_now(household: str = "pk") -> Exists:
    """The household (the outer row's ``household`` column) has a pairing that has not ended."""
    return Exists(Pairing.objects.filter(household=OuterRef(household), ended_on=None))


def coverage(user, within: Region | None = None) -> Coverage:
    counts = _needing(user, within).aggregate(
        needing=Count("pk"), covered=Count("pk", filter=Q(has_helper_now()))
    )
    return Coverage(counts["needing"], counts["covered"])


def unpaired_households(user, within: Region | None = None) -> QuerySet[Household]:
    """Households that need a helper and have none: each to be paired from the list."""
    return _needing(user, within).exclude(has_helper_now()).order_by("region_id", "number")


def _current_helpers(user, within: Region | None) -> QuerySet[Helper]:
    return Helper.objects.visible_to(user, within).filter(left_on=None)


def _load() -> Count:
    return Count("pairings", filter=Q(pairings__ended_on=None))


def helpers_without_households(user, within: Region | None = None) -> QuerySet[Helper]:
    return (
        _current_helpers(user, within)
        .annotate(load=_load())
        .filter(load=0)
        .order_by("region_id", "name")
    )


def helpers_over_cap(
    user, within: Region | None = None, on: datetime.date | None = None
) -> list[tuple[Helper, int]]:
    """Helpers holding more households than the rule of their place allows (it may have been
    lowered after they were paired), with how many they hold."""
    day = on or timezone.localdate()
    loads = (
        _current_helpers(user, within)
        .annotate(load=_load())
        .filter(load__gt=0)
        .order_by("region_id", "name")
        .values_list("pk", "region_id", "load")
    )
    caps: dict[str, int] = {}  # one look-up a place, not a helper
    over: dict[int, int] = {}
    for pk, region_id, load in loads:
        if region_id not in caps:
            caps[region_id] = policy_for(region_id, CAP, day)
        if load > caps[region_id]:
            over[pk] = load
    helpers = Helper.objects.in_bulk(list(over))
    return [(helpers[pk], load) for pk, load in over.items()]


def paired_households(user, within: Region | None = None) -> QuerySet[Household]:
    """Households that need a helper and have one now: those a visit schedule applies to."""
    return _needing(user, within).filter(has_helper_now())
