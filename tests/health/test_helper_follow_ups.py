"""A pair helper records follow-ups (随访) of the members of the households paired with them
now, and nothing else of health; a follow-up made on a phone carries the id the phone made,
and a second send of it records nothing more. The helper's pages lead to the phone page,
which the phone keeps for working offline with the households' acknowledgement pages."""

import datetime
import uuid

import pytest
from django.urls import reverse

from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.models import AuditEntry
from bangfu.health.models import FollowUp
from bangfu.health.services import FollowUpInput, follow_up_record, follow_up_sent
from bangfu.pairing import services as pairing
from tests.visits.conftest import unit, wang  # noqa: F401 (fixtures)

from .world import contract

D = datetime.date
PHONE_ID = uuid.UUID("6b1f8e1c-15a0-4c2e-9d1e-000000000015")
pytestmark = pytest.mark.django_db


def visit(**overrides) -> FollowUpInput:
    data = {"held_on": D(2026, 11, 30), "by": "王哲铭", "kind": "home", "findings": "血压平稳"}
    data.update(overrides)
    return FollowUpInput(**data)


@pytest.fixture
def paired(health, county_admin, wang):  # noqa: F811
    """王哲铭 (helper_wang) is paired with 马建国's household of 马家寨村 since January."""
    return pairing.pairing_start(
        actor=county_admin,
        household_id=health["health_household"].pk,
        helper_id=wang.pk,
        started_on=D(2026, 1, 1),
        is_main=True,
    )


def test_a_helper_records_a_follow_up_of_their_own_household(health, paired, helper_wang):
    row = follow_up_record(
        actor=helper_wang, condition_id=health["hypertension"].pk, follow_up=visit()
    )
    assert (row.recorded_by, row.region_id, row.client_id) == (helper_wang, "611103002201", None)
    entry = AuditEntry.objects.get(action="follow_up.record", object_id=str(row.pk))
    assert entry.actor == helper_wang and entry.region_code == "611103002201"


def test_a_helper_may_not_follow_up_a_household_not_theirs(health, wang, helper_wang):  # noqa: F811
    # in the helper's places but not paired with them: refused plainly (403), as plans are
    with pytest.raises(NotPermitted):
        follow_up_record(
            actor=helper_wang, condition_id=health["hypertension"].pk, follow_up=visit()
        )
    # outside the helper's places (康西村): as if it did not exist
    diabetes = health["health_members"]["李四"].conditions.get()
    with pytest.raises(OutOfScope):
        follow_up_record(actor=helper_wang, condition_id=diabetes.pk, follow_up=visit())
    assert FollowUp.objects.count() == 2


def test_a_pairing_ended_ends_the_right(health, paired, county_admin, helper_wang):
    pairing.pairing_end(
        actor=county_admin, pairing_id=paired.pk, ended_on=D(2026, 11, 1), reason="调整帮扶"
    )
    with pytest.raises(NotPermitted):
        follow_up_record(
            actor=helper_wang, condition_id=health["hypertension"].pk, follow_up=visit()
        )


def test_a_helper_records_nothing_else_of_health(health, paired, helper_wang):
    with pytest.raises(NotPermitted):
        contract(helper_wang, health["health_member"], D(2026, 12, 1), D(2027, 11, 30))


def test_the_offices_keep_their_right(health, paired, county_admin):
    # the county office records follow-ups of a household paired with a helper, and of one
    # paired with nobody (康西村's); 李四's diabetes was followed up on the 30th already
    diabetes = health["health_members"]["李四"].conditions.get()
    for condition in (health["hypertension"], diabetes):
        row = follow_up_record(
            actor=county_admin, condition_id=condition.pk, follow_up=visit(held_on=D(2026, 11, 27))
        )
        assert row.recorded_by == county_admin


def test_a_follow_up_sent_twice_is_recorded_once(health, paired, helper_wang, county_admin):
    condition = health["hypertension"]
    first, created = follow_up_sent(
        actor=helper_wang, client_id=PHONE_ID, condition_id=condition.pk, follow_up=visit()
    )
    again, created_again = follow_up_sent(
        actor=helper_wang, client_id=PHONE_ID, condition_id=condition.pk, follow_up=visit()
    )
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert FollowUp.objects.filter(client_id=PHONE_ID).count() == 1
    assert AuditEntry.objects.filter(action="follow_up.record").count() == 3  # 2 of the world
    # someone else's id: refused with its reason, never answered with their record
    with pytest.raises(DomainError) as refused:
        follow_up_sent(
            actor=county_admin, client_id=PHONE_ID, condition_id=condition.pk, follow_up=visit()
        )
    assert refused.value.code == "client_id_taken"


def test_the_api_answers_a_second_send_with_the_first(health, paired, helper_wang, client):
    client.force_login(helper_wang)
    address = f"/api/health/conditions/{health['hypertension'].pk}/follow-ups"
    body = {"client_id": str(PHONE_ID), "held_on": "2026-11-30", "by": "王哲铭", "kind": "phone"}
    first = client.post(address, body, content_type="application/json")
    again = client.post(address, body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["client_id"] == str(PHONE_ID)
    assert FollowUp.objects.filter(client_id=PHONE_ID).count() == 1
    # the API refuses a household not the helper's as the services do
    other = health["health_members"]["李四"].conditions.get()
    body["client_id"] = str(uuid.UUID(int=16))
    refused = client.post(
        f"/api/health/conditions/{other.pk}/follow-ups", body, content_type="application/json"
    )
    assert refused.status_code == 404


def test_the_helpers_member_page_offers_the_follow_up_only(health, paired, helper_wang, client):
    client.force_login(helper_wang)
    member = health["health_member"]
    page = client.get(reverse("health:member", args=[member.pk])).content.decode()
    assert f'action="/health/members/{member.pk}/follow-ups/"' in page
    assert "/contracts/" not in page and "/costs/" not in page
    assert f"/health/follow-ups/new/?household={member.household_id}" in page
    posted = client.post(
        reverse("health:follow_up_record", args=[member.pk]),
        {
            "follow_up-condition": health["hypertension"].pk,
            "follow_up-held_on": "2026-11-30",
            "follow_up-by": "王哲铭",
            "follow_up-kind": "home",
        },
    )
    assert posted.status_code == 302
    refused = client.post(reverse("health:contract_sign", args=[member.pk]), {})
    assert refused.status_code == 403


def test_the_household_and_home_pages_lead_to_the_phone_page(health, paired, helper_wang, client):
    client.force_login(helper_wang)
    household = health["health_household"]
    page = client.get(reverse("registry:household_detail", args=[household.pk])).content.decode()
    assert f"/health/follow-ups/new/?household={household.pk}" in page
    assert f"/plans/households/{household.pk}/acknowledge/" in page
    home = client.get(reverse("core:home")).content.decode()
    assert 'id="helper-follow-ups"' in home and "/health/follow-ups/new/" in home


def test_the_phone_page_lists_the_helpers_illnesses_and_is_kept(
    health, paired, helper_wang, client
):
    client.force_login(helper_wang)
    response = client.get(reverse("health:follow_up_phone"))
    page = response.content.decode()
    assert response["Bangfu-Offline"] == "keep" and "no-store" in response["Cache-Control"]
    # 马建国's hypertension (overdue since 10-31) and 王秀英's tumour; 康西村 is not theirs
    assert f'value="{health["hypertension"].pk}"' in page
    assert "马建国 · 高血压" in page and "王秀英" in page and "李四" not in page
    state = page[page.index('id="offline-state"') :].split(">")[0]
    household = health["health_household"].pk
    assert f"/plans/households/{household}/acknowledge/" in state
    assert 'data-worker="/health/sw.js"' in state
    assert 'data-workers="/visits/sw.js /plans/sw.js"' in state
    worker = client.get("/health/sw.js")
    assert worker.status_code == 200 and b"follow-ups" in worker.content


def test_the_acknowledgement_page_is_kept_for_the_households_helper_only(
    health, paired, helper_wang, county_admin, client
):
    address = f"/plans/households/{health['health_household'].pk}/acknowledge/"
    client.force_login(helper_wang)
    own = client.get(address)
    assert own["Bangfu-Offline"] == "keep" and 'id="offline-state"' in own.content.decode()
    client.force_login(county_admin)
    office = client.get(address)
    assert office.status_code == 200 and "Bangfu-Offline" not in office
    assert 'id="offline-state"' not in office.content.decode()
