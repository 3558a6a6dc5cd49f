"""bench/supervision.py at a tiny scale, through its functions: the builder writes a month of
every record the scores read (in the shared world's five villages) and every level's shares
from the roll-ups equal the records', so that the benchmark keeps working as the app
changes. The benchmarks write SQLite's SQL (bulk INSERTs through its driver, its date
functions), so this runs on SQLite only."""

import datetime
import importlib.util
import random
import sys
from pathlib import Path

import pytest
from django.db import connection

BENCH = Path(__file__).resolve().parents[2] / "bench"
VILLAGES = ["611103001201", "611103001202", "611103002201", "611103002202", "610118001201"]
SIZES = {"households": 60, "teams": 3, "findings": 40, "surveys": 12}
SCORED = datetime.date(2026, 10, 1)  # the month before the frozen today's last


@pytest.fixture
def bench(monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("the benchmarks' builders write SQLite's SQL")
    monkeypatch.syspath_prepend(str(BENCH))  # its modules import one another by name
    # ... which the test packages of the same names (tests/projects, tests/teams) shadow once
    # another test of the worker has imported them: the bench's own are read while it loads.
    for name in ("dashboard", "projects", "province", "teams"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    spec = importlib.util.spec_from_file_location("bench_supervision", BENCH / "supervision.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_bench_builds_a_month_and_its_shares_agree(bench, world, today):
    built = bench.build_records(VILLAGES, SIZES, SCORED, random.Random(1))
    assert built["helpers"] > 0 and built["teams"] == 3 and built["surveys"] == 12
    assert sum(built["findings"].values()) == 40
    assert set(built["points_given"]) == set(bench.LEVELS)
    for level in bench.LEVELS:
        compared = bench.compare(level, SCORED)
        assert compared["subjects"] > 0, level
        assert compared["differences"] == [], level
        scored = bench.score_month(level, SCORED, counties=2)
        assert scored["places"] == 2 and scored["scores"] > 0, level
        assert scored["checked"] == 2 and scored["differences"] == [], level
