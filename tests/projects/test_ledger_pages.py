"""The ledger's pages and API: the project's ledger with its balances and forms, a payment
with the voucher photo, a refusal shown on its field, reversal, the list's filters and
totals, the voucher photo served only within the reader's places."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bangfu.projects.models import LedgerEntry, Stage
from bangfu.projects.services import allocation_record, payment_record
from tests.visits.conftest import jpeg

from .conftest import OTHER_VILLAGE

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 5, 1)


@pytest.fixture
def funded(today, make_project, county_admin):
    project = make_project(stage=Stage.STARTED)
    allocation_record(actor=county_admin, project_id=project.pk, source="1", amount="5000", day=DAY)
    return project


def test_township_staff_pays_with_a_voucher_photo(client, funded, township_staff):
    client.force_login(township_staff)
    url = reverse("projects:project_ledger", args=[funded.pk])
    page = client.get(url).content.decode()
    assert "5,000.00" in page and 'value="allocation"' not in page  # pays, does not allocate
    answer = client.post(
        url,
        {
            "kind": "payment",
            "source": "1",
            "amount": "1234.5",
            "day": "2026-11-20",
            "voucher": "付-88",
            "voucher_image": SimpleUploadedFile("v.jpg", jpeg(3), "image/jpeg"),
        },
    )
    assert answer.status_code == 302
    entry = LedgerEntry.objects.get(kind="payment")
    page = client.get(url).content.decode()
    assert "1,234.50" in page and "3,765.50" in page and "24.7%" in page
    assert reverse("projects:voucher_image", args=[entry.pk]) in page
    photo = client.get(reverse("projects:voucher_image", args=[entry.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"


def test_an_overspend_is_shown_on_the_amount(client, funded, township_staff):
    client.force_login(township_staff)
    answer = client.post(
        reverse("projects:project_ledger", args=[funded.pk]),
        {"kind": "payment", "source": "1", "amount": "6000", "day": "2026-11-20"},
    )
    assert answer.status_code == 400
    assert "6,000.00" in answer.content.decode() and "1,000.00" in answer.content.decode()
    assert not LedgerEntry.objects.filter(kind="payment").exists()


def test_a_leader_reads_but_cannot_post(client, funded, leader):
    client.force_login(leader)
    url = reverse("projects:project_ledger", args=[funded.pk])
    assert 'name="amount"' not in client.get(url).content.decode()
    answer = client.post(url, {"kind": "payment", "source": "1", "amount": "1", "day": DAY})
    assert answer.status_code == 403


def test_reversing_from_the_page(client, funded, county_admin):
    entry = payment_record(
        actor=county_admin, project_id=funded.pk, source="1", amount="300", day=DAY
    )
    client.force_login(county_admin)
    url = reverse("projects:entry_reverse", args=[entry.pk])
    assert client.post(url, {"day": "2026-11-01", "reason": ""}).status_code == 400
    assert client.post(url, {"day": "2026-11-01", "reason": "报错账户"}).status_code == 302
    page = client.get(reverse("projects:project_ledger", args=[funded.pk])).content.decode()
    assert "报错账户" in page
    assert client.post(url, {"day": "2026-11-01", "reason": "再次"}).status_code == 400


def test_the_ledger_list_filters_and_refuses_a_wrong_filter(
    client, funded, make_project, county_admin
):
    other = make_project("XM-9", kind="1", stage=Stage.STARTED, region_code=OTHER_VILLAGE)
    allocation_record(actor=county_admin, project_id=other.pk, source="2", amount="77", day=DAY)
    client.force_login(county_admin)
    url = reverse("projects:ledger")
    page = client.get(url).content.decode()
    assert "5,077.00" in page
    page = client.get(url, {"place": OTHER_VILLAGE, "year": "2026", "kind": "1"}).content.decode()
    assert "XM-9" in page and funded.number not in page and "77.00" in page
    assert client.get(url, {"source": "2", "entry_kind": "payment"}).status_code == 200
    assert client.get(url, {"source": "x"}).status_code == 400
    assert client.get(url, {"year": "1999"}).status_code == 400


def test_the_api_records_and_lists(client, funded, county_admin, township_staff):
    client.force_login(county_admin)
    answer = client.post(
        f"/api/projects/{funded.pk}/ledger/allocations",
        {"source": "2", "amount": "100", "day": "2026-11-01"},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    client.force_login(township_staff)
    answer = client.post(
        f"/api/projects/{funded.pk}/ledger/payments",
        {"source": "2", "amount": "150", "day": "2026-11-01"},
    )
    assert answer.status_code == 400 and answer.json()["code"] == "overspent"
    answer = client.post(
        f"/api/projects/{funded.pk}/ledger/payments",
        {
            "source": "2",
            "amount": "60",
            "day": "2026-11-01",
            "voucher_image": SimpleUploadedFile("v.jpg", jpeg(1), "image/jpeg"),
        },
    )
    assert answer.status_code == 201 and answer.json()["has_voucher_image"]
    paid = answer.json()["id"]
    client.force_login(county_admin)
    answer = client.post(
        f"/api/ledger/{paid}/reverse",
        {"day": "2026-11-02", "reason": "退回"},
        content_type="application/json",
    )
    assert answer.status_code == 201 and answer.json()["amount"] == "-60.00"
    ledger = client.get(f"/api/projects/{funded.pk}/ledger").json()
    assert [(b["source"], b["allocated"], b["paid"]) for b in ledger["balances"]] == [
        ("1", "5000.00", "0.00"),
        ("2", "100.00", "0.00"),
    ]
    listed = client.get("/api/ledger", {"source": "2"}).json()
    assert (listed["count"], listed["allocated"], listed["paid"]) == (3, "100.00", "0.00")
