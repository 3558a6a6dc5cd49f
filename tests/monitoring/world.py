"""County A's monitoring for the route walk and the fuzz (dates fixed in October 2026):

- on the walk's household, an open alert raised by screening on 2026-10-08;
- on 6111030022018801 (马家寨村), an identification started on 2026-10-08 from an alert,
  its application (with the photo), home check and village review (notice from 10-09) done,
  awaiting the township's review: late from 2026-10-24 (15 calendar days);
- on 6111030022018802, an identification awaiting its application;
- 6111030022018803 monitored since 2025-12-01 with income checks above the line on
  2026-03-01 and 09-01 (its risk clearing may start), 6111030022018804 not yet out with an
  income check of 4,800 attesting food and clothing (its exit may start), and an income check
  of the walk's household.
"""

import datetime
import uuid

from django.utils import timezone

from bangfu.monitoring import services
from bangfu.monitoring.models import Procedure, ProcedureState
from bangfu.monitoring.services import AlertInput, ClosingInput, StepInput
from bangfu.registry.services import household_register
from tests.fuzz.harness import fresh_id_number
from tests.registry.conftest import first_status, household_input, member_input

from .clearing import income, make_monitored
from .conftest import commitment_photo

D = datetime.date
STARTED = D(2026, 10, 8)
PHOTO = commitment_photo()
ALERT_JSON = {"summary": "马家寨村排查：因病支出较大", "raised_on": "2026-10-08", "member_id": None}
CLOSE_FORM = {"outcome": "not_at_risk", "closed_on": "2026-10-09", "reason": "入侵"}
REPORT_ALERT_FORM = {"household_id": 1, "summary": "入侵", "raised_on": "2026-10-09"}
REPORT_CLOSE_FORM = {"reason": "入侵", "closed_on": "2026-10-09"}
STEP_FORM = {"step": "township_review", "outcome": "passed", "done_on": "2026-10-26"}
START_FORM = {"kind": "risk_clearing", "started_on": "2026-10-08"}
INCOME_FORM = {"per_capita": "8000", "assessed_on": "2026-10-08", "food_and_clothing": True}


def _household(actor, n: int):
    return household_register(
        actor=actor,
        household=household_input(number=f"61110300220188{n:04d}"),
        members=[member_input(name="马家寨村监测户", id_number=fresh_id_number(n, "881"))],
        status=first_status(),
    )


def identification(actor, household, started_on: datetime.date) -> Procedure:
    alert = services.alert_raise(
        actor=actor,
        household_id=household.pk,
        alert=AlertInput(summary="马家寨村排查：家中有重病患者", raised_on=started_on),
    )
    closed = services.alert_close(
        actor=actor,
        alert_id=alert.pk,
        closing=ClosingInput(outcome="identifying", closed_on=started_on),
    )
    return closed.procedure


def through_the_village(actor, procedure: Procedure, day: datetime.date) -> None:
    """The application (with the photo), the home check and the village review, on ``day``."""
    for key in ("application", "home_check", "village_review"):
        services.step_record(
            actor=actor,
            procedure_id=procedure.pk,
            step=StepInput(step=key, done_on=day, notice_from=day, note="马家寨村"),
            photo=PHOTO if key == "application" else None,
        )


def self_report(n: int):
    """A self-report from 马家寨村, from its own phone and address (no flood), dated the
    world's first day, so that any day the walk and the fuzz answer it on comes after."""
    from bangfu.monitoring.models import SelfReport

    report = services.self_report_submit(
        actor=None,
        report=services.SelfReportInput(
            name="马家寨村申报人",
            phone=f"1390000{n:04d}",
            village="611103002201",
            what_happened="马家寨村：突发重病",
        ),
        address=f"10.9.{n // 250}.{n % 250}",
    )
    SelfReport.objects.filter(pk=report.pk).update(reported_on=STARTED)
    report.reported_on = STARTED
    return report


def monitoring_world(county_admin, household) -> dict:
    alert = services.alert_raise(
        actor=county_admin,
        household_id=household.pk,
        alert=AlertInput(summary="马家寨村排查：主要劳动力务工不稳", raised_on=STARTED),
    )
    procedure = identification(county_admin, _household(county_admin, 1), STARTED)
    through_the_village(county_admin, procedure, STARTED)
    waiting = identification(county_admin, _household(county_admin, 2), STARTED)
    clearable = make_monitored(county_admin, _household(county_admin, 3))
    income(county_admin, clearable, D(2026, 3, 1), 8000)
    income(county_admin, clearable, D(2026, 9, 1), 8000)
    # A run of the rules over county A: its place is no other county's to see.
    services.rules_run(on=STARTED, actor=county_admin, place="611103000000")
    exit_ready = _household(county_admin, 4)
    income(county_admin, exit_ready, STARTED, 4800, food=True)
    return {
        "clearable": clearable,
        "exit_ready": exit_ready,
        "income_check": income(county_admin, household, STARTED, 8000, food=True),
        # One report to raise an alert from, one to close: a form fuzzed posts its valid
        # form first, and a report answered once takes no other answer.
        "self_report": self_report(1),
        "self_report_to_close": self_report(2),
        "alert": alert,
        "procedure": procedure,
        "procedure_waiting": waiting,
        "commitment_step": procedure.steps.get(step="application"),
    }


def monitoring_page_probes(probe, a_household) -> dict:
    """The monitoring routes for the walk's PAGE_PROBES (``probe`` is its ``Probe``)."""
    an_alert = lambda w: {"alert_id": w["alert"].pk}  # noqa: E731
    a_procedure = lambda w: {"procedure_id": w["procedure"].pk}  # noqa: E731
    a_report = lambda w: {"report_id": w["self_report"].pk}  # noqa: E731
    to_close = lambda w: {"report_id": w["self_report_to_close"].pk}  # noqa: E731
    return {
        "monitoring:alerts": probe(),
        "monitoring:place_alerts": probe(
            lambda w: {"code": "611103002201"}, {"code": "619999999999"}
        ),
        "monitoring:alert": probe(an_alert, {"alert_id": 10**9}),
        "monitoring:alert_close": probe(an_alert, {"alert_id": 10**9}, ("post",), CLOSE_FORM),
        "monitoring:screen": probe(
            a_household,
            {"household_id": 10**9},
            ("get", "post"),
            {"summary": "入侵", "raised_on": "2026-10-08"},
        ),
        "monitoring:late": probe(),
        "monitoring:assistance": probe(),
        "monitoring:place_assistance": probe(
            lambda w: {"code": "611103002201"}, {"code": "619999999999"}
        ),
        "monitoring:rules": probe(),
        "monitoring:place_rules": probe(
            lambda w: {"code": "611103002201"}, {"code": "619999999999"}
        ),
        "monitoring:rule_runs": probe(),
        # Another county's place is no choice of the form: refused (400), nothing run.
        "monitoring:rule_run_start": probe(methods=("post",), data={"place": "611103000000"}),
        "monitoring:self_reports": probe(),
        "monitoring:self_report_detail": probe(a_report, {"report_id": 10**9}),
        "monitoring:self_report_alert": probe(
            a_report, {"report_id": 10**9}, ("post",), REPORT_ALERT_FORM
        ),
        "monitoring:self_report_close": probe(
            to_close, {"report_id": 10**9}, ("post",), REPORT_CLOSE_FORM
        ),
        "monitoring:procedure": probe(a_procedure, {"procedure_id": 10**9}),
        "monitoring:step_record": probe(a_procedure, {"procedure_id": 10**9}, ("post",), STEP_FORM),
        "monitoring:notice": probe(a_procedure, {"procedure_id": 10**9}),
        # Households whose checklists pass: the form as it stands is accepted once.
        "monitoring:start_clearing": probe(
            lambda w: {"household_id": w["clearable"].pk},
            {"household_id": 10**9},
            ("get", "post"),
            {"started_on": "2026-10-08"},
        ),
        "monitoring:start_exit": probe(
            lambda w: {"household_id": w["exit_ready"].pk},
            {"household_id": 10**9},
            ("get", "post"),
            {"started_on": "2026-10-08"},
        ),
        "monitoring:income_checks": probe(
            a_household, {"household_id": 10**9}, ("get", "post"), INCOME_FORM
        ),
        "monitoring:notice_pdf": probe(a_procedure, {"procedure_id": 10**9}),
        "monitoring:step_image": probe(
            lambda w: {"step_id": w["commitment_step"].pk}, {"step_id": 10**9}
        ),
    }


def monitoring_api_probes(probe, a_household) -> dict:
    """The monitoring operations for the walk's API_PROBES."""
    an_alert = lambda w: {"alert_id": w["alert"].pk}  # noqa: E731
    a_procedure = lambda w: {"procedure_id": w["procedure"].pk}  # noqa: E731
    a_report = lambda w: {"report_id": w["self_report"].pk}  # noqa: E731
    to_close = lambda w: {"report_id": w["self_report_to_close"].pk}  # noqa: E731
    return {
        "alerts_list": probe(),
        "alert_rules_list": probe(),
        "rule_runs_list": probe(),
        "self_reports_list": probe(),
        "self_report_detail": probe(a_report, {"report_id": 10**9}),
        "self_report_raise_alert": probe(
            a_report, {"report_id": 10**9}, ("post",), REPORT_ALERT_FORM
        ),
        "self_report_close": probe(to_close, {"report_id": 10**9}, ("post",), REPORT_CLOSE_FORM),
        "alert_detail": probe(an_alert, {"alert_id": 10**9}),
        "alert_raise": probe(a_household, {"household_id": 10**9}, ("post",), ALERT_JSON),
        "alert_close": probe(an_alert, {"alert_id": 10**9}, ("post",), CLOSE_FORM),
        "procedures_late": probe(),
        "checklist_read": probe(a_household, {"household_id": 10**9}),
        "procedure_start": probe(a_household, {"household_id": 10**9}, ("post",), START_FORM),
        "income_check_record": probe(a_household, {"household_id": 10**9}, ("post",), INCOME_FORM),
        "procedure_detail": probe(a_procedure, {"procedure_id": 10**9}),
        "procedure_step": probe(a_procedure, {"procedure_id": 10**9}, ("post",), STEP_FORM),
        "procedure_application": probe(
            lambda w: {"procedure_id": w["procedure_waiting"].pk},
            {"procedure_id": 10**9},
            ("post",),
            {"image": PHOTO, "note": "入侵"},
            multipart=True,
        ),
    }


def snapshot():
    """What the walk compares before and after another county's requests."""
    from bangfu.monitoring.models import Alert, IncomeCheck, SelfReport, Step

    return (
        IncomeCheck.objects.count(),
        list(Alert.objects.values_list("pk", "state", "summary")),
        list(SelfReport.objects.values_list("pk", "state", "alert_id")),
        list(Procedure.objects.values_list("pk", "state", "next_step")),
        Step.objects.count(),
    )


def monitoring_aims(world, aim) -> dict:
    """For each monitoring API operation, a valid request aimed at ``world``'s records, made
    fresh for each request where a request uses its record up (an alert closed, a step
    recorded): a new alert, or the next step of a procedure (a new one once it ended)."""
    actor = world["procedure"].started_by
    current = {"procedure": world["procedure"], "waiting": world["procedure_waiting"]}
    counter = iter(range(10, 10**4))

    def fresh_procedure() -> Procedure:
        today = timezone.localdate()
        household = _household(actor, next(counter))
        return identification(actor, household, today - datetime.timedelta(days=30))

    def running() -> Procedure:
        procedure = Procedure.objects.get(pk=current["procedure"].pk)
        if procedure.state != ProcedureState.RUNNING:
            procedure = current["procedure"] = fresh_procedure()
        if procedure.next_step == "application":
            through_the_village(actor, procedure, procedure.started_on)
            procedure.refresh_from_db()
        return procedure

    def step_body(n):
        procedure = running()
        today = timezone.localdate().isoformat()
        body = {"step": procedure.next_step, "outcome": "passed", "done_on": today, "note": ""}
        if procedure.next_step == "county_decision":
            body |= {"monitoring_type": "1", "risk_types": ["1"]}
        return aim({"procedure_id": procedure.pk}, {}, body)

    def waiting(n):
        procedure = Procedure.objects.get(pk=current["waiting"].pk)
        if procedure.next_step != "application":
            procedure = current["waiting"] = fresh_procedure()
        return aim(
            {"procedure_id": procedure.pk},
            {},
            {"image": PHOTO, "done_on": procedure.started_on.isoformat(), "note": "马家寨村"},
        )

    def open_alert(n):
        alert = services.alert_raise(
            actor=actor,
            household_id=world["household"].pk,
            alert=AlertInput(summary=f"马家寨村排查 {n}", raised_on=STARTED),
        )
        return aim(
            {"alert_id": alert.pk},
            {},
            {
                "outcome": "not_at_risk",
                "closed_on": "2026-10-09",
                "reason": "核实无风险",
                # closed on a phone: an id made there, one a request
                "client_id": str(uuid.UUID(int=3 * 10**6 + n)),
            },
        )

    def clearable(n):
        """A monitored household whose clearing checklist passes today, to start one."""
        today = timezone.localdate()
        household = make_monitored(
            actor, _household(actor, next(counter)), on=today - datetime.timedelta(days=400)
        )
        income(actor, household, today - datetime.timedelta(days=300), 8000)
        income(actor, household, today - datetime.timedelta(days=30), 8000)
        return aim(
            {"household_id": household.pk},
            {},
            {"kind": "risk_clearing", "started_on": today.isoformat()},
        )

    def open_report(n):
        return self_report(100 + n).pk

    def report_alert(n):
        body = {"household_id": world["household"].pk, "summary": "回访属实", "raised_on": None}
        return aim({"report_id": open_report(n)}, {}, body)

    def report_close(n):
        return aim({"report_id": open_report(n)}, {}, {"reason": "回访：无风险", "closed_on": None})

    household = {"household_id": world["household"].pk}
    return {
        "checklist_read": lambda n: aim(household, {"kind": "exit"}, None),
        "procedure_start": clearable,
        "income_check_record": lambda n: aim(
            household,
            {},
            {"per_capita": "8000.50", "assessed_on": STARTED.isoformat(), "note": "马家寨村"},
        ),
        "self_reports_list": lambda n: aim({}, {"state": "open", "receipt": ""}, None),
        "self_report_detail": lambda n: aim({"report_id": world["self_report"].pk}, {}, None),
        "self_report_raise_alert": report_alert,
        "self_report_close": report_close,
        "alerts_list": lambda n: aim(
            {}, {"place": "611103002201", "state": "open", "rule": "income_low", "run": ""}, None
        ),
        "alert_rules_list": lambda n: aim({}, {"place": "611103002201", "on": "2026-10-08"}, None),
        "rule_runs_list": lambda n: aim({}, {}, None),
        "alert_detail": lambda n: aim({"alert_id": world["alert"].pk}, {}, None),
        "alert_raise": lambda n: aim(household, {}, dict(ALERT_JSON)),
        "alert_close": open_alert,
        "procedures_late": lambda n: aim({}, {"place": "611103002201"}, None),
        "procedure_detail": lambda n: aim({"procedure_id": world["procedure"].pk}, {}, None),
        "procedure_step": step_body,
        "procedure_application": waiting,
    }
