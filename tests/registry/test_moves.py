import datetime

import pytest

from bangfu.core.errors import DomainError
from bangfu.core.models import AuditEntry
from bangfu.registry.models import Household, MemberMove
from bangfu.registry.selectors import HouseholdFilters, households, moves_of
from bangfu.registry.services import (
    Relocation,
    household_merge,
    household_register,
    household_split,
    member_add,
    member_move,
)
from tests.registry.conftest import first_status, household_input, id_number, member_input

D = datetime.date


@pytest.fixture
def son(county_admin, household):
    return member_add(
        actor=county_admin,
        household_id=household.pk,
        member=member_input(name="马小军", id_number=id_number("19900709", "013"), relation="03"),
    )


@pytest.fixture
def neighbour(county_admin):
    return household_register(
        actor=county_admin,
        household=household_input(number="6111030022010002"),
        members=[member_input(name="刘桂兰", id_number=id_number("19700101", "004"))],
        status=first_status(),
    )


def test_a_member_moves_and_both_households_keep_the_record(
    county_admin, household, son, neighbour
):
    move = member_move(
        actor=county_admin,
        member_id=son.pk,
        to_household_id=neighbour.pk,
        relation="06",
        effective_on=D(2024, 3, 1),
        reason="入赘",
    )
    son.refresh_from_db()
    assert son.household == neighbour and son.relation.label == "之女婿"
    assert (
        list(moves_of(county_admin, household)) == [move] == list(moves_of(county_admin, neighbour))
    )
    assert AuditEntry.objects.get(action="member.move").before == {"household": household.number}


def test_the_head_cannot_just_leave(county_admin, household, neighbour):
    head = household.members.get(is_head=True)
    with pytest.raises(DomainError) as refusal:
        member_move(
            actor=county_admin,
            member_id=head.pk,
            to_household_id=neighbour.pk,
            relation="02",
            effective_on=D(2024, 3, 1),
            reason="x",
        )
    assert refusal.value.code == "head_leaving"


def test_a_split_starts_a_household_with_the_old_status_and_a_head(county_admin, household, son):
    new = household_split(
        actor=county_admin,
        household_id=household.pk,
        household=household_input(number="6111030022010003"),
        relocations=[Relocation(son.pk, "01")],
        effective_on=D(2024, 5, 1),
        reason="儿子成家分户",
    )
    assert new.status == household.status
    assert new.members.get().name == "马小军" and new.members.get().is_head
    assert household.members.count() == 2  # the old household keeps its head and spouse
    first = new.history.get()
    assert household.number in first.reason and "儿子成家分户" in first.reason
    assert MemberMove.objects.get().kind == "split"


def test_a_split_that_takes_the_head_leaves_no_head_and_is_refused(county_admin, household):
    head = household.members.get(is_head=True)
    with pytest.raises(DomainError) as refusal:
        household_split(
            actor=county_admin,
            household_id=household.pk,
            household=household_input(number="6111030022010003"),
            relocations=[Relocation(head.pk, "01")],
            effective_on=D(2024, 5, 1),
            reason="x",
        )
    assert refusal.value.code == "one_head"
    assert not Household.objects.filter(number="6111030022010003").exists()
    assert not MemberMove.objects.exists()


def test_a_merge_moves_everyone_and_closes_the_emptied_household(
    county_admin, household, neighbour
):
    widow = neighbour.members.get()
    household_merge(
        actor=county_admin,
        from_household_id=neighbour.pk,
        into_household_id=household.pk,
        relocations=[Relocation(widow.pk, "10")],
        effective_on=D(2025, 1, 1),
        reason="母亲随子生活，合户",
    )
    neighbour.refresh_from_db()
    assert neighbour.closed_on == D(2025, 1, 1) and neighbour.merged_into == household
    assert household.members.count() == 3
    listed = set(households(county_admin, HouseholdFilters()).values_list("number", flat=True))
    assert neighbour.number not in listed and household.number in listed
    with pytest.raises(DomainError) as closed:
        member_add(
            actor=county_admin,
            household_id=neighbour.pk,
            member=member_input(name="新人", id_number=id_number("20000101", "021"), relation="03"),
        )
    assert closed.value.code == "household_closed"


def test_a_merge_must_take_every_member(county_admin, household, son, neighbour):
    with pytest.raises(DomainError) as refusal:
        household_merge(
            actor=county_admin,
            from_household_id=household.pk,
            into_household_id=neighbour.pk,
            relocations=[Relocation(son.pk, "03")],
            effective_on=D(2025, 1, 1),
            reason="x",
        )
    assert refusal.value.code == "members_left"


def test_a_household_with_a_member_who_left_can_be_merged(county_admin, household, son, neighbour):
    """Those who left stay on the closed household's record; only the others must go."""
    from bangfu.registry.services import member_leave

    member_leave(actor=county_admin, member_id=son.pk, left_on=D(2025, 2, 1), reason="病故")
    staying = household.members.filter(left_on=None)
    household_merge(
        actor=county_admin,
        from_household_id=household.pk,
        into_household_id=neighbour.pk,
        relocations=[Relocation(member.pk, "10") for member in staying],
        effective_on=D(2025, 3, 1),
        reason="合户",
    )
    household.refresh_from_db()
    assert household.merged_into == neighbour
    son.refresh_from_db()
    assert son.household == household and son.left_on == D(2025, 2, 1)


def test_a_member_who_died_stays_on_record_but_not_among_the_members(county_admin, household, son):
    from bangfu.registry.selectors import former_members_of, members_of
    from bangfu.registry.services import member_leave

    member_leave(actor=county_admin, member_id=son.pk, left_on=D(2025, 2, 1), reason="病故")
    assert son not in members_of(household) and list(former_members_of(household)) == [son]
    assert not households(county_admin, HouseholdFilters(name="小军")).exists()
    assert AuditEntry.objects.get(action="member.leave").after["left_reason"] == "病故"
    with pytest.raises(DomainError) as head:
        member_leave(
            actor=county_admin,
            member_id=household.members.get(is_head=True).pk,
            left_on=D(2025, 2, 1),
            reason="x",
        )
    assert head.value.code == "head_leaving"
