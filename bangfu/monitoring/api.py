"""Monitoring over the API: alerts (list, read, raise by screening, close), procedures
(read, record the awaited step — the application's with the photo of the signed
commitment — and list those late), and the early-warning rules at a place and their runs
(read)."""

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from bangfu.core import params
from bangfu.core.errors import NotPermitted
from bangfu.core.params import Id
from bangfu.core.schemas import schema_from
from bangfu.core.selectors import region_for
from bangfu.registry.selectors import household_for

from . import selectors, services
from .models import Alert, IncomeCheck, Procedure, RuleRun, SelfReport, SelfReportState, Step

router = Router(tags=["monitoring"])

AlertIn = schema_from(services.AlertInput, "AlertIn", rules_of=Alert)
ClosingIn = schema_from(services.ClosingInput, "ClosingIn", rules_of=Alert)
StepIn = schema_from(services.StepInput, "StepIn", rules_of=Step)
StartIn = schema_from(services.StartInput, "StartIn", rules_of=Procedure)
IncomeCheckIn = schema_from(services.IncomeCheckInput, "IncomeCheckIn", rules_of=IncomeCheck)
ReportAlertIn = schema_from(services.ReportAlertInput, "ReportAlertIn", rules_of=Alert)
ReportClosingIn = schema_from(services.ReportClosingInput, "ReportClosingIn", rules_of=SelfReport)


class PhoneStepIn(StepIn):  # type: ignore[valid-type,misc]
    client_id: uuid.UUID | None = Field(
        None,
        description="an id the phone made for this step (the home check, recorded at the "
        "household, perhaps offline): a second send of it answers with the procedure as the "
        "first left it, rather than recording it twice",
    )


class PhoneClosingIn(ClosingIn):  # type: ignore[valid-type,misc]
    client_id: uuid.UUID | None = Field(
        None,
        description="an id the phone made for this closing (done at the household, perhaps "
        "offline): a second send of it answers with the alert as the first closed it, rather "
        "than refusing it as closed",
    )


class SelfReportOut(Schema):
    id: int
    receipt: str
    name: str
    phone: str
    village_code: str
    kind: str
    what_happened: str
    reported_on: datetime.date
    state: str
    handled_on: datetime.date | None
    close_reason: str
    alert_id: int | None


class SelfReportFiltersIn(Schema):
    state: str = ""
    receipt: str = ""


class AlertOut(Schema):
    id: int
    household_id: int
    member_id: int | None
    region_code: str
    township_code: str
    helper_id: int | None
    source: str
    rule_code: str
    fired_by: list[dict]
    summary: str
    raised_on: datetime.date
    due_on: datetime.date
    days_counted: str
    state: str
    overdue: bool
    closed_on: datetime.date | None
    close_reason: str
    procedure_id: int | None


class StepOut(Schema):
    step: str
    label: str
    who: str
    done: bool
    outcome: str
    done_on: datetime.date | None
    done_by: str
    reason: str
    note: str
    notice_from: datetime.date | None
    notice_until: datetime.date | None


class ChecklistItemOut(Schema):
    item: str
    label: str
    definition: str
    passed: bool
    evidence: str


class ProcedureOut(Schema):
    id: int
    household_id: int
    kind: str
    state: str
    started_on: datetime.date
    due_on: datetime.date
    days_counted: str
    late: bool
    next_step: str
    ended_on: datetime.date | None
    monitoring_type: str
    risk_types: list[str]
    checked_on: datetime.date | None
    checklist: list[ChecklistItemOut]
    steps: list[StepOut]


class IncomeCheckOut(Schema):
    id: int
    household_id: int
    assessed_on: datetime.date
    per_capita: str
    food_and_clothing: bool | None
    note: str
    step_id: int | None


class ChecklistIn(Schema):
    kind: str = "risk_clearing"


class AlertFiltersIn(Schema):
    place: str = ""
    state: str = ""
    overdue: str = ""
    rule: str = ""
    run: str = ""


class PolicyAtOut(Schema):
    key: str
    label: str
    value: Any
    shown: str
    set_on: str | None = Field(description="the place whose value holds (None: the default)")
    valid_from: datetime.date | None


class AlertRuleOut(Schema):
    code: str
    name: str
    definition: str
    fed_by: str
    on: bool
    switch: PolicyAtOut
    parameters: list[PolicyAtOut]


class AlertRulesIn(Schema):
    place: str = ""
    on: str = ""


class RuleRunOut(Schema):
    id: int
    trigger: str
    on: datetime.date
    place_code: str | None
    started_at: datetime.datetime
    seconds: float
    alerts: int = Field(description="alerts it raised in the caller's places")
    households: int = Field(description="households alerted in the caller's places")
    by_rule: dict[str, int] = Field(description="alerts in the caller's places by rule code")


class LateFiltersIn(Schema):
    place: str = ""


def _alert(alert: Alert) -> dict:
    return {
        "id": alert.pk,
        "household_id": alert.household_id,
        "member_id": alert.member_id,
        "region_code": alert.region_id,
        "township_code": alert.township_id,
        "helper_id": alert.helper_id,
        "source": alert.source,
        "rule_code": alert.rule_code,
        "fired_by": alert.fired_by,
        "summary": alert.summary,
        "raised_on": alert.raised_on,
        "due_on": alert.due_on,
        "days_counted": alert.days_counted,
        "state": alert.state,
        "overdue": alert.is_overdue(timezone.localdate()),
        "closed_on": alert.closed_on,
        "close_reason": alert.close_reason,
        "procedure_id": alert.procedure_id,
    }


def _checklist(rows: list[selectors.ChecklistRow]) -> list[dict]:
    return [
        {
            "item": row.item.key,
            "label": str(row.item.label),
            "definition": str(row.item.definition),
            "passed": row.passed,
            "evidence": row.evidence,
        }
        for row in rows
    ]


def _income_check(check: IncomeCheck) -> dict:
    return {
        "id": check.pk,
        "household_id": check.household_id,
        "assessed_on": check.assessed_on,
        "per_capita": str(check.per_capita),
        "food_and_clothing": check.food_and_clothing,
        "note": check.note,
        "step_id": check.step_id,
    }


def _self_report(report: SelfReport) -> dict:
    return {
        "id": report.pk,
        "receipt": report.receipt or "",
        "name": report.name,
        "phone": report.phone,
        "village_code": report.region_id,
        "kind": report.kind.value if report.kind else "",
        "what_happened": report.what_happened,
        "reported_on": report.reported_on,
        "state": report.state,
        "handled_on": report.handled_on,
        "close_reason": report.close_reason,
        "alert_id": report.alert_id,
    }


def _procedure(procedure: Procedure) -> dict:
    return {
        "id": procedure.pk,
        "household_id": procedure.household_id,
        "kind": procedure.kind,
        "state": procedure.state,
        "started_on": procedure.started_on,
        "due_on": procedure.due_on,
        "days_counted": procedure.days_counted,
        "late": procedure.is_late(timezone.localdate()),
        "next_step": procedure.next_step,
        "ended_on": procedure.ended_on,
        "monitoring_type": procedure.monitoring_type.value if procedure.monitoring_type else "",
        "risk_types": [code.value for code in procedure.risk_types.order_by("value")],
        "checked_on": procedure.checked_on,
        "checklist": _checklist(selectors.checklist_stored(procedure)),
        "steps": [
            {
                "step": row.spec.key,
                "label": str(row.spec.label),
                "who": str(row.spec.who),
                "done": row.record is not None,
                "outcome": row.record.outcome if row.record else "",
                "done_on": row.record.done_on if row.record else None,
                "done_by": row.record.done_by.get_username() if row.record else "",
                "reason": row.record.reason if row.record else "",
                "note": row.record.note if row.record else "",
                "notice_from": row.record.notice_from if row.record else None,
                "notice_until": row.record.notice_until if row.record else None,
            }
            for row in selectors.steps_of(procedure)
        ],
    }


@router.get("/monitoring/alerts", response=list[AlertOut], operation_id="alerts_list")
@paginate(params.Pages, page_size=50)
def alerts_list(request, filters: Query[AlertFiltersIn]):
    """Alerts under ``place`` (or all the caller's places), by ``state`` (open, not_at_risk,
    identifying), ``overdue=1`` for those open past their deadline only, ``rule`` (an
    early-warning rule's code), ``run`` (the id of the rules' run that raised them)."""
    code = params.place(filters.place)
    within = region_for(request.auth, code) if code else None
    chosen = selectors.AlertFilters.read(filters.state, filters.overdue, filters.rule, filters.run)
    return params.Mapped(selectors.alerts(request.auth, within, chosen), _alert)


@router.get("/monitoring/alerts/{alert_id}", response=AlertOut, operation_id="alert_detail")
def alert_detail(request, alert_id: Id):
    return _alert(selectors.alert_for(request.auth, alert_id))


@router.post(
    "/households/{household_id}/alerts", response={201: AlertOut}, operation_id="alert_raise"
)
def alert_raise(request, household_id: Id, payload: AlertIn):  # type: ignore[valid-type]
    """A cadre's screening (排查) raises an alert about the household."""
    household = household_for(request.auth, household_id)
    alert = services.alert_raise(
        actor=request.auth,
        household_id=household.pk,
        alert=services.AlertInput(**payload.dict()),
    )
    return Status(201, _alert(selectors.alert_for(request.auth, alert.pk)))


@router.post("/monitoring/alerts/{alert_id}/close", response=AlertOut, operation_id="alert_close")
def alert_close(request, alert_id: Id, payload: PhoneClosingIn):
    """Close an alert: ``not_at_risk`` (with the ``reason``) or ``identifying``. A phone
    sends the id it made (``client_id``): sent again, it answers 200 with the alert as the
    first send closed it; an alert closed meanwhile by someone else is refused (400)."""
    alert = selectors.alert_for(request.auth, alert_id)
    data = payload.dict()
    client_id = data.pop("client_id")
    closing = services.ClosingInput(**data)
    if client_id is None:
        services.alert_close(actor=request.auth, alert_id=alert.pk, closing=closing)
    else:
        services.alert_close_sent(
            actor=request.auth, client_id=client_id, alert_id=alert.pk, closing=closing
        )
    return _alert(selectors.alert_for(request.auth, alert.pk))


@router.get(
    "/monitoring/procedures/late", response=list[ProcedureOut], operation_id="procedures_late"
)
@paginate(params.Pages, page_size=50)
def procedures_late(request, filters: Query[LateFiltersIn]):
    """Procedures still running past their deadline, under ``place`` or all the caller's."""
    code = params.place(filters.place)
    within = region_for(request.auth, code) if code else None
    return params.Mapped(selectors.late_procedures(request.auth, within), _procedure)


@router.get(
    "/monitoring/procedures/{procedure_id}",
    response=ProcedureOut,
    operation_id="procedure_detail",
)
def procedure_detail(request, procedure_id: Id):
    return _procedure(selectors.procedure_for(request.auth, procedure_id))


@router.post(
    "/monitoring/procedures/{procedure_id}/steps",
    response=ProcedureOut,
    operation_id="procedure_step",
)
def procedure_step(request, procedure_id: Id, payload: PhoneStepIn):
    """Record the awaited step: ``step`` its key, ``outcome`` passed or refused (with the
    ``reason``); the village review gives ``notice_from``, the county's decision
    ``monitoring_type`` and ``risk_types``. The application's step comes with its photo
    through ``…/application``. A phone sends the id it made (``client_id``): sent again, it
    answers 200 with the procedure, the step recorded once."""
    procedure = selectors.procedure_for(request.auth, procedure_id)
    data = payload.dict()
    client_id = data.pop("client_id")
    step = services.StepInput(**data)
    if client_id is None:
        services.step_record(actor=request.auth, procedure_id=procedure.pk, step=step)
    else:
        services.step_sent(
            actor=request.auth, client_id=client_id, procedure_id=procedure.pk, step=step
        )
    return _procedure(selectors.procedure_for(request.auth, procedure.pk))


@router.post(
    "/monitoring/procedures/{procedure_id}/application",
    response=ProcedureOut,
    operation_id="procedure_application",
)
def procedure_application(
    request,
    procedure_id: Id,
    image: File[UploadedFile],
    done_on: Form[datetime.date | None] = None,
    note: Form[str] = "",
):
    """The application with the photo of the signed commitment (承诺授权书), multipart."""
    procedure = selectors.procedure_for(request.auth, procedure_id)
    services.step_record(
        actor=request.auth,
        procedure_id=procedure.pk,
        step=services.StepInput(step="application", done_on=done_on, note=note),
        photo=image.read(),
        photo_name=image.name or "",
    )
    return _procedure(selectors.procedure_for(request.auth, procedure.pk))


@router.get(
    "/households/{household_id}/checklist",
    response=list[ChecklistItemOut],
    operation_id="checklist_read",
)
def checklist_read(request, household_id: Id, filters: Query[ChecklistIn]):
    """The checklist of ``kind`` (``risk_clearing`` or ``exit``) for the household today:
    each item's result and evidence, as a start would find it."""
    household = household_for(request.auth, household_id)
    spec = services.startable(filters.kind)
    return _checklist(selectors.checklist_now(spec, household, timezone.localdate()))


@router.post(
    "/households/{household_id}/procedures",
    response={201: ProcedureOut},
    operation_id="procedure_start",
)
def procedure_start(request, household_id: Id, payload: StartIn):  # type: ignore[valid-type]
    """Start the household's risk clearing (``kind`` ``risk_clearing``) or exit verification
    (``exit``) on ``started_on``: refused (400, ``checklist_failed``) while an item of its
    checklist fails, naming each and its evidence."""
    household = household_for(request.auth, household_id)
    procedure = services.procedure_start(
        actor=request.auth, household_id=household.pk, start=services.StartInput(**payload.dict())
    )
    return Status(201, _procedure(selectors.procedure_for(request.auth, procedure.pk)))


@router.post(
    "/households/{household_id}/income-checks",
    response={201: IncomeCheckOut},
    operation_id="income_check_record",
)
def income_check_record(request, household_id: Id, payload: IncomeCheckIn):  # type: ignore[valid-type]
    """Record an income check (收入核查): ``per_capita`` yuan a person a year found on
    ``assessed_on``, and ``food_and_clothing`` (两不愁) when asked."""
    household = household_for(request.auth, household_id)
    check = services.income_check_record(
        actor=request.auth,
        household_id=household.pk,
        check=services.IncomeCheckInput(**payload.dict()),
    )
    return Status(201, _income_check(check))


@router.get(
    "/monitoring/self-reports", response=list[SelfReportOut], operation_id="self_reports_list"
)
@paginate(params.Pages, page_size=50)
def self_reports_list(request, filters: Query[SelfReportFiltersIn]):
    """Self-reports from the villages of the caller's places, open ones first; ``receipt``
    finds the one a caller quotes (回执号), ``state`` (open, alert_raised, not_at_risk)."""
    state = params.choice(filters.state, field="state", choices=SelfReportState.values)
    rows = selectors.self_reports(request.auth, state, filters.receipt)
    return params.Mapped(rows, _self_report)


@router.get(
    "/monitoring/self-reports/{report_id}",
    response=SelfReportOut,
    operation_id="self_report_detail",
)
def self_report_detail(request, report_id: Id):
    return _self_report(selectors.self_report_for(request.auth, report_id))


@router.post(
    "/monitoring/self-reports/{report_id}/alert",
    response={201: SelfReportOut},
    operation_id="self_report_raise_alert",
)
def self_report_raise_alert(request, report_id: Id, payload: ReportAlertIn):  # type: ignore[valid-type]
    """Answer a self-report with an alert (``source=self_report``) about ``household_id``, a
    household of the report's village."""
    report = selectors.self_report_for(request.auth, report_id)
    services.self_report_raise_alert(
        actor=request.auth, report_id=report.pk, alert=services.ReportAlertInput(**payload.dict())
    )
    return Status(201, _self_report(selectors.self_report_for(request.auth, report.pk)))


@router.post(
    "/monitoring/self-reports/{report_id}/close",
    response=SelfReportOut,
    operation_id="self_report_close",
)
def self_report_close(request, report_id: Id, payload: ReportClosingIn):  # type: ignore[valid-type]
    """Close a self-report as not at risk, with the ``reason``."""
    report = selectors.self_report_for(request.auth, report_id)
    services.self_report_close(
        actor=request.auth,
        report_id=report.pk,
        closing=services.ReportClosingInput(**payload.dict()),
    )
    return _self_report(selectors.self_report_for(request.auth, report.pk))


def _policy_at(row) -> dict:
    return {
        "key": row.spec.key,
        "label": str(row.spec.label),
        "value": row.effective.value,
        "shown": row.shown,
        "set_on": row.effective.region_code,
        "valid_from": row.effective.valid_from,
    }


@router.get("/monitoring/rules", response=list[AlertRuleOut], operation_id="alert_rules_list")
@paginate(params.Pages, page_size=50)
def alert_rules_list(request, filters: Query[AlertRulesIn]):
    """The early-warning rules (预警规则) at ``place`` (default: the caller's highest place) on
    ``on`` (default today): each switched on or not, with its numbers in force there and the
    place that set each (None: the default). Set them as policies (``/api/places/{code}/rules``
    where the caller may edit policies)."""
    code = params.place(filters.place)
    region = region_for(request.auth, code) if code else selectors.viewer_place(request.auth)
    if region is None:
        raise NotPermitted()
    on = params.day(filters.on, field="on")
    return [
        {
            "code": row.rule.code,
            "name": str(row.rule.name),
            "definition": str(row.rule.definition),
            "fed_by": str(row.rule.fed_by),
            "on": row.on,
            "switch": _policy_at(row.switch),
            "parameters": [_policy_at(p) for p in row.parameters],
        }
        for row in selectors.alert_rules_at(request.auth, region, on)
    ]


def _rule_run(pair: tuple[RuleRun, selectors.RunCounts]) -> dict:
    run, counts = pair
    return {
        "id": run.pk,
        "trigger": run.trigger,
        "on": run.on,
        "place_code": run.place_id,
        "started_at": run.started_at,
        "seconds": run.seconds,
        "alerts": counts.alerts,
        "households": counts.households,
        "by_rule": counts.by_rule,
    }


@dataclass(frozen=True)
class _RunsPage(params.Mapped[dict]):
    """Runs with what each raised in the caller's places, counted for the page asked only."""

    user: Any = None

    def __getitem__(self, part: slice) -> list[dict]:
        runs = list(self.rows[part])
        counts = selectors.run_counts(self.user, runs)
        return [self.each((run, counts[run.pk])) for run in runs]


@router.get("/monitoring/rule-runs", response=list[RuleRunOut], operation_id="rule_runs_list")
@paginate(params.Pages, page_size=50)
def rule_runs_list(request):
    """The runs of the early-warning rules the caller may read of, newest first (``trigger``
    nightly, import or command; ``place_code`` None: everything, or an import's households),
    each with the alerts it raised in the caller's places (not its totals over its scope);
    ``alerts_list?run=`` lists them."""
    return _RunsPage(selectors.rule_runs(request.auth), _rule_run, request.auth)
