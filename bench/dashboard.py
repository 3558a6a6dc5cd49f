"""Dashboard at province scale: figures from the place roll-ups against the visit rows.

    .venv/bin/python bench/dashboard.py [--households 1000000] [--months 12]
        [--visits-per-month 4] [--keep DIR] [--repeat 7] [--budget 60]
        [--rollups auto|rebuild|sql] [--profile] [--build-only] [--catch-up 400]

Builds a province-shaped place tree (as bench/registry_list.py: 5 cities, 50 counties, 500
townships, 10,000 villages) and N open households in a fresh SQLite database, village by
village; one helper for about four households that need one, paired with them as main
helper since 2025-01-01; the fixed assistance day 每周四 set on the province (as the seed's
district has it); for the last ``--months`` whole months before today, ``--visits-per-month``
visits to each paired household (mostly home visits on the month's Thursdays, the rest on
other weekdays, in working hours; some with goods, money or a job found), a follow-up
problem on about one visit in a hundred (most solved some days later), then the month
roll-ups. Rows go in with plain INSERTs (a million households and tens of millions of
visits through the ORM would take hours); what is timed goes through the real code. The
same builder (``build_province``) loads PostgreSQL too, by COPY, for bench/visit_peak.py's
``--province``; this bench's own timings are SQLite's.

Roll-ups: ``rollups.rebuild()`` (what ``manage.py rebuild_rollups`` runs) up to
``REBUILD_UP_TO`` households, else one set-based INSERT … SELECT … GROUP BY of this file
(``choose_rollups`` says why); either way the stored rows of a sample of households are
compared with ``rollups.compute`` for them, and a difference stops the run. Then every
place's roll-ups by ``reports.rollups.rebuild()`` (what ``manage.py rebuild_place_rollups``
runs), timed. ``--keep DIR`` keeps the database; a second run with the same DIR skips the
build.

Then, for a user holding the province and one holding a county, it times the dashboard page
(``/reports/?place=…``) through Django's full request path (the test Client: middleware,
scoping, view, template) for the last month and for the last three months: p50 and p95
over ``--repeat`` runs after one warm-up (a case past ``--budget`` seconds stops after three
runs). The province page's warm-up is also timed statement by statement, and with
``--profile`` run under cProfile, to show where its time goes. In the same run it
computes the same figures straight from the records (``reports.selectors.source_figures``:
households, pairings, helpers, and each paired household's home visits, visits and problems
from their rows), compares every one with the page's (``Figures(...).values``), and prints
two ratios: source rows against the whole page (which does more than the figures: charts,
drill-down table, template), and source rows against ``Figures(...).values`` alone (like
with like).

Last, what reads pay for writes: ``--catch-up`` visits logged through ``visit_record``, each
in another village, then the time ``reports.rollups.catch_up()`` takes to carry them into the
place roll-ups, and the province page after it (a measurement, no target); then a household
in each of those villages given the next village's helper as a second helper, the catch-up
after that (households, pairings and helpers counted again) and the province's helpers from
the roll-ups against the pairings. With ``--keep`` these visits and pairings stay in the kept
database (the next run's figures include them).

Targets: the dashboard's p50 under 100 ms for the province and for a county; the figures
from roll-ups at least 100× faster than from the source rows. A miss still exits 0 (this is
a measurement); only a harness that could not measure exits non-zero.
"""

import argparse
import cProfile
import datetime
import io
import json
import math
import pstats
import random
import re
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from province import DB_NAME, PROVINCE, build_places, setup_django

TARGET_P50_MS, TARGET_RATIO = 100, 100
PAIRED_SINCE = datetime.date(2025, 1, 1)
FIXED_DAYS = "每周四"
REBUILD_UP_TO = 100_000  # above this, roll-ups are built by SQL (see choose_rollups)
SAMPLE_HOUSEHOLDS = 200  # roll-up rows compared with rollups.compute
MIN_RUNS = 3  # timed runs kept even when a case is over its time budget
CHUNK = 100_000  # rows an INSERT batch
META_NAME = "bench.json"
NOTES = [
    "送米面油，讲解政策",
    "了解家庭收入情况",
    "询问病情，讲解医保",
    "查看住房安全",
    "宣讲就业政策",
]
PROBLEMS = ["屋顶漏雨", "孩子上学交通不便", "慢性病报销未到账", "饮水管道冻裂", "缺少务工信息"]
SURNAMES, GIVEN = "王李张刘陈杨赵黄周吴马郭何高罗梁", "建国军华明秀英丽芳强伟平红梅兰志刚海燕"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=12, help="whole months of visits")
    parser.add_argument("--visits-per-month", type=int, default=4, help="a paired household")
    parser.add_argument(
        "--keep", help="build in this folder and keep it; a folder already built is reused"
    )
    parser.add_argument("--repeat", type=int, default=7, help="timed runs a case (p50, p95)")
    parser.add_argument(
        "--budget",
        type=float,
        default=60.0,
        help=f"seconds of timed runs a case: past it, stop after {MIN_RUNS} runs (default 60)",
    )
    parser.add_argument(
        "--rollups",
        choices=["auto", "rebuild", "sql"],
        default="auto",
        help=f"rollups.rebuild() or set-based SQL; auto: rebuild up to {REBUILD_UP_TO:,} "
        "households",
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the province page's warm-up request"
    )
    parser.add_argument(
        "--build-only", action="store_true", help="build (or find) the data set, time nothing"
    )
    parser.add_argument(
        "--catch-up",
        type=int,
        default=400,
        help="visits logged in as many villages before timing the place roll-ups' catch-up",
    )
    args = parser.parse_args()
    if args.households < 1 or not 1 <= args.months <= 24 or args.visits_per_month < 1:
        parser.error("--households ≥ 1, --months 1 to 24, --visits-per-month ≥ 1")
    if args.repeat < 1:
        parser.error("--repeat ≥ 1")
    return args


# ---------------------------------------------------------------------------------------------
# Building the data set


def insert(model, columns: list[str], rows: Iterable[tuple], **constant) -> int:
    """Plain INSERTs of ``rows`` (values of ``columns``, attnames, in that order); every other
    field takes ``constant`` or its default, prepared once by its field. Call inside a
    transaction. On PostgreSQL the rows go in by COPY; explicit ids leave the table's sequence
    behind, so a build that gives them ends with ``reset_sequences``."""
    from django.db import connection
    from django.db.models.fields import AutoFieldMixin

    by_name = {f.attname: f for f in model._meta.concrete_fields}
    unknown = [name for name in [*columns, *constant] if name not in by_name]
    if unknown:
        raise ValueError(f"{model.__name__} has no field {unknown}")
    template = model(**constant)
    rest = [
        f
        for f in model._meta.concrete_fields
        if f.attname not in columns and not isinstance(f, AutoFieldMixin)
    ]
    tail = tuple(f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in rest)
    names = ", ".join(connection.ops.quote_name(by_name[c].column) for c in columns)
    names += "".join(", " + connection.ops.quote_name(f.column) for f in rest)
    table = connection.ops.quote_name(model._meta.db_table)
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        count = 0
        with (
            connection.connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row + tail)
                count += 1
        return count
    marks = ", ".join("?" * (len(columns) + len(rest)))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
    cursor = connection.connection.executemany(sql, (row + tail for row in rows))
    return cursor.rowcount


def reset_sequences() -> None:
    """PostgreSQL: every table's id sequence past the ids the build gave, so that the rows
    written afterwards through the services get ids of their own (SQLite needs nothing)."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(statement)


def last_months(count: int, today: datetime.date) -> list[datetime.date]:
    """The ``count`` whole months before this one, oldest first."""
    months, month = [], today.replace(day=1)
    for _ in range(count):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        months.append(month)
    return months[::-1]


def build_people(county: str):
    """The two readers (province, one county) and the rule of fixed days; answers the
    province user, who also stands as the staff member who typed and solved things."""
    from bangfu.accounts.models import RoleGrant, User
    from bangfu.core.services import policy_set

    province = User.objects.create_user("province", full_name="省级", password="x")
    province.places.set([PROVINCE])
    RoleGrant.objects.create(user=province, role="county_admin")
    county_user = User.objects.create_user("county", full_name="县级", password="x")
    county_user.places.set([county])
    RoleGrant.objects.create(user=county_user, role="leader")
    province = User.objects.get(pk=province.pk)
    policy_set(
        actor=province,
        region_code=PROVINCE,
        key="visits.fixed_days",
        value=FIXED_DAYS,
        valid_from=datetime.date(2024, 1, 1),
    )
    return province


def build_registry(households: int, villages: list[str]) -> list[tuple[int, int, str]]:
    """Households village by village, units, helpers and pairings; answers the pairings
    (household, helper, place), in household order."""
    from django.db import transaction

    from bangfu.core.models import Code
    from bangfu.pairing.models import Helper, Pairing, Unit
    from bangfu.pairing.selectors import NEEDS_HELPER
    from bangfu.registry.models import Household

    codes = {(c.kind, c.value): c.pk for c in Code.objects.all()}
    causes = [codes[("poverty_cause", v)] for v in ("1", "1", "1", "2", "2", "3", "7", "8", "9")]
    # Mostly out of poverty under policy or monitored; one in twenty cleared of risk, who
    # needs no helper (coverage and the schedules leave them out).
    statuses = ["out_with_policy"] * 16 + ["monitored"] * 3 + ["risk_cleared"]
    monitoring = [codes[("monitoring_type", v)] for v in ("1", "2", "3")]
    townships = sorted({v[:9] + "000" for v in villages})
    with transaction.atomic():
        insert(
            Unit,
            ["id", "name", "region_id"],
            [(i + 1, f"{code[:9]}镇帮扶工作队", code) for i, code in enumerate(townships)],
            kind="government",
            level="township",
        )
    unit_of = {code: i + 1 for i, code in enumerate(townships)}
    rows, helpers, pairings = [], [], []
    household_id = 0
    for index, village in enumerate(villages):
        here = (index + 1) * households // len(villages) - index * households // len(villages)
        waiting: list[int] = []  # this village's paired households not yet given a helper
        for serial in range(here):
            household_id += 1
            status = statuses[household_id % len(statuses)]
            rows.append(
                (
                    household_id,
                    f"{village}{serial + 1:04d}",
                    village,
                    causes[household_id % len(causes)],
                    2014 + household_id % 3,
                    status,
                    monitoring[household_id % 3] if status == "monitored" else None,
                )
            )
            if status in NEEDS_HELPER:
                waiting.append(household_id)
            if waiting and (len(waiting) == 4 or serial == here - 1):
                helper_id = len(helpers) + 1
                name = SURNAMES[helper_id % len(SURNAMES)] + GIVEN[helper_id % len(GIVEN)]
                helpers.append(
                    (helper_id, name, f"139{helper_id:08d}", village, unit_of[village[:9] + "000"])
                )
                pairings += [(member, helper_id, village) for member in waiting]
                waiting = []
    with transaction.atomic():
        insert(
            Household,
            [
                "id",
                "number",
                "region_id",
                "main_cause_id",
                "year_identified",
                "status",
                "monitoring_type_id",
            ],
            rows,
            attribute_id=codes[("household_attribute", "1")],
            standard_id=codes[("identification_standard", "1")],
        )
        insert(Helper, ["id", "name", "phone", "region_id", "unit_id"], helpers)
        insert(
            Pairing,
            ["household_id", "helper_id", "region_id"],
            pairings,
            is_main=True,
            started_on=PAIRED_SINCE,
        )
    print(
        f"  {households:,} households, {len(helpers):,} helpers, {len(pairings):,} pairings",
        flush=True,
    )
    return pairings


def utc_offset(months: list[datetime.date]) -> datetime.timedelta:
    """The local time's offset from UTC over the months (visits are stored in UTC); a zone
    that changes its offset within them is not what this builder knows how to write."""
    from django.utils import timezone

    zone = timezone.get_current_timezone()
    days = [months[0], months[-1] + datetime.timedelta(days=40)]
    offsets = {zone.utcoffset(datetime.datetime.combine(day, datetime.time())) for day in days}
    if len(offsets) != 1:
        raise RuntimeError(f"the time zone {zone} changes its offset within the months")
    return offsets.pop()


def build_visits(
    pairings: list[tuple[int, int, str]],
    months: list[datetime.date],
    per_month: int,
    recorder_id: int,
    rng: random.Random,
) -> tuple[int, int]:
    """Visits to every paired household in each month, with a problem now and then."""
    from django.db import transaction
    from django.utils import timezone

    from bangfu.visits.models import Problem, Visit
    from bangfu.visits.schedule import month_schedule

    today = timezone.localdate()
    offset = utc_offset(months)
    # Working hours, local, as the UTC text Django stores ("YYYY-MM-DD HH:MM:SS"): a visit's
    # day and time are picked separately, and 08:00-17:59 local stays within one UTC day
    # for offsets from 0 to +8 hours (checked).
    hours = int(offset.total_seconds() // 3600)
    if offset.total_seconds() % 3600 or not 0 <= hours <= 8:
        raise RuntimeError(f"a UTC offset of {offset} is not what this builder writes")
    clock = [f"{8 + m // 60 - hours:02d}:{m % 60:02d}:00" for m in range(600)]
    fixed, weekdays = {}, {}
    for month in months:
        fixed[month] = [str(d) for d in month_schedule(PROVINCE, month).fixed.dates]
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        days = [month + datetime.timedelta(n) for n in range((following - month).days)]
        weekdays[month] = [str(d) for d in days if d.weekday() < 5]
    columns = [
        "id",
        "client_id",
        "helper_id",
        "household_id",
        "region_id",
        "visited_at",
        "kind",
        "notes",
        "goods_value",
        "money_value",
        "jobs_found",
        "latitude",
        "longitude",
        "accuracy_m",
        "distance_m",
        "recorded_at",
    ]
    visits: list[tuple] = []
    problems: list[tuple] = []
    visit_id = problem_count = 0
    random_ = rng.random

    def flush() -> None:
        with transaction.atomic():
            insert(Visit, columns, visits, recorded_by_id=recorder_id)
            insert(
                Problem,
                ["household_id", "region_id", "visit_id", "description", "found_on"]
                + ["solved_on", "solved_by_id", "solution"],
                problems,
            )
        visits.clear()
        problems.clear()

    for done, (household_id, helper_id, village) in enumerate(pairings, 1):
        lat, lon = 33.0 + household_id % 997 * 0.002, 107.0 + household_id % 991 * 0.003
        for month in months:
            thursdays, others = fixed[month], weekdays[month]
            when = sorted(
                (
                    thursdays[slot]
                    if slot < len(thursdays) and random_() < 0.8
                    else others[int(random_() * len(others))]
                )
                + " "
                + clock[int(random_() * 600)]
                for slot in range(per_month)
            )
            for at in when:
                visit_id += 1
                roll = random_()
                kind = "home" if roll < 0.94 else "phone" if roll < 0.98 else "online"
                roll = random_()
                goods = (50, 100, 150.5, 200)[visit_id % 4] if roll < 0.15 else 0
                money = (200, 500, 1000)[visit_id % 3] if roll < 0.03 else 0
                jobs = 1 if roll < 0.005 else 0
                home = kind == "home"
                visits.append(
                    (
                        visit_id,
                        f"{visit_id:032x}",  # a UUID's 32 hex digits, as Django stores it
                        helper_id,
                        household_id,
                        village,
                        at,
                        kind,
                        NOTES[visit_id % len(NOTES)],
                        goods,
                        money,
                        jobs,
                        round(lat + visit_id % 7 * 0.00003, 6) if home else None,
                        round(lon + visit_id % 5 * 0.00003, 6) if home else None,
                        (10, 20, 35)[visit_id % 3] if home else None,
                        visit_id % 60 + 5 if home else None,
                        at,
                    )
                )
                if random_() < 0.01:
                    problem_count += 1
                    found = datetime.date.fromisoformat(at[:10])
                    solved = found + datetime.timedelta(days=3 + visit_id % 40)
                    if visit_id % 5 < 3 and solved <= today:
                        problems.append(
                            (household_id, village, visit_id, PROBLEMS[visit_id % 5], found)
                            + (solved, recorder_id, "已协调解决")
                        )
                    else:
                        problems.append(
                            (household_id, village, visit_id, PROBLEMS[visit_id % 5], found)
                            + (None, None, "")
                        )
        if len(visits) >= CHUNK:
            flush()
            print(f"  {done:>9,} households' visits", end="\r", flush=True)
    flush()
    return visit_id, problem_count


def choose_rollups(choice: str, households: int) -> str:
    """The real ``rollups.rebuild()`` where it finishes in minutes, the set-based statement
    above that. Measured on this machine (2 shared cores), rebuild took 146 s for 20,000
    households (0.9 M visits) and 247 s for 100,000 (4.6 M): about 120 s of month schedules
    (one policy query and holiday calendar a village and month, whatever the households)
    plus some 28 µs a visit read through the ORM, so about 6 minutes at 200,000 and 23 at a
    million. The statement took 13 s at 100,000 and wrote the very rows rebuild() had
    written (every row compared)."""
    if choice != "auto":
        return choice
    return "rebuild" if households <= REBUILD_UP_TO else "sql"


def rollups_by_sql(months: list[datetime.date]) -> int:
    """Every roll-up row in two statements: visits grouped by household and local month,
    then problems found and solved by month, merged in. The fixed days are the province's,
    the only rule set here (the sample check compares with ``compute``, which reads each
    village's own)."""
    from django.db import connection, transaction

    from bangfu.visits.schedule import month_schedule

    hours = int(utc_offset(months).total_seconds() // 3600)
    if connection.vendor == "postgresql":
        local = f"(v.visited_at AT TIME ZONE 'UTC' + interval '{hours} hours')"
        local_day, day_type = f"{local}::date", "date"
        local_month = f"date_trunc('month', {local})::date"

        def month_of(column: str) -> str:
            return f"date_trunc('month', {column})::date"
    else:
        local_day, day_type = f"date(v.visited_at, '{hours:+d} hours')", "text"
        local_month = f"date(v.visited_at, '{hours:+d} hours', 'start of month')"

        def month_of(column: str) -> str:
            return f"date({column}, 'start of month')"

    fixed_days = {
        str(day) for month in months for day in month_schedule(PROVINCE, month).fixed.dates
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM visits_visitmonth")
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS bench_fixed_day (day {day_type} PRIMARY KEY)"
        )
        cursor.execute("DELETE FROM bench_fixed_day")
        cursor.executemany(
            "INSERT INTO bench_fixed_day (day) VALUES (%s)", [(d,) for d in sorted(fixed_days)]
        )
        cursor.execute(
            f"""
            INSERT INTO visits_visitmonth (household_id, region_id, month, visits, home_visits,
                fixed_days_met, last_visit_at, problems_found, problems_solved, jobs_found,
                goods_value, money_value)
            SELECT v.household_id, h.region_id, {local_month},
                count(*), sum(CASE WHEN v.kind = 'home' THEN 1 ELSE 0 END),
                count(DISTINCT CASE WHEN f.day IS NOT NULL THEN f.day END), max(v.visited_at),
                0, 0, sum(v.jobs_found), sum(v.goods_value), sum(v.money_value)
            FROM visits_visit v
            JOIN registry_household h ON h.id = v.household_id
            LEFT JOIN bench_fixed_day f ON f.day = {local_day}
            GROUP BY v.household_id, h.region_id, {local_month}
            """
        )
        cursor.execute(
            f"""
            INSERT INTO visits_visitmonth (household_id, region_id, month, visits, home_visits,
                fixed_days_met, last_visit_at, problems_found, problems_solved, jobs_found,
                goods_value, money_value)
            SELECT p.household_id, h.region_id, p.month, 0, 0, 0, NULL, sum(p.found),
                sum(p.solved), 0, 0, 0
            FROM (
                SELECT household_id, {month_of("found_on")} AS month, 1 AS found, 0 AS solved
                FROM visits_problem
                UNION ALL
                SELECT household_id, {month_of("solved_on")}, 0, 1
                FROM visits_problem WHERE solved_on IS NOT NULL
            ) p
            JOIN registry_household h ON h.id = p.household_id
            WHERE true
            GROUP BY p.household_id, h.region_id, p.month
            ON CONFLICT (household_id, month) DO UPDATE SET
                problems_found = excluded.problems_found,
                problems_solved = excluded.problems_solved
            """
        )
        cursor.execute("SELECT count(*) FROM visits_visitmonth")
        return cursor.fetchone()[0]


def check_rollups(rng: random.Random) -> str:
    """Compare the stored roll-up rows of a sample of households (some with problems solved)
    with what ``rollups.compute`` makes of their visits and problems; raises on a
    difference."""
    from bangfu.pairing.models import Pairing
    from bangfu.visits import rollups
    from bangfu.visits.models import Problem, VisitMonth

    ids = list(Pairing.objects.values_list("household_id", flat=True).order_by())
    sample = set(rng.sample(ids, min(SAMPLE_HOUSEHOLDS, len(ids))))
    solved = Problem.objects.exclude(solved_on=None).values_list("household_id", flat=True)
    sample |= set(solved.order_by("-solved_on")[:20]) | set(solved.order_by("solved_on")[:20])
    chosen = sorted(sample)

    def key(row) -> tuple:
        return (row.household_id, row.month, row.region_id) + tuple(
            getattr(row, name) for name in rollups.FIGURES
        )

    stored = sorted(key(row) for row in VisitMonth.objects.filter(household_id__in=chosen))
    computed = sorted(key(row) for row in rollups.compute(chosen, None))
    if stored != computed:
        extra = sorted(set(stored) - set(computed))[:3]
        missing = sorted(set(computed) - set(stored))[:3]
        raise RuntimeError(
            f"roll-up rows differ from rollups.compute: stored only {extra}; computed only "
            f"{missing}"
        )
    return f"{len(chosen)} households, {len(stored):,} rows"


def build_province(households: int, months_back: int, per_month: int, rollups_choice: str) -> dict:
    """The data set on the database Django is set up with (SQLite or PostgreSQL): places,
    readers, households, helpers, pairings, visits, problems, the month and place roll-ups,
    statistics brought up to date. Answers its figures; bench/visit_peak.py loads its
    province with this."""
    from django.db import connection
    from django.utils import timezone

    from bangfu.reports import rollups as place_rollups
    from bangfu.visits import rollups

    rng = random.Random(1)
    months = last_months(months_back, timezone.localdate())
    figures: dict = {"households": households, "months": [str(m) for m in months]}
    with connection.cursor() as cursor:
        # A bulk load: nothing waits for the disk. The connection is closed afterwards, so
        # what is timed runs with the settings' own.
        if connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit = off")
        else:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-1048576")
    started = time.perf_counter()
    villages = build_places()
    county = villages[0][:6] + "000000"
    province_user = build_people(county)
    pairings = build_registry(households, villages)
    figures["registry_s"] = time.perf_counter() - started
    step = time.perf_counter()
    visits, problems = build_visits(pairings, months, per_month, province_user.pk, rng)
    reset_sequences()
    figures["visits_s"] = time.perf_counter() - step
    print(
        f"  {visits:,} visits, {problems:,} problems in {figures['visits_s']:.0f} s" + " " * 20,
        flush=True,
    )
    method = choose_rollups(rollups_choice, households)
    step = time.perf_counter()
    if method == "rebuild":

        def progress(done: int, total: int) -> None:
            print(f"  rollups.rebuild(): {done:>9,} / {total:,} households", end="\r", flush=True)

        rows = rollups.rebuild(progress)
    else:
        rows = rollups_by_sql(months)
    figures["rollups_s"] = time.perf_counter() - step
    figures["rollups"] = method
    print(
        f"  {rows:,} month roll-up rows by "
        f"{'rollups.rebuild()' if method == 'rebuild' else 'set-based SQL'} in "
        f"{figures['rollups_s']:.0f} s" + " " * 20,
        flush=True,
    )
    figures["rollup_check"] = check_rollups(rng)
    print(f"  roll-ups equal rollups.compute for {figures['rollup_check']}", flush=True)
    step = time.perf_counter()
    places = place_rollups.rebuild()
    figures["place_rollups_s"] = time.perf_counter() - step
    print(
        f"  place roll-ups of {places:,} places by reports.rollups.rebuild() in "
        f"{figures['place_rollups_s']:.0f} s",
        flush=True,
    )
    step = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As a database long in service has its tables: vacuumed (the visibility map
            # set, so index-only scans are what they will be) and analysed; otherwise the
            # autovacuum would do it during whatever is timed next.
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    figures["analyze_s"] = time.perf_counter() - step
    figures["build_s"] = time.perf_counter() - started
    figures.update(visits=visits, problems=problems, rollup_rows=rows, county=county)
    return figures


def build(args: argparse.Namespace, var_dir: Path) -> dict:
    from django.db import connections

    figures = build_province(args.households, args.months, args.visits_per_month, args.rollups)
    connections.close_all()
    (var_dir / META_NAME).write_text(json.dumps(figures, indent=1))
    return figures


# ---------------------------------------------------------------------------------------------
# Timing


def percentile(times: list[float], share: float) -> float:
    """Nearest rank: with 7 runs the p95 is the slowest."""
    ordered = sorted(times)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def agreed(keys: list[str], from_rollups: dict, from_rows: dict) -> bool:
    """Prints whether the roll-ups' figures are the rows' (each figure, and those that
    differ) and answers it."""
    differences = [
        f"{key}: roll-ups {from_rollups.get(key)!r}, rows {from_rows[key]!r}"
        for key in keys
        if from_rollups.get(key) != from_rows[key]
    ]
    print(f"  figures agree ({len(keys)} keys): {'NO' if differences else 'yes'}")
    print("    " + ", ".join(f"{key} {from_rows[key]}" for key in keys))
    for line in differences:
        print(f"    differs: {line}")
    return not differences


class Reader:
    """A user holding the province or a county, signed in, with the dashboard's address for
    the place and month: what the app benchmarks time their pages and figures for."""

    def __init__(self, scope: str, username: str, code: str, month: str):
        from django.test import Client

        from bangfu.accounts.models import User
        from bangfu.core.models import Region

        self.scope, self.code = scope, code
        self.user = User.objects.get(username=username)
        self.within = Region.objects.get(code=code)
        self.client = Client()
        self.client.force_login(self.user)
        self.url = f"/reports/?place={code}&month={month}"

    def page(self, url: str = "") -> None:
        url = url or self.url
        response = self.client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")


def readers(meta: dict, province: str) -> tuple[str, object, list[Reader]]:
    """The last month built (``meta["months"]``), its period, and the province's and the
    county's readers (``meta["county"]``)."""
    from bangfu.core import params
    from bangfu.reports.selectors import Period

    last = meta["months"][-1][:7]
    month = params.month(last)
    cases = (("province", "province", province), ("county", "county", meta["county"]))
    return last, Period(month, month), [Reader(*case, last) for case in cases]


def timed(work: Callable[[], object], repeat: int, budget: float) -> list[float]:
    """Milliseconds of ``repeat`` runs after one warm-up (the caller may have warmed up);
    past ``budget`` seconds, stop once MIN_RUNS are in."""
    times: list[float] = []
    started = time.perf_counter()
    for _ in range(repeat):
        begun = time.perf_counter()
        work()
        times.append((time.perf_counter() - begun) * 1000)
        if len(times) >= MIN_RUNS and time.perf_counter() - started > budget:
            break
    return times


def show(times: list[float], repeat: int) -> str:
    cut = f" (n={len(times)} of {repeat}: time budget)" if len(times) < repeat else ""
    return f"{percentile(times, 0.5):>9,.0f}{percentile(times, 0.95):>9,.0f}{cut}"


class QueryLog:
    """Every statement a request runs, timed and grouped by shape (literals out): where the
    time of a page goes, besides Python."""

    def __init__(self) -> None:
        self.shapes: dict[str, list[float]] = defaultdict(list)

    def __call__(self, execute, sql, params, many, context):
        begun = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            shape = re.sub(r"'[^']*'|\b\d+(\.\d+)?\b", "?", sql)
            shape = re.sub(r"(%s, )+%s", "%s…", shape)
            self.shapes[shape].append(time.perf_counter() - begun)

    def report(self, elapsed: float, top: int = 6) -> list[str]:
        count = sum(len(times) for times in self.shapes.values())
        in_db = sum(sum(times) for times in self.shapes.values())
        lines = [
            f"{count:,} queries: {in_db:,.1f} s in the database's execute (to the first row), "
            f"{elapsed - in_db:,.1f} s the rest (Python: ORM, schedules, template; fetching)"
        ]
        for shape, times in sorted(self.shapes.items(), key=lambda item: -sum(item[1]))[:top]:
            lines.append(f"  {sum(times):7.2f} s ×{len(times):<7,} {shape[:140]}")
        return lines


def measure(args: argparse.Namespace, meta: dict) -> list[tuple[str, bool]]:
    from django.db import connection
    from django.test import Client

    from bangfu.accounts.models import User
    from bangfu.core import params
    from bangfu.core.models import Region
    from bangfu.reports.selectors import Figures, Period, source_figures

    last = meta["months"][-1][:7]
    first3 = meta["months"][-min(3, len(meta["months"]))][:7]
    periods = [
        (f"month {last}", f"month={last}", Period(params.month(last), params.month(last))),
        (
            f"{first3} – {last}",
            f"from={first3}&to={last}",
            Period(*params.month_range(first3, last)),
        ),
    ]
    scopes = [("province", "province", PROVINCE), ("county", "county", meta["county"])]
    verdicts: list[tuple[str, bool]] = []
    print(f"\ntimes in ms over {args.repeat} runs after one warm-up: p50, p95")
    print(f"{'case':<38}{'p50':>9}{'p95':>9}")
    for scope, username, code in scopes:
        for label, query, period in periods:
            user = User.objects.get(username=username)
            within = Region.objects.get(code=code)
            client = Client()
            client.force_login(user)
            url = f"/reports/?place={code}&{query}"

            def page(url=url, client=client) -> None:
                response = client.get(url)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")

            # The warm-up: untimed, so it also shows where a request's time goes.
            warm = time.perf_counter()
            if scope == "province" and query.startswith("month="):
                profiler, log = cProfile.Profile() if args.profile else None, QueryLog()
                with connection.execute_wrapper(log):
                    if profiler:
                        profiler.enable()
                    page()
                    if profiler:
                        profiler.disable()
                warm_s = time.perf_counter() - warm
                breakdown = log.report(warm_s)
            else:
                page()
                profiler, breakdown = None, []
                warm_s = time.perf_counter() - warm
            page_ms = timed(page, args.repeat, args.budget)
            print(f"{scope} page, {label:<22}{show(page_ms, args.repeat)}", flush=True)

            def values(user=user, within=within, period=period) -> dict:
                return Figures(user, within, period).values

            def source(user=user, within=within, period=period) -> dict:
                return source_figures(user, within, period)

            from_rollups, from_rows = values(), source()  # also the warm-ups
            values_ms = timed(values, args.repeat, args.budget)
            source_ms = timed(source, args.repeat, args.budget)
            print(f"  Figures(...).values{'':<19}{show(values_ms, args.repeat)}")
            print(f"  source_figures (the records){'':<10}{show(source_ms, args.repeat)}")
            same = agreed(list(from_rows), from_rollups, from_rows)
            same = "yes" if same and from_rollups.keys() == from_rows.keys() else "NO"
            p50 = percentile(page_ms, 0.5)
            source_p50 = percentile(source_ms, 0.5)
            to_page = source_p50 / p50
            to_values = source_p50 / percentile(values_ms, 0.5)
            print(f"  ratio source rows / whole page:          {to_page:8.2f}×")
            print(f"  ratio source rows / Figures(...).values: {to_values:8.2f}×")
            verdicts += [
                (
                    f"{scope} page p50 < {TARGET_P50_MS} ms, {label}: {p50:,.0f} ms",
                    p50 < TARGET_P50_MS,
                ),
                (
                    f"{scope} roll-ups ≥ {TARGET_RATIO}× source rows, {label}: "
                    f"{to_values:.2f}× (Figures.values), {to_page:.2f}× (whole page)",
                    to_values >= TARGET_RATIO,
                ),
                (f"{scope} figures agree with source rows, {label}", same == "yes"),
            ]
            if breakdown:
                print(f"  where the province page's warm-up ({warm_s:.1f} s) went:")
                for line in breakdown:
                    print(f"    {line}")
            if profiler:
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out).strip_dirs()
                stats.sort_stats("cumulative").print_stats(25)
                print("    cProfile of it (a slower run than timed), by cumulative time:")
                print("\n".join("    " + line for line in out.getvalue().splitlines()[4:40]))
    return verdicts


def catch_up_cost(count: int) -> None:
    """Log ``count`` visits through ``visit_record`` (one transaction each, as phones send
    them), each in another village, then time what the next page pays to bring the place
    roll-ups up to them, and the page itself."""
    import uuid

    from django.test import Client
    from django.utils import timezone

    from bangfu.accounts.models import User
    from bangfu.pairing.models import Pairing
    from bangfu.reports import rollups
    from bangfu.visits import services

    staff = User.objects.get(username="province")
    villages = list(
        Pairing.objects.filter(ended_on=None, helper__isnull=False)
        .values("region_id")
        .distinct()
        .order_by("region_id")
        .values_list("region_id", flat=True)
    )
    chosen = villages[:: max(1, len(villages) // count)][:count]
    now = timezone.localtime().replace(second=0, microsecond=0) - datetime.timedelta(hours=1)
    started = time.perf_counter()
    for village in chosen:
        household_id, helper_id = (
            Pairing.objects.filter(region_id=village, ended_on=None, helper__isnull=False)
            .values_list("household_id", "helper_id")
            .first()
        )
        services.visit_record(
            actor=staff,
            client_id=uuid.uuid4(),
            data=services.VisitInput(household_id=household_id, visited_at=now),
            helper_id=helper_id,
        )
    logged_s = time.perf_counter() - started
    started = time.perf_counter()
    rollups.catch_up()
    catch_up_ms = (time.perf_counter() - started) * 1000
    client = Client()
    client.force_login(staff)
    started = time.perf_counter()
    client.get(f"/reports/?place={PROVINCE}")
    page_ms = (time.perf_counter() - started) * 1000
    print(
        f"\n{len(chosen)} visits logged through visit_record in {len(chosen)} villages "
        f"({logged_s / len(chosen) * 1000:.1f} ms each); the place roll-ups caught up with "
        f"them in {catch_up_ms:,.0f} ms ({catch_up_ms / len(chosen):.1f} ms a village); the "
        f"province page after that: {page_ms:,.0f} ms (no target: a measurement)"
    )
    second_helpers(staff, chosen)


def second_helpers(staff, villages: list[str]) -> None:
    """A household in each village is given the helper of the next village as a second
    helper (pairing_start), who then serves two villages; then what the place roll-ups'
    catch-up costs (households, pairings and helpers counted again in those villages and the
    places above) and whether the province's count of helpers, which is not the sum of its
    villages', still agrees with the pairings."""
    from django.utils import timezone

    from bangfu.core.models import Region
    from bangfu.pairing import services as pairing
    from bangfu.pairing.models import Pairing
    from bangfu.reports import rollups
    from bangfu.reports.selectors import Figures, Period, source_figures
    from bangfu.visits.rollups import month_of

    today = timezone.localdate()
    pairs = list(zip(villages, villages[1:], strict=False))
    started = time.perf_counter()
    for village, neighbour in pairs:
        pairing.pairing_start(
            actor=staff,
            household_id=Pairing.objects.filter(region_id=village, ended_on=None)
            .values_list("household_id", flat=True)
            .first(),
            helper_id=Pairing.objects.filter(region_id=neighbour, helper__isnull=False)
            .values_list("helper_id", flat=True)
            .first(),
            started_on=today,
        )
    paired_s = time.perf_counter() - started
    started = time.perf_counter()
    rollups.catch_up()
    catch_up_ms = (time.perf_counter() - started) * 1000
    province, month = Region.objects.get(code=PROVINCE), month_of(today)
    period = Period(month, month)
    rolled = Figures(staff, province, period).values["helpers"]
    counted = source_figures(staff, province, period)["helpers"]
    print(
        f"{len(pairs)} households given a second helper from the next village through "
        f"pairing_start ({paired_s / len(pairs) * 1000:.1f} ms each); the place roll-ups "
        f"caught up in {catch_up_ms:,.0f} ms ({catch_up_ms / len(pairs):.1f} ms a village); "
        f"helpers in post in the province: {rolled:,} from the roll-ups, {counted:,} from the "
        f"pairings ({'agree' if rolled == counted else 'DIFFER'})"
    )


def main() -> int:
    args = parse_args()
    var_dir = Path(args.keep or tempfile.mkdtemp(prefix="bangfu-dashboard-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        setup_django(str(var_dir))
        from bangfu.registry.models import Household

        meta_file = var_dir / META_NAME
        if meta_file.exists():
            meta = json.loads(meta_file.read_text())
            print(
                f"reusing the data set in {var_dir}: {meta['households']:,} households, "
                f"{meta['visits']:,} visits, months {meta['months'][0][:7]} to "
                f"{meta['months'][-1][:7]} (built in {meta['build_s']:.0f} s)"
            )
        elif Household.objects.exists():
            print(f"{var_dir} holds an unfinished build: remove it and run again", file=sys.stderr)
            return 2
        else:
            print(
                f"building {args.households:,} households, {args.months} months of "
                f"{args.visits_per_month} visits, in {var_dir} …",
                flush=True,
            )
            meta = build(args, var_dir)
        size = sum(p.stat().st_size for p in var_dir.glob(DB_NAME + "*"))
        print(
            f"\nbuild {meta['build_s']:.0f} s (registry {meta['registry_s']:.0f} s, visits "
            f"{meta['visits_s']:.0f} s, roll-ups {meta['rollups_s']:.0f} s by "
            f"{meta['rollups']}, place roll-ups {meta['place_rollups_s']:.0f} s, ANALYZE "
            f"{meta['analyze_s']:.0f} s); database "
            f"{size / 2**30:.2f} GiB; {meta['visits']:,} visits, {meta['problems']:,} "
            f"problems, {meta['rollup_rows']:,} roll-up rows; roll-ups equal rollups.compute "
            f"for {meta['rollup_check']}"
        )
        if args.build_only:
            return 0
        verdicts = measure(args, meta)
        catch_up_cost(args.catch_up)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            shutil.rmtree(var_dir, ignore_errors=True)
    print("\ntargets")
    for text, met in verdicts:
        print(f"  {'PASS' if met else 'MISS'}  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
