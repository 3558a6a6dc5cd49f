"""Reads for the dashboard and the documents: the indicators' values under a place for a
period, per sub-place for drilling down, and the series the charts draw.

Every figure comes from the place roll-ups (``reports.PlaceStock``, ``PlaceMonth``): a page
reads the rows of the places it shows, whatever their households. ``source_figures`` counts
the same from the records themselves, for the tests and the benchmark that check both
agree.
"""

import copy
import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.accounts.selectors import account_policy
from bangfu.checks import rollups as check_rollups
from bangfu.checks.selectors import reports as checks
from bangfu.core.errors import OutOfScope
from bangfu.core.models import Code, Region
from bangfu.core.params import add_months, months_between, months_from
from bangfu.core.policies import policy_for
from bangfu.core.selectors import outermost, places_listed, top_places
from bangfu.health import selectors as health
from bangfu.health.models import Activity, ActivityKind
from bangfu.monitoring import selectors as monitoring
from bangfu.monitoring.models import AlertSource, ProcedureKind
from bangfu.pairing.models import Pairing
from bangfu.pairing.selectors import Coverage, coverage, paired_households
from bangfu.plans import selectors as plans
from bangfu.projects import rollups as project_rollups
from bangfu.projects.models import Stage
from bangfu.projects.selectors import figures as projects
from bangfu.registry.models import Household, HouseholdStatus
from bangfu.supervision.models import SupervisionMonth
from bangfu.supervision.rollups import SupervisionFigures
from bangfu.supervision.selectors import figures as supervision
from bangfu.teams import rollups as team_rollups
from bangfu.teams.models import DayStatus, Meeting, MeetingTask, Team, TeamMember
from bangfu.teams.residence_rules import AllResidenceRules
from bangfu.visits import selectors as visits
from bangfu.visits.models import Problem, Visit, VisitKind
from bangfu.visits.rollups import next_month
from bangfu.visits.schedule import Schedules, month_schedule

from . import rollups
from .indicators import BLOCKS, INDICATORS
from .models import HandbookJob, PlaceHelper, PlaceMonth, PlaceStock
from .rollups import FLOWS

TREND_MONTHS = 6


@dataclass(frozen=True)
class Period:
    """Whole months, from ``first`` to ``last`` (both the first day of their month)."""

    first: datetime.date
    last: datetime.date

    @cached_property
    def months(self) -> list[datetime.date]:
        return months_from(self.first, self.last)

    @property
    def label(self) -> str:
        if self.first == self.last:
            return f"{self.first:%Y-%m}"
        return f"{self.first:%Y-%m} – {self.last:%Y-%m}"

    @property
    def end(self) -> datetime.date:
        """The period's last day, or today while it is still running."""
        return min(timezone.localdate(), next_month(self.last) - datetime.timedelta(days=1))


def most_months(user, within: Region | None) -> int:
    """How many months a period may cover: the rule ``reports.max_months`` of the place shown,
    or of the user's own place. Every month is more roll-up rows to read and add up."""
    if within:
        return policy_for(within.code, "reports.max_months")
    return account_policy(user.get_username(), "reports.max_months")


def period_of(user, within: Region | None, first: datetime.date, last: datetime.date) -> Period:
    """The months ``first`` to ``last`` (in order, as ``core.params.month_range`` gives them),
    cut to their last ``most_months``: one subtraction, whatever the span asked for."""
    most = most_months(user, within)
    if months_between(first, last) > most:
        first = add_months(last, 1 - most)
    return Period(first, last)


def handbook_jobs_of(user, region: Region) -> list[HandbookJob]:
    """The asker's latest handbook jobs for a village, to come back to one still running."""
    return list(HandbookJob.objects.filter(owner=user, region=region).order_by("-pk")[:5])


def handbook_job_for(user, job_id: int) -> HandbookJob:
    """A village's handbooks job, for the person who asked for it only."""
    job = HandbookJob.objects.select_related("region").filter(owner=user, pk=job_id).first()
    if job is None:
        raise OutOfScope()
    return job


def _flows(parts: list[visits.Compliance]) -> dict[str, Any]:
    return {name: sum((getattr(p, name) for p in parts), start=0) for name in FLOWS}


@dataclass
class Rolled:
    """The roll-up rows of one or more places added up: where they stand, and their months."""

    stock: PlaceStock = field(default_factory=PlaceStock)
    months: dict[datetime.date, PlaceMonth] = field(default_factory=dict)
    # Supervision's month rows, of every month up to the period's last (findings overdue
    # are those of any month before the day judged).
    supervision: dict[datetime.date, SupervisionMonth] = field(default_factory=dict)

    def add(self, other: "Rolled") -> None:
        rollups.add(self.stock, other.stock)
        for month, row in other.months.items():
            rollups.add(self.months.setdefault(month, PlaceMonth(month=month)), row)
        for month, kept in other.supervision.items():
            rollups.add(self.supervision.setdefault(month, SupervisionMonth(month=month)), kept)

    def month(self, month: datetime.date) -> PlaceMonth:
        return self.months.get(month) or PlaceMonth(month=month)

    def compliance(self, month: datetime.date, schedules: Schedules) -> visits.Compliance:
        """The month's visit figures; the schedule figures count every paired household
        under a rule place, those without a visit too, against that place's schedule."""
        row = self.month(month)
        figures = visits.Compliance(**{name: getattr(row, name) for name in FLOWS})
        on = visits.judged_on(month)
        for place, paired in self.stock.scheduled.items():
            schedule = schedules(place, month)
            counts = Counter(
                {int(home): n for home, n in row.home_visits_of_scheduled.get(place, {}).items()}
            )
            counts[0] += paired - counts.total()
            expected = schedule.expected_by(on)
            figures.households += paired
            figures.compliant += sum(n for home, n in counts.items() if home >= schedule.minimum)
            figures.behind += sum(n for home, n in counts.items() if home < expected)
            figures.fixed_days += paired * sum(1 for day in schedule.fixed.dates if day <= on)
            figures.fixed_days_met += row.fixed_days_met.get(place, 0)
        return figures


def _rolled(user, places: list[Region], months: list[datetime.date]) -> dict[str, Rolled]:
    """Each place's roll-up rows for the months, brought up to the last write first."""
    rollups.catch_up()
    codes = [place.code for place in places]
    found = {code: Rolled() for code in codes}
    for stock in PlaceStock.objects.visible_to(user).filter(region_id__in=codes):
        found[stock.region_id].stock = stock
    for row in PlaceMonth.objects.visible_to(user).filter(region_id__in=codes, month__in=months):
        found[row.region_id].months[row.month] = row
    for kept in SupervisionMonth.objects.visible_to(user).filter(
        region_id__in=codes, month__lte=max(months)
    ):
        found[kept.region_id].supervision[kept.month] = kept
    return found


def _total(user, within: Region | None, months: list[datetime.date]) -> Rolled:
    """Everything under ``within``, or under all the user's places, for the months."""
    places = [within] if within else outermost(list(top_places(user)))
    total = Rolled()
    parts = _rolled(user, places, months)
    for part in parts.values():
        total.add(part)
    # Helpers are not added up: one serving households in two of the places counts once.
    if len(parts) == 1:
        total.stock.helpers = next(iter(parts.values())).stock.helpers
    else:
        total.stock.helpers = (
            PlaceHelper.objects.visible_to(user)
            .filter(region_id__in=list(parts))
            .values("helper_id")
            .distinct()
            .count()
        )
    return total


@dataclass
class Figures:
    """The indicators' values under one place (or all the user's places) for a period."""

    user: Any
    within: Region | None
    period: Period
    # One look-up of each place's rules a month for the whole page (figures, drill-down,
    # trend): a period of n months costs n look-ups a rule place, not 3n.
    schedules: Schedules = field(default_factory=Schedules)
    residence: AllResidenceRules = field(default_factory=AllResidenceRules)
    checkup_rules: "CheckupRules" = field(default_factory=lambda: CheckupRules())

    @cached_property
    def _rolled(self) -> Rolled:
        return _total(self.user, self.within, self.period.months)

    @cached_property
    def by_status(self) -> list[tuple[str, int]]:
        counts = self._rolled.stock.by_status
        return [
            (str(label), counts[value])
            for value, label in HouseholdStatus.choices
            if counts.get(value)
        ]

    def _by_code(self, attribute: str, kind: str) -> list[tuple[str, int]]:
        counts = {int(pk): n for pk, n in getattr(self._rolled.stock, attribute).items() if n}
        codes = Code.objects.filter(pk__in=list(counts), kind=kind)
        ordered = sorted(codes, key=lambda code: (code.sort_order, code.value))
        return [(code.label, counts[code.pk]) for code in ordered]

    @cached_property
    def by_cause(self) -> list[tuple[str, int]]:
        return self._by_code("by_cause", "poverty_cause")

    @cached_property
    def by_attribute(self) -> list[tuple[str, int]]:
        return self._by_code("by_attribute", "household_attribute")

    @cached_property
    def by_monitoring_type(self) -> list[tuple[str, int]]:
        return self._by_code("by_monitoring_type", "monitoring_type")

    @cached_property
    def coverage(self) -> Coverage:
        return Coverage(self._rolled.stock.needing, self._rolled.stock.covered)

    @cached_property
    def months(self) -> list[visits.Compliance]:
        return [self._rolled.compliance(month, self.schedules) for month in self.period.months]

    @cached_property
    def values(self) -> dict[str, Any]:
        last = self.months[-1]
        stock = self._rolled.stock
        return {
            "households": stock.households,
            "monitored": stock.by_status.get(HouseholdStatus.MONITORED, 0),
            "coverage": self.coverage.rate,
            "helpers": stock.helpers,
            "compliance": last.on_track / last.households if last.households else None,
            "behind": last.behind,
            **_flows(self.months),
            **team_values(self._rolled, self.period, self.residence),
            **health_values(self._rolled, self.period, self.checkup_rules),
            **plan_values(self._rolled, self.period),
            **monitoring_values(self._rolled, self.period),
            **check_values(self._rolled, self.period),
            **project_values(self._rolled, self.period),
            **supervision_values(self._rolled, self.period),
        }

    @cached_property
    def supervision(self) -> SupervisionFigures:
        return supervision_figures(self._rolled, self.period)

    @property
    def satisfaction_min(self) -> int | None:
        """The rule the satisfaction rate is held against, at the place shown (or the
        user's first place) on the day judged."""
        anchor = self.within or top_places(self.user).first()
        return supervision.satisfaction_min(anchor, self.period.end) if anchor else None

    @cached_property
    def supervision_tables(self) -> dict[str, list[tuple[str, Any]]]:
        """The supervision block's tables: findings of the period by category, and the
        average published score by level."""
        found = self.supervision
        return {
            "by_category": supervision.by_category(found),
            "averages": [(label, points) for _level, label, points in found.averages()],
        }

    @cached_property
    def project_tables(self) -> dict[str, Any]:
        """The projects block's tables: projects of the year judged by kind and stage, its
        funds by source (each leading to its ledger entries), outputs by kind with units."""
        found = project_figures(self._rolled, self.period)
        place = self.within.code if self.within else ""
        outputs = projects.labels("output_kind")
        return {
            "year": found.year,
            "stages": Stage.choices,
            "by_kind": projects.kind_rows(found.by_kind),
            "by_source": projects.coded_rows(
                found.funds_by_source, "fund_source", place=place, year=found.year
            ),
            "outputs": [
                (code.label, found.outputs[value], code.unit)
                for value, code in outputs.items()
                if found.outputs.get(value)
            ],
        }

    @cached_property
    def check_tables(self) -> dict[str, list[tuple[str, dict[str, int]]]]:
        """The check's tables: the period's differences by classification and by field
        (found, fixed, closed by hand over the period; open on the day judged)."""
        figures = check_figures(self._rolled, self.period)
        return {"by_class": figures.by_class(), "by_field": figures.by_field()}

    @cached_property
    def monitoring_tables(self) -> dict[str, list[tuple[str, int]]]:
        """The monitoring block's tables: the period's alerts by source and by rule, and the
        households identified by monitoring type and by risk type."""
        flows = monitoring_flows(self._rolled, self.period)
        sources = flows.get("raised", {})
        return {
            "by_source": [
                (str(label), sources[value])
                for value, label in AlertSource.choices
                if value in sources
            ],
            "by_rule": sorted(flows.get("by_rule", {}).items()),
            "by_type": self._coded(flows.get("identified_type", {}), "monitoring_type"),
            "by_risk": self._coded(flows.get("identified_risk", {}), "risk_type"),
        }

    def _coded(self, counts: dict[str, int], kind: str) -> list[tuple[str, int]]:
        codes = Code.objects.filter(pk__in=[int(pk) for pk in counts], kind=kind)
        ordered = sorted(codes, key=lambda code: (code.sort_order, code.value))
        return [(code.label, counts[str(code.pk)]) for code in ordered]

    @cached_property
    def measures_by_kind(self) -> list[tuple[str, int]]:
        return self._by_code("measures_by_kind", "plan_measure")

    @cached_property
    def activities(self) -> dict[str, dict[str, int]]:
        """The period's health activities by kind: {kind: {"n", "served"}}, every kind."""
        return activities_of(self._rolled, self.period)

    @property
    def members_signed(self) -> int:
        """Members with a valid family-doctor contract on the day judged."""
        return on_day(self._rolled.stock.health_signed, self.period.end)

    @property
    def checkup_definition(self) -> str:
        """The check-up rate's definition for the place and the day judged, in words."""
        place = self.within.name if self.within else _("all my places")
        return health.checkup_definition(str(place), self.period.end)

    def rows(self) -> list[tuple[Any, Any]]:
        """(indicator, value) in the registry's order."""
        return [(INDICATORS[key], self.values[key]) for key in INDICATORS]

    def blocks(self) -> list[tuple[str, Any, list[tuple[Any, Any]]]]:
        """The dashboard's blocks (households and visits, resident work teams, health,
        household plans): key, title and each (indicator, value) in the registry's order."""
        return [
            (block, title, [(i, value) for i, value in self.rows() if i.block == block])
            for block, title in BLOCKS.items()
        ]


# ---------------------------------------------------------------------------------------------
# Resident work teams: the figures read from the place roll-ups' maps against the day judged

ROLE_FIGURES = {"1": "team_leaders", "2": "first_secretaries", "3": "liaisons", "4": "team_members"}
TEAM_FLOWS = ["leave_days", "meetings"]


def _covers(term: str, first: datetime.date, last: datetime.date) -> bool:
    """A term keyed "start|end" covers every day from ``first`` to ``last``."""
    start, _bar, end = term.partition("|")
    return start <= first.isoformat() and (not end or end >= last.isoformat())


def _judged(key: str, on: datetime.date) -> tuple[int, bool]:
    """A residence histogram key "days" or "days|day of the end": the days counted, and
    whether the member is still in post on ``on`` (the end's day not before it)."""
    days, _bar, end = key.partition("|")
    return int(days), not end or int(end) >= on.day


@dataclass
class Residence:
    judged: int = 0  # members in post from the month's first day to the day judged
    met: int = 0  # of them, with the days expected by that day

    @property
    def short(self) -> int:
        return self.judged - self.met

    @property
    def rate(self) -> float | None:
        return self.met / self.judged if self.judged else None


def residence_of(rolled: Rolled, month: datetime.date, rules: AllResidenceRules) -> Residence:
    """The month's residence figures: members judged (from the standing's terms), and how
    many have the days expected by the day judged (from the month's histograms, against the
    rules of each rule place for the month); a member without a month roll-up has no day."""
    on, found = visits.judged_on(month), Residence()
    if on < month:
        return found
    row = rolled.month(month)
    for place, roles in rolled.stock.members_by_term.items():
        judged = sum(
            n for terms in roles.values() for term, n in terms.items() if _covers(term, month, on)
        )
        if not judged:
            continue
        rule = rules(place, month)
        expected = rule.expected_by(month, on)
        counted, with_days = 0, 0
        for key, n in row.residence.get(place, {}).get(rule.combination, {}).items():
            days, judged_now = _judged(key, on)
            if judged_now:
                with_days += n
                counted += n if days >= expected else 0
        found.judged += judged
        found.met += counted + (judged - with_days if expected <= 0 else 0)
    return found


def team_values(rolled: Rolled, period: Period, rules: AllResidenceRules) -> dict[str, Any]:
    """The teams' indicators for a period from roll-up rows added up: those that stand as on
    the period's last day (today while it runs), residence in its last month, and leave and
    meetings over its months."""
    on, stock = period.end, rolled.stock
    roles: Counter[str] = Counter()
    for by_role in stock.members_by_term.values():
        for role, terms in by_role.items():
            roles[role] += sum(n for term, n in terms.items() if _covers(term, on, on))
    residence = residence_of(rolled, period.last, rules)
    return {
        "teams": sum(n for term, n in stock.teams_by_term.items() if _covers(term, on, on)),
        **{name: roles[role] for role, name in ROLE_FIGURES.items()},
        "residence_compliance": residence.rate,
        "members_short": residence.short,
        **{
            name: sum(getattr(rolled.month(month), name) for month in period.months)
            for name in TEAM_FLOWS
        },
        "tasks_overdue": sum(n for due, n in stock.open_tasks.items() if due < on.isoformat()),
    }


# ---------------------------------------------------------------------------------------------
# Health and household plans: timelines of the place roll-ups read on the day judged


class CheckupRules:
    """The work statuses the check-up rate leaves out at a rule place on a day
    (``health.selectors.excluded_statuses``), looked up once a page."""

    def __init__(self) -> None:
        self.found: dict[tuple[str, datetime.date], frozenset[str]] = {}

    def __call__(self, place: str, day: datetime.date) -> frozenset[str]:
        if (place, day) not in self.found:
            self.found[place, day] = health.excluded_statuses(place, day)
        return self.found[place, day]


def on_day(timeline: dict[str, int], day: datetime.date) -> int:
    """A timeline's count on ``day``: its members in (+) and out (−) up to that day."""
    return sum(n for key, n in timeline.items() if key <= day.isoformat())


def activities_of(rolled: Rolled, period: Period) -> dict[str, dict[str, int]]:
    found = {kind: {"n": 0, "served": 0} for kind in ActivityKind.values}
    for month in period.months:
        held = rolled.month(month).activities
        for kind, counts in held.items():
            for name, n in counts.items():
                found.setdefault(kind, {"n": 0, "served": 0})[name] += n
    return found


def health_values(rolled: Rolled, period: Period, rules: CheckupRules) -> dict[str, Any]:
    """The health indicators from roll-up rows added up: members as they stand on the
    period's last day (today while it runs), the check-up rate of that day's year against
    each rule place's rules of that day, follow-ups and activities over its months."""
    on, stock = period.end, rolled.stock
    present = counted = 0
    for place, statuses in stock.health_present.items():
        left_out = rules(place, on)
        for status, timeline in statuses.items():
            n = on_day(timeline, on)
            present += n
            counted += 0 if status and status in left_out else n
    checked = 0
    for place, statuses in stock.health_checked.get(str(on.year), {}).items():
        left_out = rules(place, on)
        checked += sum(
            on_day(timeline, on)
            for status, timeline in statuses.items()
            if not (status and status in left_out)
        )
    signed = on_day(stock.health_signed, on)
    months = [rolled.month(month) for month in period.months]
    activities = activities_of(rolled, period).values()
    return {
        "signing_rate": signed / present if present else None,
        "unsigned": present - signed,
        "checkup_rate": checked / counted if counted else None,
        "checked": checked,
        "members_ill": on_day(stock.health_ill, on),
        "follow_ups_done": sum(row.follow_ups_done for row in months),
        "follow_ups_due": sum(row.follow_ups_due for row in months),
        "follow_ups_overdue": sum(
            n for due, n in stock.follow_ups_open.items() if due < on.isoformat()
        ),
        "health_activities": sum(counts["n"] for counts in activities),
        "people_served": sum(counts["served"] for counts in activities),
    }


def plan_values(rolled: Rolled, period: Period) -> dict[str, Any]:
    """The household plans' indicators: as they stand, measures overdue on the day judged
    (``plans.selectors.overdue_q`` of that day)."""
    on, stock = period.end, rolled.stock
    return {
        "households_with_plan": stock.planned_households,
        "measures": sum(stock.measures_by_kind.values()),
        "measures_overdue": sum(
            n for due, n in stock.open_measures.items() if due < on.isoformat()
        ),
    }


def monitoring_flows(rolled: Rolled, period: Period) -> dict[str, Any]:
    """The monitoring maps of the period's months added up."""
    total: dict[str, Any] = {}
    for month in period.months:
        rollups.merge(total, copy.deepcopy(rolled.month(month).monitoring))
    return total


def monitoring_values(rolled: Rolled, period: Period) -> dict[str, Any]:
    """The monitoring indicators from roll-up rows added up: flows over the period's months,
    alerts overdue on the day judged, the rule of assistance as it stands
    (``monitoring.selectors.figures_from_records`` counts the same from the records)."""
    on, stock = period.end, rolled.stock.monitoring
    flows = monitoring_flows(rolled, period)
    verified, on_time = flows.get("verified", 0), flows.get("on_time", 0)
    days = {int(d): n for d, n in flows.get("decision_days", {}).items()}
    decided = sum(days.values())
    able, developing = stock.get("able", 0), stock.get("developing", 0)
    statuses = rolled.stock.by_status
    monitored = statuses.get(HouseholdStatus.MONITORED, 0)
    cleared = statuses.get(HouseholdStatus.RISK_CLEARED, 0)
    passed = flows.get("passed", {})
    return {
        "alerts_raised": sum(flows.get("raised", {}).values()),
        "alerts_verified": verified,
        "alerts_on_time": on_time,
        "alerts_on_time_rate": on_time / verified if verified else None,
        "alerts_open": sum(stock.get("alerts_open", {}).values()),
        "alerts_overdue": sum(
            n for due, n in stock.get("alerts_open", {}).items() if due < on.isoformat()
        ),
        "households_identified": passed.get(ProcedureKind.IDENTIFICATION, 0),
        "decision_days_average": sum(d * n for d, n in days.items()) / decided if decided else None,
        "decision_days_median": monitoring.median(days),
        "monitored_able": able,
        "monitored_developing": developing,
        "developing_share": developing / able if able else None,
        "social_security": stock.get("social_security", 0),
        "risk_cleared": passed.get(ProcedureKind.RISK_CLEARING, 0),
        "clearing_rate": cleared / (cleared + monitored) if cleared + monitored else None,
        "exits_verified": passed.get(ProcedureKind.EXIT, 0),
    }


def check_figures(rolled: Rolled, period: Period) -> "checks.CheckFigures":
    return check_rollups.figures_of(
        rolled.stock.checks, [rolled.month(month).checks for month in period.months], period.end
    )


def check_values(rolled: Rolled, period: Period) -> dict[str, Any]:
    """The monthly check's indicators from roll-up rows added up: differences over the
    period's months, open on the day judged, reports of the period's last month, households
    matching as they stand (``checks_from_records`` counts the same from the records)."""
    figures = check_figures(rolled, period)
    reporting = check_rollups.reporting_of(
        rolled.stock.checks, rolled.month(period.last).checks, period.last
    )
    return {
        "differences_found": figures.total("found"),
        "differences_fixed": figures.total("fixed"),
        "differences_closed": figures.total("closed"),
        "differences_open": figures.total("open"),
        "reports_on_time_rate": reporting.rate,
        "reports_missing": reporting.missing,
        "match_rate": figures.match_rate,
    }


def checks_from_records(user, within: Region | None, period: Period) -> dict[str, Any]:
    """The monthly check's indicators counted from the differences, villages and reports
    themselves (``checks.selectors.reports``), with no roll-up of any kind."""
    places = [within] if within else outermost(list(top_places(user)))
    figures = checks.CheckFigures()
    for place in places:
        scoped = checks.differences_in(user, place)
        for found in checks.counted(scoped, period.first, period.end).values():
            figures.merge(found)
    under = [
        code
        for place in places
        for code in Region.objects.visible_to(user, place).values_list("code", flat=True)
    ]
    for compared, matching in checks.matching_by_place(under).values():
        figures.compared += compared
        figures.matching += matching
    today = timezone.localdate()
    due = on_time = missing = 0
    for row in checks.village_reports(user, within, period.last, with_figures=False).rows:
        if row.report is not None or row.due_on < today:
            due += 1
            on_time += row.state == checks.ON_TIME
            missing += row.state == checks.MISSING
    return {
        "differences_found": figures.total("found"),
        "differences_fixed": figures.total("fixed"),
        "differences_closed": figures.total("closed"),
        "differences_open": figures.total("open"),
        "reports_on_time_rate": on_time / due if due else None,
        "reports_missing": missing,
        "match_rate": figures.match_rate,
    }


@dataclass
class PlaceRow:
    """One sub-place's line in the drill-down table."""

    place: Region
    households: int = 0
    coverage: float | None = None
    last: visits.Compliance = field(default_factory=visits.Compliance)
    flows: dict[str, Any] = field(default_factory=dict)
    teams: dict[str, Any] = field(default_factory=dict)  # the teams' indicators
    health: dict[str, Any] = field(default_factory=dict)  # health and plans' indicators
    projects: dict[str, Any] = field(default_factory=dict)  # projects and funds' indicators
    supervision: dict[str, Any] = field(default_factory=dict)  # supervision's indicators

    @property
    def compliance(self) -> float | None:
        return self.last.on_track / self.last.households if self.last.households else None


def place_rows(
    user, within: Region | None, period: Period, schedules: Schedules | None = None
) -> list[PlaceRow]:
    """Each place directly under ``within`` (for all the user's places, under the place they
    hold: ``core.selectors.places_listed``) with its figures, from its own roll-up rows: the
    cost follows the places listed."""
    places = places_listed(user, within)
    rolled = _rolled(user, places, period.months)
    schedules = schedules or Schedules()
    residence = AllResidenceRules()
    checkup_rules = CheckupRules()
    rows = []
    for place in places:
        mine = rolled[place.code]
        parts = [mine.compliance(month, schedules) for month in period.months]
        rows.append(
            PlaceRow(
                place,
                households=mine.stock.households,
                coverage=Coverage(mine.stock.needing, mine.stock.covered).rate,
                last=parts[-1],
                flows=_flows(parts),
                teams=team_values(mine, period, residence),
                health={
                    **health_values(mine, period, checkup_rules),
                    **plan_values(mine, period),
                    **monitoring_values(mine, period),
                    **check_values(mine, period),
                },
                projects=project_values(mine, period),
                supervision=supervision_values(mine, period),
            )
        )
    return rows


# The figures on a reader's home page, this month (the dashboard has them all).
HOME_FIGURES = ["households", "coverage", "helpers", "compliance", "visits", "problems_solved"]


def open_problems(user) -> int:
    """Follow-ups not yet solved under all the user's places: every one found less every one
    solved, from the place roll-ups of every month (no problem row is read)."""
    rollups.catch_up()
    codes = [place.code for place in outermost(list(top_places(user)))]
    totals = (
        PlaceMonth.objects.visible_to(user)
        .filter(region_id__in=codes)
        .aggregate(found=Sum("problems_found"), solved=Sum("problems_solved"))
    )
    return (totals["found"] or 0) - (totals["solved"] or 0)


def home_figures(user) -> dict | None:
    """A reader's first screen (leaders, inspectors, offices): what needs them under their
    places this month (households behind, flags, open follow-ups, each leading to its list)
    and a few of the dashboard's figures; None for anyone whose role reads no figures, or
    who holds no place yet."""
    if not (user.reads_places() and top_places(user).exists()):
        return None
    month = timezone.localdate().replace(day=1)
    figures = Figures(user, None, Period(month, month))
    return {
        "month": month,
        "behind": figures.values["behind"],
        "flags": visits.flags_lately(user),
        "open_problems": open_problems(user),
        "figures": [(INDICATORS[key], figures.values[key]) for key in HOME_FIGURES],
    }


def compliance_of_places(
    user, within: Region | None, places: list[Region], month: datetime.date
) -> tuple[visits.Compliance, list[visits.Compliance]]:
    """The month's visit figures under ``within`` (or all the user's places) and under each
    of ``places``, from the place roll-ups: what the visits app's compliance page shows
    (``visits.selectors.PlaceFigures``), at a cost that follows the places."""
    schedules = Schedules()
    total = _total(user, within, [month]).compliance(month, schedules)
    rolled = _rolled(user, places, [month])
    return total, [rolled[place.code].compliance(month, schedules) for place in places]


def visits_by_day(
    user, within: Region | None, month: datetime.date
) -> list[tuple[datetime.date, int, bool]]:
    """(day, visits, fixed day?) for every day of the month: the rhythm of the fixed days.
    The fixed days are those of the place shown (or of the user's first place)."""
    counts = _total(user, within, [month]).month(month).by_day
    anchor = within or top_places(user).first()
    fixed = set(month_schedule(anchor.code, month).fixed.dates) if anchor else set()
    days, day = [], month
    while day < next_month(month):
        days.append((day, counts.get(str(day.day), 0), day in fixed))
        day += datetime.timedelta(days=1)
    return days


def trend(
    user, within: Region | None, period: Period, schedules: Schedules | None = None
) -> list[tuple[datetime.date, int, float | None]]:
    """(month, visits, compliance) for the period's months, or the six months up to it."""
    months = period.months
    if len(months) < 2:
        months = months_from(add_months(months[-1], 1 - TREND_MONTHS), months[-1])
    rolled, schedules = _total(user, within, months), schedules or Schedules()
    found = []
    for month in months:
        figures = rolled.compliance(month, schedules)
        rate = figures.on_track / figures.households if figures.households else None
        found.append((month, figures.visits, rate))
    return found


def source_figures(user, within: Region | None, period: Period) -> dict[str, Any]:
    """Every value of ``Figures(...).values`` counted from the records themselves (households,
    pairings, helpers, visits, problems), with no roll-up of any kind: what the roll-ups
    must agree with, and what they are measured against."""
    start, end = (
        timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
        for day in (period.first, next_month(period.last))
    )
    logged = Visit.objects.visible_to(user, within).filter(
        visited_at__gte=start, visited_at__lt=end
    )
    totals = logged.aggregate(
        visits=Count("pk"),
        home_visits=Count("pk", filter=Q(kind=VisitKind.HOME)),
        jobs_found=Sum("jobs_found"),
        goods_value=Sum("goods_value"),
        money_value=Sum("money_value"),
    )
    problems = Problem.objects.visible_to(user, within)
    first, following = period.first, next_month(period.last)
    open_households = Household.objects.visible_to(user, within).filter(closed_on=None)
    return {
        "households": open_households.count(),
        "monitored": open_households.filter(status=HouseholdStatus.MONITORED).count(),
        "coverage": coverage(user, within).rate,
        "helpers": Pairing.objects.visible_to(user, within)
        .filter(ended_on=None, helper__isnull=False, household__closed_on=None)
        .values("helper_id")
        .distinct()
        .count(),
        **_schedule_from_visits(user, within, period.last),
        "visits": totals["visits"],
        "home_visits": totals["home_visits"],
        "problems_found": problems.filter(found_on__gte=first, found_on__lt=following).count(),
        "problems_solved": problems.filter(solved_on__gte=first, solved_on__lt=following).count(),
        "jobs_found": totals["jobs_found"] or 0,
        "goods_value": totals["goods_value"] or Decimal(0),
        "money_value": totals["money_value"] or Decimal(0),
        **teams_from_records(user, within, period),
        **health_from_records(user, within, period),
        **monitoring.figures_from_records(
            user,
            within,
            period.first,
            next_month(period.last) - datetime.timedelta(days=1),
            period.end,
        ),
        **checks_from_records(user, within, period),
        **projects_from_records(user, within, period),
        **supervision.figures_from_records(
            user,
            within,
            period.first,
            next_month(period.last) - datetime.timedelta(days=1),
            period.end,
        ),
    }


def health_from_records(user, within: Region | None, period: Period) -> dict[str, Any]:
    """The health and plans' indicators counted from the records by the health and plans
    selectors (the check-up rate member by member, as its page counts it), with no roll-up
    of any kind."""
    on = period.end
    following = next_month(period.last)
    last_day = following - datetime.timedelta(days=1)
    places = [within] if within else outermost(list(top_places(user)))
    rates = [health.checkup_rate(user, place, on.year, on) for place in places]
    counted, checked = sum(r.counted for r in rates), sum(r.checked for r in rates)
    present = health.members_present(user, on, within).count()
    activities = (
        Activity.objects.visible_to(user, within)
        .filter(held_on__gte=period.first, held_on__lt=following)
        .aggregate(n=Count("pk"), served=Sum("people_served"))
    )
    return {
        "signing_rate": (present - health.uncontracted(user, on, within).count()) / present
        if present
        else None,
        "unsigned": health.uncontracted(user, on, within).count(),
        "checkup_rate": checked / counted if counted else None,
        "checked": checked,
        "members_ill": health.members_ill(user, on, within).count(),
        "follow_ups_done": health.follow_ups_done(user, period.first, last_day, within).count(),
        "follow_ups_due": health.follow_ups_due(user, period.first, last_day, within),
        "follow_ups_overdue": health.follow_ups_overdue_now(user, on, within).count(),
        "health_activities": activities["n"],
        "people_served": activities["served"] or 0,
        "households_with_plan": plans.households_with_plan(user, within).count(),
        "measures": plans.on_plans(user, within).count(),
        "measures_overdue": plans.on_plans(user, within).filter(plans.overdue_q(on)).count(),
    }


def teams_from_records(user, within: Region | None, period: Period) -> dict[str, Any]:
    """The teams' indicators counted from the records themselves (teams, terms, check-ins,
    the register, leave, meetings, tasks), with no roll-up of any kind: each day's status by
    the one rule (``teams.rollups.statuses_of``)."""
    on = period.end
    members = TeamMember.objects.visible_to(user, within)
    in_post = members.filter(started_on__lte=on).filter(Q(ended_on=None) | Q(ended_on__gte=on))
    roles = Counter(dict(in_post.values_list("role__value").annotate(n=Count("pk")).order_by()))
    residence = residence_from_records(user, within, period.last)
    following = next_month(period.last)
    leave = 0
    with_leave = members.filter(
        Q(
            leave__state="approved",
            leave__first_day__lt=following,
            leave__last_day__gte=period.first,
        )
        | Q(
            register__status=DayStatus.LEAVE,
            register__day__gte=period.first,
            register__day__lt=following,
        )
    ).distinct()
    last_day = following - datetime.timedelta(days=1)
    for days in team_rollups.statuses_of(with_leave, period.first, last_day).values():
        leave += sum(1 for status in days.values() if status == DayStatus.LEAVE)
    return {
        "teams": Team.objects.visible_to(user, within)
        .filter(term_start__lte=on)
        .filter(Q(term_end=None) | Q(term_end__gte=on))
        .count(),
        **{name: roles.get(role, 0) for role, name in ROLE_FIGURES.items()},
        "residence_compliance": residence.rate,
        "members_short": residence.short,
        "leave_days": leave,
        "meetings": Meeting.objects.visible_to(user, within)
        .filter(held_on__gte=period.first, held_on__lt=following)
        .count(),
        "tasks_overdue": MeetingTask.objects.visible_to(user, within)
        .filter(done_on=None, due_on__lt=on)
        .count(),
    }


def residence_from_records(user, within: Region | None, month: datetime.date) -> Residence:
    """The month's residence figures counted from each judged member's days (check-ins, the
    register, approved leave), against the rules of the member's place for the month."""
    on, found = visits.judged_on(month), Residence()
    if on < month:
        return found
    last = next_month(month) - datetime.timedelta(days=1)
    judged = list(
        TeamMember.objects.visible_to(user, within)
        .filter(started_on__lte=month)
        .filter(Q(ended_on=None) | Q(ended_on__gte=on))
        .only("pk", "region_id", "started_on", "ended_on")
    )
    statuses = team_rollups.statuses_of(judged, month, last)
    rules = AllResidenceRules()
    for member in judged:
        rule = rules(member.region_id, month)
        days = Counter(statuses[member.pk].values())
        counted = rule.counted(
            days[DayStatus.IN_VILLAGE], days[DayStatus.OFFICIAL], days[DayStatus.LEAVE]
        )
        found.judged += 1
        found.met += counted >= rule.expected_by(month, on)
    return found


def _schedule_from_visits(user, within: Region | None, month: datetime.date) -> dict[str, Any]:
    """Compliance and "behind" of the paired households in a month, each household's home
    visits counted from its visit rows."""
    paired = paired_households(user, within)
    start, end = (
        timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
        for day in (month, next_month(month))
    )
    homes = dict(
        Visit.objects.filter(
            household__in=paired.values("pk"),
            kind=VisitKind.HOME,
            visited_at__gte=start,
            visited_at__lt=end,
        )
        .values_list("household_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    on, schedules = visits.judged_on(month), Schedules()
    households = behind = 0
    for household_id, region_id in paired.values_list("pk", "region_id").order_by():
        households += 1
        behind += homes.get(household_id, 0) < schedules(region_id, month).expected_by(on)
    return {
        "compliance": (households - behind) / households if households else None,
        "behind": behind,
    }


# ---------------------------------------------------------------------------------------------
# Projects and funds: the year judged's projects as they stand, donations and sales over the
# period's months


def project_figures(rolled: Rolled, period: Period) -> project_rollups.ProjectFigures:
    return project_rollups.figures_of(
        rolled.stock.projects,
        [rolled.month(month).projects for month in period.months],
        period.end.year,
    )


def project_values(rolled: Rolled, period: Period) -> dict[str, Any]:
    """The projects block's indicators from roll-up rows added up (``projects_from_records``
    counts the same from the records)."""
    found = project_figures(rolled, period)
    return {**found.values, "outputs": projects.outputs_in_words(found.outputs)}


def projects_from_records(user, within: Region | None, period: Period) -> dict[str, Any]:
    """The projects block's indicators counted from the records themselves
    (``projects.selectors.figures``), with no roll-up of any kind."""
    last_day = next_month(period.last) - datetime.timedelta(days=1)
    return projects.figures_from_records(user, within, period.end.year, period.first, last_day)


def project_stocks(user, places: list[Region]) -> dict[str, dict]:
    """Each place's projects map of its ``PlaceStock`` row, brought up to the last write
    first: what the projects app's funds summary reads (handed over at start-up)."""
    rollups.catch_up()
    return dict(
        PlaceStock.objects.visible_to(user)
        .filter(region_id__in=[place.code for place in places])
        .values_list("region_id", "projects")
    )


# ---------------------------------------------------------------------------------------------
# Supervision: the period's months, findings overdue on the day judged whenever due


def supervision_figures(rolled: Rolled, period: Period) -> SupervisionFigures:
    """The one reading of supervision's month rows (``supervision.selectors.figures``), as
    the bulletins and the figures' API read them."""
    return supervision.figures_of_rows(list(rolled.supervision.values()), period.months, period.end)


def supervision_values(rolled: Rolled, period: Period) -> dict[str, Any]:
    """Supervision's indicators from roll-up rows added up
    (``supervision.selectors.figures.figures_from_records`` counts the same from the
    records)."""
    return supervision.values_of(supervision_figures(rolled, period))
