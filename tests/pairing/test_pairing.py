"""Pairing rules: the cap, one main helper, history kept on transfer, coverage."""

import datetime

import pytest

from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.models import AuditEntry
from bangfu.core.services import policy_set
from bangfu.pairing import selectors, services
from bangfu.pairing.models import Pairing
from bangfu.registry.services import household_register
from tests.registry.conftest import first_status, household_input, id_number, member_input

DAY = datetime.date(2026, 3, 1)
VILLAGE = "611103002201"


def register(actor, number, serial, **status):
    return household_register(
        actor=actor,
        household=household_input(number=number, region_code=VILLAGE),
        members=[member_input(id_number=id_number("19700101", serial))],
        status=first_status(**status),
    )


@pytest.fixture
def unit(county_admin):
    return services.unit_create(
        actor=county_admin,
        name="沣西新城管委会",
        kind="government",
        level="county",
        region_code="611103000000",
    )


@pytest.fixture
def helpers(county_admin, unit):
    return [
        services.helper_create(actor=county_admin, name=name, unit_id=unit.pk, phone=phone)
        for name, phone in (("王哲铭", "13900000001"), ("李娜", "13900000002"))
    ]


def test_a_unit_credit_code_is_checked(county_admin):
    with pytest.raises(DomainError) as refusal:
        services.unit_create(
            actor=county_admin,
            name="某公司",
            kind="private_enterprise",
            level="county",
            region_code="611103000000",
            credit_code="91610000000000000X",
        )
    assert refusal.value.field == "credit_code"
    unit = services.unit_create(
        actor=county_admin,
        name="某公司",
        kind="private_enterprise",
        level="county",
        region_code="611103000000",
        credit_code="91110000600037341L",
    )
    assert unit.credit_code == "91110000600037341L"


def test_a_helper_holds_no_more_households_than_the_rule_allows(county_admin, helpers):
    policy_set(
        actor=county_admin,
        region_code="611103000000",
        key="pairing.max_households_per_helper",
        value=2,
        valid_from=datetime.date(2026, 1, 1),
    )
    wang = helpers[0]
    for n in range(2):
        household = register(county_admin, f"61110300220100{n}", f"00{2 * n + 1}")
        services.pairing_start(
            actor=county_admin, household_id=household.pk, helper_id=wang.pk, started_on=DAY
        )
    third = register(county_admin, "611103002201009", "009")
    before = Pairing.objects.count()
    with pytest.raises(DomainError) as refusal:
        services.pairing_start(
            actor=county_admin, household_id=third.pk, helper_id=wang.pk, started_on=DAY
        )
    assert refusal.value.code == "over_cap" and "2" in str(refusal.value.message)
    assert Pairing.objects.count() == before


def test_a_household_has_one_main_helper_and_several_others(county_admin, helpers):
    household = register(county_admin, "611103002201001", "001")
    wang, li = helpers
    services.pairing_start(
        actor=county_admin,
        household_id=household.pk,
        helper_id=wang.pk,
        is_main=True,
        started_on=DAY,
    )
    with pytest.raises(DomainError) as refusal:
        services.pairing_start(
            actor=county_admin,
            household_id=household.pk,
            helper_id=li.pk,
            is_main=True,
            started_on=DAY,
        )
    assert refusal.value.code == "one_main_helper" and "王哲铭" in str(refusal.value.message)
    services.pairing_start(
        actor=county_admin, household_id=household.pk, helper_id=li.pk, started_on=DAY
    )
    assert [(p.helper.name, p.is_main) for p in selectors.pairings_of(household)] == [
        ("王哲铭", True),
        ("李娜", False),
    ]


def test_a_transfer_ends_every_pairing_with_its_reason_and_keeps_the_history(county_admin, helpers):
    wang, li = helpers
    first = register(county_admin, "611103002201001", "001")
    second = register(county_admin, "611103002201002", "003")
    for household, main in ((first, True), (second, False)):
        services.pairing_start(
            actor=county_admin,
            household_id=household.pk,
            helper_id=wang.pk,
            is_main=main,
            started_on=DAY,
        )
    moved = services.helper_transfer(
        actor=county_admin,
        from_helper_id=wang.pk,
        to_helper_id=li.pk,
        on=datetime.date(2026, 6, 1),
        reason="王哲铭调离",
    )
    assert len(moved) == 2
    history = [
        (p.helper.name, p.is_main, p.started_on, p.ended_on, p.end_reason)
        for p in selectors.pairings_of(first)
    ]
    assert history == [
        ("李娜", True, datetime.date(2026, 6, 1), None, ""),
        ("王哲铭", True, DAY, datetime.date(2026, 6, 1), "王哲铭调离"),
    ]
    assert AuditEntry.objects.filter(action="pairing.end").count() == 2
    assert list(selectors.helpers_without_households(county_admin)) == [wang]


def test_coverage_against_a_hand_counted_place(county_admin, other_county_admin, helpers):
    wang = helpers[0]
    monitored = {"status": "monitored", "monitoring_type": "1", "risk_types": ["1"]}
    needing = [
        register(county_admin, "611103002201001", "001"),  # not yet out, paired
        register(county_admin, "611103002201002", "003", status="out_with_policy"),  # paired
        register(county_admin, "611103002201003", "005", status="relapsed"),  # unpaired
        register(county_admin, "611103002201004", "007", **monitored),  # unpaired
    ]
    out_for_good = register(county_admin, "611103002201005", "009", status="out_without_policy")
    register(county_admin, "611103002201006", "011", status="risk_cleared")
    for household in (needing[0], needing[1], out_for_good):
        services.pairing_start(
            actor=county_admin, household_id=household.pk, helper_id=wang.pk, started_on=DAY
        )

    figures = selectors.coverage(county_admin)
    assert (figures.needing, figures.covered, figures.uncovered) == (4, 2, 2)
    assert figures.rate == 0.5
    assert [h.number for h in selectors.unpaired_households(county_admin)] == [
        "611103002201003",
        "611103002201004",
    ]
    assert selectors.coverage(other_county_admin).needing == 0


def test_helpers_over_a_lowered_cap_are_listed_with_their_load(county_admin, helpers):
    wang = helpers[0]
    for n in range(2):
        household = register(county_admin, f"61110300220100{n}", f"00{2 * n + 1}")
        services.pairing_start(
            actor=county_admin, household_id=household.pk, helper_id=wang.pk, started_on=DAY
        )
    assert selectors.helpers_over_cap(county_admin) == []
    lowered = datetime.date(2026, 9, 1)
    policy_set(
        actor=county_admin,
        region_code="611103000000",
        key="pairing.max_households_per_helper",
        value=1,
        valid_from=lowered,
    )
    assert selectors.helpers_over_cap(county_admin, on=lowered) == [(wang, 2)]


def test_the_chain_of_responsibility_follows_the_levels_of_the_place(county_admin, helpers):
    with pytest.raises(DomainError) as refusal:
        services.responsibility_set(
            actor=county_admin, region_code=VILLAGE, level="村支书", person="某某"
        )
    assert refusal.value.code == "bad_level" and "包村单位" in str(refusal.value.message)
    services.responsibility_set(
        actor=county_admin, region_code=VILLAGE, level="包村领导", person="赵主任", phone="139"
    )
    services.responsibility_set(
        actor=county_admin, region_code=VILLAGE, level="村民小组长", person="全村组长"
    )
    group = "611103002201001"
    services.responsibility_set(
        actor=county_admin, region_code=group, level="村民小组长", person="一组组长"
    )
    from bangfu.core.models import Region

    chain = dict(selectors.chain_at(Region.objects.get(code=group)))
    assert chain["包村领导"].person == "赵主任"  # from the village
    assert chain["村民小组长"].person == "一组组长"  # the group's own
    assert chain["包村单位"] is None
    assert list(dict(selectors.chain_at(Region.objects.get(code=VILLAGE)))) == [
        "包村单位",
        "乡镇包抓单位",
        "包片领导",
        "包村领导",
        "村民小组长",
        "组内党员",
    ]


def test_a_helper_leaves_only_once_their_households_are_handed_over(county_admin, helpers):
    wang, li = helpers
    household = register(county_admin, "611103002201001", "001")
    services.pairing_start(
        actor=county_admin, household_id=household.pk, helper_id=wang.pk, started_on=DAY
    )
    with pytest.raises(DomainError) as refusal:
        services.helper_leave(actor=county_admin, helper_id=wang.pk, left_on=DAY)
    assert refusal.value.code == "still_paired"
    services.helper_transfer(
        actor=county_admin, from_helper_id=wang.pk, to_helper_id=li.pk, on=DAY, reason="调离"
    )
    services.helper_leave(actor=county_admin, helper_id=wang.pk, left_on=DAY)
    with pytest.raises(DomainError) as refusal:
        services.pairing_start(
            actor=county_admin, household_id=household.pk, helper_id=wang.pk, started_on=DAY
        )
    assert refusal.value.code == "helper_left"
    assert wang not in selectors.helpers_without_households(county_admin)


def test_a_helpers_details_are_corrected_and_audited(county_admin, helpers, unit):
    wang, li = helpers
    other_unit = services.unit_create(
        actor=county_admin,
        name="钓台街道办事处",
        kind="government",
        level="township",
        region_code="611103002000",
    )
    services.helper_update(
        actor=county_admin,
        helper_id=li.pk,
        name="李娜",
        unit_id=unit.pk,
        id_number=id_number("19850101", "077"),
    )
    updated = services.helper_update(
        actor=county_admin,
        helper_id=wang.pk,
        name=" 王哲明 ",
        unit_id=other_unit.pk,
        phone="139 0000 0009",
        position="科员",
        party_member=True,
    )
    assert (updated.name, updated.unit, updated.phone, updated.position, updated.party_member) == (
        "王哲明",
        other_unit,
        "13900000009",
        "科员",
        True,
    )
    assert updated.region_id == unit.region_id  # the helper keeps their place
    entry = AuditEntry.objects.filter(action="helper.update").last()
    assert (entry.before["name"], entry.after["name"]) == ("王哲铭", "王哲明")
    assert entry.after["id_number_changed"] is False
    with pytest.raises(DomainError) as taken:
        services.helper_update(
            actor=county_admin,
            helper_id=wang.pk,
            name="王哲明",
            unit_id=unit.pk,
            id_number=id_number("19850101", "077"),
        )
    assert taken.value.field == "id_number"
    with pytest.raises(DomainError) as nameless:
        services.helper_update(actor=county_admin, helper_id=wang.pk, name=" ", unit_id=unit.pk)
    assert nameless.value.field == "name"


def test_a_units_details_are_corrected_and_audited(county_admin, unit):
    services.unit_create(
        actor=county_admin,
        name="某公司",
        kind="private_enterprise",
        level="county",
        region_code="611103000000",
        credit_code="91110000600037341L",
    )
    with pytest.raises(DomainError) as taken:
        services.unit_update(
            actor=county_admin,
            unit_id=unit.pk,
            name="沣西新城管委会",
            kind="government",
            level="county",
            credit_code="91110000600037341L",
        )
    assert taken.value.field == "credit_code"
    updated = services.unit_update(
        actor=county_admin,
        unit_id=unit.pk,
        name=" 沣西新城管理委员会 ",
        kind="government",
        level="county",
    )
    assert (updated.name, updated.region_id) == ("沣西新城管理委员会", "611103000000")
    entry = AuditEntry.objects.filter(action="unit.update").last()
    assert (entry.before["name"], entry.after["name"]) == ("沣西新城管委会", "沣西新城管理委员会")


def test_one_household_is_handed_over_and_its_history_kept(county_admin, helpers):
    wang, li = helpers
    first = register(county_admin, "611103002201001", "001")
    second = register(county_admin, "611103002201002", "003")
    old = services.pairing_start(
        actor=county_admin, household_id=first.pk, helper_id=wang.pk, is_main=True, started_on=DAY
    )
    services.pairing_start(
        actor=county_admin, household_id=second.pk, helper_id=wang.pk, is_main=True, started_on=DAY
    )
    handed = datetime.date(2026, 6, 1)
    new = services.pairing_handover(
        actor=county_admin, pairing_id=old.pk, to_helper_id=li.pk, on=handed, reason="就近帮扶"
    )
    history = [
        (p.helper.name, p.is_main, p.started_on, p.ended_on, p.end_reason)
        for p in selectors.pairings_of(first)
    ]
    assert history == [
        ("李娜", True, handed, None, ""),
        ("王哲铭", True, DAY, handed, "就近帮扶"),
    ]
    assert new.pk != old.pk and new.region_id == first.region_id
    # Only that household: the helper keeps the other.
    assert [p.household for p in wang.pairings.filter(ended_on=None)] == [second]
    end, start = AuditEntry.objects.filter(action__in=["pairing.end", "pairing.start"]).order_by(
        "-seq"
    )[:2][::-1]
    assert (end.action, end.object_id, end.after["handed_over_to"]) == (
        "pairing.end",
        str(old.pk),
        new.pk,
    )
    assert (start.action, start.object_id, start.after["handed_over_from"]) == (
        "pairing.start",
        str(new.pk),
        old.pk,
    )
    # An additional helper stays additional.
    extra = services.pairing_start(
        actor=county_admin, household_id=second.pk, helper_id=li.pk, started_on=DAY
    )
    zhang = services.helper_create(actor=county_admin, name="张伟", unit_id=wang.unit_id)
    moved = services.pairing_handover(
        actor=county_admin, pairing_id=extra.pk, to_helper_id=zhang.pk, on=handed, reason="分工调整"
    )
    assert moved.is_main is False and moved.helper == zhang


def test_a_handover_follows_every_rule_of_pairing(county_admin, helpers):
    wang, li = helpers
    household = register(county_admin, "611103002201001", "001")
    other = register(county_admin, "611103002201002", "003")
    pairing = services.pairing_start(
        actor=county_admin,
        household_id=household.pk,
        helper_id=wang.pk,
        is_main=True,
        started_on=DAY,
    )
    later = datetime.date(2026, 6, 1)

    def refused(**overrides):
        arguments = {"pairing_id": pairing.pk, "to_helper_id": li.pk, "on": later, "reason": "调整"}
        before = list(Pairing.objects.order_by("pk").values_list("pk", "ended_on"))
        with pytest.raises(DomainError) as refusal:
            services.pairing_handover(actor=county_admin, **{**arguments, **overrides})
        # One transaction: the old pairing is not ended when the new one is refused.
        assert list(Pairing.objects.order_by("pk").values_list("pk", "ended_on")) == before
        return refusal.value.code

    assert refused(to_helper_id=wang.pk) == "same_helper"
    assert refused(reason="") == "no_reason"
    assert refused(on=datetime.date(2026, 2, 1)) == "end_before_start"
    # The taker already helps this household.
    services.pairing_start(
        actor=county_admin, household_id=household.pk, helper_id=li.pk, started_on=DAY
    )
    assert refused() == "already_paired"
    # The cap of the taker's place.
    zhang = services.helper_create(actor=county_admin, name="张伟", unit_id=wang.unit_id)
    services.pairing_start(
        actor=county_admin, household_id=other.pk, helper_id=zhang.pk, started_on=DAY
    )
    policy_set(
        actor=county_admin,
        region_code="611103000000",
        key="pairing.max_households_per_helper",
        value=1,
        valid_from=datetime.date(2026, 1, 1),
    )
    assert refused(to_helper_id=zhang.pk) == "over_cap"
    # A helper who left takes nothing.
    zhao = services.helper_create(actor=county_admin, name="赵敏", unit_id=wang.unit_id)
    services.helper_leave(actor=county_admin, helper_id=zhao.pk, left_on=DAY)
    assert refused(to_helper_id=zhao.pk) == "helper_left"
    # An ended pairing is not handed over again.
    services.pairing_end(actor=county_admin, pairing_id=pairing.pk, ended_on=later, reason="迁出")
    assert refused() == "ended"


def test_only_pairing_managers_hand_over_and_only_in_their_places(
    county_admin, other_county_admin, leader, helpers
):
    wang, li = helpers
    household = register(county_admin, "611103002201001", "001")
    pairing = services.pairing_start(
        actor=county_admin, household_id=household.pk, helper_id=wang.pk, started_on=DAY
    )
    arguments = {"pairing_id": pairing.pk, "to_helper_id": li.pk, "on": DAY, "reason": "调整"}
    with pytest.raises(OutOfScope):
        services.pairing_handover(actor=other_county_admin, **arguments)
    with pytest.raises(NotPermitted):
        services.pairing_handover(actor=leader, **arguments)
    assert Pairing.objects.get().ended_on is None
