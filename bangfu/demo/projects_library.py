"""The demo district's project library (项目库), through the services, as the county and the
township would record it —

- last year's projects, one of each of the eight kinds ("2+8"), planned in February, approved,
  started, completed and accepted (验收) by December;
- this year's, two of each kind, at every stage of the life cycle: planned, approved,
  started, completed, accepted, and one cancelled with its reason (取消), each step on its
  own day;
- each with planned funds from its kinds' usual sources, the villages it benefits, a few of
  its village's households and how they benefit (联农带农), its outputs in their units once
  started (12.5 公里 of road, 40 盏 of lamps…) and a progress note or two.

Projects of ``township_login``'s township are planned and carried through by the township;
the county approves, accepts and cancels (``STEP_CAPABILITY``). The services take today as the
day they record: each step is lived on its day (``checks._on``).
"""

import datetime
from decimal import Decimal

from bangfu.core.models import Region
from bangfu.core.regions import RegionLevel, county_code
from bangfu.projects.models import Project, Stage
from bangfu.projects.services import (
    beneficiary_household_set,
    output_record,
    progress_note_record,
    project_add,
    project_advance,
)
from bangfu.registry.models import Household

from .checks import _on

# kind → (what the project is, its output kind and quantity, funds by source in yuan)
KINDS = {
    "1": ("道路硬化", ("1", Decimal("3.2")), {"1": 600000, "4": 150000}),
    "2": ("设施农业大棚", ("8", Decimal("120")), {"1": 400000, "5": 100000, "7": 20000}),
    "3": ("农产品展销中心", ("7", Decimal("1")), {"2": 200000, "6": 50000}),
    "4": ("文化广场", ("7", Decimal("1")), {"3": 180000}),
    "5": ("村卫生室改造", ("11", Decimal("1")), {"2": 120000, "4": 30000}),
    "6": ("村道绿化", ("4", Decimal("2400")), {"4": 80000, "7": 10000}),
    "7": ("实用技能培训", ("10", Decimal("260")), {"3": 60000}),
    "8": ("太阳能路灯", ("2", Decimal("40")), {"5": 90000, "6": 30000}),
}
# This year's stages, in turn over the kinds' two projects each.
STAGES = [
    Stage.PLANNED,
    Stage.APPROVED,
    Stage.STARTED,
    Stage.COMPLETED,
    Stage.ACCEPTED,
    Stage.STARTED,
    Stage.COMPLETED,
    Stage.ACCEPTED,
    Stage.APPROVED,
    Stage.CANCELLED,
    Stage.STARTED,
    Stage.ACCEPTED,
    Stage.COMPLETED,
    Stage.PLANNED,
    Stage.STARTED,
    Stage.ACCEPTED,
]
PATH = [Stage.APPROVED, Stage.STARTED, Stage.COMPLETED, Stage.ACCEPTED]
# Days after planning that each step comes (批复, 开工, 完工, 验收).
AFTER = {Stage.APPROVED: 20, Stage.STARTED: 45, Stage.COMPLETED: 160, Stage.ACCEPTED: 200}
CANCEL_REASON = "选址涉及基本农田，经区农业农村局审核取消，并入下年度项目库重新论证"
BENEFIT_MODES = ["1", "2", "3", "4", "5", "6", "7"]


def _places(actor, county: Region) -> list[Region]:
    """The county's villages in code order, then its townships, then the county itself."""
    under = Region.objects.visible_to(actor).filter(code__startswith=county.code[:6])
    villages = list(under.filter(level=RegionLevel.VILLAGE).order_by("code"))
    townships = list(under.filter(level=RegionLevel.TOWNSHIP).order_by("code"))
    return villages + townships + [county]


def _steps_to(stage: str) -> list[str]:
    if stage == Stage.CANCELLED:
        return [Stage.APPROVED, Stage.CANCELLED]
    if stage == Stage.PLANNED:
        return []
    return PATH[: PATH.index(Stage(stage)) + 1]


def _after(step: str) -> int:
    return AFTER.get(step, 30)


def _households(actor, region: Region, count: int) -> list[Household]:
    """The first few open households of a place, by number."""
    return list(
        Household.objects.visible_to(actor, region)
        .filter(closed_on=None)
        .order_by("number")[:count]
    )


def _project(
    *,
    actor,
    planner,
    region: Region,
    number: str,
    kind: str,
    year: int,
    stage: str,
    planned_on: datetime.date,
    today: datetime.date,
) -> Project:
    what, (output_kind, quantity), funds = KINDS[kind]
    villages = [region.code] if region.level == RegionLevel.VILLAGE else []
    with _on(planned_on):
        project = project_add(
            actor=planner,
            region_code=region.code,
            number=number,
            name=f"{region.name}{what}项目",
            kind=kind,
            year=year,
            responsible_unit=(
                "区农业农村局" if region.level == RegionLevel.COUNTY else "街道办事处"
            ),
            description=f"{year}年{region.name}{what}，纳入区级巩固衔接项目库。",
            planned_funds={source: Decimal(amount) for source, amount in funds.items()},
            beneficiary_villages=villages,
        )
    for n, household in enumerate(_households(actor, region, 4)):
        beneficiary_household_set(
            actor=planner,
            project_id=project.pk,
            household_id=household.pk,
            mode=BENEFIT_MODES[(int(kind) + n) % len(BENEFIT_MODES)],
        )
    for step in _steps_to(stage):
        day = planned_on + datetime.timedelta(days=_after(step))
        by = actor if step in (Stage.APPROVED, Stage.ACCEPTED, Stage.CANCELLED) else planner
        with _on(day):
            project_advance(
                actor=by,
                project_id=project.pk,
                stage=step,
                day=day,
                reason=CANCEL_REASON if step == Stage.CANCELLED else "",
            )
    if stage in (Stage.STARTED, Stage.COMPLETED, Stage.ACCEPTED):
        started = planned_on + datetime.timedelta(days=_after(Stage.STARTED))
        share = Decimal(1) if stage != Stage.STARTED else Decimal("0.6")
        output_record(
            actor=planner, project_id=project.pk, kind=output_kind, quantity=quantity * share
        )
        notes = [
            (started, "已开工，施工队进场"),
            (started + datetime.timedelta(days=31), "完成约六成"),
        ]
        for day, note in notes:
            if day <= today:
                with _on(day):
                    progress_note_record(
                        actor=planner, project_id=project.pk, month=day, note=f"{what}：{note}"
                    )
    return project


def fill(*, actor, today: datetime.date, township_login=None) -> int:
    """Last year's and this year's projects of the county ``actor`` holds; how many."""
    county = Region.objects.get(code=county_code(actor.held_places()[0][0]))
    places = _places(actor, county)
    township = township_login.held_places()[0][0] if township_login else None

    def planner_of(region: Region):
        if township and region.code.startswith(township[:9]):
            return township_login
        return actor

    made = 0
    for n, kind in enumerate(KINDS):
        region = places[n % len(places)]
        _project(
            actor=actor,
            planner=planner_of(region),
            region=region,
            number=f"{county.code[:6]}-{today.year - 1}-{n + 1:03d}",
            kind=kind,
            year=today.year - 1,
            stage=Stage.ACCEPTED,
            planned_on=datetime.date(today.year - 1, 2, 10 + n),
            today=today,
        )
        made += 1
    for n, stage in enumerate(STAGES):
        kind = list(KINDS)[n % len(KINDS)]
        region = places[(n * 3 + 1) % len(places)]
        # Every step has to have come by today: a later stage was planned earlier.
        steps = _steps_to(stage)
        planned_on = min(
            datetime.date(today.year, 1, 8) + datetime.timedelta(days=n * 7),
            today - datetime.timedelta(days=(_after(steps[-1]) if steps else 0) + 1),
        )
        _project(
            actor=actor,
            planner=planner_of(region),
            region=region,
            number=f"{county.code[:6]}-{today.year}-{n + 1:03d}",
            kind=kind,
            year=today.year,
            stage=stage,
            planned_on=planned_on,
            today=today,
        )
        made += 1
    return made
