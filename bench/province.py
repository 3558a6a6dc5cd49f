"""What the province-scale benchmarks share: Django on a SQLite file of their own, and a
province-shaped place tree (5 cities, 50 counties, 500 townships, 10,000 villages)."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROVINCE = "610000000000"
DB_NAME = "bench.sqlite3"


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
