"""Household import at scale: a national-format file, checked and committed on SQLite.

    .venv/bin/python bench/import_households.py [--households 200000] [--compare 5000]

Writes an .xlsx of N households (three members each, one row a person, the national
export's columns) into a fresh SQLite database's folder, then times what the page and the
command run: step 1 reads the file and applies the rules (``import_check``, the preview),
step 2 applies them again and writes in one transaction (``import_commit``, which takes the
rows step 1 read); it reports rows a second of each and of both, and the peak RSS.
Then it imports the first ``--compare`` households' rows with django-import-export into the
same models (codes and places by natural key, no rule checks: less work than ours) in a
second fresh database and prints the ratio of rows a second. Targets: at least 10× faster
than django-import-export, peak RSS under 1 GiB.
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

from province import peak_mib, reset_peak

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(var_dir: str) -> None:
    os.environ["BANGFU_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("demo_data", households=0, stdout=io.StringIO())


def write_file(path: Path, households: int) -> int:
    import xlsxwriter

    from tests.exchange.corpus import HEADER, family

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("户信息")
    sheet.write_row(0, 0, HEADER)
    row = 0
    for n in range(households):
        # Numbers ...0000 to ...9999 under each of the demo's villages, so IDs stay distinct.
        township, village = (
            ("钓台街道", "马家寨村"),
            ("钓台街道", "康西村"),
            ("马王街道", "石桥村"),
            ("马王街道", "马王村"),
        )[n // 10000 % 4]
        number = f"6111030{n // 40000:02d}{n // 10000 % 4}{n % 10000:06d}"
        for values in family(number, village):
            row += 1
            values[1], values[9], values[14] = township, _distinct_id(row), ""
            sheet.write_row(row, 0, values)
    book.close()
    return row


def _distinct_id(row: int) -> str:
    from stdnum.cn.ric import calc_check_digit

    day = 1 + row // 999 % 28
    month = 1 + row // (999 * 28) % 12
    year = 1940 + row // (999 * 28 * 12)
    body = f"611103{year}{month:02d}{day:02d}{row % 999 + 1:03d}"
    return body + calc_check_digit(body + "?")


def ours(path: Path) -> tuple[float, float, dict]:
    from django.contrib.auth import get_user_model

    from bangfu.exchange import services

    admin = get_user_model().objects.get(username="county_admin")
    with path.open("rb") as handle:
        job = services.import_upload(actor=admin, file_name=path.name, chunks=iter(handle))
    started = time.perf_counter()
    job = services.import_check(job_id=job.pk, progress=lambda *a: None)
    checked = time.perf_counter() - started
    assert job.state == "checked", (job.state, list(job.problems.all()[:5]), job.message)
    started = time.perf_counter()
    job = services.import_commit(job_id=job.pk, progress=lambda *a: None)
    committed = time.perf_counter() - started
    assert job.state == "done", job.state
    return checked, committed, job.summary


def theirs(path: Path, households: int) -> tuple[float, float, int]:
    """django-import-export, same rows: households by one resource, members by another."""
    import tablib
    from import_export import fields, resources, widgets
    from python_calamine import CalamineWorkbook

    from bangfu.core.models import Code
    from bangfu.core.protection import lookup_hash, seal
    from bangfu.registry.models import Household, Member

    class CodeWidget(widgets.ForeignKeyWidget):
        def __init__(self, kind):
            super().__init__(Code, "label")
            self.kind = kind

        def get_queryset(self, value, row, *args, **kwargs):
            return Code.objects.filter(kind=self.kind)

    class HouseholdResource(resources.ModelResource):
        number = fields.Field(attribute="number", column_name="户编号")
        attribute = fields.Field("attribute", "户属性", CodeWidget("household_attribute"))
        standard = fields.Field("standard", "识别标准", CodeWidget("identification_standard"))
        main_cause = fields.Field("main_cause", "主要致贫原因", CodeWidget("poverty_cause"))
        year_identified = fields.Field("year_identified", "识别年度", widgets.IntegerWidget())

        def before_import_row(self, row, **kwargs):
            row["region"] = "611103002201"
            row["status"] = "not_out"

        class Meta:
            model = Household
            import_id_fields = ("number",)
            fields = (
                "number",
                "region",
                "attribute",
                "standard",
                "main_cause",
                "status",
                "year_identified",
            )
            use_transactions = True

    class MemberResource(resources.ModelResource):
        household = fields.Field(
            "household", "户编号", widgets.ForeignKeyWidget(Household, "number")
        )
        name = fields.Field(attribute="name", column_name="姓名")
        relation = fields.Field("relation", "与户主关系", CodeWidget("relation"))
        ethnicity = fields.Field("ethnicity", "民族", CodeWidget("ethnicity"))
        health = fields.Field("health", "健康状况", CodeWidget("health"))
        labour = fields.Field("labour", "劳动技能", CodeWidget("labour"))

        class Meta:
            model = Member
            import_id_fields = ("id_number_hash",)
            fields = (
                "household",
                "name",
                "relation",
                "ethnicity",
                "health",
                "labour",
                "id_number_sealed",
                "id_number_hash",
                "is_head",
                "birth_date",
                "sex",
            )
            use_transactions = True

    cells = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    header, rows = cells[0], cells[1 : 1 + households * 3]
    started = time.perf_counter()
    extra = ["id_number_sealed", "id_number_hash", "is_head", "birth_date", "sex"]
    data = tablib.Dataset(
        *[
            [
                *(str(v) for v in row),
                seal(row[9]),
                lookup_hash(row[9]),
                row[10] == "户主",
                f"{row[9][6:10]}-{row[9][10:12]}-{row[9][12:14]}",
                "1" if int(row[9][16]) % 2 else "2",
            ]
            for row in rows
        ],
        headers=[*header, *extra],
    )
    seen, unique = set(), tablib.Dataset(headers=data.headers)
    for row in data:
        if row[0] not in seen:
            seen.add(row[0])
            unique.append(row)
    prepared = time.perf_counter() - started
    # Its own two steps, as its admin runs them: a dry run for the preview (rolled back),
    # then the import on confirmation; each timed, the preparation above counted in both.
    timings = {True: 0.0, False: 0.0}
    for importer, dataset in ((HouseholdResource(), unique), (MemberResource(), data)):
        for dry_run in (True, False):  # members need the households written first
            started = time.perf_counter()
            result = importer.import_data(dataset, dry_run=dry_run, raise_errors=True)
            assert not result.has_errors()
            timings[dry_run] += time.perf_counter() - started
    return prepared + timings[False], prepared + timings[True] + timings[False], len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--compare", type=int, default=5_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup(folder)
        path = Path(folder) / "national.xlsx"
        started = time.perf_counter()
        rows = write_file(path, args.households)
        size, took = path.stat().st_size / 2**20, time.perf_counter() - started
        print(f"file: {args.households:,} households, {rows:,} rows, {size:.0f} MiB ({took:.0f} s)")
        reset_peak()  # the import's memory, not the writing of its file
        checked, committed, summary = ours(path)
        both = checked + committed
        for label, seconds in (
            ("step 1, check (read the file, apply the rules: the preview)", checked),
            ("step 2, commit (apply the rules again, write, one transaction)", committed),
            ("both steps, as a person waits for them", both),
        ):
            print(f"bangfu {label:64} {seconds:7.1f} s  {rows / seconds:8,.0f} rows/s")
        print(f"summary: {summary}")
        print(f"peak RSS: {peak_mib():.0f} MiB (target < 1024 MiB)")
    with tempfile.TemporaryDirectory() as folder:
        os.environ["BANGFU_VAR_DIR"] = folder
        from django.conf import settings
        from django.db import connections

        connections["default"].close()
        settings.DATABASES["default"]["NAME"] = str(Path(folder) / "other.sqlite3")
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("demo_data", households=0, stdout=io.StringIO())
        source = Path(folder) / "sample.xlsx"
        write_file(source, args.compare)
        single, both_theirs, sample_rows = theirs(source, args.compare)
        print(f"django-import-export, {args.compare:,} households, {sample_rows:,} rows:")
        for label, seconds in (("import", single), ("dry run (preview) + import", both_theirs)):
            print(f"  {label:28} {seconds:7.1f} s  {sample_rows / seconds:8,.0f} rows/s")
        # Its clock starts after the file is read, so the ratios are if anything in its favour.
        ratio_commit = (rows / committed) / (sample_rows / single)
        ratio_both = (rows / both) / (sample_rows / both_theirs)
        print(f"bangfu commit / its import: {ratio_commit:.1f}×")
        print(f"bangfu both steps / its dry run + import: {ratio_both:.1f}× (target ≥ 10×)")


if __name__ == "__main__":
    main()
