import datetime
import sqlite3

import pytest
from django.conf import settings
from django.db import connection

from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.models import AuditEntry
from bangfu.registry.models import Household, Member
from bangfu.registry.selectors import HouseholdFilters, households, id_mask_for, shown_id
from bangfu.registry.services import (
    StatusInput,
    household_register,
    household_status_change,
    household_update,
    member_add,
)
from tests.registry.conftest import (
    first_status,
    household_input,
    id_number,
    member_input,
)

D = datetime.date


def test_registering_writes_household_members_history_and_one_audit_entry(household):
    assert household.status == "not_out"
    members = list(household.members.order_by("pk"))
    assert [m.name for m in members] == ["马建国", "李秀英"]
    head = members[0]
    assert head.is_head and head.birth_date == D(1965, 3, 12) and head.sex == "1"
    assert members[1].sex == "2"  # taken from the ID number, not typed
    assert list(household.history.values_list("status", flat=True)) == ["not_out"]
    entry = AuditEntry.objects.get(action="household.register")
    assert entry.after["number"] == "6111030022010001"
    assert len(entry.after["members"]) == 2
    assert "6217" not in str(entry.after)  # the bank account never reaches the log


def test_a_rejected_registration_leaves_nothing_behind(county_admin):
    bad_second = member_input(name="李秀英", id_number="611103196808060021")  # wrong check digit
    with pytest.raises(DomainError) as refusal:
        household_register(
            actor=county_admin,
            household=household_input(),
            members=[member_input(), bad_second],
            status=first_status(),
        )
    assert refusal.value.field == "members.1.id_number"
    assert "check digit" in refusal.value.message or "校验" in refusal.value.message
    assert not Household.objects.exists() and not Member.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"region_code": "611103002000"}, "region"),  # a township, not a village
        ({"region_code": "610118001201"}, "region"),  # another county's village
        ({"main_cause": "77"}, "main_cause"),
        ({"year_identified": 1970}, "year_identified"),
        ({"number": " "}, "number"),
    ],
)
def test_bad_household_fields_are_named(county_admin, overrides, field):
    with pytest.raises(DomainError) as refusal:
        household_register(
            actor=county_admin,
            household=household_input(**overrides),
            members=[member_input()],
            status=first_status(),
        )
    assert refusal.value.field == field


@pytest.mark.parametrize("status", ["x" * 25, "not\x00out", "escaped"])
def test_a_registration_with_a_status_not_in_the_list_is_refused_naming_it(county_admin, status):
    """Checked before the household is written (with its status): the database's own refusal
    (too long, a NUL, the status CHECK) would name nothing (found by the API fuzzer at 60×)."""
    with pytest.raises(DomainError) as refusal:
        household_register(
            actor=county_admin,
            household=household_input(),
            members=[member_input()],
            status=first_status(status=status),
        )
    assert (refusal.value.code, refusal.value.field) == ("bad_status", "status")
    assert not Household.objects.exists()


def test_exactly_one_head(county_admin, household):
    with pytest.raises(DomainError) as no_head:
        household_register(
            actor=county_admin,
            household=household_input(number="N2"),
            members=[member_input(id_number=id_number("19900101", "003"), relation="03")],
            status=first_status(),
        )
    assert no_head.value.code == "one_head"
    with pytest.raises(DomainError) as two_heads:
        member_add(
            actor=county_admin,
            household_id=household.pk,
            member=member_input(name="马二", id_number=id_number("19920202", "005")),
        )
    assert two_heads.value.code == "one_head"


def test_birth_date_and_sex_must_agree_with_the_id_number(county_admin, household):
    with pytest.raises(DomainError) as refusal:
        member_add(
            actor=county_admin,
            household_id=household.pk,
            member=member_input(
                name="马小军",
                id_number=id_number("20100709", "013"),
                relation="03",
                birth_date=D(2010, 7, 10),
            ),
        )
    assert refusal.value.field == "birth_date"
    with pytest.raises(DomainError) as sex:
        member_add(
            actor=county_admin,
            household_id=household.pk,
            member=member_input(
                name="马小军", id_number=id_number("20100709", "013"), relation="03", sex="2"
            ),
        )
    assert sex.value.field == "sex"


def test_a_person_is_registered_in_one_household_only(county_admin, other_county_admin, household):
    again = member_input(id_number=id_number("19650312", "001").lower(), relation="03")
    with pytest.raises(DomainError) as refusal:
        household_register(
            actor=county_admin,
            household=household_input(number="N2"),
            members=[member_input(id_number=id_number("19700101", "007")), again],
            status=first_status(),
        )
    message = str(refusal.value.message)
    assert "6111030022010001" in message and id_number("19650312", "001") not in message
    # Someone who may not see that household is told it exists elsewhere, not where.
    with pytest.raises(DomainError) as elsewhere:
        household_register(
            actor=other_county_admin,
            household=household_input(number="B1", region_code="610118001201"),
            members=[member_input()],
            status=first_status(),
        )
    assert "6111030022010001" not in str(elsewhere.value.message)


def test_status_moves_along_allowed_paths_and_keeps_history(county_admin, household):
    household_status_change(
        actor=county_admin,
        household_id=household.pk,
        change=StatusInput("out_with_policy", D(2019, 12, 1), "2019 年脱贫"),
    )
    with pytest.raises(DomainError) as refusal:
        household_status_change(
            actor=county_admin,
            household_id=household.pk,
            change=StatusInput("risk_cleared", D(2020, 1, 1), "不可能"),
        )
    assert refusal.value.code == "bad_transition"
    with pytest.raises(DomainError) as no_risk:
        household_status_change(
            actor=county_admin,
            household_id=household.pk,
            change=StatusInput("monitored", D(2021, 6, 1), "收入下降", monitoring_type="1"),
        )
    assert no_risk.value.field == "risk_types"
    household_status_change(
        actor=county_admin,
        household_id=household.pk,
        change=StatusInput(
            "monitored", D(2021, 6, 1), "因病收入下降", monitoring_type="1", risk_types=["1"]
        ),
    )
    household.refresh_from_db()
    assert household.status == "monitored" and household.monitoring_type.label == "脱贫不稳定户"
    assert list(household.history.values_list("status", flat=True)) == [
        "not_out",
        "out_with_policy",
        "monitored",
    ]
    with pytest.raises(DomainError) as earlier:
        household_status_change(
            actor=county_admin,
            household_id=household.pk,
            change=StatusInput("risk_cleared", D(2021, 1, 1), "日期早于上次"),
        )
    assert earlier.value.field == "effective_on"


def test_only_registry_editors_write_and_only_in_their_places(
    leader, other_county_admin, household
):
    with pytest.raises(NotPermitted):
        household_update(actor=leader, household_id=household.pk, household=household_input())
    with pytest.raises(OutOfScope):
        household_update(
            actor=other_county_admin, household_id=household.pk, household=household_input()
        )


def test_updating_audits_before_and_after(county_admin, household):
    household_update(
        actor=county_admin,
        household_id=household.pk,
        household=household_input(main_cause="2", region_code="611103002201001"),
    )
    entry = AuditEntry.objects.get(action="household.update")
    assert entry.before["region"] == "611103002201"
    assert entry.after["region"] == "611103002201001"


def test_a_retired_code_stays_on_old_records_but_is_not_chosen_anew(county_admin, household):
    from bangfu.core.models import Code

    Code.objects.filter(kind="poverty_cause", value="1").update(retired=True)
    household_update(actor=county_admin, household_id=household.pk, household=household_input())
    with pytest.raises(DomainError) as refusal:
        household_register(
            actor=county_admin,
            household=household_input(number="N3"),
            members=[member_input(id_number=id_number("19800101", "009"))],
            status=first_status(),
        )
    assert refusal.value.field == "main_cause"


def test_ids_are_masked_by_policy(county_admin, leader, household):
    head = household.members.get(is_head=True)
    assert (
        shown_id(head, id_mask_for(leader))
        == "6111************" + id_number("19650312", "001")[-2:]
    )
    assert id_mask_for(county_admin).full and not id_mask_for(leader).full


def test_search_by_name_id_and_filters(county_admin, other_county_admin, household):
    found = households(county_admin, HouseholdFilters(name="秀英"))
    assert list(found) == [household]
    by_id = HouseholdFilters(
        id_number=" ６１１１０３１９６５０３１２００１" + id_number("19650312", "001")[-1]
    )
    assert list(households(county_admin, by_id)) == [household]
    assert list(households(county_admin, HouseholdFilters(main_cause="2"))) == []
    assert list(households(county_admin, HouseholdFilters(region_code="611103002000"))) == [
        household
    ]
    assert list(households(other_county_admin, HouseholdFilters(name="秀英"))) == []


@pytest.mark.django_db(transaction=True)
def test_the_database_file_holds_no_id_number_in_clear(county_admin, household, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the file check reads an SQLite database file")
    copy = tmp_path / "copy.sqlite3"
    with sqlite3.connect(copy) as target:
        connection.connection.backup(target)
    raw = copy.read_bytes()
    for member in Member.objects.all():
        assert member.name.encode() in raw  # the copy holds the data…
    for clear in (id_number("19650312", "001"), id_number("19680806", "002"), "6217000012345678"):
        assert clear.encode() not in raw  # …but no ID or bank account number in clear
    assert settings.FIELD_KEYS[0].encode() not in raw


def test_income_is_summed_per_year_and_per_person(county_admin, household):
    from decimal import Decimal

    from bangfu.registry.services import IncomeInput, income_record

    income = IncomeInput(
        2024, Decimal(9000), Decimal(6000), Decimal(3000), Decimal(500), Decimal(2500)
    )
    record = income_record(actor=county_admin, household_id=household.pk, income=income)
    assert record.net == Decimal(16000)
    assert record.household_size == 2 and record.per_capita_net == Decimal("8000.00")
    # A later member does not rewrite the year already recorded.
    member_add(
        actor=county_admin,
        household_id=household.pk,
        member=member_input(name="马小军", id_number=id_number("20100709", "013"), relation="03"),
    )
    record.refresh_from_db()
    assert record.per_capita_net == Decimal("8000.00")
    corrected = income_record(
        actor=county_admin,
        household_id=household.pk,
        income=IncomeInput(
            2024, Decimal(9000), Decimal(6000), Decimal(3000), Decimal(500), Decimal(0)
        ),
    )
    assert corrected.pk == record.pk and corrected.household_size == 3
    entries = AuditEntry.objects.filter(action="household.income_record").order_by("seq")
    assert entries.count() == 2 and entries.last().before["costs"] == "2500.00"
    with pytest.raises(DomainError) as negative:
        income_record(
            actor=county_admin,
            household_id=household.pk,
            income=IncomeInput(2024, Decimal(-1), Decimal(0), Decimal(0), Decimal(0), Decimal(0)),
        )
    assert negative.value.field == "wages"


@pytest.mark.parametrize(
    ("prefix", "found"),
    [("611103002201", True), ("6111030022010001", True), ("6111030022019", False),
     ("61110300220", True), ("999", False), ("6111-", False)],
)  # fmt: skip
def test_a_number_prefix_finds_exactly_the_numbers_that_start_with_it(
    county_admin, household, prefix, found
):
    assert households(county_admin, HouseholdFilters(number=prefix)).exists() is found


def test_the_bank_account_is_shown_masked_like_an_id(leader, household):
    from bangfu.registry.selectors import shown_bank_account

    assert shown_bank_account(household, id_mask_for(leader)) == "6217**********78"
