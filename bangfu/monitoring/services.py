"""Writes for monitoring (防止返贫动态监测): alerts raised and closed, procedures started and
their steps recorded; each use case one transaction, audited with the household's place.

Who: ``HANDLE_ALERTS`` raises an alert by screening and closes alerts; each step of a
procedure needs its level's capability (``engine``). A pair helper (whose role reads no
places' lists) does so only for the households paired with them now.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, values
from bangfu.core.calendar import Deadline, deadline
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.models import Region
from bangfu.core.policies import effective_policies
from bangfu.core.protection import lookup_hash
from bangfu.core.regions import RegionLevel, own_prefix
from bangfu.core.selectors import chosen_code
from bangfu.pairing.models import Pairing
from bangfu.registry.models import Household, Member
from bangfu.registry.services import household_locked
from bangfu.visits import photos

from . import engine
from .models import (
    Alert,
    AlertSource,
    AlertState,
    Counting,
    Procedure,
    ProcedureKind,
    ProcedureState,
    SelfReport,
    Step,
    StepOutcome,
)


@dataclass
class AlertInput:
    """An alert raised by a cadre's screening (排查) of a household: what was found."""

    summary: str
    raised_on: datetime.date | None = None  # None: today
    member_id: int | None = None  # the member it concerns, if one


@dataclass
class ClosingInput:
    """How an alert's verification ended: ``not_at_risk`` (with the reason) or
    ``identifying`` (an identification is started, or joined if one runs)."""

    outcome: str
    closed_on: datetime.date | None = None  # None: today
    reason: str = ""


@dataclass
class StepInput:
    """One step of a procedure, as the page, the API and tests give it."""

    step: str  # the step's key (engine: application, home_check, …)
    outcome: str = StepOutcome.PASSED
    done_on: datetime.date | None = None  # None: today
    reason: str = ""  # why, when refused
    note: str = ""
    notice_from: datetime.date | None = None  # the village review: the notice's first day
    monitoring_type: str = ""  # the decision: the code of the monitoring type
    risk_types: list[str] = field(default_factory=list)  # … and of the risk types


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


def _counted(found: Deadline) -> str:
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


def _require_for(actor, household_id: int, capability: Capability, *, by_paired_helper=True):
    require(actor, capability)
    if not may_act(actor, household_id, capability, by_paired_helper=by_paired_helper):
        raise NotPermitted()


def _household(actor, household_id: int) -> Household:
    return household_locked(
        actor,
        household_id,
        lambda household: (
            _("Household %(number)s was merged into another; raise and verify alerts there.")
            % {"number": household.number}
        ),
    )


def _day(model, name: str, raw: Any, *, not_before: datetime.date | None = None, what=None):
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


def _fired_by(records: Any) -> list[dict[str, Any]]:
    """The records that fired a rule, each a kind of record the audit log names and an id."""
    refusal = DomainError(
        _("Name each record that fired the rule by its kind and id."),
        code="bad_fired_by",
        field="fired_by",
    )
    if not isinstance(records, list | tuple) or not records or len(records) > 50:
        raise refusal
    found = []
    for record in records:
        kind = record.get("type") if isinstance(record, dict) else None
        ident = record.get("id") if isinstance(record, dict) else None
        if kind not in audit.OBJECT_TYPES or not isinstance(ident, int) or not 0 < ident < 2**63:
            raise refusal
        found.append({"type": kind, "id": ident})
    return found


def _current_helper(household: Household):
    pairing = (
        Pairing.objects.filter(household=household, ended_on=None, helper__isnull=False)
        .order_by("-is_main", "pk")
        .select_related("helper")
        .first()
    )
    return pairing.helper if pairing else None


@transaction.atomic
def alert_raise(
    *,
    actor,
    household_id: int,
    alert: AlertInput,
    source: str = AlertSource.SCREENING,
    rule_code: str = "",
    fired_by: Any = (),
) -> Alert:
    """Raise an alert about a household (预警): by a cadre's screening (排查) from the
    household page, or — for the department-data rules — naming the rule and the records that
    fired it. It goes to the household's helper now and its township, to be verified within
    ``monitoring.verify_days``."""
    _require_for(actor, household_id, Capability.HANDLE_ALERTS)
    household = _household(actor, household_id)
    source = values.clean(Alert, "source", source)
    rule_code = values.clean(Alert, "rule_code", rule_code)
    if source == AlertSource.RULE:
        if not rule_code:
            raise DomainError(_("Name the rule that fired."), code="no_rule", field="rule_code")
        records = _fired_by(list(fired_by))
    else:
        rule_code, records = "", []
    member = None
    if alert.member_id is not None:
        member = Member.objects.filter(
            pk=alert.member_id, household=household, left_on=None
        ).first()
        if member is None:
            raise DomainError(
                _("Choose a member of this household, or none."),
                code="bad_member",
                field="member_id",
            )
    raised_on = _day(Alert, "raised_on", alert.raised_on)
    due = days_until(household.region_id, raised_on, "monitoring.verify_days")
    record = Alert.objects.create(
        household=household,
        member=member,
        region_id=household.region_id,
        township_id=township_code(household.region_id),
        helper=_current_helper(household),
        source=source,
        rule_code=rule_code,
        fired_by=records,
        summary=values.clean(Alert, "summary", alert.summary),
        raised_on=raised_on,
        raised_at=timezone.now(),
        raised_by=actor,
        due_on=due.day,
        days_counted=_counted(due),
    )
    audit.record(
        actor=actor,
        action="alert.raise",
        obj=record,
        region_code=record.region_id,
        after=audit.snapshot(record),
    )
    return record


def _start(actor, household: Household, kind: str, started_on: datetime.date) -> Procedure:
    """The household's running procedure of this kind, or a new one from ``started_on``."""
    running = Procedure.objects.filter(
        household=household, kind=kind, state=ProcedureState.RUNNING
    ).first()
    if running is not None:
        return running
    spec = engine.KINDS[kind]
    refusal = spec.may_start(household)
    if refusal:
        raise DomainError(refusal, code="may_not_start", field="outcome")
    due = days_until(household.region_id, started_on, spec.days_policy)
    procedure = Procedure.objects.create(
        household=household,
        region_id=household.region_id,
        kind=kind,
        next_step=spec.steps[0].key,
        started_on=started_on,
        due_on=due.day,
        days_counted=_counted(due),
        started_at=timezone.now(),
        started_by=actor,
    )
    audit.record(
        actor=actor,
        action="procedure.start",
        obj=procedure,
        region_code=procedure.region_id,
        after=audit.snapshot(procedure),
    )
    return procedure


@transaction.atomic
def alert_close(*, actor, alert_id: int, closing: ClosingInput) -> Alert:
    """Close an alert with the outcome of its verification (核实): not at risk, with the
    reason; or an identification started (识别), which the household's running one joins."""
    alert = Alert.objects.visible_to(actor).filter(pk=alert_id).first()
    if alert is None:
        raise OutOfScope()
    _require_for(actor, alert.household_id, Capability.HANDLE_ALERTS)
    household = _household(actor, alert.household_id)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.state != AlertState.OPEN:
        raise DomainError(
            _("This alert was closed on %(day)s.") % {"day": alert.closed_on},
            code="alert_closed",
            field="outcome",
        )
    outcome = values.clean(Alert, "state", closing.outcome, field="outcome")
    if outcome not in (AlertState.NOT_AT_RISK, AlertState.IDENTIFYING):
        raise DomainError(
            _("Choose the outcome: not at risk, or identification started."),
            code="bad_outcome",
            field="outcome",
        )
    before = audit.snapshot(alert)
    alert.closed_on = _day(
        Alert, "closed_on", closing.closed_on, not_before=alert.raised_on, what=_("raised")
    )
    alert.close_reason = values.clean(Alert, "close_reason", closing.reason, field="reason")
    if outcome == AlertState.NOT_AT_RISK and not alert.close_reason:
        raise DomainError(
            _("Say why the household is not at risk."), code="no_reason", field="reason"
        )
    if outcome == AlertState.IDENTIFYING:
        alert.procedure = _start(actor, household, ProcedureKind.IDENTIFICATION, alert.closed_on)
    alert.state, alert.closed_at, alert.closed_by = outcome, timezone.now(), actor
    alert.save()
    audit.record(
        actor=actor,
        action="alert.close",
        obj=alert,
        region_code=alert.region_id,
        before=before,
        after=audit.snapshot(alert),
    )
    return alert


def _checked_step(actor, procedure: Procedure, data: StepInput) -> tuple[engine.StepSpec, dict]:
    """The step's spec and its cleaned values, or the refusal: steps in order only, each by
    the level that may do it, on a day after the one before (and after the notice)."""
    spec = engine.spec_of(procedure)
    step = spec.step(str(data.step or ""))
    if step is None:
        raise DomainError(_("Unknown step."), code="bad_step", field="step")
    _require_for(
        actor, procedure.household_id, step.capability, by_paired_helper=step.by_paired_helper
    )
    if procedure.state != ProcedureState.RUNNING:
        raise DomainError(
            _("This procedure ended on %(day)s.") % {"day": procedure.ended_on},
            code="procedure_ended",
            field="step",
        )
    if step.key != procedure.next_step:
        awaited = spec.step(procedure.next_step)
        raise DomainError(
            _("Steps go in order: “%(awaited)s” comes first.")
            % {"awaited": awaited.label if awaited else procedure.next_step},
            code="out_of_order",
            field="step",
        )
    outcome = values.clean(Step, "outcome", data.outcome)
    reason = values.clean(Step, "reason", data.reason)
    if outcome == StepOutcome.REFUSED and not reason:
        raise DomainError(_("Say why the step is refused."), code="no_reason", field="reason")
    last = procedure.steps.order_by("-done_on", "-pk").first()
    done_on = _day(
        Step,
        "done_on",
        data.done_on,
        not_before=last.done_on if last else procedure.started_on,
        what=_("the step before") if last else _("the procedure's start"),
    )
    if step.after_notice:
        notice = procedure.steps.exclude(notice_until=None).first()
        if notice and done_on <= notice.notice_until:
            raise DomainError(
                _("The public notice runs until %(day)s; review after it.")
                % {"day": notice.notice_until.isoformat()},
                code="notice_running",
                field="done_on",
            )
    cleaned = {
        "step": step.key,
        "outcome": outcome,
        "reason": reason,
        "note": values.clean(Step, "note", data.note),
        "done_on": done_on,
    }
    if step.notice and outcome == StepOutcome.PASSED:
        notice_from = _day(
            Step, "notice_from", data.notice_from or done_on, not_before=done_on, what=_("review")
        )
        until = days_until(
            procedure.region_id, notice_from - datetime.timedelta(days=1), "monitoring.notice_days"
        )
        cleaned |= {"notice_from": notice_from, "notice_until": until.day}
    return step, cleaned


def step_record(
    *,
    actor,
    procedure_id: int,
    step: StepInput,
    photo: bytes | None = None,
    photo_name: str = "",
) -> Step:
    """Record the awaited step of a procedure: who, when, the outcome (and why, if refused).
    A refused step ends the procedure; the last step passed does what the kind says (the
    identification's county decision makes the household monitored)."""
    procedure = Procedure.objects.visible_to(actor).filter(pk=procedure_id).first()
    if procedure is None:
        raise OutOfScope()
    spec = engine.spec_of(procedure)
    wanted = spec.step(str(step.step or ""))
    stored = ""
    if wanted is not None and wanted.photo and step.outcome == StepOutcome.PASSED:
        _checked_step(actor, procedure, step)  # refuse before the slow photo work
        if not photo:
            raise DomainError(
                _("Take a photo of the signed commitment (承诺授权书)."),
                code="no_photo",
                field="image",
            )
        prepared = photos.prepare(photo, photo_name)
        stored = default_storage.save(
            timezone.localdate().strftime("monitoring/%Y/%m/") + f"{procedure.pk}-{step.step}.jpg",
            ContentFile(prepared.content),
        )
    try:
        return _step_record(actor, procedure.pk, step, stored)
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise


@transaction.atomic
def _step_record(actor, procedure_id: int, data: StepInput, stored: str) -> Step:
    procedure = Procedure.objects.visible_to(actor).get(pk=procedure_id)
    _household(actor, procedure.household_id)  # the household's row: one writer at a time
    procedure = Procedure.objects.select_for_update().get(pk=procedure_id)
    spec, cleaned = _checked_step(actor, procedure, data)
    before = audit.snapshot(procedure)
    record = Step.objects.create(
        procedure=procedure,
        region_id=procedure.region_id,
        done_by=actor,
        recorded_at=timezone.now(),
        image=stored,
        **cleaned,
    )
    following = engine.spec_of(procedure).after(spec.key)
    if cleaned["outcome"] == StepOutcome.REFUSED:
        procedure.state, procedure.next_step = ProcedureState.REFUSED, ""
        procedure.ended_on = record.done_on
    elif following is None:
        data.done_on = record.done_on
        engine.spec_of(procedure).on_passed(actor, procedure, data)
        procedure.state, procedure.next_step = ProcedureState.PASSED, ""
        procedure.ended_on = record.done_on
    else:
        procedure.next_step = following.key
    procedure.save()
    audit.record(
        actor=actor,
        action="procedure.step",
        obj=record,
        region_code=record.region_id,
        before={"procedure": before},
        after={**audit.snapshot(record), "procedure": audit.snapshot(procedure)},
    )
    return record


def monitoring_follow_household(household_id: int, region_code: str) -> None:
    """A household moved (the registry's audited move, in its transaction): its alerts and
    procedures are read at its new place; an open alert goes to the new township."""
    Alert.objects.filter(household_id=household_id).update(region_id=region_code)
    Alert.objects.filter(household_id=household_id, state=AlertState.OPEN).update(
        township_id=township_code(region_code)
    )
    Procedure.objects.filter(household_id=household_id).update(region_id=region_code)
    Step.objects.filter(procedure__household_id=household_id).update(region_id=region_code)


@dataclass
class SelfReportInput:
    """What the public self-report page (农户自主申报) takes: who, how to call back, the
    village, what happened (and, if chosen, its kind from the risk types)."""

    name: str
    phone: str
    village: str  # the village's code
    what_happened: str
    kind: str = ""  # a risk type's code, or none


class TooMany(DomainError):
    """A flood refused (HTTP 429): nothing is stored."""


def receipt_for(pk: int) -> str:
    """A self-report's receipt number (回执号): five digits keyed on the record's id with the
    installation's lookup key, then the id itself. The id keeps every receipt unique (no
    clash to retry on); the keyed digits make one not guessable from another, and receipts
    do not run in sequence; the same id and key give the same receipt (tests predict it)."""
    keyed = int(lookup_hash(f"self-report:{pk}")[:16], 16) % 10**5
    return f"{keyed:05d}-{pk:05d}"


def _refuse_a_flood(phone: str, address_hash: str, village: str) -> None:
    now, today = timezone.now(), timezone.localdate()
    rules = effective_policies(
        village,
        ["monitoring.self_report_per_phone_day", "monitoring.self_report_per_address_hour"],
        today,
    )
    if (
        SelfReport.objects.filter(phone=phone, reported_on=today).count()
        >= rules["monitoring.self_report_per_phone_day"].value
    ):
        raise TooMany(
            _("This phone number has sent as many reports as a day allows. Try again tomorrow."),
            code="too_many_from_phone",
            field="phone",
        )
    hour_ago = now - datetime.timedelta(hours=1)
    recent = SelfReport.objects.filter(address_hash=address_hash, reported_at__gt=hour_ago)
    if recent.count() >= rules["monitoring.self_report_per_address_hour"].value:
        first = recent.order_by("reported_at").values_list("reported_at", flat=True)[0]
        again = timezone.localtime(first + datetime.timedelta(hours=1))
        raise TooMany(
            _("Too many reports from this network in the last hour. Try again after %(time)s.")
            % {"time": again.strftime("%H:%M")},
            code="too_many_from_address",
        )


@transaction.atomic
def self_report_submit(*, actor, report: SelfReportInput, address: str) -> SelfReport:
    """Store a self-report from the public page (no sign-in: ``actor`` is the anonymous
    visitor) for the village's township, and give its receipt number. A flood — more than the
    rules allow from one phone number a day or one address an hour — is refused and stores
    nothing."""
    village = Region.objects.filter(
        code=str(report.village or "").strip()[:15], level=RegionLevel.VILLAGE
    ).first()
    if village is None:
        raise DomainError(
            _("Choose your village from the list."), code="bad_village", field="village"
        )
    phone = values.clean(SelfReport, "phone", report.phone)
    digits = sum(c.isdigit() for c in phone)
    if not 7 <= digits <= 15:
        raise DomainError(
            _("Phone: enter the 11 digits of a mobile number, or a landline with its area code."),
            code="bad_phone",
            field="phone",
        )
    fields = {
        "name": values.clean(SelfReport, "name", report.name),
        "what_happened": values.clean(SelfReport, "what_happened", report.what_happened),
    }
    for name, message in (
        ("name", _("Name: say who needs help.")),
        ("what_happened", _("What happened: say what the hardship is.")),
    ):
        if not fields[name]:
            raise DomainError(message, code="required", field=name)
    kind = None
    if report.kind:
        kind = chosen_code(
            "risk_type", report.kind, _("Choose a kind from the list, or none."), field="kind"
        )
    address_hash = lookup_hash(f"address:{address}")
    _refuse_a_flood(phone, address_hash, village.code)
    record = SelfReport.objects.create(
        phone=phone,
        region=village,
        township_id=township_code(village.code),
        kind=kind,
        reported_on=timezone.localdate(),
        reported_at=timezone.now(),
        address_hash=address_hash,
        **fields,
    )
    record.receipt = receipt_for(record.pk)
    record.save(update_fields=["receipt"])
    audit.record(
        actor=actor,
        action="self_report.submit",
        obj=record,
        region_code=record.region_id,
        # Not the name, phone or text: the log keeps no one's story.
        after=audit.snapshot(record, ["receipt", "region", "kind", "reported_on", "state"]),
    )
    return record
