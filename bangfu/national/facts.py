"""The facts of ``definitions.FACTS`` read from this installation's records, county by county,
as rows in the facts' column order: what the Parquet export writes and what the province's
own run of the definitions reads, so both see the same rows.

Households are named by their row id in this installation (no number, name, address or ID
number leaves: the nation counts, it does not look people up), helpers the same.
"""

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Min, Model, Q, QuerySet
from django.utils import timezone

from bangfu.checks.due import DueDates
from bangfu.checks.models import Difference, SelfCheckReport
from bangfu.checks.selectors.reports import matching_by_place
from bangfu.core.models import Region
from bangfu.core.params import months_from
from bangfu.core.regions import RegionLevel, code_range
from bangfu.health.models import Activity, CheckUp, Condition, DoctorContract, FollowUp
from bangfu.health.selectors import with_due
from bangfu.monitoring.models import Alert, Procedure, ProcedureKind, ProcedureState
from bangfu.monitoring.selectors import TRACKED, with_assistance
from bangfu.pairing.models import Pairing
from bangfu.pairing.selectors import NEEDS_HELPER
from bangfu.plans.models import OPEN_STATUSES, Measure, MeasureStatus
from bangfu.projects.models import (
    BeneficiaryHousehold,
    CollectiveIncome,
    Donation,
    EntryKind,
    LedgerEntry,
    PlannedFund,
    Project,
    Sale,
    Stage,
)
from bangfu.projects.rollups import Targets, fen
from bangfu.projects.rollups import income_years as income_years_of
from bangfu.projects.selectors.coverage import able_q, covered_q
from bangfu.registry.models import Household, Member, StatusChange
from bangfu.reports.selectors import CheckupRules
from bangfu.supervision.models import Finding, FindingState, InspectionRound
from bangfu.supervision.rollups import current_samples, is_satisfied, satisfaction_answers
from bangfu.teams.models import Meeting, MeetingTask, MemberMonth, Team, TeamMember
from bangfu.teams.residence_rules import AllResidenceRules
from bangfu.visits.models import Visit, VisitMonth
from bangfu.visits.rollups import within_months
from bangfu.visits.schedule import Schedules
from bangfu.visits.selectors import judged_on

Row = tuple
CHUNK = 20_000
COUNTY_DIGITS = 6


def province_of(code: str) -> str:
    return code[:2].ljust(12, "0")


def city_of(code: str) -> str:
    return code[:4].ljust(12, "0")


def county_of(code: str) -> str:
    return code[:COUNTY_DIGITS].ljust(12, "0")


def _place(code: str) -> tuple[str, str, str, str]:
    return province_of(code), city_of(code), county_of(code), code


def _under(county: str, field: str) -> Q:
    """At or under the county: its codes' range, which the place's index answers (a LIKE
    on the prefix would scan the table once a county on SQLite)."""
    lo, hi = code_range(county, RegionLevel.COUNTY)
    return Q(**{f"{field}__code__gte": lo, f"{field}__code__lt": hi})


def _rows(
    source: type[Model] | QuerySet[Any],
    county: str,
    place: str,
    *fields: str,
    where: Q | None = None,
) -> Iterator:
    """``fields`` of the rows of ``source`` (a model, or a query of one) at or under the
    county (the row's place is ``place``), in the order they were made, read in chunks."""
    rows = source if isinstance(source, QuerySet) else source._default_manager.all()
    return (
        rows.filter(_under(county, place), where or Q())
        .order_by("pk")
        .values_list(*fields)
        .iterator(chunk_size=CHUNK)
    )


def places(province: str) -> Iterator[Row]:
    """Every place of the province, with its name and level (public, for the labels)."""
    for code, name, level in (
        Region.objects.filter(code__startswith=province[:2])
        .order_by("code")
        .values_list("code", "name", "level")
    ):
        yield code, name, level, province_of(code)


def households(county: str) -> Iterator[Row]:
    needing = set(NEEDS_HELPER)
    for pk, region, status, monitoring_type, closed_on, year in _rows(
        Household,
        county,
        "region",
        "pk",
        "region_id",
        "status",
        "monitoring_type__value",
        "closed_on",
        "year_identified",
    ):
        yield (
            pk,
            *_place(region),
            status,
            int(status in needing),
            monitoring_type or "",
            closed_on,
            year,
        )


def status_changes(county: str) -> Iterator[Row]:
    for household, region, status, effective_on in _rows(
        StatusChange,
        county,
        "household__region",
        "household_id",
        "household__region_id",
        "status",
        "effective_on",
    ):
        yield household, *_place(region), status, effective_on


def pairings(county: str) -> Iterator[Row]:
    for household, helper, region, started_on, ended_on in _rows(
        Pairing,
        county,
        "household__region",
        "household_id",
        "helper_id",
        "household__region_id",
        "started_on",
        "ended_on",
    ):
        yield household, helper, *_place(region), started_on, ended_on


def visits(county: str, month: datetime.date) -> Iterator[Row]:
    """The month's visits, each on its local day (stored in UTC; a visit at 7 in the morning
    in Beijing is the day before in UTC)."""
    for household, helper, region, visited_at, kind in _rows(
        Visit,
        county,
        "region",
        "household_id",
        "helper_id",
        "region_id",
        "visited_at",
        "kind",
        where=within_months("visited_at", [month], dates=False),
    ):
        day = timezone.localtime(visited_at).date()
        yield household, helper, *_place(region), day.year, day.month, day.day, kind


MONTH_COLUMNS = (
    "visits",
    "home_visits",
    "fixed_days_met",
    "problems_found",
    "problems_solved",
    "jobs_found",
)


def visit_months(county: str, month: datetime.date) -> Iterator[Row]:
    for household, region, *counts, goods, money in _rows(
        VisitMonth,
        county,
        "region",
        "household_id",
        "region_id",
        *MONTH_COLUMNS,
        "goods_value",
        "money_value",
        where=Q(month=month),
    ):
        yield household, *_place(region), month.year, month.month, *counts, fen(goods), fen(money)


def _yyyymm(day: datetime.date | None) -> int:
    return day.year * 100 + day.month if day else 0


def alerts(county: str) -> Iterator[Row]:
    for household, region, source, state, raised_on, due_on, closed_on in _rows(
        Alert,
        county,
        "region",
        "household_id",
        "region_id",
        "source",
        "state",
        "raised_on",
        "due_on",
        "closed_on",
    ):
        yield (
            household,
            *_place(region),
            source,
            state,
            _yyyymm(raised_on),
            due_on,
            closed_on,
            _yyyymm(closed_on),
        )


def procedures(county: str) -> Iterator[Row]:
    for household, region, kind, state, ended_on in _rows(
        Procedure, county, "region", "household_id", "region_id", "kind", "state", "ended_on"
    ):
        yield household, *_place(region), kind, state, _yyyymm(ended_on)


def first_month(county: str) -> datetime.date | None:
    """The county's first month with a visit."""
    first = VisitMonth.objects.filter(_under(county, "region")).order_by("month").first()
    return first.month if first else None


def months_of(county: str, today: datetime.date) -> list[datetime.date]:
    """The months the county's monthly facts are written for: its first visit's to this one
    (a month with no visit still has its schedules: its paired households are all behind)."""
    this = today.replace(day=1)
    return months_from(first_month(county) or this, this)


def _minimums(model, county: str, month: datetime.date, rules) -> Iterator[Row]:
    """The least the rules ask in the month (``rules(place, month).minimum``) at each place
    that holds the model's rows: a province's policies' result, never the policies."""
    regions = (
        model.objects.filter(_under(county, "region"))
        .values_list("region_id", flat=True)
        .distinct()
        .order_by("region_id")
    )
    for region in regions:
        yield *_place(region), month.year, month.month, rules(region, month).minimum


def schedules(county: str, month: datetime.date, rules: Schedules) -> Iterator[Row]:
    """The least home visits in the month of each place that holds households."""
    return _minimums(Household, county, month, rules)


# ---------------------------------------------------------------------------------------------
# The monthly check (账实相符) and projects and funds (项目资金)


def differences(county: str) -> Iterator[Row]:
    for region, found_on, state, closed_on in _rows(
        Difference, county, "region", "region_id", "found_on", "state", "closed_on"
    ):
        yield *_place(region), found_on, state, closed_on


def _county_places(county: str, level: int | None = None) -> list[str]:
    """The codes of the places at or under the county (of one level)."""
    lo, hi = code_range(county, RegionLevel.COUNTY)
    places = Region.objects.filter(code__gte=lo, code__lt=hi)
    if level is not None:
        places = places.filter(level=level)
    return list(places.order_by("code").values_list("code", flat=True))


def compared_households(county: str) -> Iterator[Row]:
    """A row a household compared at each place (``checks``' own count of them), 1 if it has
    no open difference: no number leaves."""
    for region, (compared, matching) in sorted(matching_by_place(_county_places(county)).items()):
        for n in range(compared):
            yield *_place(region), int(n < matching)


def report_dues(county: str) -> Iterator[Row]:
    """Each village's self-check report of each month the county's facts cover: its day due
    by the village's rule, whether it is in, and whether by the day due the report names.
    Of every month at once: a visit's month rewritten leaves them be."""
    dates = DueDates()
    reports = {
        (region, month): (submitted_on, due_on)
        for region, month, submitted_on, due_on in _rows(
            SelfCheckReport,
            county,
            "region",
            "region_id",
            "month",
            "submitted_on",
            "due_on",
            where=Q(submitted_on__isnull=False),
        )
    }
    for month in months_of(county, timezone.localdate()):
        for village in _county_places(county, RegionLevel.VILLAGE):
            submitted_on, due_on = reports.get((village, month), (None, None))
            yield (
                *_place(village),
                month.year,
                month.month,
                dates.due(village, month),
                int(submitted_on is not None),
                int(submitted_on is not None and submitted_on <= due_on),
            )


def projects(county: str) -> Iterator[Row]:
    for region, year, stage in _rows(Project, county, "region", "region_id", "year", "stage"):
        yield *_place(region), year, stage


def project_funds(county: str) -> Iterator[Row]:
    """Planned funds of the projects not cancelled, and every ledger entry, in fen."""
    not_cancelled = ~Q(project__stage=Stage.CANCELLED)
    planned = _rows(
        PlannedFund, county, "region", "region_id", "project__year", "amount", where=not_cancelled
    )
    for region, year, amount in planned:
        yield *_place(region), year, "planned", fen(amount)
    for region, year, kind, amount in _rows(
        LedgerEntry, county, "region", "region_id", "project__year", "kind", "amount"
    ):
        yield (
            *_place(region),
            year,
            "allocation" if kind == EntryKind.ALLOCATION else "payment",
            fen(amount),
        )


def beneficiaries(county: str) -> Iterator[Row]:
    for household, region, year in _rows(
        BeneficiaryHousehold,
        county,
        "region",
        "household_id",
        "region_id",
        "project__year",
        where=~Q(project__stage=Stage.CANCELLED),
    ):
        yield household, *_place(region), year


def _able(county: str):
    return Household.objects.filter(_under(county, "region"), able_q(), closed_on=None)


def income_able(county: str) -> Iterator[Row]:
    """Open households with a member able to work."""
    for household, region in _able(county).order_by("pk").values_list("pk", "region_id"):
        yield household, *_place(region)


def income_years(county: str) -> Iterator[Row]:
    """Each year a household able to work has a household income project in."""
    able = _able(county)
    lo, hi = code_range(county, RegionLevel.COUNTY)
    place = {"region__code__gte": lo, "region__code__lt": hi}
    for year in income_years_of(place):
        for household, region in (
            able.filter(covered_q(year)).order_by("pk").values_list("pk", "region_id")
        ):
            yield household, *_place(region), year


def donations(county: str) -> Iterator[Row]:
    for region, day, cash, goods in _rows(
        Donation, county, "region", "region_id", "day", "cash", "goods_value"
    ):
        yield *_place(region), _yyyymm(day), fen(cash) + fen(goods)


def sales(county: str) -> Iterator[Row]:
    for region, day, amount in _rows(Sale, county, "region", "region_id", "day", "amount"):
        yield *_place(region), _yyyymm(day), fen(amount)


def villages(county: str) -> Iterator[Row]:
    for village in _county_places(county, RegionLevel.VILLAGE):
        yield _place(village)


def collective_incomes(county: str) -> Iterator[Row]:
    """Each village's collective income of a year, from every source, against the floor and
    the good target of its place's rules for the year."""
    targets = Targets()
    totals: dict[tuple[str, int], Decimal] = {}
    for region, year, amount in _rows(
        CollectiveIncome, county, "region", "region_id", "year", "amount"
    ):
        totals[region, year] = totals.get((region, year), Decimal(0)) + amount
    for (region, year), total in sorted(totals.items()):
        floor, good = targets(region, year)
        yield *_place(region), year, int(total >= floor), int(total >= good)


# Health, household plans and the rule of assistance: what the dashboard's health, plans
# and monitoring blocks count, as rows (no name, work status or free text leaves).


def members(county: str) -> Iterator[Row]:
    """Each member with the day they are in the registry no more: left, or their household
    closed (``health.rollups``' one rule), none while in."""
    for member, region, left_on, closed_on in _rows(
        Member,
        county,
        "household__region",
        "pk",
        "household__region_id",
        "left_on",
        "household__closed_on",
    ):
        ends = [day for day in (left_on, closed_on) if day is not None]
        yield member, *_place(region), min(ends) if ends else None


def contracts(county: str) -> Iterator[Row]:
    for member, region, signed_on, valid_until in _rows(
        DoctorContract, county, "region", "member_id", "region_id", "signed_on", "valid_until"
    ):
        yield member, *_place(region), signed_on, valid_until


def checkups(county: str) -> Iterator[Row]:
    for member, region, held_on in _rows(
        CheckUp, county, "region", "member_id", "region_id", "held_on"
    ):
        yield member, *_place(region), held_on


def conditions(county: str) -> Iterator[Row]:
    """Each illness, due for a follow-up as the follow-ups stand (``health.selectors``)."""
    # (``due`` is ``with_due``'s annotation, which the type checker's plugin cannot see.)
    due_known: Any = with_due(Condition.objects.all())
    for member, region, diagnosed_on, due in _rows(
        due_known, county, "region", "member_id", "region_id", "diagnosed_on", "due"
    ):
        yield member, *_place(region), diagnosed_on, due


def follow_ups(county: str) -> Iterator[Row]:
    for region, held_on in _rows(FollowUp, county, "region", "region_id", "held_on"):
        yield *_place(region), _yyyymm(held_on)


def follow_ups_due(county: str) -> Iterator[Row]:
    """The days follow-ups fall due on: each illness's first on the day it was diagnosed,
    then each follow-up's next due day (none: no more are planned)."""
    for region, diagnosed_on in _rows(Condition, county, "region", "region_id", "diagnosed_on"):
        yield *_place(region), _yyyymm(diagnosed_on)
    for region, next_due in _rows(
        FollowUp, county, "region", "region_id", "next_due", where=Q(next_due__isnull=False)
    ):
        yield *_place(region), _yyyymm(next_due)


def activities(county: str) -> Iterator[Row]:
    for region, held_on, served in _rows(
        Activity, county, "region", "region_id", "held_on", "people_served"
    ):
        yield *_place(region), _yyyymm(held_on), served or 0


def checkup_left_out(county: str, month: datetime.date, rules: CheckupRules) -> Iterator[Row]:
    """The members whose work status the check-up rules of their place, on the month's
    judged day, name as away for work."""
    day = judged_on(month)
    for member, region, status in _rows(
        Member,
        county,
        "household__region",
        "pk",
        "household__region_id",
        "work_status",
        where=~Q(work_status=""),
    ):
        if status.strip() in rules(region, day):
            yield member, *_place(region), month.year, month.month


def plan_measures(county: str) -> Iterator[Row]:
    for household, region, status, due_on in _rows(
        Measure, county, "region", "household_id", "region_id", "status", "due_on"
    ):
        taken, open_ = status != MeasureStatus.DROPPED, status in OPEN_STATUSES
        yield household, *_place(region), int(taken), int(open_), due_on


def decisions(county: str) -> Iterator[Row]:
    """Identifications passed, with the days from the first alert that led to each (or its
    start, without one) to the county's decision."""
    passed = Procedure.objects.filter(
        kind=ProcedureKind.IDENTIFICATION, state=ProcedureState.PASSED
    ).annotate(first_alert=Min("alerts__raised_on"))
    for household, region, ended_on, alerted, started_on in _rows(
        passed,
        county,
        "region",
        "household_id",
        "region_id",
        "ended_on",
        "first_alert",
        "started_on",
    ):
        days = (ended_on - (alerted or started_on)).days
        yield household, *_place(region), _yyyymm(ended_on), days


def assistance(county: str) -> Iterator[Row]:
    """Tracked households (open), with the rule of assistance in force today at their place:
    a member able to work, a developmental measure (``monitoring.selectors``)."""
    tracked = Household.objects.filter(closed_on=None, status__in=TRACKED)
    for household, region, able, developmental in _rows(
        with_assistance(tracked, timezone.localdate()),
        county,
        "region",
        "pk",
        "region_id",
        "able",
        "developmental",
    ):
        yield household, *_place(region), int(able), int(developmental)


# -- Resident work teams and supervision: teams, members and their months, meetings, tasks;
# inspection rounds, samples, findings and satisfaction answers. No name, ID number, minutes,
# description or answer's text leaves: a member is its row id, an answer satisfied or not.


def teams(county: str) -> Iterator[Row]:
    for region, start, end in _rows(Team, county, "region", "region_id", "term_start", "term_end"):
        yield *_place(region), start, end


def team_members(county: str) -> Iterator[Row]:
    for pk, region, role, start, end in _rows(
        TeamMember, county, "region", "pk", "region_id", "role__value", "started_on", "ended_on"
    ):
        yield pk, *_place(region), role, start, end


def member_months(county: str, month: datetime.date, rules: AllResidenceRules) -> Iterator[Row]:
    """Each member's days of the month counted as its place's residence rules count them
    (the rules of the month's first day), and its days of approved leave."""
    for member, region, here, official, leave in _rows(
        MemberMonth,
        county,
        "region",
        "member_id",
        "region_id",
        "days_in_village",
        "days_official",
        "days_leave",
        where=Q(month=month),
    ):
        counted = rules(region, month).counted(here, official, leave)
        yield member, *_place(region), month.year, month.month, counted, leave


def residence_rules(county: str, month: datetime.date, rules: AllResidenceRules) -> Iterator[Row]:
    """The least residence days of the month at each place that holds team members."""
    return _minimums(TeamMember, county, month, rules)


def meetings(county: str) -> Iterator[Row]:
    for region, held_on in _rows(Meeting, county, "region", "region_id", "held_on"):
        yield *_place(region), _yyyymm(held_on)


def meeting_tasks(county: str) -> Iterator[Row]:
    for region, due_on, done_on in _rows(
        MeetingTask, county, "region", "region_id", "due_on", "done_on"
    ):
        yield *_place(region), due_on, int(done_on is not None)


def inspection_rounds(county: str) -> Iterator[Row]:
    for region, month in _rows(InspectionRound, county, "region", "region_id", "month"):
        yield *_place(region), _yyyymm(month)


def samples(county: str) -> Iterator[Row]:
    """The households of every round's current draw, at the household's place."""
    for region, month in _rows(
        current_samples(), county, "region", "region_id", "draw__round__month"
    ):
        yield *_place(region), _yyyymm(month)


def findings(county: str) -> Iterator[Row]:
    for region, found_on, deadline, state, closed_on in _rows(
        Finding, county, "region", "region_id", "found_on", "deadline", "state", "closed_on"
    ):
        closed = closed_on if state == FindingState.CLOSED else None
        yield *_place(region), _yyyymm(found_on), _yyyymm(deadline), deadline, closed


def answers(county: str) -> Iterator[Row]:
    """The satisfaction answers of household surveys, satisfied (4 or 5) or not."""
    for region, surveyed_on, value in _rows(
        satisfaction_answers(), county, "region", "region_id", "survey__surveyed_on", "value"
    ):
        yield *_place(region), _yyyymm(surveyed_on), int(is_satisfied(value))


# Each fact's rows of one county: as it stands, or of one month.
STOCK_READERS: dict[str, Callable[[str], Iterator[Row]]] = {
    "households": households,
    "status_changes": status_changes,
    "pairings": pairings,
    "alerts": alerts,
    "procedures": procedures,
    "differences": differences,
    "compared_households": compared_households,
    "report_dues": report_dues,
    "projects": projects,
    "project_funds": project_funds,
    "beneficiaries": beneficiaries,
    "income_able": income_able,
    "income_years": income_years,
    "donations": donations,
    "sales": sales,
    "villages": villages,
    "collective_incomes": collective_incomes,
}
STOCK_READERS |= {
    "members": members,
    "contracts": contracts,
    "checkups": checkups,
    "conditions": conditions,
    "follow_ups": follow_ups,
    "follow_ups_due": follow_ups_due,
    "activities": activities,
    "plan_measures": plan_measures,
    "decisions": decisions,
    "assistance": assistance,
}
STOCK_READERS |= {
    "teams": teams,
    "team_members": team_members,
    "meetings": meetings,
    "meeting_tasks": meeting_tasks,
    "inspection_rounds": inspection_rounds,
    "samples": samples,
    "findings": findings,
    "answers": answers,
}


def month_readers() -> dict[str, Callable[[str, datetime.date], Iterator[Row]]]:
    """Each monthly fact's reader of one county's month, for one run: the places' visit rules
    are read once for all its counties."""
    rules = Schedules()
    checkup_rules = CheckupRules()
    residence = AllResidenceRules()
    return {
        "checkup_left_out": lambda county, month: checkup_left_out(county, month, checkup_rules),
        "visits": visits,
        "visit_months": visit_months,
        "schedules": lambda county, month: schedules(county, month, rules),
        "member_months": lambda county, month: member_months(county, month, residence),
        "residence_rules": lambda county, month: residence_rules(county, month, residence),
    }
