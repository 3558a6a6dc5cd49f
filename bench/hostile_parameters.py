"""The dashboard and "figures as reported" with the worst parameters anyone can send.

    .venv/bin/python bench/hostile_parameters.py [--keep DIR] [--repeat 5]
        [--user county_admin] [--most 24,60]

Loads the demo district (``manage.py demo_data``: one county, its streets and villages, 370
households, last month's and this month's visits) into a SQLite file of its own, or uses the
database already in ``--keep DIR`` (a ``bench/dashboard.py --keep`` province works too: pass
``--user`` one of its users). Then, for each value of the rule ``reports.max_months`` in
``--most`` (set on the user's place), times every page below through Django's full request
path (the test Client: middleware, scoping, view, template, download) after one warm-up:
the widest place (all the user's places, and the user's own place named), the longest range
there is (2013-01 to next December, both ways round), every download, and the refused
parameters. Prints p50 and the slowest run in ms, the queries one request makes, and the
worst case over all of them: the bound a page with any parameters answers within.
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from province import DB_NAME, setup_django


def cases(place: str, first: str, last: str) -> list[str]:
    longest = f"from={first}&to={last}"
    return [
        "/reports/",
        f"/reports/?{longest}",
        f"/reports/?from={last}&to={first}",
        f"/reports/?place={place}&{longest}",
        f"/reports/?place={place}&{longest}&table=places&format=xlsx",
        f"/reports/?place={place}&{longest}&table=figures&format=xlsx",
        f"/reports/reported/?{longest}",
        f"/reports/reported/?place={place}&{longest}",
        f"/reports/reported/?place={place}&{longest}&format=docx",
        "/reports/?month=9999-12",
        "/reports/?from=0001-01&to=9999-12",
        "/reports/?place=%00",
        f"/visits/compliance/?place={place}&month={last}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", help="a folder for the database, kept after the run")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--user", default="county_admin")
    parser.add_argument("--most", default="24,60", help="values of reports.max_months to try")
    args = parser.parse_args()
    folder = args.keep or tempfile.mkdtemp(prefix="bangfu-hostile-")
    fresh = not (Path(folder) / DB_NAME).exists()
    setup_django(folder)

    import datetime

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from bangfu.accounts.models import User
    from bangfu.core import params
    from bangfu.core.services import policy_set

    if fresh:
        call_command("demo_data")
    user = User.objects.get(username=args.user)
    place = user.held_places()[0][0]
    first, last = (f"{month:%Y-%m}" for month in params.month_window())
    client = Client()
    client.force_login(user)
    client.raise_request_exception = False
    print(f"database {Path(folder) / DB_NAME}; {args.user} holds {place}")
    worst: tuple[float, str] = (0.0, "")
    values = [int(n) for n in args.most.split(",")]
    for i, most in enumerate(values):
        # Each value from a day later than the one before, so that it is the one in force.
        policy_set(
            actor=user,
            region_code=place,
            key="reports.max_months",
            value=most,
            valid_from=timezone.localdate() - datetime.timedelta(days=len(values) - i),
            note="bench/hostile_parameters.py",
        )
        print(f"\nreports.max_months = {most}: ms over {args.repeat} runs, p50 and slowest")
        print(f"{'status':>6} {'queries':>7} {'p50':>8} {'max':>8}  url")
        for url in cases(place, first, last):
            client.get(url)  # warm-up: the roll-ups catch up with any write first
            queries: list[str] = []
            # Counted at the driver: the test Client resets Django's own query log per request.
            with connection.execute_wrapper(
                lambda execute, sql, *rest, seen=queries: seen.append(sql) or execute(sql, *rest)
            ):
                response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                response = client.get(url)
                if response.streaming:
                    b"".join(response.streaming_content)
                times.append((time.perf_counter() - started) * 1000)
            p50, slowest = statistics.median(times), max(times)
            worst = max(worst, (slowest, f"{url} (max_months {most})"))
            shown = url if len(url) < 90 else url[:87] + "…"
            print(
                f"{response.status_code:>6} {len(queries):>7} {p50:>8.1f} {slowest:>8.1f}  {shown}"
            )
    print(f"\nworst case: {worst[0]:.0f} ms, {worst[1]}")


if __name__ == "__main__":
    main()
