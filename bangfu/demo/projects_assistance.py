"""The demo district's assets, donations, consumption assistance and village collective
income, recorded through the services as the county, the township and the work team would:

- each accepted project registers one asset in its village (or the first village of its
  place), owned by the village collective and maintained by the village committee — a
  household's asset (到户类) for a project of 产业 when its village has a household;
- a few donations: an enterprise's cash to a village, a unit's goods to a household, a
  person's bursary to a student;
- one purchase agreement (the district's canteen buying a village's eggs) with three sales
  under it, and a sale of a household's kiwi fruit outside any agreement;
- every village's collective income of last year and this year, from two or three sources:
  about a quarter below the floor (50,000), some above the good income (100,000); the work
  team records its own village's.

Projects are read from the database (the library's demo makes them first)."""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from bangfu.core.models import Region
from bangfu.core.regions import RegionLevel, code_range
from bangfu.projects.models import Project, Stage
from bangfu.projects.services import (
    agreement_record,
    asset_register,
    collective_income_record,
    donation_record,
    sale_record,
)
from bangfu.registry.models import Household

TOWNSHIP, VILLAGE = "611103002000", "611103002201"  # township_staff's and the work team's
# kind of project → (asset kind, what it is, unit, quantity)
ASSETS = {
    "1": ("1", "村组道路", "公里", Decimal("2.4")),
    "2": ("2", "蔬菜大棚", "座", Decimal("12")),
    "3": ("2", "农产品冷库", "座", Decimal("1")),
    "6": ("1", "生态护林步道", "公里", Decimal("3")),
}


@dataclass(frozen=True)
class Filled:
    assets: int
    donations: int
    sales: int
    incomes: int


def _villages(actor) -> list[Region]:
    return list(Region.objects.visible_to(actor).filter(level=RegionLevel.VILLAGE).order_by("code"))


def _village_of(project: Project, villages: list[Region]) -> Region | None:
    """The project's village, or the first village of its township or county."""
    lo, hi = code_range(project.region_id, project.region.level)
    return next((v for v in villages if lo <= v.code < hi), None)


def _households(village: str) -> list[Household]:
    lo, hi = code_range(village, RegionLevel.VILLAGE)
    return list(
        Household.objects.filter(closed_on=None, region_id__gte=lo, region_id__lt=hi).order_by(
            "pk"
        )[:3]
    )


def _assets(actor, today: datetime.date, villages: list[Region]) -> int:
    made = 0
    for project in (
        Project.objects.filter(stage=Stage.ACCEPTED).select_related("region", "kind").order_by("pk")
    ):
        village = _village_of(project, villages)
        if village is None:
            continue
        kind, name, unit, quantity = ASSETS.get(project.kind.value, ("1", "公共服务设施", "处", 1))
        owners = _households(village.code) if project.kind.value == "2" else []
        asset_register(
            actor=actor,
            project_id=project.pk,
            village_code=village.code,
            kind="3" if owners else kind,
            name=f"{village.name}{name}",
            quantity=quantity,
            unit=unit,
            value=Decimal(120000 + 10000 * (project.pk % 30)),
            owner="household" if owners else "collective",
            owner_household_id=owners[0].pk if owners else None,
            maintainer=f"{village.name}村民委员会" if not owners else "受益农户",
            registered_on=min(today, project.stage_on + datetime.timedelta(days=10)),
        )
        made += 1
    return made


def _donations(actor, today: datetime.date) -> int:
    home = next(iter(_households(VILLAGE)), None)
    day = today - datetime.timedelta(days=40)
    given = [
        {
            "donor_kind": "enterprise",
            "donor": "陕西秦丰农业有限公司",
            "cash": "50000",
            "goods": "",
            "goods_value": "0",
            "recipient_kind": "village",
            "region_code": VILLAGE,
        },
        {
            "donor_kind": "person",
            "donor": "在外乡贤马先生",
            "cash": "3000",
            "goods": "",
            "goods_value": "0",
            "recipient_kind": "student",
            "region_code": TOWNSHIP,
            "recipient": "钓台中学 马同学",
        },
    ]
    if home is not None:
        given.append(
            {
                "donor_kind": "unit",
                "donor": "区农业农村局",
                "cash": "0",
                "goods": "大米10袋、食用油5桶",
                "goods_value": "850",
                "recipient_kind": "household",
                "household_id": home.pk,
            },
        )
    for n, donation in enumerate(given):
        donation_record(actor=actor, day=day + datetime.timedelta(days=7 * n), **donation)
    return len(given)


def _sales(actor, today: datetime.date) -> int:
    signed = min(today, datetime.date(today.year, 1, 5))
    agreement = agreement_record(
        actor=actor,
        buyer_kind="unit",
        buyer="沣西新城机关食堂",
        products="土鸡蛋、时令蔬菜",
        signed_on=signed,
        valid_until=datetime.date(today.year, 12, 31),
        amount="60000",
        region_code=VILLAGE,
    )
    for n, (quantity, amount) in enumerate([("800", "6400"), ("1200", "9600"), ("500", "4000")]):
        sale_record(
            actor=actor,
            agreement_id=agreement.pk,
            buyer_kind="unit",
            buyer="沣西新城机关食堂",
            product="土鸡蛋",
            quantity=quantity,
            unit="斤",
            amount=amount,
            day=min(today, signed + datetime.timedelta(days=60 * (n + 1))),
        )
    home = next(iter(_households(VILLAGE)), None)
    if home is None:
        return 3
    sale_record(
        actor=actor,
        household_id=home.pk,
        buyer_kind="enterprise",
        buyer="西安某超市",
        product="猕猴桃",
        quantity="600",
        unit="斤",
        amount="3600",
        day=today - datetime.timedelta(days=20),
    )
    return 4


def _incomes(actor, work_team, today: datetime.date, villages: list[Region], seed: int) -> int:
    rng = random.Random(seed + 18)
    made = 0
    for year in (today.year - 1, today.year):
        for village in villages:
            # a quarter below the floor, most between, a few strong
            total = rng.choice([30000, 42000, 60000, 75000, 88000, 95000, 110000, 150000])
            shares = {"1": Decimal("0.5"), "2": Decimal("0.3"), "3": Decimal("0.2")}
            for source, share in shares.items():
                collective_income_record(
                    actor=work_team if village.code == VILLAGE else actor,
                    village_code=village.code,
                    year=year,
                    source=source,
                    amount=(total * share).quantize(Decimal("1")),
                )
                made += 1
    return made


def fill(*, actor, today: datetime.date, seed: int, township_login, work_team_login) -> Filled:
    """Part D's demo: assets, donations, consumption assistance and collective income."""
    villages = _villages(actor)
    return Filled(
        assets=_assets(actor, today, villages),
        donations=_donations(township_login, today),
        sales=_sales(township_login, today),
        incomes=_incomes(actor, work_team_login, today, villages, seed),
    )
