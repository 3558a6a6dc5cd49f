"""Bad values are refused the same way from a page, the API and an import, nothing is half
written, and the database refuses what slips past the services."""

import copy
import datetime

import pytest
from django.db import DataError, IntegrityError, transaction
from django.urls import reverse

from bangfu.registry.models import AnnualIncome, Household, Member, StatusChange
from bangfu.registry.services import household_register, member_leave
from tests.registry.conftest import first_status, household_input, id_number, member_input
from tests.registry.test_api import REGISTRATION


def registration(**household):
    payload = copy.deepcopy(REGISTRATION)
    payload["household"].update(household)
    return payload


def post(client, url, payload):
    return client.post(url, payload, content_type="application/json")


@pytest.mark.parametrize(
    ("household", "field", "code"),
    [
        ({"housing_area": 1e15}, "housing_area", "out_of_range"),
        ({"housing_area": -3}, "housing_area", "out_of_range"),
        ({"road_distance_km": -1}, "road_distance_km", "out_of_range"),
        ({"latitude": 200}, "latitude", "out_of_range"),
        ({"bank_account": "1" * 5000}, "bank_account", "too_long"),
        ({"address": "村" * 100_000}, "address", "too_long"),
        ({"address": "马家寨\x00村"}, "address", "bad_text"),
        ({"number": "6111\x0003"}, "number", "bad_text"),
        ({"number": "6" * 31}, "number", "too_long"),
        ({"planned_exit_year": 2**63}, "planned_exit_year", "out_of_range"),
        ({"year_identified": 1850}, "year_identified", "out_of_range"),
        ({"danger_grade": "ZZ"}, "danger_grade", "bad_choice"),
    ],
)
def test_the_api_refuses_a_bad_household_value_and_saves_nothing(
    signed_in, county_admin, household, field, code
):
    client = signed_in(county_admin)
    response = post(client, "/api/households", registration(**household))
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert response.json()["field"] == field
    assert not Household.objects.exists()


def test_a_bad_member_is_refused_on_the_field_it_is_about(signed_in, county_admin):
    client = signed_in(county_admin)
    payload = registration()
    payload["members"][0]["name"] = "马" * 51
    response = post(client, "/api/households", payload)
    assert response.json()["code"] == "too_long"
    assert response.json()["field"] == "members.0.name"
    payload["members"][0]["name"] = "马建国"
    payload["status"]["effective_on"] = "0001-01-01"
    response = post(client, "/api/households", payload)
    assert (response.json()["code"], response.json()["field"]) == ("out_of_range", "effective_on")
    assert not Household.objects.exists()


def test_the_page_and_the_api_refuse_with_the_same_words(signed_in, county_admin):
    client = signed_in(county_admin)
    api = post(client, "/api/households", registration(housing_area="1e15")).json()
    page = client.post(
        reverse("registry:household_create"),
        {
            "number": "6111030022010007",
            "region_code": "611103002201",
            "attribute": "1",
            "standard": "1",
            "main_cause": "1",
            "year_identified": "2015",
            "land_area_mu": "0",
            "housing_area": "1e15",
            "head-name": "马建国",
            "head-id_number": REGISTRATION["members"][0]["id_number"],
            "head-ethnicity": "01",
            "head-health": "3",
            "head-labour": "3",
            "status-status": "not_out",
            "status-effective_on": "2015-05-01",
            "status-reason": "精准识别",
        },
    )
    assert page.status_code == 200  # the form again, with the refusal on its field
    assert api["message"] in page.content.decode()
    assert not Household.objects.exists()


def test_the_income_form_refuses_wages_no_household_earns(signed_in, county_admin, household):
    client = signed_in(county_admin)
    url = reverse("registry:household_income", kwargs={"household_id": household.pk})
    amounts = {"business": "0", "transfers": "0", "property_income": "0", "costs": "0"}
    client.post(url, {"year": "2024", "wages": "1e30", **amounts})
    assert not AnnualIncome.objects.exists()
    assert client.get(household_url(household)).status_code == 200
    assert client.get(handbook_url(household)).status_code == 200


def household_url(household):
    return reverse("registry:household_detail", kwargs={"household_id": household.pk})


def handbook_url(household):
    return reverse("reports:handbook_household", kwargs={"household_id": household.pk})


def test_a_member_cannot_leave_in_the_future_or_before_being_born(county_admin, household):
    from bangfu.core.errors import DomainError

    member = household.members.get(is_head=False)
    for day in (datetime.date(2099, 1, 1), datetime.date(1950, 1, 1)):
        with pytest.raises(DomainError) as refusal:
            member_leave(actor=county_admin, member_id=member.pk, left_on=day, reason="外嫁")
        assert refusal.value.field == "left_on"
    member.refresh_from_db()
    assert member.left_on is None


def test_a_birth_date_before_1900_cannot_come_in_through_an_id_number(county_admin):
    from bangfu.core.errors import DomainError

    with pytest.raises(DomainError) as refusal:
        household_register(
            actor=county_admin,
            household=household_input(),
            members=[member_input(id_number=id_number("18500312", "001"))],
            status=first_status(),
        )
    assert refusal.value.field == "members.0.id_number"


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (Household, {"housing_area": 99_999}),
        (Household, {"address": "村" * 201}),
        (Household, {"toilet": "golden"}),
        (Member, {"name": "马" * 51}),
        (StatusChange, {"effective_on": datetime.date(1, 1, 1)}),
    ],
)
def test_the_database_refuses_what_slips_past_the_services(household, model, values):
    """The last line: a write around the services (a script, a bug) meets a CHECK constraint
    (or, on PostgreSQL, the column's own length first), so no stored value breaks a read."""
    rows = model.objects.filter(pk=household.pk) if model is Household else model.objects.all()
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        rows.filter(pk=rows.first().pk).update(**values)


def test_a_household_with_values_at_every_bound_reads_everywhere(signed_in, county_admin):
    """The largest values the rules allow are stored and shown by every read."""
    client = signed_in(county_admin)
    payload = registration(
        housing_area="9999.99",
        land_area_mu="99999.99",
        road_distance_km="999.99",
        latitude=-90,
        longitude=180,
        address="村" * 200,
        bank_account="9" * 32,
        planned_exit_year=datetime.date.today().year + 10,
    )
    payload["members"][0]["name"] = "𠮷" * 50
    created = post(client, "/api/households", payload)
    assert created.status_code == 201, created.content
    household = Household.objects.get()
    for url in [
        household_url(household),
        handbook_url(household),
        reverse("registry:household_list"),
        reverse("registry:household_list") + "?format=xlsx",
        reverse("pairing:coverage"),
        f"/api/households/{household.pk}",
        "/api/households?number=" + household.number,
    ]:
        assert client.get(url).status_code == 200, url
