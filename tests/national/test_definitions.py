"""The national definitions: one per indicator the dashboard defines, compiled for every
engine, over facts the export reads."""

import datetime

import pytest
import sqlglot

from bangfu.national import facts
from bangfu.national.definitions import FACTS, INDICATOR_KEYS, LEVELS, MEASURES, figures_sql
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
    passes = len(MEASURES) * (len(LEVELS) if dialect == "sqlite" else 1)
    assert len(list(parsed.find_all(sqlglot.exp.Union))) == passes - 1
    assert "{" not in sql  # every month placeholder filled
