"""No existence oracle across places: a number held in another county is refused without
saying where or that it exists, and the clash goes to an administrator who holds both."""

import pytest
from django.urls import reverse

from bangfu.core.errors import DomainError
from bangfu.core.models import AuditEntry, DataIssue
from bangfu.core.services import data_issue_resolve
from bangfu.exchange.services import import_check, import_upload
from bangfu.pairing.services import helper_create, unit_create
from bangfu.registry.models import Household
from bangfu.registry.services import household_register
from conftest import COUNTY_A_MARKERS
from tests.exchange.corpus import HEADER, family
from tests.factories import UserFactory
from tests.registry.conftest import first_status, household_input, id_number, member_input

B_VILLAGE = "610118001201"  # 东韩村, other_county_admin's


@pytest.fixture
def province_admin(world):
    return UserFactory(username="province_admin", places=["610000000000"], roles=["county_admin"])


def register_in_b(actor, **household):
    return household_register(
        actor=actor,
        household=household_input(
            **{"number": "6101180012010001", "region_code": B_VILLAGE, **household}
        ),
        members=[member_input(id_number=id_number("19700101", "011"))],
        status=first_status(),
    )


def refused(call):
    with pytest.raises(DomainError) as refusal:
        call()
    return refusal.value


def says_nothing_of_county_a(refusal, household, typed=""):
    """Nothing of county A in the refusal, beyond what the person typed themselves."""
    text = str(refusal.message).replace(typed, "")
    assert household.number not in text
    assert not [marker for marker in COUNTY_A_MARKERS if marker in text]
    assert refusal.code == "needs_check"


def test_a_number_of_another_county_is_refused_without_saying_where(household, other_county_admin):
    taken_id = household.members.get(is_head=True)
    clash = refused(
        lambda: household_register(
            actor=other_county_admin,
            household=household_input(number="6101180012010001", region_code=B_VILLAGE),
            members=[member_input()],  # the head of county A's household
            status=first_status(),
        )
    )
    says_nothing_of_county_a(clash, household)
    assert clash.field == "members.0.id_number"
    issue = DataIssue.objects.get()
    assert (issue.kind, issue.region_code, issue.other_region_code) == (
        "clash",
        B_VILLAGE,
        household.region_id,
    )
    assert (issue.object_type, issue.object_id) == ("registry.member", str(taken_id.pk))
    assert issue.raised_by == other_county_admin
    assert Household.objects.count() == 1  # nothing of the refused registration stayed

    clash = refused(lambda: register_in_b(other_county_admin, number=household.number))
    says_nothing_of_county_a(clash, household, typed=household.number)
    assert DataIssue.objects.filter(field="number").count() == 1


def test_trying_again_counts_an_attempt_on_the_open_issue(household, other_county_admin):
    for _attempt in range(3):
        refused(lambda: register_in_b(other_county_admin, number=household.number))
    issue = DataIssue.objects.get()
    assert issue.attempts == 3


def test_only_an_administrator_holding_both_places_sees_and_resolves_the_clash(
    household, county_admin, other_county_admin, province_admin, client
):
    refused(lambda: register_in_b(other_county_admin, number=household.number))
    issue = DataIssue.objects.get()
    for outsider in (county_admin, other_county_admin):
        client.force_login(outsider)
        page = client.get(reverse("core:data_issues")).content.decode()
        assert "东韩村" not in page and "马家寨村" not in page
        url = reverse("core:data_issue_resolve", kwargs={"issue_id": issue.pk})
        assert client.post(url, {"resolution": "看看"}).status_code == 404
    client.force_login(province_admin)
    page = client.get(reverse("core:data_issues")).content.decode()
    assert "东韩村" in page and "马家寨村" in page and household.number in page
    data_issue_resolve(actor=province_admin, issue_id=issue.pk, resolution="户编号录错，已更正")
    issue.refresh_from_db()
    assert issue.resolved_by == province_admin and issue.resolution == "户编号录错，已更正"
    assert AuditEntry.objects.filter(action="data_issue.resolve").exists()
    with pytest.raises(DomainError):
        data_issue_resolve(actor=province_admin, issue_id=issue.pk, resolution="再来")


def test_an_import_of_another_county_s_household_is_refused_and_recorded(
    household, other_county_admin
):
    rows = [HEADER, *family(household.number, village="东韩村")]
    sheet = "\n".join(",".join(str(cell) for cell in row) for row in rows).replace(
        "钓台街道", "甘亭街道"
    )
    job = import_upload(actor=other_county_admin, file_name="东韩村.csv", chunks=[sheet.encode()])
    job = import_check(job_id=job.pk)
    reasons = " ".join(job.problems.values_list("reason", flat=True))
    assert job.state == "refused"
    assert "马家寨村" not in reasons and "county office" not in reasons
    assert DataIssue.objects.filter(kind="clash", field="number").exists()


def test_a_helper_s_id_number_held_in_another_county_is_a_clash(county_admin, other_county_admin):
    unit_a = unit_create(
        actor=county_admin, name="沣西新城管委会", kind="government", level="county",
        region_code="611103000000",
    )  # fmt: skip
    number = id_number("19800101", "021")
    helper_create(actor=county_admin, name="王帮扶", unit_id=unit_a.pk, id_number=number)
    unit_b = unit_create(
        actor=other_county_admin, name="鄠邑区农业农村局", kind="government", level="county",
        region_code="610118000000",
    )  # fmt: skip
    clash = refused(
        lambda: helper_create(
            actor=other_county_admin, name="李帮扶", unit_id=unit_b.pk, id_number=number
        )
    )
    assert clash.code == "needs_check" and "王帮扶" not in str(clash.message)
    assert DataIssue.objects.get().other_region_code == "611103000000"
