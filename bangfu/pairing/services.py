"""Writes for pairing (结对帮扶): each use case one transaction, audited.

A pairing is started and ended, never edited or deleted; a helper who leaves hands all
their households to another helper in one step (``helper_transfer``), and one household
changes hands the same way (``pairing_handover``).
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError

from bangfu.accounts.selectors import manageable_users
from bangfu.core import audit, idnumbers, values
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import Clash, DomainError, OutOfScope
from bangfu.core.models import Region
from bangfu.core.policies import policy_for
from bangfu.core.protection import lookup_hashes, seal
from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import visible_place
from bangfu.core.services import clashes_recorded, retried_on_conflict
from bangfu.registry.models import Household

from .models import Helper, Pairing, Responsibility, Unit

CAP = "pairing.max_households_per_helper"


def _visible(model, actor, pk: int, *, lock: bool = False):
    rows = model.objects.visible_to(actor).filter(pk=pk)
    record = (rows.select_for_update(of=("self",)) if lock else rows).first()
    if record is None:
        raise OutOfScope()
    return record


def _place(actor, region_code: str) -> Region:
    region = visible_place(actor, region_code)
    if region is None:
        raise DomainError(_("Choose a place among yours."), code="bad_place", field="region")
    return region


@retried_on_conflict
def unit_create(
    *, actor, name: str, kind: str, level: str, region_code: str, credit_code: str = ""
) -> Unit:
    """Register a unit that helps (帮扶单位); its credit code, if given, must be valid."""
    require(actor, Capability.MANAGE_PAIRING)
    name, kind, level, code = _checked_unit(name, kind, level, credit_code, None)
    with transaction.atomic():
        unit = Unit.objects.create(
            name=name,
            kind=kind,
            level=level,
            region=_place(actor, region_code),
            credit_code=code,
        )
        audit.record(
            actor=actor,
            action="unit.create",
            obj=unit,
            region_code=unit.region_id,
            after=audit.snapshot(unit),
        )
    return unit


@retried_on_conflict
def unit_update(
    *, actor, unit_id: int, name: str, kind: str, level: str, credit_code: str = ""
) -> Unit:
    """Correct a unit's name, kind, level or credit code; it keeps its place and helpers."""
    require(actor, Capability.MANAGE_PAIRING)
    with transaction.atomic():
        unit = _visible(Unit, actor, unit_id, lock=True)
        checked = _checked_unit(name, kind, level, credit_code, unit)
        before = audit.snapshot(unit)
        unit.name, unit.kind, unit.level, unit.credit_code = checked
        unit.save()
        audit.record(
            actor=actor,
            action="unit.update",
            obj=unit,
            region_code=unit.region_id,
            before=before,
            after=audit.snapshot(unit),
        )
    return unit


def _checked_unit(
    name: str, kind: str, level: str, credit_code: str, unit: Unit | None
) -> tuple[str, str, str, str]:
    """A unit's name, kind, level and credit code (compacted) under their rules; refusals
    name the field at fault."""
    checked = (
        values.clean(Unit, "name", name),
        values.clean(Unit, "kind", kind),
        values.clean(Unit, "level", level),
    )
    code = values.clean(Unit, "credit_code", uscc.compact(credit_code or ""))
    if not code:
        return (*checked, "")
    try:
        uscc.validate(code)
    except ValidationError:
        raise DomainError(
            _(
                "%(code)s is not a valid unified social credit code (18 characters, check "
                "character last); copy it from the unit's licence."
            )
            % {"code": credit_code},
            code="bad_credit_code",
            field="credit_code",
        ) from None
    holders = Unit.objects.filter(credit_code=code)
    if unit is not None:
        holders = holders.exclude(pk=unit.pk)
    if holders.exists():
        raise DomainError(
            _("A unit with credit code %(code)s is registered already.") % {"code": code},
            code="credit_code_taken",
            field="credit_code",
        )
    return (*checked, code)


@retried_on_conflict
def helper_create(
    *,
    actor,
    name: str,
    unit_id: int,
    phone: str = "",
    position: str = "",
    party_member: bool = False,
    region_code: str = "",
    user_id: int | None = None,
    id_number: str = "",
) -> Helper:
    """Register a helper (帮扶干部) of a unit; they work where the unit is unless told. With
    ``user_id`` the helper signs in as that account and sees "my households"."""
    require(actor, Capability.MANAGE_PAIRING)
    details = _helper_details(name, phone, position)
    login = _helper_login(actor, user_id)
    with clashes_recorded(actor), transaction.atomic():
        unit = _visible(Unit, actor, unit_id)
        helper = Helper(
            **details,
            unit=unit,
            party_member=party_member,
            region=_place(actor, region_code) if region_code else unit.region,
            user=login,
        )
        helper.id_number_sealed, helper.id_number_hash = _sealed_id(actor, id_number, helper)
        helper.save()
        audit.record(
            actor=actor,
            action="helper.create",
            obj=helper,
            region_code=helper.region_id,
            after=audit.snapshot(helper, HELPER_AUDIT_FIELDS),
        )
    return helper


@retried_on_conflict
def helper_update(
    *,
    actor,
    helper_id: int,
    name: str,
    unit_id: int,
    phone: str = "",
    position: str = "",
    party_member: bool = False,
    id_number: str = "",
) -> Helper:
    """Correct a helper's details: name, unit, position, phone, party membership, and the ID
    number (left blank, the one on record stays). The helper keeps their place and their
    households; a move to other households is a hand-over."""
    require(actor, Capability.MANAGE_PAIRING)
    details = _helper_details(name, phone, position)
    with clashes_recorded(actor), transaction.atomic():
        helper = _visible(Helper, actor, helper_id, lock=True)
        before = audit.snapshot(helper, HELPER_AUDIT_FIELDS)
        if id_number.strip():
            helper.id_number_sealed, helper.id_number_hash = _sealed_id(actor, id_number, helper)
        for name_, value in details.items():
            setattr(helper, name_, value)
        helper.unit = _visible(Unit, actor, unit_id)
        helper.party_member = party_member
        helper.save()
        audit.record(
            actor=actor,
            action="helper.update",
            obj=helper,
            region_code=helper.region_id,
            before=before,
            after={
                **audit.snapshot(helper, HELPER_AUDIT_FIELDS),
                "id_number_changed": bool(id_number.strip()),
            },
        )
    return helper


def _helper_details(name: str, phone: str, position: str) -> dict[str, str]:
    return {
        "name": values.clean(Helper, "name", name),
        "phone": values.clean(Helper, "phone", phone),
        "position": values.clean(Helper, "position", position),
    }


def _helper_login(actor, user_id: int | None):
    """The account a helper signs in with: one of the actor's places, no helper's yet."""
    if user_id is None:
        return None
    login = manageable_users(actor).filter(pk=user_id).first()
    if login is None or Helper.objects.filter(user=login).exists():
        raise DomainError(
            _("Choose an account of your places that is no other helper's."),
            code="bad_login",
            field="user",
        )
    return login


def _sealed_id(actor, id_number: str, helper: Helper) -> tuple[str, str]:
    """(sealed, lookup hash) of a helper's ID number, refused if another helper has it (and,
    if that helper is outside the actor's places, without saying so: a clash)."""
    if not id_number.strip():
        return "", ""
    person = idnumbers.parse(id_number)
    digests = lookup_hashes(person.value)
    holder = Helper.objects.filter(id_number_hash__in=digests).exclude(pk=helper.pk).first()
    if holder is None:
        if helper.id_number_hash in digests:  # unchanged: a rotation moves it (core.rotation)
            return helper.id_number_sealed, helper.id_number_hash
        return seal(person.value), digests[0]
    if Helper.objects.visible_to(actor).filter(pk=holder.pk).exists():
        raise DomainError(
            _("%(name)s is registered with this ID number already.") % {"name": holder.name},
            code="id_number_taken",
            field="id_number",
        )
    raise Clash(
        _("This ID number cannot be registered here; it has been passed to an administrator "
          "to check."),
        field="id_number",
        region_code=helper.region_id,
        holder=("pairing.helper", str(holder.pk), holder.region_id),
        detail={"helper": helper.name},
    )  # fmt: skip


HELPER_AUDIT_FIELDS = ["name", "unit", "position", "phone", "party_member", "user", "region"]


def _active(helper: Helper):
    return helper.pairings.filter(ended_on=None)


def _refuse_over_cap(helper: Helper, adding: int, on: datetime.date) -> None:
    cap = policy_for(helper.region_id, CAP, on)
    held = _active(helper).count()
    if held + adding > cap:
        raise DomainError(
            _(
                "%(name)s already helps %(held)d households; the rule here allows %(cap)d. "
                "Pair the household with another helper, or end one of theirs first."
            )
            % {"name": helper.name, "held": held, "cap": cap},
            code="over_cap",
            field="helper",
        )


def _pairing_state(pairing: Pairing) -> dict[str, Any]:
    return audit.snapshot(
        pairing,
        ["household", "helper", "unit", "is_main", "started_on", "ended_on", "end_reason"],
    )


def _start(
    actor,
    household: Household,
    *,
    helper: Helper | None,
    unit: Unit | None,
    is_main: bool,
    started_on: datetime.date,
) -> Pairing:
    if household.closed_on:
        raise DomainError(
            _("Household %(number)s is closed; pair the household it was merged into.")
            % {"number": household.number},
            code="household_closed",
            field="household",
        )
    started_on = values.clean(Pairing, "started_on", started_on)
    active = Pairing.objects.filter(household=household, ended_on=None)
    if helper is not None:
        if helper.left_on:
            raise DomainError(
                _("%(name)s has left; choose a helper still in post.") % {"name": helper.name},
                code="helper_left",
                field="helper",
            )
        if active.filter(helper=helper).exists():
            raise DomainError(
                _("%(name)s already helps this household.") % {"name": helper.name},
                code="already_paired",
                field="helper",
            )
        _refuse_over_cap(helper, 1, started_on)
    main = active.filter(is_main=True).select_related("helper", "unit").first()
    if is_main and main is not None:
        raise DomainError(
            _(
                "The household's main helper is %(name)s; a household has one main helper. "
                "Pair as an additional helper, or end that pairing first."
            )
            % {"name": main.helper or main.unit},
            code="one_main_helper",
            field="is_main",
        )
    return Pairing.objects.create(
        household=household,
        helper=helper,
        unit=unit,
        is_main=is_main,
        started_on=started_on,
        region_id=household.region_id,
    )


@retried_on_conflict
def pairing_start(
    *,
    actor,
    household_id: int,
    started_on: datetime.date,
    helper_id: int | None = None,
    unit_id: int | None = None,
    is_main: bool = False,
) -> Pairing:
    """Pair a helper, or a unit itself (企业结对), with a household from a day."""
    require(actor, Capability.MANAGE_PAIRING)
    if (helper_id is None) == (unit_id is None):
        raise DomainError(_("Choose a helper or a unit."), code="helper_or_unit", field="helper")
    with transaction.atomic():
        household = _visible(Household, actor, household_id, lock=True)
        helper = _visible(Helper, actor, helper_id, lock=True) if helper_id else None
        unit = _visible(Unit, actor, unit_id) if unit_id else None
        pairing = _start(
            actor, household, helper=helper, unit=unit, is_main=is_main, started_on=started_on
        )
        audit.record(
            actor=actor,
            action="pairing.start",
            obj=pairing,
            region_code=pairing.region_id,
            after=_pairing_state(pairing),
        )
    return pairing


def _current_pairing(actor, pairing_id: int) -> Pairing:
    """A pairing in force, locked for the write; one that ended is refused, with its day."""
    pairing = _visible(Pairing, actor, pairing_id, lock=True)
    if pairing.ended_on:
        raise DomainError(
            _("This pairing ended on %(day)s already.") % {"day": pairing.ended_on},
            code="ended",
        )
    return pairing


def _end(pairing: Pairing, ended_on: datetime.date, reason: str) -> None:
    ended_on = values.clean(Pairing, "ended_on", ended_on)
    reason = values.clean(Pairing, "end_reason", reason, field="reason")
    if ended_on is None or not reason:
        raise DomainError(
            _("Give the day and the reason for ending."), code="no_reason", field="reason"
        )
    if ended_on < pairing.started_on:
        raise DomainError(
            _("The pairing began on %(day)s; it cannot end before.") % {"day": pairing.started_on},
            code="end_before_start",
            field="ended_on",
        )
    pairing.ended_on, pairing.end_reason = ended_on, reason
    pairing.save(update_fields=["ended_on", "end_reason"])


@retried_on_conflict
def pairing_end(*, actor, pairing_id: int, ended_on: datetime.date, reason: str) -> Pairing:
    """End a pairing on a day, with the reason; it stays on the household's record."""
    require(actor, Capability.MANAGE_PAIRING)
    with transaction.atomic():
        pairing = _current_pairing(actor, pairing_id)
        before = _pairing_state(pairing)
        _end(pairing, ended_on, reason)
        audit.record(
            actor=actor,
            action="pairing.end",
            obj=pairing,
            region_code=pairing.region_id,
            before=before,
            after=_pairing_state(pairing),
        )
    return pairing


@retried_on_conflict
def helper_leave(*, actor, helper_id: int, left_on: datetime.date) -> Helper:
    """Record that a helper has left their post (离岗); their households go to another
    helper first (``helper_transfer``), so no household is left without its helper."""
    require(actor, Capability.MANAGE_PAIRING)
    left_on = values.clean(Helper, "left_on", left_on)
    if left_on is None:
        raise DomainError(_("Enter the day they left."), code="no_date", field="left_on")
    with transaction.atomic():
        helper = _visible(Helper, actor, helper_id, lock=True)
        held = _active(helper).count()
        if held:
            raise DomainError(
                _("%(name)s still helps %(n)d households; hand them over first.")
                % {"name": helper.name, "n": held},
                code="still_paired",
                field="helper",
            )
        if helper.left_on:
            raise DomainError(
                _("%(name)s left on %(day)s.") % {"name": helper.name, "day": helper.left_on},
                code="left",
            )
        helper.left_on = left_on
        helper.save(update_fields=["left_on"])
        audit.record(
            actor=actor,
            action="helper.leave",
            obj=helper,
            region_code=helper.region_id,
            after={"left_on": left_on},
        )
    return helper


@retried_on_conflict
def helper_transfer(
    *, actor, from_helper_id: int, to_helper_id: int, on: datetime.date, reason: str
) -> list[Pairing]:
    """Hand every household of a helper to another in one step (调整帮扶责任人): the old
    pairings end on ``on`` with ``reason``, new ones start the same day, main stays main."""
    require(actor, Capability.MANAGE_PAIRING)
    if from_helper_id == to_helper_id:
        raise DomainError(
            _("Choose another helper to take the households."), code="same_helper", field="helper"
        )
    with transaction.atomic():
        leaving = _visible(Helper, actor, from_helper_id, lock=True)
        taking = _visible(Helper, actor, to_helper_id, lock=True)
        old = list(_active(leaving).select_related("household").order_by("pk"))
        if not old:
            raise DomainError(
                _("%(name)s helps no household now.") % {"name": leaving.name},
                code="nothing_to_transfer",
                field="helper",
            )
        _refuse_over_cap(taking, len(old), on)
        changes, started = [], []
        for pairing in old:
            before = _pairing_state(pairing)
            _end(pairing, on, reason)
            changes.append(
                audit.Change(
                    "pairing.end",
                    "pairing.pairing",
                    str(pairing.pk),
                    pairing.region_id,
                    before,
                    _pairing_state(pairing),
                )
            )
            new = _start(
                actor,
                pairing.household,
                helper=taking,
                unit=None,
                is_main=pairing.is_main,
                started_on=on,
            )
            started.append(new)
            changes.append(
                audit.Change(
                    "pairing.start",
                    "pairing.pairing",
                    str(new.pk),
                    new.region_id,
                    None,
                    {**_pairing_state(new), "transferred_from": pairing.pk},
                )
            )
        audit.record_many(actor=actor, changes=changes)
    return started


@retried_on_conflict
def pairing_handover(
    *, actor, pairing_id: int, to_helper_id: int, on: datetime.date, reason: str
) -> Pairing:
    """Hand one household from its helper (or unit) to another helper in one step (调整帮扶
    责任人): the pairing ends on ``on`` with ``reason``, the new one starts the same day,
    main stays main; every rule of ``pairing_start`` applies to the new one (the cap, a
    helper in post, paired once). Answers the new pairing; the old one stays on record."""
    require(actor, Capability.MANAGE_PAIRING)
    with transaction.atomic():
        old = _current_pairing(actor, pairing_id)
        if old.helper_id == to_helper_id:
            raise DomainError(
                _("Choose another helper to take the household."),
                code="same_helper",
                field="to_helper_id",
            )
        household = _visible(Household, actor, old.household_id, lock=True)
        taking = _visible(Helper, actor, to_helper_id, lock=True)
        before = _pairing_state(old)
        _end(old, on, reason)
        new = _start(actor, household, helper=taking, unit=None, is_main=old.is_main, started_on=on)
        audit.record_many(
            actor=actor,
            changes=[
                audit.Change(
                    "pairing.end",
                    "pairing.pairing",
                    str(old.pk),
                    old.region_id,
                    before,
                    {**_pairing_state(old), "handed_over_to": new.pk},
                ),
                audit.Change(
                    "pairing.start",
                    "pairing.pairing",
                    str(new.pk),
                    new.region_id,
                    None,
                    {**_pairing_state(new), "handed_over_from": old.pk},
                ),
            ],
        )
    return new


LEVELS = "pairing.responsibility_levels"


@retried_on_conflict
def responsibility_set(
    *, actor, region_code: str, level: str, person: str, phone: str = ""
) -> Responsibility:
    """Name who answers at one level of a village's (or group's) chain (7+1 责任链); the
    one named before is replaced, and the audit log keeps who it was."""
    require(actor, Capability.MANAGE_PAIRING)
    region = _place(actor, region_code)
    if region.level not in (RegionLevel.VILLAGE, RegionLevel.GROUP):
        raise DomainError(
            _("The chain is set for a village or a village group."),
            code="bad_place",
            field="region",
        )
    levels = policy_for(region.code, LEVELS)
    if level not in levels:
        raise DomainError(
            _("“%(level)s” is not a level of the chain here (%(levels)s).")
            % {"level": level, "levels": "、".join(levels)},
            code="bad_level",
            field="level",
        )
    if not person.strip():
        raise DomainError(_("Enter who answers at this level."), code="no_person", field="person")
    with transaction.atomic():
        record = (
            Responsibility.objects.select_for_update().filter(region=region, level=level).first()
        )
        before = audit.snapshot(record) if record else None
        record = record or Responsibility(region=region, level=level)
        record.person, record.phone = person.strip(), "".join(phone.split())
        record.since = timezone.localdate()
        record.save()
        audit.record(
            actor=actor,
            action="responsibility.set",
            obj=record,
            region_code=region.code,
            before=before,
            after=audit.snapshot(record),
        )
    return record


@dataclass(slots=True)
class PairingRow:
    """One row of a pairing sheet: the household by number or head's ID number, the helper
    by phone number."""

    household_number: str
    head_id_number: str
    helper_phone: str
    is_main: bool
    started_on: datetime.date
    helper_id_number: str = ""


@dataclass
class PairingImport:
    new: int = 0
    unchanged: int = 0
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (row, field, why)


def _household_of(actor, row: PairingRow) -> Household:
    found = None
    if row.household_number:
        found = Household.objects.visible_to(actor).filter(number=row.household_number).first()
    elif row.head_id_number:
        digests = lookup_hashes(idnumbers.normalise(row.head_id_number))
        found = (
            Household.objects.visible_to(actor)
            .filter(members__id_number_hash__in=digests, members__is_head=True)
            .first()
        )
    if found is None:
        raise DomainError(
            _("No household with this number or head's ID number among your places."),
            code="no_household",
            field="household_number" if row.household_number else "head_id_number",
        )
    return found


def _helper_of(actor, row: PairingRow) -> Helper:
    current = Helper.objects.visible_to(actor).filter(left_on=None)
    if row.helper_id_number:
        digests = lookup_hashes(idnumbers.normalise(row.helper_id_number))
        helper = current.filter(id_number_hash__in=digests).first()
        if helper is None:
            raise DomainError(
                _("No helper in post has this ID number among your places."),
                code="no_helper",
                field="helper_id_number",
            )
        return helper
    phone = row.helper_phone
    found = list(current.filter(phone=phone)[:2])
    if len(found) != 1:
        raise DomainError(
            _("No helper in post has the phone number %(phone)s among your places.")
            % {"phone": phone or "—"}
            if not found
            else _("Several helpers have the phone number %(phone)s; correct their records.")
            % {"phone": phone},
            code="no_helper",
            field="helper_phone",
        )
    return found[0]


@retried_on_conflict
def pairings_import(*, actor, rows: list[PairingRow], source: str, commit: bool) -> PairingImport:
    """Pair from a sheet (批量结对): each row under the same rules as the page, all rows in one
    transaction. Nothing stays written if any row is refused, or without ``commit`` (the
    preview runs the very same writes and rolls them back). A row already in force is
    counted unchanged, so importing a sheet twice changes nothing."""
    require(actor, Capability.MANAGE_PAIRING)
    result = PairingImport()
    with transaction.atomic():
        for index, row in enumerate(rows):
            try:
                with transaction.atomic():  # a savepoint: a refused row undoes only itself
                    household = _visible(Household, actor, _household_of(actor, row).pk, lock=True)
                    helper = _helper_of(actor, row)
                    if Pairing.objects.filter(
                        household=household, helper=helper, ended_on=None
                    ).exists():
                        result.unchanged += 1
                        continue
                    pairing = _start(
                        actor,
                        household,
                        helper=helper,
                        unit=None,
                        is_main=row.is_main,
                        started_on=row.started_on,
                    )
                    audit.record(
                        actor=actor,
                        action="pairing.start",
                        obj=pairing,
                        region_code=pairing.region_id,
                        after={**_pairing_state(pairing), "source": source},
                    )
                    result.new += 1
            except DomainError as refusal:
                result.problems.append((index, refusal.field or "", str(refusal.message)))
        if result.problems or not commit:
            transaction.set_rollback(True)
    return result


def pairings_follow_household(household_id: int, region_code: str) -> None:
    """A household moved (the registry's audited move, in its transaction): its pairings are
    read at its new place."""
    Pairing.objects.filter(household_id=household_id).update(region_id=region_code)
