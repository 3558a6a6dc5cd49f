"""A deterministic demo district's households, written through the registry's services.

Modelled on seed 000: of 370 registered households in 沣西新城 about 203 are poor through
illness or disability (因病因残). Families are plausible (ages, relations, schooling), ID
numbers are valid and agree with each member's birth date and sex, most households exited
poverty by 2020, and since 2021 some are monitored (脱贫不稳定户, 边缘易致贫户) and some of
those have had their risk cleared. People are invented.
"""

import datetime
import random
from dataclasses import dataclass

from stdnum.cn.ric import calc_check_digit

from bangfu.registry.services import (
    HouseholdInput,
    MemberInput,
    StatusInput,
    household_register,
    household_status_change,
)

SEED_HOUSEHOLDS, SEED_ILL_OR_DISABLED = 370, 203
SURNAMES = (
    "王李张刘陈杨赵黄周吴马郭何高罗梁宋郑谢韩唐冯董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜"
)
GIVEN = "建国军华明秀英丽芳强伟军平红梅兰桂花志刚海燕玉珍春生德福文杰子涵浩宇欣怡雨轩佳琪晓东"
OTHER_CAUSES = ["3", "4", "7", "8", "9", "11"]  # 因学 因灾 缺技术 缺劳动力 缺资金 动力不足


@dataclass
class Person:
    name: str
    born: datetime.date
    male: bool
    relation: str


class DistrictMaker:
    def __init__(self, seed: int, today: datetime.date):
        self.rng = random.Random(seed)
        self.today = today
        self.used_ids: set[str] = set()

    def id_number(self, person: Person) -> str:
        while True:
            serial = self.rng.randrange(0, 500) * 2 + (1 if person.male else 0)
            body = f"611103{person.born:%Y%m%d}{serial:03d}"
            value = body + calc_check_digit(body + "?")
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def born(self, age_from: int, age_to: int) -> datetime.date:
        """A birthday that makes the person ``age_from`` to ``age_to`` years old on the
        maker's day, and never after it (an ID number born tomorrow is refused)."""
        days = self.rng.randint(age_from * 365, age_to * 365 + 364)
        return self.today - datetime.timedelta(days=days)

    def name(self, surname: str) -> str:
        return surname + "".join(self.rng.sample(GIVEN, self.rng.choice([1, 2])))

    def family(self) -> list[Person]:
        surname = self.rng.choice(SURNAMES)
        head = Person(self.name(surname), self.born(32, 82), self.rng.random() < 0.85, "01")
        people = [head]
        head_age = self.today.year - head.born.year
        if head_age < 78 and self.rng.random() < 0.8:
            spouse_surname = self.rng.choice(SURNAMES)
            people.append(
                Person(self.name(spouse_surname), self.born(head_age - 4, head_age + 2),
                       not head.male, "02")
            )  # fmt: skip
        for _ in range(self.rng.choice([0, 1, 1, 2, 2, 3]) if head_age < 70 else 0):
            male = self.rng.random() < 0.5
            child_age = (max(0, head_age - 40), max(1, head_age - 20))
            people.append(
                Person(self.name(surname), self.born(*child_age), male, "03" if male else "04")
            )
        if head_age < 55 and self.rng.random() < 0.3:
            mother = self.name(self.rng.choice(SURNAMES))  # she keeps her own surname
            people.append(Person(mother, self.born(head_age + 22, head_age + 32), False, "10"))
        return people

    def member(self, person: Person, main_cause: str, is_sick: bool) -> MemberInput:
        age = self.today.year - person.born.year
        health, disability = "1", ""
        if is_sick and main_cause == "1":
            health = self.rng.choice(["2", "3"])
        elif is_sick and main_cause == "2":
            health, disability = "4", self.rng.choice(["一级", "二级", "三级", "四级"])
        elif age > 65 and self.rng.random() < 0.4:
            health = "2"
        if age < 16:
            labour = "5"
        elif health != "1" or age > 70:
            labour = self.rng.choice(["3", "4"])
        else:
            labour = self.rng.choice(["1", "1", "2"])
        schooling = next((code for limit, code in SCHOOL_AGES if age <= limit), "0")
        return MemberInput(
            name=person.name,
            id_number=self.id_number(person),
            relation=person.relation,
            ethnicity="01" if self.rng.random() < 0.97 else "03",
            health=health,
            labour=labour,
            schooling=schooling if age >= 3 else "",
            education="" if age < 7 else self.rng.choice(["1", "2", "3", "3", "4"]),
            disability=disability,
            dibao=self.rng.random() < 0.25,
            pension_insurance=age >= 16 and self.rng.random() < 0.8,
        )


SCHOOL_AGES = [(2, "0"), (5, "1"), (11, "2"), (14, "3"), (17, "4"), (21, "7")]


def make_households(*, actor, villages: list[str], count: int, seed: int) -> int:
    """Register ``count`` households across ``villages``; returns how many were made."""
    maker = DistrictMaker(seed, today=datetime.date(2026, 6, 30))
    rng = maker.rng
    ill_or_disabled = round(count * SEED_ILL_OR_DISABLED / SEED_HOUSEHOLDS)
    causes = ["1" if i % 5 < 3 else "2" for i in range(ill_or_disabled)]
    causes += [rng.choice(OTHER_CAUSES) for _ in range(count - ill_or_disabled)]
    rng.shuffle(causes)
    serials: dict[str, int] = {}
    for index, main_cause in enumerate(causes):
        village = villages[index % len(villages)]
        serials[village] = serials.get(village, 0) + 1
        edge = index % 20 == 19  # 边缘易致贫户: never registered poor, monitored since 2021
        people = maker.family()
        sick = rng.randrange(len(people))
        members = [
            maker.member(person, main_cause, is_sick=(position == sick))
            for position, person in enumerate(people)
        ]
        identified = rng.choice([2014, 2015, 2016]) if not edge else rng.choice([2021, 2022, 2023])
        first = (
            StatusInput(
                "monitored",
                datetime.date(identified, rng.randint(3, 11), 1),
                "农户自主申报，经入户核实、村级评议公示和乡镇审核，县级确定为监测对象",
                monitoring_type="2",
                risk_types=[{"1": "1", "2": "3"}.get(main_cause, "7")],
            )
            if edge
            else StatusInput("not_out", datetime.date(identified, 5, 1), "精准识别建档立卡")
        )
        household = household_register(
            actor=actor,
            household=HouseholdInput(
                number=f"{village}{serials[village]:04d}",
                region_code=village,
                attribute=rng.choice(["1", "1", "1", "2", "3"]),
                standard="1",
                main_cause=main_cause,
                other_causes=rng.sample(OTHER_CAUSES, rng.choice([0, 1, 2])),
                year_identified=identified,
                address=f"{serials[village]}号",
                land_area_mu=rng.choice([0, 1, 1.5, 2, 2.5, 3, 4]),
                housing_area=rng.choice([60, 80, 96, 110, 120, 140]),
                housing_structure=rng.choice(["砖混", "砖木", "框架"]),
                toilet=rng.choice(["sanitary", "sanitary", "dry"]),
            ),
            members=members,
            status=first,
        )
        history(actor, household, edge, rng)
    return count


def history(actor, household, edge: bool, rng: random.Random) -> None:
    """Exit by 2020; since 2021 some fall back under monitoring and some are cleared again."""
    steps = []
    if not edge:
        steps.append(
            StatusInput(
                "out_with_policy",
                datetime.date(rng.choice([2016, 2017, 2018, 2019, 2020]), 12, 1),
                "两不愁三保障和饮水安全有保障，人均纯收入稳定超过当年标准，经验收脱贫",
            )
        )
        if rng.random() < 0.1:
            steps.append(
                StatusInput(
                    "monitored",
                    datetime.date(rng.choice([2021, 2022, 2023]), rng.randint(1, 12), 1),
                    "家庭成员患大病，医疗支出大，收入低于监测线",
                    monitoring_type="1",
                    risk_types=["1"],
                )
            )
    if (edge or len(steps) == 2) and rng.random() < 0.5:
        steps.append(
            StatusInput(
                "risk_cleared",
                datetime.date(2025, rng.randint(1, 6), 1),
                "收入持续稳定超过监测线半年以上，刚性支出问题已解决，风险消除",
            )
        )
    for step in steps:
        household_status_change(actor=actor, household_id=household.pk, change=step)
