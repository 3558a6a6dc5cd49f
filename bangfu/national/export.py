"""``manage.py export_parquet``: the facts as Parquet for the national figures, county by
county, incremental by the audit log.

Layout under DEST (hive-style folders, so a cluster can prune them; the files carry every
column themselves)::

    _manifests/<audit seq>.json                        one per run, the last is the head
    places/province=61/places.parquet
    <stock fact>/province=61/county-611103.parquet     households, status_changes, pairings
    <monthly fact>/province=61/year=2026/month=10/county-611103.parquet

A run rewrites the files of the counties whose records changed since the last run's audit
head (every write is audited with its place; a rule set for a province or city changes its
counties' schedules), and every file of a county at once: a county's file is written beside
its old one and renamed over it, and the manifest is written last, so a run killed half-way
leaves the previous head, which the next run starts from.
"""

import datetime
import itertools
import json
import os
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.db.models import Q
from django.utils import timezone

from bangfu.core.models import AuditEntry, AuditHead, Region
from bangfu.core.regions import RegionLevel

from . import facts
from .definitions import FACTS, Fact

MANIFESTS = "_manifests"
BATCH = 100_000
ARROW = {"string": pa.string(), "int": pa.int64(), "date": pa.date32()}


def schema(fact: Fact) -> pa.Schema:
    return pa.schema([(column.name, ARROW[column.kind]) for column in fact.columns])


def last_manifest(dest: Path) -> dict[str, Any] | None:
    runs = sorted((dest / MANIFESTS).glob("*.json"), key=lambda path: int(path.stem))
    return json.loads(runs[-1].read_text()) if runs else None


def _write(path: Path, fact: Fact, rows: Iterable[tuple]) -> int:
    """The rows as one Parquet file at ``path``, in batches, renamed into place at the end."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    written = 0
    try:
        with pq.ParquetWriter(partial, schema(fact), compression="zstd") as writer:
            batch: list[tuple] = []
            for row in rows:
                batch.append(row)
                if len(batch) == BATCH:
                    written += _flush(writer, fact, batch)
            written += _flush(writer, fact, batch)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)
    return written


def _flush(writer: pq.ParquetWriter, fact: Fact, batch: list[tuple]) -> int:
    columns: list = list(zip(*batch, strict=True)) if batch else [[] for _ in fact.columns]
    writer.write_table(pa.Table.from_arrays(columns, schema=schema(fact)))
    n = len(batch)
    batch.clear()
    return n


def touched_counties(since: int, head: int) -> set[str] | None:
    """Counties with a write audited after ``since`` (None: every county — a write with no
    place, such as a code list's, may change any)."""
    prefixes: set[str] = set()
    for code in (
        AuditEntry.objects.filter(seq__gt=since, seq__lte=head)
        .values_list("region_code", flat=True)
        .distinct()
    ):
        if not code:
            return None
        prefixes.add(_reach(code))
    if not prefixes:
        return set()
    return set(
        Region.objects.filter(
            Q(level=RegionLevel.COUNTY),
            _any_prefix(prefixes),
        ).values_list("code", flat=True)
    )


def _reach(code: str) -> str:
    """The code prefix of the counties a write at this place may change: a province's or a
    city's own write (its rules) reaches every county under it."""
    if code[2:6] == "0000":
        return code[:2]
    if code[4:6] == "00":
        return code[:4]
    return code[:6]


def _any_prefix(prefixes: set[str]) -> Q:
    where = Q(pk__in=[])
    for prefix in prefixes:
        where |= Q(code__startswith=prefix)
    return where


def _province_dir(dest: Path, fact: str, county: str) -> Path:
    return dest / fact / f"province={county[:2]}"


def _county_file(county: str) -> str:
    return f"county-{county[:6]}.parquet"


def _export_county(
    dest: Path, county: str, today: datetime.date, month_readers: dict
) -> dict[str, int]:
    """Every file of one county, a monthly fact's month by month (a county's year of visits
    is never held at once)."""
    written: dict[str, int] = {}
    for name, read in facts.STOCK_READERS.items():
        path = _province_dir(dest, name, county) / _county_file(county)
        written[name] = _write(path, FACTS[name], read(county))
    months = facts.months_of(county, today)
    for name, read_month in month_readers.items():
        folder = _province_dir(dest, name, county)
        old = set(folder.glob(f"year=*/month=*/{_county_file(county)}"))
        written[name] = 0
        for month in months:
            path = folder / f"year={month.year}" / f"month={month.month:02d}" / _county_file(county)
            rows = read_month(county, month)
            first = next(rows, None)
            if first is None:
                continue  # nothing that month: no file
            written[name] += _write(path, FACTS[name], itertools.chain([first], rows))
            old.discard(path)
        for gone in old:  # a month the county no longer has (its visits deleted or moved)
            gone.unlink()
    return written


def export_parquet(dest: Path, *, since: int | None = None, full: bool = False) -> dict[str, Any]:
    """Write the facts changed since the last run (or since audit ``since``; every county with
    ``full``) under ``dest``; returns the run's manifest."""
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, "")
    previous = last_manifest(dest)
    if since is None and previous and not full:
        since = previous["audit_head"]["seq"]
    counties = sorted(
        Region.objects.filter(level=RegionLevel.COUNTY).values_list("code", flat=True)
    )
    if since is not None and not full:
        touched = touched_counties(since, head_seq)
        if touched is not None:
            counties = [code for code in counties if code in touched]
    today = timezone.localdate()
    rows: dict[str, int] = defaultdict(int)
    for province in sorted({facts.province_of(code) for code in counties}):
        path = dest / "places" / f"province={province[:2]}" / "places.parquet"
        rows["places"] += _write(path, FACTS["places"], facts.places(province))
    month_readers = facts.month_readers()
    for county in counties:
        for name, n in _export_county(dest, county, today, month_readers).items():
            rows[name] += n
    manifest = {
        "audit_head": {"seq": head_seq, "hash": head_hash},
        "since": None if full else since,
        "counties": counties,
        "rows": dict(rows),
        "exported_on": today.isoformat(),
    }
    if previous and previous["audit_head"]["seq"] == head_seq and not counties:
        return manifest  # nothing written since the last run: its manifest stays the head
    folder = dest / MANIFESTS
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f"{head_seq}.json.partial"
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    os.replace(partial, folder / f"{head_seq}.json")
    return manifest
