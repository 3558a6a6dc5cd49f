"""Agreement: the national job on Spark (local mode), over the Parquet export of two
provinces, gives each province's, city's and county's own dashboard figures exactly."""

import csv
import os
import shutil

import pytest

from bangfu.national import job
from bangfu.national.definitions import INDICATOR_KEYS
from bangfu.national.export import export_parquet
from tests.national.conftest import COUNTIES, NOVEMBER, OCTOBER, TODAY
from tests.national.test_records import PLACES, dashboard, national

# What the database does here (the export's reading) both halves test in test_export.py.
pytestmark = pytest.mark.one_database


@pytest.fixture(scope="module")
def spark():
    if shutil.which("java") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("no Java: .ci/run installs openjdk-17-jre-headless")
        pytest.skip("Spark needs a Java runtime (apt-get install openjdk-17-jre-headless)")
    session = job.spark_session("local[1]")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_the_spark_figures_are_the_dashboards(nation, spark, tmp_path):
    root = tmp_path / "nation"
    export_parquet(root)
    found = job.run(spark, str(root), [OCTOBER, NOVEMBER], TODAY, str(tmp_path / "figures"))
    for month in (OCTOBER, NOVEMBER):
        for level, code in PLACES:
            assert national(found[month], level, code) == dashboard(nation, code, month), (
                month,
                level,
                code,
            )
    # The result as written: a row per month, place and indicator, with the place's name.
    (written,) = (tmp_path / "figures" / "csv").glob("*.csv")
    with written.open(encoding="utf-8") as lines:
        rows = list(csv.DictReader(lines))
    places = {row["place"] for row in rows}
    assert len(rows) == 2 * len(places) * len(INDICATOR_KEYS)
    assert set(COUNTIES) <= places
    gansu = {
        row["indicator"]: row["value"]
        for row in rows
        if row["place"] == "620000000000" and row["month"] == "2026-10"
    }
    assert rows[0]["name"] and gansu["households"] == "12.0"
