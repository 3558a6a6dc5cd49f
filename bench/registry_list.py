"""Registry list at province scale: 1,000,000 households on SQLite, first and deep pages.

    .venv/bin/python bench/registry_list.py [--households 1000000] [--keep DIR]

Builds a province-shaped place tree and N households (each with a head whose ID number is
sealed and hashed as the services do) in a fresh SQLite database, then times the household
list page through Django's full request path (middleware, scoping, view, template) for the
common filters, as a province administrator and as a township user. Data is generated with
bulk inserts; what is timed is the real path. Target: each page under 200 ms.
"""

import argparse
import random
import statistics
import tempfile
import time

from province import build_places, setup_django


def build(households: int, rng: random.Random) -> None:
    from django.db import connection, transaction
    from stdnum.cn.ric import calc_check_digit

    from bangfu.accounts.models import RoleGrant, User
    from bangfu.core.models import Code
    from bangfu.core.protection import lookup_hash, seal
    from bangfu.registry.models import Household, Member

    villages = build_places()
    codes = {(c.kind, c.value): c.pk for c in Code.objects.all()}
    causes = [codes[("poverty_cause", v)] for v in ("1", "1", "1", "2", "2", "3", "7", "8", "9")]
    statuses = ["out_with_policy"] * 8 + ["monitored", "risk_cleared"]
    surnames, given = (
        "王李张刘陈杨赵黄周吴马郭何高罗梁",
        "建国军华明秀英丽芳强伟平红梅兰桂花志刚海燕玉珍春生德福",
    )
    started = time.perf_counter()
    batch = 20_000
    for start in range(0, households, batch):
        rows, heads = [], []
        for i in range(start, min(start + batch, households)):
            village = villages[i % len(villages)]
            rows.append(
                Household(
                    number=f"{village}{i // len(villages) + 1:04d}",
                    region_id=village,
                    attribute_id=codes[("household_attribute", "1")],
                    standard_id=codes[("identification_standard", "1")],
                    main_cause_id=causes[i % len(causes)],
                    year_identified=2014 + i % 3,
                    status=statuses[i % len(statuses)],
                )
            )
        with transaction.atomic():
            Household.objects.bulk_create(rows, batch_size=2000)
            for household in Household.objects.filter(number__in=[r.number for r in rows]).only(
                "pk", "number"
            ):
                body = f"{household.number[:6]}19{rng.randint(40, 99)}0{rng.randint(1, 9)}"
                body += f"{rng.randint(10, 28)}{household.pk % 1000:03d}"
                value = body + calc_check_digit(body + "?")
                name = rng.choice(surnames) + "".join(rng.sample(given, 2))
                heads.append(
                    Member(
                        household_id=household.pk,
                        name=name,
                        sex="1",
                        birth_date=f"19{body[8:10]}-{body[10:12]}-{body[12:14]}",
                        id_number_sealed=seal(value),
                        id_number_hash=lookup_hash(value),
                        relation_id=codes[("relation", "01")],
                        is_head=True,
                        ethnicity_id=codes[("ethnicity", "01")],
                        health_id=codes[("health", "1")],
                        labour_id=codes[("labour", "1")],
                    )
                )
            Member.objects.bulk_create(heads, batch_size=2000, ignore_conflicts=True)
        print(f"  {min(start + batch, households):>9,} households", end="\r", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  {households:,} households built in {time.perf_counter() - started:.0f}s")
    province = User.objects.create_user("province", full_name="省级", password="x")
    province.places.set(["610000000000"])
    township_user = User.objects.create_user("township", full_name="镇级", password="x")
    township_user.places.set([villages[0][:9] + "000"])
    for user in (province, township_user):
        RoleGrant.objects.create(user=user, role="county_admin")


def sample_values() -> dict:
    """What the searches look for, read from the data: the last household's head, place."""
    from bangfu.core.protection import unseal
    from bangfu.registry.models import Member

    head = Member.objects.select_related("household").order_by("-pk").first()
    return {
        "name": head.name[1:],
        "id_number": unseal(head.id_number_sealed),
        "township": head.household.region_id[:9] + "000",
        "county": head.household.region_id[:6] + "000000",
    }


def time_page(client, url: str, repeat: int = 5) -> float:
    client.get(url)  # warm the connection and caches once
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument(
        "--keep", help="build in this folder and keep it; a folder already built is reused"
    )
    args = parser.parse_args()
    var_dir = args.keep or tempfile.mkdtemp(prefix="bangfu-bench-")
    setup_django(var_dir)
    from django.test import Client

    from bangfu.accounts.models import User
    from bangfu.registry.models import Household

    if Household.objects.exists():
        print(f"reusing the households already in {var_dir}")
    else:
        print(f"building {args.households:,} households in {var_dir} …")
        build(args.households, random.Random(1))
    sample = sample_values()
    own_township = User.objects.get(username="township").places.get().code
    total = Household.objects.count()
    deep = total // 50 // 2  # a page half-way through the whole list
    cases = [
        ("all, first page", ""),
        ("all, deep page", f"?page={deep}"),
        # A place filter is one of the reader's own places (another answers 400): a county
        # for the province, the township user's own township for them.
        ("county / own township", "?region_code={place}"),
        ("the same, last page", "?region_code={place}&page=last"),
        ("status monitored", "?status=monitored"),
        ("status monitored, deep", f"?status=monitored&page={deep // 10}"),
        ("main cause 因病", "?main_cause=1"),
        ("name contains", f"?name={sample['name']}"),
        ("ID number exact", f"?id_number={sample['id_number']}"),
        ("number prefix", f"?number={sample['township']}"),
        ("sorted by number", "?sort=number"),
    ]
    print(f"\n{total:,} households; median of 5 requests through the full view, in ms")
    print(f"{'case':<28}{'province':>10}{'township':>10}")
    worst = 0.0
    for label, query in cases:
        row = [label]
        for username, place in (("province", sample["county"]), ("township", own_township)):
            client = Client()
            client.force_login(User.objects.get(username=username))
            ms = time_page(client, "/households/" + query.replace("{place}", place))
            worst = max(worst, ms)
            row.append(f"{ms:.0f}")
        print(f"{row[0]:<28}{row[1]:>10}{row[2]:>10}")
    verdict = "meets" if worst < 200 else "MISSES"
    print(f"\nworst {worst:.0f} ms: {verdict} the 200 ms target")


if __name__ == "__main__":
    main()
