"""Procedures (识别, 风险消除, 脱贫退出): started, and their steps recorded in the order the
engine declares; a kind with a checklist is refused while an item fails, at its start and
again at its last step."""

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, values
from bangfu.core.errors import DomainError, OutOfScope
from bangfu.core.services import sent_before, sent_once
from bangfu.registry.models import Household
from bangfu.visits import photos

from .. import engine
from ..models import (
    Alert,
    AlertState,
    IncomeCheck,
    MemberEvent,
    Procedure,
    ProcedureState,
    Step,
    StepOutcome,
)
from .common import (
    checked_day,
    counted,
    days_until,
    locked_household,
    require_for,
    township_code,
)
from .income_checks import cleaned_income_check, income_check_create


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
    # A clearing's or exit's home check: the income check (收入核查) it takes.
    per_capita: Decimal | None = None
    food_and_clothing: bool | None = None  # 两不愁 attested (None: not asked)


def checklist_refused(spec: engine.ProcedureSpec, household: Household, day: datetime.date):
    """The kind's checklist for the household on the day, as stored on the procedure; refused
    (naming each failing item and its evidence) while an item fails."""
    results = spec.checked(household, day)
    refused = engine.refusal(results)
    if refused:
        raise DomainError(refused, code="checklist_failed", field="outcome")
    return [r.as_json() for r in results]


def start_procedure(actor, household: Household, kind: str, started_on: datetime.date) -> Procedure:
    """The household's running procedure of this kind, or a new one from ``started_on``. A
    household runs one procedure at a time: another kind running is refused, as is a household
    the kind may not start for, or one whose checklist fails on ``started_on``."""
    running = Procedure.objects.filter(household=household, state=ProcedureState.RUNNING)
    same = running.filter(kind=kind).first()
    if same is not None:
        return same
    other = running.first()
    if other is not None:
        raise DomainError(
            _("%(kind)s no. %(id)s is running for this household; it ends first.")
            % {"kind": other.get_kind_display(), "id": other.pk},
            code="procedure_running",
            field="outcome",
        )
    spec = engine.KINDS[kind]
    refusal = spec.may_start(household)
    if refusal:
        raise DomainError(refusal, code="may_not_start", field="outcome")
    checklist = checklist_refused(spec, household, started_on) if spec.checklist else []
    due = days_until(household.region_id, started_on, spec.days_policy)
    procedure = Procedure.objects.create(
        household=household,
        region_id=household.region_id,
        kind=kind,
        next_step=spec.steps[0].key,
        started_on=started_on,
        due_on=due.day,
        days_counted=counted(due),
        started_at=timezone.now(),
        started_by=actor,
        checklist=checklist,
        checked_on=started_on if spec.checklist else None,
    )
    audit.record(
        actor=actor,
        action="procedure.start",
        obj=procedure,
        region_code=procedure.region_id,
        after=audit.snapshot(procedure),
    )
    return procedure


def _checked_step(
    actor, procedure: Procedure, data: StepInput
) -> tuple[engine.StepSpec, dict, dict[str, Any]]:
    """The step's spec, its cleaned values and what else it records (``income``: the home
    check's income check; ``checklist``: the last step's), or the refusal: steps in order
    only, each by the level that may do it, on a day after the one before (and after the
    notice); a kind's last step passed only while its checklist passes on the step's day."""
    spec = engine.spec_of(procedure)
    step = spec.step(str(data.step or ""))
    if step is None:
        raise DomainError(_("Unknown step."), code="bad_step", field="step")
    require_for(
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
    done_on = checked_day(
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
        notice_from = checked_day(
            Step, "notice_from", data.notice_from or done_on, not_before=done_on, what=_("review")
        )
        until = days_until(
            procedure.region_id, notice_from - datetime.timedelta(days=1), "monitoring.notice_days"
        )
        cleaned |= {"notice_from": notice_from, "notice_until": until.day}
    extra: dict[str, Any] = {}
    if step.assesses and outcome == StepOutcome.PASSED:
        extra["income"] = cleaned_income_check(
            per_capita=data.per_capita,
            assessed_on=done_on,
            food_and_clothing=data.food_and_clothing,
        )
    if spec.checklist and outcome == StepOutcome.PASSED and spec.after(step.key) is None:
        # The data may have changed since the start: checked again on the decision's day.
        extra["checklist"] = checklist_refused(spec, procedure.household, done_on)
    return step, cleaned, extra


def step_record(
    *,
    actor,
    procedure_id: int,
    step: StepInput,
    photo: bytes | None = None,
    photo_name: str = "",
    client_id: uuid.UUID | None = None,
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
        return _step_record(actor, procedure.pk, step, stored, client_id)
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise


@transaction.atomic
def _step_record(
    actor, procedure_id: int, data: StepInput, stored: str, client_id: uuid.UUID | None
) -> Step:
    procedure = Procedure.objects.visible_to(actor).get(pk=procedure_id)
    locked_household(actor, procedure.household_id)  # the household's row: one writer at a time
    procedure = Procedure.objects.select_for_update().get(pk=procedure_id)
    spec, cleaned, extra = _checked_step(actor, procedure, data)
    before = audit.snapshot(procedure)
    record = Step.objects.create(
        procedure=procedure,
        region_id=procedure.region_id,
        done_by=actor,
        recorded_at=timezone.now(),
        image=stored,
        client_id=client_id,
        **cleaned,
    )
    if "income" in extra:
        income_check_create(actor, procedure.household, extra["income"], step=record)
    if "checklist" in extra:
        procedure.checklist, procedure.checked_on = extra["checklist"], record.done_on
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


def _step_before(actor, client_id: uuid.UUID) -> Step | None:
    return sent_before(
        Step,
        actor,
        client_id,
        _("This step's id was used by someone else; reload the page and record it again."),
        by="done_by_id",
    )


def step_sent(
    *,
    actor,
    client_id: uuid.UUID,
    procedure_id: int,
    step: StepInput,
    photo: bytes | None = None,
    photo_name: str = "",
) -> tuple[Step, bool]:
    """A step recorded on a phone at the household, perhaps offline (the home check), with
    the id the phone made for it: answers (step, True), or (the one already recorded, False)
    when this id came before (a resend after a lost answer), so that a queue sent twice
    records once."""
    return sent_once(
        lambda: _step_before(actor, client_id),
        lambda: step_record(
            actor=actor,
            procedure_id=procedure_id,
            step=step,
            photo=photo,
            photo_name=photo_name,
            client_id=client_id,
        ),
    )


def monitoring_follow_household(household_id: int, region_code: str) -> None:
    """A household moved (the registry's audited move, in its transaction): its alerts and
    procedures are read at its new place; an open alert goes to the new township."""
    Alert.objects.filter(household_id=household_id).update(region_id=region_code)
    Alert.objects.filter(household_id=household_id, state=AlertState.OPEN).update(
        township_id=township_code(region_code)
    )
    Procedure.objects.filter(household_id=household_id).update(region_id=region_code)
    Step.objects.filter(procedure__household_id=household_id).update(region_id=region_code)
    IncomeCheck.objects.filter(household_id=household_id).update(region_id=region_code)
    MemberEvent.objects.filter(household_id=household_id).update(region_id=region_code)
