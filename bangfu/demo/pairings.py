"""The demo district's helpers and pairings, written through the pairing services.

Units of the new-town district and a few enterprises (seed 000: firms paired with
households) send helpers; every household that needs a helper gets a main one, some a
second, and a few are left without, so that the coverage page has something to show.
People are invented; unit names are of the kinds the district has.
"""

import datetime
import math
import random

from stdnum.cn import uscc

from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import places_down_to
from bangfu.pairing.selectors import unpaired_households
from bangfu.pairing.services import (
    helper_create,
    pairing_start,
    responsibility_set,
    unit_create,
)

from .households import SURNAMES, DistrictMaker

COUNTY = "611103000000"
UNITS = [
    ("沣西新城管委会党政办公室", "government", "county"),
    ("沣西新城农林水务局", "government", "county"),
    ("沣西新城教育卫体局", "government", "county"),
    ("沣西新城财政局", "government", "county"),
    ("沣西新城人民医院", "hospital", "county"),
    ("马王街道办事处", "government", "township"),
    ("钓台街道办事处", "government", "township"),
]
ENTERPRISES = ["陕西沣西新城建设发展有限公司", "西咸新区沣西农业科技有限公司"]
POSITIONS = ["科员", "副科长", "科长", "干部", "医生", "教师"]
LOAD = 4  # households a helper holds on average: under the default cap of 5
UNPAIRED_SHARE = 0.05  # households left without a helper for the coverage page


def _credit_code(rng: random.Random) -> str:
    body = "91" + f"6111{rng.randrange(10**2):02d}" + f"MA{rng.randrange(10**7):07d}"
    return body + uscc.calc_check_digit(body)


def make_pairings(*, actor, seed: int, today: datetime.date, helper_login) -> int:
    """Units, helpers and pairings for the demo; returns how many households were paired.
    ``helper_login``'s account is a helper of the village it holds, with households of its
    own there ("my households" on a phone)."""
    rng = random.Random(seed + 1)
    maker = DistrictMaker(seed + 1, today)
    households = list(unpaired_households(actor))
    rng.shuffle(households)
    paired = households[round(len(households) * UNPAIRED_SHARE) :]
    # Enough helpers that mains and second helpers together stay under the cap.
    per_unit = max(1, math.ceil(len(paired) * 8 / 7 / LOAD / len(UNITS)))
    helpers = []
    for name, kind, level in UNITS:
        place = (
            COUNTY if level == "county" else {"马": "611103001000", "钓": "611103002000"}[name[0]]
        )
        unit = unit_create(actor=actor, name=name, kind=kind, level=level, region_code=place)
        for _ in range(per_unit):
            helpers.append(
                helper_create(
                    actor=actor,
                    name=maker.name(rng.choice(SURNAMES)),
                    unit_id=unit.pk,
                    phone=f"139{rng.randrange(10**8):08d}",
                    position=rng.choice(POSITIONS),
                    party_member=rng.random() < 0.7,
                )
            )
    firms = [
        unit_create(
            actor=actor,
            name=name,
            kind="state_enterprise" if "建设" in name else "private_enterprise",
            level="county",
            region_code=COUNTY,
            credit_code=_credit_code(rng),
        )
        for name in ENTERPRISES
    ]
    started = datetime.date(2021, 3, 1)
    own_village = helper_login.places.first().code
    own = helper_create(
        actor=actor,
        name=helper_login.full_name,
        unit_id=next(h.unit for h in helpers if h.unit.name == _township_of(own_village)).pk,
        phone=f"139{rng.randrange(10**8):08d}",
        position="驻村工作队员",
        party_member=True,
        user_id=helper_login.pk,
    )
    # The signed-in helper's own households, from their village ("my households").
    own_households = [h for h in paired if h.region_id.startswith(own_village)][: LOAD - 1]
    for household in own_households:
        pairing_start(
            actor=actor,
            household_id=household.pk,
            helper_id=own.pk,
            is_main=True,
            started_on=datetime.date(2021, 3, 1),
        )
    taken = {h.pk for h in own_households}
    load = dict.fromkeys(helpers, 0)

    def least_loaded(besides=None):  # the helper with fewest households, as offices share them
        helper = min((h for h in helpers if h is not besides), key=load.__getitem__)
        load[helper] += 1
        return helper

    rest = [h for h in paired if h.pk not in taken]
    for index, household in enumerate(rest):
        main = least_loaded()
        pairing_start(
            actor=actor,
            household_id=household.pk,
            helper_id=main.pk,
            is_main=True,
            started_on=started,
        )
        if index % 7 == 0:  # 几帮一: a second helper
            second = least_loaded(besides=main)
            pairing_start(
                actor=actor, household_id=household.pk, helper_id=second.pk, started_on=started
            )
        if index < len(firms):  # 企业结对: the firm itself
            pairing_start(
                actor=actor,
                household_id=household.pk,
                unit_id=firms[index].pk,
                started_on=started,
            )
    _chains(actor, rng, maker, units=[name for name, _kind, level in UNITS if level == "county"])
    return len(paired)


def _township_of(village: str) -> str:
    return "马王街道办事处" if village.startswith("611103001") else "钓台街道办事处"


def _chains(actor, rng: random.Random, maker: DistrictMaker, units: list[str]) -> None:
    """Each village's chain of responsibility (7+1), as seed 001 describes it."""
    for code, name, level in places_down_to(actor, RegionLevel.VILLAGE):
        if level != RegionLevel.VILLAGE:
            continue
        township = _township_of(code)
        people = {
            "包村单位": rng.choice(units),
            "乡镇包抓单位": township,
            "包片领导": maker.name(rng.choice(SURNAMES)),
            "包村领导": maker.name(rng.choice(SURNAMES)),
            "村民小组长": f"{name}各组组长",
            "组内党员": f"{name}各组党员",
        }
        for chain_level, person in people.items():
            responsibility_set(
                actor=actor,
                region_code=code,
                level=chain_level,
                person=person,
                phone=f"139{rng.randrange(10**8):08d}" if "领导" in chain_level else "",
            )
