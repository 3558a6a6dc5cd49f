"""The demo district's departments' data (部门数据) for the early-warning rules: a few rows
of each department's sheet, written through the bulk services the exchange's keyed reader
calls once it has matched a sheet's ID numbers to members (``health.bulk.costs_apply`` for
医保, ``monitoring.services.department_data.events_apply`` for 民政, 教育, 残联, 住建 and
人社), each with its sheet's file name and audited as an import is.

The rows are chosen so that the rules fire on them when they run: this year's large costs of
an illness (医保) and a job lost (人社) in ``helper_wang``'s households, so that the alerts
stand on the helper's home page; a house classed unsafe (住建, the household whose
identification the demo has running); a new disability certificate (残联) and a pupil out of
school (教育) elsewhere; and 民政's minimum living allowance (低保) for a household tracked
under social security (兜底), which no rule reads. No disaster (应急/农业): disasters have no
service to record one yet, and the demo writes nothing past the services.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from bangfu.health.bulk import costs_apply
from bangfu.health.services import CostInput
from bangfu.monitoring.models import Alert, EventKind
from bangfu.monitoring.rules import SCHOOL_AGES, years_ago
from bangfu.monitoring.services.department_data import EventInput, events_apply
from bangfu.pairing.models import Pairing
from bangfu.registry.bulk import MatchedRow, Outcome
from bangfu.registry.models import Household, Member
from bangfu.registry.selectors import MemberRef

# The departments' sheets the rows come from, as the county office uploads them.
SHEETS = {
    "costs": "区医保局大额医疗费用结算.xlsx",
    EventKind.ASSISTANCE: "区民政局低保特困人员名册.xlsx",
    EventKind.OUT_OF_SCHOOL: "区教育局控辍保学台账.xlsx",
    EventKind.DISABILITY: "区残联新增持证残疾人名单.xlsx",
    EventKind.UNSAFE_HOUSING: "区住建局农村房屋安全鉴定结果.xlsx",
    EventKind.JOB_LOSS: "区人社局失业登记名单.xlsx",
}
ABLE = ("1", "2")  # the labour-ability codes the job-loss rule reads as able to work
WORKING_AGES = (16, 59)
EVENT_GIVEN = ("day", "until", "grade", "detail")  # the columns a sheet of members' records gives


@dataclass
class Recorded:
    """Which household each department's rows are about (None: no member fitted)."""

    by_kind: dict[str, int | None] = field(default_factory=dict)


def _matched(member: Member, data, given: tuple[str, ...]) -> MatchedRow:
    """A row matched to its member, as the keyed reader hands it on."""
    ref = MemberRef(
        member.pk,
        member.name,
        member.household.region_id,
        member.birth_date,
        True,
        member.household_id,
    )
    return MatchedRow(ref, data, frozenset(given))


def _write(apply, actor, source: str, rows: list[MatchedRow]) -> None:
    verdicts = apply(actor=actor, rows=rows, source=source)
    # The demo's rows are all sound: a refusal is a change of the rules the demo must follow.
    refused = [v.problems for v in verdicts if v.outcome == Outcome.REFUSED]
    if refused:
        raise ValueError(f"The demo's department rows were refused: {refused}")


def _aged(member: Member, on: datetime.date, ages: tuple[int, int]) -> bool:
    """The member is of these ages (in full years) on the day."""
    return years_ago(on, ages[1] + 1) < member.birth_date <= years_ago(on, ages[0])


def _members(household: Household) -> list[Member]:
    return list(
        household.members.filter(left_on=None)
        .select_related("labour", "household")
        .order_by("-is_head", "pk")
    )


def _first(households, fits) -> tuple[Household, Member] | None:
    for household in households:
        for member in _members(household):
            if fits(member):
                return household, member
    return None


def make_department_data(
    *,
    actor,
    on: datetime.date,
    helper_login,
    housing: Household,
    support: Household | None,
    taken: set[int],
) -> Recorded:
    """The departments' rows the rules run over on ``on``: dated within the rules' look-back
    before it. ``housing`` is the household whose house 住建 classes unsafe, ``support`` one
    under social security that 民政 grants 低保; ``taken`` the households the demo's other
    stories take through a procedure: the helper's other households and those without an
    alert are the rest's."""
    days = datetime.timedelta
    recorded = Recorded()
    taken = taken | {housing.pk}
    helped = set(
        Pairing.objects.filter(helper__user=helper_login, ended_on=None).values_list(
            "household_id", flat=True
        )
    )
    alerted = set(Alert.objects.values_list("household_id", flat=True))
    rows = Household.objects.filter(closed_on=None).order_by("pk")
    mine = [h for h in rows.filter(pk__in=helped) if h.pk not in taken]
    others = [h for h in rows[:200] if h.pk not in taken | helped | alerted]

    # 人社: a member of working age and able to work lost a job (the helper's household).
    def able(member: Member) -> bool:
        return (
            member.labour is not None
            and member.labour.value in ABLE
            and _aged(member, on, WORKING_AGES)
        )

    def event(kind: str, found: tuple[Household, Member] | None, data: EventInput) -> None:
        if found is not None:
            household, member = found
            _write(events_apply(kind), actor, SHEETS[kind], [_matched(member, data, EVENT_GIVEN)])
            recorded.by_kind[kind] = household.pk

    lost = _first(mine, able) or _first(others, able)
    event(EventKind.JOB_LOSS, lost, EventInput(on - days(12), detail="所在企业停产，解除劳动合同"))
    # 医保: this year's bills of an illness in another of the helper's households, most of it
    # paid by the family (over the rule's amount).
    household = next(h for h in mine or others if not lost or h.pk != lost[0].pk)
    cost = CostInput(
        on.year, Decimal("58600.00"), Decimal("23400.00"), "住院治疗，含门诊慢特病费用"
    )
    given = ("year", "total", "reimbursed", "note")
    _write(costs_apply, actor, SHEETS["costs"], [_matched(_members(household)[0], cost, given)])
    recorded.by_kind["costs"] = household.pk
    # 住建: the house of the household whose identification runs, classed C (局部危房).
    event(
        EventKind.UNSAFE_HOUSING,
        (housing, _members(housing)[0]),
        EventInput(on - days(2), grade="C", detail="后墙开裂，局部承重结构不满足安全使用要求"),
    )
    # 教育: a pupil of compulsory-school age out of school; 残联: a new disability certificate
    # for an older member; each in a household of its own.
    for kind, fits, data in (
        (
            EventKind.OUT_OF_SCHOOL,
            lambda m: _aged(m, on, SCHOOL_AGES),
            EventInput(on - days(20), detail="连续两周未到校，家长称外出打工带走"),
        ),
        (
            EventKind.DISABILITY,
            lambda m: _aged(m, on, (60, 120)),
            EventInput(on - days(25), grade="四级", detail="肢体残疾"),
        ),
    ):
        rest = [h for h in others if h.pk not in recorded.by_kind.values()]
        event(kind, _first(rest, fits), data)
    # 民政: the minimum living allowance for the household under social security.
    if support is not None:
        event(
            EventKind.ASSISTANCE,
            (support, _members(support)[0]),
            EventInput(on - days(60), grade="低保", detail="农村低保，按月发放"),
        )
    return recorded
