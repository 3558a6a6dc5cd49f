"""Resident work teams at province scale: residence figures from the place roll-ups against
the check-in rows.

    .venv/bin/python bench/teams.py [--teams 7000] [--members-per-team 3] [--months 12]
        [--keep DIR] [--repeat 7] [--budget 60]

Builds the province-shaped place tree of bench/province.py (5 cities, 50 counties, 500
townships, 10,000 villages) in a fresh SQLite database and ``--teams`` teams, one in each of
as many villages spread over the province, each sent by its county's unit since 2024 with a
leader, a first secretary and a liaison (``--members-per-team``: leader, secretary, liaison,
then members), about one in thirty of them replaced in the middle of a month (their term
ends on the 15th, the newcomer's starts on the 16th). For the last ``--months`` whole months
before today every member's every day of their term is one of: a check-in in the village
(most days; some members are diligent, some much less), a day of official business kept in
the register (about one a month), a day of approved leave (a few members a month take two
to four days), or nothing (absent). Rows go in with plain INSERTs, as bench/dashboard.py
writes visits (millions of check-ins through the ORM would take hours).

The members' month roll-ups are built by one set-based INSERT … SELECT … GROUP BY (the
builder never puts two kinds of record on one day, so no precedence is needed there), and
the stored rows of a sample of members are compared with ``teams.rollups.compute`` (which
applies the whole rule); a difference stops the run. Then every place's roll-ups by
``reports.rollups.rebuild()``, timed.

Then, for a user holding the province and one holding a county, for the last month: the
dashboard page (``/reports/?place=…&month=…``, its 驻村工作队 block included) through
Django's full request path, and the teams' indicators alone from the roll-ups
(``reports.selectors.Figures(...).values``), p50 and p95 over ``--repeat`` runs after one
warm-up; in the same run the same figures counted from the records
(``reports.selectors.teams_from_records``: each judged member's days from the check-in,
register and leave rows), compared one by one, and the ratio printed.

Targets: the province's and the county's residence figures (the dashboard page) p50 under
100 ms from the roll-ups, and the figures from the roll-ups equal to those from the rows.
A miss still exits 0 (this is a measurement); only a harness that could not measure exits
non-zero.
"""

import argparse
import datetime
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from dashboard import (
    agreed,
    build_people,
    insert,
    last_months,
    percentile,
    readers,
    show,
    timed,
    utc_offset,
)
from province import DB_NAME, PROVINCE, build_places, setup_django

TARGET_P50_MS = 100
TERM_START = datetime.date(2024, 1, 1)
SAMPLE_MEMBERS = 300  # members whose month roll-ups are compared with teams.rollups.compute
CHUNK = 100_000  # rows an INSERT batch
META_NAME = "bench-teams.json"
ROLES = ["1", "2", "3", "4"]  # 队长, 第一书记, 联络员, 队员
# How often a member is in the village on a day of their term: most are diligent.
DILIGENCE = [0.97] * 6 + [0.85] * 3 + [0.55]
SURNAMES, GIVEN = "王李张刘陈杨赵黄周吴马郭何高罗梁", "建国军华明秀英丽芳强伟平红梅兰志刚海燕"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=7000)
    parser.add_argument("--members-per-team", type=int, default=3)
    parser.add_argument("--months", type=int, default=12, help="whole months of check-ins")
    parser.add_argument(
        "--keep", help="build in this folder and keep it; a folder already built is reused"
    )
    parser.add_argument("--repeat", type=int, default=7, help="timed runs a case (p50, p95)")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds of timed runs a case")
    args = parser.parse_args()
    if not 1 <= args.teams <= 10_000 or not 1 <= args.members_per_team <= 10:
        parser.error("--teams 1 to 10,000 (one a village), --members-per-team 1 to 10")
    if not 1 <= args.months <= 24 or args.repeat < 1:
        parser.error("--months 1 to 24, --repeat ≥ 1")
    return args


# ---------------------------------------------------------------------------------------------
# Building the data set


def build_teams(
    count: int, per_team: int, villages: list[str], months: list[datetime.date], rng
) -> tuple[list[tuple], int]:
    """Units (one a county), teams in ``count`` villages spread over the province and their
    members, a few replaced mid-month; answers the members' terms (id, village, start, end)
    and how many teams."""
    from django.db import transaction

    from bangfu.core.models import Code
    from bangfu.pairing.models import Unit
    from bangfu.teams.models import Team, TeamMember

    roles = dict(Code.objects.filter(kind="team_role").values_list("value", "pk"))
    counties = sorted({v[:6] for v in villages})
    unit_of = {county: i + 1 for i, county in enumerate(counties)}
    chosen = villages[:: max(1, len(villages) // count)][:count]
    teams, served, members = [], [], []
    member_id = 0
    for team_id, village in enumerate(chosen, start=1):
        lat, lon = 33.0 + team_id % 997 * 0.002, 107.0 + team_id % 991 * 0.003
        teams.append((team_id, f"村{village}驻村工作队", village, unit_of[village[:6]], lat, lon))
        served.append((team_id, village))
        for slot in range(per_team):
            member_id += 1
            role = ROLES[min(slot, len(ROLES) - 1)]
            if rng.random() < 1 / 30 and len(months) > 1:  # replaced mid-month
                month = months[rng.randrange(1, len(months))]
                end = month.replace(day=15)
                members.append((member_id, team_id, village, role, TERM_START, end))
                member_id += 1
                members.append(
                    (member_id, team_id, village, role, end + datetime.timedelta(1), None)
                )
            else:
                members.append((member_id, team_id, village, role, TERM_START, None))
    with transaction.atomic():
        insert(
            Unit,
            ["id", "name", "region_id"],
            [(i, f"县{county}农业农村局", f"{county}000000") for county, i in unit_of.items()],
            kind="government",
            level="county",
        )
        insert(
            Team,
            ["id", "name", "region_id", "unit_id", "latitude", "longitude"],
            teams,
            term_start=TERM_START,
        )
        insert(Team.villages.through, ["team_id", "region_id"], served)
        insert(
            TeamMember,
            [
                "id",
                "team_id",
                "region_id",
                "name",
                "id_number_sealed",
                "id_number_hash",
                "role_id",
                "unit_id",
                "started_on",
                "ended_on",
                "end_reason",
            ],
            [
                (
                    pk,
                    team,
                    village,
                    SURNAMES[pk % len(SURNAMES)] + GIVEN[pk % len(GIVEN)],
                    "-",  # never read here: the sealed number of a real member
                    f"{pk:064x}",
                    roles[role],
                    unit_of[village[:6]],
                    start,
                    end,
                    "任期调整" if end else "",
                )
                for pk, team, village, role, start, end in members
            ],
        )
    print(f"  {len(teams):,} teams, {len(members):,} members' terms", flush=True)
    return [(pk, village, start, end) for pk, _team, village, _role, start, end in members], len(
        teams
    )


def build_days(
    terms: list[tuple], months: list[datetime.date], recorder_id: int, rng
) -> dict[str, int]:
    """Each member's every day of their term in the months: a check-in, official business in
    the register, approved leave, or nothing. Never two on one day."""
    from django.db import transaction

    from bangfu.core.models import Code
    from bangfu.teams.models import CheckIn, LeaveRequest, RegisterEntry

    leave_kind = Code.objects.get(kind="leave_kind", value="1").pk
    hours = int(utc_offset(months).total_seconds() // 3600)
    if not 0 <= hours <= 8:
        raise RuntimeError("this builder writes check-ins for UTC offsets of 0 to +8 hours")
    # 08:00-09:59 local is the same UTC day for offsets 0 to +8.
    clock = [f"{8 + m // 60 - hours:02d}:{m % 60:02d}:00" for m in range(120)]
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
    check_ins: list[tuple] = []
    register: list[tuple] = []
    leave: list[tuple] = []
    counts = {"check_ins": 0, "register": 0, "leave": 0, "leave_days": 0}
    first_day = months[0]
    last_day = (months[-1] + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(1)
    days = [first_day + datetime.timedelta(n) for n in range((last_day - first_day).days + 1)]
    texts = [str(day) for day in days]
    random_ = rng.random

    def flush() -> None:
        with transaction.atomic():
            insert(
                CheckIn,
                ["id", "client_id", "member_id", "region_id", "checked_at", "day", "recorded_at"],
                check_ins,
                recorded_by_id=recorder_id,
                photo="",
            )
            insert(
                RegisterEntry,
                ["member_id", "region_id", "day", "status", "reason", "recorded_at"],
                register,
                recorded_by_id=recorder_id,
            )
            insert(
                LeaveRequest,
                ["member_id", "region_id", "first_day", "last_day", "reason", "requested_at"],
                leave,
                kind_id=leave_kind,
                state="approved",
                levels_needed=1,
                requested_by_id=recorder_id,
            )
        counts["check_ins"] += len(check_ins)
        counts["register"] += len(register)
        counts["leave"] += len(leave)
        check_ins.clear()
        register.clear()
        leave.clear()

    for done, (member_id, village, start, end) in enumerate(terms, 1):
        diligence = DILIGENCE[member_id % len(DILIGENCE)]
        official: set[int] = set()
        away: set[int] = set()
        for index, day in enumerate(days):
            if day.day == 1:
                if random_() < 0.5:
                    official.add(index + int(random_() * 27))
                if random_() < 0.04:
                    first = index + int(random_() * 24)
                    length = 2 + int(random_() * 3)
                    inside = first + length <= len(days)
                    if (
                        inside
                        and start <= days[first]
                        and (end is None or days[first + length - 1] <= end)
                    ):
                        away.update(range(first, first + length))
                        leave.append(
                            (member_id, village, days[first], days[first + length - 1])
                            + ("家中有事", now)
                        )
                        counts["leave_days"] += length
            if day < start or (end is not None and day > end) or index in away:
                continue
            if index in official:
                register.append((member_id, village, day, "official", "县里开会", now))
            elif random_() < diligence:
                at = texts[index] + " " + clock[int(random_() * 120)]
                serial = counts["check_ins"] + len(check_ins) + 1
                check_ins.append((serial, f"{serial:032x}", member_id, village, at, day, at))
        if len(check_ins) >= CHUNK:
            flush()
            print(f"  {done:>9,} members' days", end="\r", flush=True)
    flush()
    return counts


def member_months_by_sql(months: list[datetime.date]) -> int:
    """Every member's month roll-up in one statement: check-in days, official days and leave
    days grouped by member and month (a calendar of the months joins the leave)."""
    from django.db import connection, transaction

    first = months[0]
    last = (months[-1] + datetime.timedelta(days=32)).replace(day=1)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM teams_membermonth")
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS bench_day (day TEXT PRIMARY KEY)")
        cursor.execute("DELETE FROM bench_day")
        cursor.executemany(
            "INSERT INTO bench_day (day) VALUES (%s)",
            [(str(first + datetime.timedelta(n)),) for n in range((last - first).days)],
        )
        cursor.execute(
            """
            INSERT INTO teams_membermonth (member_id, region_id, month, days_in_village,
                days_official, days_leave, check_ins)
            SELECT member_id, region_id, month, sum(here), sum(official), sum(leave), sum(n)
            FROM (
                SELECT member_id, region_id, date(day, 'start of month') AS month,
                    count(DISTINCT day) AS here, 0 AS official, 0 AS leave, count(*) AS n
                FROM teams_checkin GROUP BY member_id, date(day, 'start of month')
                UNION ALL
                SELECT member_id, region_id, date(day, 'start of month'), 0, count(*), 0, 0
                FROM teams_registerentry WHERE status = 'official'
                GROUP BY member_id, date(day, 'start of month')
                UNION ALL
                SELECT l.member_id, l.region_id, date(d.day, 'start of month'), 0, 0, count(*), 0
                FROM teams_leaverequest l
                JOIN bench_day d ON d.day >= l.first_day AND d.day <= l.last_day
                WHERE l.state = 'approved'
                GROUP BY l.member_id, date(d.day, 'start of month')
            )
            GROUP BY member_id, month
            """
        )
        cursor.execute("SELECT count(*) FROM teams_membermonth")
        return cursor.fetchone()[0]


def check_member_months(rng) -> str:
    """The stored month roll-ups of a sample of members (replaced ones and some with leave
    among them) against ``teams.rollups.compute``; raises on a difference."""
    from bangfu.teams import rollups
    from bangfu.teams.models import LeaveRequest, MemberMonth, TeamMember

    ids = list(TeamMember.objects.values_list("pk", flat=True))
    sample = set(rng.sample(ids, min(SAMPLE_MEMBERS, len(ids))))
    sample |= set(TeamMember.objects.exclude(ended_on=None).values_list("pk", flat=True)[:20])
    sample |= set(LeaveRequest.objects.values_list("member_id", flat=True)[:20])
    fields = ["days_in_village", "days_official", "days_leave", "check_ins"]
    rows = 0
    for member in TeamMember.objects.filter(pk__in=sample):
        stored = {
            row.month: tuple(getattr(row, f) for f in fields)
            for row in MemberMonth.objects.filter(member=member)
        }
        computed = {}
        for month in stored:
            row = rollups.compute(member, month)
            computed[month] = tuple(getattr(row, f) for f in fields) if row else None
        if stored != computed:
            raise RuntimeError(f"member {member.pk}: stored {stored} ≠ computed {computed}")
        rows += len(stored)
    return f"{len(sample)} members, {rows:,} rows"


def build(args: argparse.Namespace, var_dir: Path) -> dict:
    from django.db import connection, connections
    from django.utils import timezone

    from bangfu.reports import rollups as place_rollups

    rng = random.Random(1)
    months = last_months(args.months, timezone.localdate())
    meta: dict = {"months": [str(m) for m in months]}
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-1048576")
    started = time.perf_counter()
    villages = build_places()
    terms, teams = build_teams(args.teams, args.members_per_team, villages, months, rng)
    county = terms[0][1][:6] + "000000"
    staff = build_people(county)
    step = time.perf_counter()
    meta.update(build_days(terms, months, staff.pk, rng))
    meta["days_s"] = time.perf_counter() - step
    print(
        f"  {meta['check_ins']:,} check-ins, {meta['register']:,} register entries, "
        f"{meta['leave']:,} leave requests in {meta['days_s']:.0f} s" + " " * 20,
        flush=True,
    )
    step = time.perf_counter()
    meta["member_months"] = member_months_by_sql(months)
    meta["member_months_s"] = time.perf_counter() - step
    meta["sample"] = check_member_months(rng)
    print(
        f"  {meta['member_months']:,} members' month roll-ups by SQL in "
        f"{meta['member_months_s']:.0f} s; equal to teams.rollups.compute for {meta['sample']}",
        flush=True,
    )
    step = time.perf_counter()
    places = place_rollups.rebuild()
    meta["place_rollups_s"] = time.perf_counter() - step
    print(
        f"  place roll-ups of {places:,} places by reports.rollups.rebuild() in "
        f"{meta['place_rollups_s']:.0f} s",
        flush=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    meta.update(build_s=time.perf_counter() - started, county=county, teams=teams)
    meta["members"] = len(terms)
    connections.close_all()
    (var_dir / META_NAME).write_text(json.dumps(meta, indent=1))
    return meta


# ---------------------------------------------------------------------------------------------
# Timing


def measure(args: argparse.Namespace, meta: dict) -> list[tuple[str, bool]]:
    from bangfu.reports.indicators import keys_of
    from bangfu.reports.selectors import Figures, teams_from_records

    last, period, cases = readers(meta, PROVINCE)
    verdicts: list[tuple[str, bool]] = []
    print(f"\ntimes in ms over {args.repeat} runs after one warm-up: p50, p95 (month {last})")
    print(f"{'case':<44}{'p50':>9}{'p95':>9}")
    for reader in cases:
        scope, page = reader.scope, reader.page
        # The residence page (驻村天数): the teams under the place, 50 a page, short ones counted.
        residence_url = f"/teams/residence/?place={reader.code}&month={last}"

        def residence_page(url=residence_url, page=page) -> None:
            page(url)

        def values(user=reader.user, within=reader.within) -> dict:
            return Figures(user, within, period).values

        def source(user=reader.user, within=reader.within) -> dict:
            return teams_from_records(user, within, period)

        page()
        page_ms = timed(page, args.repeat, args.budget)
        residence_page()
        residence_ms = timed(residence_page, args.repeat, args.budget)
        from_rollups = values()
        values_ms = timed(values, args.repeat, args.budget)
        from_rows = source()
        source_ms = timed(source, max(3, args.repeat // 2), args.budget)
        print(f"{scope} dashboard page (teams block included){show(page_ms, args.repeat)}")
        print(f"{scope + ' residence page (first 50 teams)':<44}{show(residence_ms, args.repeat)}")
        print(f"  Figures(...).values (roll-ups){'':<14}{show(values_ms, args.repeat)}")
        print(f"  teams_from_records (the rows){'':<15}{show(source_ms, max(3, args.repeat // 2))}")
        keys = keys_of("teams")
        same = agreed(keys, from_rollups, from_rows)
        p50 = percentile(page_ms, 0.5)
        ratio = percentile(source_ms, 0.5) / percentile(values_ms, 0.5)
        print(f"  ratio rows / roll-ups (Figures.values): {ratio:8.1f}×")
        print(f"  ratio rows / whole page:                {percentile(source_ms, 0.5) / p50:8.1f}×")
        residence_p50 = percentile(residence_ms, 0.5)
        verdicts += [
            (f"{scope} page p50 < {TARGET_P50_MS} ms: {p50:,.0f} ms", p50 < TARGET_P50_MS),
            (
                f"{scope} residence page p50 < {TARGET_P50_MS} ms: {residence_p50:,.0f} ms",
                residence_p50 < TARGET_P50_MS,
            ),
            (f"{scope} residence figures agree with the check-in rows ({ratio:.0f}×)", same),
        ]
    return verdicts


def main() -> int:
    args = parse_args()
    var_dir = Path(args.keep or tempfile.mkdtemp(prefix="bangfu-teams-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        setup_django(str(var_dir))
        from bangfu.teams.models import Team

        meta_file = var_dir / META_NAME
        if meta_file.exists():
            meta = json.loads(meta_file.read_text())
            print(f"reusing the data set in {var_dir} (built in {meta['build_s']:.0f} s)")
        elif Team.objects.exists():
            print(f"{var_dir} holds an unfinished build: remove it and run again", file=sys.stderr)
            return 2
        else:
            print(
                f"building {args.teams:,} teams of {args.members_per_team}, {args.months} months "
                f"of daily check-ins, in {var_dir} …",
                flush=True,
            )
            meta = build(args, var_dir)
        size = sum(p.stat().st_size for p in var_dir.glob(DB_NAME + "*"))
        print(
            f"\n{meta['teams']:,} teams, {meta['members']:,} members' terms, months "
            f"{meta['months'][0][:7]} to {meta['months'][-1][:7]}: {meta['check_ins']:,} "
            f"check-ins, {meta['register']:,} register entries, {meta['leave']:,} leave "
            f"requests ({meta['leave_days']:,} days); build {meta['build_s']:.0f} s (days "
            f"{meta['days_s']:.0f} s, members' roll-ups {meta['member_months_s']:.0f} s, place "
            f"roll-ups {meta['place_rollups_s']:.0f} s); database {size / 2**30:.2f} GiB"
        )
        verdicts = measure(args, meta)
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
