"""The public self-report page (农户自主申报): stored for the village's township only, floods
refused with nothing stored, nothing shown back but the receipt, bad values refused."""

import pytest
from django.test import Client
from django.urls import reverse

from bangfu.core.models import AuditEntry
from bangfu.monitoring.models import SelfReport
from bangfu.monitoring.services import receipt_for
from tests.monitoring.conftest import TODAY
from tests.visits.conftest import set_rule

MAJIAZHAI = "611103002201"  # 马家寨村, 钓台街道
REPORT = {
    "name": "马秀兰",
    "phone": "139 1234 5678",
    "village": MAJIAZHAI,
    "kind": "1",
    "what_happened": "丈夫突发脑梗住院，花费十几万元，家里没有收入了。",
}


def send(client, data=None, address="10.0.0.1"):
    return client.post(reverse("monitoring:self_report"), data or REPORT, REMOTE_ADDR=address)


@pytest.fixture
def anonymous(world, today):
    return Client()


def test_the_page_offers_the_villages_the_system_holds(anonymous):
    body = anonymous.get(reverse("monitoring:self_report")).content.decode()
    assert 'label="沣西新城 · 钓台街道"' in body and "马家寨村" in body
    assert "<script>" not in body and "style=" not in body


def test_a_report_is_stored_for_the_township_with_only_the_receipt_shown(
    anonymous, diaotai_staff, township_staff, client
):
    response = send(anonymous)
    assert response.status_code == 200
    report = SelfReport.objects.get()
    assert report.receipt == receipt_for(report.pk)
    assert report.phone == "13912345678" and report.township_id == "611103002000"
    assert report.reported_on == TODAY
    body = response.content.decode()
    assert report.receipt in body
    for stored in ("马秀兰", "13912345678", "1234 5678", "脑梗", "马家寨村", "钓台街道"):
        assert stored not in body, stored
    entry = AuditEntry.objects.get(action="self_report.submit")
    assert entry.actor_id is None and entry.actor_name == "anonymous"
    assert entry.region_code == MAJIAZHAI and "马秀兰" not in str(entry.after)
    client.force_login(diaotai_staff)
    assert report.receipt in client.get(reverse("monitoring:self_reports")).content.decode()
    client.force_login(township_staff)  # 马王街道: another township
    assert report.receipt not in client.get(reverse("monitoring:self_reports")).content.decode()


def test_receipts_are_unique_and_not_sequential():
    receipts = [receipt_for(pk) for pk in range(1, 6)]
    assert len(set(receipts)) == 5
    # Unique whatever the keyed digits: the id is part of it.
    assert [r.split("-")[1] for r in receipts] == ["00001", "00002", "00003", "00004", "00005"]
    numbers = [int(r.replace("-", "")) for r in receipts]
    assert all(b - a != 1 for a, b in zip(numbers, numbers[1:], strict=False))
    assert receipts == [receipt_for(pk) for pk in range(1, 6)]  # the same each time


def test_a_flood_from_one_phone_is_refused_and_stores_nothing(anonymous):
    for n in range(3):
        assert send(anonymous, address=f"10.0.1.{n}").status_code == 200
    entries = AuditEntry.objects.count()
    refused = send(anonymous, address="10.0.1.9")
    assert refused.status_code == 429
    assert "明天再试" in refused.content.decode()
    assert SelfReport.objects.count() == 3 and AuditEntry.objects.count() == entries


def test_a_flood_from_one_address_is_refused_and_stores_nothing(anonymous, county_admin):
    set_rule(county_admin, "monitoring.self_report_per_address_hour", "2")
    for n in range(2):
        assert send(anonymous, {**REPORT, "phone": f"1391234560{n}"}).status_code == 200
    refused = send(anonymous, {**REPORT, "phone": "13912345609"})
    assert refused.status_code == 429
    assert "后再试" in refused.content.decode()
    assert SelfReport.objects.count() == 2
    assert send(anonymous, {**REPORT, "phone": "13912345609"}, "10.0.0.2").status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "请填写"),
        ("phone", "电话", "电话"),
        ("phone", "123", "11 位"),
        ("village", "611103002000", "选择您所在的村"),  # a township, not a village
        ("village", "619999999999", "选择您所在的村"),
        ("kind", "9x", "从列表中选择"),
        ("what_happened", "", "请填写"),
        ("what_happened", "难" * 1001, "最多 1000 个字"),
    ],
)
def test_bad_values_are_refused_with_a_message(anonymous, field, value, message):
    response = send(anonymous, {**REPORT, field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SelfReport.objects.exists()


def test_csrf_still_applies(world, today):
    guarded = Client(enforce_csrf_checks=True)
    assert guarded.post(reverse("monitoring:self_report"), REPORT).status_code == 403
    assert not SelfReport.objects.exists()


def test_hostile_values_in_every_field_are_refused_or_stored_clean(world, today):
    """The public page is outside the form fuzz's walk (it answers everyone, so the walk's
    intruder has nothing to be refused); the same hostile values go into each of its fields
    here, each from its own address and phone so that no flood rule answers first."""
    from bangfu.core import values
    from tests.fuzz.harness import HOSTILE_NUMBER_TEXT, HOSTILE_TEXT

    client = Client(raise_request_exception=False)
    tried = 0
    for field in REPORT:
        for hostile in [*HOSTILE_TEXT, *HOSTILE_NUMBER_TEXT]:
            tried += 1
            data = {**REPORT, field: hostile}
            if field != "phone":
                data["phone"] = f"139{tried:08d}"
            response = send(client, data, address=f"10.{tried // 250}.{tried % 250}.9")
            assert response.status_code in (200, 400), (field, hostile, response.status_code)
    stored = SelfReport.objects.all()
    assert stored.exists()  # hostile words in what happened are still a report
    for report in stored:
        for name in ("name", "phone", "what_happened"):
            assert values.clean(SelfReport, name, getattr(report, name)) == getattr(report, name)
