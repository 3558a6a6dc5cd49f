"""The national definitions: one per indicator the dashboard defines, compiled for every
engine, over facts the export reads."""

import datetime

import pytest
import sqlglot

from bangfu.national import facts
from bangfu.national.definitions import FACTS, INDICATOR_KEYS, MEASURES, figures_sql, month_passes
from bangfu.reports.indicators import INDICATORS


def test_every_national_indicator_is_one_the_dashboard_defines():
    """Its meaning is the dashboard's definition under the same key."""
    assert set(INDICATOR_KEYS) <= set(INDICATORS)


def test_the_export_reads_every_fact():
    assert {*facts.STOCK_READERS, *facts.month_readers(), "places"} == set(FACTS)


@pytest.mark.parametrize("dialect", ["sqlite", "postgres", "spark"])
def test_the_definitions_compile_for_each_engine(dialect):
    sql = figures_sql(datetime.date(2026, 10, 1), datetime.date(2026, 10, 20), dialect)
    parsed = sqlglot.parse_one(sql, read=dialect)
    named = {literal.this for literal in parsed.find_all(sqlglot.exp.Literal) if literal.is_string}
    assert {m.key for m in MEASURES} <= named
    assert "{" not in sql  # every month placeholder filled


def test_measures_over_one_source_are_read_in_one_pass():
    """A fact is read once for the measures over it (each counting the rows its own
    conditions keep), not once a measure: what a month costs on Spark is its passes."""
    passes = month_passes(datetime.date(2026, 10, 1), datetime.date(2026, 10, 20))
    assert sum(len(each.values) for each in passes) == len(MEASURES)
    (visit_months,) = [each for each in passes if each.source == "visit_months f"]
    assert len(visit_months.values) == 7
    assert visit_months.where == "f.year = 2026 AND f.month = 10"
    (alerts,) = [each for each in passes if each.source == "alerts f"]
    assert dict(alerts.values)["alerts_open"] == "COUNT(*) FILTER(WHERE f.state = 'open')"
    # A subquery cannot filter an aggregate on Spark: such measures are passes of their own.
    households = [each for each in passes if each.source == "households f"]
    assert len(households) == 3 and sum("EXISTS" in each.where for each in households) == 2
