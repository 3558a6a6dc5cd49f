"""The identification procedure: steps in order only, each by the level that may do it, a
refusal ends it with its reason, and the county's decision makes the household monitored
with its type and risk types in the registry's status history."""

import pytest

from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.models import AuditEntry
from bangfu.monitoring.models import ProcedureState, Step
from bangfu.registry.models import HouseholdStatus

from .conftest import D, commitment_photo, start_identification, step


@pytest.fixture
def procedure(today, county_admin, households):
    return start_identification(county_admin, households[0])


def run_to_decision(procedure, helper_wang, village_team, diaotai_staff):
    step(helper_wang, procedure, "application", D(2026, 9, 24))
    step(helper_wang, procedure, "home_check", D(2026, 9, 28), note="住院费用自付4.2万元")
    step(village_team, procedure, "village_review", D(2026, 9, 29), notice_from=D(2026, 9, 30))
    step(diaotai_staff, procedure, "township_review", D(2026, 10, 8))


def test_the_county_decision_makes_the_household_monitored(
    procedure, county_admin, helper_wang, village_team, diaotai_staff, households
):
    run_to_decision(procedure, helper_wang, village_team, diaotai_staff)
    step(
        county_admin,
        procedure,
        "county_decision",
        D(2026, 10, 9),
        monitoring_type="3",
        risk_types=["1", "5"],
    )
    procedure.refresh_from_db()
    assert (procedure.state, procedure.next_step, procedure.ended_on) == (
        ProcedureState.PASSED,
        "",
        D(2026, 10, 9),
    )
    household = households[0]
    household.refresh_from_db()
    assert household.status == HouseholdStatus.MONITORED
    assert household.monitoring_type.value == "3"
    entry = household.history.order_by("-effective_on", "-pk").first()
    assert (entry.status, entry.effective_on, entry.monitoring_type.value) == (
        "monitored",
        D(2026, 10, 9),
        "3",
    )
    assert sorted(entry.risk_types.values_list("value", flat=True)) == ["1", "5"]
    assert sorted(procedure.risk_types.values_list("value", flat=True)) == ["1", "5"]
    assert AuditEntry.objects.filter(action="household.status_change").count() == 1
    assert AuditEntry.objects.filter(action="procedure.step").count() == 5
    assert [s.done_by.username for s in Step.objects.order_by("done_on", "pk")] == [
        "helper_wang",
        "helper_wang",
        "majiazhai_team",
        "diaotai_staff",
        "county_admin",
    ]


def test_a_decision_needs_a_risk_type(
    procedure, county_admin, helper_wang, village_team, diaotai_staff, households
):
    run_to_decision(procedure, helper_wang, village_team, diaotai_staff)
    with pytest.raises(DomainError) as refused:
        step(county_admin, procedure, "county_decision", D(2026, 10, 9), monitoring_type="3")
    assert refused.value.field == "risk_types"
    procedure.refresh_from_db()
    assert procedure.next_step == "county_decision"
    assert not Step.objects.filter(step="county_decision").exists()


def test_steps_go_in_order_only(procedure, county_admin):
    with pytest.raises(DomainError) as refused:
        step(county_admin, procedure, "home_check", D(2026, 9, 25))
    assert (refused.value.code, refused.value.field) == ("out_of_order", "step")
    step(county_admin, procedure, "application", D(2026, 9, 24))
    with pytest.raises(DomainError) as again:
        step(county_admin, procedure, "application", D(2026, 9, 24))
    assert again.value.code == "out_of_order"
    with pytest.raises(DomainError) as unknown:
        step(county_admin, procedure, "skip", D(2026, 9, 24))
    assert unknown.value.code == "bad_step"


def test_a_step_is_not_dated_before_the_one_before_nor_ahead(procedure, county_admin):
    step(county_admin, procedure, "application", D(2026, 9, 28))
    with pytest.raises(DomainError) as early:
        step(county_admin, procedure, "home_check", D(2026, 9, 27))
    assert (early.value.code, early.value.field) == ("too_early", "done_on")
    with pytest.raises(DomainError) as ahead:
        step(county_admin, procedure, "home_check", D(2026, 12, 1))
    assert ahead.value.field == "done_on"


@pytest.mark.parametrize(
    ("who", "key"),
    [
        ("helper_wang", "village_review"),
        ("diaotai_staff", "village_review"),
        ("village_team", "township_review"),
        ("diaotai_staff", "county_decision"),
        ("inspector", "application"),
        ("leader", "application"),
    ],
)
def test_each_step_is_for_its_level(
    request, procedure, county_admin, helper_wang, village_team, diaotai_staff, who, key
):
    steps = ["application", "home_check", "village_review", "township_review"]
    days = [D(2026, 9, 24), D(2026, 9, 28), D(2026, 9, 29), D(2026, 10, 8)]
    extra = {"village_review": {"notice_from": D(2026, 9, 30)}}
    for done, day in zip(steps[: steps.index(key)] if key in steps else steps, days, strict=False):
        step(county_admin, procedure, done, day, **extra.get(done, {}))
    actor = request.getfixturevalue(who)
    with pytest.raises((NotPermitted, OutOfScope)):
        step(actor, procedure, key, D(2026, 10, 9))


def test_a_helper_acts_only_for_households_paired_with_them(
    today, county_admin, helper_wang, households
):
    from bangfu.pairing.models import Pairing

    procedure = start_identification(county_admin, households[1])
    Pairing.objects.filter(household=households[1]).update(ended_on=D(2026, 9, 1))
    with pytest.raises(NotPermitted):
        step(helper_wang, procedure, "application", D(2026, 9, 24))


def test_a_refused_step_needs_its_reason_and_ends_the_procedure(procedure, county_admin):
    step(county_admin, procedure, "application", D(2026, 9, 24))
    with pytest.raises(DomainError) as bare:
        step(county_admin, procedure, "home_check", D(2026, 9, 28), outcome="refused")
    assert (bare.value.code, bare.value.field) == ("no_reason", "reason")
    step(
        county_admin,
        procedure,
        "home_check",
        D(2026, 9, 28),
        outcome="refused",
        reason="已由新农合报销，自付部分不足1000元",
    )
    procedure.refresh_from_db()
    assert (procedure.state, procedure.ended_on) == (ProcedureState.REFUSED, D(2026, 9, 28))
    procedure.household.refresh_from_db()
    assert procedure.household.status == HouseholdStatus.NOT_OUT
    with pytest.raises(DomainError) as ended:
        step(county_admin, procedure, "village_review", D(2026, 9, 29))
    assert ended.value.code == "procedure_ended"


def test_the_application_needs_the_photo_of_the_signed_commitment(procedure, county_admin):
    with pytest.raises(DomainError) as refused:
        step(county_admin, procedure, "application", D(2026, 9, 24), photo=b"")
    assert (refused.value.code, refused.value.field) == ("no_photo", "image")
    with pytest.raises(DomainError):
        step(county_admin, procedure, "application", D(2026, 9, 24), photo=b"not a picture")
    done = step(county_admin, procedure, "application", D(2026, 9, 24), photo=commitment_photo())
    assert done.image.name.startswith("monitoring/")


def test_a_monitored_household_is_not_identified_again(
    procedure, county_admin, helper_wang, village_team, diaotai_staff, households
):
    run_to_decision(procedure, helper_wang, village_team, diaotai_staff)
    step(county_admin, procedure, "county_decision", D(2026, 10, 9), monitoring_type="1",
         risk_types=["1"])  # fmt: skip
    with pytest.raises(DomainError) as refused:
        start_identification(county_admin, households[0], on=D(2026, 11, 2))
    assert refused.value.code == "may_not_start"


def test_another_county_cannot_touch_the_procedure(procedure, other_county_admin):
    with pytest.raises(OutOfScope):
        step(other_county_admin, procedure, "application", D(2026, 9, 24))
