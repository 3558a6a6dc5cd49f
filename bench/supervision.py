"""Monthly scores (考评) at province scale: every unit's, team's, township's and helper's
computed shares of a month from the roll-ups against the same counted from the records.

    .venv/bin/python bench/supervision.py [--scale 1.0] [--villages 10000]
        [--helpers 240000 | --households N] [--teams 7000] [--findings 20000]
        [--surveys 50000] [--month YYYY-MM] [--keep DIR] [--counties 5]

``--scale`` multiplies every size (0.01: 100 villages, 2,400 helpers, 70 teams, 200
findings, 500 surveys: a minute's run); the full size is the default.

Builds, with the builders of bench/province.py, bench/dashboard.py and bench/teams.py (plain
INSERTs: millions of rows through the services would take hours), a province of 10,000
villages; in ``--villages`` of them (spread over the province) open households, four
paired with each helper (``--helpers``; one household in 53 left waiting for one), the
helpers spread over four units a township (about 2,000 units); a month of visits (four a
paired household, mostly on the month's Thursdays; one household in eight visited about
once, one in 29 not at all); ``--teams`` resident work teams of three with the month's
check-ins, register entries and leave (a few members replaced in the middle of it); and the
month's supervision: one inspection round a county with its sample of households drawn,
``--surveys`` of them surveyed (knows the helper, visits counted, satisfaction 1–5),
``--findings`` findings about households, helpers, teams or a place's work (closed on time,
closed late, submitted, returned, under way or just assigned, with their rectification
steps), and the villages' self-check reports (most on time, some late, some missing). Then
the visits' and members' month roll-ups (each checked against its ``compute`` on a sample)
and every place's roll-ups (``reports.rollups.rebuild()``). The month scored is the one
before last, so that the findings' deadlines have passed when it is measured.

Then, in a process of its own (so that its peak RSS is the computation's, not the build's),
for each level (unit, team, township, helper): ``computed_shares(level, province, month)``
from the roll-ups and with ``from_records=True``, timed, compared subject by subject and
source by source (every difference counted, the first named); then the province's month of
scores of the level at once, ``month_scores_under(user, province, level, month)`` (a scheme
is a county's or a township's, so the province's month is its 50 counties', each ranked by
its own scheme, computed in one grouped pass a level over the province), timed in seconds
of real and of CPU time (the CPU time is what other work on the machine changes least); and
``--counties`` of the counties (spread; 50: all) read one by one through ``month_scores``
(the pages' path), timed and compared row by row with the province's. Each county's scheme
is made through ``scheme_create`` with every computed item of the level and one scored by
inspectors, given to one subject in ten. Printed: subjects, seconds from the roll-ups, from
the records, the ratio, whether they agree, the province's month's seconds by level, the
counties' one by one and whether they equal it, and the peak RSS.

``--keep DIR`` builds in DIR and keeps it; a DIR already built (its ``bench-supervision.json``
written) is measured again without building (the full size takes about 12 minutes to build).

Targets: the province's month of scores (all four levels, ``month_scores_under``) under 60 s
from the roll-ups, and the province's shares (``computed_shares``, one call a level) too;
every share from the roll-ups equal to the records'; every county checked one by one equal to
the province's. A miss still exits 0 (this is a measurement); a harness that could not
measure exits non-zero.
"""

import argparse
import datetime
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from dashboard import (
    build_people,
    build_registry,
    build_visits,
    check_rollups,
    choose_rollups,
    insert,
    last_months,
    rollups_by_sql,
)
from province import DB_NAME, PROVINCE, build_places, peak_mib, setup_django
from teams import build_days, build_teams, check_member_months, member_months_by_sql

TARGET_S = 60
LEVELS = ("unit", "team", "township", "helper")
META_NAME = "bench-supervision.json"
UNITS_PER_TOWNSHIP = 4  # the township's own unit and three county departments stationed there
UNIT_OFFSET = 1_000_000  # the registry builder's units move here, clear of the teams' units
WAITING, FEW_VISITS, NO_VISITS = 53, 8, 29  # one household in so many
# Findings: (state, share); closed ones on time or late, the rest still open.
STATES = [
    ("closed", 0.55),
    ("late", 0.15),
    ("submitted", 0.10),
    ("returned", 0.05),
    ("in_progress", 0.05),
    ("assigned", 0.10),
]
SATISFACTION = [("5", 0.70), ("4", 0.25), ("3", 0.03), ("2", 0.015), ("1", 0.005)]
WHAT_WAS_FOUND = {
    "1": "本月未按固定帮扶日入户走访",
    "2": "走访记录与群众反映不符",
    "3": "帮扶手册收入栏填写错误",
    "4": "产业帮扶措施未落实",
    "5": "驻村天数不足",
    "6": "工作作风不实",
    "7": "群众不知晓帮扶干部姓名",
    "9": "村级档案不全",
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every size")
    parser.add_argument("--villages", type=int, default=10_000, help="villages with records")
    parser.add_argument(
        "--helpers", type=int, default=240_000, help="helpers (four households each)"
    )
    parser.add_argument("--households", type=int, help="instead of --helpers")
    parser.add_argument("--teams", type=int, default=7_000)
    parser.add_argument("--findings", type=int, default=20_000)
    parser.add_argument("--surveys", type=int, default=50_000)
    parser.add_argument("--month", help="the month scored (YYYY-MM); the one before last")
    parser.add_argument(
        "--keep", help="build in this folder and keep it; a folder already built is reused"
    )
    parser.add_argument(
        "--counties",
        type=int,
        default=5,
        help="counties whose scores are also read one by one and compared (50: every one)",
    )
    parser.add_argument("--measure", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    scale = args.scale
    args.villages = max(1, min(10_000, round(args.villages * scale)))
    # As bench/dashboard.py pairs them: one helper for four households of the 19 in 20 that
    # need one.
    households = args.households or args.helpers * 4 * 20 / 19
    args.households = max(args.villages, round(households * scale))
    args.teams = max(1, min(args.villages, round(args.teams * scale)))
    args.findings = max(1, round(args.findings * scale))
    args.surveys = max(1, round(args.surveys * scale))
    return args


# ---------------------------------------------------------------------------------------------
# Building the data set


def spread(villages: list[str], count: int) -> list[str]:
    """``count`` of the villages, spread over the province."""
    return villages[:: max(1, len(villages) // count)][:count]


def units_per_township() -> int:
    """The registry builder's units (one a township) moved out of the teams' way, three
    more a township, and the helpers spread over the four; answers how many units."""
    from django.db import connection, transaction

    from bangfu.pairing.models import Unit

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT id, region_id FROM pairing_unit WHERE level = 'township'")
        townships = cursor.fetchall()
        count = len(townships)
        # SQLite checks foreign keys at commit (Django declares them deferred).
        cursor.execute("UPDATE pairing_unit SET id = id + %s", [UNIT_OFFSET])
        cursor.execute("UPDATE pairing_helper SET unit_id = unit_id + %s", [UNIT_OFFSET])
        names = ["县农业农村局", "县教育局", "县卫健局"]
        insert(
            Unit,
            ["id", "name", "region_id"],
            [
                (UNIT_OFFSET + k * count + pk, f"{names[k - 1]}驻{code[:9]}镇帮扶组", code)
                for k in range(1, UNITS_PER_TOWNSHIP)
                for pk, code in townships
            ],
            kind="government",
            level="county",
        )
        cursor.execute(
            f"UPDATE pairing_helper SET unit_id = unit_id + (id % {UNITS_PER_TOWNSHIP}) * %s",
            [count],
        )
    return count * UNITS_PER_TOWNSHIP


def leave_some_waiting(pairings: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """One household in WAITING loses its helper (its pairing removed): coverage below
    100%. Answers the pairings left."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM pairing_pairing WHERE household_id % {WAITING} = 0")
    return [row for row in pairings if row[0] % WAITING]


def visits_behind() -> tuple[int, int]:
    """One paired household in FEW_VISITS keeps about one visit of four, one in NO_VISITS
    none (their problems go with them): helpers behind. Answers the visits and problems
    removed."""
    from django.db import connection, transaction

    gone = f"(household_id % {NO_VISITS} = 0 OR (household_id % {FEW_VISITS} = 0 AND id % 4 != 0))"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM visits_problem WHERE visit_id IN "
            f"(SELECT id FROM visits_visit WHERE {gone})"
        )
        problems = cursor.rowcount
        cursor.execute(f"DELETE FROM visits_visit WHERE {gone}")
        return cursor.rowcount, problems


def pick(shares: list[tuple[str, float]], roll: float) -> str:
    """The name whose share of [0, 1) ``roll`` falls in."""
    for name, share in shares:
        if roll < share:
            return name
        roll -= share
    return shares[-1][0]


def weekdays_in(month: datetime.date) -> list[datetime.date]:
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    days = (month + datetime.timedelta(n) for n in range((following - month).days))
    return [day for day in days if day.weekday() < 5]


def at(day: datetime.date, hour: int) -> str:
    """A time on ``day`` as Django stores it in SQLite (UTC; 01:00-09:00 UTC is the same
    day in China)."""
    return f"{day} {hour:02d}:00:00"


def build_rounds(
    month: datetime.date,
    villages: list[str],
    paired: list[tuple[int, int, str]],
    surveys: int,
    actor: int,
    rng,
) -> tuple[dict[str, int], list[tuple[int, int, str, int]]]:
    """One inspection round a county, its sample of households drawn, a questionnaire of the
    province; answers the rounds by county and the sampled households (round, household,
    village, helper)."""
    from bangfu.supervision.models import (
        InspectionRound,
        Question,
        Questionnaire,
        SampleDraw,
        SampleItem,
    )

    chosen = sorted(rng.sample(paired, min(surveys, len(paired))))
    counties = sorted({village[:6] for village in villages})
    round_of = {county: n for n, county in enumerate(counties, 1)}
    wanted: dict[str, int] = defaultdict(int)
    for _household, _helper, village in chosen:
        wanted[village[:6]] += 1
    drawn = at(month, 1)
    insert(
        InspectionRound,
        ["id", "region_id", "month", "title", "methods", "households_wanted", "recorded_at"],
        [
            (n, f"{county}000000", month, f"{month.month}月督查", "on_site,documents,phone,home")
            + (wanted[county], drawn)
            for county, n in round_of.items()
        ],
        state="closed",
        recorded_by_id=actor,
    )
    insert(
        SampleDraw,
        ["id", "round_id", "region_id", "number", "seed", "drawn_at"],
        [(n, n, f"{county}000000", 1, 20_000 + n, drawn) for county, n in round_of.items()],
        drawn_by_id=actor,
    )
    position: dict[str, int] = defaultdict(int)
    items, sampled = [], []
    for household, helper, village in chosen:
        county = village[:6]
        position[county] += 1
        items.append((round_of[county], village, position[county], household))
        sampled.append((round_of[county], household, village, helper))
    insert(
        SampleItem, ["draw_id", "region_id", "position", "household_id"], items, kind="household"
    )
    insert(
        Questionnaire,
        ["id", "region_id", "name", "recorded_at"],
        [(1, PROVINCE, "群众满意度调查问卷", drawn)],
        recorded_by_id=actor,
    )
    insert(
        Question,
        ["id", "questionnaire_id", "region_id", "position", "text", "kind", "purpose"],
        [
            (1, 1, PROVINCE, 1, "您知道您的帮扶干部是谁吗？", "yes_no", "knows_helper"),
            (2, 1, PROVINCE, 2, "本月帮扶干部到您家走访了几次？", "number", "visits"),
            (3, 1, PROVINCE, 3, "您对帮扶工作满意吗？", "satisfaction", "satisfaction"),
        ],
    )
    return round_of, sampled


def build_surveys(
    month: datetime.date, sampled: list[tuple[int, int, str, int]], actor: int, rng
) -> list[tuple[int, int, str, int]]:
    """Each sampled household surveyed in the month, by phone or at home, its three answers;
    answers the surveys (survey, household, village, helper)."""
    from bangfu.supervision.models import Answer, Survey

    days = weekdays_in(month)
    surveys, answers, done = [], [], []
    for pk, (round_id, household, village, helper) in enumerate(sampled, 1):
        day = days[int(rng.random() * len(days))]
        method = "home" if rng.random() < 0.6 else "phone"
        surveys.append((pk, household, village, round_id, method, day, at(day, 3)))
        knows = "1" if rng.random() < 0.96 else "0"
        counted = str(4 - int(rng.random() * rng.random() * 4))
        satisfied = pick(SATISFACTION, rng.random())
        answers += [(pk, 1, village, knows), (pk, 2, village, counted), (pk, 3, village, satisfied)]
        done.append((pk, household, village, helper))
    insert(
        Survey,
        ["id", "household_id", "region_id", "round_id", "method", "surveyed_on", "recorded_at"],
        surveys,
        questionnaire_id=1,
        respondent="户主",
        recorded_by_id=actor,
    )
    insert(Answer, ["survey_id", "question_id", "region_id", "value"], answers)
    return done


def build_findings(
    month: datetime.date,
    count: int,
    paired: list[tuple[int, int, str]],
    surveyed: list[tuple[int, int, str, int]],
    round_of: dict[str, int],
    users: tuple[int, int],
    rng,
) -> dict[str, int]:
    """``count`` findings of the month: about households (and so their helpers), helpers,
    teams, or a place's work, one in ten raised by a survey's answers; in every state of
    their rectification, with its steps. Answers how many in each state."""
    from django.utils import timezone

    from bangfu.core.models import Code
    from bangfu.pairing.models import Helper, Unit
    from bangfu.supervision.deadlines import rectification_deadline
    from bangfu.supervision.models import Finding, RectificationStep
    from bangfu.teams.models import Team

    inspector, unit_staff = users
    today = timezone.localdate()
    categories = dict(Code.objects.filter(kind="finding_category").values_list("value", "pk"))
    unit_of = dict(Helper.objects.values_list("pk", "unit_id"))
    teams = list(Team.objects.order_by("pk").values_list("pk", "region_id", "unit_id"))
    township_unit = dict(Unit.objects.filter(level="township").values_list("region_id", "pk"))
    # Four in five found in the weeks before the month or early in it, due in it (the findings
    # its rectified-on-time share counts), the rest found later in the month and due after
    # it. No place sets its own supervision.rectify_days here: the province's rule is every
    # place's.
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    first = month - datetime.timedelta(days=45)
    weekdays = [first + datetime.timedelta(n) for n in range((following - first).days)]
    deadlines = {
        day: rectification_deadline(PROVINCE, day).day for day in weekdays if day.weekday() < 5
    }
    due_in_month = [day for day, due in deadlines.items() if month <= due < following]
    found_later = [day for day, due in deadlines.items() if day >= month and due >= following]
    findings, steps = [], []
    counts: dict[str, int] = defaultdict(int)
    for pk in range(1, count + 1):
        roll, household, helper, team, survey = rng.random(), None, None, None, None
        if roll < 0.1 and surveyed:  # raised by a survey's answers
            survey, household, village, helper = surveyed[int(rng.random() * len(surveyed))]
            category = "2" if rng.random() < 0.6 else "7"
        elif roll < 0.55:  # a household and its helper
            household, helper, village = paired[int(rng.random() * len(paired))]
            category = ("1", "3", "4")[pk % 3]
        elif roll < 0.75:  # a helper
            _household, helper, village = paired[int(rng.random() * len(paired))]
            category = ("1", "6")[pk % 2]
        elif roll < 0.9 and teams:  # a team
            team, village, team_unit = teams[int(rng.random() * len(teams))]
            category = "5"
        else:  # a place's work
            _household, _helper, village = paired[int(rng.random() * len(paired))]
            category = "9"
        unit = (
            unit_of[helper] if helper else team_unit if team else township_unit[village[:9] + "000"]
        )
        days = due_in_month if rng.random() < 0.8 else found_later
        found = days[int(rng.random() * len(days))]
        deadline = deadlines[found]
        state, closed = pick(STATES, rng.random()), None
        if state == "late" and deadline < today:
            closed = min(today, deadline + datetime.timedelta(1 + int(rng.random() * 12)))
        elif state in ("late", "closed"):
            state = "closed"
            closed = min(
                today, found + datetime.timedelta(1 + int(rng.random() * (deadline - found).days))
            )
        counts[state] += 1
        findings.append(
            (pk, round_of[village[:6]], village, categories[category])
            + ("survey" if survey else "inspection", survey, household, helper, team)
            + (WHAT_WAS_FOUND[category], unit, "张某" if pk % 2 else "")
            + (found, deadline, "closed" if closed else state, closed, at(found, 2))
        )
        started = found + datetime.timedelta(1)
        if state != "assigned":
            steps.append((pk, village, "start", "", at(started, 1), unit_staff))
        if state in ("submitted", "returned", "closed", "late"):
            submitted = max(started, (closed or today) - datetime.timedelta(1))
            steps.append(
                (pk, village, "submit", "已按要求整改，附佐证材料", at(submitted, 2), unit_staff)
            )
        if state == "returned":
            steps.append((pk, village, "return", "佐证材料不全，请补充", at(today, 1), inspector))
        if closed:
            steps.append((pk, village, "close", "经核查已整改到位", at(closed, 3), inspector))
    insert(
        Finding,
        [
            "id",
            "round_id",
            "region_id",
            "category_id",
            "source",
            "survey_id",
            "household_id",
            "helper_id",
            "team_id",
            "description",
            "unit_id",
            "responsible_person",
            "found_on",
            "deadline",
            "state",
            "closed_on",
            "recorded_at",
        ],
        findings,
        days_counted="working",
        recorded_by_id=inspector,
    )
    insert(
        RectificationStep,
        ["finding_id", "region_id", "action", "note", "recorded_at", "recorded_by_id"],
        steps,
    )
    return dict(counts)


def build_reports(month: datetime.date, villages: list[str], actor: int, rng) -> dict[str, int]:
    """The villages' self-check reports of the month: most on time, some late, some never
    sent (no row: a report exists once submitted). Answers how many of each."""
    from bangfu.checks.due import report_due_on
    from bangfu.checks.models import SelfCheckReport

    due = report_due_on(PROVINCE, month)  # no place sets its own checks.report_due here
    rows, counts = [], {"on_time": 0, "late": 0, "missing": 0}
    for village in villages:
        roll = rng.random()
        if roll < 0.05:
            counts["missing"] += 1
            continue
        if roll < 0.15:
            counts["late"] += 1
            day = due + datetime.timedelta(1 + int(rng.random() * 6))
        else:
            counts["on_time"] += 1
            day = due - datetime.timedelta(int(rng.random() * 5))
        rows.append((village, day, at(day, 2)))
    insert(
        SelfCheckReport,
        ["region_id", "submitted_on", "submitted_at"],
        rows,
        month=month,
        due_on=due,
        note="本月比对完成，差异已按要求整改",
        submitted_by_id=actor,
    )
    return counts


# Each level's scheme: its computed items (those that apply to it) and one scored by the
# inspectors; (source, name, points).
SCHEME_ITEMS = {
    "unit": [
        ("visit_compliance", "结对户走访达标", "40"),
        ("rectified_on_time", "督查问题按期整改", "20"),
        ("satisfaction", "群众满意度", "20"),
        ("scored", "督查组评分", "20"),
    ],
    "team": [
        ("visit_compliance", "入户走访达标", "20"),
        ("pairing_coverage", "结对帮扶全覆盖", "10"),
        ("residence_compliance", "驻村天数达标", "20"),
        ("rectified_on_time", "督查问题按期整改", "15"),
        ("check_reports_on_time", "自查报告按时报送", "10"),
        ("satisfaction", "群众满意度", "15"),
        ("scored", "督查组评分", "10"),
    ],
}
SCHEME_ITEMS["township"] = SCHEME_ITEMS["team"]
SCHEME_ITEMS["helper"] = SCHEME_ITEMS["unit"]


def build_schemes(month: datetime.date, villages: list[str], actor, rng) -> dict[str, int]:
    """Each county's scheme of each level from the month, through ``scheme_create``, and the
    inspectors' points for its scored item given to one subject in ten (plain INSERTs, as
    ``item_score_set`` writes them). Answers how many points were given by level."""
    from bangfu.supervision import scoring
    from bangfu.supervision.models import ItemScore, SchemeItem
    from bangfu.supervision.services import ItemInput, scheme_create

    judged, given = scoring.Month.of(month), {}
    counties = sorted({village[:6] + "000000" for village in villages})
    column = {"unit": "unit_id", "team": "team_id", "helper": "helper_id"}
    for level, items in SCHEME_ITEMS.items():
        rows = []
        for county in counties:
            scheme = scheme_create(
                actor=actor,
                region_code=county,
                level=level,
                name=f"{month.year}年度月度考评方案",
                valid_from=month,
                items=[ItemInput(name, source, points) for source, name, points in items],
            )
            scored = SchemeItem.objects.get(scheme=scheme, source="scored")
            keys = scoring.subjects(level, scoring.Within.of(county), judged)
            for key, place in sorted(keys.items())[::10]:
                points = Decimal(int(scored.weight * Decimal(0.6 + 0.4 * rng.random())))
                subject = (int(key),) if level in column else ()
                rows.append((scored.pk, place, points, *subject))
        columns = ["item_id", "region_id", "points", *([column[level]] if level in column else [])]
        insert(
            ItemScore,
            columns,
            rows,
            month=month,
            reason="现场督查情况",
            recorded_at=datetime.datetime.combine(
                weekdays_in(month)[-1], datetime.time(6), datetime.UTC
            ),
            recorded_by_id=actor.pk,
        )
        given[level] = len(rows)
    return given


def build_records(villages: list[str], sizes: dict[str, int], month: datetime.date, rng) -> dict:
    """Everything the month's scores read, in ``villages`` (the place tree built): the
    registry, pairings and visits, the teams and their days, the month's supervision, every
    roll-up. Answers what was built (counts, seconds)."""
    from django.db import transaction

    from bangfu.accounts.models import User
    from bangfu.reports import rollups as place_rollups
    from bangfu.visits import rollups

    meta: dict = {"month": str(month), "villages": len(villages)}
    step = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal step
        meta[f"{name}_s"] = round(time.perf_counter() - step, 1)
        step = time.perf_counter()

    county = villages[0][:6] + "000000"
    province_user = build_people(county)
    actor = province_user.pk
    unit_staff = User.objects.get(username="county").pk
    pairings = build_registry(sizes["households"], villages)
    meta["units"] = units_per_township()
    pairings = leave_some_waiting(pairings)
    meta.update(households=sizes["households"], pairings=len(pairings))
    meta["helpers"] = len({helper for _household, helper, _village in pairings})
    lap("registry")
    visits, problems = build_visits(pairings, [month], 4, actor, rng)
    fewer_visits, fewer_problems = visits_behind()
    meta.update(visits=visits - fewer_visits, problems=problems - fewer_problems)
    method = choose_rollups("auto", sizes["households"])
    meta["visit_rollups"] = rollups.rebuild() if method == "rebuild" else rollups_by_sql([month])
    meta["visit_rollups_by"] = method
    meta["visit_rollups_check"] = check_rollups(rng)
    lap("visits")
    print(
        f"  {meta['visits']:,} visits of {month:%Y-%m} ({meta['visit_rollups']:,} roll-up rows "
        f"by {method}, equal to rollups.compute for {meta['visit_rollups_check']}) in "
        f"{meta['visits_s']:.0f} s" + " " * 20,
        flush=True,
    )
    before = (month - datetime.timedelta(1)).replace(day=1)
    terms, meta["teams"] = build_teams(sizes["teams"], 3, villages, [before, month], rng)
    meta["members"] = len(terms)
    meta.update(build_days(terms, [month], actor, rng))
    meta["member_months"] = member_months_by_sql([month])
    meta["member_months_check"] = check_member_months(rng)
    lap("teams")
    print(
        f"  {meta['check_ins']:,} check-ins, {meta['member_months']:,} members' month roll-ups "
        f"(equal to teams.rollups.compute for {meta['member_months_check']}) in "
        f"{meta['teams_s']:.0f} s" + " " * 20,
        flush=True,
    )
    with transaction.atomic():
        round_of, sampled = build_rounds(month, villages, pairings, sizes["surveys"], actor, rng)
        surveyed = build_surveys(month, sampled, actor, rng)
        meta["findings"] = build_findings(
            month, sizes["findings"], pairings, surveyed, round_of, (actor, unit_staff), rng
        )
        meta["reports"] = build_reports(month, villages, actor, rng)
    meta.update(rounds=len(round_of), surveys=len(surveyed))
    with transaction.atomic():
        meta["points_given"] = build_schemes(month, villages, province_user, rng)
    lap("supervision")
    print(
        f"  {len(round_of)} rounds, {len(surveyed):,} surveys, findings {meta['findings']}, "
        f"self-check reports {meta['reports']}, schemes of every county and level, points "
        f"given {meta['points_given']} in {meta['supervision_s']:.0f} s",
        flush=True,
    )
    meta["places"] = place_rollups.rebuild()
    lap("place_rollups")
    print(
        f"  place roll-ups of {meta['places']:,} places in {meta['place_rollups_s']:.0f} s",
        flush=True,
    )
    return meta


def build(args: argparse.Namespace, var_dir: Path) -> dict:
    from django.db import connection, connections

    with connection.cursor() as cursor:
        # A bulk load: no fsync, a large page cache; the connection is closed afterwards,
        # so the timed work runs with the settings' own.
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-1048576")
    started = time.perf_counter()
    villages = spread(build_places(), args.villages)
    sizes = {name: getattr(args, name) for name in ("households", "teams", "findings", "surveys")}
    meta = build_records(villages, sizes, scored_month(args.month), random.Random(1))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    meta["build_s"] = round(time.perf_counter() - started, 1)
    connections.close_all()
    (var_dir / META_NAME).write_text(json.dumps(meta, indent=1))
    return meta


def scored_month(text: str | None) -> datetime.date:
    """The month asked for, else the month before last: its findings' deadlines have passed."""
    from django.utils import timezone

    from bangfu.core import params

    return params.month(text) if text else last_months(2, timezone.localdate())[0]


# ---------------------------------------------------------------------------------------------
# Measuring


def compare(level: str, month: datetime.date, place: str = PROVINCE) -> dict:
    """``computed_shares`` of the level at the place from the roll-ups and from the records,
    timed, and every subject's every source compared."""
    from bangfu.supervision.scoring import computed_shares

    begun = time.perf_counter()
    rolled = computed_shares(level, place, month)
    rolled_s = time.perf_counter() - begun
    begun = time.perf_counter()
    counted = computed_shares(level, place, month, from_records=True)
    counted_s = time.perf_counter() - begun
    differences = []
    for subject in sorted(rolled.keys() | counted.keys(), key=str):
        if subject not in counted or subject not in rolled:
            where = "roll-ups" if subject in rolled else "records"
            differences.append(f"{subject}: only from the {where}")
            continue
        one, other = rolled[subject], counted[subject]
        for source in sorted(one.keys() | other.keys()):
            if one.get(source) != other.get(source):
                differences.append(
                    f"{subject} {source}: roll-ups {one.get(source)}, records {other.get(source)}"
                )
    present: dict[str, list[Decimal]] = defaultdict(list)
    for shares in rolled.values():
        for source, value in shares.items():
            if value is not None:
                present[source].append(value)
    return {
        "level": level,
        "subjects": len(rolled),
        # Each source with a share: how many subjects have one, and their mean (in %).
        "shares": {
            source: (len(values), float(sum(values) / len(values)))
            for source, values in sorted(present.items())
        },
        "rollups_s": rolled_s,
        "records_s": counted_s,
        "differences": differences,
    }


def _as_compared(rows) -> list[tuple]:
    return [
        (row.key, row.region_id, row.total, row.rank, [line.as_json() for line in row.lines])
        for row in rows
    ]


def score_month(level: str, month: datetime.date, counties: int = 2) -> dict:
    """The province's month of scores of the level at once (``month_scores_under``: each
    county with a scheme of it, all computed in one pass a level), timed; then ``counties``
    of those counties (spread) one by one through ``month_scores``, the pages' path, timed
    and compared row by row with the province's."""
    from bangfu.accounts.models import User
    from bangfu.core.models import Region
    from bangfu.supervision.selectors.scores import month_scores, month_scores_under

    user = User.objects.get(username="province")
    province = Region.objects.get(code=PROVINCE)
    begun, cpu = time.perf_counter(), time.process_time()
    found = month_scores_under(user, province, level, month)
    seconds, cpu = time.perf_counter() - begun, time.process_time() - cpu
    checked = sorted(found)[:: max(1, len(found) // counties)][:counties] if counties else []
    differences, begun = [], time.perf_counter()
    for code in checked:
        one = month_scores(user, Region.objects.get(code=code), level, month)
        if _as_compared(one) != _as_compared(found[code]):
            differences.append(code)
    return {
        "places": len(found),
        "scores": sum(len(rows) for rows in found.values()),
        "seconds": seconds,
        "cpu_s": cpu,
        "checked": len(checked),
        "checked_s": time.perf_counter() - begun,
        "differences": differences,
    }


def measure(month: datetime.date, counties: int) -> list[tuple[str, bool]]:
    """Run in a process of its own: every level's shares both ways, compared, then its
    month's scores (the province's at once, and ``counties`` counties one by one); printed,
    and the verdicts answered."""
    print(f"\nthe province's computed shares of {month:%Y-%m} (computed_shares), each level from")
    print("the roll-ups and from the records, in seconds (one run each):")
    print(f"{'level':<10}{'subjects':>10}{'roll-ups':>11}{'records':>11}{'ratio':>9}  agree")
    verdicts, scored = [], []
    for level in LEVELS:
        compared = compare(level, month)
        differences = compared["differences"]
        rolled, counted = compared["rollups_s"], compared["records_s"]
        print(
            f"{level:<10}{compared['subjects']:>10,}{rolled:>11.2f}{counted:>11.2f}"
            f"{counted / rolled:>8.1f}×  "
            f"{f'NO: {len(differences):,} differ' if differences else 'yes'}",
            flush=True,
        )
        for line in differences[:5]:
            print(f"    differs: {line}")
        print(
            "    "
            + "; ".join(
                f"{source} {n:,} (mean {mean:.1f}%)"
                for source, (n, mean) in compared["shares"].items()
            )
        )
        verdicts.append((f"{level}: shares from the roll-ups equal the records'", not differences))
        scored.append((level, score_month(level, month, counties), rolled))
    print("\nthe province's month of scores from the roll-ups (month_scores_under: every county's")
    print("at once), then counties one by one (month_scores, the pages' path) against it:")
    print(
        f"{'level':<10}{'counties':>10}{'scores':>10}{'seconds':>10}{'CPU s':>8}{'checked':>10}"
        f"{'seconds':>10}{'a county':>10}  equal"
    )
    total = cpu = 0.0
    for level, found, _shares_s in scored:
        total += found["seconds"]
        cpu += found["cpu_s"]
        each = found["checked_s"] / found["checked"] if found["checked"] else 0.0
        differ = found["differences"]
        print(
            f"{level:<10}{found['places']:>10}{found['scores']:>10,}{found['seconds']:>10.2f}"
            f"{found['cpu_s']:>8.2f}{found['checked']:>10}{found['checked_s']:>10.2f}"
            f"{each:>10.2f}  "
            f"{f'NO: {len(differ)} differ ({differ[0]}…)' if differ else 'yes'}"
        )
        verdicts.append(
            (f"{level}: the counties' scores one by one equal the province's", not differ)
        )
    shares_total = sum(rolled for _level, _found, rolled in scored)
    print(f"{'all four':<30}{total:>10.2f}{cpu:>8.2f}")
    print(f"load average (1, 5, 15 min) at the end: {os.getloadavg()}")
    print(f"peak RSS of the computation: {peak_mib():,.0f} MiB", flush=True)
    verdicts += [
        (f"the province's month of scores under {TARGET_S} s: {total:.1f} s", total < TARGET_S),
        (
            f"the province's computed shares (one call a level) under {TARGET_S} s: "
            f"{shares_total:.1f} s",
            shares_total < TARGET_S,
        ),
    ]
    return verdicts


def main() -> int:
    args = parse_args()
    if args.measure:
        setup_django(args.measure)
        meta = json.loads((Path(args.measure) / META_NAME).read_text())
        verdicts = measure(datetime.date.fromisoformat(meta["month"]), args.counties)
        print("\ntargets")
        for text, met in verdicts:
            print(f"  {'PASS' if met else 'MISS'}  {text}")
        return 0
    var_dir = Path(args.keep or tempfile.mkdtemp(prefix="bangfu-supervision-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        setup_django(str(var_dir))
        from bangfu.core.models import Region

        meta_file = var_dir / META_NAME
        if meta_file.exists():
            meta = json.loads(meta_file.read_text())
            print(f"reusing the data set in {var_dir} (built in {meta['build_s']:.0f} s)")
        elif Region.objects.exists():
            print(f"{var_dir} holds an unfinished build: remove it and run again", file=sys.stderr)
            return 2
        else:
            print(
                f"building {args.villages:,} villages, {args.households:,} households, "
                f"{args.teams:,} teams, {args.findings:,} findings, {args.surveys:,} surveys "
                f"in {var_dir} …",
                flush=True,
            )
            meta = build(args, var_dir)
        size = sum(p.stat().st_size for p in var_dir.glob(DB_NAME + "*"))
        print(
            f"\n{meta['villages']:,} villages: {meta['households']:,} households, "
            f"{meta['helpers']:,} helpers in {meta['units']:,} units, {meta['pairings']:,} "
            f"pairings, {meta['visits']:,} visits; {meta['teams']:,} teams, {meta['members']:,} "
            f"members' terms, {meta['check_ins']:,} check-ins; {meta['rounds']} rounds, "
            f"{meta['surveys']:,} surveys, {sum(meta['findings'].values()):,} findings, "
            f"{sum(meta['reports'].values()) - meta['reports']['missing']:,} self-check reports; "
            f"month {meta['month'][:7]}; build {meta['build_s']:.0f} s; database "
            f"{size / 2**30:.2f} GiB",
            flush=True,
        )
        from django.db import connections

        connections.close_all()
        child = subprocess.run(
            [sys.executable, __file__, "--measure", str(var_dir), "--counties", str(args.counties)],
            env={**os.environ},
        )
        return child.returncode
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
