"""The health bureau's check-up sheet at scale: 1,000,000 rows matched to a registry of a
million households, checked and committed on SQLite.

    .venv/bin/python bench/import_checkups.py [--households 1000000] [--rows 1000000]
                                              [--keep DIR]

Builds a province (``province.build_places``) and N households, each with a head whose ID
number is sealed and hashed as the services do (``registry_list.build``), then writes an
.xlsx of check-ups, one row a head (ID number, name, day, institution, result, findings by
name), as the bureau's system exports them. The import then runs in a process of its own,
so that its peak RSS is the import's and not the build's: step 1 streams the file, matches
each batch of rows to members by the keyed hash and applies the rules (``import_check``,
the preview), step 2 does the same and writes in one transaction (``import_commit``:
check-ups, findings and an audit entry each). It prints rows a second of each step and of
both, the peak RSS against the 1 GiB target, and, for scale, the same rows' rate through
the page's service one at a time (``checkup_record``, a sample).
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

from province import peak_mib, setup_django

HEADER = ["序号", "姓名", "身份证号", "体检日期", "体检机构", "体检结论", "异常发现"]
FINDINGS = ["正常", "正常", "高血压", "正常", "糖尿病", "高血压、血脂异常", "正常", "贫血"]
TARGET_MIB = 1024


def write_file(path: Path, rows: int) -> int:
    """One check-up a head, in the order of the members' table (the bureau's own order
    has nothing to do with ours), and past the last head a second round a day later, until
    there are ``rows``: ID numbers are unsealed here, for the file only."""
    import xlsxwriter

    from bangfu.core.protection import unseal
    from bangfu.registry.models import Member

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("体检名单")
    sheet.write_row(0, 0, HEADER)
    written, rounds = 0, 0
    heads = Member.objects.filter(is_head=True).values_list("name", "id_number_sealed")
    while written < rows:
        for index, (name, sealed) in enumerate(heads.order_by("pk").iterator(chunk_size=5000)):
            if written == rows:
                break
            written += 1
            day = datetime.date(2026, 1, 5) + datetime.timedelta(days=index % 280 + rounds)
            sheet.write_row(
                written,
                0,
                [
                    written,
                    name,
                    unseal(sealed),
                    day.isoformat(),
                    f"第{written % 97 + 1}乡镇卫生院",
                    "未见明显异常" if written % 3 else "血压偏高，建议复查",
                    FINDINGS[written % len(FINDINGS)],
                ],
            )
        rounds += 1
    book.close()
    return written


def measure(var_dir: str, path: Path) -> None:
    """Run in a process of its own: the import, as the page and the worker run it."""
    setup_django(var_dir)
    from bangfu.accounts.models import User
    from bangfu.exchange import services
    from bangfu.exchange.models import ImportKind

    actor = User.objects.get(username="province")
    with path.open("rb") as handle:
        job = services.import_upload(
            actor=actor, file_name=path.name, chunks=iter(handle), kind=ImportKind.CHECKUPS
        )
    started = time.perf_counter()
    job = services.import_check(job_id=job.pk, progress=lambda *a: None)
    checked = time.perf_counter() - started
    assert job.state == "checked", (job.state, list(job.problems.all()[:5]), job.message)
    started = time.perf_counter()
    job = services.import_commit(job_id=job.pk, progress=lambda *a: None)
    committed = time.perf_counter() - started
    assert job.state == "done", (job.state, job.message)
    one_by_one = _one_at_a_time(actor)
    print(
        json.dumps(
            {
                "checked": checked,
                "committed": committed,
                "summary": job.summary,
                "peak": peak_mib(),
                "one_by_one": one_by_one,
            }
        )
    )


def _one_at_a_time(actor, sample: int = 2000) -> float:
    """Rows a second through ``checkup_record``, as a page records them (another day, so
    the keys are new); rolled back."""
    from django.db import transaction

    from bangfu.health.services import CheckUpInput, checkup_record
    from bangfu.registry.models import Member

    heads = list(Member.objects.filter(is_head=True).values_list("pk", flat=True)[:sample])
    started = time.perf_counter()
    with transaction.atomic():
        for pk in heads:
            checkup_record(
                actor=actor,
                member_id=pk,
                checkup=CheckUpInput(
                    held_on=datetime.date(2026, 11, 1),
                    institution="乡镇卫生院",
                    findings=["1"],
                ),
            )
        transaction.set_rollback(True)
    return len(heads) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", help="build in this folder and keep it; reused if built")
    parser.add_argument("--measure", nargs=2, metavar=("DIR", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure[0], Path(args.measure[1]))
        return
    var_dir = args.keep or tempfile.mkdtemp(prefix="bangfu-bench-")
    setup_django(var_dir)
    import random

    from registry_list import build

    from bangfu.registry.models import Household

    if Household.objects.exists():
        print(f"reusing the households already in {var_dir}")
    else:
        print(f"building {args.households:,} households in {var_dir} …")
        build(args.households, random.Random(1))
    path = Path(var_dir) / f"体检名单-{args.rows}.xlsx"
    started = time.perf_counter()
    rows = write_file(path, args.rows)
    size = path.stat().st_size / 2**20
    print(f"file: {rows:,} check-up rows, {size:.0f} MiB ({time.perf_counter() - started:.0f} s)")
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
    checked, committed = result["checked"], result["committed"]
    both = checked + committed
    for label, seconds in (
        ("step 1, check (stream, match by hash, apply the rules: the preview)", checked),
        ("step 2, commit (the same, and write in one transaction)", committed),
        ("both steps, as a person waits for them", both),
    ):
        print(f"bangfu {label:70} {seconds:7.1f} s  {rows / seconds:8,.0f} rows/s")
    print(f"summary: {result['summary']}")
    print(
        f"one at a time through checkup_record (the page's way): {result['one_by_one']:,.0f} rows/s"
    )
    print(f"commit / one at a time: {rows / committed / result['one_by_one']:.1f}×")
    peak = result["peak"]
    verdict = "meets" if peak < TARGET_MIB else "MISSES"
    print(f"peak RSS of the import: {peak:.0f} MiB ({verdict} the target < {TARGET_MIB} MiB)")


if __name__ == "__main__":
    main()
