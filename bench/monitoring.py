"""The nightly early-warning rule run (预警规则) at a province's size, against the same rules
as one plain DuckDB query over the same data.

    .venv/bin/python bench/monitoring.py [--households 1000000] [--rows 5000000] [--keep DIR]

Builds, with plain INSERTs as bench/dashboard.py does (its ``insert`` and ``build_registry``
on ``province.build_places``' 10,000 villages): N households, two members each (a head,
six in ten able to work, and a child born 2008–2020), two years of income each (2024, 2025;
one in twenty falling by half, some below the line), and ``--rows`` departments' rows: a
fifth medical costs (医保, ``health.MedicalCost``, one a head), the rest members' records
(``monitoring.MemberEvent``: 民政 support entries, 人社 jobs lost, 残联 certificates, 住建
housing graded A–D, 教育 pupils out of school), their days spread over two years before the
day judged; and 60 disasters (50 villages, 10 townships) within the last two months.

Then, in a process of its own (so that its peak RSS is the run's, not the build's):

1. ``services.found_by_rules``: the rules' queries alone (set-based, one a rule), timed;
2. ``services.rules_run``: the nightly run as the task runs it — the same queries, then
   every alert inserted with its fired records and its audit entry — timed;
3. the same eight rules written as one plain DuckDB query (UNION ALL of the rules, the
   default parameters as constants: no place sets its own here) over copies of the same
   tables. DuckDB cannot read the SQLite file here (its sqlite extension is downloaded on
   first use, and this machine is offline), so the tables are copied into an in-memory
   DuckDB database through CSV files first; only the query is timed. The rules' guards (an
   open alert of the rule, a record that fired before) leave nothing out on a first run, so
   the DuckDB query has none.

Both answers are compared as sets of (household, rule); a difference stops the run. It
prints the three times, the ratio of the run (and of its queries) to DuckDB's query (target:
within 2×), whether the run is under 5 minutes, and the run's peak RSS.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from province import build_places, duckdb_copy, peak_mib, setup_django

ON = datetime.date(2026, 11, 30)  # the day judged
TARGET_RATIO, TARGET_SECONDS = 2.0, 300
CHUNK = 100_000
# The rows' shares of the departments' rows: medical costs, then the members' records.
SHARES = [
    ("cost", 0.20),
    ("assistance", 0.20),
    ("job_loss", 0.20),
    ("disability", 0.15),
    ("unsafe_housing", 0.15),
    ("out_of_school", 0.10),
]


def _batches(rows, size=CHUNK):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def build(households: int, rows: int) -> dict:
    from dashboard import build_registry, insert
    from django.db import connection, transaction

    from bangfu.accounts.models import User
    from bangfu.core.models import Code
    from bangfu.core.regions import code_range
    from bangfu.health.models import MedicalCost
    from bangfu.monitoring.models import Disaster, MemberEvent
    from bangfu.registry.models import AnnualIncome, Member

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-1048576")
    started = time.perf_counter()
    villages = build_places()
    build_registry(households, villages)
    staff = User.objects.create_user("province", full_name="省级", password="x")
    codes = {(c.kind, c.value): c.pk for c in Code.objects.all()}
    able, weak, none = (codes[("labour", v)] for v in ("1", "3", "5"))
    common = {
        "ethnicity_id": codes[("ethnicity", "01")],
        "health_id": codes[("health", "1")],
        "id_number_sealed": "-",
    }
    with transaction.atomic():
        cursor = connection.cursor()
        cursor.execute("SELECT id, region_id FROM registry_household")
        region_of = dict(cursor.fetchall())

        def members():
            for h in range(1, households + 1):
                yield (
                    2 * h - 1,
                    h,
                    "户主",
                    "1",
                    datetime.date(1960 + h % 30, 1 + h % 12, 1),
                    f"{2 * h - 1:064d}",
                    codes[("relation", "01")],
                    True,
                    able if h % 10 < 6 else weak,
                )
                yield (
                    2 * h,
                    h,
                    "子女",
                    "2",
                    datetime.date(2008 + h % 13, 1 + h % 12, 1 + h % 28),
                    f"{2 * h:064d}",
                    codes[("relation", "03")],
                    False,
                    none,
                )

        columns = [
            "id",
            "household_id",
            "name",
            "sex",
            "birth_date",
            "id_number_hash",
            "relation_id",
            "is_head",
            "labour_id",
        ]
        for batch in _batches(members()):
            insert(Member, columns, batch, **common)

        def incomes():
            for h in range(1, households + 1):
                before = 14000 + (h * 37) % 20000
                now = before // 2 if h % 20 == 0 else before + (h * 11) % 3000 - 1500
                for year, wages in ((2024, before), (2025, now)):
                    yield (h, year, wages, 2)

        for batch in _batches(incomes()):
            insert(
                AnnualIncome,
                ["household_id", "year", "wages", "household_size"],
                batch,
                business=0,
                transfers=0,
                property_income=0,
                costs=0,
            )
        counts = {kind: int(rows * share) for kind, share in SHARES}
        now = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)

        def costs():
            for k in range(counts["cost"]):
                h = k % households + 1
                total = 500 + (k * 7919) % 36000
                yield (
                    2 * h - 1,
                    region_of[h],
                    2025 + k // households % 2,
                    total,
                    round(total * 0.7, 2),
                )

        for batch in _batches(costs()):
            insert(
                MedicalCost,
                ["member_id", "region_id", "year", "total", "reimbursed"],
                batch,
                recorded_at=now,
                recorded_by_id=staff.pk,
            )

        def events():
            for kind, _share in SHARES[1:]:
                child = kind in ("assistance", "out_of_school")
                for k in range(counts[kind]):
                    h = k % households + 1
                    rounds = k // households
                    day = ON - datetime.timedelta(days=(k * 7 + rounds * 3) % 730)
                    grade = "ABCD"[k % 4] if kind == "unsafe_housing" else ""
                    yield (2 * h if child else 2 * h - 1, h, region_of[h], kind, day, grade)

        for batch in _batches(events()):
            insert(
                MemberEvent,
                ["member_id", "household_id", "region_id", "kind", "day", "grade"],
                batch,
                recorded_at=now,
            )
        places = villages[::200][:50] + sorted({v[:9] + "000" for v in villages})[::50][:10]
        insert(
            Disaster,
            ["region_id", "region_end", "kind", "day", "severity"],
            [
                (
                    code,
                    code_range(code, 5 if code[9:] != "000" else 4)[1],
                    "flood",
                    ON - datetime.timedelta(days=i % 60),
                    1 + i % 4,
                )
                for i, code in enumerate(places)
            ],
            recorded_at=now,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {
        "households": households,
        "rows": sum(counts.values()),
        "build_s": time.perf_counter() - started,
    }


# The same rules as one plain query, parameters as constants (the registry defaults).
DUCKDB_RULES = """
WITH latest AS (
  SELECT household_id, MAX(year) AS year FROM annual GROUP BY household_id),
a AS (SELECT i.* FROM annual i JOIN latest l USING (household_id, year)),
net AS (SELECT household_id, year, id,
  wages + business + transfers + property_income - costs AS net, household_size FROM annual),
paid AS (SELECT m.household_id, c.year, SUM(c.total - c.reimbursed) AS paid
  FROM cost c JOIN member m ON m.id = c.member_id WHERE c.year >= {first_year}
  GROUP BY m.household_id, c.year),
open_h AS (SELECT id, region_id FROM household WHERE closed_on IS NULL)
SELECT DISTINCT household_id, rule FROM (
  SELECT h.id AS household_id, 'income_low' AS rule FROM open_h h JOIN a ON a.household_id = h.id
    WHERE a.household_size > 0 AND a.wages + a.business + a.transfers + a.property_income
      - a.costs < {income_line} * a.household_size
  UNION ALL
  SELECT h.id, 'income_drop' FROM open_h h JOIN a ON a.household_id = h.id
    JOIN net b ON b.household_id = h.id AND b.year = a.year - 1
    WHERE a.household_size > 0 AND b.household_size > 0
      AND (a.wages + a.business + a.transfers + a.property_income - a.costs)
        * b.household_size * 100 < b.net * a.household_size * (100 - {drop_share})
  UNION ALL
  SELECT h.id, 'medical_cost' FROM paid g JOIN open_h h ON h.id = g.household_id
    LEFT JOIN net n ON n.household_id = h.id AND n.year = g.year
    WHERE g.paid > {medical_threshold}
      OR (n.id IS NOT NULL AND g.paid * 100 > {medical_share} * n.net)
  UNION ALL
  SELECT h.id, e.kind FROM event e JOIN open_h h ON h.id = e.household_id
    JOIN member m ON m.id = e.member_id
    WHERE e.day > DATE '{since}' AND e.day <= DATE '{on}' AND m.left_on IS NULL
      AND (e.kind = 'disability'
        OR (e.kind = 'unsafe_housing' AND e.grade IN ('C', 'D'))
        OR (e.kind = 'out_of_school' AND m.birth_date > DATE '{born_after}'
            AND m.birth_date <= DATE '{born_by}')
        OR (e.kind = 'job_loss' AND m.labour_id IN ({able})))
  UNION ALL
  SELECT h.id, 'disaster' FROM disaster d JOIN open_h h
    ON h.region_id >= d.region_id AND h.region_id < d.region_end
    WHERE d.day > DATE '{since_disaster}' AND d.day <= DATE '{on}'
)
"""

COPIED = {  # DuckDB table: (SQLite table, columns with DuckDB types)
    "household": ("registry_household", "id BIGINT, region_id VARCHAR, closed_on DATE"),
    "member": (
        "registry_member",
        "id BIGINT, household_id BIGINT, birth_date DATE, labour_id BIGINT, left_on DATE",
    ),
    "annual": (
        "registry_annualincome",
        "id BIGINT, household_id BIGINT, year INTEGER, wages DECIMAL(12,2), "
        "business DECIMAL(12,2), transfers DECIMAL(12,2), property_income DECIMAL(12,2), "
        "costs DECIMAL(12,2), household_size INTEGER",
    ),
    "cost": (
        "health_medicalcost",
        "id BIGINT, member_id BIGINT, year INTEGER, total DECIMAL(10,2), reimbursed DECIMAL(10,2)",
    ),
    "event": (
        "monitoring_memberevent",
        "id BIGINT, member_id BIGINT, household_id BIGINT, kind VARCHAR, day DATE, grade VARCHAR",
    ),
    "disaster": (
        "monitoring_disaster",
        "id BIGINT, region_id VARCHAR, region_end VARCHAR, day DATE",
    ),
}


def copied_queries() -> dict[str, tuple[str, str]]:
    """The tables the rules read, each as the query that copies it and its columns' types."""
    return {
        name: (f"SELECT {', '.join(p.split()[0] for p in typed.split(', '))} FROM {table}", typed)
        for name, (table, typed) in COPIED.items()
    }


def measure(var_dir: str) -> None:
    """In a process of its own: the rules' queries, the nightly run, DuckDB's query."""
    setup_django(var_dir)
    from django.db import connection

    from bangfu.core.models import Code
    from bangfu.core.policies import REGISTRY
    from bangfu.monitoring import rules, services
    from bangfu.monitoring.models import Alert, RuleRun

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB, as a worker might set
    started, cpu = time.perf_counter(), time.process_time()
    found = services.found_by_rules(on=ON)
    queries, queries_cpu = time.perf_counter() - started, time.process_time() - cpu
    from_queries = set(found)
    del found
    started, cpu = time.perf_counter(), time.process_time()
    run = services.rules_run(on=ON, trigger=RuleRun.Trigger.NIGHTLY)
    nightly, nightly_cpu = time.perf_counter() - started, time.process_time() - cpu
    peak_run = peak_mib()  # before DuckDB's copy of the tables takes its memory
    engine = set(Alert.objects.values_list("household_id", "rule_code").iterator(chunk_size=20000))
    assert engine == from_queries, "the run raised other alerts than its queries found"
    with tempfile.TemporaryDirectory() as folder:
        duck = duckdb_copy(Path(folder), copied_queries(), CHUNK)
        values = rules.run_values(ON)
        sql = DUCKDB_RULES.format(
            first_year=values["first_cost_year"],
            income_line=REGISTRY["monitoring.income_line"].default,
            drop_share=REGISTRY["monitoring.income_drop_share"].default,
            medical_threshold=REGISTRY["monitoring.medical_cost_threshold"].default,
            medical_share=REGISTRY["monitoring.medical_cost_share"].default,
            since=ON - datetime.timedelta(days=REGISTRY["monitoring.lookback_days"].default),
            since_disaster=ON
            - datetime.timedelta(days=REGISTRY["monitoring.disaster_days"].default),
            on=ON,
            born_after=values["born_after"],
            born_by=values["born_by"],
            able=", ".join(
                str(pk)
                for pk in Code.objects.filter(kind="labour", value__in=("1", "2")).values_list(
                    "pk", flat=True
                )
            ),
        )
        started, cpu = time.perf_counter(), time.process_time()
        answer = duck.execute(sql).fetchall()
        duck_s, duck_cpu = time.perf_counter() - started, time.process_time() - cpu
    duck_set = set(answer)
    same = duck_set == engine
    missing, extra = sorted(engine - duck_set)[:5], sorted(duck_set - engine)[:5]
    print(
        json.dumps(
            {
                "queries": queries,
                "nightly": nightly,
                "duckdb": duck_s,
                "cpu": [queries_cpu, nightly_cpu, duck_cpu],
                "alerts": run.alerts,
                "households_alerted": run.households,
                "by_rule": run.by_rule,
                "same": same,
                "only_engine": missing,
                "only_duckdb": extra,
                "peak": peak_run,
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--keep", help="build in this folder and keep it; reused if built")
    parser.add_argument("--measure", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return 0
    var_dir = args.keep or tempfile.mkdtemp(prefix="bangfu-bench-")
    setup_django(var_dir)
    from django.db import connections

    from bangfu.monitoring.models import Alert, FiredRecord, MemberEvent, RuleRun

    if MemberEvent.objects.exists():
        print(f"reusing the data in {var_dir}; the alerts of an earlier run are removed")
        FiredRecord.objects.all().delete()
        Alert.objects.filter(source="rule").delete()
        RuleRun.objects.all().delete()
    else:
        print(f"building {args.households:,} households, {args.rows:,} rows in {var_dir} …")
        figures = build(args.households, args.rows)
        print(f"  built in {figures['build_s']:.0f} s", flush=True)
    connections.close_all()
    child = subprocess.run(
        [sys.executable, __file__, "--measure", var_dir],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ},
    )
    result = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"alerts raised: {result['alerts']:,} for {result['households_alerted']:,} households")
    print(f"  by rule: {result['by_rule']}")
    print(f"same (household, rule) set as DuckDB: {result['same']}")
    if not result["same"]:
        print(f"  only ours: {result['only_engine']}; only DuckDB's: {result['only_duckdb']}")
    duck = result["duckdb"]
    # CPU seconds beside the wall clock's: the machines are shared, and a busy neighbour
    # lengthens the wall clock's (DuckDB's CPU counts both its threads).
    for label, seconds, cpu in zip(
        (
            "the rules' queries (services.found_by_rules)",
            "the nightly run (services.rules_run: queries, alerts, audit)",
            "DuckDB, the same rules as one query (the query only)",
        ),
        (result["queries"], result["nightly"], duck),
        result["cpu"],
        strict=True,
    ):
        print(f"{label:64} {seconds:8.1f} s  (CPU {cpu:.1f} s)")
    for label, seconds in (("queries", result["queries"]), ("nightly run", result["nightly"])):
        ratio = seconds / duck
        verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
        print(f"{label} / DuckDB: {ratio:.1f}× ({verdict} the target ≤ {TARGET_RATIO:.0f}×)")
    verdict = "meets" if result["nightly"] < TARGET_SECONDS else "MISSES"
    print(f"nightly run under {TARGET_SECONDS // 60} minutes: {verdict}")
    peak = result["peak"]
    print(
        f"peak RSS of the rules' queries and the nightly run (before DuckDB's copy): {peak:.0f} MiB"
    )
    return 0 if result["same"] else 1


if __name__ == "__main__":
    sys.exit(main())
