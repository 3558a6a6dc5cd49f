"""Measures and effects of a household's plan: who may write them, the rules on their values,
overdue measures, the registry's income beside the effect, and a moving household."""

import datetime
from decimal import Decimal

import pytest

from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.models import AuditEntry
from bangfu.plans import selectors
from bangfu.plans.models import Effect, Measure, MeasureStatus
from bangfu.plans.services import effect_record, measure_update
from bangfu.registry.services import (
    IncomeInput,
    household_register,
    household_update,
    income_record,
)
from tests.registry.conftest import first_status, household_input, id_number, member_input

from .conftest import add, measure_input

D = datetime.date
KANGXI = "611103002202"


@pytest.fixture
def unpaired(county_admin):
    """A household of 马家寨村 with no helper."""
    return household_register(
        actor=county_admin,
        household=household_input(number="611103002201099"),
        members=[member_input(name="赵无助", id_number=id_number("19700101", "099"))],
        status=first_status(),
    )


def test_a_helper_adds_a_measure_to_their_household(today, helper_wang, households, wang):
    measure = add(helper_wang, households[0], responsible_helper_id=wang.pk)
    assert measure.region_id == households[0].region_id
    assert (measure.responsible, measure.responsible_name) == ("王哲铭", "")
    assert measure.status == MeasureStatus.PLANNED
    entry = AuditEntry.objects.get(action="measure.add")
    assert entry.region_code == households[0].region_id
    assert entry.after["kind"] == "1"


def test_a_helper_may_not_plan_for_a_household_not_theirs(today, helper_wang, unpaired, wang):
    with pytest.raises(NotPermitted):
        add(helper_wang, unpaired)
    assert not Measure.objects.exists()


def test_the_county_office_plans_for_any_household_in_its_places(today, county_admin, unpaired):
    assert add(county_admin, unpaired).household_id == unpaired.pk


def test_another_county_sees_no_household_to_plan_for(today, other_county_admin, households):
    with pytest.raises(OutOfScope):
        add(other_county_admin, households[0])


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "nope"}, "kind"),
        ({"kind": "x" * 500}, "kind"),
        ({"content": ""}, "content"),
        ({"content": "长" * 501}, "content"),
        ({"amount": Decimal("-1")}, "amount"),
        ({"amount": "1e30"}, "amount"),
        ({"due_on": D(2026, 2, 1)}, "due_on"),
        ({"starts_on": D(2013, 12, 31)}, "starts_on"),
        ({"due_on": D(2040, 1, 1)}, "due_on"),
        ({"status": "lost"}, "status"),
        ({"responsible_name": ""}, "responsible_name"),
        ({"responsible_helper_id": 10**9}, "responsible_helper_id"),
    ],
)
def test_bad_values_are_refused_on_their_field(today, county_admin, households, overrides, field):
    with pytest.raises(DomainError) as refused:
        add(county_admin, households[0], **overrides)
    assert refused.value.field == field
    assert not Measure.objects.exists()


def test_a_measure_past_due_and_not_done_is_overdue(today, county_admin, households):
    late = add(county_admin, households[0], due_on=D(2026, 11, 29))
    add(county_admin, households[0], due_on=D(2026, 11, 29), status=MeasureStatus.DONE)
    add(county_admin, households[1], due_on=D(2026, 11, 29), status=MeasureStatus.DROPPED)
    add(county_admin, households[1], due_on=D(2026, 11, 30))  # due today: not yet late
    under_way = add(
        county_admin, households[2], due_on=D(2026, 10, 31), status=MeasureStatus.UNDER_WAY
    )
    assert list(selectors.overdue_measures(county_admin)) == [under_way, late]
    plan = selectors.plan_of(county_admin, households[0])
    assert plan["overdue"] == 1
    assert [late_now for _m, late_now in plan["measures"]] == [True, False]


def test_changing_a_measure_is_audited_with_before_and_after(today, helper_wang, households):
    measure = add(helper_wang, households[0])
    measure_update(
        actor=helper_wang,
        measure_id=measure.pk,
        measure=measure_input(status=MeasureStatus.DONE, content="已购进仔猪5头"),
    )
    entry = AuditEntry.objects.get(action="measure.update")
    assert (entry.before["status"], entry.after["status"]) == ("planned", "done")
    assert Measure.objects.get().content == "已购进仔猪5头"


def test_the_effect_is_one_a_year_beside_the_registrys_income(today, county_admin, households):
    household = households[0]
    for year, wages in ((2024, "8000"), (2025, "12000")):
        income_record(
            actor=county_admin,
            household_id=household.pk,
            income=IncomeInput(year, Decimal(wages), *[Decimal(0)] * 4),
        )
    for summary in ("养猪增收", "养猪增收4000元"):
        effect_record(actor=county_admin, household_id=household.pk, year=2025, summary=summary)
    assert Effect.objects.get().summary == "养猪增收4000元"
    [row] = selectors.effects_of(household)
    assert (row["income"], row["income_before"], row["change"]) == (
        Decimal("12000"),
        Decimal("8000"),
        Decimal("4000"),
    )
    with pytest.raises(DomainError) as refused:
        effect_record(actor=county_admin, household_id=household.pk, year=2027, summary="未来")
    assert refused.value.field == "year"


def test_a_moved_household_takes_its_plan_along(today, county_admin, households):
    moving = households[0]
    add(county_admin, moving)
    effect_record(actor=county_admin, household_id=moving.pk, year=2025, summary="增收")
    household_update(
        actor=county_admin,
        household_id=moving.pk,
        household=household_input(number=moving.number, region_code=KANGXI),
    )
    assert set(Measure.objects.values_list("region_id", flat=True)) == {KANGXI}
    assert set(Effect.objects.values_list("region_id", flat=True)) == {KANGXI}
