"""What the province-scale benchmarks share: Django on a SQLite file of their own, and a
province-shaped place tree (5 cities, 50 counties, 500 townships, 10,000 villages)."""

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROVINCE = "610000000000"
DB_NAME = "bench.sqlite3"
T = TypeVar("T")
DUCKDB_TARGET = 2.0  # issues 16 and 17: within 2× of the same work as one DuckDB query


def reset_peak(pid: int | str = "self") -> None:
    """Start a process's peak RSS again from its present size."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def peak_mib(pid: int | str = "self") -> float:
    """A process's own peak RSS since its exec (or its last ``reset_peak``): VmHWM.
    (``ru_maxrss`` is kept across exec, so in a measuring child it is at least the size of
    the parent at the fork: the build's.)"""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def setup_django(var_dir: str) -> None:
    os.environ["BANGFU_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    os.environ.pop("DATABASE_URL", None)  # the benchmarks are about SQLite
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # The test settings use an in-memory database only under the test runner; here the
    # file in var_dir is the database.
    settings.DATABASES["default"]["NAME"] = str(Path(var_dir) / DB_NAME)
    settings.ALLOWED_HOSTS.append("testserver")
    call_command("migrate", verbosity=0)


def build_places() -> list[str]:
    """The province, its cities, counties, townships and villages; answers the villages."""
    from bangfu.core.models import Region

    villages_per_township, townships_per_county, counties = 20, 10, 50
    regions = [Region(PROVINCE, "陕西省", 1)]
    villages = []
    for c in range(counties):
        city = f"61{c // 10 + 1:02d}"
        if c % 10 == 0:
            regions.append(Region(f"{city}00000000", f"市{city}", 2, parent_id=PROVINCE))
        county = f"{city}{c % 10 + 1:02d}"
        regions.append(Region(f"{county}000000", f"县{county}", 3, parent_id=f"{city}00000000"))
        for t in range(townships_per_county):
            township = f"{county}{t + 1:03d}"
            regions.append(
                Region(f"{township}000", f"镇{township}", 4, parent_id=f"{county}000000")
            )
            for v in range(villages_per_township):
                code = f"{township}{v + 201:03d}"
                regions.append(Region(code, f"村{code}", 5, parent_id=f"{township}000"))
                villages.append(code)
    Region.objects.bulk_create(regions, batch_size=5000)
    return villages


def duckdb_copy(folder: Path, queries: dict[str, tuple[str, str]], chunk: int = 100_000):
    """An in-memory DuckDB database holding, for each name, what its SQLite query answers,
    typed as given ("id BIGINT, number VARCHAR, …"). DuckDB cannot read the SQLite file here
    (its sqlite extension is downloaded on first use, and this machine is offline), so each
    table goes through a CSV file in ``folder``."""
    import csv

    import duckdb
    from django.db import connection

    duck = duckdb.connect()
    cursor = connection.cursor()
    for name, (query, typed) in queries.items():
        path = folder / f"{name}.csv"
        cursor.execute(query)
        with path.open("w", newline="") as out:
            writer = csv.writer(out)
            while rows := cursor.fetchmany(chunk):
                writer.writerows(rows)
        types = ", ".join(
            f"'{part.split()[0]}': '{part.split(' ', 1)[1]}'" for part in typed.split(", ")
        )
        duck.execute(
            f"CREATE TABLE {name} AS SELECT * FROM read_csv('{path}', header = false, "
            f"columns = {{{types}}}, nullstr = '', quote = '\"')"
        )
        path.unlink()
    return duck


def sqlite_views(queries: dict[str, tuple[str, str]]) -> None:
    """The tables ``duckdb_copy`` gives DuckDB, as temporary views on the SQLite file: a plain
    query written for them runs on the records' own engine, where they lie (SQLite flattens
    the views into the query and uses the tables' indexes)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for name, (query, _typed) in queries.items():
            cursor.execute(f"CREATE TEMP VIEW {name} AS {query}")


def timed(work: Callable[[], T]) -> tuple[T, float, float]:
    """What ``work`` answers, with the wall-clock and this process's CPU seconds it took."""
    started, cpu = time.perf_counter(), time.process_time()
    answer = work()
    return answer, time.perf_counter() - started, time.process_time() - cpu


def against_engines(what: str, ours: float, plain: float, duck: float, copy: float) -> list[str]:
    """``what``'s time set against the same work as one plain query: DuckDB's query alone (the
    issues' target, within 2×), the same query on SQLite over the same tables (the engine the
    records are in: what is left is the engine's, not the app's), and DuckDB with its copy of
    the tables (what an app whose records lie in SQLite would pay to use it)."""
    ratio = ours / duck
    verdict = "meets" if ratio <= DUCKDB_TARGET else "MISSES"
    return [
        f"{what} / DuckDB's query: {ratio:.1f}× ({verdict} the target ≤ {DUCKDB_TARGET:.0f}×)",
        f"{what} / the same query on SQLite: {ours / plain:.2f}×",
        f"{what} / DuckDB with its copy of the tables: {ours / (copy + duck):.2f}×",
    ]
