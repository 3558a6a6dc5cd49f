"""``export_parquet``: the facts of every county as Parquet, without names or numbers, and
after the first run only the counties whose records changed."""

import json

import pyarrow.parquet as pq
import pytest

from bangfu.core.services import policy_set
from bangfu.national import export, facts
from bangfu.national.definitions import FACTS
from bangfu.registry.models import Household, Member
from tests.national.conftest import COUNTIES, VILLAGES, D, _visit


def _files(root):
    return {
        path.relative_to(root).as_posix(): path.stat().st_ino for path in root.rglob("*.parquet")
    }


def test_the_facts_are_written_by_province_county_and_month(nation, tmp_path):
    manifest = export.export_parquet(tmp_path)
    files = _files(tmp_path)
    assert "households/province=62/county-620102.parquet" in files
    assert "visit_months/province=61/year=2026/month=10/county-610118.parquet" in files
    assert "places/province=62/places.parquet" in files
    for path in tmp_path.rglob("*.parquet"):
        fact = FACTS[path.relative_to(tmp_path).parts[0]]
        assert pq.read_schema(path).names == fact.names, path
    assert manifest["counties"] == sorted(COUNTIES)
    assert manifest["rows"]["households"] == 6 * len(VILLAGES) == Household.objects.count()
    written = json.loads(
        (tmp_path / "_manifests" / f"{manifest['audit_head']['seq']}.json").read_text()
    )
    assert written == manifest


def test_no_name_number_or_id_number_leaves(nation, tmp_path):
    export.export_parquet(tmp_path)
    text = " ".join(
        str(value)
        for path in tmp_path.rglob("*.parquet")
        for column in pq.read_table(path).columns
        for value in column.to_pylist()
    )
    for member in Member.objects.all():
        assert member.name not in text
    for number in Household.objects.values_list("number", flat=True):
        assert number not in text
    assert "19600" not in text  # the birth dates inside ID numbers


def test_a_second_run_rewrites_only_the_counties_changed(nation, tmp_path):
    first = export.export_parquet(tmp_path)
    before = _files(tmp_path)
    assert export.export_parquet(tmp_path)["counties"] == []
    assert _files(tmp_path) == before
    assert len(list((tmp_path / "_manifests").glob("*.json"))) == 1

    household = Household.objects.filter(region_id="620102001201").first()
    helper = household.pairings.first().helper
    _visit(nation, household, helper, D(2026, 11, 19))
    second = export.export_parquet(tmp_path)
    assert second["counties"] == ["620102000000"] and second["since"] == first["audit_head"]["seq"]
    after = _files(tmp_path)
    changed = {path for path in after if after[path] != before.get(path)}
    # Only the month the visit is in, of its county's monthly facts (and the small places):
    # those with rows, a fact with none in the month has no file.
    month_files = {
        f"{fact}/province=62/year=2026/month=11/county-620102.parquet"
        for fact, kind in FACTS.items()
        if kind.monthly
    }
    rewritten = {path for path in changed if not path.startswith("places/")}
    assert rewritten <= month_files and {path.split("/")[0] for path in rewritten} >= {
        "visits",
        "visit_months",
        "schedules",
    }
    assert second["months_only"] == {"620102000000": ["2026-11"]}
    november = pq.read_table(
        tmp_path / "visits/province=62/year=2026/month=11/county-620102.parquet"
    )
    assert november.num_rows == 10 + 1

    # A rule set for the province reaches the schedules of both its counties.
    policy_set(
        actor=nation,
        region_code="610000000000",
        key="visits.min_per_month",
        value=2,
        valid_from=D(2026, 11, 1),
    )
    assert export.export_parquet(tmp_path)["counties"] == ["610118000000", "611103000000"]


def test_a_run_that_fails_half_way_leaves_the_last_files_and_head(nation, tmp_path, monkeypatch):
    first = export.export_parquet(tmp_path)
    before = _files(tmp_path)
    household = Household.objects.filter(region_id="611103002201").first()
    _visit(nation, household, household.pairings.first().helper, D(2026, 11, 19))

    def broken(county, month):
        yield from []
        raise OSError("disk full")

    monkeypatch.setattr(facts, "visits", broken)
    with pytest.raises(OSError):
        export.export_parquet(tmp_path)
    assert _files(tmp_path).keys() == before.keys()
    assert not list(tmp_path.rglob("*.partial"))
    assert export.last_manifest(tmp_path) == first
    monkeypatch.undo()
    assert export.export_parquet(tmp_path)["counties"] == ["611103000000"]
