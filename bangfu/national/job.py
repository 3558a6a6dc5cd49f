"""The national figures on Spark: every province's exported facts (``export_parquet``) read
from one root, the indicators of ``definitions`` computed by province, city and county for
each month asked, written as one CSV (and Parquet) of rows::

    month, level, place, name, indicator, value

On one machine::

    python -m bangfu.national.job ROOT --months 2026-10 [--to 2026-11] --out OUT

On a cluster (the same file; the definitions travel in a zip of the ``bangfu/national``
package, nothing of Django is needed)::

    spark-submit --master yarn --py-files national.zip bangfu/national/job.py ROOT ...

Stock indicators are as each province's export found its records; flow indicators are of
the month; a month is judged at its end, or on ``--on`` (the day of the exports, today if
not given) while it runs.
"""

import argparse
import datetime
import sys
from pathlib import Path
from typing import Any

from pyspark.sql import SparkSession
from pyspark.sql import types as T

if __package__ in (None, ""):  # run as a file by spark-submit: the package is in --py-files
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bangfu.national.definitions import (  # noqa: E402
    FACTS,
    INDICATOR_KEYS,
    LEVELS,
    Figures,
    figures_of,
    figures_sql,
)

SPARK = {"string": T.StringType(), "int": T.LongType(), "date": T.DateType()}


def spark_session(master: str | None = None) -> SparkSession:
    builder = SparkSession.builder.appName("bangfu national figures")
    if master:
        builder = (
            builder.master(master)
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.driver.memory", "2g")
        )
    return builder.getOrCreate()


def _schema(name: str) -> T.StructType:
    return T.StructType([T.StructField(c.name, SPARK[c.kind]) for c in FACTS[name].columns])


def _read(spark: SparkSession, root: str, name: str, month: datetime.date):
    """A fact's files (a monthly fact's of the month only), every column from the files."""
    fact = FACTS[name]
    pattern = f"{root}/{name}/province=*"
    if fact.monthly:
        pattern += f"/year={month.year}/month={month.month:02d}"
    # Spark refuses a path that matches nothing; Hadoop's own glob tells first, on any store.
    jvm: Any = spark._jvm  # noqa: SLF001
    hadoop = jvm.org.apache.hadoop.fs.Path(pattern)
    found = hadoop.getFileSystem(spark._jsc.hadoopConfiguration()).globStatus(hadoop)  # noqa: SLF001
    if not found:  # no province has the month: the fact is empty, not missing
        return spark.createDataFrame([], _schema(name))
    return spark.read.schema(_schema(name)).option("recursiveFileLookup", "true").parquet(pattern)


def month_figures(
    spark: SparkSession, root: str, month: datetime.date, on: datetime.date
) -> Figures:
    """Every place's indicators for one month, by level and place code, the facts read on
    ``on``."""
    # Each fact is read by several measures: kept in memory for the month's query, once
    # (a month of the nation's facts is a few GB, spread over the executors).
    for name in FACTS:
        _read(spark, root, name, month).createOrReplaceTempView(name)
        spark.catalog.cacheTable(name)
    try:
        rows = spark.sql(figures_sql(month, on, "spark")).collect()
    finally:
        spark.catalog.clearCache()
    return figures_of(tuple(row) for row in rows)


def place_names(spark: SparkSession, root: str) -> dict[str, str]:
    places = _read(spark, root, "places", datetime.date.min)
    return {row.code: row.name for row in places.select("code", "name").collect()}


def result_rows(months: dict[datetime.date, Figures], names: dict[str, str]) -> list[tuple]:
    rows = []
    for month, figures in sorted(months.items()):
        for (level, place), values in sorted(
            figures.items(), key=lambda item: (LEVELS.index(item[0][0]), item[0][1])
        ):
            for key in INDICATOR_KEYS:
                value = values[key]
                rows.append(
                    (
                        f"{month:%Y-%m}",
                        level,
                        place,
                        names.get(place, ""),
                        key,
                        None if value is None else float(value),
                    )
                )
    return rows


RESULT = T.StructType(
    [
        T.StructField("month", T.StringType()),
        T.StructField("level", T.StringType()),
        T.StructField("place", T.StringType()),
        T.StructField("name", T.StringType()),
        T.StructField("indicator", T.StringType()),
        T.StructField("value", T.DoubleType()),
    ]
)


def run(
    spark: SparkSession,
    root: str,
    months: list[datetime.date],
    on: datetime.date,
    out: str | None = None,
):
    """The figures of each month, the facts read on ``on``; written under ``out`` (csv/ and
    parquet/) when given."""
    found = {month: month_figures(spark, root, month, on) for month in months}
    if out:
        frame = spark.createDataFrame(result_rows(found, place_names(spark, root)), RESULT)
        frame.coalesce(1).write.mode("overwrite").option("header", True).csv(f"{out}/csv")
        frame.write.mode("overwrite").parquet(f"{out}/parquet")
    return found


def _month(text: str) -> datetime.date:
    return datetime.datetime.strptime(text, "%Y-%m").date()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", help="the folder (or hdfs:// / s3a:// path) of every export")
    parser.add_argument("--month", type=_month, required=True, help="YYYY-MM")
    parser.add_argument("--to", type=_month, help="the last month of a range (YYYY-MM)")
    parser.add_argument(
        "--on",
        type=datetime.date.fromisoformat,
        default=datetime.date.today(),
        help="the day the exports were made (YYYY-MM-DD), which judges a running month",
    )
    parser.add_argument("--out", required=True, help="where the figures are written")
    parser.add_argument("--master", help="e.g. local[2]; spark-submit's own when left out")
    args = parser.parse_args(argv)
    months = [args.month]
    while args.to and months[-1] < args.to:
        months.append((months[-1] + datetime.timedelta(days=32)).replace(day=1))
    spark = spark_session(args.master)
    try:
        run(spark, args.root, months, args.on, args.out)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
