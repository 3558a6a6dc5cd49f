"""The national definitions run on this installation's own database: the same facts the
export writes (``facts``), loaded into temporary tables, and the same SQL the Spark job
runs (``definitions.figures_sql``), compiled for SQLite or PostgreSQL. What the nation will
compute from a province's export, the province can compute and compare first."""

import datetime

from django.db import connection, transaction
from django.utils import timezone

from bangfu.core.models import Region
from bangfu.core.regions import RegionLevel

from . import facts
from .definitions import FACTS, Figures, facts_read, figures_of, figures_sql

DIALECT = {"sqlite": "sqlite", "postgresql": "postgres"}
SQL_TYPE = {"string": "TEXT", "int": "BIGINT", "date": "DATE"}


def _load(cursor, name: str, rows) -> None:
    fact = FACTS[name]
    columns = ", ".join(f"{c.name} {SQL_TYPE[c.kind]}" for c in fact.columns)
    cursor.execute(f"CREATE TEMPORARY TABLE {name} ({columns})")
    marks = ", ".join(["%s"] * len(fact.columns))
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) == facts.CHUNK:
            cursor.executemany(f"INSERT INTO {name} VALUES ({marks})", batch)
            batch.clear()
    if batch:
        cursor.executemany(f"INSERT INTO {name} VALUES ({marks})", batch)


def figures_from_records(month: datetime.date) -> Figures:
    """Every place's national indicators for ``month``, by (level, place code)."""
    month = month.replace(day=1)
    counties = list(
        Region.objects.filter(level=RegionLevel.COUNTY)
        .order_by("code")
        .values_list("code", flat=True)
    )
    # Inside one transaction that is rolled back: the temporary tables go with it.
    with transaction.atomic(), connection.cursor() as cursor:
        monthly = facts.month_readers()
        for name in facts_read():
            rows = (
                row
                for county in counties
                for row in (
                    facts.STOCK_READERS[name](county)
                    if name in facts.STOCK_READERS
                    else monthly[name](county, month)
                )
            )
            _load(cursor, name, rows)
        cursor.execute(figures_sql(month, timezone.localdate(), DIALECT[connection.vendor]))
        found = figures_of(cursor.fetchall())
        transaction.set_rollback(True)
    return found
