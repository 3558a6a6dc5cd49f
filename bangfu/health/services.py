"""Every write of health assistance: a family-doctor contract signed or renewed, a check-up
recorded. Keyword-only, one transaction each, audited with the member's place.

Those who record are the offices and village teams of the member's place
(``RECORD_HEALTH``), and pair helpers the follow-ups of their own households
(``RECORD_FOLLOW_UPS``); the health bureau's sheets come through the exchange pipeline into
``bulk`` (the same rules, many rows at once). Each record has a natural key (a contract:
member and day signed; a check-up: member and day; a follow-up: illness and day), held by a
unique constraint: a second record of a key is refused here with what to do, and a sheet's
row of that key updates the record.
"""

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, values
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError, OutOfScope
from bangfu.core.models import Code
from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import chosen_code, may_be_code, visible_place
from bangfu.core.services import retried_on_conflict, sent_before
from bangfu.pairing.selectors import require_for_household
from bangfu.registry.models import Member

from .models import Activity, CheckUp, Condition, DoctorContract, FollowUp, MedicalCost

MOST_FINDINGS = 20


@dataclass
class ContractInput:
    """A family-doctor contract as a form, the API or a sheet gives it."""

    doctor: str
    institution: str
    package: str  # a value of the code list doctor_package
    signed_on: Any
    valid_until: Any


@dataclass
class CheckUpInput:
    """A check-up as a form, the API or a sheet gives it."""

    held_on: Any
    institution: str
    summary: str = ""
    findings: list[str] = field(default_factory=list)  # values of the list checkup_finding


def _member(actor, member_id: int) -> Member:
    """The member, locked, in the actor's places (404 otherwise), still in the registry."""
    member = (
        Member.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("household")
        .filter(pk=member_id)
        .first()
    )
    if member is None:
        raise OutOfScope()
    if member.left_on is not None or member.household.closed_on is not None:
        raise DomainError(
            _("%(name)s is no longer in a household of the registry.") % {"name": member.name},
            code="member_left",
        )
    return member


def _findings(chosen: list[Any]) -> list[Code]:
    wanted = {str(value).strip() for value in chosen if str(value).strip()}
    if len(wanted) > MOST_FINDINGS:
        raise DomainError(
            _("Choose at most %(n)d findings.") % {"n": MOST_FINDINGS},
            code="too_many_findings",
            field="findings",
        )
    fits = {value for value in wanted if may_be_code(value)}
    codes = list(Code.objects.filter(kind="checkup_finding", value__in=fits, retired=False))
    if wanted - {code.value for code in codes}:
        raise DomainError(
            _("Choose the findings from the list."), code="bad_finding", field="findings"
        )
    return sorted(codes, key=lambda code: (code.sort_order, code.value))


# What the audit log records of each kind of record; the bureau's sheets record the same.
CONTRACT_FIELDS = ["member", "doctor", "institution", "package", "signed_on", "valid_until"]
CHECKUP_FIELDS = ["member", "held_on", "institution", "summary"]
COST_FIELDS = ["member", "year", "total", "reimbursed", "note"]
FOLLOW_UP_FIELDS = ["condition", "held_on", "by", "kind", "findings", "next_due"]


@transaction.atomic
def contract_sign(*, actor, member_id: int, contract: ContractInput) -> DoctorContract:
    """Record a member's family-doctor contract, or its renewal: always a new contract, the
    earlier ones kept. A contract is not signed before the member's latest one."""
    require(actor, Capability.RECORD_HEALTH)
    member = _member(actor, member_id)
    row = DoctorContract(
        member=member,
        region_id=member.household.region_id,
        package=chosen_code(
            "doctor_package",
            contract.package,
            _("Choose %(label)s.") % {"label": _("the service package")},
            field="package",
        ),
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    values.assign(row, contract, ["doctor", "institution", "signed_on", "valid_until"])
    if row.valid_until < row.signed_on:
        raise DomainError(
            _("A contract runs until a day on or after it was signed."),
            code="bad_valid_until",
            field="valid_until",
        )
    if member.doctor_contracts.filter(signed_on=row.signed_on).exists():
        raise DomainError(
            _(
                "%(name)s already has a contract signed on %(day)s; a renewal is signed on "
                "another day."
            )
            % {"name": member.name, "day": row.signed_on.isoformat()},
            code="duplicate",
            field="signed_on",
        )
    latest = member.doctor_contracts.order_by("-signed_on").first()
    if latest is not None and row.signed_on < latest.signed_on:
        raise DomainError(
            _("%(name)s's latest contract was signed on %(day)s; a renewal is signed after it.")
            % {"name": member.name, "day": latest.signed_on.isoformat()},
            code="before_latest",
            field="signed_on",
        )
    row.save()
    audit.record(
        actor=actor,
        action="doctor_contract.sign",
        obj=row,
        region_code=row.region_id,
        after=audit.snapshot(row, CONTRACT_FIELDS),
    )
    return row


@transaction.atomic
def checkup_record(*, actor, member_id: int, checkup: CheckUpInput) -> CheckUp:
    """Record a member's health check-up with its findings."""
    require(actor, Capability.RECORD_HEALTH)
    member = _member(actor, member_id)
    row = CheckUp(
        member=member,
        region_id=member.household.region_id,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    values.assign(row, checkup, ["held_on", "institution", "summary"])
    if row.held_on < member.birth_date:
        raise DomainError(
            _("%(name)s was born on %(day)s.")
            % {"name": member.name, "day": member.birth_date.isoformat()},
            code="before_birth",
            field="held_on",
        )
    if member.checkups.filter(held_on=row.held_on).exists():
        raise DomainError(
            _("%(name)s already has a check-up on %(day)s; look at it on the member's page.")
            % {"name": member.name, "day": row.held_on.isoformat()},
            code="duplicate",
            field="held_on",
        )
    findings = _findings(checkup.findings)
    row.save()
    row.findings.set(findings)
    after = audit.snapshot(row, CHECKUP_FIELDS)
    after["findings"] = [code.value for code in findings]
    audit.record(
        actor=actor, action="checkup.record", obj=row, region_code=row.region_id, after=after
    )
    return row


@dataclass
class ConditionInput:
    """A chronic or serious illness put under management."""

    illness: str  # a value of the code list illness
    kind: str  # IllnessKind
    diagnosed_on: Any
    note: str = ""


@dataclass
class FollowUpInput:
    """A follow-up (随访) of an illness."""

    held_on: Any
    by: str
    kind: str  # FollowUpKind
    findings: str = ""
    next_due: Any = None


@transaction.atomic
def condition_record(*, actor, member_id: int, condition: ConditionInput) -> Condition:
    """Put a member's chronic or serious illness under management (慢病/大病管理)."""
    require(actor, Capability.RECORD_HEALTH)
    member = _member(actor, member_id)
    row = Condition(
        member=member,
        region_id=member.household.region_id,
        illness=chosen_code(
            "illness",
            condition.illness,
            _("Choose %(label)s.") % {"label": _("the illness")},
            field="illness",
        ),
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    values.assign(row, condition, ["kind", "diagnosed_on", "note"])
    if row.diagnosed_on < member.birth_date:
        raise DomainError(
            _("%(name)s was born on %(day)s.")
            % {"name": member.name, "day": member.birth_date.isoformat()},
            code="before_birth",
            field="diagnosed_on",
        )
    row.save()
    audit.record(
        actor=actor,
        action="condition.record",
        obj=row,
        region_code=row.region_id,
        after=audit.snapshot(row, ["member", "illness", "kind", "diagnosed_on", "note"]),
    )
    return row


@transaction.atomic
def follow_up_record(
    *, actor, condition_id: int, follow_up: FollowUpInput, client_id: uuid.UUID | None = None
) -> FollowUp:
    """Record a follow-up (随访) of an illness: when, by whom, how, what was found, and when
    the next one is due (none: no more follow-ups are planned).

    The offices and teams record them for every member of their places (``RECORD_HEALTH``),
    a pair helper for the members of the households paired with them now
    (``RECORD_FOLLOW_UPS``), as plans are written. ``client_id`` is the id a phone made for
    it (see ``follow_up_sent``)."""
    condition = (
        Condition.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(pk=condition_id)
        .first()
    )
    if condition is None:
        raise OutOfScope()
    member = _member(actor, condition.member_id)
    require_for_household(
        actor,
        member.household_id,
        anywhere=Capability.RECORD_HEALTH,
        own=Capability.RECORD_FOLLOW_UPS,
    )
    row = FollowUp(
        condition=condition,
        client_id=client_id,
        region_id=condition.region_id,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    values.assign(row, follow_up, ["held_on", "by", "kind", "findings", "next_due"])
    if row.held_on < condition.diagnosed_on:
        raise DomainError(
            _("The illness was diagnosed on %(day)s.")
            % {"day": condition.diagnosed_on.isoformat()},
            code="before_diagnosis",
            field="held_on",
        )
    if row.next_due is not None and row.next_due <= row.held_on:
        raise DomainError(
            _("The next follow-up is due after this one."), code="bad_next_due", field="next_due"
        )
    if condition.follow_ups.filter(held_on=row.held_on).exists():
        raise DomainError(
            _("This illness was already followed up on %(day)s; look at it on the member's page.")
            % {"day": row.held_on.isoformat()},
            code="duplicate",
            field="held_on",
        )
    row.save()
    audit.record(
        actor=actor,
        action="follow_up.record",
        obj=row,
        region_code=row.region_id,
        after=audit.snapshot(row, [*FOLLOW_UP_FIELDS, "client_id"]),
    )
    return row


def _follow_up_before(actor, client_id: uuid.UUID) -> FollowUp | None:
    return sent_before(
        FollowUp,
        actor,
        client_id,
        _("This follow-up id was used by someone else; reload the page and record it again."),
    )


def follow_up_sent(
    *, actor, client_id: uuid.UUID, condition_id: int, follow_up: FollowUpInput
) -> tuple[FollowUp, bool]:
    """A follow-up made on a phone, perhaps offline, with the id the phone made for it:
    answers (follow-up, True), or (the one already recorded, False) when this id came before
    (a resend after a lost answer, two sends at once), so that a queue sent twice records
    once."""
    earlier = _follow_up_before(actor, client_id)
    if earlier is not None:
        return earlier, False
    try:
        row = follow_up_record(
            actor=actor, condition_id=condition_id, follow_up=follow_up, client_id=client_id
        )
    except IntegrityError:
        # The same id sent twice at once: the other request recorded it first.
        earlier = _follow_up_before(actor, client_id)
        if earlier is None:
            raise
        return earlier, False
    return row, True


@dataclass
class CostInput:
    """A member's large medical costs of a year."""

    year: Any
    total: Any
    reimbursed: Any
    note: str = ""


@retried_on_conflict
@transaction.atomic
def medical_cost_record(*, actor, member_id: int, cost: CostInput) -> MedicalCost:
    """Record a member's large medical costs of a year (大额医疗费用) and what was
    reimbursed of them: one record a member and year (the medical insurance bureau's sheet
    updates it)."""
    require(actor, Capability.RECORD_HEALTH)
    member = _member(actor, member_id)
    row = MedicalCost(
        member=member,
        region_id=member.household.region_id,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    values.assign(row, cost, ["year", "total", "reimbursed", "note"])
    if row.reimbursed > row.total:
        raise DomainError(
            _("What was reimbursed cannot exceed the total."),
            code="reimbursed_over_total",
            field="reimbursed",
        )
    if member.medical_costs.filter(year=row.year).exists():
        raise DomainError(
            _(
                "%(name)s's medical costs of %(year)d are on record already; a year's costs "
                "are one record, corrected by the medical insurance bureau's sheet."
            )
            % {"name": member.name, "year": row.year},
            code="duplicate",
            field="year",
        )
    row.save()
    audit.record(
        actor=actor,
        action="medical_cost.record",
        obj=row,
        region_code=row.region_id,
        after=audit.snapshot(row, COST_FIELDS),
    )
    return row


@dataclass
class ActivityInput:
    """A health activity at a place."""

    region_code: str
    kind: str  # ActivityKind
    held_on: Any
    organiser: str
    people_served: Any
    note: str = ""


@transaction.atomic
def activity_record(*, actor, activity: ActivityInput) -> Activity:
    """Record a health activity (a clinic day, a free clinic, a health-bus visit) at a
    township, village or group of the actor's places, with the people it served."""
    require(actor, Capability.RECORD_HEALTH)
    region = visible_place(actor, str(activity.region_code or "").strip())
    if region is None or region.level < RegionLevel.TOWNSHIP:
        raise DomainError(
            _("Choose a township, village or group among your places."),
            code="bad_place",
            field="region_code",
        )
    row = Activity(region=region, recorded_at=timezone.now(), recorded_by=actor)
    values.assign(row, activity, ["kind", "held_on", "organiser", "people_served", "note"])
    row.save()
    audit.record(
        actor=actor,
        action="health_activity.record",
        obj=row,
        region_code=row.region_id,
        after=audit.snapshot(
            row, ["region", "kind", "held_on", "organiser", "people_served", "note"]
        ),
    )
    return row


def health_follow_household(household_id: int, region_code: str) -> None:
    """A household moved (the registry's audited move, in its transaction): its members'
    contracts, check-ups, illnesses, follow-ups and costs are read at its new place."""
    for model in (DoctorContract, CheckUp, Condition, MedicalCost):
        model.objects.filter(member__household_id=household_id).update(region_id=region_code)
    FollowUp.objects.filter(condition__member__household_id=household_id).update(
        region_id=region_code
    )


def health_follow_member(member_id: int, household_id: int, region_code: str) -> None:
    """A member joined another household (a move, split or merge, in the registry's
    transaction): their health records are read at its place."""
    for model in (DoctorContract, CheckUp, Condition, MedicalCost):
        model.objects.filter(member_id=member_id).update(region_id=region_code)
    FollowUp.objects.filter(condition__member_id=member_id).update(region_id=region_code)
