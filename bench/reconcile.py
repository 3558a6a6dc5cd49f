"""The monthly check (账账相符) at a large county's size: a snapshot of the national system
compared with the records, against the same comparison as one plain DuckDB query.

    .venv/bin/python bench/reconcile.py [--households 1000000] [--keep DIR]

Builds, with plain INSERTs (``dashboard.insert``, on ``province.build_places``' tree; every
household in the first county's 200 villages, since a snapshot is one county's): N
households of three current members each (head, spouse, child), one in three with another
poverty cause, one in ten monitored (a status entry with a risk type), each with its 2025
income; and the county's snapshot, a copy of those records with differences planted in 1%
of the households — one each, of ten kinds in turn: an address, a main cause, the per-capita
income, a member's name, a member's relation, a member only in the system, a member only in
the records, a household only in the records, an ID number changed (the same name), and a
household only in the system (added beside it).

Then, in a process of its own (so that its peak RSS is the comparison's, not the build's):

1. ``checks.services.snapshot_compare``, timed (the queries, the differences inserted and
   each audited);
2. the same comparison as one plain query, on SQLite over the same tables (temporary views
   named as DuckDB's copies), timed;
3. the same query in DuckDB over copies of the same tables (copied in through CSV files, as
   bench/monitoring.py does: DuckDB's sqlite extension is downloaded on first use and the
   machine is offline): the copy and the query timed apart.

The answers are compared as sets of (household number, ID hash, field, kind), and with the
planted set. It prints the times, the ratio to DuckDB's query (the issue's target: within
2×), to the same query on SQLite (what is left is the engine's) and to DuckDB with its copy
(what using it would cost an app whose records lie in SQLite), whether every planted
difference was found, and the comparison's peak RSS (target: under 2 GiB).
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from province import (
    against_engines,
    build_places,
    duckdb_copy,
    peak_mib,
    setup_django,
    sqlite_views,
    timed,
)

MONTH = datetime.date(2026, 11, 1)
TARGET_MIB = 2048
CHUNK = 100_000
KINDS = [
    ("address", "value"),
    ("main_cause", "value"),
    ("per_capita_income", "value"),
    ("name", "value"),
    ("relation", "value"),
    ("member", "only_system"),
    ("member", "only_handbook"),
    ("household", "only_handbook"),
    ("id_number", "value"),
    ("household", "only_system"),
]


def planted_kind(household: int) -> int | None:
    """One household in a hundred carries a difference, of the ten kinds in turn."""
    return (household // 100) % 10 if household % 100 == 7 else None


def _hash(member: int) -> str:
    return f"{member:064d}"


def build(households: int) -> set[tuple]:
    """The records and the snapshot; answers the planted differences."""
    from dashboard import insert
    from django.db import connection, transaction

    from bangfu.accounts.models import User
    from bangfu.checks.models import Snapshot, SnapshotHousehold, SnapshotMember
    from bangfu.core.models import Code
    from bangfu.core.protection import seal
    from bangfu.registry.models import AnnualIncome, Household, Member, StatusChange

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-1048576")
    villages = build_places()[:200]
    county = villages[0][:6] + "000000"
    staff = User.objects.create_user("county", full_name="县级", password="x")
    codes = {(c.kind, c.value): c.pk for c in Code.objects.all()}
    causes = ["1", "2", "3", "7", "8"]
    relations = ["01", "02", "03"]
    # One sealed number for all (sealing three million would be most of the build): the
    # comparison unseals only the members on one side, to show their numbers masked.
    sealed = seal("611103199001011234")
    planted: set[tuple] = set()
    CausesThrough = Household.other_causes.through
    RisksThrough = StatusChange.risk_types.through
    with transaction.atomic():
        snapshot = Snapshot.objects.create(
            region_id=county, month=MONTH, file_name="bench.xlsx", imported_by=staff
        )
        region = {}
        homes, snap_homes, members, snap_members, incomes = [], [], [], [], []
        other, changes, risks = [], [], []

        def flush(final=False):
            if final or len(homes) >= CHUNK:
                insert(
                    Household,
                    ["id", "number", "region_id", "attribute_id", "standard_id",
                     "main_cause_id", "year_identified", "status", "address",
                     "monitoring_type_id"],
                    homes,
                )  # fmt: skip
                insert(CausesThrough, ["household_id", "code_id"], other)
                insert(
                    StatusChange,
                    ["id", "household_id", "status", "monitoring_type_id", "effective_on",
                     "reason"],
                    changes,
                )  # fmt: skip
                insert(RisksThrough, ["statuschange_id", "code_id"], risks)
                insert(
                    Member,
                    ["id", "household_id", "name", "sex", "birth_date", "id_number_hash",
                     "relation_id", "is_head", "ethnicity_id", "health_id", "labour_id",
                     "id_number_sealed"],
                    members,
                )  # fmt: skip
                insert(
                    AnnualIncome,
                    ["household_id", "year", "wages", "business", "transfers",
                     "property_income", "costs", "household_size"],
                    incomes,
                )  # fmt: skip
                insert(
                    SnapshotHousehold,
                    ["snapshot_id", "number", "region_code", "attribute", "standard",
                     "main_cause", "other_causes", "year_identified", "status",
                     "monitoring_type", "risk_types", "address", "land_area_mu",
                     "water_difficulty", "water_safe", "has_power", "per_capita_income",
                     "income_year"],
                    snap_homes,
                )  # fmt: skip
                insert(
                    SnapshotMember,
                    ["snapshot_id", "household_number", "id_number_hash", "id_number_masked",
                     "name", "sex", "birth_date", "relation", "ethnicity", "health", "labour",
                     "medical_insurance", "dibao", "pension_insurance"],
                    snap_members,
                )  # fmt: skip
                for rows in (homes, snap_homes, members, snap_members, incomes, other):
                    rows.clear()
                changes.clear()
                risks.clear()

        for h in range(1, households + 1):
            village = villages[(h - 1) * len(villages) // households]
            number = f"{village}{h:07d}"
            region[h] = village
            cause = causes[h % len(causes)]
            monitored = h % 10 == 0
            status = "monitored" if monitored else "out_with_policy"
            kind = planted_kind(h)
            address = f"{h % 90 + 1}号"
            homes.append(
                (h, number, village, codes[("household_attribute", "1")],
                 codes[("identification_standard", "1")], codes[("poverty_cause", cause)],
                 2014 + h % 3, status, address,
                 codes[("monitoring_type", "1")] if monitored else None)
            )  # fmt: skip
            other_cause = "9" if h % 3 == 0 else ""
            if other_cause:
                other.append((h, codes[("poverty_cause", other_cause)]))
            if monitored:
                changes.append((h, h, "monitored", codes[("monitoring_type", "1")],
                                datetime.date(2022, 3, 1), "纳入监测"))  # fmt: skip
                risks.append((h, codes[("risk_type", "1")]))
            wages = Decimal(9000 + h % 5000)
            incomes.append((h, 2025, wages, Decimal("1200.50"), Decimal(800), Decimal(0),
                            Decimal(300), 3))  # fmt: skip
            per_capita = ((wages + Decimal("1200.50") + 800 - 300) / 3).quantize(Decimal("0.01"))
            snap = [snapshot.pk, number, village, "1", "1", cause, other_cause, 2014 + h % 3,
                    status, "1" if monitored else "", "1" if monitored else "", address,
                    Decimal(0), False, True, True, per_capita, 2025]  # fmt: skip
            if kind == 0:
                snap[11] = "系统地址"
                planted.add((number, "", "address", "value"))
            elif kind == 1:
                snap[5] = "2" if cause != "2" else "1"
                planted.add((number, "", "main_cause", "value"))
            elif kind == 2:
                snap[16] = per_capita + 100
                planted.add((number, "", "per_capita_income", "value"))
            if kind != 7:
                snap_homes.append(tuple(snap))
            else:
                planted.add((number, "", "household", "only_handbook"))
            for position in range(3):
                member = 3 * h - 2 + position
                male = position != 1
                born = datetime.date(1960 + h % 30 + 25 * (position == 2), 1 + h % 12, 1)
                name = f"成员{member}"
                members.append(
                    (member, h, name, "1" if male else "2", born, _hash(member),
                     codes[("relation", relations[position])], position == 0,
                     codes[("ethnicity", "01")], codes[("health", "1")],
                     codes[("labour", "1")], sealed)
                )  # fmt: skip
                if kind == 7:
                    continue
                row = [snapshot.pk, number, _hash(member), "", name, "1" if male else "2", born,
                       relations[position], "01", "1", "1", True, False, False]  # fmt: skip
                if position == 1 and kind == 3:
                    row[4] = name + "明"
                    planted.add((number, _hash(member), "name", "value"))
                if position == 1 and kind == 4:
                    row[7] = "05"
                    planted.add((number, _hash(member), "relation", "value"))
                if position == 2 and kind == 6:
                    planted.add((number, _hash(member), "member", "only_handbook"))
                    continue
                if position == 2 and kind == 8:
                    row[2] = _hash(10**12 + member)
                    planted.add((number, _hash(member), "id_number", "value"))
                snap_members.append(tuple(row))
            if kind == 5:
                snap_members.append(
                    (snapshot.pk, number, _hash(2 * 10**12 + h), "", "新生儿", "1",
                     datetime.date(2026, 1, 1), "03", "01", "1", "5", True, False, False)
                )  # fmt: skip
                planted.add((number, _hash(2 * 10**12 + h), "member", "only_system"))
            if kind == 9:
                extra = f"{village}9{h:07d}"
                snap_homes.append(
                    (snapshot.pk, extra, village, "1", "1", "1", "", 2015, "out_with_policy",
                     "", "", "", None, None, None, None, None, None)
                )  # fmt: skip
                planted.add((extra, "", "household", "only_system"))
            flush()
        flush(final=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return planted


# The tables DuckDB gets (its name, the query that reads them from SQLite, its columns).
COPIED = {
    "code": ("SELECT id, value FROM core_code", "id BIGINT, value VARCHAR"),
    "household": (
        "SELECT id, number, region_id, attribute_id, standard_id, main_cause_id,"
        " year_identified, status, address, monitoring_type_id FROM registry_household"
        " WHERE closed_on IS NULL",
        "id BIGINT, number VARCHAR, region_id VARCHAR, attribute_id BIGINT,"
        " standard_id BIGINT, main_cause_id BIGINT, year_identified INTEGER, status VARCHAR,"
        " address VARCHAR, monitoring_type_id BIGINT",
    ),
    "causes": (
        "SELECT household_id, code_id FROM registry_household_other_causes",
        "household_id BIGINT, code_id BIGINT",
    ),
    "change": (
        "SELECT id, household_id, status, effective_on FROM registry_statuschange",
        "id BIGINT, household_id BIGINT, status VARCHAR, effective_on DATE",
    ),
    "risks": (
        "SELECT statuschange_id, code_id FROM registry_statuschange_risk_types",
        "statuschange_id BIGINT, code_id BIGINT",
    ),
    "member": (
        "SELECT id, household_id, name, sex, birth_date, id_number_hash, relation_id,"
        " ethnicity_id, health_id, labour_id, dibao, medical_insurance, pension_insurance"
        " FROM registry_member WHERE left_on IS NULL",
        "id BIGINT, household_id BIGINT, name VARCHAR, sex VARCHAR, birth_date DATE,"
        " id_number_hash VARCHAR, relation_id BIGINT, ethnicity_id BIGINT, health_id BIGINT,"
        " labour_id BIGINT, dibao BOOLEAN, medical_insurance BOOLEAN,"
        " pension_insurance BOOLEAN",
    ),
    "income": (
        "SELECT household_id, year, wages, business, transfers, property_income, costs,"
        " household_size FROM registry_annualincome",
        "household_id BIGINT, year INTEGER, wages DECIMAL(12,2), business DECIMAL(12,2),"
        " transfers DECIMAL(12,2), property_income DECIMAL(12,2), costs DECIMAL(12,2),"
        " household_size INTEGER",
    ),
    "snap_household": (
        "SELECT number, attribute, standard, main_cause, other_causes, year_identified,"
        " status, monitoring_type, risk_types, address, per_capita_income, income_year"
        " FROM checks_snapshothousehold",
        "number VARCHAR, attribute VARCHAR, standard VARCHAR, main_cause VARCHAR,"
        " other_causes VARCHAR, year_identified INTEGER, status VARCHAR,"
        " monitoring_type VARCHAR, risk_types VARCHAR, address VARCHAR,"
        " per_capita_income DECIMAL(12,2), income_year INTEGER",
    ),
    "snap_member": (
        "SELECT household_number, id_number_hash, name, sex, birth_date, relation, ethnicity,"
        " health, labour, dibao, medical_insurance, pension_insurance"
        " FROM checks_snapshotmember",
        "household_number VARCHAR, id_number_hash VARCHAR, name VARCHAR, sex VARCHAR,"
        " birth_date DATE, relation VARCHAR, ethnicity VARCHAR, health VARCHAR,"
        " labour VARCHAR, dibao BOOLEAN, medical_insurance BOOLEAN, pension_insurance BOOLEAN",
    ),
}

# The comparison of the columns this benchmark fills, as one query: the same matching (a
# household by number, a member by hash), the same fields, the same pairing of an ID number
# changed (one unmatched member of that name on each side of a household). Written for DuckDB
# and run on SQLite as well over the same tables, with the few words the two dialects spell
# differently put in by ``plain_query``.
PLAIN_COMPARE = """
WITH reg AS (
  SELECT h.id, h.number, ca.value AS attribute, cs.value AS standard, cm.value AS main_cause,
    COALESCE({codes_of_causes}, '') AS other_causes,
    h.year_identified, h.status, COALESCE(mt.value, '') AS monitoring_type,
    COALESCE({codes_of_risks}, '') AS risk_types,
    h.address
  FROM household h JOIN code ca ON ca.id = h.attribute_id JOIN code cs ON cs.id = h.standard_id
  JOIN code cm ON cm.id = h.main_cause_id LEFT JOIN code mt ON mt.id = h.monitoring_type_id
),
hh AS (
  SELECT s.number, r.id, {household_fields} ,
    CASE WHEN s.per_capita_income IS NOT NULL AND s.income_year IS NOT NULL AND (a.year IS NULL
      OR a.household_size = 0 OR ROUND((a.wages + a.business + a.transfers + a.property_income
      - a.costs) / a.household_size, 2) <> s.per_capita_income) THEN 1 ELSE 0 END AS d_income
  FROM snap_household s JOIN reg r ON r.number = s.number
  LEFT JOIN income a ON a.household_id = r.id AND a.year = s.income_year
),
mm AS (
  SELECT h.number, m.id_number_hash, m.household_number AS s_number, {member_fields}
  FROM snap_member m JOIN member r ON r.id_number_hash = m.id_number_hash
  JOIN household h ON h.id = r.household_id
  LEFT JOIN code c_relation ON c_relation.id = r.relation_id
  LEFT JOIN code c_ethnicity ON c_ethnicity.id = r.ethnicity_id
  LEFT JOIN code c_health ON c_health.id = r.health_id
  LEFT JOIN code c_labour ON c_labour.id = r.labour_id
),
only_system AS (
  SELECT m.household_number AS number, m.id_number_hash, m.name FROM snap_member m
  JOIN household h ON h.number = m.household_number
  WHERE NOT EXISTS (SELECT 1 FROM member r WHERE r.id_number_hash = m.id_number_hash)
),
only_records AS (
  SELECT h.number, r.id_number_hash, r.name FROM member r JOIN household h ON h.id = r.household_id
  WHERE EXISTS (SELECT 1 FROM snap_household s WHERE s.number = h.number)
  AND NOT EXISTS (SELECT 1 FROM snap_member m WHERE m.id_number_hash = r.id_number_hash)
),
pairs AS (
  SELECT s.number, s.name, r.id_number_hash FROM
    (SELECT number, name FROM only_system GROUP BY number, name HAVING COUNT(*) = 1) s
    JOIN (SELECT number, name, MIN(id_number_hash) AS id_number_hash FROM only_records
          GROUP BY number, name HAVING COUNT(*) = 1) r
    ON r.number = s.number AND r.name = s.name
)
{household_unions}
UNION ALL SELECT number, '', 'per_capita_income', 'value' FROM hh WHERE d_income = 1
UNION ALL SELECT number, id_number_hash, 'number', 'value' FROM mm WHERE number <> s_number
{member_unions}
UNION ALL SELECT number, id_number_hash, 'id_number', 'value' FROM pairs
UNION ALL SELECT o.number, o.id_number_hash, 'member', 'only_system' FROM only_system o
  WHERE NOT EXISTS (SELECT 1 FROM pairs p WHERE p.number = o.number AND p.name = o.name)
UNION ALL SELECT o.number, o.id_number_hash, 'member', 'only_handbook' FROM only_records o
  WHERE NOT EXISTS (SELECT 1 FROM pairs p WHERE p.number = o.number AND p.name = o.name)
UNION ALL SELECT s.number, '', 'household', 'only_system' FROM snap_household s
  WHERE NOT EXISTS (SELECT 1 FROM household h WHERE h.number = s.number)
UNION ALL SELECT h.number, '', 'household', 'only_handbook' FROM household h
  WHERE NOT EXISTS (SELECT 1 FROM snap_household s WHERE s.number = h.number)
"""
HOUSEHOLD_COMPARED = [
    "attribute",
    "standard",
    "main_cause",
    "other_causes",
    "year_identified",
    "status",
    "monitoring_type",
    "risk_types",
    "address",
]
MEMBER_COMPARED = {
    "name": "r.name",
    "sex": "r.sex",
    "birth_date": "r.birth_date",
    "relation": "c_relation.value",
    "ethnicity": "c_ethnicity.value",
    "health": "c_health.value",
    "labour": "c_labour.value",
    "dibao": "r.dibao",
    "medical_insurance": "r.medical_insurance",
    "pension_insurance": "r.pension_insurance",
}


# What the two dialects spell differently: the codes linked to a record sorted and joined
# (SQLite 3.40 has no ORDER BY inside an aggregate: it joins them in its subquery's order),
# and the latest monitoring entry of a household.
_LINKED = "FROM {through} t JOIN code c ON c.id = t.code_id WHERE t.{owner} = {owner_id}"
_LATEST_MONITORED = {
    "duckdb": "(SELECT arg_max(sc.id, sc.effective_on) FROM change sc"
    " WHERE sc.household_id = h.id AND sc.status = 'monitored')",
    "sqlite": "(SELECT sc.id FROM change sc WHERE sc.household_id = h.id"
    " AND sc.status = 'monitored' ORDER BY sc.effective_on DESC, sc.id DESC LIMIT 1)",
}


def _codes_of(dialect: str, through: str, owner: str, owner_id: str) -> str:
    linked = _LINKED.format(through=through, owner=owner, owner_id=owner_id)
    if dialect == "duckdb":
        return f"(SELECT string_agg(c.value, ',' ORDER BY c.value) {linked})"
    return f"(SELECT group_concat(v, ',') FROM (SELECT c.value AS v {linked} ORDER BY v))"


def plain_query(dialect: str) -> str:
    """``PLAIN_COMPARE`` in ``dialect`` ("duckdb" or "sqlite")."""
    household_fields = ", ".join(
        f"(COALESCE(CAST(s.{k} AS VARCHAR), '') IS DISTINCT FROM"
        f" COALESCE(CAST(r.{k} AS VARCHAR), '')) AS d_{k}"
        for k in HOUSEHOLD_COMPARED
    )
    member_fields = ", ".join(
        f"(m.{k} IS DISTINCT FROM {expr}) AS d_{k}" for k, expr in MEMBER_COMPARED.items()
    )
    household_unions = "\nUNION ALL ".join(
        f"SELECT number, '', '{k}', 'value' FROM hh WHERE d_{k}" for k in HOUSEHOLD_COMPARED
    )
    member_unions = "".join(
        f"\nUNION ALL SELECT number, id_number_hash, '{k}', 'value' FROM mm WHERE d_{k}"
        for k in MEMBER_COMPARED
    )
    return PLAIN_COMPARE.format(
        codes_of_causes=_codes_of(dialect, "causes", "household_id", "h.id"),
        codes_of_risks=_codes_of(dialect, "risks", "statuschange_id", _LATEST_MONITORED[dialect]),
        household_fields=household_fields,
        member_fields=member_fields,
        household_unions=household_unions,
        member_unions=member_unions,
    )


def measure(var_dir: str) -> None:
    """In a process of its own: the comparison, then DuckDB's query."""
    setup_django(var_dir)
    from django.db import connection

    from bangfu.checks.models import Difference, Snapshot
    from bangfu.checks.services import snapshot_compare

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB, as a worker might set
    snapshot = Snapshot.objects.get()
    result, ours, ours_cpu = timed(lambda: snapshot_compare(snapshot_id=snapshot.pk))
    peak = peak_mib()  # before DuckDB's copy of the tables takes its memory
    engine = {
        tuple(row)
        for row in Difference.objects.values_list(
            "household_number", "id_number_hash", "field", "kind"
        ).iterator(chunk_size=20000)
    }
    sqlite_views(COPIED)
    with connection.cursor() as cursor:
        plain, plain_s, plain_cpu = timed(lambda: cursor.execute(plain_query("sqlite")).fetchall())
    with tempfile.TemporaryDirectory() as folder:
        duck, copy_s, copy_cpu = timed(lambda: duckdb_copy(Path(folder), COPIED, CHUNK))
        answer, duck_s, duck_cpu = timed(lambda: duck.execute(plain_query("duckdb")).fetchall())
    print(
        json.dumps(
            {
                "ours": ours,
                "plain": plain_s,
                "duckdb": duck_s,
                "copy": copy_s,
                "cpu": [ours_cpu, plain_cpu, duck_cpu, copy_cpu],
                "opened": result.opened,
                "engine": sorted(engine),
                "plain_set": sorted({tuple(row) for row in plain}),
                "duck": sorted({tuple(row) for row in answer}),
                "peak": peak,
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--keep", help="build in this folder and keep it; reused if built")
    parser.add_argument("--measure", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return 0
    var_dir = args.keep or tempfile.mkdtemp(prefix="bangfu-bench-")
    setup_django(var_dir)
    from django.db import connections

    from bangfu.checks.models import Difference
    from bangfu.core.models import AuditEntry, AuditHead

    started = time.perf_counter()
    planted_file = Path(var_dir) / "planted.json"
    if planted_file.exists():
        print(f"reusing the data in {var_dir}; the differences of an earlier run are removed")
        Difference.objects.all().delete()
        AuditEntry.objects.all().delete()
        AuditHead.objects.all().delete()
        planted = {tuple(row) for row in json.loads(planted_file.read_text())}
    else:
        print(f"building {args.households:,} households in {var_dir} …")
        planted = build(args.households)
        planted_file.write_text(json.dumps(sorted(planted)))
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    connections.close_all()
    child = subprocess.run(
        [sys.executable, __file__, "--measure", var_dir],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ},
    )
    result = json.loads(child.stdout.strip().splitlines()[-1])
    engine = {tuple(row) for row in result["engine"]}
    duck = {tuple(row) for row in result["duck"]}
    plain = {tuple(row) for row in result["plain_set"]}
    print(f"differences planted: {len(planted):,}; found and kept: {result['opened']:,}")
    print(f"every planted difference found, nothing else: {engine == planted}")
    if engine != planted:
        print(f"  missed: {sorted(planted - engine)[:5]}; extra: {sorted(engine - planted)[:5]}")
    for name, theirs in (("DuckDB's query", duck), ("the same query on SQLite", plain)):
        print(f"the same differences as {name}: {engine == theirs}")
        if engine != theirs:
            print(
                f"  only ours: {sorted(engine - theirs)[:5]}; "
                f"only theirs: {sorted(theirs - engine)[:5]}"
            )
    for label, seconds, cpu in zip(
        (
            "the comparison (checks.snapshot_compare: queries, differences, audit)",
            "the same comparison as one plain query on SQLite, over the same tables",
            "DuckDB, the same query (the query only, two threads)",
            "DuckDB, its copy of the tables (SQLite → CSV → DuckDB)",
        ),
        (result["ours"], result["plain"], result["duckdb"], result["copy"]),
        result["cpu"],
        strict=True,
    ):
        print(f"{label:72} {seconds:8.1f} s  (CPU {cpu:.1f} s)")
    for line in against_engines(
        "comparison", result["ours"], result["plain"], result["duckdb"], result["copy"]
    ):
        print(line)
    peak = result["peak"]
    verdict = "meets" if peak < TARGET_MIB else "MISSES"
    print(f"peak RSS of the comparison: {peak:.0f} MiB ({verdict} the target < 2 GiB)")
    return 0 if engine == planted == duck == plain else 1


if __name__ == "__main__":
    sys.exit(main())
