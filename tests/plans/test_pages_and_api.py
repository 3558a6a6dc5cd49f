"""The plan's pages, the household page's section, the overdue list and the API, as a helper
on their household and as the county office."""

import datetime

import pytest
from django.urls import reverse

from bangfu.plans.models import Effect, Measure, MeasureStatus

from .conftest import add

D = datetime.date
MEASURE_FORM = {
    "kind": "7",
    "content": "申请小额信贷5万元发展猕猴桃",
    "amount": "50000",
    "responsible_helper_id": "",
    "responsible_name": "县农商行 张经理",
    "starts_on": "2026-03-01",
    "due_on": "2026-10-31",
    "status": "under_way",
}


def test_the_household_page_shows_the_plan(today, client, helper_wang, households):
    add(helper_wang, households[0], due_on=D(2026, 11, 1))
    client.force_login(helper_wang)
    body = client.get(reverse("registry:household_detail", args=[households[0].pk])).content
    text = body.decode()
    assert "发展养殖：购进仔猪5头" in text and "产业帮扶" in text
    assert "1 measure is overdue." in text or "1 项措施已逾期" in text


def test_a_helper_adds_a_measure_and_records_the_effect_on_pages(
    today, client, helper_wang, households
):
    client.force_login(helper_wang)
    household = households[0]
    page = client.get(reverse("plans:measure_add", args=[household.pk]))
    assert page.status_code == 200
    done = client.post(reverse("plans:measure_add", args=[household.pk]), MEASURE_FORM)
    assert done.status_code == 302
    measure = Measure.objects.get()
    assert (measure.kind.value, measure.responsible_name) == ("7", "县农商行 张经理")
    refused = client.post(
        reverse("plans:measure_add", args=[household.pk]), {**MEASURE_FORM, "due_on": "2026-01-01"}
    )
    assert refused.status_code == 400
    assert Measure.objects.count() == 1
    changed = client.post(
        reverse("plans:measure_edit", args=[measure.pk]), {**MEASURE_FORM, "status": "done"}
    )
    assert changed.status_code == 302
    assert Measure.objects.get().status == MeasureStatus.DONE
    recorded = client.post(
        reverse("plans:effect_record", args=[household.pk]),
        {"year": "2026", "summary": "猕猴桃挂果，增收约6000元"},
    )
    assert recorded.status_code == 302
    assert Effect.objects.get().year == 2026
    plan = client.get(reverse("plans:plan", args=[household.pk])).content.decode()
    assert "猕猴桃挂果" in plan and "申请小额信贷" in plan


@pytest.fixture
def stranger(world):
    from tests.factories import UserFactory

    return UserFactory(
        username="helper_li", full_name="李帮扶", places=["611103002201"], roles=["pair_helper"]
    )


def test_a_helper_not_paired_reads_but_may_not_write(today, client, stranger, households):
    client.force_login(stranger)
    household = households[0]
    assert client.get(reverse("plans:plan", args=[household.pk])).status_code == 200
    assert client.get(reverse("plans:measure_add", args=[household.pk])).status_code == 403
    assert (
        client.post(reverse("plans:measure_add", args=[household.pk]), MEASURE_FORM).status_code
        == 403
    )
    assert not Measure.objects.exists()


def test_the_overdue_list_under_a_place(today, client, county_admin, households):
    add(county_admin, households[0], due_on=D(2026, 11, 1), content="修缮厨房")
    add(county_admin, households[1], due_on=D(2026, 12, 1), content="参加技能培训")
    client.force_login(county_admin)
    body = client.get(reverse("plans:overdue"), {"place": "611103002201"}).content.decode()
    assert "修缮厨房" in body and "参加技能培训" not in body


def test_the_api_adds_changes_and_reads_a_plan(today, client, helper_wang, households, wang):
    client.force_login(helper_wang)
    household = households[0]
    body = {**MEASURE_FORM, "responsible_helper_id": wang.pk, "responsible_name": ""}
    made = client.post(
        f"/api/households/{household.pk}/plan/measures", body, content_type="application/json"
    )
    assert made.status_code == 201, made.content
    measure = made.json()
    assert (measure["responsible"], measure["overdue"]) == ("王哲铭", True)
    changed = client.post(
        f"/api/plan/measures/{measure['id']}",
        {**body, "status": "done"},
        content_type="application/json",
    )
    assert changed.json()["overdue"] is False
    bad = client.post(
        f"/api/households/{household.pk}/plan/measures",
        {**body, "kind": "404"},
        content_type="application/json",
    )
    assert (bad.status_code, bad.json()["field"]) == (400, "kind")
    plan = client.post(
        f"/api/households/{household.pk}/plan/effects",
        {"year": 2026, "summary": "增收"},
        content_type="application/json",
    ).json()
    assert [e["year"] for e in plan["effects"]] == [2026]
    assert [m["status"] for m in plan["measures"]] == ["done"]
    assert client.get("/api/plan/overdue").json()["items"] == []


def test_a_place_page_links_to_its_overdue_measures(today, client, county_admin, households):
    add(county_admin, households[0], due_on=D(2026, 11, 1), content="修缮厨房")
    client.force_login(county_admin)
    place = client.get(reverse("core:place_detail", args=["611103002201"])).content.decode()
    address = reverse("plans:place_overdue", args=["611103002201"])
    assert address in place
    assert "修缮厨房" in client.get(address).content.decode()
