"""Reads of health assistance shared by the pages and the API: a member's contracts and
check-ups, the household page's section, the members without a valid contract on a day, and
the check-up rate (体检率) with its definition.

The check-up rate's eligibility is a rule (``health.checkup_excludes_away_for_work``,
``health.away_for_work_statuses``), read at each member's household's place on the rate's
day, so that the figure can be counted again by hand from its definition and its list of
members left out.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    DateField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core.capabilities import Capability
from bangfu.core.errors import OutOfScope
from bangfu.core.models import Region
from bangfu.core.policies import policy_for
from bangfu.core.scoping import get_visible_or_404
from bangfu.pairing.selectors import is_paired_now, may_act_for, my_households
from bangfu.registry.models import Household, Member
from bangfu.registry.selectors import household_names

from .models import Activity, CheckUp, Condition, DoctorContract, FollowUp, MedicalCost

PAGE_SIZE = 50


def member_for(user, member_id: int) -> Member:
    """A member of the user's places (404 otherwise, as for a missing one)."""
    return get_visible_or_404(
        Member.objects.select_related("household", "household__region"), user, pk=member_id
    )


def contracts_of(member: Member) -> list[DoctorContract]:
    """The member's contracts, latest first: renewals keep the earlier ones."""
    return list(member.doctor_contracts.select_related("package").order_by("-signed_on", "-pk"))


def checkups_of(member: Member) -> list[CheckUp]:
    return list(member.checkups.prefetch_related("findings").order_by("-held_on", "-pk"))


def conditions_of(member: Member) -> list[Condition]:
    """The member's illnesses, each with its follow-ups (latest first) and when it is due."""
    return list(
        with_due(member.conditions.all())
        .select_related("illness")
        .prefetch_related(
            Prefetch("follow_ups", queryset=FollowUp.objects.order_by("-held_on", "-pk"))
        )
        .order_by("diagnosed_on", "pk")
    )


def with_due(
    conditions: QuerySet[Condition], day: datetime.date | None = None
) -> QuerySet[Condition]:
    """Each illness with ``due``: the latest follow-up's next due day (none: no more are
    planned), or, never followed up, the day it was diagnosed (a first follow-up is due).
    With ``day``, as it stood that day: the follow-ups held by then."""
    latest = FollowUp.objects.filter(condition=OuterRef("pk")).order_by("-held_on", "-pk")
    if day is not None:
        latest = latest.filter(held_on__lte=day)
    return conditions.annotate(
        followed=Exists(latest),
        due=Case(
            When(followed=True, then=Subquery(latest.values("next_due")[:1])),
            default=F("diagnosed_on"),
            output_field=DateField(),
        ),
    )


def overdue_follow_ups(user, day: datetime.date, within: Region | None = None):
    """Illnesses of members in the registry on ``day`` under the user's places (or
    ``within``) whose follow-up was due before ``day`` and not done: the longest overdue
    first. A follow-up due on a day is overdue from the next day."""
    return (
        with_due(Condition.objects.visible_to(user, within=within), day)
        .filter(_present_on(day, "member__"), Q(due__lt=day))
        .select_related("member", "member__household", "member__household__region", "illness")
        .order_by("due", "pk")
    )


def overdue_page(user, day: datetime.date, within: Region | None, page: int = 1) -> Page:
    return Paginator(overdue_follow_ups(user, day, within), PAGE_SIZE).get_page(page)


def condition_for(user, condition_id: int) -> Condition:
    """An illness of the user's places with when it is due (404 otherwise, as for a
    missing one)."""
    found = (
        with_due(Condition.objects.visible_to(user).filter(pk=condition_id))
        .select_related("member", "illness")
        .first()
    )
    if found is None:
        raise OutOfScope()
    return found


def costs_of(member: Member) -> list[MedicalCost]:
    return list(member.medical_costs.order_by("-year", "-pk"))


def activities(user, within: Region | None = None) -> QuerySet[Activity]:
    """Health activities under the user's places (or ``within``), latest first."""
    return (
        Activity.objects.visible_to(user, within=within)
        .select_related("region")
        .order_by("-held_on", "-pk")
    )


def activities_page(user, within: Region | None, page: int = 1) -> Page:
    return Paginator(activities(user, within), PAGE_SIZE).get_page(page)


def may_record(user) -> bool:
    return user.has_capability(Capability.RECORD_HEALTH)


def may_follow_up(user, household_id: int) -> bool:
    """Whether ``user`` may record follow-ups (随访) of this household's members, as the
    services decide: those who record health, and the household's pair helper now."""
    return may_act_for(
        user, household_id, anywhere=Capability.RECORD_HEALTH, own=Capability.RECORD_FOLLOW_UPS
    )


MEMBER_FORMS = ("contract", "checkup", "condition", "follow_up", "cost")


def forms_offered(user, household_id: int) -> tuple[str, ...]:
    """The forms of a member's page offered to ``user``: every one to those who record
    health, the follow-up's to the household's pair helper, none to anyone else."""
    if may_record(user):
        return MEMBER_FORMS
    return ("follow_up",) if may_follow_up(user, household_id) else ()


def _present_on(day: datetime.date, prefix: str = "") -> Q:
    """Members in the registry on ``day``: not left by then, in a household not closed."""
    return (Q(**{f"{prefix}left_on": None}) | Q(**{f"{prefix}left_on__gt": day})) & (
        Q(**{f"{prefix}household__closed_on": None})
        | Q(**{f"{prefix}household__closed_on__gt": day})
    )


def _valid_contract_on(day: datetime.date) -> Exists:
    return Exists(
        DoctorContract.objects.filter(
            member=OuterRef("pk"), signed_on__lte=day, valid_until__gte=day
        )
    )


def household_section(user, household: Household) -> dict:
    """The household page's health section (see ``registry.sections``): each member in the
    registry with the contract valid today and the latest check-up."""
    today = timezone.localdate()
    members = list(
        household.members.filter(_present_on(today))
        .prefetch_related(
            Prefetch(
                "doctor_contracts",
                queryset=DoctorContract.objects.filter(
                    signed_on__lte=today, valid_until__gte=today
                ).order_by("-signed_on"),
                to_attr="valid_contracts",
            ),
            Prefetch(
                "checkups", queryset=CheckUp.objects.order_by("-held_on"), to_attr="all_checkups"
            ),
        )
        .order_by("-is_head", "pk")
    )
    rows = [
        {
            "member": member,
            "contract": member.valid_contracts[0] if member.valid_contracts else None,
            "checkup": member.all_checkups[0] if member.all_checkups else None,
        }
        for member in members
    ]
    # The household's pair helper records follow-ups on the phone page (it works offline).
    phone = is_paired_now(user, household.pk) and user.has_capability(Capability.RECORD_FOLLOW_UPS)
    return {"household": household, "rows": rows, "phone": phone}


def uncontracted(user, day: datetime.date, within: Region | None = None) -> QuerySet[Member]:
    """Members in the registry on ``day`` under the user's places (or ``within``) with no
    family-doctor contract valid that day, in register order (place, household, member)."""
    return (
        Member.objects.visible_to(user, within=within)
        .filter(_present_on(day))
        .filter(~_valid_contract_on(day))
        .select_related("household", "household__region")
        .order_by("household__region_id", "household__number", "pk")
    )


def uncontracted_page(user, day: datetime.date, within: Region | None, page: int = 1) -> Page:
    return Paginator(uncontracted(user, day, within), PAGE_SIZE).get_page(page)


def rate_day(year: int, today: datetime.date | None = None) -> datetime.date:
    """The day a year's check-up rate is counted on: the year's last day, or today while
    the year runs."""
    today = today or timezone.localdate()
    return min(datetime.date(year, 12, 31), today)


@dataclass
class Exclusion:
    member: Member
    reason: str


@dataclass
class CheckupRate:
    """A place's check-up rate for a year (体检率): of the members counted, those with at
    least one check-up in the year; and who was left out, each with the reason."""

    region: Region
    year: int
    day: datetime.date
    counted: int
    checked: int
    excluded: list[Exclusion] = field(default_factory=list)

    @property
    def rate(self) -> Decimal | None:
        """Percent, one decimal (88.9); none where no member is counted."""
        if not self.counted:
            return None
        return (Decimal(100 * self.checked) / self.counted).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def definition(self) -> str:
        return checkup_definition(self.region.name, self.day)


def checkup_definition(place: str, day: datetime.date) -> str:
    """The check-up rate's definition for a place and the day it is counted on, in words: on
    the check-up rate's page and on the dashboard."""
    return _(
        "Check-up rate = members with at least one check-up from %(first)s to %(last)s ÷ "
        "members of registered households under %(place)s on %(last)s, less those the "
        "rule leaves out (away for work, by work status, where the place's rule says so)."
    ) % {
        "first": datetime.date(day.year, 1, 1).isoformat(),
        "last": day.isoformat(),
        "place": place,
    }


def excluded_statuses(region_code: str, day: datetime.date) -> frozenset[str]:
    """The work statuses the check-up rate leaves out at a place on a day (none where its
    rule counts those away for work): the rule as in force there that day."""
    if not policy_for(region_code, "health.checkup_excludes_away_for_work", day):
        return frozenset()
    return frozenset(policy_for(region_code, "health.away_for_work_statuses", day))


def checkup_rate(user, region: Region, year: int, day: datetime.date | None = None) -> CheckupRate:
    """The check-up rate of ``region`` (one of the user's places) for ``year``: members of
    registered households on the rate's day (``rate_day``, or ``day`` of that year, as the
    dashboard judges a period on its last day) — not left, in a household not closed — less
    those whose work status the rule at their household's place names as away for work; of
    them, those with a check-up in the year up to that day."""
    day = day or rate_day(year)
    checked_in_year = Exists(
        CheckUp.objects.filter(
            member=OuterRef("pk"), held_on__gte=datetime.date(year, 1, 1), held_on__lte=day
        )
    )
    members = (
        Member.objects.visible_to(user, within=region)
        .filter(_present_on(day))
        .annotate(checked=checked_in_year)
        .select_related("household", "household__region")
        .order_by("household__region_id", "household__number", "pk")
    )
    rules: dict[str, frozenset[str]] = {}
    counted = checked = 0
    excluded = []
    for member in members.iterator(chunk_size=2000):
        place = member.household.region_id
        if place not in rules:
            rules[place] = excluded_statuses(place, day)
        status = member.work_status.strip()
        if status and status in rules[place]:
            excluded.append(
                Exclusion(member, _("away for work (work status: %(s)s)") % {"s": status})
            )
            continue
        counted += 1
        checked += member.checked
    return CheckupRate(region, year, day, counted, checked, excluded)


def members_ill(user, day: datetime.date, within: Region | None = None) -> QuerySet[Member]:
    """Members in the registry on ``day`` under the user's places (or ``within``) with a
    chronic or serious illness diagnosed by then (患慢性病、大病人员)."""
    return (
        Member.objects.visible_to(user, within=within)
        .filter(_present_on(day))
        .filter(Exists(Condition.objects.filter(member=OuterRef("pk"), diagnosed_on__lte=day)))
    )


def members_present(user, day: datetime.date, within: Region | None = None) -> QuerySet[Member]:
    """Members in the registry on ``day`` under the user's places (or ``within``): those the
    signing rate counts (the members without a valid contract are ``uncontracted``)."""
    return Member.objects.visible_to(user, within=within).filter(_present_on(day))


def follow_ups_done(
    user, first: datetime.date, last: datetime.date, within: Region | None = None
) -> QuerySet[FollowUp]:
    """Follow-ups (随访) held from ``first`` to ``last`` under the user's places."""
    return FollowUp.objects.visible_to(user, within=within).filter(
        held_on__gte=first, held_on__lte=last
    )


def follow_ups_due(
    user, first: datetime.date, last: datetime.date, within: Region | None = None
) -> int:
    """Follow-ups falling due from ``first`` to ``last`` under the user's places: each
    illness's first on the day it was diagnosed, then each follow-up's next due day (as in
    ``with_due``)."""
    first_due = Condition.objects.visible_to(user, within=within).filter(
        diagnosed_on__gte=first, diagnosed_on__lte=last
    )
    next_due = FollowUp.objects.visible_to(user, within=within).filter(
        next_due__gte=first, next_due__lte=last
    )
    return first_due.count() + next_due.count()


def follow_ups_overdue_now(
    user, day: datetime.date, within: Region | None = None
) -> QuerySet[Condition]:
    """Illnesses of members in the registry now whose follow-up, as the follow-ups stand
    now, was due before ``day``: on today, the list ``overdue_follow_ups`` gives; on an
    earlier day, what the dashboard counts from the place roll-ups (which keep the present,
    as for meeting tasks overdue)."""
    today = timezone.localdate()
    return with_due(Condition.objects.visible_to(user, within=within)).filter(
        _present_on(today, "member__"), Q(due__lt=day)
    )


def follow_up_phone(user) -> list[dict]:
    """What a pair helper's follow-up page keeps for working offline (随访, on the phone): the
    households paired with them now, each with its members' illnesses under management and
    when each is due, in the helper's order of households."""
    households = [pairing.household for pairing in my_households(user)]
    names = household_names(households)
    today = timezone.localdate()
    illnesses: dict[int, list[dict]] = {household.pk: [] for household in households}
    rows = (
        with_due(
            Condition.objects.visible_to(user).filter(
                member__household__in=households, member__left_on=None
            )
        )
        .select_related("member", "illness")
        .order_by("-member__is_head", "member_id", "diagnosed_on", "pk")
    )
    for condition in rows:
        due = condition.due  # type: ignore[attr-defined]  # annotated by with_due
        illnesses[condition.member.household_id].append(
            {
                "id": condition.pk,
                "member": condition.member.name,
                "illness": condition.illness.label,
                "due": due,
                "overdue": due is not None and due < today,
            }
        )
    return [
        {
            "id": household.pk,
            "label": names[household.pk].label if household.pk in names else household.number,
            "illnesses": illnesses[household.pk],
        }
        for household in households
    ]


def phone_pages(user) -> list[str]:
    """The health page a pair helper's phone keeps (``visits.offline``): the follow-up page."""
    return [reverse("health:follow_up_phone")] if user.is_pair_helper() else []


def helper_home(user) -> dict | None:
    """A pair helper's home panel of follow-ups (随访): their households' illnesses under
    management and how many are overdue, with the way to the phone page; None for anyone
    else."""
    if not (user.is_pair_helper() and user.has_capability(Capability.RECORD_FOLLOW_UPS)):
        return None
    illnesses = [i for household in follow_up_phone(user) for i in household["illnesses"]]
    return {
        "illnesses": len(illnesses),
        "overdue": sum(1 for illness in illnesses if illness["overdue"]),
    }
