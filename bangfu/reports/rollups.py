"""Keeping the place roll-ups (``PlaceStock``, ``PlaceMonth``) true to the records.

A place's row is its own records (households, pairings, visits whose place is exactly it)
plus the rows of the places directly under it. The one exception is the count of helpers: a
helper serving households in two villages counts once in each and once in the township
above both, so the rows that add up are ``PlaceHelper``'s (a helper and their pairings at
or under a place), and a place's count is the number of its rows.

After a write, the written place's own figures are computed afresh, and the difference from
what its row held is added to it and to the few places above it, whatever the size of the
province.

Which places changed is read from the audit log: every write is audited in its transaction
with the place it touched, and entries are numbered without gaps in commit order, so
``catch_up`` (run before the figures are read) refreshes exactly the places written since
the rows were made; a visit or problem only in the months it names. A change of visit
rules changes the schedules of every place under the rule's place: all of them are
computed again. ``rebuild`` computes every row from scratch.

Supervision's month rows (``supervision.SupervisionMonth``) are kept the same way, apart:
the entries of ``supervision.rollups.ACTIONS`` name the places whose figures changed, and
those places' own figures of every month are computed afresh and carried up.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple, TypeVar

from django.db import connection, transaction
from django.db.models import Count, F, Func, Q, Subquery, Sum
from django.db.models.fields import DateField
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from bangfu.checks import rollups as check_rollups
from bangfu.core import faults
from bangfu.core.inserts import insert_rows
from bangfu.core.models import AuditEntry, AuditHead, Region
from bangfu.core.policies import places_setting, rule_place
from bangfu.core.regions import ancestor_codes, code_range
from bangfu.health import rollups as health_rollups
from bangfu.monitoring import rollups as monitoring_rollups
from bangfu.monitoring.selectors import ASSISTANCE_RULES
from bangfu.pairing.models import Pairing
from bangfu.pairing.selectors import NEEDS_HELPER, has_helper_now
from bangfu.plans import rollups as plan_rollups
from bangfu.projects import rollups as project_rollups
from bangfu.registry.models import Household
from bangfu.supervision import rollups as supervision_rollups
from bangfu.supervision.models import SupervisionMonth
from bangfu.teams.models import Meeting, MeetingTask, MemberMonth, Team, TeamMember
from bangfu.teams.residence_rules import KEYS as TEAM_RULES
from bangfu.visits.models import Visit, VisitMonth
from bangfu.visits.rollups import month_of, next_month, within_months
from bangfu.visits.schedule import KEYS as RULES

from .models import PlaceHelper, PlaceMonth, PlaceStock, RollupHead

Row = TypeVar("Row", PlaceStock, PlaceMonth, SupervisionMonth)
MonthRow = TypeVar("MonthRow", PlaceMonth, SupervisionMonth)
AnyRow = PlaceStock | PlaceMonth | SupervisionMonth

# Writes that change a figure; the place of any other entry (a unit, a helper's details or
# leaving, a reminder sent, a medical cost, a plan's effect or acknowledgement) needs no new
# figures. A member's write (work status, leaving, a move) changes the health figures. Helpers are
# counted by their pairings (a helper cannot leave while paired), so ``helper.`` is not here.
CHANGING = (
    "household.",
    "pairing.",
    "visit.",
    "problem.",
    "policy.",
    "team.",
    "team_member.",
    "member.",
    "doctor_contract.",
    "checkup.",
    "condition.",
    "follow_up.",
    "health_activity.",
    "measure.",
    "alert.",
    "procedure.",
)
# Every write about a checks record (``checks.rollups.RECORDS``) changes a figure too, read
# by the kind of record its entry names, as the teams' are.
# Every write of the teams app changes a figure (check-ins, the register, leave, meetings,
# tasks), whatever its action's name: read by the kind of record its entry names.
TEAMS_RECORDS = "teams."
# A teams record whose months are those of the days it names (a check-in, a register entry,
# a leave request from its first day to its last); any other (a team, a term, a meeting
# and its tasks) changes its place's standing: everything is counted again.
TEAM_DAYS = ("day", "checked_at", "first_day", "last_day", "returned_on")
TEAM_MONTHLY = ("teams.checkin", "teams.registerentry", "teams.leaverequest", "teams.leavedecision")
# A photo, or ID numbers shown to someone, changes no figure.
NO_FIGURES = ["visit.photo_add", "member.id_numbers_revealed"]
VISIT_ACTIONS = ("visit.", "problem.")
VISIT_DAYS = ("visited_at", "found_on", "solved_on")  # what dates a visit's or problem's months
# Past this many places to compute, computing everything costs less than finding the rest.
MOST_PLACES = 2000
CHUNK = 500  # place codes an IN list
FLOWS = [
    "visits",
    "home_visits",
    "problems_found",
    "problems_solved",
    "jobs_found",
    "goods_value",
    "money_value",
]
# Not the sum of the places under a place: kept from the ``PlaceHelper`` rows instead.
NOT_ADDED = frozenset({"helpers"})
CODED = [
    ("main_cause", "by_cause"),
    ("attribute", "by_attribute"),
    ("monitoring_type", "by_monitoring_type"),
]


def merge(total: dict, part: dict, sign: int = 1) -> dict:
    """Add (or with ``sign`` -1, take away) a JSON map of counts, possibly nested, into
    another; a count that comes to nothing is dropped, as a row computed afresh lacks it."""
    for key, value in part.items():
        if isinstance(value, dict):
            if not merge(total.setdefault(key, {}), value, sign):
                del total[key]
        elif n := total.get(key, 0) + sign * value:
            total[key] = n
        else:
            total.pop(key, None)
    return total


def _figures(row: AnyRow) -> list[str]:
    return [
        field.attname
        for field in type(row)._meta.concrete_fields
        if not (field.primary_key or field.is_relation or field.name == "month")
    ]


def add(total: AnyRow, part: AnyRow, sign: int = 1) -> None:
    """Add (or take away) one row's figures into another of the same kind (the count of
    helpers excepted: see ``NOT_ADDED``)."""
    for name in _figures(total):
        if name in NOT_ADDED:
            continue
        mine, theirs = getattr(total, name), getattr(part, name)
        if isinstance(mine, dict):
            merge(mine, theirs, sign)
        else:
            setattr(total, name, mine + sign * theirs)


def _empty(row: AnyRow) -> bool:
    return not any(getattr(row, name) for name in _figures(row))


# ---------------------------------------------------------------------------------------------
# The rule place of a place: whose visit rules apply to its households.


def rule_places() -> set[str]:
    return places_setting(list(RULES))


def team_rule_places() -> set[str]:
    """The places that set a residence rule of the teams (``teams.residence_rules.KEYS``)."""
    return places_setting(list(TEAM_RULES))


def health_rule_places() -> set[str]:
    """The places that set a rule of the check-up rate (``health.rollups.RULES``)."""
    return places_setting(list(health_rollups.RULES))


# ---------------------------------------------------------------------------------------------
# A place's own figures


@cache
def _fixed_utc_offset() -> int | None:
    """Minutes east of UTC if the installation's time zone keeps one offset in every month of
    2000-2099 (China's does), else None."""
    zone = timezone.get_default_timezone()
    offsets = {
        zone.utcoffset(datetime.datetime(year, month, 15))
        for year in range(2000, 2100)
        for month in (1, 4, 7, 10)
    }
    if len(offsets) != 1:
        return None
    offset = offsets.pop()
    return int(offset.total_seconds() // 60) if offset is not None else None


def _local_day():
    """A visit's local day as an SQL expression. SQLite would convert each row in Python;
    where the zone has one offset, its own date() shifts the stored UTC time instead."""
    minutes = _fixed_utc_offset()
    if connection.vendor == "sqlite" and minutes is not None:
        return Func(
            F("visited_at"),
            function="date",
            template=f"%(function)s(%(expressions)s, '{minutes:+d} minutes')",
            output_field=DateField(),
        )
    return TruncDate("visited_at")


def _in(field: str, codes: Sequence[str | int] | None) -> Iterable[Q]:
    """The condition ``field`` in ``codes``, a chunk at a time; all rows when codes is None."""
    if codes is None:
        yield Q()
        return
    for start in range(0, len(codes), CHUNK):
        yield Q(**{f"{field}__in": codes[start : start + CHUNK]})


def _own_stock(codes: list[str] | None, ruled: set[str]) -> dict[str, PlaceStock]:
    rows: dict[str, PlaceStock] = {}

    def row(code: str) -> PlaceStock:
        if code not in rows:
            rows[code] = PlaceStock(region_id=code)
        return rows[code]

    for where in _in("region_id", codes):
        open_households = Household.objects.filter(where, closed_on=None)
        for code, status, n in (
            open_households.values_list("region_id", "status").annotate(n=Count("pk")).order_by()
        ):
            row(code).households += n
            merge(row(code).by_status, {status: n})
        for field, attribute in CODED:
            for code, value, n in (
                open_households.filter(**{f"{field}__isnull": False})
                .values_list("region_id", field)
                .annotate(n=Count("pk"))
                .order_by()
            ):
                merge(getattr(row(code), attribute), {str(value): n})
        for code, needing, covered in (
            open_households.filter(status__in=NEEDS_HELPER)
            .values("region_id")
            .annotate(needing=Count("pk"), covered=Count("pk", filter=Q(has_helper_now())))
            .values_list("region_id", "needing", "covered")
            .order_by()
        ):
            row(code).needing += needing
            row(code).covered += covered
            if covered:
                merge(row(code).scheduled, {rule_place(code, ruled): covered})
    _own_team_stock(codes, row)
    health_ruled = health_rule_places()
    for code, name, part in (
        *health_rollups.own_stock(codes, lambda code: rule_place(code, health_ruled)),
        *plan_rollups.own_stock(codes),
        *monitoring_rollups.own_stock(codes),
        *check_rollups.own_stock(codes),
        *project_rollups.own_stock(codes),
    ):
        _add_part(row(code), name, part)
    return rows


def _add_part(target: AnyRow, name: str, part) -> None:
    """Add an app's part of a figure (a count or a map of counts) into a row."""
    if isinstance(part, dict):
        merge(getattr(target, name), part)
    else:
        setattr(target, name, getattr(target, name) + part)


def term_key(start: datetime.date, end: datetime.date | None) -> str:
    """A term as the roll-ups key it: "start|end" in ISO days, the end empty while open."""
    return f"{start.isoformat()}|{end.isoformat() if end else ''}"


def _own_team_stock(codes: list[str] | None, row) -> None:
    """Teams by term, members by the rule place of their residence rules, role and term,
    and open meeting tasks by due day, of the places' own records."""
    ruled = team_rule_places()
    for where in _in("region_id", codes):
        for code, start, end, n in (
            Team.objects.filter(where)
            .values_list("region_id", "term_start", "term_end")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            merge(row(code).teams_by_term, {term_key(start, end): n})
        for code, role, start, end, n in (
            TeamMember.objects.filter(where)
            .values_list("region_id", "role__value", "started_on", "ended_on")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            merge(
                row(code).members_by_term,
                {rule_place(code, ruled): {role: {term_key(start, end): n}}},
            )
        for code, due, n in (
            MeetingTask.objects.filter(where, done_on=None)
            .values_list("region_id", "due_on")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            merge(row(code).open_tasks, {due.isoformat(): n})


# ---------------------------------------------------------------------------------------------
# Helpers: counted by the households they serve


def _serving() -> Q:
    """A helper's current pairing with an open household (a unit's own pairing has no
    helper). A helper cannot leave while paired, so these helpers are in post."""
    return Q(ended_on=None, helper__isnull=False, household__closed_on=None)


def _own_helpers(codes: list[str]) -> dict[str, dict[int, int]]:
    """Each place's own pairings (households exactly there) by helper: place → {helper: n}."""
    found: dict[str, dict[int, int]] = defaultdict(dict)
    for where in _in("region_id", codes):
        for code, helper, n in (
            Pairing.objects.filter(where, _serving())
            .values_list("region_id", "helper_id")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            found[code][helper] = n
    return found


def _held(codes: list[str], helpers: list[int] | None = None) -> dict[str, dict[int, int]]:
    """The stored ``PlaceHelper`` rows of these places (of these helpers only, if given)."""
    found: dict[str, dict[int, int]] = defaultdict(dict)
    for where in _in("region_id", codes):
        for of_helpers in _in("helper_id", helpers):
            for code, helper, n in PlaceHelper.objects.filter(where, of_helpers).values_list(
                "region_id", "helper_id", "pairings"
            ):
                found[code][helper] = n
    return found


class _HelperRow(NamedTuple):
    """A ``PlaceHelper`` row to insert: building model instances was half the time."""

    region_id: str
    helper_id: int
    pairings: int


def _build_helpers(parents: dict[str, str | None], stock: dict[str, PlaceStock]) -> None:
    """Every ``PlaceHelper`` row and every place's count of helpers, one helper at a time:
    the helper's pairings carried up from their places, written, and counted, so memory
    follows one helper, not the province."""
    PlaceHelper.objects.all().delete()
    counts: Counter[str] = Counter()
    batch: list[_HelperRow] = []
    pairings = (
        Pairing.objects.filter(_serving())
        .values_list("helper_id", "region_id")
        .annotate(n=Count("pk"))
        .order_by("helper_id", "region_id")
    )
    for helper, places in groupby(pairings.iterator(chunk_size=CHUNK * 4), key=itemgetter(0)):
        reach: Counter[str] = Counter()
        for _helper, code, n in places:
            for place in _up_from(code, parents):
                reach[place] += n
        batch += [_HelperRow(place, helper, n) for place, n in reach.items()]
        counts.update(reach.keys())
        if len(batch) >= CHUNK * 4:
            insert_rows(PlaceHelper, batch)
            batch = []
    insert_rows(PlaceHelper, batch)
    for place, n in counts.items():
        (stock.get(place) or stock.setdefault(place, PlaceStock(region_id=place))).helpers = n


def _helper_changes(
    written: list[str], children: dict[str, list[str]]
) -> dict[str, dict[int, int]]:
    """How each written place's own pairings by helper changed: afresh, less what its stored
    rows held beyond its children's (as ``_change`` does for the other figures)."""
    fresh = _own_helpers(written)
    held = _held(sorted(set(written) | {kid for code in written for kid in children[code]}))
    changes = {}
    for code in written:
        change = merge(dict(fresh.get(code, {})), held.get(code, {}), -1)
        for kid in children[code]:
            merge(change, held.get(kid, {}))
        if change:
            changes[code] = change
    return changes


def _carry_helpers(
    changes: dict[str, dict[int, int]],
    parents: dict[str, str | None],
    stock: dict[str, PlaceStock],
    touched: dict[str, PlaceStock],
) -> None:
    """Carry the changes up to every place above, and count a helper in or out of a place
    where their pairings there came to something or to nothing: rows of the changed helpers
    only, at the written places and those above them."""
    deltas: dict[str, dict[int, int]] = defaultdict(dict)
    for code, change in changes.items():
        for place in _up_from(code, parents):
            merge(deltas[place], change)
    deltas = defaultdict(dict, {place: delta for place, delta in deltas.items() if delta})
    if not deltas:
        return
    held = _held(sorted(deltas), sorted({helper for delta in deltas.values() for helper in delta}))
    kept: list[PlaceHelper] = []
    for place, delta in deltas.items():
        row = stock.get(place) or stock.setdefault(place, PlaceStock(region_id=place))
        gone = []
        for helper, n in delta.items():
            before = held[place].get(helper, 0)
            after = before + n
            row.helpers += (after > 0) - (before > 0)
            if after:
                kept.append(PlaceHelper(region_id=place, helper_id=helper, pairings=after))
            elif before:
                gone.append(helper)
        if gone:
            PlaceHelper.objects.filter(region_id=place, helper_id__in=gone).delete()
        touched[place] = row
    PlaceHelper.objects.bulk_create(
        kept,
        batch_size=CHUNK,
        update_conflicts=True,
        unique_fields=["region", "helper"],
        update_fields=["pairings"],
    )


def _own_months(
    codes: list[str] | None, ruled: set[str], months: list[datetime.date] | None = None
) -> dict[tuple[str, datetime.date], PlaceMonth]:
    """The places' own month figures, in ``months`` or in every month."""
    rows: dict[tuple[str, datetime.date], PlaceMonth] = {}
    in_months = within_months("month", months, dates=True)

    def row(code: str, month: datetime.date) -> PlaceMonth:
        if (code, month) not in rows:
            rows[code, month] = PlaceMonth(region_id=code, month=month)
        return rows[code, month]

    for where in _in("region_id", codes):
        for values in (
            VisitMonth.objects.filter(where, in_months)
            .values("region_id", "month")
            .annotate(**{name: Sum(name) for name in FLOWS})
            .order_by()
        ):
            target = row(values.pop("region_id"), values.pop("month"))
            for name, value in values.items():
                setattr(target, name, value or 0)
        for code, day, n in (
            Visit.objects.filter(where, within_months("visited_at", months, dates=False))
            .annotate(day=_local_day())
            .values_list("region_id", "day")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            row(code, day.replace(day=1)).by_day[str(day.day)] = n  # one group a day
    # Paired households by their own place (as the schedules count them), with a month's
    # home visits or fixed days met; those with neither are the rest of ``scheduled``.
    for where in _in("household__region_id", codes):
        for code, month, home, n, met in (
            VisitMonth.objects.filter(where, in_months)
            .filter(Q(home_visits__gt=0) | Q(fixed_days_met__gt=0))
            .filter(
                household__closed_on=None,
                household__status__in=NEEDS_HELPER,
            )
            .filter(has_helper_now("household_id"))
            .values_list("household__region_id", "month", "home_visits")
            .annotate(n=Count("pk"), met=Sum("fixed_days_met"))
            .order_by()
        ):
            target, place = row(code, month), rule_place(code, ruled)
            merge(target.home_visits_of_scheduled, {place: {str(home): n}})
            if met:
                merge(target.fixed_days_met, {place: met})
    _own_team_months(codes, months, row)
    for code, month, name, part in (
        *health_rollups.own_months(codes, months),
        *monitoring_rollups.own_months(codes, months),
        *check_rollups.own_months(codes, months),
        *project_rollups.own_months(codes, months),
    ):
        _add_part(row(code, month), name, part)
    return rows


def _own_team_months(codes: list[str] | None, months: list[datetime.date] | None, row) -> None:
    """The members' month roll-ups added up (days counted, by which days count) and the
    meetings held, of the places' own records."""
    ruled = team_rule_places()
    for where in _in("region_id", codes):
        for code, month, here, official, leave, start, end in (
            MemberMonth.objects.filter(where, within_months("month", months, dates=True))
            .values_list(
                "region_id",
                "month",
                "days_in_village",
                "days_official",
                "days_leave",
                "member__started_on",
                "member__ended_on",
            )
            .order_by()
            .iterator(chunk_size=CHUNK * 4)
        ):
            target = row(code, month)
            target.leave_days += leave
            if start > month or (end is not None and end < month):
                continue  # not in post from the month's first day: not judged in it
            last = next_month(month) - datetime.timedelta(days=1)
            ending = f"|{end.day}" if end is not None and end < last else ""
            counted = {
                "v": here,
                "vo": here + official,
                "vl": here + leave,
                "vol": here + official + leave,
            }
            merge(
                target.residence,
                {
                    rule_place(code, ruled): {
                        which: {f"{days}{ending}": 1} for which, days in counted.items()
                    }
                },
            )
        for code, month, n in (
            Meeting.objects.filter(where, within_months("held_on", months, dates=True))
            .annotate(month=TruncMonth("held_on"))
            .values_list("region_id", "month")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            row(code, month_of(month)).meetings += n


def _own_supervision(codes: list[str] | None) -> dict[str, dict[datetime.date, SupervisionMonth]]:
    """The places' own supervision figures, every month (``supervision.rollups``)."""
    rows: dict[str, dict[datetime.date, SupervisionMonth]] = defaultdict(dict)
    for code, month, part in supervision_rollups.own_months(codes):
        if month not in rows[code]:
            rows[code][month] = SupervisionMonth(region_id=code, month=month)
        for name, value in part.items():
            _add_part(rows[code][month], name, value)
    return rows


# ---------------------------------------------------------------------------------------------
# Places and the places above them


def _with_places_above(codes: set[str]) -> dict[str, str | None]:
    """These places and every place above them that exists: code → parent."""
    wanted = {above for code in codes for above in ancestor_codes(code)}
    found: dict[str, str | None] = {}
    for where in _in("code", sorted(wanted)):
        found.update(Region.objects.filter(where).values_list("code", "parent_id"))
    return found


def _months_by_place(rows: Iterable[PlaceMonth]) -> dict[str, dict[datetime.date, PlaceMonth]]:
    found: dict[str, dict[datetime.date, PlaceMonth]] = defaultdict(dict)
    for row in rows:
        found[row.region_id][row.month] = row
    return found


def _months_up(
    model: type[MonthRow],
    months: dict[str, dict[datetime.date, MonthRow]],
    places: list[tuple[str, int, str | None]],
) -> None:
    """Add every place's month rows into its parent's, deepest places first, so that each
    row comes to cover everything at or under its place."""
    for code, _level, parent in sorted(places, key=lambda place: -place[1]):
        if parent is None:
            continue
        for month, part in months.get(code, {}).items():
            if month not in months[parent]:
                months[parent][month] = model(region_id=parent, month=month)
            add(months[parent][month], part)


def _rebuild_months(
    model: type[MonthRow], months: dict[str, dict[datetime.date, MonthRow]]
) -> None:
    model.objects.all().delete()
    model.objects.bulk_create(
        [row for rows in months.values() for row in rows.values() if not _empty(row)],
        batch_size=CHUNK,
    )


def _build_everything() -> None:
    """Every place's rows from its own records and its children's rows, deepest first."""
    ruled = rule_places()
    stock = _own_stock(None, ruled)
    months = _months_by_place(_own_months(None, ruled).values())
    places: list[tuple[str, int, str | None]] = list(
        Region.objects.values_list("code", "level", "parent_id")
    )
    _build_helpers({code: parent for code, _level, parent in places}, stock)
    for code, _level, parent in sorted(places, key=lambda place: -place[1]):
        if parent is not None and code in stock:
            if parent not in stock:
                stock[parent] = PlaceStock(region_id=parent)
            add(stock[parent], stock[code])
    _months_up(PlaceMonth, months, places)
    PlaceStock.objects.all().delete()
    PlaceStock.objects.bulk_create(
        [row for row in stock.values() if not _empty(row)], batch_size=CHUNK
    )
    faults.point("place_rollups.halfway")  # places' stock rewritten, their months not
    _rebuild_months(PlaceMonth, months)
    _build_supervision(places)


def _build_supervision(places: list[tuple[str, int, str | None]] | None = None) -> None:
    """Every place's supervision month rows from its own records and its children's rows."""
    if places is None:
        places = list(Region.objects.values_list("code", "level", "parent_id"))
    months = _own_supervision(None)
    _months_up(SupervisionMonth, months, places)
    _rebuild_months(SupervisionMonth, months)


def _change(new: Row, old: Row | None, children: Iterable[Row]) -> Row:
    """How a place's own figures changed: afresh, less what its stored row held beyond its
    children's stored rows."""
    if old is not None:
        add(new, old, -1)
    for child in children:
        add(new, child)
    return new


Changes = dict[str, set[datetime.date] | None]


def refresh(changes: Changes) -> None:
    """Compute the own figures of the changed places afresh and carry each change up to every
    place above them: places written as a whole (a household, a pairing) in everything,
    places whose visits changed in the months that changed. Stored rows are read for these
    places, their children and the places above: a few rows a written place, whatever the
    size of the province."""
    whole = sorted(code for code, months in changes.items() if months is None)
    some = {code: months for code, months in changes.items() if months is not None}
    if whole:
        _refresh(whole, None)
    if some:
        _refresh(sorted(some), sorted(set().union(*some.values())))


def _refresh(codes: list[str], only: list[datetime.date] | None) -> None:
    """Refresh these places in the months ``only``, or their standing and every month."""
    places = _with_places_above(set(codes))
    written = [code for code in codes if code in places]
    if not written:
        return
    ruled = rule_places()
    fresh_stock = _own_stock(written, ruled) if only is None else {}
    fresh_months = _months_by_place(_own_months(written, ruled, only).values())
    children = _children_of(written)
    wanted = sorted(set(places) | {child for kids in children.values() for child in kids})
    stock: dict[str, PlaceStock] = {}
    months: dict[str, dict[datetime.date, PlaceMonth]] = defaultdict(dict)
    for where in _in("region_id", wanted):
        if only is None:
            stock.update((row.region_id, row) for row in PlaceStock.objects.filter(where))
        for row in PlaceMonth.objects.filter(where, within_months("month", only, dates=True)):
            months[row.region_id][row.month] = row
    # Every change is worked out from the rows as stored before any is carried up.
    stock_changes: list[tuple[str, PlaceStock]] = []
    for code in written:
        kids = children[code]
        if only is None:
            stock_changes.append(
                (
                    code,
                    _change(
                        fresh_stock.get(code) or PlaceStock(region_id=code),
                        stock.get(code),
                        [stock[kid] for kid in kids if kid in stock],
                    ),
                )
            )
    month_changes = _month_changes(PlaceMonth, written, fresh_months, months, children)
    helper_changes = _helper_changes(written, children) if only is None else {}
    touched_stock: dict[str, PlaceStock] = {}
    for code, change in stock_changes:
        for place in _up_from(code, places) if not _empty(change) else []:
            row = stock.get(place) or stock.setdefault(place, PlaceStock(region_id=place))
            add(row, change)
            touched_stock[place] = row
    _carry_helpers(helper_changes, places, stock, touched_stock)
    _store(PlaceStock, list(touched_stock.values()), ["region"])
    _carry_months(PlaceMonth, month_changes, months, places)


def _children_of(codes: list[str]) -> dict[str, list[str]]:
    children: dict[str, list[str]] = defaultdict(list)
    for where in _in("parent_id", codes):
        for code, parent in Region.objects.filter(where).values_list("code", "parent_id"):
            children[parent].append(code)
    return children


def _month_changes(
    model: type[MonthRow],
    written: list[str],
    fresh: dict[str, dict[datetime.date, MonthRow]],
    months: dict[str, dict[datetime.date, MonthRow]],
    children: dict[str, list[str]],
) -> list[tuple[str, MonthRow]]:
    """How each written place's own month figures changed, month by month (``_change``),
    worked out from the rows as stored before any is carried up."""
    changes = []
    for code in written:
        kids = children[code]
        stored = set(months[code]) | {month for kid in kids for month in months[kid]}
        for month in stored | set(fresh[code]):
            changes.append(
                (
                    code,
                    _change(
                        fresh[code].get(month) or model(region_id=code, month=month),
                        months[code].get(month),
                        [months[kid][month] for kid in kids if month in months[kid]],
                    ),
                )
            )
    return changes


def _carry_months(
    model: type[MonthRow],
    changes: list[tuple[str, MonthRow]],
    months: dict[str, dict[datetime.date, MonthRow]],
    places: dict[str, str | None],
) -> None:
    """Carry each change up to every place above and store the rows it touched."""
    touched: dict[tuple[str, datetime.date], MonthRow] = {}
    for code, change in changes:
        for place in _up_from(code, places) if not _empty(change) else []:
            month = change.month
            if month not in months[place]:
                months[place][month] = model(region_id=place, month=month)
            add(months[place][month], change)
            touched[place, month] = months[place][month]
    _store(model, list(touched.values()), ["region", "month"])


def refresh_supervision(codes: list[str]) -> None:
    """Compute the supervision figures of these places afresh, every month of them, and carry
    each change up to every place above: a few rows a written place and month."""
    places = _with_places_above(set(codes))
    written = [code for code in codes if code in places]
    if not written:
        return
    fresh = _own_supervision(written)
    children = _children_of(written)
    wanted = sorted(set(places) | {child for kids in children.values() for child in kids})
    months: dict[str, dict[datetime.date, SupervisionMonth]] = defaultdict(dict)
    for where in _in("region_id", wanted):
        for row in SupervisionMonth.objects.filter(where):
            months[row.region_id][row.month] = row
    changes = _month_changes(SupervisionMonth, written, fresh, months, children)
    _carry_months(SupervisionMonth, changes, months, places)


def _up_from(code: str, parents: dict[str, str | None]) -> Iterator[str]:
    """The place and every place above it."""
    place: str | None = code
    while place is not None:
        yield place
        place = parents.get(place)


def _store(model: type[Row], rows: list[Row], unique: list[str]) -> None:
    """Write changed rows: those that came to nothing are deleted, the rest written over."""
    gone = [row.pk for row in rows if _empty(row) and row.pk is not None]
    if gone:
        model.objects.filter(pk__in=gone).delete()
    kept = [row for row in rows if not _empty(row)]
    if kept:
        model.objects.bulk_create(
            kept,
            batch_size=CHUNK,
            update_conflicts=True,
            unique_fields=unique,
            update_fields=_figures(kept[0]),
        )


def rebuild() -> int:
    """Every row from the records; answers how many places have figures."""
    with transaction.atomic():
        head, _created = RollupHead.objects.select_for_update().get_or_create(pk=1)
        head.last_seq = _audited_up_to()
        _build_everything()
        head.save(update_fields=["last_seq"])
    return PlaceStock.objects.count()


def _audited_up_to() -> int:
    return AuditHead.objects.filter(pk=1).values_list("last_seq", flat=True).first() or 0


def _months_named(states: list[dict]) -> set[datetime.date]:
    """The months of the visit times and problem days in audited states."""
    found = set()
    for state in states:
        for name in VISIT_DAYS:
            value = state.get(name)
            if not isinstance(value, str):
                continue
            moment = parse_datetime(value)
            if moment is not None and timezone.is_aware(moment):
                found.add(month_of(timezone.localtime(moment).date()))
            elif day := parse_date(value[:10]):
                found.add(month_of(day))
    return found


def _team_months_named(states: list[dict]) -> set[datetime.date]:
    """The months of the days a check-in, a register entry or a leave request names (a
    leave request's every month from its first day to its last)."""
    days = []
    for state in states:
        for name in TEAM_DAYS:
            value = state.get(name)
            if not isinstance(value, str):
                continue
            moment = parse_datetime(value)
            if moment is not None and timezone.is_aware(moment):
                days.append(timezone.localtime(moment).date())
            elif day := parse_date(value[:10]):
                days.append(day)
    if not days:
        return set()
    found, month = set(), month_of(min(days))
    while month <= max(days):
        found.add(month)
        month = next_month(month)
    return found


def changed_places(after: int, up_to: int) -> Changes:
    """The places written between two audit entries, each with the months its visits or
    problems changed in, or None when more changed (a household, a pairing, a helper); for
    a changed visit rule, every place under the rule's place. The national export reads it
    too, to rewrite only what changed."""
    entries = AuditEntry.objects.filter(seq__gt=after, seq__lte=up_to).filter(
        Q(
            *[Q(action__startswith=prefix) for prefix in CHANGING],
            Q(object_type__startswith=TEAMS_RECORDS),
            Q(object_type__startswith=check_rollups.RECORDS),
            Q(object_type__startswith=project_rollups.RECORDS),
            _connector=Q.OR,
        )
    )
    changed: Changes = {}
    by_household: dict[int, list[set[datetime.date] | None]] = {}
    moved_from: set[str] = set()  # numbers of the households members moved out of
    projects: set[int] = set()  # projects written, whose beneficiaries' places change too

    def mark(code: str, months: set[datetime.date] | None) -> None:
        known = changed.get(code, set())
        changed[code] = None if months is None or known is None else known | months

    def mark_under(code: str) -> None:
        """Every place at or under ``code``, as a whole."""
        for place in _places_under(code):
            mark(place, None)

    for action, kind, code, object_id, before, after_state in (
        entries.exclude(action__in=NO_FIGURES)
        .values_list("action", "object_type", "region_code", "object_id", "before", "after")
        .order_by()
        .iterator()
    ):
        states = [state for state in (before, after_state) if isinstance(state, dict)]
        if action.startswith("policy."):
            ruling = (
                *RULES,
                *TEAM_RULES,
                *health_rollups.RULES,
                *ASSISTANCE_RULES,
                *check_rollups.RULES,
                *project_rollups.RULES,
            )
            if any(state.get("key") in ruling for state in states):
                mark_under(code)
            continue
        if kind.startswith(check_rollups.RECORDS):
            # A snapshot or problem list is the county's; its differences are its villages'.
            mark_under(code)
            continue
        if kind.startswith(project_rollups.RECORDS):
            # A project (or what hangs on it) moved to another place leaves figures behind at
            # the old; a project's stage or year counts at its beneficiaries' places too.
            for place in (code, *(state.get("region") for state in states)):
                if isinstance(place, str):
                    mark(place, None)
            if kind == "projects.project" and object_id.isdigit():
                projects.add(int(object_id))
            continue
        if kind in TEAM_MONTHLY:
            months = _team_months_named(states) or None
        elif action.startswith(VISIT_ACTIONS) and not kind.startswith(TEAMS_RECORDS):
            months = _months_named(states) or None
        else:
            months = None
        mark(code, months)
        if action == "member.move":
            moved_from.update(
                state["household"] for state in states if isinstance(state.get("household"), str)
            )
        for state in states:
            # A household or a team moved to another place leaves figures behind at the old.
            moved = action.startswith("household.") or kind == "teams.team"
            if moved and isinstance(state.get("region"), str):
                mark(state["region"], None)
            # A pairing or visit keeps the place its household had when it was made.
            if isinstance(state.get("household"), int):
                by_household.setdefault(state["household"], []).append(months)
    for household_id, code in Household.objects.filter(pk__in=list(by_household)).values_list(
        "pk", "region_id"
    ):
        for months in by_household[household_id]:
            mark(code, months)
    for code in Household.objects.filter(number__in=sorted(moved_from)).values_list(
        "region_id", flat=True
    ):
        mark(code, None)
    for code in project_rollups.places_of_projects(projects):
        mark(code, None)
    changed.pop("", None)
    return changed


MOVES_SURVEYS = "household."  # a household's move, audited with its place before and after


def _places_under(code: str) -> list[str]:
    """Every place at or under ``code``."""
    region = Region.objects.filter(code=code).values_list("level", flat=True).first()
    if region is None:
        return []
    lo, hi = code_range(code, region)
    return list(Region.objects.filter(code__gte=lo, code__lt=hi).values_list("code", flat=True))


def supervision_written(after: int, up_to: int) -> set[str]:
    """The places whose supervision figures the writes between two audit entries changed:
    the entry's place, or for a sample drawn or scores published every place under it, and
    the places a household moved from and to (its surveys follow it)."""
    written: set[str] = set()
    for action, code, before, after_state in (
        AuditEntry.objects.filter(seq__gt=after, seq__lte=up_to)
        .filter(Q(action__in=supervision_rollups.ACTIONS) | Q(action__startswith=MOVES_SURVEYS))
        .values_list("action", "region_code", "before", "after")
        .order_by()
        .iterator()
    ):
        if action.startswith(MOVES_SURVEYS):
            # A household moved takes its surveys with it (``surveys_follow_household``).
            places = {
                state.get("region") for state in (before, after_state) if isinstance(state, dict)
            }
            if len(places) > 1:
                written.update(place for place in places if isinstance(place, str))
            continue
        written.update(_places_under(code) if action in supervision_rollups.UNDER else [code])
    written.discard("")
    return written


def catch_up() -> None:
    """Bring the rows up to the last audited write; nothing to do costs one small read."""
    audited = Coalesce(Subquery(AuditHead.objects.filter(pk=1).values("last_seq")), 0)
    if RollupHead.objects.filter(pk=1, last_seq__gte=audited).exists():
        return
    with transaction.atomic():
        head, created = RollupHead.objects.select_for_update().get_or_create(pk=1)
        target = _audited_up_to()
        if not created and head.last_seq >= target:
            return  # another request caught up meanwhile
        changed = changed_places(head.last_seq, target) if not created else None
        if changed is None or len(changed) > MOST_PLACES:
            _build_everything()
        else:
            if changed:
                refresh(changed)
            supervised = supervision_written(head.last_seq, target)
            if len(supervised) > MOST_PLACES:
                _build_supervision()
            elif supervised:
                refresh_supervision(sorted(supervised))
        head.last_seq = target
        head.save(update_fields=["last_seq"])
