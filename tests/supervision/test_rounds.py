"""Inspection rounds and their samples: planning and its refusals, the draw as a pure function
of its seed and records (reproducible, shared among townships in proportion), a redraw that
needs a reason and keeps the draw before, and the check of a stored draw against its seed."""

import datetime
import io
import random

import pytest
from django.core.management import CommandError, call_command

from bangfu.core.errors import DomainError, NotPermitted
from bangfu.core.models import AuditEntry, Code
from bangfu.pairing.services import helper_create, pairing_start, unit_create
from bangfu.registry.services import household_register
from bangfu.supervision import selectors, services
from bangfu.supervision.models import (
    Finding,
    FindingSource,
    SampleDraw,
    SampleItem,
)
from bangfu.supervision.services import Candidate, allocation, draw_sample
from bangfu.supervision.services.rounds_sampling import by_township
from bangfu.teams.services import team_create
from tests.registry.conftest import first_status, household_input, id_number, member_input
from tests.supervision.conftest import COUNTY, MONTH, OTHER_VILLAGE, TOWNSHIP, VILLAGE
from tests.teams.conftest import team_input

# -- the draw, a pure function --------------------------------------------------------------


def pool(strata: dict[str, int]) -> list[Candidate]:
    made, pk = [], 1
    for stratum, count in strata.items():
        for _n in range(count):
            made.append(Candidate(pk, stratum, stratum))
            pk += 1
    return made


def test_the_same_seed_over_the_same_records_draws_the_same_sample():
    candidates = pool({"611103001000": 30, "611103002000": 70})
    shuffled = random.Random(5).sample(candidates, len(candidates))
    first = draw_sample(20261130, candidates, 10)
    assert draw_sample(20261130, shuffled, 10) == first  # the order given does not matter
    assert len(first) == 10 and len(set(first)) == 10
    assert draw_sample(20261131, candidates, 10) != first  # another seed, another sample
    stratified = draw_sample(7, candidates, 10, by_township)
    assert draw_sample(7, list(reversed(candidates)), 10, by_township) == stratified


def test_a_size_beyond_the_records_takes_them_all():
    candidates = pool({"611103001000": 3})
    assert sorted(c.pk for c in draw_sample(1, candidates, 10)) == [1, 2, 3]
    assert draw_sample(1, [], 5) == []


def test_townships_share_the_size_in_proportion_by_largest_remainders():
    # 16, 3 and 1 records, 4 to draw: quotas 3.2, 0.6, 0.2 → 3, 0, 0 and the remainder to
    # the largest (0.6) → 3, 1, 0; the size allows one a township: the third takes one from
    # the first (most above its quota) → 2, 1, 1.
    assert allocation({"A": 16, "B": 3, "C": 1}, 4) == {"A": 2, "B": 1, "C": 1}
    # 2 to draw is fewer than the townships: proportion alone, 1.6, 0.3, 0.1 → 2, 0, 0.
    assert allocation({"A": 16, "B": 3, "C": 1}, 2) == {"A": 2, "B": 0, "C": 0}
    # 10, 6, 4 records, 5 to draw: 2.5, 1.5, 1.0 → 2, 1, 1; the tie of remainders goes to
    # the township with more records → 3, 1, 1.
    assert allocation({"A": 10, "B": 6, "C": 4}, 5) == {"A": 3, "B": 1, "C": 1}
    assert allocation({"A": 2, "B": 1}, 10) == {"A": 2, "B": 1}  # never more than there are
    assert allocation({"A": 5}, 0) == {"A": 0}


def test_a_stratified_draw_takes_each_townships_share_from_it():
    candidates = pool({"A": 16, "B": 3, "C": 1})
    drawn = draw_sample(99, candidates, 4, by_township)
    assert [c.stratum for c in drawn] == ["A", "A", "B", "C"]  # township by township


# -- planning -------------------------------------------------------------------------------


def plan(actor, **changes):
    details = {
        "region_code": COUNTY,
        "month": "2026-11",
        "title": "11月督查",
        "methods": ["home", "on_site"],
        "inspector_ids": [actor.pk],
        "households_wanted": 4,
        "helpers_wanted": 2,
        "units_wanted": 1,
        "teams_wanted": 1,
        "stratified": True,
    } | changes
    return services.round_plan(actor=actor, **details)


def refusal(call, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as refused:
        call(**kwargs)
    return refused.value


def test_a_round_is_planned_with_its_group_and_methods_in_order(today, county_admin, inspector):
    inspection = plan(county_admin, inspector_ids=[inspector.pk, county_admin.pk])
    assert inspection.month == MONTH and inspection.methods == "on_site,home"
    assert set(inspection.inspectors.all()) == {inspector, county_admin}
    entry = AuditEntry.objects.get(action="inspection.plan", object_id=str(inspection.pk))
    assert entry.region_code == COUNTY and entry.after["inspectors"] == sorted(
        [inspector.pk, county_admin.pk]
    )
    on_a_day = plan(inspector, region_code=TOWNSHIP, month=datetime.date(2026, 11, 17))
    assert on_a_day.month == MONTH


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"month": "2026-13"}, "month"),
        ({"month": "1999-01"}, "month"),
        ({"month": ""}, "month"),
        ({"region_code": "610118000000"}, "region_code"),  # another county
        ({"region_code": VILLAGE}, "region_code"),  # a village: rounds are of counties, townships
        ({"region_code": "61110300100"}, "region_code"),
        ({"methods": []}, "methods"),
        ({"methods": ["on_site", "telepathy"]}, "methods"),
        ({"inspector_ids": []}, "inspectors"),
        ({"inspector_ids": [10**9]}, "inspectors"),
        ({"inspector_ids": ["1"]}, "inspectors"),
        ({"households_wanted": -1}, "households_wanted"),
        ({"teams_wanted": 10001}, "teams_wanted"),
        ({"stratified": "yes"}, "stratified"),
        ({"title": ""}, "title"),
    ],
)
def test_planning_refuses_on_the_field(today, county_admin, changes, field):
    refused = refusal(plan, actor=county_admin, **changes)
    assert refused.field == field


def test_a_person_without_the_inspectors_role_is_named_and_refused(
    today, county_admin, township_staff, leader, other_county_admin
):
    for person in (township_staff, leader):
        refused = refusal(plan, actor=county_admin, inspector_ids=[person.pk])
        assert refused.field == "inspectors" and person.full_name in str(refused.message)
    # Another county's administrator holds the capability but not the place; they are not
    # one of the planner's people, so not named.
    refused = refusal(plan, actor=county_admin, inspector_ids=[other_county_admin.pk])
    assert refused.field == "inspectors" and "周主任" not in str(refused.message)


def test_a_township_inspector_is_not_in_a_county_rounds_group(today, county_admin):
    from tests.factories import UserFactory

    local = UserFactory(
        username="township_inspector", full_name="吴督查", places=[TOWNSHIP], roles=["inspector"]
    )
    refused = refusal(plan, actor=county_admin, inspector_ids=[local.pk])
    assert "吴督查" in str(refused.message)
    assert plan(county_admin, region_code=TOWNSHIP, inspector_ids=[local.pk]).pk
    assert set(services.eligible_inspectors(TOWNSHIP)) >= {local, county_admin}


def test_only_inspectors_plan_rounds(today, leader, township_staff):
    for person in (leader, township_staff):
        with pytest.raises(NotPermitted):
            plan(person)


def test_a_round_of_documents_samples_nothing_and_draws_nothing(today, county_admin):
    inspection = plan(
        county_admin,
        methods=["documents"],
        households_wanted=0,
        helpers_wanted=0,
        units_wanted=0,
        teams_wanted=0,
    )
    refused = refusal(services.sample_draw, actor=county_admin, round_id=inspection.pk)
    assert refused.code == "nothing_to_draw"


# -- drawing --------------------------------------------------------------------------------


@pytest.fixture
def district(county_admin):
    """Households of 石桥村 (马王街道: 3) and 马家寨村 (钓台街道: 5), each township's with its
    helper of the county's bureau; one more household out of the programme (out without
    policy) and a resident work team in 马家寨村."""
    unit = unit_create(
        actor=county_admin,
        name="沣西新城农业农村局",
        kind="government",
        level="county",
        region_code=COUNTY,
    )
    helpers = {
        VILLAGE: helper_create(actor=county_admin, name="石帮扶", unit_id=unit.pk),
        OTHER_VILLAGE: helper_create(actor=county_admin, name="马帮扶", unit_id=unit.pk),
    }
    households = []
    for serial, village in enumerate([VILLAGE] * 3 + [OTHER_VILLAGE] * 6, start=1):
        out = serial == 9
        household = household_register(
            actor=county_admin,
            household=household_input(number=f"{village}{serial:04d}", region_code=village),
            members=[
                member_input(name=f"户主{serial}", id_number=id_number("19700101", f"{serial:03d}"))
            ],
            status=first_status(status="out_without_policy") if out else first_status(),
        )
        if not out:
            pairing_start(
                actor=county_admin,
                household_id=household.pk,
                helper_id=helpers[village].pk,
                is_main=True,
                started_on=datetime.date(2026, 1, 1),
            )
            households.append(household)
    team = team_create(actor=county_admin, team=team_input(unit))
    return {"unit": unit, "helpers": helpers, "households": households, "team": team}


def drawn_ids(draw, kind: str) -> list[int]:
    return list(
        draw.items.filter(kind=kind).order_by("position").values_list(f"{kind}_id", flat=True)
    )


def test_the_draw_keeps_its_seed_and_picks_from_the_records_of_the_place(
    today, district, county_admin
):
    inspection = plan(county_admin)
    draw = services.sample_draw(actor=county_admin, round_id=inspection.pk)
    assert draw.number == 1 and 0 <= draw.seed < 2**63 and draw.reason == ""
    households = SampleItem.objects.filter(draw=draw, kind="household")
    assert households.count() == 4
    in_programme = {h.pk for h in district["households"]}
    assert set(households.values_list("household_id", flat=True)) <= in_programme
    # Township by township, in proportion: 3 and 5 households, 4 to draw: 1.5 and 2.5 → 1 and
    # 2, the remainder to the township with more → 1 and 3.
    assert sorted(i.region_id[:9] for i in households) == ["611103001"] + ["611103002"] * 3
    assert set(drawn_ids(draw, "helper")) == {h.pk for h in district["helpers"].values()}
    assert drawn_ids(draw, "unit") == [district["unit"].pk]
    assert drawn_ids(draw, "team") == [district["team"].pk]
    # A county bureau's helpers are read at the round's place; a team at its village.
    assert set(
        SampleItem.objects.filter(draw=draw, kind="helper").values_list("region_id", flat=True)
    ) == {COUNTY}
    assert SampleItem.objects.get(draw=draw, kind="team").region_id == OTHER_VILLAGE
    entry = AuditEntry.objects.get(action="sample.draw", object_id=str(draw.pk))
    assert entry.after["seed"] == draw.seed
    assert entry.after["candidates"]["household"] == {
        "611103001000": sorted(h.pk for h in district["households"][:3]),
        "611103002000": sorted(h.pk for h in district["households"][3:]),
    }
    assert entry.after["drawn"]["household"] == drawn_ids(draw, "household")
    refused = refusal(services.sample_draw, actor=county_admin, round_id=inspection.pk)
    assert refused.code == "drawn"
    refused = refusal(
        services.round_update,
        actor=county_admin,
        round_id=inspection.pk,
        title="改",
        methods=["on_site"],
        inspector_ids=[county_admin.pk],
    )
    assert refused.code == "drawn"


def test_a_stored_draw_is_drawn_again_from_its_seed(today, district, county_admin):
    inspection = plan(county_admin)
    draw = services.sample_draw(actor=county_admin, round_id=inspection.pk)
    check = selectors.check_draw(draw)
    assert check.matches and {k.kind for k in check.kinds} == {
        "household",
        "helper",
        "unit",
        "team",
    }
    # A household registered since is named, and the draw still checks: it is made again
    # from the records it was drawn from.
    household_register(
        actor=county_admin,
        household=household_input(number="6111030022010099", region_code=OTHER_VILLAGE),
        members=[member_input(name="新户", id_number=id_number("19700101", "099"))],
        status=first_status(),
    )
    check = selectors.check_draw(draw)
    households = next(k for k in check.kinds if k.kind == "household")
    assert check.matches and households.added == ["6111030022010099"] and households.removed == []
    # A sampled record changed behind the services' back is caught.
    item = SampleItem.objects.filter(draw=draw, kind="household").first()
    others = [h.pk for h in district["households"] if h.pk not in drawn_ids(draw, "household")]
    SampleItem.objects.filter(pk=item.pk).update(household_id=others[0])
    assert not selectors.check_draw(draw).matches
    # The operators' check of every sample says so too, and fails.
    with pytest.raises(CommandError, match="1"):
        call_command("verify_samples", stderr=io.StringIO())


def test_the_operators_check_of_every_sample(today, district, county_admin):
    inspection = plan(county_admin)
    services.sample_draw(actor=county_admin, round_id=inspection.pk)
    services.sample_redraw(actor=county_admin, round_id=inspection.pk, reason="外出务工")
    out = io.StringIO()
    call_command("verify_samples", "--month", f"{MONTH:%Y-%m}", stdout=out)
    assert "2" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("verify_samples", "--month", "2026-13")


def test_a_redraw_needs_a_reason_makes_a_new_seed_and_keeps_the_draw_before(
    today, district, county_admin
):
    inspection = plan(county_admin)
    first = services.sample_draw(actor=county_admin, round_id=inspection.pk)
    first_sample = drawn_ids(first, "household")
    for reason in ("", "   "):
        refused = refusal(
            services.sample_redraw, actor=county_admin, round_id=inspection.pk, reason=reason
        )
        assert refused.field == "reason"
    second = services.sample_redraw(
        actor=county_admin, round_id=inspection.pk, reason="抽中户外出务工，无法入户"
    )
    assert second.number == 2 and second.seed != first.seed
    assert second.reason == "抽中户外出务工，无法入户"
    assert selectors.current_draw(inspection) == second
    assert list(
        selectors.sampled(inspection, "household").values_list("household_id", flat=True)
    ) == drawn_ids(second, "household")
    assert drawn_ids(first, "household") == first_sample  # the draw before stays
    assert SampleDraw.objects.filter(round=inspection).count() == 2
    entry = AuditEntry.objects.get(action="sample.redraw", object_id=str(second.pk))
    assert entry.before["seed"] == first.seed and entry.after["seed"] == second.seed
    assert entry.before["drawn"]["household"] == first_sample
    assert entry.after["reason"] == "抽中户外出务工，无法入户"
    assert selectors.check_draw(second).matches and selectors.check_draw(first).matches
    history = selectors.draws_of(inspection)
    assert [(d.number, d.drawn_by) for d in history] == [(1, county_admin), (2, county_admin)]


def test_no_redraw_before_a_draw_once_closed_or_once_work_hangs_on_the_sample(
    today, district, county_admin
):
    inspection = plan(county_admin)
    refused = refusal(
        services.sample_redraw, actor=county_admin, round_id=inspection.pk, reason="重抽"
    )
    assert refused.code == "not_drawn"
    services.sample_draw(actor=county_admin, round_id=inspection.pk)
    # A finding made in the round (the findings part records them; here the row alone).
    Finding.objects.create(
        round=inspection,
        region_id=OTHER_VILLAGE,
        category=Code.objects.filter(kind="finding_category").first(),
        source=FindingSource.INSPECTION,
        description="走访记录不实",
        found_on=datetime.date(2026, 11, 20),
        deadline=datetime.date(2026, 12, 4),
        days_counted="working",
        recorded_at=datetime.datetime(2026, 11, 20, tzinfo=datetime.UTC),
        recorded_by=county_admin,
    )
    refused = refusal(
        services.sample_redraw, actor=county_admin, round_id=inspection.pk, reason="重抽"
    )
    assert refused.code == "sample_in_use"
    assert selectors.round_actions(county_admin, inspection)["redraw"] is False

    other = plan(county_admin, title="另一轮")
    services.sample_draw(actor=county_admin, round_id=other.pk)
    services.round_close(actor=county_admin, round_id=other.pk)
    refused = refusal(services.sample_redraw, actor=county_admin, round_id=other.pk, reason="重抽")
    assert refused.code == "round_closed"
    refused = refusal(services.round_close, actor=county_admin, round_id=other.pk)
    assert refused.code == "round_closed"
    assert (
        AuditEntry.objects.filter(action="inspection.close", object_id=str(other.pk)).count() == 1
    )


def test_a_round_changes_until_it_is_drawn(today, district, county_admin, inspector):
    inspection = plan(county_admin)
    services.round_update(
        actor=inspector,
        round_id=inspection.pk,
        title="11月入户督查",
        methods=["phone"],
        inspector_ids=[inspector.pk],
        households_wanted=2,
        stratified=False,
    )
    inspection.refresh_from_db()
    assert (inspection.title, inspection.methods, inspection.households_wanted) == (
        "11月入户督查",
        "phone",
        2,
    )
    assert list(inspection.inspectors.all()) == [inspector]
    entry = AuditEntry.objects.get(action="inspection.update", object_id=str(inspection.pk))
    assert entry.before["title"] == "11月督查" and entry.after["title"] == "11月入户督查"


def test_another_countys_round_is_missing_to_them(
    today, district, county_admin, other_county_admin
):
    from django.http import Http404

    inspection = plan(county_admin)
    with pytest.raises(Http404):
        services.sample_draw(actor=other_county_admin, round_id=inspection.pk)
    with pytest.raises(Http404):
        selectors.round_detail(other_county_admin, inspection.pk)
    assert not selectors.rounds_of(other_county_admin).exists()
