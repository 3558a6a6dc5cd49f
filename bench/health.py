"""Health and household plans at province scale: the dashboard's 健康帮扶 and 一户一策 blocks
from the place roll-ups against the same figures counted from the rows.

    .venv/bin/python bench/health.py [--households 1000000] [--keep DIR] [--repeat 5]
        [--budget 60]

Builds the province-shaped place tree of bench/province.py (10,000 villages) and the
registry of bench/dashboard.py (``--households`` households with helpers and pairings) in a
fresh SQLite database, three members a household (one in eight away for work, one in a
hundred left this year), and for them, with plain INSERTs: a family-doctor contract for nine
members in ten (last year's, renewed this year for most), this year's check-up for most,
an illness for one member in five with a follow-up a quarter, a free clinic a township and
a clinic day a village, and two measures a household (some overdue). Then every place's
roll-ups by ``reports.rollups.rebuild()``, timed.

Then, for a user holding the province and one holding a county, for the last whole month:
the dashboard page through Django's full request path, the health and plans' indicators
from the roll-ups (``reports.selectors.Figures(...).values``), and the same counted from the
records by the health and plans selectors (``reports.selectors.health_from_records``: the
check-up rate member by member, as its page counts it), p50 and p95; the figures compared
one by one and the ratio printed. A miss still exits 0 (this is a measurement).
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
    build_registry,
    insert,
    last_months,
    percentile,
    readers,
    show,
    timed,
)
from province import PROVINCE, build_places, setup_django

TARGET_P50_MS = 100
META_NAME = "bench-health.json"
CHUNK = 100_000
WORK = ["", "", "", "", "务农", "务农", "在家", "外出务工"]  # one in eight away for work


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--keep", help="build in (or reuse) this directory")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs a case (p50, p95)")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds of timed runs a case")
    return parser.parse_args()


def _batches(rows, size=CHUNK):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def build_health(today: datetime.date, staff_id: int, rng) -> dict:
    """Members, contracts, check-ups, illnesses, follow-ups, activities and measures."""
    from django.db import transaction
    from django.utils import timezone

    from bangfu.core.models import Code
    from bangfu.health.models import Activity, CheckUp, Condition, DoctorContract, FollowUp
    from bangfu.plans.models import Measure
    from bangfu.registry.models import Household, Member

    codes = {(c.kind, c.value): c.pk for c in Code.objects.all()}
    now = timezone.now()
    year = today.year
    counts = dict.fromkeys(["members", "contracts", "checkups", "conditions", "follow_ups"], 0)
    households = list(Household.objects.values_list("pk", "region_id").order_by("pk"))
    member_id = condition_id = 0
    members, contracts, checkups, conditions, follow_ups, measures = [], [], [], [], [], []

    def flush(final=False) -> None:
        with transaction.atomic():
            for model, columns, rows, constant in (
                (
                    Member,
                    [
                        "id",
                        "household_id",
                        "name",
                        "sex",
                        "birth_date",
                        "id_number_sealed",
                        "id_number_hash",
                        "relation_id",
                        "is_head",
                        "ethnicity_id",
                        "health_id",
                        "labour_id",
                        "work_status",
                        "left_on",
                    ],
                    members,
                    {},
                ),
                (
                    DoctorContract,
                    ["member_id", "region_id", "signed_on", "valid_until"],
                    contracts,
                    {
                        "doctor": "张医生",
                        "institution": "镇卫生院",
                        "package_id": codes[("doctor_package", "1")],
                        "recorded_at": now,
                        "recorded_by_id": staff_id,
                    },
                ),
                (
                    CheckUp,
                    ["member_id", "region_id", "held_on"],
                    checkups,
                    {"institution": "镇卫生院", "recorded_at": now, "recorded_by_id": staff_id},
                ),
                (
                    Condition,
                    ["id", "member_id", "region_id", "kind", "diagnosed_on"],
                    conditions,
                    {
                        "illness_id": codes[("illness", "1")],
                        "recorded_at": now,
                        "recorded_by_id": staff_id,
                    },
                ),
                (
                    FollowUp,
                    ["condition_id", "region_id", "held_on", "next_due"],
                    follow_ups,
                    {"by": "村医", "kind": "home", "recorded_at": now, "recorded_by_id": staff_id},
                ),
                (
                    Measure,
                    ["household_id", "region_id", "kind_id", "starts_on", "due_on", "status"],
                    measures,
                    {
                        "content": "产业帮扶",
                        "responsible_name": "镇干部",
                        "recorded_at": now,
                        "recorded_by_id": staff_id,
                    },
                ),
            ):
                insert(model, columns, rows, **constant)
                rows.clear()

    first_day = datetime.date(year, 1, 1)
    kinds = [codes[("plan_measure", v)] for v in ("1", "2", "3", "4")]
    for household_id, place in households:
        for seat in range(3):
            member_id += 1
            status = WORK[rng.randrange(len(WORK))]
            left = (
                first_day + datetime.timedelta(days=rng.randrange(60))
                if rng.random() < 0.01 and seat
                else None
            )
            members.append(
                (
                    member_id,
                    household_id,
                    f"成员{member_id}",
                    "1" if seat != 1 else "2",
                    datetime.date(1950 + member_id % 60, 1, 1),
                    "x",
                    f"{member_id:064d}",
                    codes[("relation", "01" if seat == 0 else "03")],
                    seat == 0,
                    codes[("ethnicity", "01")],
                    codes[("health", "1")],
                    codes[("labour", "1")],
                    status,
                    left,
                )
            )
            counts["members"] += 1
            if rng.random() < 0.9:
                contracts.append(
                    (
                        member_id,
                        place,
                        datetime.date(year - 1, 1, 1),
                        datetime.date(year - 1, 12, 31),
                    )
                )
                if rng.random() < 0.95:
                    contracts.append((member_id, place, first_day, datetime.date(year, 12, 31)))
            if rng.random() < 0.88:
                day = first_day + datetime.timedelta(
                    days=rng.randrange(max(1, (today - first_day).days))
                )
                checkups.append((member_id, place, day))
            if rng.random() < 0.2:
                condition_id += 1
                conditions.append(
                    (condition_id, member_id, place, "chronic", datetime.date(2020, 5, 1))
                )
                for quarter in range(4):
                    held = first_day + datetime.timedelta(days=90 * quarter + rng.randrange(20))
                    if held < today and rng.random() < 0.85:
                        follow_ups.append(
                            (condition_id, place, held, held + datetime.timedelta(days=90))
                        )
        for n in range(2):
            due = first_day + datetime.timedelta(days=rng.randrange(500))
            status = ["planned", "under_way", "done", "done"][rng.randrange(4)]
            measures.append(
                (household_id, place, kinds[(household_id + n) % 4], first_day, due, status)
            )
        if len(members) >= CHUNK:
            counts["contracts"] += len(contracts)
            counts["checkups"] += len(checkups)
            counts["conditions"] += len(conditions)
            counts["follow_ups"] += len(follow_ups)
            flush()
    counts["contracts"] += len(contracts)
    counts["checkups"] += len(checkups)
    counts["conditions"] += len(conditions)
    counts["follow_ups"] += len(follow_ups)
    flush()
    villages = sorted({place for _pk, place in households})
    townships = sorted({village[:9] + "000" for village in villages})
    activities = [
        (township, "free_clinic", first_day + datetime.timedelta(days=100), 120)
        for township in townships
    ]
    activities += [
        (v, "clinic_day", today.replace(day=1) - datetime.timedelta(days=10), 15) for v in villages
    ]
    with transaction.atomic():
        insert(
            Activity,
            ["region_id", "kind", "held_on", "people_served"],
            activities,
            organiser="镇卫生院",
            recorded_at=now,
            recorded_by_id=staff_id,
        )
    counts["activities"] = len(activities)
    return counts


def build(args: argparse.Namespace, var_dir: Path) -> dict:
    from django.db import connection, connections
    from django.utils import timezone

    from bangfu.reports import rollups as place_rollups

    rng = random.Random(1)
    today = timezone.localdate()
    months = last_months(1, today)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-1048576")
    started = time.perf_counter()
    villages = build_places()
    county = villages[0][:6] + "000000"
    staff = build_people(county)
    build_registry(args.households, villages)
    meta: dict = {"months": [str(m) for m in months], "county": county}
    step = time.perf_counter()
    meta.update(build_health(today, staff.pk, rng))
    meta["records_s"] = time.perf_counter() - step
    print(f"  {meta} in {meta['records_s']:.0f} s", flush=True)
    step = time.perf_counter()
    places = place_rollups.rebuild()
    meta["place_rollups_s"] = time.perf_counter() - step
    print(f"  place roll-ups of {places:,} places by rebuild() in {meta['place_rollups_s']:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    meta["build_s"] = time.perf_counter() - started
    connections.close_all()
    (var_dir / META_NAME).write_text(json.dumps(meta, indent=1))
    return meta


def measure(args: argparse.Namespace, meta: dict) -> list[tuple[str, bool]]:
    from bangfu.reports.indicators import keys_of
    from bangfu.reports.selectors import Figures, health_from_records

    last, period, cases = readers(meta, PROVINCE)
    keys = keys_of("health") + keys_of("plans")
    verdicts: list[tuple[str, bool]] = []
    print(f"\ntimes in ms over {args.repeat} runs after one warm-up: p50, p95 (month {last})")
    for reader in cases:
        scope, page = reader.scope, reader.page

        def values(user=reader.user, within=reader.within) -> dict:
            return Figures(user, within, period).values

        def source(user=reader.user, within=reader.within) -> dict:
            return health_from_records(user, within, period)

        page()
        page_ms = timed(page, args.repeat, args.budget)
        from_rollups = values()
        values_ms = timed(values, args.repeat, args.budget)
        step = time.perf_counter()
        from_rows = source()
        source_ms = [(time.perf_counter() - step) * 1000]
        print(f"{scope + ' dashboard page (every block)':<44}{show(page_ms, args.repeat)}")
        print(f"  Figures(...).values (roll-ups){'':<14}{show(values_ms, args.repeat)}")
        print(f"  health_from_records (the rows, once){'':<8}{source_ms[0]:9,.0f}")
        same = agreed(keys, from_rollups, from_rows)
        ratio = source_ms[0] / percentile(values_ms, 0.5)
        print(f"  ratio rows / roll-ups (Figures.values): {ratio:8.1f}×")
        p50 = percentile(page_ms, 0.5)
        verdicts += [
            (f"{scope} page p50 < {TARGET_P50_MS} ms: {p50:,.0f} ms", p50 < TARGET_P50_MS),
            (f"{scope} health figures agree with the rows ({ratio:.0f}×)", same),
        ]
    return verdicts


def main() -> int:
    args = parse_args()
    var_dir = Path(args.keep or tempfile.mkdtemp(prefix="bangfu-health-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        setup_django(str(var_dir))
        meta_file = var_dir / META_NAME
        if meta_file.exists():
            meta = json.loads(meta_file.read_text())
            print(f"reusing the data set in {var_dir} (built in {meta['build_s']:.0f} s)")
        else:
            print(f"building {args.households:,} households' health records in {var_dir} …")
            meta = build(args, var_dir)
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
