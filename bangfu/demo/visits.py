"""The demo district's visits, logged through the visit services as helpers would have.

The district visits every Thursday (seed 000) and asks for four home visits a month. Last
month and this month up to today are filled: most households are visited on the fixed days,
some miss one or two (so the overdue list has names), a few visits are phone calls, some
find problems (half of them solved since), give goods or money, or find someone a job, and
a few were typed in days later or saved without the phone's position (so the inspectors'
flags page has something to show). The demo's households have no recorded position, so a
visit's position is only checked for being there at all and against the helper's others:
each helper's phone is placed within about 50 m of one spot of the district.
"""

import datetime
import random
import uuid
from decimal import Decimal

from django.utils import timezone

from bangfu.core.services import policy_set
from bangfu.pairing.models import Pairing
from bangfu.visits import selectors, services
from bangfu.visits.rollups import month_of
from bangfu.visits.schedule import month_schedule

COUNTY = "611103000000"
# Problems found on visits, each with how it was solved.
PROBLEMS = {
    "屋顶漏雨需维修": "协调危房改造资金维修",
    "孩子上学交通不便": "联系校车接送",
    "慢性病药费负担重": "纳入慢病门诊报销",
    "缺少种植技术": "请农技员上门指导",
    "自来水压力不足": "协调水务站检修",
    "想外出务工缺门路": "推荐到园区企业就业",
}
NOTES = [
    "了解家庭收入和生产情况",
    "宣讲防返贫监测政策",
    "帮助打扫院落",
    "送米面油",
    "测量血压，叮嘱按时服药",
    "联系合作社收购农产品",
]


def make_visits(*, actor, seed: int, today: datetime.date) -> int:
    """Visits for the last month and this one; returns how many were logged."""
    rng = random.Random(seed + 2)
    policy_set(
        actor=actor,
        region_code=COUNTY,
        key="visits.fixed_days",
        value="每周四",
        valid_from=datetime.date(2021, 1, 1),
        note="沣西新城“每周四帮扶日”",
    )
    first = month_of(month_of(today) - datetime.timedelta(days=1))
    pairings = (
        Pairing.objects.filter(ended_on=None, is_main=True, helper__isnull=False)
        .select_related("helper__user", "household")
        .order_by("pk")
    )
    services_list = [code.value for code in selectors.visit_services()]
    # Positions come from their own generator, so that the rest of the demo stays as it was.
    phones = random.Random(seed + 5)
    spots: dict[int, tuple[float, float]] = {}
    logged = 0
    for pairing in pairings:
        household, helper = pairing.household, pairing.helper
        if helper.pk not in spots:
            spots[helper.pk] = (34.20 + phones.random() * 0.1, 108.65 + phones.random() * 0.1)
        spot = spots[helper.pk]
        actor_for = helper.user or actor  # staff enter the paper records of helpers without a login
        skip = rng.choices([0, 1, 2], weights=[7, 2, 1])[0]
        for month in (first, month_of(today)):
            days = [d for d in month_schedule(household.region_id, month).fixed.dates if d <= today]
            for day in rng.sample(days, max(0, len(days) - skip)):
                where = _position(phones, spot)
                visit = _log(rng, actor_for, helper.pk, household.pk, day, services_list, where)
                logged += 1
                found = visit.problems.first()
                solved_on = day + datetime.timedelta(days=rng.randint(1, 3))
                if found is not None and rng.random() < 0.5 and solved_on <= today:
                    services.problem_solve(
                        actor=actor_for,
                        problem_id=found.pk,
                        solved_on=solved_on,
                        solution=PROBLEMS[found.description],
                    )
    return logged


def _position(phones: random.Random, spot: tuple[float, float]) -> tuple[Decimal, Decimal] | None:
    """Where the phone was: near the helper's spot, or (one visit in fifty) nowhere known."""
    if phones.random() < 0.02:
        return None
    latitude, longitude = (value + (phones.random() - 0.5) * 0.001 for value in spot)
    return Decimal(f"{latitude:.6f}"), Decimal(f"{longitude:.6f}")


def _log(
    rng: random.Random,
    actor,
    helper_id: int,
    household_id: int,
    day,
    kinds: list[str],
    where: tuple[Decimal, Decimal] | None,
):
    visited = timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(rng.randrange(8, 17), rng.randrange(60)))
    )
    # Most helpers log on the spot; a few type the visit in days later.
    delay = datetime.timedelta(days=5 if rng.random() < 0.02 else 0, minutes=rng.randrange(90))
    visit, _created = services.visit_record(
        actor=actor,
        client_id=uuid.UUID(int=rng.getrandbits(128), version=4),
        helper_id=helper_id,
        recorded_at=min(visited + delay, timezone.now()),
        data=services.VisitInput(
            household_id=household_id,
            visited_at=visited,
            kind="phone" if rng.random() < 0.1 else "home",
            services=rng.sample(kinds[:10], rng.randint(1, 3)),
            notes=rng.choice(NOTES),
            goods_value=Decimal(rng.choice([0, 0, 0, 100, 150, 200])),
            money_value=Decimal(rng.choice([0, 0, 0, 0, 500])),
            jobs_found=1 if rng.random() < 0.03 else 0,
            problems=[rng.choice(list(PROBLEMS))] if rng.random() < 0.12 else [],
            latitude=where[0] if where else None,
            longitude=where[1] if where else None,
            accuracy_m=15 if where else None,
        ),
    )
    return visit
