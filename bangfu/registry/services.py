"""Writes to the household registry: each use case one transaction, audited.

Input arrives as plain values (from a form, the API or an import row); codes are given by
their value in the code list, ID numbers in any form people type them. Every refusal names
the field it is about.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from bangfu.core import audit, idnumbers, values
from bangfu.core.capabilities import Capability, require
from bangfu.core.codes import HEAD_OF_HOUSEHOLD
from bangfu.core.errors import Clash, DomainError, OutOfScope
from bangfu.core.models import Code, Region
from bangfu.core.protection import lookup_hashes, seal, unseal
from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import may_be_code, visible_place
from bangfu.core.services import clashes_recorded, retried_on_conflict

from . import edits, moves
from .models import (
    BANK_ACCOUNT,
    HOUSEHOLD_DETAILS,
    MEMBER_DETAILS,
    REASON,
    AnnualIncome,
    Household,
    HouseholdStatus,
    Member,
    MemberMove,
    StatusChange,
)
from .selectors import id_mask_for, masked_id

STATUSES = frozenset(HouseholdStatus.values)
# Which status may follow which (脱贫 → 返贫 → 监测 …); the first entry of a history may be any.
TRANSITIONS: dict[str, set[str]] = {
    HouseholdStatus.NOT_OUT: {HouseholdStatus.OUT_WITH_POLICY, HouseholdStatus.MONITORED},
    HouseholdStatus.OUT_WITH_POLICY: {
        HouseholdStatus.OUT_WITHOUT_POLICY,
        HouseholdStatus.RELAPSED,
        HouseholdStatus.MONITORED,
    },
    HouseholdStatus.OUT_WITHOUT_POLICY: {HouseholdStatus.RELAPSED, HouseholdStatus.MONITORED},
    HouseholdStatus.RELAPSED: {HouseholdStatus.OUT_WITH_POLICY, HouseholdStatus.MONITORED},
    HouseholdStatus.MONITORED: {HouseholdStatus.RISK_CLEARED},
    HouseholdStatus.RISK_CLEARED: {HouseholdStatus.MONITORED},
}


@dataclass(slots=True)  # an import holds hundreds of thousands
class HouseholdInput:
    number: str
    region_code: str
    attribute: str
    standard: str
    main_cause: str
    year_identified: int
    other_causes: list[str] = field(default_factory=list)
    address: str = ""
    phone: str = ""
    bank_name: str = ""
    bank_account: str | None = None  # None keeps the account on record
    planned_exit_year: int | None = None
    land_area_mu: Decimal = Decimal(0)
    housing_area: Decimal | None = None
    housing_structure: str = ""
    danger_grade: str = ""
    water_difficulty: bool = False
    water_safe: bool = True
    has_power: bool = True
    toilet: str = ""
    road_distance_km: Decimal | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@dataclass(slots=True)  # an import holds hundreds of thousands
class MemberInput:
    name: str
    id_number: str
    relation: str
    ethnicity: str
    health: str
    labour: str
    sex: str = ""
    birth_date: datetime.date | None = None
    education: str = ""
    schooling: str = ""
    disability: str = ""
    work_status: str = ""
    dibao: bool = False
    medical_insurance: bool = True
    pension_insurance: bool = False


@dataclass(slots=True)  # an import holds hundreds of thousands
class StatusInput:
    status: str
    effective_on: datetime.date
    reason: str
    monitoring_type: str = ""
    risk_types: list[str] = field(default_factory=list)


class Lookups:
    """Where the registry's rules look things up: the database, a query at a time.

    Forms and the API write one household at a time and use this; an import of many
    households passes a subclass that answers the same questions from what it loaded in
    bulk (``bangfu.registry.bulk``), so both apply the same rules.
    """

    def code(self, kind: str, value: str) -> Code | None:
        return Code.objects.filter(kind=kind, value=value).first()

    def place(self, actor, region_code: str) -> Region | None:
        return visible_place(actor, region_code)

    def number_holder(self, number: str) -> tuple[int, str] | None:
        """(household, its place) of the household holding ``number``."""
        return Household.objects.filter(number=number).values_list("pk", "region_id").first()

    def id_holder(self, id_number: str) -> tuple[int, int, str, str] | None:
        """(member, household, household number, its place) of the person with this (clean)
        ID number, by any hash a rotation may have left on the row."""
        return (
            Member.objects.filter(id_number_hash__in=lookup_hashes(id_number))
            .values_list("pk", "household_id", "household__number", "household__region_id")
            .first()
        )

    def household_visible(self, actor, household_id: int) -> bool:
        return Household.objects.visible_to(actor).filter(pk=household_id).exists()


DATABASE = Lookups()


def _code(
    kind: str, value: Any, field_name: str, *, keep: Code | None = None, lookups: Lookups = DATABASE
) -> Code:
    """The active entry ``value`` of list ``kind``; a retired one only if the record has it."""
    text = str(value or "").strip()
    code = lookups.code(kind, text) if may_be_code(text) else None
    if code is None or (code.retired and code != keep):
        raise DomainError(
            _("“%(value)s” is not an entry of the list in use here.") % {"value": text[:40]},
            code="bad_code",
            field=field_name,
        )
    return code


def _codes(
    kind: str, values: Iterable[Any], field_name: str, lookups: Lookups = DATABASE
) -> list[Code]:
    return [
        _code(kind, value, field_name, lookups=lookups)
        for value in values
        if str(value or "").strip()
    ]


def _household_place(actor, region_code: str, lookups: Lookups = DATABASE) -> Region:
    region = lookups.place(actor, region_code)
    if region is None:
        raise DomainError(
            _("Choose a village or group among your places."), code="bad_place", field="region"
        )
    if region.level not in (RegionLevel.VILLAGE, RegionLevel.GROUP):
        raise DomainError(
            _("A household belongs to a village or a village group, not to a %(level)s.")
            % {"level": RegionLevel(region.level).label},
            code="bad_place",
            field="region",
        )
    return region


def _apply_household(
    actor, household: Household, data: HouseholdInput, lookups: Lookups = DATABASE
) -> list[Code]:
    household.region = _household_place(actor, data.region_code, lookups)
    number = values.clean(Household, "number", data.number)
    holder = lookups.number_holder(number)
    if holder is not None and holder[0] != household.pk:
        if lookups.household_visible(actor, holder[0]):
            raise DomainError(
                _("Household number %(number)s is already registered.") % {"number": number},
                code="number_taken",
                field="number",
            )
        raise Clash(
            _(
                "Household number %(number)s cannot be registered here; it has been passed "
                "to an administrator to check."
            )
            % {"number": number},
            field="number",
            region_code=household.region_id,
            holder=("registry.household", str(holder[0]), holder[1]),
            detail={"number": number},
        )
    household.year_identified = values.clean(Household, "year_identified", data.year_identified)
    household.number = number
    for name, kind in (
        ("attribute", "household_attribute"),
        ("standard", "identification_standard"),
        ("main_cause", "poverty_cause"),
    ):
        code = _code(
            kind, getattr(data, name), name, keep=_current(household, name), lookups=lookups
        )
        setattr(household, name, code)
    values.assign(household, data, HOUSEHOLD_DETAILS)
    if data.bank_account is not None:
        account = BANK_ACCOUNT.clean(
            data.bank_account, label=_("bank account"), field="bank_account"
        )
        household.bank_account_sealed = seal(account) if account else ""
    return _codes("poverty_cause", data.other_causes, "other_causes", lookups)


def _current(record, name: str) -> Code | None:
    return getattr(record, name) if getattr(record, f"{name}_id", None) else None


HOUSEHOLD_AUDIT_FIELDS = [
    "number",
    "region",
    "attribute",
    "standard",
    "main_cause",
    "year_identified",
    "status",
    "monitoring_type",
    *HOUSEHOLD_DETAILS,
]


def _household_state(household: Household, causes: Iterable[str] | None = None) -> dict[str, Any]:
    """What the audit log records of a household; ``causes`` (the other causes' values) when
    the caller holds them already, as a bulk import does."""
    # The bank account is sealed; the audit log records that it changed, never its value.
    state = audit.snapshot(household, HOUSEHOLD_AUDIT_FIELDS)
    state["bank_account_sealed"] = bool(household.bank_account_sealed)
    if causes is None:
        causes = household.other_causes.values_list("value", flat=True)
    state["other_causes"] = sorted(causes)
    return state


def _member_state(member: Member) -> dict[str, Any]:
    state = audit.snapshot(member, ["household", "name", "is_head", *MEMBER_DETAILS])
    state["id_number_hash"] = member.id_number_hash[:12]
    return state


def _apply_member(
    actor, member: Member, data: MemberInput, lookups: Lookups = DATABASE, *, sealing: bool = True
) -> None:
    """Apply ``data`` to ``member`` under the rules; ``sealing=False`` for a check that will
    write nothing (sealing is the costliest step of an import's check)."""
    name = values.clean(Member, "name", data.name)
    person = idnumbers.parse(data.id_number)
    if data.birth_date and data.birth_date != person.birth_date:
        raise DomainError(
            _("The birth date %(entered)s does not match the ID number, which says %(id)s.")
            % {"entered": data.birth_date, "id": person.birth_date},
            code="birth_date_mismatch",
            field="birth_date",
        )
    if data.sex and data.sex != person.sex:
        raise DomainError(
            _("The sex entered does not match the ID number."),
            code="sex_mismatch",
            field="sex",
        )
    digests = lookup_hashes(person.value)
    holder = lookups.id_holder(person.value)
    if holder is not None and holder[0] != member.pk:
        shown = masked_id(person.value, id_mask_for(actor))
        if lookups.household_visible(actor, holder[1]):
            raise DomainError(
                _("ID number %(id)s is already registered in household %(number)s.")
                % {"id": shown, "number": holder[2]},
                code="id_number_taken",
                field="id_number",
            )
        raise Clash(
            _(
                "ID number %(id)s cannot be registered here; it has been passed to an "
                "administrator to check."
            )
            % {"id": shown},
            field="id_number",
            region_code=member.household.region_id or "",
            holder=("registry.member", str(holder[0]), holder[3]),
            detail={"id_number": shown, "household_number": member.household.number},
        )
    birth_date = values.clean(Member, "birth_date", person.birth_date, field="id_number")
    member.name, member.sex, member.birth_date = name, person.sex, birth_date
    # An unchanged number keeps its seal and hash, even under the scheme a running rotation
    # replaces: rotate_keys moves it, and the copies of its hash with it (core.rotation).
    if member.id_number_hash not in digests:
        member.id_number_hash = digests[0]
        member.id_number_sealed = seal(person.value) if sealing else ""
    member.relation = _code(
        "relation", data.relation, "relation", keep=_current(member, "relation"), lookups=lookups
    )
    member.is_head = member.relation.value == HEAD_OF_HOUSEHOLD
    for kind in ("ethnicity", "health", "labour"):
        value = getattr(data, kind)
        setattr(
            member, kind, _code(kind, value, kind, keep=_current(member, kind), lookups=lookups)
        )
    for kind in ("education", "schooling"):
        value = getattr(data, kind)
        code = (
            _code(kind, value, kind, keep=_current(member, kind), lookups=lookups)
            if value
            else None
        )
        setattr(member, kind, code)
    values.assign(member, data, ("disability", "work_status"))
    member.dibao = data.dibao
    member.medical_insurance, member.pension_insurance = (
        data.medical_insurance,
        data.pension_insurance,
    )


def _refuse_second_head(member: Member) -> None:
    others = Member.objects.filter(household_id=member.household_id, is_head=True)
    if member.is_head and others.exclude(pk=member.pk).exists():
        raise DomainError(
            _("This household already has a head (户主); change that member's relation first."),
            code="one_head",
            field="relation",
        )


def _check_one_head(household: Household) -> None:
    heads = Member.objects.filter(household=household, is_head=True, left_on=None).count()
    if heads != 1:
        raise DomainError(
            _("A household has exactly one head (户主); this one would have %(n)d.") % {"n": heads},
            code="one_head",
            field="relation",
        )


def _checked_status(
    household: Household, data: StatusInput, *, first: bool, lookups: Lookups = DATABASE
) -> tuple[Code | None, list[Code]]:
    """Refuse a status change the rules do not allow; the monitoring type and risk types.
    The date and the reason are cleaned on ``data`` itself."""
    if data.status not in STATUSES:
        raise DomainError(_("Unknown status."), code="bad_status", field="status")
    if not first and data.status not in TRANSITIONS[household.status]:
        raise DomainError(
            _("A household that is “%(current)s” cannot become “%(new)s”.")
            % {
                "current": HouseholdStatus(household.status).label,
                "new": HouseholdStatus(data.status).label,
            },
            code="bad_transition",
            field="status",
        )
    data.effective_on = values.clean(StatusChange, "effective_on", data.effective_on)
    data.reason = values.clean(StatusChange, "reason", data.reason)
    if data.status != HouseholdStatus.MONITORED:
        return None, []
    monitoring_type = _code(
        "monitoring_type", data.monitoring_type, "monitoring_type", lookups=lookups
    )
    risk_types = _codes("risk_type", data.risk_types, "risk_types", lookups)
    if not risk_types:
        raise DomainError(
            _("Choose at least one risk type for a monitored household."),
            code="no_risk_type",
            field="risk_types",
        )
    return monitoring_type, risk_types


def _apply_status(
    household: Household,
    data: StatusInput,
    actor,
    *,
    first: bool,
    checked: tuple[Code | None, list[Code]] | None = None,
) -> StatusChange:
    """Write a status change ``_checked_status`` allows (``checked``: what it answered, where
    the caller had to check before writing the household)."""
    monitoring_type, risk_types = checked or _checked_status(household, data, first=first)
    last = household.history.order_by("-effective_on").first() if not first else None
    if last and data.effective_on < last.effective_on:
        raise DomainError(
            _("The date is before the last change (%(day)s).") % {"day": last.effective_on},
            code="date_before_last",
            field="effective_on",
        )
    household.status = data.status
    if data.status in (HouseholdStatus.MONITORED, HouseholdStatus.RISK_CLEARED):
        household.monitoring_type = monitoring_type or household.monitoring_type
    entry = StatusChange.objects.create(
        household=household,
        status=data.status,
        monitoring_type=monitoring_type,
        effective_on=data.effective_on,
        reason=data.reason,
        actor=actor,
    )
    entry.risk_types.set(risk_types)
    return entry


@retried_on_conflict
def household_register(
    *,
    actor,
    household: HouseholdInput,
    members: list[MemberInput],
    status: StatusInput,
) -> Household:
    """Register a household with its members and its first status (建档立卡 / 纳入监测)."""
    require(actor, Capability.EDIT_REGISTRY)
    with clashes_recorded(actor), transaction.atomic():
        record = Household()
        other_causes = _apply_household(actor, record, household)
        # Checked before the household is written: it is written with the status.
        checked = _checked_status(record, status, first=True)
        record.status = status.status
        record.save()
        record.other_causes.set(other_causes)
        _apply_status(record, status, actor, first=True, checked=checked)
        record.save(update_fields=["status", "monitoring_type"])
        for index, data in enumerate(members):
            member = Member(household=record)
            try:
                _apply_member(actor, member, data)
                _refuse_second_head(member)
            except DomainError as refusal:
                refusal.field = f"members.{index}.{refusal.field}"
                raise
            member.save()
        _check_one_head(record)
        audit.record(
            actor=actor,
            action="household.register",
            obj=record,
            region_code=record.region_id,
            after={
                **_household_state(record),
                "members": [_member_state(m) for m in record.members.order_by("pk")],
            },
        )
        edits.households_edited([record.pk])
    return record


def household_locked(actor, household_id: int, closed: Callable[[Household], str]) -> Household:
    """The household of that id within the actor's places, its row locked (the writes about
    one household wait for each other on it), for any app that writes about a household. A
    household merged into another is refused with ``closed(household)``: where to go instead.
    One outside the actor's places is missing (404)."""
    household = (
        Household.objects.visible_to(actor)
        .select_related("merged_into")
        .select_for_update(of=("self",))
        .filter(pk=household_id)
        .first()
    )
    if household is None:
        raise OutOfScope()
    if household.closed_on:
        raise DomainError(closed(household), code="household_closed", field="household")
    return household


def _editable_household(actor, household_id: int) -> Household:
    require(actor, Capability.EDIT_REGISTRY)
    return household_locked(
        actor,
        household_id,
        lambda household: (
            _("Household %(number)s was merged into %(into)s; make changes there.")
            % {"number": household.number, "into": household.merged_into}
        ),
    )


@retried_on_conflict
def household_update(*, actor, household_id: int, household: HouseholdInput) -> Household:
    with clashes_recorded(actor), transaction.atomic():
        record = _editable_household(actor, household_id)
        before = _household_state(record)
        other_causes = _apply_household(actor, record, household)
        record.save()
        record.other_causes.set(other_causes)
        if record.region_id != before["region"]:
            moves.household_moved(record.pk, record.region_id)
        audit.record(
            actor=actor,
            action="household.update",
            obj=record,
            region_code=record.region_id,
            before=before,
            after=_household_state(record),
        )
        edits.households_edited([record.pk])
    return record


@retried_on_conflict
def household_status_change(*, actor, household_id: int, change: StatusInput) -> StatusChange:
    """Record a dated step in a household's status (脱贫, 返贫, 纳入监测, 风险消除 …)."""
    with transaction.atomic():
        record = _editable_household(actor, household_id)
        before = _household_state(record)
        entry = _apply_status(record, change, actor, first=False)
        record.save(update_fields=["status", "monitoring_type"])
        audit.record(
            actor=actor,
            action="household.status_change",
            obj=record,
            region_code=record.region_id,
            before=before,
            after={**_household_state(record), "effective_on": change.effective_on,
                   "reason": entry.reason},
        )  # fmt: skip
        edits.households_edited([record.pk])
    return entry


@retried_on_conflict
def member_add(*, actor, household_id: int, member: MemberInput) -> Member:
    with clashes_recorded(actor), transaction.atomic():
        household = _editable_household(actor, household_id)
        record = Member(household=household)
        _apply_member(actor, record, member)
        _refuse_second_head(record)
        record.save()
        _check_one_head(household)
        audit.record(
            actor=actor,
            action="member.add",
            obj=record,
            region_code=household.region_id,
            after=_member_state(record),
        )
        edits.households_edited([household.pk])
    return record


@retried_on_conflict
def member_update(*, actor, member_id: int, member: MemberInput) -> Member:
    with clashes_recorded(actor), transaction.atomic():
        record = Member.objects.visible_to(actor).select_for_update().filter(pk=member_id).first()
        if record is None:
            raise OutOfScope()
        household = _editable_household(actor, record.household_id)
        before = _member_state(record)
        _apply_member(actor, record, member)
        _refuse_second_head(record)
        record.save()
        _check_one_head(household)
        audit.record(
            actor=actor,
            action="member.update",
            obj=record,
            region_code=household.region_id,
            before=before,
            after=_member_state(record),
        )
        edits.households_edited([household.pk])
    return record


def id_numbers_revealed(*, actor, household_id: int) -> dict[int, str]:
    """The members' full ID numbers, for someone with the right; the look is audited (查看留痕)."""
    require(actor, Capability.VIEW_FULL_ID_NUMBERS)
    with transaction.atomic():
        household = Household.objects.visible_to(actor).filter(pk=household_id).first()
        if household is None:
            raise OutOfScope()
        members = list(household.members.order_by("pk"))
        audit.record(
            actor=actor,
            action="member.id_numbers_revealed",
            obj=household,
            region_code=household.region_id,
            after={"members": [m.pk for m in members]},
        )
    return {member.pk: unseal(member.id_number_sealed) for member in members}


INCOME_SOURCES = ("wages", "business", "transfers", "property_income", "costs")


@dataclass
class IncomeInput:
    year: int
    wages: Decimal
    business: Decimal
    transfers: Decimal
    property_income: Decimal
    costs: Decimal


@retried_on_conflict
def income_record(*, actor, household_id: int, income: IncomeInput) -> AnnualIncome:
    """Record (or correct) a household's income for a year; the size is counted, not typed."""
    year = values.clean(AnnualIncome, "year", income.year)
    amounts = {
        name: values.clean(AnnualIncome, name, getattr(income, name)) for name in INCOME_SOURCES
    }
    with transaction.atomic():
        household = _editable_household(actor, household_id)
        record = AnnualIncome.objects.filter(household=household, year=year).first()
        before = audit.snapshot(record) if record else None
        record = record or AnnualIncome(household=household, year=year)
        for name, amount in amounts.items():
            setattr(record, name, amount)
        record.household_size = household.members.filter(left_on=None).count()
        record.save()
        audit.record(
            actor=actor,
            action="household.income_record",
            obj=record,
            region_code=household.region_id,
            before=before,
            after=audit.snapshot(record),
        )
        edits.households_edited([household.pk])
    return record


@dataclass
class Relocation:
    """A member going to another household, and their relation to that household's head."""

    member_id: int
    relation: str


def _relocate(
    actor, member: Member, target: Household, relation: str, kind: str, on, reason: str
) -> MemberMove:
    source = member.household
    member.household = target
    member.relation = _code("relation", relation, "relation")
    member.is_head = member.relation.value == HEAD_OF_HOUSEHOLD
    _refuse_second_head(member)
    member.save(update_fields=["household", "relation", "is_head"])
    moves.member_moved(member.pk, target.pk, target.region_id)
    return MemberMove.objects.create(
        member=member,
        kind=kind,
        from_household=source,
        to_household=target,
        effective_on=on,
        reason=reason,
        actor=actor,
    )


def _members_of(household: Household, relocations: list[Relocation]) -> list[Member]:
    ids = [r.member_id for r in relocations]
    members = list(Member.objects.filter(household=household, pk__in=ids).select_for_update())
    if not ids or len(members) != len(set(ids)):
        raise DomainError(
            _("Choose members of household %(number)s.") % {"number": household.number},
            code="bad_members",
            field="members",
        )
    return members


def _checked_change(effective_on, reason: str) -> tuple[datetime.date, str]:
    """The day and the reason of a move, split or merge, under their rules."""
    return (
        values.clean(MemberMove, "effective_on", effective_on),
        values.clean(MemberMove, "reason", reason),
    )


@retried_on_conflict
def member_move(
    *, actor, member_id: int, to_household_id: int, relation: str, effective_on, reason: str
) -> MemberMove:
    """A person joins another household (婚迁, 投靠…); both households keep the record."""
    effective_on, reason = _checked_change(effective_on, reason)
    with transaction.atomic():
        member = Member.objects.visible_to(actor).filter(pk=member_id).first()
        if member is None:
            raise OutOfScope()
        source = _editable_household(actor, member.household_id)
        target = _editable_household(actor, to_household_id)
        if source.pk == target.pk:
            raise DomainError(
                _("The member is already in this household."), code="same_household",
                field="household",
            )  # fmt: skip
        if member.is_head:
            raise DomainError(
                _("The head cannot leave while the household remains; name a new head first."),
                code="head_leaving",
                field="members",
            )
        move = _relocate(
            actor, member, target, relation, MemberMove.Kind.MOVE, effective_on, reason
        )
        _check_one_head(target)
        audit.record(
            actor=actor,
            action="member.move",
            obj=member,
            region_code=target.region_id,
            before={"household": source.number},
            after={"household": target.number, "relation": relation, "reason": reason},
        )
        edits.households_edited([source.pk, target.pk])
    return move


@retried_on_conflict
def household_split(
    *,
    actor,
    household_id: int,
    household: HouseholdInput,
    relocations: list[Relocation],
    effective_on,
    reason: str,
) -> Household:
    """Some members set up their own household (分户); it starts with the old one's status."""
    effective_on, reason = _checked_change(effective_on, reason)
    with clashes_recorded(actor), transaction.atomic():
        source = _editable_household(actor, household_id)
        members = _members_of(source, relocations)
        record = Household(status=source.status, monitoring_type=source.monitoring_type)
        other_causes = _apply_household(actor, record, household)
        record.save()
        record.other_causes.set(other_causes)
        StatusChange.objects.create(
            household=record,
            status=source.status,
            monitoring_type=source.monitoring_type,
            effective_on=effective_on,
            # The whole reason is on the members' moves; the history line may be cut to fit.
            reason=(
                _("Split from household %(number)s: %(reason)s")
                % {"number": source.number, "reason": reason}
            )[: REASON.max_length],
            actor=actor,
        )
        relations = {r.member_id: r.relation for r in relocations}
        for member in sorted(members, key=lambda m: relations[m.pk] != HEAD_OF_HOUSEHOLD):
            _relocate(
                actor, member, record, relations[member.pk], MemberMove.Kind.SPLIT,
                effective_on, reason,
            )  # fmt: skip
        _check_one_head(source)
        _check_one_head(record)
        audit.record(
            actor=actor,
            action="household.split",
            obj=record,
            region_code=record.region_id,
            after={
                **_household_state(record),
                "split_from": source.number,
                "members": sorted(m.pk for m in members),
            },
        )
        edits.households_edited([source.pk, record.pk])
    return record


@retried_on_conflict
def household_merge(
    *,
    actor,
    from_household_id: int,
    into_household_id: int,
    relocations: list[Relocation],
    effective_on,
    reason: str,
) -> Household:
    """Two households become one (合户): every member moves, the emptied one is closed."""
    effective_on, reason = _checked_change(effective_on, reason)
    with transaction.atomic():
        source = _editable_household(actor, from_household_id)
        target = _editable_household(actor, into_household_id)
        if source.pk == target.pk:
            raise DomainError(
                _("Choose two different households."), code="same_household", field="household"
            )
        members = _members_of(source, relocations)
        # Those who left (died, moved out of the registry) stay on the closed household.
        if len(members) != source.members.filter(left_on=None).count():
            raise DomainError(
                _("Every member of %(number)s must go somewhere when it is merged.")
                % {"number": source.number},
                code="members_left",
                field="members",
            )
        relations = {r.member_id: r.relation for r in relocations}
        for member in members:
            _relocate(
                actor, member, target, relations[member.pk], MemberMove.Kind.MERGE,
                effective_on, reason,
            )  # fmt: skip
        source.closed_on, source.merged_into = effective_on, target
        source.save(update_fields=["closed_on", "merged_into"])
        _check_one_head(target)
        audit.record(
            actor=actor,
            action="household.merge",
            obj=source,
            region_code=source.region_id,
            after={
                "into": target.number,
                "members": sorted(m.pk for m in members),
                "reason": reason,
            },
        )
        edits.households_edited([source.pk, target.pk])
    return target


@retried_on_conflict
def member_leave(*, actor, member_id: int, left_on, reason: str) -> Member:
    """Record that a member died or left for a household outside the registry (减员).

    The person stays on the household's record with the date and reason; the head cannot
    leave a household that remains (name a new head first).
    """
    left_on = values.clean(Member, "left_on", left_on)
    reason = values.clean(Member, "left_reason", reason)
    if not reason:
        raise DomainError(_("Give the reason for the change."), code="no_reason", field="reason")
    with transaction.atomic():
        member = Member.objects.visible_to(actor).filter(pk=member_id, left_on=None).first()
        if member is None:
            raise OutOfScope()
        if left_on is None or left_on < member.birth_date:
            raise DomainError(
                _("Enter the day they left, after their birth (%(day)s).")
                % {"day": member.birth_date.isoformat()},
                code="bad_left_on",
                field="left_on",
            )
        household = _editable_household(actor, member.household_id)
        if member.is_head:
            raise DomainError(
                _("The head cannot leave while the household remains; name a new head first."),
                code="head_leaving",
                field="members",
            )
        before = _member_state(member)
        member.left_on, member.left_reason = left_on, reason
        member.save(update_fields=["left_on", "left_reason"])
        audit.record(
            actor=actor,
            action="member.leave",
            obj=member,
            region_code=household.region_id,
            before=before,
            after={**_member_state(member), "left_on": left_on, "left_reason": reason},
        )
        edits.households_edited([household.pk])
    return member
