"""Projects and funds at province scale: 100,000 projects with 2,000,000 ledger entries, the
import of a county finance sheet of 200,000 payment rows, and the funds pages.

    .venv/bin/python bench/projects.py [--projects 100000] [--entries 2000000]
        [--rows 200000] [--scale 1.0] [--repeat 7] [--keep DIR]

``--scale`` multiplies the three sizes (0.02: 2,000 projects, 40,000 entries, 4,000 rows), for
a loaded machine; the full size is the default.

Builds a province (``province.build_places``: 50 counties, 10,000 villages) and N projects
spread over its villages, of the eight kinds, most started (some approved, completed or
accepted), each with its first step, its planned funds from two sources and its share of
the ledger's entries — allocations and payments, the payments half of what is allocated
from the source, so that the sheet's payments fit — all with plain INSERTs (the services
one at a time would take hours); what is timed goes through the real code.

Then an .xlsx of payment rows (拨付, 中央财政, one voucher number each, round the projects)
as a county finance office's system exports them, imported by a user holding the province
in a process of its own, so that its peak RSS is the import's: step 1 streams the file,
matches each batch's project numbers and checks the rows against the ledger on file
(``import_check``, the preview); step 2 does the same and writes in one transaction with
the ledger's rule over sheet and file together (``import_commit``). It prints rows a second
and the peak RSS against the 1 GiB target.

Last, the pages through Django's full request path (the test Client), p50 over ``--repeat``
runs after one warm-up: the ledger of a county (``projects:ledger?place=<county>``) and the
province's funds summary (``projects:funds?place=<province>``). Targets: p50 < 200 ms
each; peak RSS < 1 GiB. A miss still exits 0 (this is a measurement).
"""

import argparse
import datetime
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from province import PROVINCE, build_places, peak_mib, setup_django

TARGET_P50_MS, TARGET_MIB = 200, 1024
CHUNK = 50_000  # rows an INSERT batch
STAGES = ["started"] * 6 + ["approved", "completed", "accepted", "accepted"]
PAGES = (
    ("projects:ledger", "county"),  # the funds ledger of a county (part B)
    ("projects:funds", "province"),  # the province's funds summary (part E)
)
HEADER = ["项目编号", "项目名称", "类型", "资金来源", "金额（元）", "日期", "凭证号", "备注"]


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    from django.db import connection

    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                rows[start : start + CHUNK],
            )


def build(projects: int, entries: int, rng: random.Random) -> dict:
    """The province's projects and their ledgers; answers the sample county and the users."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bangfu.accounts.models import RoleGrant, User
    from bangfu.core.models import Code

    started = time.perf_counter()
    villages = build_places()
    province = User.objects.create_user("province", full_name="省级", password="x")
    province.places.set([PROVINCE])
    county = villages[0][:6] + "000000"
    county_user = User.objects.create_user("county", full_name="县级", password="x")
    county_user.places.set([county])
    for user in (province, county_user):
        RoleGrant.objects.create(user=user, role="county_admin")
    kinds = dict(Code.objects.filter(kind="project_kind").values_list("value", "pk"))
    sources = dict(Code.objects.filter(kind="fund_source").values_list("value", "pk"))
    now = timezone.now().replace(microsecond=0).isoformat(sep=" ")
    actor = province.pk
    per_project = max(2, entries // max(projects, 1))
    project_rows, step_rows, planned_rows, entry_rows = [], [], [], []
    for index in range(projects):
        village = villages[index % len(villages)]
        pk = index + 1
        number = f"{village[:6]}-2026-{index:06d}"
        stage = STAGES[index % len(STAGES)]
        year = 2026 if index % 4 else 2025
        project_rows.append(
            (
                pk,
                village,
                village[:6] + "000000",
                number,
                f"{village[-3:]}村项目{index}",
                kinds[str(index % 8 + 1)],
                year,
                "县农业农村局",
                "",
                stage,
                "2026-03-01",
                now,
                actor,
            )
        )
        step_rows.append((pk, village, stage, "2026-03-01", "", now, actor))
        for source in ("1", "4"):
            planned_rows.append((pk, village, sources[source], "1000000.00"))
        # Allocations, then payments of half as much from the same source, by month.
        for n in range(per_project):
            source = "1" if n % 4 < 2 else "4"
            kind = "allocation" if n % 2 == 0 else "payment"
            if kind == "allocation":
                amount = Decimal(rng.randrange(2_000, 50_000))
            else:  # half of the allocation just before, from the same source
                amount = entry_rows[-1][4] / 2
            day = datetime.date(2026, 1 + n % 10, 1 + n % 27).isoformat()
            entry_rows.append(
                (
                    pk,
                    village,
                    kind,
                    sources[source],
                    amount,
                    day,
                    f"记-{pk}-{n}",
                    "",
                    "",
                    now,
                    actor,
                )
            )
    with transaction.atomic():
        _insert(
            "projects_project",
            [
                "id",
                "region_id",
                "county_id",
                "number",
                "name",
                "kind_id",
                "year",
                "responsible_unit",
                "description",
                "stage",
                "stage_on",
                "recorded_at",
                "recorded_by_id",
            ],
            project_rows,
        )
        _insert(
            "projects_projectstep",
            ["project_id", "region_id", "stage", "day", "reason", "recorded_at", "recorded_by_id"],
            step_rows,
        )
        _insert(
            "projects_plannedfund", ["project_id", "region_id", "source_id", "amount"], planned_rows
        )
        _insert(
            "projects_ledgerentry",
            [
                "project_id",
                "region_id",
                "kind",
                "source_id",
                "amount",
                "day",
                "voucher",
                "note",
                "voucher_image",
                "recorded_at",
                "recorded_by_id",
            ],
            [(*row[:4], str(row[4]), *row[5:]) for row in entry_rows],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"  {projects:,} projects, {len(entry_rows):,} ledger entries built in "
        f"{time.perf_counter() - started:.0f} s"
    )
    return {"county": county, "projects": projects}


def write_file(path: Path, rows: int, projects: int) -> int:
    """Payments of 100 yuan from 中央财政, round the projects that keep a ledger (approved
    and later: all built so), each with its own voucher number, in the finance system's
    order (by day)."""
    import xlsxwriter

    from bangfu.projects.models import Project

    numbers = list(Project.objects.order_by("pk").values_list("number", "name"))
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("资金拨付")
    sheet.write_row(0, 0, HEADER)
    for index in range(rows):
        number, name = numbers[index % projects]
        day = datetime.date(2026, 11, 1) + datetime.timedelta(days=index * 28 // rows)
        sheet.write_row(
            index + 1,
            0,
            [number, name, "拨付", "中央财政", 100, day.isoformat(), f"PZ-{index:07d}", ""],
        )
    book.close()
    return rows


def measure(var_dir: str, path: Path) -> None:
    """Run in a process of its own: the import, as the page and the worker run it."""
    setup_django(var_dir)
    from bangfu.accounts.models import User
    from bangfu.exchange import services
    from bangfu.exchange.models import ImportKind

    actor = User.objects.get(username="province")
    with path.open("rb") as handle:
        job = services.import_upload(
            actor=actor, file_name=path.name, chunks=iter(handle), kind=ImportKind.FUNDS
        )
    cpu = time.process_time()
    started = time.perf_counter()
    job = services.import_check(job_id=job.pk, progress=lambda *a: None)
    checked, checked_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert job.state == "checked", (job.state, list(job.problems.all()[:5]), job.message)
    cpu = time.process_time()
    started = time.perf_counter()
    job = services.import_commit(job_id=job.pk, progress=lambda *a: None)
    committed, committed_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert job.state == "done", (job.state, list(job.problems.all()[:5]), job.message)
    print(
        json.dumps(
            {
                "checked": checked,
                "checked_cpu": checked_cpu,
                "committed": committed,
                "committed_cpu": committed_cpu,
                "summary": job.summary,
                "peak": peak_mib(),
            }
        )
    )


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def pages(meta: dict, repeat: int) -> None:
    from django.test import Client
    from django.urls import reverse

    from bangfu.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="province"))
    places = {"county": meta["county"], "province": PROVINCE}
    print(f"\npages, ms over {repeat} runs after one warm-up (p50, p95; CPU p50):")
    for name, where in PAGES:
        url = f"{reverse(name)}?place={places[where]}"
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        wall, cpu = [], []
        for _ in range(repeat):
            begun, begun_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            wall.append((time.perf_counter() - begun) * 1000)
            cpu.append((time.process_time() - begun_cpu) * 1000)
        p50 = percentile(wall, 0.5)
        verdict = "meets" if p50 < TARGET_P50_MS else "MISSES"
        print(
            f"  {url:<48} {p50:7,.0f} {percentile(wall, 0.95):7,.0f}"
            f"  cpu {percentile(cpu, 0.5):5,.0f}"
            f"  ({verdict} p50 < {TARGET_P50_MS} ms)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=2_000_000)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the three sizes")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", help="build in this folder and keep it; reused if built")
    parser.add_argument("--measure", nargs=2, metavar=("DIR", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure[0], Path(args.measure[1]))
        return
    projects = max(1, round(args.projects * args.scale))
    entries = round(args.entries * args.scale)
    rows = max(1, round(args.rows * args.scale))
    var_dir = args.keep or tempfile.mkdtemp(prefix="bangfu-bench-")
    setup_django(var_dir)
    from bangfu.projects.models import Project

    meta_path = Path(var_dir) / "projects.json"
    if Project.objects.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        print(f"reusing the projects already in {var_dir}")
    else:
        print(f"building {projects:,} projects and {entries:,} entries in {var_dir} …")
        meta = build(projects, entries, random.Random(1))
        meta_path.write_text(json.dumps(meta))
    path = Path(var_dir) / f"资金拨付-{rows}.xlsx"
    write_file(path, rows, meta["projects"])
    print(f"file: {rows:,} payment rows, {path.stat().st_size / 2**20:.1f} MiB")
    from django.db import connections

    connections.close_all()
    child = subprocess.run(
        [sys.executable, __file__, "--measure", var_dir, str(path)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ},
    )
    result = json.loads(child.stdout.strip().splitlines()[-1])
    for label, seconds, cpu in (
        (
            "step 1, check (stream, match numbers, check against the ledger)",
            "checked",
            "checked_cpu",
        ),
        ("step 2, commit (the same, and write in one transaction)", "committed", "committed_cpu"),
    ):
        wall = result[seconds]
        print(
            f"{label:66} {wall:7.1f} s {rows / wall:8,.0f} rows/s  "
            f"(CPU {result[cpu]:.1f} s: {rows / result[cpu]:,.0f} rows/s)"
        )
    print(f"summary: {result['summary']}")
    peak = result["peak"]
    verdict = "meets" if peak < TARGET_MIB else "MISSES"
    print(f"peak RSS of the import: {peak:.0f} MiB ({verdict} the target < {TARGET_MIB} MiB)")
    pages(meta, args.repeat)


if __name__ == "__main__":
    main()
