"""A small world whose November 2026 scores are counted by hand (the numbers in
``test_scores_computation``): two units, three helpers, eight households, a team with known
days, findings closed on time and late, surveyed households.

Every household needs a helper (not out of poverty); the county asks for 2 home visits a
household a month. Households, by village:

- 马家寨村 (钓台街道): H1, H2, H3 paired with 王一 (unit 农业局), H4 with 王二 (农业局),
  H5 with nobody;
- 石桥村 (马王街道): H6 with 王二, H7 and H8 with 李三 (unit 水务局).

Home visits in November: H1 2, H2 1, H3 3, H4 0, H6 2, H7 2, H8 0 (H2 also had a phone call).
The team of 马家寨村 has two members: 甲 in the village 20 days, 乙 5 days. Findings due in
November: 农业局's due the 10th closed the 9th (on time, 马家寨村, naming 王一), due the 20th
closed the 25th (late, 马家寨村), due the 15th still open (late, 石桥村); the team's due the
12th closed the 12th. Satisfaction answered: H1 5, H2 3, H7 4. 马家寨村's self-check report
of November is submitted the 27th, before its day due (the 30th).
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from bangfu.checks.services import self_check_report_submit
from bangfu.core.models import Code
from bangfu.core.services import policy_set
from bangfu.pairing import services as pairing
from bangfu.registry.services import household_register
from bangfu.supervision.models import (
    Answer,
    AnswerKind,
    Finding,
    FindingSource,
    FindingState,
    Purpose,
    Question,
    Questionnaire,
    Survey,
)
from bangfu.teams.services import member_add, register_keep, team_create
from tests.factories import UserFactory
from tests.registry.conftest import first_status, household_input, id_number, member_input
from tests.teams.conftest import member_input as team_member_input
from tests.teams.conftest import team_input
from tests.visits.conftest import at, log

MAJIAZHAI, SHIQIAO = "611103002201", "611103001201"
DIAOTAI, MAWANG = "611103002000", "611103001000"
COUNTY = "611103000000"
MONTH = datetime.date(2026, 11, 1)
HOME_VISITS = {1: 2, 2: 1, 3: 3, 4: 0, 6: 2, 7: 2, 8: 0}


@dataclass
class World:
    units: dict[str, object] = field(default_factory=dict)
    helpers: dict[str, object] = field(default_factory=dict)
    households: dict[int, object] = field(default_factory=dict)
    team: object = None
    members: dict[str, object] = field(default_factory=dict)


def day(n: int) -> datetime.date:
    return datetime.date(2026, 11, n)


def household(actor, serial: int, village: str):
    return household_register(
        actor=actor,
        household=household_input(number=f"{village}{serial:04d}", region_code=village),
        members=[
            member_input(name=f"户主{serial}", id_number=id_number("19700101", f"2{serial:02d}"))
        ],
        status=first_status(),
    )


def build(actor, on_day) -> World:
    """The world, by ``actor`` (the county's admin); today is 2026-11-30 (``on_day``, the
    teams' fixture, freezes it; the report is submitted on the 27th)."""
    world = World()
    policy_set(
        actor=actor,
        region_code=COUNTY,
        key="visits.min_per_month",
        value=2,
        valid_from=datetime.date(2026, 1, 1),
    )
    for key, name in (("farm", "沣西新城农业局"), ("water", "沣西新城水务局")):
        world.units[key] = pairing.unit_create(
            actor=actor, name=name, kind="government", level="county", region_code=COUNTY
        )
    for key, name, unit in (
        ("one", "王一", "farm"),
        ("two", "王二", "farm"),
        ("three", "李三", "water"),
    ):
        world.helpers[key] = pairing.helper_create(
            actor=actor, name=name, unit_id=world.units[unit].pk
        )
    paired = {1: "one", 2: "one", 3: "one", 4: "two", 5: None, 6: "two", 7: "three", 8: "three"}
    for serial, helper in paired.items():
        made = household(actor, serial, MAJIAZHAI if serial <= 5 else SHIQIAO)
        world.households[serial] = made
        if helper:
            pairing.pairing_start(
                actor=actor,
                household_id=made.pk,
                helper_id=world.helpers[helper].pk,
                is_main=True,
                started_on=datetime.date(2026, 1, 1),
            )
    for serial, visits in HOME_VISITS.items():
        helper = world.helpers[paired[serial]].pk
        for n in range(visits):
            log(actor, world.households[serial], at(day(3 + n)), kind="home", helper_id=helper)
    log(actor, world.households[2], at(day(20)), kind="phone", helper_id=world.helpers["one"].pk)
    unit = world.units["farm"]
    world.team = team_create(actor=actor, team=team_input(unit))
    for key, name, serial, days in (("jia", "甲队员", "301", 20), ("yi", "乙队员", "302", 5)):
        member = member_add(
            actor=actor, team_id=world.team.pk, member=team_member_input(unit, name, serial)
        )
        world.members[key] = member
        for n in range(1, days + 1):
            register_keep(
                actor=actor, member_id=member.pk, day=day(n), status="in_village", reason="在村"
            )
    findings(actor, world)
    surveys(actor, world)
    reporter = UserFactory(
        username="scores_reporter", full_name="马村干", places=[MAJIAZHAI], roles=["work_team"]
    )
    on_day(day(27))
    self_check_report_submit(actor=reporter, region_code=MAJIAZHAI, month=MONTH, note="已核对")
    on_day(day(30))
    return world


def finding(actor, *, region, deadline, closed_on=None, **subject) -> Finding:
    return Finding.objects.create(
        region_id=region,
        category_id=_category(),
        source=FindingSource.INSPECTION,
        description="走访记录不实",
        found_on=day(1),
        deadline=deadline,
        days_counted="calendar",
        state=FindingState.CLOSED if closed_on else FindingState.ASSIGNED,
        closed_on=closed_on,
        recorded_at=timezone.now(),
        recorded_by=actor,
        **subject,
    )


def _category() -> int:
    return Code.objects.filter(kind="finding_category").values_list("pk", flat=True)[0]


def findings(actor, world: World) -> None:
    farm = world.units["farm"]
    finding(
        actor,
        region=MAJIAZHAI,
        deadline=day(10),
        closed_on=day(9),
        unit=farm,
        helper=world.helpers["one"],
    )
    finding(actor, region=MAJIAZHAI, deadline=day(20), closed_on=day(25), unit=farm)
    finding(actor, region=SHIQIAO, deadline=day(15), unit=farm)
    finding(actor, region=MAJIAZHAI, deadline=day(12), closed_on=day(12), team=world.team)
    # Due in December: not counted in November.
    finding(actor, region=MAJIAZHAI, deadline=datetime.date(2026, 12, 5), unit=farm)


def surveys(actor, world: World) -> None:
    questionnaire = Questionnaire.objects.create(
        region_id=COUNTY, name="满意度调查", recorded_at=timezone.now(), recorded_by=actor
    )
    question = Question.objects.create(
        questionnaire=questionnaire,
        region_id=COUNTY,
        position=1,
        text="您对帮扶工作满意吗",
        kind=AnswerKind.SATISFACTION,
        purpose=Purpose.SATISFACTION,
    )
    for serial, value in ((1, 5), (2, 3), (7, 4)):
        surveyed = world.households[serial]
        survey = Survey.objects.create(
            household=surveyed,
            region_id=surveyed.region_id,
            questionnaire=questionnaire,
            method="phone",
            surveyed_on=day(18),
            recorded_at=timezone.now(),
            recorded_by=actor,
        )
        Answer.objects.create(
            survey=survey, question=question, region_id=surveyed.region_id, value=str(value)
        )


def log_home(actor, world: World, serial: int) -> None:
    """One more home visit to household ``serial`` in November (records changing)."""
    pairing_helper = world.households[serial].pairings.get(ended_on=None).helper_id
    log(actor, world.households[serial], at(day(25)), kind="home", helper_id=pairing_helper)


# ---------------------------------------------------------------------------------------------
# The route walk and the fuzz: county A's schemes and points


A_COUNTY, A_VILLAGE = COUNTY, MAJIAZHAI
SINCE = datetime.date(2014, 1, 1)
ITEMS_JSON = [
    {"name": "走访", "source": "visit_compliance", "weight": "30"},
    {"name": "督查评分", "source": "scored", "weight": "5"},
]
HYGIENE_JSON = [
    {"name": "庭院整洁", "source": "scored", "weight": "50"},
    {"name": "室内卫生", "source": "scored", "weight": "50"},
]
SCHEME_FORM = {
    "name": "入侵方案",
    "valid_from": "2026-12-01",
    "item_1_name": "走访",
    "item_1_source": "visit_compliance",
    "item_1_weight": "30",
}


def _inputs(rows: list[dict]) -> list:
    from bangfu.supervision.services import ItemInput

    return [ItemInput(**row) for row in rows]


def scores_world(county_admin, household) -> dict:
    """County A's units' scheme (with an inspector's item, scored for the household's
    helper's unit), its hygiene scheme and the household's hygiene of this month."""
    from bangfu.supervision import services

    month = timezone.localdate().replace(day=1)
    units = services.scheme_create(
        actor=county_admin,
        region_code=A_COUNTY,
        level="unit",
        name="沣西新城帮扶单位考评",
        valid_from=SINCE,
        items=_inputs(ITEMS_JSON),
    )
    hygiene = services.scheme_create(
        actor=county_admin,
        region_code=A_COUNTY,
        level="household",
        name="沣西新城卫生评比",
        valid_from=SINCE,
        items=_inputs(HYGIENE_JSON),
    )
    scored = units.items.get(source="scored")
    for unit_id in household.pairings.filter(ended_on=None).values_list(
        "helper__unit_id", flat=True
    )[:1]:
        services.item_score_set(
            actor=county_admin,
            item_id=scored.pk,
            month=month,
            subject=str(unit_id),
            points="4",
            reason="沣西新城台账齐全",
        )
    services.hygiene_score(
        actor=county_admin,
        household_id=household.pk,
        month=month,
        points={item.pk: "40" for item in hygiene.items.all()},
        reason="沣西新城入户检查",
    )
    return {"units_scheme": units, "hygiene_scheme": hygiene, "scored_item": scored}


def _a_scheme(world) -> dict:
    return {"scheme_id": world["hygiene_scheme"].pk}


NO_SCHEME = {"scheme_id": 10**9}


def scores_page_probes(probe) -> dict:
    both = ("get", "post")
    return {
        "supervision:schemes": probe(),
        "supervision:scheme_create": probe(
            methods=both,
            data={**SCHEME_FORM, "region_code": A_COUNTY, "level": "unit"},
        ),
        "supervision:scheme_edit": probe(_a_scheme, NO_SCHEME, both, SCHEME_FORM),
        "supervision:scores": probe(methods=both),
        "supervision:score_subject": probe(),
        "supervision:year_totals": probe(),
        # The ranking and the scoring cards are a village's (``?place=``), and post there.
        "supervision:hygiene": probe(methods=both, by_place=True),
        "supervision:hygiene_entry": probe(
            methods=both,
            by_place=True,
            data={"household_id": "1", "reason": "入侵"},
        ),
    }


def scores_api_probes(probe) -> dict:
    return {
        "scheme_list": probe(),
        "scheme_get": probe(_a_scheme, NO_SCHEME),
        "scheme_create": probe(
            methods=("post",),
            data={
                "region_code": A_COUNTY,
                "level": "unit",
                "name": "入侵",
                "valid_from": "2026-12-01",
                "items": ITEMS_JSON,
            },
        ),
        "scheme_update": probe(
            _a_scheme,
            NO_SCHEME,
            ("put",),
            {"name": "入侵", "valid_from": "2026-12-01", "items": HYGIENE_JSON},
        ),
        "item_score_set": probe(
            methods=("post",),
            data={
                "item_id": 10**9,
                "month": "2026-11-01",
                "subject": "1",
                "points": "1",
                "reason": "入侵",
            },
        ),
        "month_scores": probe(),
        "scores_publish": probe(
            methods=("post",),
            data={"region_code": A_COUNTY, "level": "unit", "month": "2026-11-01"},
        ),
        "year_totals": probe(),
        "hygiene_score": probe(
            methods=("post",),
            data={
                "household_id": 10**9,
                "month": "2026-11-01",
                "points": [{"item_id": 1, "points": "1"}],
                "reason": "入侵",
            },
        ),
        "hygiene_ranking": probe(),
    }


def scores_state() -> tuple:
    """What the walk compares before and after an intruder's requests."""
    from bangfu.supervision.models import ItemScore, SchemeItem, Score, ScoringScheme

    return (
        list(ScoringScheme.objects.values_list("pk", "name", "valid_from")),
        list(SchemeItem.objects.values_list("pk", "name", "weight")),
        list(ItemScore.objects.values_list("pk", "points", "reason")),
        Score.objects.count(),
    )


def _month_of(n: int) -> str:
    """A distinct month for the n-th request, from 2015 on (never ahead of today)."""
    return datetime.date(2015 + (n // 12) % 10, n % 12 + 1, 1).isoformat()


def scores_aims(world, aim) -> dict:
    """For each evaluation operation, a valid request aimed at ``world``'s records."""
    this_month = timezone.localdate().replace(day=1).isoformat()
    unit = str(world["helper"].unit_id)
    hygiene = world["hygiene_scheme"]
    return {
        "scheme_list": lambda n: aim({}, {}, None),
        "scheme_get": lambda n: aim({"scheme_id": world["units_scheme"].pk}, {}, None),
        "scheme_create": lambda n: aim(
            {},
            {},
            {
                "region_code": A_COUNTY,
                "level": "team",
                "name": f"驻村考评{n}",
                "valid_from": _month_of(n),
                "items": ITEMS_JSON,
            },
        ),
        "scheme_update": lambda n: aim(
            {"scheme_id": hygiene.pk},
            {},
            {"name": f"卫生评比{n}", "valid_from": SINCE.isoformat(), "items": HYGIENE_JSON},
        ),
        "item_score_set": lambda n: aim(
            {},
            {},
            {
                "item_id": world["scored_item"].pk,
                "month": this_month,
                "subject": unit,
                "points": "3",
                "reason": "台账齐全",
            },
        ),
        "month_scores": lambda n: aim({}, {"place": A_COUNTY, "level": "unit"}, None),
        "scores_publish": lambda n: aim(
            {}, {}, {"region_code": A_COUNTY, "level": "unit", "month": _month_of(n)}
        ),
        "year_totals": lambda n: aim(
            {}, {"place": A_COUNTY, "level": "unit", "year": "2026"}, None
        ),
        "hygiene_score": lambda n: aim(
            {},
            {},
            {
                "household_id": world["household"].pk,
                "month": this_month,
                "points": [{"item_id": item.pk, "points": "30"} for item in hygiene.items.all()],
                "reason": "入户检查",
            },
        ),
        "hygiene_ranking": lambda n: aim({}, {"place": A_VILLAGE}, None),
    }
