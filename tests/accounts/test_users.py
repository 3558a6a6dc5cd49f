import pytest

from bangfu.accounts.models import User
from bangfu.accounts.selectors import manageable_users
from bangfu.accounts.services import (
    administrator_bootstrap,
    user_create,
    user_set_password,
    user_update,
)
from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.models import AuditEntry
from tests.factories import UserFactory

GOOD_PASSWORD = "plenty-long-passphrase"


def open_account(actor, **overrides):
    values = {
        "username": "helper_li",
        "full_name": "李帮扶",
        "password": GOOD_PASSWORD,
        "place_codes": ["611103002201"],
        "roles": ["pair_helper"],
        "phone": "13800000000",
    }
    values.update(overrides)
    return user_create(actor=actor, **values)


def test_an_admin_opens_an_account_in_their_places(county_admin):
    user = open_account(county_admin)
    assert user.check_password(GOOD_PASSWORD)
    assert user.held_places() == [("611103002201", 5)]
    assert user.role_codes() == {"pair_helper"}
    entry = AuditEntry.objects.get(action="user.create")
    assert entry.after["places"] == ["611103002201"] and entry.region_code == "611103002201"
    assert "password" not in entry.after


def test_places_outside_the_admins_own_are_refused(county_admin):
    with pytest.raises(DomainError) as refusal:
        open_account(county_admin, place_codes=["610118001201"])
    assert refusal.value.field == "places"
    assert not User.objects.filter(username="helper_li").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"username": "county_admin"}, "username"),
        ({"username": "COUNTY_ADMIN"}, "username"),
        ({"full_name": " "}, "full_name"),
        ({"password": "12345678"}, "password"),
        ({"roles": []}, "roles"),
        ({"roles": ["emperor"]}, "roles"),
        ({"place_codes": []}, "places"),
    ],
)
def test_bad_input_is_refused_naming_the_field(county_admin, overrides, field):
    with pytest.raises(DomainError) as refusal:
        open_account(county_admin, **overrides)
    assert refusal.value.field == field
    assert not AuditEntry.objects.filter(action="user.create").exists()


def test_only_administrators_open_accounts(township_staff, leader):
    for person in (township_staff, leader):
        with pytest.raises(NotPermitted):
            open_account(person)


def test_a_user_who_also_holds_a_place_outside_is_not_the_admins(county_admin, world):
    UserFactory(username="province_official", places=["611103000000", "610118000000"])
    names = set(manageable_users(county_admin).values_list("username", flat=True))
    assert "province_official" not in names and "other_county_admin" not in names
    assert {"township_staff", "helper_wang", "county_admin"} <= names
    official = User.objects.get(username="province_official")
    with pytest.raises(OutOfScope):
        user_set_password(actor=county_admin, user_id=official.pk, password=GOOD_PASSWORD)


def test_updating_records_before_and_after(county_admin, township_staff):
    user_update(
        actor=county_admin,
        user_id=township_staff.pk,
        full_name="钱干事",
        phone="13900000000",
        place_codes=["611103001000", "611103002000"],
        roles=["township_staff", "inspector"],
        is_active=True,
    )
    entry = AuditEntry.objects.get(action="user.update")
    assert entry.before["places"] == ["611103001000"]
    assert entry.after["places"] == ["611103001000", "611103002000"]
    assert entry.after["roles"] == ["inspector", "township_staff"]


def test_an_admin_cannot_close_their_own_account(county_admin):
    with pytest.raises(DomainError) as refusal:
        user_update(
            actor=county_admin,
            user_id=county_admin.pk,
            full_name="赵主任",
            phone="",
            place_codes=["611103000000"],
            roles=["county_admin"],
            is_active=False,
        )
    assert refusal.value.field == "is_active"


def test_a_closed_account_cannot_sign_in(county_admin, township_staff, client, password):
    user_update(
        actor=county_admin,
        user_id=township_staff.pk,
        full_name=township_staff.full_name,
        phone="",
        place_codes=["611103001000"],
        roles=["township_staff"],
        is_active=False,
    )
    response = client.post("/accounts/login/", {"username": "township_staff", "password": password})
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated


def test_bootstrap_opens_the_first_administrator(world):
    admin = administrator_bootstrap(
        username="first_admin",
        full_name="首任管理员",
        password=GOOD_PASSWORD,
        place_code="610118000000",
    )
    assert admin.role_codes() == {"county_admin"}
    assert AuditEntry.objects.get(action="user.bootstrap").actor_name == "system"
    with pytest.raises(DomainError):
        administrator_bootstrap(
            username="x", full_name="x", password=GOOD_PASSWORD, place_code="999999999999"
        )


def test_the_user_pages_open_and_edit_accounts(signed_in, county_admin):
    client = signed_in(county_admin)
    assert "钱干事" in client.get("/accounts/users/").content.decode()
    form = client.get("/accounts/users/new/").content.decode()
    assert "石桥村" in form and "东韩村" not in form
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "helper_li",
            "full_name": "李帮扶",
            "phone": "",
            "password": GOOD_PASSWORD,
            "places": ["611103002201"],
            "roles": ["pair_helper"],
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="helper_li")
    response = client.post(f"/accounts/users/{user.pk}/password/", {"password": "short"})
    assert response.status_code == 200 and response.context["form"].errors["password"]


def test_a_refused_account_shows_the_reason_on_the_field(signed_in, county_admin):
    client = signed_in(county_admin)
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "township_staff",
            "full_name": "重名",
            "password": GOOD_PASSWORD,
            "places": ["611103002201"],
            "roles": ["pair_helper"],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["username"]


def test_people_without_the_right_get_403(signed_in, leader):
    assert signed_in(leader).get("/accounts/users/").status_code == 403
