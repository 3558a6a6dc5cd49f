"""The pairing pages: pair from the household page or the coverage list, end with a reason."""

import pytest
from django.utils import timezone

from bangfu.core.errors import DomainError
from bangfu.core.models import AuditEntry
from bangfu.pairing import services
from bangfu.pairing.models import Helper, Pairing

from .test_pairing import register


def test_pair_from_coverage_then_end_on_the_household_page(county_admin, signed_in):
    client = signed_in(county_admin)
    unit = services.unit_create(
        actor=county_admin,
        name="沣西新城管委会",
        kind="government",
        level="county",
        region_code="611103000000",
    )
    helper = services.helper_create(actor=county_admin, name="王哲铭", unit_id=unit.pk)
    household = register(county_admin, "611103002201001", "001")

    page = client.get("/pairing/coverage/").content.decode()
    assert "611103002201001" in page and f"/pairing/households/{household.pk}/pair/" in page

    response = client.post(
        f"/pairing/households/{household.pk}/pair/",
        {"helper": helper.pk, "is_main": "on", "started_on": "2026-03-01"},
    )
    assert response.status_code == 302
    page = client.get(f"/households/{household.pk}/").content.decode()
    assert "王哲铭" in page and "沣西新城管委会" in page
    assert "611103002201001" not in client.get("/pairing/coverage/").content.decode()

    pairing = Pairing.objects.get(household=household)
    refused = client.post(
        f"/pairing/households/{household.pk}/pair/",
        {"helper": helper.pk, "started_on": "2026-03-01"},
    )
    assert refused.status_code == 400 and "已在帮扶此户" in refused.content.decode()

    client.post(f"/pairing/pairings/{pairing.pk}/end/", {"reason": "调离"})
    pairing.refresh_from_db()
    assert pairing.ended_on == timezone.localdate() and pairing.end_reason == "调离"


def test_register_units_and_helpers_and_hand_households_over(county_admin, signed_in):
    client = signed_in(county_admin)
    response = client.post(
        "/pairing/units/",
        {
            "name": "沣西新城财政局",
            "kind": "government",
            "level": "county",
            "region_code": "611103000000",
        },
    )
    assert response.status_code == 302
    bad = client.post(
        "/pairing/units/",
        {
            "name": "某公司",
            "kind": "private_enterprise",
            "level": "county",
            "region_code": "611103000000",
            "credit_code": "12345",
        },
    )
    assert bad.status_code == 400 and "统一社会信用代码" in bad.content.decode()
    unit = services.unit_create(
        actor=county_admin,
        name="钓台街道办事处",
        kind="government",
        level="township",
        region_code="611103002000",
    )
    for name in ("王哲铭", "李娜"):
        assert (
            client.post("/pairing/helpers/", {"name": name, "unit_id": unit.pk}).status_code == 302
        )
    wang, li = Helper.objects.order_by("pk")
    household = register(county_admin, "611103002201001", "001")
    services.pairing_start(
        actor=county_admin,
        household_id=household.pk,
        helper_id=wang.pk,
        is_main=True,
        started_on=timezone.localdate(),
    )
    page = client.get("/pairing/helpers/").content.decode()
    assert "王哲铭" in page and f"/pairing/helpers/{wang.pk}/transfer/" in page
    client.post(f"/pairing/helpers/{wang.pk}/transfer/", {"to_helper_id": li.pk, "reason": "调离"})
    assert Pairing.objects.get(ended_on=None).helper == li


def test_the_household_page_shows_who_answers_for_it(county_admin, signed_in):
    client = signed_in(county_admin)
    household = register(county_admin, "611103002201001", "001")
    response = client.post(
        "/pairing/places/611103002201/chain/", {"level": "包村领导", "person": "赵主任"}
    )
    assert response.status_code == 302
    page = client.get(f"/households/{household.pk}/").content.decode()
    assert "包村领导" in page and "赵主任" in page and "组内党员" in page


def test_a_helper_with_a_login_sees_their_households(county_admin, helper_wang, signed_in):
    unit = services.unit_create(
        actor=county_admin,
        name="钓台街道办事处",
        kind="government",
        level="township",
        region_code="611103002000",
    )
    helper = services.helper_create(
        actor=county_admin, name="王哲铭", unit_id=unit.pk, user_id=helper_wang.pk
    )
    household = register(county_admin, "611103002201001", "001")
    services.pairing_start(
        actor=county_admin,
        household_id=household.pk,
        helper_id=helper.pk,
        started_on=timezone.localdate(),
    )
    page = signed_in(helper_wang).get("/visits/mine/").content.decode()
    assert "611103002201001" in page
    with pytest.raises(DomainError):  # one account, one helper
        services.helper_create(
            actor=county_admin, name="重复", unit_id=unit.pk, user_id=helper_wang.pk
        )


@pytest.fixture
def township_unit(county_admin):
    return services.unit_create(
        actor=county_admin,
        name="钓台街道办事处",
        kind="government",
        level="township",
        region_code="611103002000",
    )


def test_a_helper_is_edited_from_the_list(county_admin, signed_in, township_unit):
    unit = township_unit
    helper = services.helper_create(actor=county_admin, name="王哲铭", unit_id=unit.pk)
    client = signed_in(county_admin)
    assert f"/pairing/helpers/{helper.pk}/edit/" in client.get("/pairing/helpers/").content.decode()
    form = client.get(f"/pairing/helpers/{helper.pk}/edit/").content.decode()
    assert 'value="王哲铭"' in form
    bad = client.post(f"/pairing/helpers/{helper.pk}/edit/", {"name": "", "unit_id": unit.pk})
    assert bad.status_code == 400
    saved = client.post(
        f"/pairing/helpers/{helper.pk}/edit/",
        {"name": "王哲铭", "unit_id": unit.pk, "phone": "13900000009"},
    )
    assert saved.status_code == 302
    assert Helper.objects.get(pk=helper.pk).phone == "13900000009"


def test_a_unit_is_edited_from_the_list(county_admin, signed_in, township_unit):
    unit = township_unit
    client = signed_in(county_admin)
    assert f"/pairing/units/{unit.pk}/edit/" in client.get("/pairing/units/").content.decode()
    bad = client.post(
        f"/pairing/units/{unit.pk}/edit/",
        {"name": "钓台街道", "kind": "government", "level": "township", "credit_code": "123"},
    )
    assert bad.status_code == 400 and "统一社会信用代码" in bad.content.decode()
    saved = client.post(
        f"/pairing/units/{unit.pk}/edit/",
        {"name": "钓台街道办", "kind": "government", "level": "township"},
    )
    assert saved.status_code == 302
    assert AuditEntry.objects.filter(action="unit.update").count() == 1


def test_one_household_is_handed_over_on_its_page(county_admin, helper_wang, signed_in):
    client = signed_in(county_admin)
    unit = services.unit_create(
        actor=county_admin,
        name="沣西新城管委会",
        kind="government",
        level="county",
        region_code="611103000000",
    )
    wang = services.helper_create(
        actor=county_admin, name="王哲铭", unit_id=unit.pk, user_id=helper_wang.pk
    )
    li = services.helper_create(actor=county_admin, name="李娜", unit_id=unit.pk)
    household = register(county_admin, "611103002201001", "001")
    pairing = services.pairing_start(
        actor=county_admin,
        household_id=household.pk,
        helper_id=wang.pk,
        is_main=True,
        started_on=timezone.localdate(),
    )
    page = client.get(f"/households/{household.pk}/").content.decode()
    form = page[page.index(f'action="/pairing/pairings/{pairing.pk}/handover/"') :]
    form = form[: form.index("</form>")]
    # The other helpers are offered, not the one who has the household now.
    assert f'<option value="{li.pk}">李娜（沣西新城管委会）</option>' in form
    assert f'value="{wang.pk}"' not in form
    assert f'id="handover-{pairing.pk}-reason"' in form and 'maxlength="200"' in form

    refused = client.post(
        f"/pairing/pairings/{pairing.pk}/handover/",
        {"to_helper_id": li.pk, "on": "2020-01-01", "reason": "就近帮扶"},
        follow=True,
    )
    assert f"结对始于 {timezone.localdate()}，结束日期不能早于此日。" in refused.content.decode()
    assert Pairing.objects.get().ended_on is None

    today = timezone.localdate()
    done = client.post(
        f"/pairing/pairings/{pairing.pk}/handover/",
        {"to_helper_id": li.pk, "on": today.isoformat(), "reason": "就近帮扶"},
        follow=True,
    )
    assert "该户已移交给李娜，原结对记录保留。" in done.content.decode()
    assert [
        (p.helper.name, p.is_main, p.started_on, p.ended_on, p.end_reason)
        for p in Pairing.objects.order_by("pk")
    ] == [
        ("王哲铭", True, today, today, "就近帮扶"),
        ("李娜", True, today, None, ""),
    ]
    # A helper sees who answers for the household, but no form to change it.
    helper_page = signed_in(helper_wang).get(f"/households/{household.pk}/")
    assert helper_page.status_code == 200 and "李娜" in helper_page.content.decode()
    assert "/handover/" not in helper_page.content.decode()
