"""The pages of assets, donations, consumption assistance, coverage and collective income:
lists with their downloads, and the forms posting to the services."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from bangfu.projects.models import Asset, CollectiveIncome, Donation, PurchaseAgreement, Sale, Stage
from tests.projects.conftest import VILLAGE

pytestmark = pytest.mark.django_db

LISTS = [
    "projects:assets",
    "projects:donations",
    "projects:sales",
    "projects:coverage",
    "projects:collective_income",
]


@pytest.mark.parametrize("name", LISTS)
def test_lists_and_their_downloads(today, client, county_admin, name):
    client.force_login(county_admin)
    page = client.get(reverse(name), {"place": "611103000000", "year": "2026"})
    assert page.status_code == 200
    sheet = client.get(reverse(name), {"format": "xlsx"})
    assert sheet.status_code == 200 and sheet["Content-Type"].startswith("application/vnd")


def test_a_bad_year_is_refused(today, client, county_admin):
    client.force_login(county_admin)
    assert client.get(reverse("projects:donations"), {"year": "1999"}).status_code == 400


def test_the_forms_record(today, client, township_staff, make_project):
    client.force_login(township_staff)
    project = make_project(stage=Stage.ACCEPTED, day=datetime.date(2026, 9, 1))
    posts = {
        reverse("projects:asset_register", args=[project.pk]): {
            "village_code": VILLAGE,
            "kind": "1",
            "name": "产业路",
            "quantity": "2",
            "unit": "公里",
            "value": "50000",
            "owner": "collective",
            "maintainer": "村委会",
            "registered_on": "2026-10-01",
        },
        reverse("projects:donation_add"): {
            "donor_kind": "person",
            "donor": "张先生",
            "day": "2026-06-01",
            "cash": "1000",
            "recipient_kind": "village",
            "region_code": VILLAGE,
        },
        reverse("projects:agreement_add"): {
            "buyer_kind": "unit",
            "buyer": "区机关食堂",
            "products": "土鸡蛋",
            "signed_on": "2026-03-01",
            "valid_until": "2026-12-31",
            "region_code": VILLAGE,
        },
        reverse("projects:sale_add"): {
            "buyer_kind": "unit",
            "buyer": "区机关食堂",
            "product": "土鸡蛋",
            "quantity": "100",
            "unit": "斤",
            "amount": "800",
            "day": "2026-05-01",
            "region_code": VILLAGE,
        },
        reverse("projects:collective_income_record"): {
            "village_code": VILLAGE,
            "year": "2026",
            "source": "1",
            "amount": "66000",
        },
    }
    for url, data in posts.items():
        assert client.get(url).status_code == 200, url
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.content.decode()[-2000:])
    for model in (Asset, Donation, PurchaseAgreement, Sale, CollectiveIncome):
        assert model.objects.count() == 1, model
    asset = Asset.objects.get()
    edit = reverse("projects:asset_edit", args=[asset.pk])
    assert client.post(edit, {"maintainer": "合作社", "value": "48000"}).status_code == 302
    refused = client.post(
        reverse("projects:donation_add"),
        {
            "donor_kind": "person",
            "donor": "张",
            "day": "2026-06-01",
            "recipient_kind": "village",
            "region_code": VILLAGE,
        },
    )
    assert refused.status_code == 400
    for name in LISTS:
        assert client.get(reverse(name)).status_code == 200


def test_those_without_the_capability_cannot_record(today, client, helper_wang):
    client.force_login(helper_wang)
    assert client.get(reverse("projects:donation_add")).status_code == 403


def test_the_api_records_and_lists(today, client, county_admin, make_project):
    client.force_login(county_admin)
    project = make_project(stage=Stage.ACCEPTED, day=datetime.date(2026, 9, 1))

    def post(url, body):
        return client.post(url, body, content_type="application/json")

    asset = post(
        f"/api/projects/{project.pk}/assets",
        {
            "village_code": VILLAGE,
            "kind": "2",
            "name": "光伏电站",
            "quantity": "1",
            "unit": "座",
            "value": "300000",
            "owner": "collective",
            "maintainer": "村集体",
            "registered_on": "2026-10-01",
        },
    )
    assert asset.status_code == 201, asset.content
    changed = post(
        f"/api/projects/assets/{asset.json()['id']}", {"maintainer": "合作社", "value": "290000"}
    )
    assert changed.json()["maintainer"] == "合作社"
    given = post(
        "/api/projects/donations",
        {
            "donor_kind": "unit",
            "donor": "区财政局",
            "day": "2026-05-01",
            "cash": "2000",
            "recipient_kind": "village",
            "region_code": VILLAGE,
        },
    )
    assert given.status_code == 201, given.content
    agreement = post(
        "/api/projects/agreements",
        {
            "buyer_kind": "unit",
            "buyer": "食堂",
            "products": "蔬菜",
            "signed_on": "2026-01-01",
            "valid_until": "2026-12-31",
            "region_code": VILLAGE,
        },
    )
    assert agreement.status_code == 201, agreement.content
    sale = post(
        "/api/projects/sales",
        {
            "agreement_id": agreement.json()["id"],
            "buyer_kind": "unit",
            "buyer": "食堂",
            "product": "蔬菜",
            "quantity": "10",
            "unit": "斤",
            "amount": "50",
            "day": "2026-06-01",
        },
    )
    assert sale.status_code == 201, sale.content
    income = post(
        "/api/projects/collective-income",
        {"village_code": VILLAGE, "year": 2026, "source": "1", "amount": "60000"},
    )
    assert income.status_code == 201, income.content
    assert Decimal(income.json()["total"]) == 60000
    refused = post(
        "/api/projects/collective-income",
        {"village_code": "611103001000", "year": 2026, "source": "1", "amount": "1"},
    )
    assert (refused.status_code, refused.json()["code"]) == (400, "not_a_village")
    for url, count in [
        ("/api/projects/assets", 1),
        ("/api/projects/donations?year=2026", 1),
        ("/api/projects/agreements", 1),
        ("/api/projects/sales", 1),
        ("/api/projects/income-coverage/without", 0),
    ]:
        assert client.get(url).json()["count"] == count, url
    standing = client.get("/api/projects/collective-income?place=611103001000").json()
    assert (standing["villages"], standing["reaching_floor"]) == (2, 1)
    assert client.get("/api/projects/income-coverage").json()["able"] == 0


def test_the_household_page_lists_its_income_projects(today, client, county_admin, make_project):
    from bangfu.core.models import Code
    from bangfu.projects.models import BeneficiaryHousehold
    from tests.plans.conftest import add as measure
    from tests.projects.test_assistance import household

    home = household(county_admin, "0001")
    measure(county_admin, home, kind="7", content="申请小额信贷养牛", amount=Decimal("50000"))
    measure(county_admin, home, kind="3", content="雨露计划")
    BeneficiaryHousehold.objects.create(
        project=make_project("XM-2026-009", name="石桥村光伏电站"),
        household=home,
        region_id=VILLAGE,
        mode=Code.objects.filter(kind="benefit_mode").first(),
    )
    client.force_login(county_admin)
    page = client.get(reverse("registry:household_detail", args=[home.pk])).content.decode()
    section = page.split('id="income-projects"')[1].split("</section>")[0]
    assert "申请小额信贷养牛" in section and "石桥村光伏电站" in section
    assert "雨露计划" not in section
