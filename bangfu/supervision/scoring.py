"""The month's computed items of the scoring schemes (考评计分): each computed item's share
(0–100%) for each unit, team, township or pair helper under a place.

Every share is a count of what met the rule over what the rule applies to (``Ratio``); one
function per item and level counts both, from the roll-ups or, with ``from_records``, from
the source rows, grouped by the database over the whole place at once (a province's month is
one query, or one query per kind of record, per item and level). Both ways count the same
things by the same rules, so they agree exactly; the tests and the bench check it.

Who counts for whom:

- the households of a unit or a pair helper: those paired now (pairing not ended) with the
  helper, or with the unit's helpers or the unit itself, open and needing a helper (the
  households the visits app judges, ``pairing.selectors.NEEDS_HELPER``);
- the households of a team or a township: those under its village (the team's village
  stationed in) or under the township;
- a team's members: its members judged in the month; a township's: those of the teams under it.

The rules are the other apps' own: a household met the month's visits when its home visits
reach its place's minimum (``visits.min_per_month`` through ``visits.schedule.Schedules``,
as ``visits.selectors.compliance`` judges it: from the households' ``VisitMonth`` roll-ups,
or from their visits); pairing coverage is the households needing a helper that have one
now (a standing figure, counted from the households the same both ways); a member met
residence when the days the rules count reach what is expected by the day judged
(``teams.residence_rules``: the members' ``MemberMonth``, or their check-ins, register and
leave); a village's self-check report is on time as ``checks.selectors.reports.report_state``
says (a row a village and month, read as it is); rectified on time is counted as the
findings' rates count it (``deadlines.on_time_tally``: due in the month, those closed and
those open past their deadline today; on time, closed by the deadline); a surveyed
household is satisfied when its satisfaction answer is at least ``models.SATISFIED_FROM``.
(The place roll-ups of ``reports`` are not read: that app stands above this one and reads
it.)

A share with nothing to count (no paired household, no member judged, no finding due…) and an
item that does not apply to the level (``APPLIES``) is None (n/a): the item is left out of the
subject's total, which is scaled up to the weights that apply (``services.scores``' totals and
``selectors.scores`` alike, through ``total_of``).
"""

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from bangfu.checks.due import DueDates
from bangfu.checks.models import SelfCheckReport
from bangfu.checks.selectors.reports import LATE, MISSING, ON_TIME, report_state
from bangfu.core.models import Region
from bangfu.core.regions import RegionLevel, ancestor_codes, code_range, own_prefix
from bangfu.pairing.models import Helper, Pairing, Unit
from bangfu.pairing.selectors import NEEDS_HELPER, has_helper_now
from bangfu.registry.models import Household
from bangfu.teams.models import DayStatus, MemberMonth, Team, TeamMember
from bangfu.teams.residence_rules import AllResidenceRules
from bangfu.teams.rollups import statuses_of
from bangfu.visits.models import Visit, VisitKind, VisitMonth
from bangfu.visits.rollups import next_month
from bangfu.visits.schedule import Schedules
from bangfu.visits.selectors import judged_on

from .deadlines import on_time_tally
from .models import (
    SATISFIED_FROM,
    Answer,
    Finding,
    ItemScore,
    ItemSource,
    Purpose,
    SchemeItem,
    ScoreLevel,
    ScoringScheme,
    Survey,
)

Ratio = tuple[int, int]  # (met the rule, counted)
Shares = dict[str, dict[str, Decimal | None]]
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

S = ItemSource
# The computed items that apply to each level; every other computed item is n/a there.
APPLIES: dict[str, tuple[str, ...]] = {
    ScoreLevel.UNIT: (S.VISIT_COMPLIANCE, S.RECTIFIED_ON_TIME, S.SATISFACTION),
    ScoreLevel.HELPER: (S.VISIT_COMPLIANCE, S.RECTIFIED_ON_TIME, S.SATISFACTION),
    ScoreLevel.TEAM: (
        S.VISIT_COMPLIANCE,
        S.PAIRING_COVERAGE,
        S.RESIDENCE_COMPLIANCE,
        S.RECTIFIED_ON_TIME,
        S.CHECK_REPORTS_ON_TIME,
        S.SATISFACTION,
    ),
    ScoreLevel.TOWNSHIP: (
        S.VISIT_COMPLIANCE,
        S.PAIRING_COVERAGE,
        S.RESIDENCE_COMPLIANCE,
        S.RECTIFIED_ON_TIME,
        S.CHECK_REPORTS_ON_TIME,
        S.SATISFACTION,
    ),
    ScoreLevel.HOUSEHOLD: (),
}
COMPUTED_LEVELS = (ScoreLevel.UNIT, ScoreLevel.TEAM, ScoreLevel.TOWNSHIP, ScoreLevel.HELPER)
SATISFIED = [str(value) for value in range(SATISFIED_FROM, 6)]


def share(ratio: Ratio | None) -> Decimal | None:
    """A ratio as a share in percent to the cent; None with nothing counted."""
    if ratio is None or not ratio[1]:
        return None
    return (HUNDRED * ratio[0] / ratio[1]).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class Month:
    first: datetime.date
    last: datetime.date
    on: datetime.date  # the day the month is judged on: its last day, or today

    @classmethod
    def of(cls, month: datetime.date) -> "Month":
        first = month.replace(day=1)
        return cls(first, next_month(first) - datetime.timedelta(days=1), judged_on(first))

    def instants(self) -> tuple[datetime.datetime, datetime.datetime]:
        return tuple(  # type: ignore[return-value]
            timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
            for day in (self.first, next_month(self.first))
        )


@dataclass(frozen=True)
class Within:
    """The place computed for: its code range, for filters on any place column."""

    code: str
    level: int

    @classmethod
    def of(cls, place_code: str) -> "Within":
        return cls(place_code, Region.objects.values_list("level", flat=True).get(pk=place_code))

    def q(self, column: str) -> Q:
        lo, hi = code_range(self.code, self.level)
        return Q(**{f"{column}__gte": lo, f"{column}__lt": hi})


def _place_of(codes: Iterable[str], level: int) -> Callable[[str], str | None]:
    """Which of ``codes`` (places of one level) a place code lies under, if any."""
    by_prefix = {own_prefix(code, level): code for code in codes}
    size = len(next(iter(by_prefix), ""))
    return lambda code: by_prefix.get(code[:size])


def _place_of_any(codes: list[str]) -> Callable[[str], str | None]:
    """Which of ``codes`` (places of any levels, none under another) a place code lies
    under, if any."""
    by_level: dict[int, list[str]] = {}
    for code, level in Region.objects.filter(code__in=codes).values_list("code", "level"):
        by_level.setdefault(level, []).append(code)
    finders = [_place_of(found, level) for level, found in by_level.items()]
    return lambda code: next((place for find in finders if (place := find(code))), None)


# ---------------------------------------------------------------------------------------------
# Who is scored


def subjects(level: str, within: Within, month: Month) -> dict[str, str]:
    """The subjects of a level under the place in the month, key → place code: units and
    helpers (not gone before the month) by id, teams in their term in the month by id,
    townships by code."""
    if level == ScoreLevel.UNIT:
        rows = Unit.objects.filter(within.q("region_id")).values_list("pk", "region_id")
    elif level == ScoreLevel.HELPER:
        rows = (
            Helper.objects.filter(within.q("region_id"))
            .filter(Q(left_on=None) | Q(left_on__gte=month.first))
            .values_list("pk", "region_id")
        )
    elif level == ScoreLevel.TEAM:
        rows = (
            Team.objects.filter(within.q("region_id"), term_start__lte=month.last)
            .filter(Q(term_end=None) | Q(term_end__gte=month.first))
            .values_list("pk", "region_id")
        )
    elif level == ScoreLevel.TOWNSHIP:
        rows = Region.objects.filter(within.q("code"), level=RegionLevel.TOWNSHIP).values_list(
            "code", "code"
        )
    else:
        rows = Household.objects.filter(within.q("region_id"), closed_on=None).values_list(
            "pk", "region_id"
        )
    return {str(key): code for key, code in rows.order_by()}


def _places(level: str, found: dict[str, str]) -> dict[str, list[str]]:
    """For the place levels, each place (the team's village, the township) → its subjects."""
    places: dict[str, list[str]] = {}
    for key, code in found.items():
        places.setdefault(code, []).append(key)
    return places


# ---------------------------------------------------------------------------------------------
# Households of helpers and units: the pairings that count


def _pairings(level: str, within: Within) -> tuple[QuerySet[Pairing], Coalesce | F]:
    """The current pairings of open households needing a helper, of the level's subjects
    under the place, and the column naming the subject (the helper, or the unit)."""
    rows = Pairing.objects.filter(
        ended_on=None, household__closed_on=None, household__status__in=NEEDS_HELPER
    )
    if level == ScoreLevel.HELPER:
        helpers = rows.filter(helper__isnull=False).filter(within.q("helper__region_id"))
        return helpers, F("helper_id")
    # The place's units' pairings picked first, by the pairings' own indexed columns, so that
    # SQLite reads only those (an OR over the two joined units' places scans every household
    # of the province: 4 s for each of a province's 50 counties).
    theirs = Pairing.objects.filter(
        Q(helper_id__in=Helper.objects.filter(within.q("unit__region_id")).values("pk"))
        | Q(unit_id__in=Unit.objects.filter(within.q("region_id")).values("pk"))
    )
    rows = rows.filter(pk__in=theirs.values("pk"))
    return rows, Coalesce("helper__unit_id", "unit_id")


def _home_visits(month: Month, *, from_records: bool, outer: str) -> Coalesce:
    """The month's home visits of the household in column ``outer`` of the outer row."""
    if from_records:
        start, end = month.instants()
        counted = (
            Visit.objects.filter(
                household=OuterRef(outer),
                kind=VisitKind.HOME,
                visited_at__gte=start,
                visited_at__lt=end,
            )
            .order_by()
            .values("household")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )
    else:
        counted = VisitMonth.objects.filter(household=OuterRef(outer), month=month.first).values(
            "home_visits"
        )[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _met(rows: Iterable[tuple[str, str, int, int]], month: Month) -> dict[str, Ratio]:
    """(subject, household place, home visits, households) → subject → (met, households),
    against each place's minimum for the month."""
    schedules, found = Schedules(), dict[str, Ratio]()
    for key, code, home, n in rows:
        met, counted = found.get(str(key), (0, 0))
        minimum = schedules(code, month.first).minimum
        found[str(key)] = (met + (n if home >= minimum else 0), counted + n)
    return found


def _visits_of_paired(level: str, within: Within, month: Month, from_records: bool):
    rows, subject = _pairings(level, within)
    grouped = (
        rows.annotate(
            subject=subject, home=_home_visits(month, from_records=from_records, outer="household")
        )
        .values_list("subject", "household__region_id", "home")
        .annotate(n=Count("household", distinct=True))
        .order_by()
    )
    return _met(grouped, month)


def _answers(month: Month, where: Q) -> dict[int, tuple[str, int, int]]:
    """The month's satisfaction answers by household: (its place, satisfied, answered)."""
    found: dict[int, tuple[str, int, int]] = {}
    for household_id, code, satisfied, n in (
        Answer.objects.filter(
            where,
            question__purpose=Purpose.SATISFACTION,
            survey__surveyed_on__gte=month.first,
            survey__surveyed_on__lte=month.last,
        )
        .values_list("survey__household_id", "survey__household__region_id")
        .annotate(satisfied=Count("pk", filter=Q(value__in=SATISFIED)), n=Count("pk"))
        .order_by()
    ):
        found[household_id] = (code, satisfied, n)
    return found


def _satisfaction_of_paired(level: str, within: Within, month: Month) -> dict[str, Ratio]:
    rows, subject = _pairings(level, within)
    # The pairings of the households surveyed in the month only, picked by a subquery (a
    # province's whole pairings read into Python took most of its time; a list of the
    # surveyed households' ids in the query leads SQLite to probe the pairings once for each
    # helper and id: a province, 240,000 helpers × 50,000 households).
    surveyed = Survey.objects.filter(
        surveyed_on__gte=month.first, surveyed_on__lte=month.last
    ).values("household_id")
    rows = rows.filter(household_id__in=surveyed)
    answered = _answers(month, Q(survey__household__in=rows.values("household")))
    found: dict[str, Ratio] = {}
    for household_id, key in (
        rows.annotate(subject=subject).values_list("household_id", "subject").distinct().order_by()
    ):
        if household_id not in answered:
            continue
        _code, satisfied, n = answered[household_id]
        met, counted = found.get(str(key), (0, 0))
        found[str(key)] = (met + satisfied, counted + n)
    return found


# ---------------------------------------------------------------------------------------------
# Places: a team's village, a township


def _paired_households(within: Within) -> QuerySet[Household]:
    """The households a visit schedule applies to (``pairing.selectors.paired_households``)."""
    return Household.objects.filter(
        within.q("region_id"), has_helper_now(), closed_on=None, status__in=NEEDS_HELPER
    )


def _place_visits(
    places: list[str], level: int, within: Within, month: Month, from_records: bool
) -> dict[str, Ratio]:
    """The paired households under each place and those that met the month, grouped by
    household place and home visits (as ``visits.selectors.compliance`` groups them)."""
    place_of = _place_of(places, level)
    grouped = (
        _paired_households(within)
        .annotate(home=_home_visits(month, from_records=from_records, outer="pk"))
        .values_list("region_id", "home")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = [(place_of(code), code, home, n) for code, home, n in grouped if place_of(code)]
    return _met(rows, month)  # type: ignore[arg-type]


def _place_coverage(places: list[str], level: int, within: Within) -> dict[str, Ratio]:
    """Households needing a helper under each place, and those paired now (a standing
    figure: counted from the households and their pairings, the same both ways)."""
    place_of, found = _place_of(places, level), Counter[tuple[str, str]]()
    for code, needing, covered in (
        Household.objects.filter(within.q("region_id"), closed_on=None, status__in=NEEDS_HELPER)
        .values("region_id")
        .annotate(needing=Count("pk"), covered=Count("pk", filter=Q(has_helper_now())))
        .values_list("region_id", "needing", "covered")
        .order_by()
    ):
        place = place_of(code)
        if place:
            found[place, "met"] += covered
            found[place, "n"] += needing
    return _ratios(found)


def _ratios(found: Counter) -> dict[str, Ratio]:
    return {place: (found[place, "met"], found[place, "n"]) for place, _what in found}


def _place_reports(places: list[str], level: int, within: Within, month: Month) -> dict[str, Ratio]:
    """The villages' self-check reports of the month (a row a village and month, read as
    they are): those due (the day due past, or reported already) and those on time, as
    ``checks.selectors.reports.report_state`` judges each."""
    place_of, dates, counts = _place_of(places, level), DueDates(), Counter[tuple[str, str]]()
    reports = {
        report.region_id: report
        for report in SelfCheckReport.objects.filter(within.q("region_id"), month=month.first)
    }
    villages = Region.objects.filter(within.q("code"), level=RegionLevel.VILLAGE)
    for village in villages.values_list("code", flat=True):
        place = place_of(village)
        if not place:
            continue
        state = report_state(reports.get(village), dates.due(village, month.first))
        counts[place, "met"] += state == ON_TIME
        counts[place, "n"] += state in (ON_TIME, LATE, MISSING)
    return _ratios(counts)


def _place_satisfaction(
    places: list[str], level: int, within: Within, month: Month
) -> dict[str, Ratio]:
    place_of, counts = _place_of(places, level), Counter[tuple[str, str]]()
    for code, satisfied, n in _answers(month, within.q("survey__household__region_id")).values():
        place = place_of(code)
        if place:
            counts[place, "met"] += satisfied
            counts[place, "n"] += n
    return _ratios(counts)


# ---------------------------------------------------------------------------------------------
# Members' residence, findings


def _residence(
    level: str, keys: dict[str, str], within: Within, month: Month, from_records: bool
) -> dict[str, Ratio]:
    """Members judged in the month (in post from its first day to the day judged) and those
    with the days expected by that day, by team or by township."""
    if month.on < month.first:
        return {}
    members = list(
        TeamMember.objects.filter(within.q("region_id"), started_on__lte=month.first)
        .filter(Q(ended_on=None) | Q(ended_on__gte=month.on))
        .only("pk", "team_id", "region_id", "started_on", "ended_on")
    )
    if from_records:
        statuses = statuses_of(members, month.first, month.last)
        days = {}
        for member in members:
            by_status = Counter(statuses[member.pk].values())
            days[member.pk] = (
                by_status[DayStatus.IN_VILLAGE],
                by_status[DayStatus.OFFICIAL],
                by_status[DayStatus.LEAVE],
            )
    else:
        days = {
            member_id: (here, official, leave)
            for member_id, here, official, leave in MemberMonth.objects.filter(
                within.q("region_id"), month=month.first
            ).values_list("member_id", "days_in_village", "days_official", "days_leave")
        }
    place_of = _place_of(keys, RegionLevel.TOWNSHIP) if level == ScoreLevel.TOWNSHIP else None
    rules, counts = AllResidenceRules(), Counter[tuple[str, str]]()
    for member in members:
        key = place_of(member.region_id) if place_of else str(member.team_id)
        if key not in keys:
            continue
        rule = rules(member.region_id, month.first)
        counted = rule.counted(*days.get(member.pk, (0, 0, 0)))
        counts[key, "met"] += counted >= rule.expected_by(month.first, month.on)
        counts[key, "n"] += 1
    return _ratios(counts)


def _findings(level: str, keys: dict[str, str], within: Within, month: Month) -> dict[str, Ratio]:
    """The findings due in the month and those rectified on time (``deadlines.on_time_tally``)
    of each subject: those naming the unit or the helper; a team's, those naming it and those
    of its village naming no team; a township's, those under it. Picked by the subjects'
    places, not the findings', so that a subject's share is the same whatever place it is
    computed under."""
    tally = on_time_tally(month.first, month.last)
    counts = Counter[tuple[str, str]]()
    if level in (ScoreLevel.UNIT, ScoreLevel.HELPER):
        column = "unit" if level == ScoreLevel.UNIT else "helper"
        rows = (
            Finding.objects.filter(within.q(f"{column}__region_id"))
            .values_list(f"{column}_id")
            .annotate(**tally)
            .values_list(f"{column}_id", "on_time", "due")
            .order_by()
        )
        return {str(key): (met, n) for key, met, n in rows if str(key) in keys}
    if level == ScoreLevel.TOWNSHIP:
        place_of = _place_of(keys, RegionLevel.TOWNSHIP)
        rows = (
            Finding.objects.filter(within.q("region_id"))
            .values_list("region_id")
            .annotate(**tally)
            .values_list("region_id", "on_time", "due")
            .order_by()
        )
        for code, met, n in rows:
            place = place_of(code)
            if place:
                counts[place, "met"] += met
                counts[place, "n"] += n
        return _ratios(counts)
    by_village = _places(level, keys)
    village_of = _place_of(by_village, RegionLevel.VILLAGE)
    for team_id, code, met, n in (
        Finding.objects.filter(within.q("team__region_id") | Q(within.q("region_id"), team=None))
        .values_list("team_id", "region_id")
        .annotate(**tally)
        .values_list("team_id", "region_id", "on_time", "due")
        .order_by()
    ):
        if team_id is not None:
            named = [str(team_id)] if str(team_id) in keys else []
        else:
            village = village_of(code)
            named = by_village.get(village, []) if village else []
        for key in named:
            counts[key, "met"] += met
            counts[key, "n"] += n
    return _ratios(counts)


# ---------------------------------------------------------------------------------------------
# The shares


def computed_shares(
    level: str, place_code: str, month: datetime.date, *, from_records: bool = False
) -> Shares:
    """Each subject of ``level`` under the place (``subjects``' keys) → each computed item
    (``ItemSource``) → its share in percent of the month, or None (n/a); from the roll-ups,
    or with ``from_records`` from the source rows: both agree exactly. A subject's shares are
    the same whatever place at or above it they are computed under."""
    within, judged = Within.of(place_code), Month.of(month)
    return _shares(level, within, judged, subjects(level, within, judged), from_records)


def _shares(
    level: str, within: Within, judged: Month, keys: dict[str, str], from_records: bool
) -> Shares:
    ratios: dict[str, dict[str, Ratio]] = {}
    applies = APPLIES.get(level, ())
    if level in (ScoreLevel.UNIT, ScoreLevel.HELPER):
        ratios[S.VISIT_COMPLIANCE] = _visits_of_paired(level, within, judged, from_records)
        ratios[S.SATISFACTION] = _satisfaction_of_paired(level, within, judged)
    elif level in (ScoreLevel.TEAM, ScoreLevel.TOWNSHIP):
        places = _places(level, keys)
        place_level = RegionLevel.VILLAGE if level == ScoreLevel.TEAM else RegionLevel.TOWNSHIP
        codes = list(places)
        by_place = {
            S.VISIT_COMPLIANCE: _place_visits(codes, place_level, within, judged, from_records),
            S.PAIRING_COVERAGE: _place_coverage(codes, place_level, within),
            S.CHECK_REPORTS_ON_TIME: _place_reports(codes, place_level, within, judged),
            S.SATISFACTION: _place_satisfaction(codes, place_level, within, judged),
        }
        for source, found in by_place.items():
            ratios[source] = {
                key: ratio for place, ratio in found.items() for key in places.get(place, [])
            }
        ratios[S.RESIDENCE_COMPLIANCE] = _residence(level, keys, within, judged, from_records)
    if applies:
        ratios[S.RECTIFIED_ON_TIME] = _findings(level, keys, within, judged)
    # Read once: ``ItemSource.values`` makes its list anew on each read (a province has
    # 240,000 helpers).
    sources = [source for source in ItemSource.values if source != S.SCORED]
    return {
        key: {
            source: share(ratios.get(source, {}).get(key)) if source in applies else None
            for source in sources
        }
        for key in keys
    }


# ---------------------------------------------------------------------------------------------
# Schemes and totals


def scheme_in_force(region_code: str, level: str, month: datetime.date) -> ScoringScheme | None:
    """The scheme of ``level`` in force at a place in a month: of the nearest place at or
    above it that has one from that month or before, the one with the latest ``valid_from``."""
    codes = ancestor_codes(region_code)
    found = list(
        ScoringScheme.objects.filter(
            region_id__in=codes, level=level, valid_from__lte=month.replace(day=1)
        ).order_by("-valid_from")
    )
    for code in reversed(codes):
        mine = [scheme for scheme in found if scheme.region_id == code]
        if mine:
            return mine[0]
    return None


@dataclass
class Line:
    """One item of one subject's score: the share computed (percent, None for n/a) or the
    points given with their reason, and the points earned."""

    item_id: int
    name: str
    source: str
    weight: Decimal
    share: Decimal | None = None
    given: Decimal | None = None
    reason: str = ""
    points: Decimal = Decimal(0)
    applies: bool = True

    @property
    def scored(self) -> bool:
        return self.source == S.SCORED

    @property
    def source_label(self) -> str:
        return str(ItemSource(self.source).label)

    @property
    def not_yet_scored(self) -> bool:
        return self.scored and self.given is None

    def as_json(self) -> dict:
        return {
            "item_id": self.item_id,
            "name": self.name,
            "source": self.source,
            "weight": str(self.weight),
            "share": None if self.share is None else str(self.share),
            "given": None if self.given is None else str(self.given),
            "reason": self.reason,
            "points": str(self.points),
            "applies": self.applies,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Line":
        def number(key: str) -> Decimal | None:
            return None if data.get(key) is None else Decimal(data[key])

        return cls(
            item_id=data["item_id"],
            name=data["name"],
            source=data["source"],
            weight=Decimal(data["weight"]),
            share=number("share"),
            given=number("given"),
            reason=data.get("reason", ""),
            points=Decimal(data["points"]),
            applies=data.get("applies", True),
        )


def total_of(lines: list[Line]) -> Decimal:
    """The points earned, scaled from the weights that apply to the scheme's full weight: an
    item that is n/a (nothing to count, or not for this level) neither gives nor takes; an
    item scored by people and not yet scored counts 0."""
    full = sum((line.weight for line in lines), Decimal(0))
    applying = sum((line.weight for line in lines if line.applies), Decimal(0))
    if not applying:
        return Decimal("0.00")
    earned = sum((line.points for line in lines if line.applies), Decimal(0))
    return (earned * full / applying).quantize(CENT, ROUND_HALF_UP)


def ranked(totals: list[Decimal]) -> list[int]:
    """Each total's rank, highest first, ties sharing a rank (1, 1, 3)."""
    ordered = sorted(totals, reverse=True)
    first: dict[Decimal, int] = {}
    for position, total in enumerate(ordered, start=1):
        first.setdefault(total, position)
    return [first[total] for total in totals]


SUBJECT_COLUMN: dict[str, str] = {
    ScoreLevel.UNIT: "unit_id",
    ScoreLevel.TEAM: "team_id",
    ScoreLevel.HELPER: "helper_id",
    ScoreLevel.HOUSEHOLD: "household_id",
}


def given_points(items: list[SchemeItem], level: str, month: datetime.date) -> dict:
    """(item id, subject key) → (points, reason) given for the scored items in the month."""
    column = SUBJECT_COLUMN.get(level)
    rows = ItemScore.objects.filter(item__in=items, month=month.replace(day=1))
    found = {}
    for item_id, subject, region_id, points, reason in rows.values_list(
        "item_id", column or "region_id", "region_id", "points", "reason"
    ):
        found[item_id, str(subject if column else region_id)] = (points, reason)
    return found


def lines_of(
    items: list[SchemeItem], key: str, shares: dict[str, Decimal | None], given: dict
) -> list[Line]:
    """One subject's lines by the scheme's items (read once for all its subjects: a province
    has 240,000 helpers)."""
    lines = []
    for item in items:
        line = Line(item.pk, item.name, item.source, item.weight)
        if line.scored:
            line.given, line.reason = given.get((item.pk, key), (None, ""))
            line.points = line.given or Decimal(0)
        else:
            line.share = shares.get(item.source)
            line.applies = line.share is not None
            if line.share is not None:
                line.points = (item.weight * line.share / HUNDRED).quantize(CENT, ROUND_HALF_UP)
        lines.append(line)
    return lines


@dataclass
class Computed:
    key: str
    region_id: str
    total: Decimal
    rank: int
    lines: list[Line]


def compute_scores(
    schemes: dict[str, ScoringScheme], level: str, place_code: str, month: datetime.date
) -> dict[str, list[Computed]]:
    """Every subject's score of the month, as it would be published now, for each place of
    ``schemes`` (place code → the scheme it scores by; at or under ``place_code``, none under
    another): its subjects by its scheme, ranked among themselves. The shares are computed
    once over ``place_code``: a county's month, or a province's counties' at once (one
    grouped pass a level over the province, not one a county)."""
    within, judged = Within.of(place_code), Month.of(month)
    keys = subjects(level, within, judged)
    shares = _shares(level, within, judged, keys, False) if level in COMPUTED_LEVELS else {}
    place_of = _place_of_any(list(schemes))
    scored_in = {code: place_of(code) for code in set(keys.values())}
    found: dict[str, list[Computed]] = {code: [] for code in schemes}
    items = {code: list(scheme.items.all()) for code, scheme in schemes.items()}
    given = {code: given_points(mine, level, month) for code, mine in items.items()}
    for key, region_id in keys.items():
        code = scored_in[region_id]
        if code is None:
            continue
        lines = lines_of(items[code], key, shares.get(key, {}), given[code])
        found[code].append(Computed(key, region_id, total_of(lines), 0, lines))
    for made in found.values():
        for row, rank in zip(made, ranked([row.total for row in made]), strict=True):
            row.rank = rank
    return found
