"""Village collective income (村集体经济收入) against its targets: every village at least
``projects.collective_income_floor`` a year, and a share of them
(``projects.collective_income_good_share``) at least ``projects.collective_income_good``.
Each village's targets are the rules in force for it on the year's last day."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet, Sum

from bangfu.core.models import Code, Region
from bangfu.core.policies import policies_everywhere, policy_for
from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import top_places

from ..models import CollectiveIncome

FLOOR, GOOD, GOOD_SHARE = (
    "projects.collective_income_floor",
    "projects.collective_income_good",
    "projects.collective_income_good_share",
)


@dataclass(frozen=True)
class VillageIncome:
    """One village's year: its income by source (code value → yuan), the total (None when
    nothing is recorded) and its two targets."""

    village: Region
    by_source: dict[str, Decimal]
    total: Decimal | None
    floor: int
    good: int

    @property
    def below(self) -> bool:
        """Below the floor (a village with nothing recorded is counted below)."""
        return self.total is None or self.total < self.floor

    @property
    def reaches_good(self) -> bool:
        return self.total is not None and self.total >= self.good


@dataclass(frozen=True)
class Standing:
    year: int
    sources: list[Code]
    rows: list[VillageIncome]
    good_share: int  # the percentage of villages that should reach the good income
    below: list[VillageIncome] = field(default_factory=list)

    @property
    def villages(self) -> int:
        return len(self.rows)

    @property
    def reaching_floor(self) -> int:
        return sum(1 for row in self.rows if not row.below)

    @property
    def reaching_good(self) -> int:
        return sum(1 for row in self.rows if row.reaches_good)

    @property
    def share_good(self) -> Decimal | None:
        """The percentage of the villages reaching the good income, to one decimal."""
        if not self.rows:
            return None
        return (Decimal(100 * self.reaching_good) / len(self.rows)).quantize(Decimal("0.1"))

    @property
    def meets_good_share(self) -> bool:
        return bool(self.rows) and 100 * self.reaching_good >= self.good_share * len(self.rows)


def villages_under(user, within: Region | None) -> QuerySet[Region]:
    return (
        Region.objects.visible_to(user, within).filter(level=RegionLevel.VILLAGE).order_by("code")
    )


def incomes(user, *, within: Region | None, year: int) -> QuerySet[CollectiveIncome]:
    return (
        CollectiveIncome.objects.visible_to(user, within)
        .filter(year=year)
        .select_related("region", "source", "recorded_by")
        .order_by("region_id", "source__value")
    )


def collective_income_standing(user, *, within: Region | None, year: int) -> Standing:
    """Each village under a place (or all the user's) in ``year``: its income by source and
    total against its floor and good targets; the share of villages reaching the good income
    against the place's ``good_share`` rule; and the villages below the floor."""
    last_day = datetime.date(year, 12, 31)
    amounts: dict[str, dict[str, Decimal]] = {}
    for row in (
        CollectiveIncome.objects.visible_to(user, within)
        .filter(year=year)
        .values("region_id", "source__value")
        .annotate(amount=Sum("amount"))
    ):
        amounts.setdefault(row["region_id"], {})[row["source__value"]] = row["amount"]
    rules = policies_everywhere([FLOOR, GOOD])
    rows = []
    for village in villages_under(user, within):
        by_source = amounts.get(village.code, {})
        found = rules(village.code, last_day)
        rows.append(
            VillageIncome(
                village=village,
                by_source=by_source,
                total=sum(by_source.values(), Decimal(0)) if by_source else None,
                floor=found[FLOOR].value,
                good=found[GOOD].value,
            )
        )
    place = within or top_places(user).order_by("level", "code").first()
    share = policy_for(place.code, GOOD_SHARE, last_day) if place else 0
    return Standing(
        year=year,
        sources=list(Code.objects.filter(kind="collective_income_source").order_by("value")),
        rows=rows,
        good_share=share,
        below=[row for row in rows if row.below],
    )
