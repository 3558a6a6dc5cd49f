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
from django.utils import timezone

from bangfu.core.models import AuditHead, Region
from bangfu.core.regions import RegionLevel
from bangfu.reports import rollups

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


def changed_counties(since: int, head: int) -> dict[str, set[datetime.date] | None]:
    """The counties whose facts changed between two audit entries, each with the months its
    visits changed in, or None when more changed (a household, a pairing, an alert, a rule):
    what the place roll-ups read from the log to catch up (``rollups.changed_places``)."""
    found: dict[str, set[datetime.date] | None] = {}
    for code, months in rollups.changed_places(since, head).items():
        county = facts.county_of(code)
        known = found.get(county, set())
        found[county] = None if months is None or known is None else known | months
    # Supervision's writes are read apart, as the roll-ups read them: its facts are stock.
    for code in rollups.supervision_written(since, head):
        found[facts.county_of(code)] = None
    return found


def _province_dir(dest: Path, fact: str, county: str) -> Path:
    return dest / fact / f"province={county[:2]}"


def _county_file(county: str) -> str:
    return f"county-{county[:6]}.parquet"


def _month_file(dest: Path, name: str, county: str, month: datetime.date) -> Path:
    folder = _province_dir(dest, name, county) / f"year={month.year}" / f"month={month.month:02d}"
    return folder / _county_file(county)


def _export_county(
    dest: Path, county: str, months: list[datetime.date], readers: dict, *, whole: bool
) -> dict[str, int]:
    """One county's files: with ``whole``, every fact and every month (a month the county no
    longer has loses its file); else only the monthly facts of ``months``. A month is read
    and written at a time: a county's years of visits are never held at once."""
    written: dict[str, int] = defaultdict(int)
    if whole:
        for name, read in facts.STOCK_READERS.items():
            path = _province_dir(dest, name, county) / _county_file(county)
            written[name] = _write(path, FACTS[name], read(county))
    for name, read_month in readers.items():
        old = set(_province_dir(dest, name, county).glob(f"year=*/month=*/{_county_file(county)}"))
        for month in months:
            path = _month_file(dest, name, county, month)
            old.discard(path)
            rows = read_month(county, month)
            first = next(rows, None)
            if first is None:  # nothing that month: no file
                path.unlink(missing_ok=True)
                continue
            written[name] += _write(path, FACTS[name], itertools.chain([first], rows))
        for gone in old if whole else ():
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
    every = sorted(Region.objects.filter(level=RegionLevel.COUNTY).values_list("code", flat=True))
    changed: dict[str, set[datetime.date] | None] = (
        dict.fromkeys(every) if since is None or full else changed_counties(since, head_seq)
    )
    counties = [county for county in every if county in changed]
    today = timezone.localdate()
    rows: dict[str, int] = defaultdict(int)
    readers = facts.month_readers()
    only_months: dict[str, list[str]] = {}
    for county in counties:
        months = changed[county]
        if months is not None:
            only_months[county] = [f"{month:%Y-%m}" for month in sorted(months)]
        chosen = facts.months_of(county, today) if months is None else sorted(months)
        for name, n in _export_county(dest, county, chosen, readers, whole=months is None).items():
            rows[name] += n
    if counties:  # the places of every province, small, so a new village is never missed
        for province in sorted({facts.province_of(code) for code in every}):
            path = dest / "places" / f"province={province[:2]}" / "places.parquet"
            rows["places"] += _write(path, FACTS["places"], facts.places(province))
    manifest = {
        "audit_head": {"seq": head_seq, "hash": head_hash},
        "since": None if full else since,
        "counties": counties,
        "months_only": only_months,  # counties of which only these months were rewritten
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
