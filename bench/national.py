"""National figures at a fraction of the nation: the Parquet export, its incremental run, the
Spark job in local mode, and the job's figures against the dashboard's.

    .venv/bin/python bench/national.py [--scales 1000,100] [--keep DIR] [--months 12]
        [--catch-up 5] [--target-minutes 10] [--rollups auto|rebuild|sql] [--reuse]

A scale N is the nation / N: the nation had about 29.5 million registered households (2014),
so a scale builds 29.5 M / N households with ``--months`` whole months of visits, four a
month to each paired household (1/100: 295,000 households, about 13.5 M visits a year).
Each scale runs in a process of its own (``--one N``, so each starts with a fresh Django
and a fresh JVM). The database is bench/dashboard.py's (its ``build``: the province-shaped
place tree, households, helpers, pairings, visits and both kinds of roll-ups, by plain
INSERTs) in ``DIR/n<N>``, reused when already built there; with ``--keep`` a scale's lines
and figures are kept beside its data set too, and ``--reuse`` shows them again instead of
measuring that scale again.

For each scale, timed:

1. ``export_parquet(dest, full=True)``: wall time, rows and Parquet MiB per fact, and the
   process's peak RSS during the export (VmHWM, reset just before it through
   /proc/self/clear_refs);
2. ``--catch-up`` visits logged through ``visits.services.visit_record`` in one county, then
   the incremental export (the next nightly run): wall time and the files it rewrote;
3. the Spark job (``bangfu.national.job``) in ``local[2]``: session start, one month (the
   first job of the JVM), the same month again (warm), then all the built months in one
   ``run``; the JVM's peak RSS (executors are threads of the driver in local mode);
4. agreement: for the last whole month, the job's figures for the province, each city and
   each county against ``reports.selectors.Figures(user, place, Period(m, m)).values`` (the
   dashboard's roll-up path), every key both compute: PASS, or FAIL with the first
   difference.

Then the growth from one scale to the next (ratios of time, size, rows) and the nation
extrapolated from the two largest scales, each time fitted as fixed + per-household (two
points: t = a + b·n): a province's export (a province ≈ 1/30 of the nation; provinces
export in parallel), the Parquet of a year, and the Spark cores (and executors of 4 cores /
16 GiB) a month's national figures need within ``--target-minutes``, on the assumption
that scan and aggregation spread linearly over cores.

The machine is shared: the load average is printed at each step, and times are wall times.
A measurement: it exits non-zero only when it could not measure (or the figures disagree).
"""

import argparse
import datetime
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from province import DB_NAME, peak_mib, reset_peak, setup_django

NATION_HOUSEHOLDS = 29_500_000
PROVINCES = 30  # a province ≈ 1/30 of the nation
EXECUTOR_CORES, EXECUTOR_GIB = 4, 16
MASTER = "local[2]"
# The day the facts are read on, as the province's own run of the definitions reads them.
ON = datetime.date.today()
COUNTIES = 50  # in bench/province.py's place tree


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1000,100", help="the nation / N, comma-separated")
    parser.add_argument("--keep", help="build under DIR/n<N> and keep; a built scale is reused")
    parser.add_argument("--months", type=int, default=12, help="whole months of visits")
    parser.add_argument(
        "--catch-up",
        type=int,
        default=5,
        help="visits logged in one county before the incremental export",
    )
    parser.add_argument("--target-minutes", type=float, default=10.0)
    parser.add_argument("--rollups", choices=["auto", "rebuild", "sql"], default="sql")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --keep: a scale measured before is shown, not measured again",
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child: this scale
    parser.add_argument("--result", help=argparse.SUPPRESS)  # a child: where its JSON goes
    args = parser.parse_args()
    try:
        args.scale_list = [int(s) for s in args.scales.split(",")]
    except ValueError:
        parser.error("--scales: whole numbers, e.g. 1000,100")
    if any(s < 1 for s in args.scale_list) or not 1 <= args.months <= 24:
        parser.error("--scales ≥ 1, --months 1 to 24")
    return args


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def mib(size: int) -> float:
    return size / 2**20


# ---------------------------------------------------------------------------------------------
# Memory: the peak RSS of a process since its counter was reset


def java_child() -> int:
    """The JVM pyspark started under this process."""
    parents: dict[int, int] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            names[int(entry.name)] = stat[stat.index("(") + 1 : stat.rindex(")")]
            parents[int(entry.name)] = int(stat[stat.rindex(")") + 2 :].split()[1])
    mine, found = {os.getpid()}, True
    while found:
        found = False
        for pid, parent in parents.items():
            if parent in mine and pid not in mine:
                mine.add(pid)
                found = True
    javas = [pid for pid in mine if names.get(pid) == "java"]
    if len(javas) != 1:
        raise RuntimeError(f"expected one JVM under this process, found {javas}")
    return javas[0]


# ---------------------------------------------------------------------------------------------
# One scale


def dataset(args: argparse.Namespace, var_dir: Path) -> dict:
    """bench/dashboard.py's data set in ``var_dir``: found, or built."""
    from dashboard import META_NAME, build

    from bangfu.registry.models import Household

    meta_file = var_dir / META_NAME
    if meta_file.exists():
        meta = json.loads(meta_file.read_text())
        print(f"  reusing the data set in {var_dir} (built in {meta['build_s']:.0f} s)")
        return meta
    if Household.objects.exists():
        raise RuntimeError(f"{var_dir} holds an unfinished build: remove it and run again")
    households = round(NATION_HOUSEHOLDS / args.one)
    build_args = argparse.Namespace(
        households=households, months=args.months, visits_per_month=4, rollups=args.rollups
    )
    print(f"  building {households:,} households in {var_dir} …", flush=True)
    return build(build_args, var_dir)


def files_of(dest: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(dest)): (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in dest.rglob("*.parquet")
    }


def sizes(dest: Path) -> dict[str, int]:
    from bangfu.national.definitions import FACTS

    return {name: sum(p.stat().st_size for p in (dest / name).rglob("*.parquet")) for name in FACTS}


def full_export(dest: Path) -> dict:
    from bangfu.national.export import export_parquet

    shutil.rmtree(dest, ignore_errors=True)
    reset_peak()
    started = time.perf_counter()
    manifest = export_parquet(dest, full=True)
    seconds = time.perf_counter() - started
    rss = peak_mib()
    by_fact = sizes(dest)
    print(f"\n1. full export: {seconds:,.1f} s, peak RSS {rss:,.0f} MiB ({load()})")
    print(f"   {'fact':<16}{'rows':>13}{'MiB':>10}{'bytes/row':>11}")
    for name, size in by_fact.items():
        rows = manifest["rows"].get(name, 0)
        per_row = f"{size / rows:11.1f}" if rows else f"{'':>11}"
        print(f"   {name:<16}{rows:>13,}{mib(size):>10.1f}{per_row}")
    total = sum(by_fact.values())
    print(f"   {'total':<16}{sum(manifest['rows'].values()):>13,}{mib(total):>10.1f}")
    return {
        "export_s": seconds,
        "export_rss_mib": rss,
        "rows": manifest["rows"],
        "bytes": by_fact,
        "total_bytes": total,
        "files": len(files_of(dest)),
    }


def incremental_export(dest: Path, county: str, count: int) -> dict:
    """``count`` visits logged through visit_record in one county, then the next export."""
    from django.utils import timezone

    from bangfu.accounts.models import User
    from bangfu.national.export import export_parquet
    from bangfu.pairing.models import Pairing
    from bangfu.visits import services

    staff = User.objects.get(username="province")
    paired = list(
        Pairing.objects.filter(
            region__code__startswith=county[:6], ended_on=None, helper__isnull=False
        )
        .order_by("household_id")
        .values_list("household_id", "helper_id")[:count]
    )
    now = timezone.localtime().replace(second=0, microsecond=0) - datetime.timedelta(hours=1)
    for household_id, helper_id in paired:
        services.visit_record(
            actor=staff,
            client_id=uuid.uuid4(),
            data=services.VisitInput(household_id=household_id, visited_at=now),
            helper_id=helper_id,
        )
    before = files_of(dest)
    started = time.perf_counter()
    manifest = export_parquet(dest)
    seconds = time.perf_counter() - started
    after = files_of(dest)
    rewritten = sum(1 for path, mark in after.items() if before.get(path) != mark)
    removed = len(set(before) - set(after))
    print(
        f"\n2. incremental export after {len(paired)} visits logged through visit_record in "
        f"county {county}: {seconds:,.1f} s; counties exported {len(manifest['counties'])}, "
        f"{rewritten} of {len(after)} files rewritten, {removed} removed, "
        f"{sum(manifest['rows'].values()):,} rows written ({load()})"
    )
    return {
        "incremental_s": seconds,
        "incremental_counties": len(manifest["counties"]),
        "incremental_files": rewritten,
        "incremental_rows": sum(manifest["rows"].values()),
    }


def spark_runs(dest: Path, months: list[datetime.date]) -> tuple[dict, dict]:
    """The job in local mode: session start, one month cold and warm, every month; answers
    the timings and the last month's figures."""
    from bangfu.national import job

    # No progress bars in the figures printed.
    os.environ.setdefault(
        "PYSPARK_SUBMIT_ARGS", "--conf spark.ui.showConsoleProgress=false pyspark-shell"
    )
    started = time.perf_counter()
    spark = job.spark_session(MASTER)
    spark.sparkContext.setLogLevel("ERROR")
    session_s = time.perf_counter() - started
    try:
        jvm = java_child()
        reset_peak(jvm)
        last = months[-1]
        started = time.perf_counter()
        figures = job.run(spark, str(dest), [last], ON)[last]
        cold_s = time.perf_counter() - started
        started = time.perf_counter()
        job.run(spark, str(dest), [last], ON)
        warm_s = time.perf_counter() - started
        started = time.perf_counter()
        job.run(spark, str(dest), months, ON)
        all_s = time.perf_counter() - started
        jvm_rss = peak_mib(jvm)
    finally:
        spark.stop()
    per_month = all_s / len(months)
    print(
        f"\n3. Spark job, {MASTER}: session {session_s:.1f} s; {last:%Y-%m} first "
        f"{cold_s:.1f} s, again {warm_s:.1f} s; {len(months)} months {all_s:.1f} s "
        f"({per_month:.1f} s a month); JVM peak RSS {jvm_rss:,.0f} MiB ({load()})"
    )
    timings = {
        "session_s": session_s,
        "month_cold_s": cold_s,
        "month_warm_s": warm_s,
        "months": len(months),
        "months_s": all_s,
        "per_month_s": per_month,
        "jvm_rss_mib": jvm_rss,
    }
    return timings, figures


def agreement(figures: dict, month: datetime.date) -> dict:
    """The job's figures for each place against the dashboard's, every shared key."""
    from bangfu.accounts.models import User
    from bangfu.core.models import Region
    from bangfu.reports.selectors import Figures, Period

    user = User.objects.get(username="province")
    period = Period(month, month)
    regions = Region.objects.in_bulk([place for _, place in figures])
    compared, first, missing = 0, None, set()
    for (level, place), values in sorted(figures.items()):
        dashboard = Figures(user, regions[place], period).values
        missing |= set(values) - set(dashboard)
        for key in sorted(set(values) & set(dashboard)):
            compared += 1
            if values[key] != dashboard[key] and first is None:
                first = (
                    f"{level} {place} {key}: Spark {values[key]!r}, dashboard {dashboard[key]!r}"
                )
    verdict = "PASS" if first is None else "FAIL"
    print(
        f"\n4. agreement, {month:%Y-%m}: {verdict}: {len(figures)} places, {compared:,} "
        f"figures compared (keys the dashboard has no figure for: {sorted(missing)})"
        + (f"; first difference: {first}" if first else "")
    )
    return {"agreement": verdict, "compared": compared, "first_difference": first}


def one_scale(args: argparse.Namespace) -> int:
    var_dir = Path(args.keep) / f"n{args.one}" if args.keep else None
    var_dir = var_dir or Path(tempfile.mkdtemp(prefix="bangfu-national-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        print(f"\n== 1/{args.one:,} of the nation ({load()}, {os.cpu_count()} cores)", flush=True)
        setup_django(str(var_dir))
        meta = dataset(args, var_dir)
        db_size = sum(p.stat().st_size for p in var_dir.glob(DB_NAME + "*"))
        print(
            f"  {meta['households']:,} households, {meta['visits']:,} visits, "
            f"{len(meta['months'])} months {meta['months'][0][:7]} to {meta['months'][-1][:7]}; "
            f"SQLite {db_size / 2**30:.2f} GiB",
            flush=True,
        )
        months = [datetime.date.fromisoformat(m) for m in meta["months"]]
        dest = var_dir / "parquet"
        result = {
            "scale": args.one,
            "households": meta["households"],
            "visits": meta["visits"],
            "db_bytes": db_size,
        }
        result |= full_export(dest)
        result |= incremental_export(dest, meta["county"], args.catch_up)
        timings, figures = spark_runs(dest, months)
        result |= timings
        result |= agreement(figures, months[-1])
        result["load"] = os.getloadavg()
        Path(args.result).write_text(json.dumps(result))
        return 0 if result["agreement"] == "PASS" else 1
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            shutil.rmtree(var_dir, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Growth and the nation


def fit(small: dict, large: dict, key: str) -> tuple[float, float]:
    """t = a + b·n through the two scales' (households, time): fixed a, per household b."""
    n1, n2 = small["households"], large["households"]
    b = (large[key] - small[key]) / (n2 - n1)
    return max(0.0, small[key] - b * n1), b


def growth(results: list[dict]) -> None:
    print("\n== growth")
    keys = [
        ("households", "households"),
        ("visits", "visits"),
        ("export_s", "full export s"),
        ("export_rss_mib", "export peak RSS MiB"),
        ("total_bytes", "Parquet bytes"),
        ("incremental_s", "incremental export s"),
        ("month_warm_s", "Spark one month (warm) s"),
        ("per_month_s", "Spark a month of 12 s"),
        ("jvm_rss_mib", "JVM peak RSS MiB"),
    ]
    scales = "".join(f"{'1/' + format(r['scale'], ','):>14}" for r in results)
    print(f"{'':<28}{scales}{'ratio':>9}")
    for key, label in keys:
        values = "".join(f"{r[key]:>14,.1f}" for r in results)
        ratio = results[-1][key] / results[-2][key] if len(results) > 1 and results[-2][key] else 0
        print(f"{label:<28}{values}{ratio:>8.2f}×")


def nation(results: list[dict], target_minutes: float) -> None:
    small, large = results[-2], results[-1]
    n_nation = NATION_HOUSEHOLDS
    n_province = n_nation / PROVINCES
    print(
        f"\n== the nation ({n_nation:,} households), from 1/{small['scale']:,} "
        f"and 1/{large['scale']:,}"
    )
    a, b = fit(small, large, "export_s")
    province_s = a + b * n_province
    print(
        f"export, fitted t = {a:,.1f} s + {b * 1e6:,.1f} µs a household: a province of "
        f"{n_province:,.0f} households {province_s / 60:,.1f} min (each province on its own "
        f"server, all at once: the nation's export takes as long as the largest province's)"
    )
    a_rss, b_rss = fit(small, large, "export_rss_mib")
    print(
        f"export peak RSS, fitted {a_rss:,.0f} MiB + {b_rss * COUNTIES * 1e3:,.1f} MiB a "
        f"thousand households of the largest county (it holds one county at a time; the "
        f"bench's {COUNTIES} counties are of one size): a county of 50,000 households "
        f"{a_rss + b_rss * COUNTIES * 50_000:,.0f} MiB"
    )
    factor = n_nation / large["households"]
    year_bytes = large["total_bytes"] * factor * 12 / large["months"]
    print(
        f"Parquet: {mib(large['total_bytes']):,.0f} MiB at 1/{large['scale']:,} for "
        f"{large['months']} months × {factor:,.1f} = {year_bytes / 2**30:,.1f} GiB a year "
        f"for the nation (visits {large['bytes']['visits'] * factor / 2**30:,.1f} GiB of it)"
    )
    a, b = fit(small, large, "per_month_s")
    if b <= 0:
        print(
            f"Spark, a month: no growth with the data between these scales "
            f"({small['per_month_s']:.1f} s, {large['per_month_s']:.1f} s: a fixed cost, and "
            f"the machine's load); bounded by "
            f"taking the whole of 1/{large['scale']:,}'s month as work per household"
        )
        a, b = 0.0, large["per_month_s"] / large["households"]
    cores_here = int(MASTER[MASTER.index("[") + 1 : -1])
    work = b * n_nation * cores_here  # core-seconds of the per-household part, nation
    target = target_minutes * 60
    print(
        f"Spark, a month: fitted t = {a:,.1f} s + {b * 1e6:,.2f} µs a household on "
        f"{cores_here} cores; the nation's per-household part is {b * 1e6:,.2f} µs × "
        f"{n_nation:,} × {cores_here} cores = {work:,.0f} core-seconds "
        f"({work / 3600:,.1f} core-hours)"
    )
    if target <= a:
        print(f"  the fixed part ({a:,.0f} s) alone is over {target_minutes:g} min")
        return
    cores = work / (target - a)
    executors = math.ceil(cores / EXECUTOR_CORES)
    print(
        f"  within {target_minutes:g} min: {work:,.0f} / ({target:,.0f} − {a:,.0f}) s = "
        f"{cores:,.1f} cores → {executors} executors of {EXECUTOR_CORES} cores / "
        f"{EXECUTOR_GIB} GiB ({executors * EXECUTOR_CORES} cores, {executors * EXECUTOR_GIB} "
        f"GiB), if scan and aggregation spread linearly over cores"
    )
    month_bytes = sum(
        size * factor / (large["months"] if name in ("visits", "visit_months", "schedules") else 1)
        for name, size in large["bytes"].items()
        if name != "visits"  # the indicators read the roll-ups, not the visits
    )
    print(
        f"  a month's national figures read about {month_bytes / 2**30:,.2f} GiB of Parquet "
        f"(the stock facts and one month of roll-ups and schedules)"
    )


def measured(args: argparse.Namespace, scale: int, folder: Path) -> dict | None:
    """One scale measured in a process of its own (its lines echoed and, with ``--keep``,
    kept beside its data set with its figures); with ``--reuse``, a scale kept is shown
    again instead."""
    kept = Path(args.keep) / f"n{scale}" if args.keep else folder
    out, text = kept / "national.json", kept / "national.txt"
    if args.reuse and out.exists():
        print(f"\n(1/{scale:,}: measured earlier, from {text})")
        print(text.read_text(), end="")
        return json.loads(out.read_text())
    command = [sys.executable, __file__, "--one", str(scale), "--result", str(out)]
    command += ["--months", str(args.months), "--catch-up", str(args.catch_up)]
    command += ["--rollups", args.rollups] + (["--keep", args.keep] if args.keep else [])
    out.unlink(missing_ok=True)
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        with text.open("w") as log:
            for line in child.stdout:
                print(line, end="", flush=True)
                log.write(line)
    if not out.exists():
        print(f"1/{scale:,}: no result (exit {child.returncode})", file=sys.stderr)
        return None
    return json.loads(out.read_text())


def main() -> int:
    args = parse_args()
    if args.one:
        return one_scale(args)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for scale in args.scale_list:
            result = measured(args, scale, Path(folder))
            if result is None:
                return 2
            results.append(result)
    results.sort(key=lambda r: r["households"])
    if len(results) > 1:
        growth(results)
        nation(results, args.target_minutes)
    print(f"\n({load()} at the end)")
    return 0 if all(r["agreement"] == "PASS" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
