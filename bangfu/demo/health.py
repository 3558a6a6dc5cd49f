"""The demo district's health assistance: a family-doctor contract for most members (every
household's head among them, so every household has one: 一户一签约), signed
early in 2025 for a year and renewed for most of them (so some have lapsed and are listed
as without a family doctor); this year's check-ups for most members (every head), with findings of
hypertension and diabetes in the proportions of a rural district; chronic and serious
illnesses of older members followed up each quarter, a few of them overdue, with last
year's costs of the serious ones; free clinics, health-bus visits and clinic days. The
village clinic (卫生室) or the township health centre (卫生院) does the work.

Everything goes through the health services (audited, under their rules): the dates are all
in the past and within what the services take.
"""

import datetime
import random

from bangfu.core.models import Region
from bangfu.core.params import add_months
from bangfu.core.regions import RegionLevel
from bangfu.health.services import (
    ActivityInput,
    CheckUpInput,
    ConditionInput,
    ContractInput,
    CostInput,
    FollowUpInput,
    activity_record,
    checkup_record,
    condition_record,
    contract_sign,
    follow_up_record,
    medical_cost_record,
)
from bangfu.registry.models import Member

from .households import SURNAMES

FIRST_SIGNING = datetime.date(2025, 1, 1)


def _a_year_on(day: datetime.date) -> datetime.date:
    return day.replace(year=day.year + 1) - datetime.timedelta(days=1)


def _institutions(member: Member) -> tuple[str, str]:
    """The village clinic and the township health centre of the member's household."""
    place = member.household.region
    village = place.parent if place.level > RegionLevel.VILLAGE else place
    township = village.parent
    return f"{village.name}卫生室", f"{township.name}卫生院"


def make_health(*, actor, seed: int, today: datetime.date) -> dict[str, int]:
    """Contracts and check-ups; returns how many of each."""
    rng = random.Random(seed + 15)
    members = (
        Member.objects.filter(left_on=None, household__closed_on=None)
        .select_related("household__region__parent__parent")
        .order_by("pk")
    )
    doctors = [f"{rng.choice(SURNAMES)}医生" for _ in range(12)]
    made = {
        "contracts": 0,
        "checkups": 0,
        "illnesses": 0,
        "follow_ups": 0,
        "costs": 0,
        "activities": 0,
    }
    for member in members:
        clinic, centre = _institutions(member)
        # Every household's head signs and has this year's check-up (一户一签约): each
        # household has a family doctor and a check-up in the past year (issue 15's demo).
        if rng.random() < 0.92 or member.is_head:
            signed = FIRST_SIGNING + datetime.timedelta(days=rng.randrange(60))
            doctor, package = rng.choice(doctors), rng.choice(["1", "1", "2", "3"])
            signings = [signed]
            if rng.random() < 0.9:  # renewed the day after the first year ran out
                signings.append(_a_year_on(signed) + datetime.timedelta(days=1))
            for day in signings:
                if day > today:
                    break
                contract_sign(
                    actor=actor,
                    member_id=member.pk,
                    contract=ContractInput(
                        doctor=doctor,
                        institution=clinic,
                        package=package,
                        signed_on=day,
                        valid_until=_a_year_on(day),
                    ),
                )
                made["contracts"] += 1
        if rng.random() < 0.88 or member.is_head:
            first = today.replace(month=1, day=1)
            held = first + datetime.timedelta(days=rng.randrange((today - first).days + 1))
            findings = [
                code
                for code, share in (("1", 0.25), ("2", 0.1), ("3", 0.08))
                if rng.random() < share
            ]
            checkup_record(
                actor=actor,
                member_id=member.pk,
                checkup=CheckUpInput(
                    held_on=max(held, member.birth_date),
                    institution=centre,
                    summary="未见明显异常" if not findings else "建议定期复查",
                    findings=findings,
                ),
            )
            made["checkups"] += 1
        if member.birth_date.year < 1976 and rng.random() < 0.3:
            _illness(actor, member, rng, today, doctors, made)
    made["activities"] = _activities(actor, rng, today)
    return made


def _activities(actor, rng, today) -> int:
    """This year: a free clinic in each township in spring, the health bus in each village
    in autumn, and a clinic day in each village every month of the last quarter."""
    villages = Region.objects.filter(level=RegionLevel.VILLAGE).select_related("parent")
    townships = {village.parent for village in villages}
    made = 0

    def record(place, kind, day, organiser, served):
        nonlocal made
        if day <= today:
            activity_record(
                actor=actor,
                activity=ActivityInput(place.code, kind, day, organiser, served),
            )
            made += 1

    for township in sorted(townships, key=lambda r: r.code):
        record(
            township,
            "free_clinic",
            today.replace(month=4, day=18),
            "区人民医院",
            rng.randrange(60, 200),
        )
    for village in villages.order_by("code"):
        centre = f"{village.parent.name}卫生院"
        record(
            village,
            "health_bus",
            today.replace(month=9, day=rng.randrange(1, 29)),
            centre,
            rng.randrange(20, 80),
        )
        for back in (0, 1, 2):
            day = add_months(today.replace(day=1), -back).replace(day=10)
            record(village, "clinic_day", day, centre, rng.randrange(5, 30))
    return made


ILLNESSES = [
    ("1", "chronic"),
    ("1", "chronic"),
    ("2", "chronic"),
    ("6", "chronic"),
    ("8", "serious"),
]
FOLLOW_UP_DAYS = 90  # a quarter, as the basic public health service follows chronic illness


def _illness(actor, member, rng, today, doctors, made) -> None:
    """An illness under management since some years, followed up each quarter of the past
    year; about one in six has missed the latest, and is overdue."""
    illness, kind = rng.choice(ILLNESSES)
    if kind == "serious":  # a serious illness costs: last year's bills, most reimbursed
        total = rng.randrange(20_000, 150_000)
        medical_cost_record(
            actor=actor,
            member_id=member.pk,
            cost=CostInput(
                year=today.year - 1,
                total=total,
                reimbursed=round(total * rng.uniform(0.6, 0.9), 2),
                note="住院治疗",
            ),
        )
        made["costs"] += 1
    diagnosed = today - datetime.timedelta(days=rng.randrange(400, 3000))
    condition = condition_record(
        actor=actor,
        member_id=member.pk,
        condition=ConditionInput(illness=illness, kind=kind, diagnosed_on=diagnosed),
    )
    made["illnesses"] += 1
    held = today - datetime.timedelta(days=360 + rng.randrange(30))
    stop = today - datetime.timedelta(days=FOLLOW_UP_DAYS + 20 if rng.random() < 0.17 else 0)
    while held <= stop:
        follow_up_record(
            actor=actor,
            condition_id=condition.pk,
            follow_up=FollowUpInput(
                held_on=held,
                by=rng.choice(doctors),
                kind=rng.choice(["home", "home", "phone", "clinic"]),
                findings=rng.choice(["病情稳定", "血压控制尚可", "按时服药", "建议复查"]),
                next_due=held + datetime.timedelta(days=FOLLOW_UP_DAYS),
            ),
        )
        made["follow_ups"] += 1
        held += datetime.timedelta(days=FOLLOW_UP_DAYS)
