"""Reads of monitoring: every list starts from ``visible_to``; a record outside the reader's
places answers 404 as a missing one."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bangfu.core import params
from bangfu.core.capabilities import Capability
from bangfu.core.models import Region
from bangfu.core.policies import by_place
from bangfu.core.regions import RegionLevel, ancestor_codes
from bangfu.core.scoping import get_visible_or_404, scope_q
from bangfu.core.selectors import RuleAtPlace, children_of, top_places
from bangfu.core.selectors import rules_at as policies_at
from bangfu.pairing.models import Pairing
from bangfu.pairing.selectors import has_helper_now
from bangfu.plans.models import Measure, MeasureStatus
from bangfu.registry.models import Household, HouseholdStatus, Member
from bangfu.registry.selectors import HouseholdFilters, household_names, households

from . import engine, rules
from .models import (
    Alert,
    AlertState,
    FiredRecord,
    IncomeCheck,
    Procedure,
    ProcedureKind,
    ProcedureState,
    RuleRun,
    SelfReport,
    SelfReportState,
    Step,
)
from .services import may_act, may_start, township_code

ALERT_FIELDS = ("household", "member", "region", "township", "helper", "procedure")


def overdue_q(today: datetime.date) -> Q:
    """An alert still open after the day it was to be verified by (逾期未核实)."""
    return Q(state=AlertState.OPEN, due_on__lt=today)


def late_q(today: datetime.date) -> Q:
    """A procedure still running after the day it was to be done by (超期)."""
    return Q(state=ProcedureState.RUNNING, due_on__lt=today)


class RiskCode(models.TextChoices):
    """The household at a glance (三色码): derived from its alerts, procedures and status,
    never set by hand. The word goes with the colour, never the colour alone."""

    RED = "red", _("Red")
    YELLOW = "yellow", _("Yellow")
    GREEN = "green", _("Green")


# ---------------------------------------------------------------------------------------------
# Assistance (帮扶): the rule that a monitored household able to work has a developmental
# measure, written once here for every list, page, figure and the risk code.

ASSISTANCE_RULES = ["monitoring.able_to_work_labour", "monitoring.developmental_measure_kinds"]
# A household being monitored, or cleared of its risk but still tracked (its records kept).
TRACKED = (HouseholdStatus.MONITORED, HouseholdStatus.RISK_CLEARED)


def _codes(values: list[int]) -> list[str]:
    return [str(value) for value in values]


def _able(rules: dict, household: str) -> Q:
    members = Member.objects.filter(
        household=OuterRef(household),
        left_on=None,
        labour__value__in=_codes(rules["monitoring.able_to_work_labour"]),
    )
    return Q(Exists(members))


def _developmental(rules: dict, household: str) -> Q:
    measures = Measure.objects.filter(
        household=OuterRef(household),
        kind__value__in=_codes(rules["monitoring.developmental_measure_kinds"]),
    ).exclude(status=MeasureStatus.DROPPED)
    return Q(Exists(measures))


def able_to_work_q(on: datetime.date, household: str = "pk") -> Q:
    """The household (the outer row's ``household`` column) has a member, not left, whose
    labour ability (劳动能力) is one the rule ``monitoring.able_to_work_labour`` at its place
    counts as able to work (有劳动能力)."""
    return by_place(ASSISTANCE_RULES, "region_id", on, lambda rules: _able(rules, household))


def developmental_q(on: datetime.date, household: str = "pk") -> Q:
    """The household has a developmental measure (开发式帮扶措施) on its plan: of a kind the
    rule ``monitoring.developmental_measure_kinds`` at its place names (产业, 就业 by default),
    planned, under way or done (a dropped one is no measure taken)."""
    return by_place(
        ASSISTANCE_RULES, "region_id", on, lambda rules: _developmental(rules, household)
    )


def lacks_developmental_q(on: datetime.date) -> Q:
    """A monitored household able to work with no developmental measure: the rule of
    assistance broken (有劳动能力的监测户无开发式帮扶措施)."""
    return Q(status=HouseholdStatus.MONITORED) & by_place(
        ASSISTANCE_RULES,
        "region_id",
        on,
        lambda rules: _able(rules, "pk") & ~_developmental(rules, "pk"),
    )


def lacks_assistance_q(on: datetime.date) -> Q:
    """A monitored household lacking a developmental measure it needs, or with no helper
    paired now (未落实帮扶)."""
    return lacks_developmental_q(on) | Q(status=HouseholdStatus.MONITORED) & ~Q(has_helper_now())


def social_security_q(on: datetime.date) -> Q:
    """A monitored household with no member able to work, tracked under social security
    (兜底保障): it stays tracked once its risk is cleared."""
    return Q(status__in=TRACKED) & ~able_to_work_q(on)


def with_assistance(households: QuerySet[Household], today: datetime.date) -> QuerySet[Any]:
    """``households`` annotated with ``able`` (a member able to work), ``developmental`` (a
    developmental measure) and ``helped`` (a helper paired now), by the rules above."""

    def flag(condition: Q) -> Case:
        return Case(When(condition, then=Value(True)), default=Value(False))

    return households.annotate(
        able=flag(able_to_work_q(today)),
        developmental=flag(developmental_q(today)),
        helped=has_helper_now(),
    )


class AssistanceList(models.TextChoices):
    """The lists of assistance (帮扶落实) a township or county reads."""

    LACKING = "lacking", _("Monitored households lacking assistance")
    SOCIAL_SECURITY = "social_security", _("Tracked under social security (兜底)")


def assistance_list(
    user, which: str, within: Region | None = None, today: datetime.date | None = None
) -> QuerySet[Household]:
    """Open households under a place on one of the assistance lists, in register order, each
    annotated with ``developmental`` and ``helped`` (whether it has a helper now), so that
    the list says what is missing."""
    today = today or timezone.localdate()
    rule = (
        lacks_assistance_q(today) if which == AssistanceList.LACKING else social_security_q(today)
    )
    return (
        with_assistance(
            Household.objects.visible_to(user, within).filter(closed_on=None).filter(rule), today
        )
        .select_related("region")
        .order_by("region_id", "number", "pk")
    )


def assistance_of(household: Household, today: datetime.date) -> dict:
    """The household page's words on its assistance: whether it is able to work, has a
    developmental measure and a helper, and what is missing."""
    row = (
        with_assistance(Household.objects.filter(pk=household.pk), today)
        .values("able", "developmental", "helped")
        .get()
    )
    tracked = household.status in TRACKED
    return {
        **row,
        "tracked": tracked,
        "needs_developmental": household.status == HouseholdStatus.MONITORED
        and row["able"]
        and not row["developmental"],
        "needs_helper": household.status == HouseholdStatus.MONITORED and not row["helped"],
        "social_security": tracked and not row["able"],
    }


# Shown under the code: the rule in words, as ``with_risk_code`` computes it.
RISK_CODE_DEFINITION = _(
    "Red: an alert not verified by its deadline, a procedure past its deadline, or a "
    "monitored household able to work without a developmental measure (industry or "
    "employment, as the rules say). Yellow: an open alert, a running procedure, or a "
    "monitored household whose risk is not cleared. Green: none of these."
)


# The annotated rows are typed loosely: the stubs know no ``risk_code`` on Household.
def with_risk_code(households: QuerySet[Household], today: datetime.date) -> QuerySet[Any]:
    """``households`` annotated with ``risk_code`` (三色码, ``RiskCode``): red when something
    is past its deadline (an alert overdue for verification, ``overdue_q``; a procedure late,
    ``late_q``) or the household is monitored, able to work and without a developmental
    measure (``lacks_developmental_q``); yellow when something is open (an alert, a running
    procedure, or the household monitored and its risk not cleared), green otherwise. One
    query for any number of households: EXISTS subqueries on the (household, state) indexes,
    not a read per household. The deadlines are the policies the alerts and procedures were
    given, the labour and measure kinds the rules of assistance; the code adds none."""
    alerts = Alert.objects.filter(household=OuterRef("pk"), state=AlertState.OPEN)
    running = Procedure.objects.filter(household=OuterRef("pk"), state=ProcedureState.RUNNING)
    return households.annotate(
        risk_code=Case(
            When(
                Exists(alerts.filter(overdue_q(today)))
                | Exists(running.filter(late_q(today)))
                | lacks_developmental_q(today),
                then=Value(RiskCode.RED.value),
            ),
            When(
                Exists(alerts) | Exists(running) | Q(status=HouseholdStatus.MONITORED),
                then=Value(RiskCode.YELLOW.value),
            ),
            default=Value(RiskCode.GREEN.value),
            output_field=models.CharField(),
        )
    )


def households_of_code(households: QuerySet[Household], code: str) -> QuerySet[Any]:
    """Those of ``households`` whose risk code today is ``code`` (the household list's
    ``?risk=``, checked there against ``RiskCode``)."""
    return with_risk_code(households, timezone.localdate()).filter(risk_code=code)


@dataclass(frozen=True)
class PlaceRisk:
    """A place under the one shown, with its open households by risk code."""

    place: Region
    counts: dict[str, int]

    def links(self) -> list[tuple[RiskCode, int]]:
        return [(code, self.counts.get(code.value, 0)) for code in RiskCode]


def risk_by_place(user, region: Region) -> dict | None:
    """The place page's section (the map-free place view): each place directly under
    ``region`` with its open households by risk code (三色码), each count leading to the
    household list of that place and code. One query: households grouped by the code's
    leading digits of the level below; None for a place with nothing under it."""
    from django.db.models import Count
    from django.db.models.functions import Substr

    from bangfu.core.regions import OWN_DIGITS

    children = list(Region.objects.visible_to(user).filter(parent=region).order_by("code"))
    if not children:
        return None
    digits = OWN_DIGITS[RegionLevel(children[0].level)]
    rows = (
        with_risk_code(
            Household.objects.visible_to(user, region).filter(closed_on=None),
            timezone.localdate(),
        )
        .annotate(child=Substr("region_id", 1, digits))
        .values_list("child", "risk_code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[str, dict[str, int]] = {}
    for child, code, n in rows:
        counts.setdefault(child.ljust(len(children[0].code), "0"), {})[code] = n
    return {
        "region": region,
        "rows": [PlaceRisk(child, counts.get(child.code, {})) for child in children],
        "definition": RISK_CODE_DEFINITION,
    }


def risk_codes(user, households: Sequence[Household]) -> dict[int, RiskCode]:
    """The risk code of each of ``households`` (already read within the user's places), in one
    query: the household list's column (``registry.columns``)."""
    rows = with_risk_code(
        Household.objects.filter(pk__in=[h.pk for h in households]), timezone.localdate()
    ).values_list("pk", "risk_code")
    return {pk: RiskCode(code) for pk, code in rows}


@dataclass(frozen=True)
class AlertFilters:
    """A list's filters, read by ``core.params`` (a state not of the list is refused there)."""

    state: str = ""  # one of AlertState, or "" for all
    overdue: bool = False
    rule: str = ""  # an early-warning rule's code (``rules.RULES``), or "" for any source
    run: int | None = None  # the rules' run that raised them (``RuleRun``)

    @classmethod
    def read(
        cls,
        state: str | None,
        overdue: str | None,
        rule: str | None = None,
        run: str | None = None,
    ) -> "AlertFilters":
        run_id = params.possible_id((run or "").strip())
        if (run or "").strip() and run_id is None:
            raise params.BadParameter(str(_("Give a run by its number.")), field="run")
        return cls(
            params.choice(state, field="state", choices=AlertState.values),
            params.flag(overdue, field="overdue"),
            params.choice(rule, field="rule", choices=rules.RULES),
            run_id,
        )


def alerts(user, within: Region | None = None, filters: AlertFilters = AlertFilters()):
    """Alerts under a place (or all the user's places): open ones by their deadline first,
    then the closed ones, newest first."""
    rows = Alert.objects.visible_to(user, within).select_related(*ALERT_FIELDS)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.overdue:
        rows = rows.filter(overdue_q(timezone.localdate()))
    if filters.rule:
        rows = rows.filter(rule_code=filters.rule)
    if filters.run is not None:
        # The records that fired an alert all name the run that raised it.
        fired = FiredRecord.objects.filter(alert=OuterRef("pk"), run_id=filters.run)
        rows = rows.filter(Exists(fired))
    return rows.order_by("-state", "due_on", "-raised_on", "pk")


def alert_for(user, alert_id: int) -> Alert:
    return get_visible_or_404(Alert.objects.select_related(*ALERT_FIELDS), user, pk=alert_id)


def procedure_for(user, procedure_id: int) -> Procedure:
    return get_visible_or_404(
        Procedure.objects.select_related("household", "region", "monitoring_type"),
        user,
        pk=procedure_id,
    )


def step_for(user, step_id: int) -> Step:
    return get_visible_or_404(Step.objects.all(), user, pk=step_id)


def late_procedures(user, within: Region | None = None) -> QuerySet[Procedure]:
    """Procedures still running past their deadline, the longest late first: with the step
    awaited, which says who is late."""
    return (
        Procedure.objects.visible_to(user, within)
        .filter(late_q(timezone.localdate()))
        .select_related("household", "region")
        .order_by("due_on", "pk")
    )


@dataclass(frozen=True)
class StepRow:
    spec: engine.StepSpec
    record: Step | None
    awaited: bool


def awaited_step(procedure: Procedure) -> engine.StepSpec | None:
    return engine.spec_of(procedure).step(procedure.next_step)


def steps_of(procedure: Procedure) -> list[StepRow]:
    """Each step of the procedure's kind in order, with its record if done."""
    done = {s.step: s for s in procedure.steps.select_related("done_by", "income_check")}
    return [
        StepRow(spec, done.get(spec.key), spec.key == procedure.next_step)
        for spec in engine.spec_of(procedure).steps
    ]


def may_do(user, procedure: Procedure, spec: engine.StepSpec | None) -> bool:
    """Whether ``user`` may record the awaited step (as the services decide)."""
    return spec is not None and may_act(
        user, procedure.household_id, spec.capability, by_paired_helper=spec.by_paired_helper
    )


@dataclass(frozen=True)
class ChecklistRow:
    """One checklist item as a page shows it: its label and definition, and its result."""

    item: engine.ChecklistItem
    passed: bool
    evidence: str


def checklist_now(spec: engine.ProcedureSpec, household: Household, day: datetime.date):
    """Each item of the kind's checklist for the household on the day, evaluated now."""
    return [
        ChecklistRow(r.item, r.finding.passed, r.finding.evidence)
        for r in spec.checked(household, day)
    ]


def checklist_stored(procedure: Procedure) -> list[ChecklistRow]:
    """The checklist as the procedure last checked it (at its start, then the decision)."""
    return [
        ChecklistRow(item, bool(row.get("passed")), str(row.get("evidence", "")))
        for item, row in engine.checked_items(engine.spec_of(procedure), procedure.checklist)
    ]


def procedure_page(user, procedure: Procedure) -> dict:
    today = timezone.localdate()
    awaited = awaited_step(procedure)
    spec = engine.spec_of(procedure)
    running = procedure.state == ProcedureState.RUNNING
    return {
        "checklist": checklist_stored(procedure),
        # While it runs, the list as it stands today: what the county's decision will find.
        "checklist_today": checklist_now(spec, procedure.household, today)
        if running and spec.checklist
        else [],
        "today": today,
        "procedure": procedure,
        "spec": engine.spec_of(procedure),
        "steps": steps_of(procedure),
        "awaited": awaited,
        "may_do": may_do(user, procedure, awaited),
        "late": procedure.is_late(today),
        "notice": notice_step(procedure),
        "risk_types": list(procedure.risk_types.all()),
        "alerts": list(procedure.alerts.order_by("raised_on", "pk")),
    }


def notice_step(procedure: Procedure) -> Step | None:
    """The village review's step that posted the public notice (公示), if it did."""
    return procedure.steps.exclude(notice_until=None).select_related("done_by").first()


def may_handle(user, household: Household) -> bool:
    return may_act(user, household.pk, Capability.HANDLE_ALERTS)


def household_section(user, household: Household) -> dict:
    """The household page's monitoring section (see ``registry.sections``): its open alerts
    and its running (or latest) procedure."""
    today = timezone.localdate()
    procedure = Procedure.objects.filter(household=household).order_by("-started_on", "-pk").first()
    open_alerts = list(
        Alert.objects.filter(household=household, state=AlertState.OPEN)
        .select_related("member", "helper")
        .order_by("due_on", "pk")
    )
    return {
        "household": household,
        "alerts": [(a, a.is_overdue(today)) for a in open_alerts],
        "procedure": procedure,
        "awaited": awaited_step(procedure) if procedure else None,
        "late": procedure.is_late(today) if procedure else False,
        "may_handle": may_handle(user, household),
        "may_check_income": may_act(user, household.pk, Capability.MONITORING_HOME),
        "may_start": startable_for(user, household),
        "risk_code": risk_codes(user, [household])[household.pk],
        "risk_code_definition": RISK_CODE_DEFINITION,
        "assistance": assistance_of(household, today),
    }


# The page that starts each kind the household page may start.
START_ROUTES = {"risk_clearing": "monitoring:start_clearing", "exit": "monitoring:start_exit"}


def startable_for(user, household: Household) -> list[tuple[engine.ProcedureSpec, str]]:
    """The kinds the user may start from the household's page now, with their start page:
    their capability, and the household's status allows it (the checklist is shown on the
    start page, not judged here)."""
    return [
        (spec, reverse(START_ROUTES[spec.kind], args=[household.pk]))
        for spec in engine.STARTABLE
        if spec.may_start(household) is None and may_start(user, household.pk, spec)
    ]


def start_page(user, household: Household, spec: engine.ProcedureSpec) -> dict:
    """What the start page shows before starting: each item's result and evidence today,
    whether the household's status allows it, and a running procedure of the kind."""
    today = timezone.localdate()
    checklist = checklist_now(spec, household, today)
    return {
        "household": household,
        "spec": spec,
        "checklist": checklist,
        "all_pass": all(row.passed for row in checklist),
        "status_refusal": spec.may_start(household),
        "running": Procedure.objects.filter(
            household=household, state=ProcedureState.RUNNING
        ).first(),
        "may_start": may_start(user, household.pk, spec),
        "today": today,
    }


def income_checks_of(household: Household) -> QuerySet[IncomeCheck]:
    """The household's income checks (收入核查), newest first (read within the reader's places:
    the household was)."""
    return household.income_checks.select_related("recorded_by", "step").order_by(
        "-assessed_on", "-pk"
    )


def helper_alerts(user) -> dict | None:
    """A pair helper's home, first: the open alerts of the households paired with them now,
    by their deadline; None for anyone else."""
    if not user.is_pair_helper():
        return None
    mine = Pairing.objects.filter(helper__user=user, ended_on=None).values("household_id")
    today = timezone.localdate()
    rows = list(
        Alert.objects.visible_to(user)
        .filter(household_id__in=mine, state=AlertState.OPEN)
        .select_related("household", "region", "member")
        .order_by("due_on", "pk")[:20]
    )
    return {"alerts": [(a, a.is_overdue(today)) for a in rows], "today": today}


def notice_of(procedure: Procedure, step: Step) -> dict:
    """What the village's public notice (公示) prints: the household by its head and place,
    its size, what the checks found, the notice's days and where to object. No ID number:
    the notice hangs on the village's wall."""
    household = procedure.household
    members = household.members.filter(left_on=None)
    home_check = procedure.steps.filter(step="home_check").first()
    spec = engine.spec_of(procedure)
    name = household_names([household])[household.pk]
    return {
        "procedure": procedure,
        "heading": str(spec.notice_heading) % {"place": name.place},
        "proposal": str(spec.notice_proposal) % {"review": step.done_on.isoformat()},
        "checklist": checklist_stored(procedure),
        "step": step,
        "household": household,
        "name": name,
        "size": members.count(),
        "found": [a.summary for a in procedure.alerts.order_by("raised_on", "pk")],
        "home_check": home_check,
        "income_check": IncomeCheck.objects.filter(step=home_check).first() if home_check else None,
        "township": Region.objects.filter(pk=township_code(procedure.region_id)).first(),
    }


def villages_to_report_from() -> list[tuple[str, list[tuple[str, str]]]]:
    """The villages the system holds, grouped "county · township" for the public page's one
    select (works without script): the place tree county → township → village."""
    rows = Region.objects.filter(level=RegionLevel.VILLAGE).select_related("parent__parent")
    groups: dict[str, list[tuple[str, str]]] = {}
    for village in rows.order_by("code"):
        township = village.parent
        county = township.parent if township else None
        label = " · ".join(p.name for p in (county, township) if p is not None)
        groups.setdefault(label, []).append((village.code, village.name))
    return list(groups.items())


def self_reports(user, state: str = "", receipt: str = "") -> QuerySet[SelfReport]:
    """Self-reports from the villages of the user's places (a township's officers see their
    township's), open ones first, newest first; with ``receipt``, the one of that number."""
    rows = SelfReport.objects.visible_to(user).select_related("region", "kind")
    if state:
        rows = rows.filter(state=state)
    if params.text(receipt, field="receipt", most=32):
        found = self_report_by_receipt(user, receipt)
        rows = rows.filter(pk=found.pk if found else None)
    return rows.order_by("-state", "-reported_at", "-pk")


def self_report_for(user, report_id: int) -> SelfReport:
    return get_visible_or_404(
        SelfReport.objects.select_related("region", "kind", "alert", "handled_by"),
        user,
        pk=report_id,
    )


def self_report_by_receipt(user, receipt: str) -> SelfReport | None:
    """The report with this receipt number (回执号) within the user's places, for answering a
    caller who quotes it; spaces and dashes typed around the digits do not matter."""
    digits = "".join(c for c in str(receipt or "") if c.isdigit())
    if not 6 <= len(digits) <= 15:
        return None
    return SelfReport.objects.visible_to(user).filter(receipt=f"{digits[:5]}-{digits[5:]}").first()


def may_handle_report(user, report: SelfReport) -> bool:
    """Whether ``user`` may answer a self-report (the township's, or the county office's)."""
    return (
        report.state == SelfReportState.OPEN
        and user.is_authenticated
        and user.has_capability(Capability.MONITORING_TOWNSHIP)
    )


REPORT_CANDIDATES = 20  # households offered at once: the search narrows them


def report_households(user, report: SelfReport, search: str) -> list[tuple[Household, Any]]:
    """The households of the report's village the user sees, to choose the one it concerns:
    by the head's (or a member's) name, or by the household number's first digits; each with
    how its helper knows it (``household_names``)."""
    search = params.text(search, field="q", most=50).strip()
    filters = HouseholdFilters(region_code=report.region_id)
    if search.isdigit():
        filters = HouseholdFilters(region_code=report.region_id, number=search)
    elif search:
        filters = HouseholdFilters(region_code=report.region_id, name=search)
    rows = list(households(user, filters)[:REPORT_CANDIDATES])
    names = household_names(rows)
    return [(household, names[household.pk]) for household in rows]


def phone_pages(user) -> list[str]:
    """The monitoring pages a pair helper's phone keeps (``visits.offline``): the open alerts
    and running procedures of the households paired with them now, so that the home check
    is recorded at the household without a network."""
    if not user.is_pair_helper():
        return []
    mine = Pairing.objects.filter(helper__user=user, ended_on=None).values("household_id")
    alerts = Alert.objects.filter(household_id__in=mine, state=AlertState.OPEN)
    running = Procedure.objects.filter(household_id__in=mine, state=ProcedureState.RUNNING)
    return [
        *(reverse("monitoring:alert", args=[pk]) for pk in alerts.values_list("pk", flat=True)),
        *(
            reverse("monitoring:procedure", args=[pk])
            for pk in running.values_list("pk", flat=True)
        ),
    ]


def kept_on_phone(user, household_id: int) -> bool:
    """Whether a page of this household is one of the user's own phone pages (their paired
    household's): kept for offline use; an office's view of it is not."""
    return user.is_pair_helper() and may_act(user, household_id, Capability.HANDLE_ALERTS)


# ---------------------------------------------------------------------------------------------
# Figures (指标), counted from the records: the definitions that ``reports`` keeps in its
# place roll-ups (``monitoring.rollups``) and checks against.


def median(days: dict[int, int]) -> float | None:
    """The median of a histogram (value → how many), None when it is empty."""
    n = sum(days.values())
    if not n:
        return None
    ordered = sorted(days.items())

    def nth(k: int) -> int:
        seen = 0
        for value, count in ordered:
            seen += count
            if seen > k:
                return value
        return ordered[-1][0]

    return (nth((n - 1) // 2) + nth(n // 2)) / 2


def decision_days(
    user, within: Region | None, first: datetime.date, last: datetime.date
) -> dict[int, int]:
    """Days from the first alert (or the start, without one) to the county's decision, of the
    identifications decided from ``first`` to ``last``: days → identifications."""
    from django.db.models import Min

    found: dict[int, int] = {}
    for ended, alerted, started in (
        Procedure.objects.visible_to(user, within)
        .filter(
            kind=ProcedureKind.IDENTIFICATION,
            state=ProcedureState.PASSED,
            ended_on__gte=first,
            ended_on__lte=last,
        )
        .annotate(first_alert=Min("alerts__raised_on"))
        .values_list("ended_on", "first_alert", "started_on")
    ):
        days = (ended - (alerted or started)).days
        found[days] = found.get(days, 0) + 1
    return found


def figures_from_records(
    user, within: Region | None, first: datetime.date, last: datetime.date, on: datetime.date
) -> dict[str, Any]:
    """The monitoring indicators under a place, counted from the records: flows from
    ``first`` to ``last``, open and overdue judged on ``on``, the rule of assistance as in
    force today (as the roll-ups hold it)."""
    today = timezone.localdate()
    alerts = Alert.objects.visible_to(user, within)
    closed = alerts.exclude(state=AlertState.OPEN).filter(closed_on__gte=first, closed_on__lte=last)
    verified = closed.count()
    on_time = closed.filter(closed_on__lte=models.F("due_on")).count()
    passed = Procedure.objects.visible_to(user, within).filter(
        state=ProcedureState.PASSED, ended_on__gte=first, ended_on__lte=last
    )
    households = Household.objects.visible_to(user, within).filter(closed_on=None)
    monitored = households.filter(status=HouseholdStatus.MONITORED)
    able = monitored.filter(able_to_work_q(today)).count()
    developing = monitored.filter(able_to_work_q(today) & developmental_q(today)).count()
    cleared = households.filter(status=HouseholdStatus.RISK_CLEARED).count()
    days = decision_days(user, within, first, last)
    decided = sum(days.values())
    return {
        "alerts_raised": alerts.filter(raised_on__gte=first, raised_on__lte=last).count(),
        "alerts_verified": verified,
        "alerts_on_time": on_time,
        "alerts_on_time_rate": on_time / verified if verified else None,
        "alerts_open": alerts.filter(state=AlertState.OPEN).count(),
        "alerts_overdue": alerts.filter(overdue_q(on)).count(),
        "households_identified": passed.filter(kind=ProcedureKind.IDENTIFICATION).count(),
        "decision_days_average": sum(d * n for d, n in days.items()) / decided if decided else None,
        "decision_days_median": median(days),
        "monitored_able": able,
        "monitored_developing": developing,
        "developing_share": developing / able if able else None,
        "social_security": households.filter(social_security_q(today)).count(),
        "risk_cleared": passed.filter(kind=ProcedureKind.RISK_CLEARING).count(),
        "clearing_rate": cleared / (cleared + monitored.count())
        if cleared + monitored.count()
        else None,
        "exits_verified": passed.filter(kind=ProcedureKind.EXIT).count(),
    }


# ---------------------------------------------------------------------------------------------
# The early-warning rules (预警规则) at a place, and their runs (预警规则运行).


@dataclass(frozen=True)
class RuleAt:
    """An early-warning rule at a place on a day: its switch and its numbers, each the policy
    in force there with where it comes from (the policies are the rules' data)."""

    rule: rules.Rule
    switch: RuleAtPlace
    parameters: list[RuleAtPlace]

    @property
    def on(self) -> bool:
        return bool(self.switch.effective.value)

    @property
    def all_policies(self) -> list[RuleAtPlace]:
        """The switch, then the numbers: every policy the rule reads."""
        return [self.switch, *self.parameters]


def alert_rules_at(user, region: Region, on: datetime.date | None = None) -> list[RuleAt]:
    """Each early-warning rule at ``region`` on ``on`` (default today), in one read of the
    policies."""
    at = {
        row.spec.key: row for row in policies_at(user, region, keys=rules.parameter_keys(), on=on)
    }
    return [
        RuleAt(rule, at[rule.switch], [at[key] for key in rule.parameters])
        for rule in rules.RULES.values()
    ]


def rule_choices() -> list[tuple[str, Any]]:
    """The early-warning rules by code and name, for a filter."""
    return [(code, rule.name) for code, rule in rules.RULES.items()]


def viewer_place(user) -> Region | None:
    """The place a page shows when none is named: the highest the user holds."""
    return top_places(user).order_by("level", "code").first()


def rule_runs(user) -> QuerySet[RuleRun]:
    """The runs a user may read of, newest first: over everything (nightly, or the households
    an import wrote), over a place above theirs, or within their places. A run over another
    county is not theirs to know of. A run is not regional; what it raised in the user's
    places is counted through their alerts (``run_counts``)."""
    above = {code for place, _level in user.held_places() for code in ancestor_codes(place)}
    return (
        RuleRun.objects.filter(Q(place=None) | Q(place_id__in=above) | scope_q(user, "place_id"))
        .select_related("place", "started_by")
        .order_by("-started_at", "-pk")
    )


@dataclass(frozen=True)
class RunCounts:
    """What a run raised in a user's places: alerts, households, alerts by rule code."""

    alerts: int = 0
    households: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)

    def rules(self) -> list[tuple[rules.Rule, int]]:
        return [
            (rule, self.by_rule[code]) for code, rule in rules.RULES.items() if code in self.by_rule
        ]


def run_counts(user, runs: Sequence[RuleRun]) -> dict[int, RunCounts]:
    """Of each run, what it raised in the user's places, counted through the alerts they see
    (two queries for a page of runs). The run's own totals (``RuleRun.alerts``, ``by_rule``)
    are over its whole scope, which a township's reader may not see."""
    raised = Alert.objects.visible_to(user).filter(fired_records__run__in=[r.pk for r in runs])
    by_rule: dict[int, dict[str, int]] = {}
    for run, code, n in (
        raised.values_list("fired_records__run", "rule_code")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    ):
        by_rule.setdefault(run, {})[code] = n
    households = dict(
        raised.values_list("fired_records__run")
        .annotate(n=Count("household", distinct=True))
        .order_by()
    )
    return {
        run.pk: RunCounts(
            sum(by_rule.get(run.pk, {}).values()),
            households.get(run.pk, 0),
            by_rule.get(run.pk, {}),
        )
        for run in runs
    }


def rule_run_for(user, run_id: int) -> RuleRun | None:
    return rule_runs(user).filter(pk=run_id).first()


def rule_run_places(user) -> list[tuple[str, str]]:
    """The places a county office may run the rules over: theirs and those directly under."""
    listed = []
    for top in top_places(user).order_by("code"):
        listed += [(top.code, top.name)] + [
            (child.code, f"{top.name} · {child.name}") for child in children_of(user, top)
        ]
    return listed
