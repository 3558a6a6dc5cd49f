"""What the monitoring writes share: the deadlines counted at a household's place, who may act
for a household (a pair helper only for their own), the household's row locked, a day checked."""

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import values
from bangfu.core.calendar import Deadline, deadline
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError, NotPermitted
from bangfu.core.policies import effective_policies
from bangfu.core.regions import RegionLevel, own_prefix
from bangfu.pairing.models import Pairing
from bangfu.registry.models import Household
from bangfu.registry.services import household_locked

from ..models import (
    Counting,
)


def township_code(region_code: str) -> str:
    """The township above a village or group, by its code's digits."""
    return own_prefix(region_code, RegionLevel.TOWNSHIP).ljust(12, "0")


def days_until(region_code: str, start: datetime.date, days_key: str) -> Deadline:
    """The deadline ``days_key`` days after ``start`` at the place, counted as the place's
    rule says on that day (working or calendar days)."""
    rules = effective_policies(region_code, [days_key, "monitoring.count_working_days"], start)
    return deadline(
        start,
        rules[days_key].value,
        working_days=rules["monitoring.count_working_days"].value,
    )


def counted(found: Deadline) -> str:
    return Counting.WORKING if found.in_working_days else Counting.CALENDAR


def paired_now(user, household_id: int) -> bool:
    return Pairing.objects.filter(
        household_id=household_id, helper__user=user, ended_on=None
    ).exists()


def may_act(actor, household_id: int, capability: Capability, *, by_paired_helper=True) -> bool:
    """Whether ``actor`` holds ``capability`` for this household: a pair helper only for the
    households paired with them now (and only where ``by_paired_helper``)."""
    if not (actor and actor.is_authenticated and actor.has_capability(capability)):
        return False
    if actor.reads_places():
        return True
    return by_paired_helper and paired_now(actor, household_id)


def require_for(actor, household_id: int, capability: Capability, *, by_paired_helper=True):
    require(actor, capability)
    if not may_act(actor, household_id, capability, by_paired_helper=by_paired_helper):
        raise NotPermitted()


def locked_household(actor, household_id: int) -> Household:
    return household_locked(
        actor,
        household_id,
        lambda household: (
            _("Household %(number)s was merged into another; raise and verify alerts there.")
            % {"number": household.number}
        ),
    )


def checked_day(model, name: str, raw: Any, *, not_before: datetime.date | None = None, what=None):
    day = values.clean(model, name, raw if raw is not None else timezone.localdate())
    if not_before and day < not_before:
        raise DomainError(
            _("%(label)s: not before %(day)s (%(what)s).")
            % {
                "label": model._meta.get_field(name).verbose_name,
                "day": not_before.isoformat(),
                "what": what,
            },
            code="too_early",
            field=name,
        )
    return day


def current_helper(household: Household):
    pairing = (
        Pairing.objects.filter(household=household, ended_on=None, helper__isnull=False)
        .order_by("-is_main", "pk")
        .select_related("helper")
        .first()
    )
    return pairing.helper if pairing else None
