"""Family-doctor contracts and check-ups: renewals keep history, the members without a valid
contract on a day, the check-up rate against the hand count of ``world.py``, refusals, scope,
the household moving, pages and API."""

import datetime

import pytest
from django.urls import reverse

from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.models import AuditEntry, Region
from bangfu.health.models import CheckUp, DoctorContract
from bangfu.health.selectors import checkup_rate, uncontracted

from .world import DIAOTAI, KANGXI, MAJIAZHAI, checkup, contract

D = datetime.date
pytestmark = pytest.mark.django_db


def names(members):
    return [m.name for m in members]


def test_a_renewal_is_a_new_contract_and_the_old_one_stays(health):
    member = health["health_member"]
    rows = list(member.doctor_contracts.order_by("signed_on"))
    assert [(r.signed_on, r.valid_until, r.package.value) for r in rows] == [
        (D(2025, 1, 1), D(2025, 12, 31), "1"),
        (D(2026, 1, 1), D(2026, 12, 31), "2"),
    ]
    assert rows[0].region_id == MAJIAZHAI
    assert AuditEntry.objects.filter(action="doctor_contract.sign").count() == 3


def test_a_renewal_is_not_signed_before_the_latest_contract(health, county_admin):
    with pytest.raises(DomainError) as refused:
        contract(county_admin, health["health_member"], D(2025, 6, 1), D(2026, 5, 31))
    assert refused.value.code == "before_latest" and refused.value.field == "signed_on"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"valid_until": D(2024, 12, 31)}, "valid_until"),
        ({"package": "zz"}, "package"),
        ({"doctor": ""}, "doctor"),
        ({"doctor": "医" * 51}, "doctor"),
        ({"signed_on": D(2013, 12, 31)}, "signed_on"),
        ({"signed_on": D(2026, 12, 1)}, "signed_on"),
    ],
)
def test_a_bad_contract_is_refused_on_its_field(health, county_admin, overrides, field):
    member = health["health_members"]["马小红"]
    with pytest.raises(DomainError) as refused:
        days = {"signed_on": D(2026, 1, 1), "valid_until": D(2026, 12, 31), **overrides}
        contract(county_admin, member, days.pop("signed_on"), days.pop("valid_until"), **days)
    assert refused.value.field == field
    assert not DoctorContract.objects.filter(member=member).exists()


def test_members_without_a_valid_contract_on_a_day(health, county_admin):
    village = Region.objects.get(code=MAJIAZHAI)
    assert names(uncontracted(county_admin, D(2026, 11, 30), village)) == [
        "王秀英",
        "马小军",
        "马小红",
    ]
    assert names(uncontracted(county_admin, D(2025, 6, 1), village)) == ["马小军", "马小红"]
    # the last day of a contract is still covered, the next is not
    assert "王秀英" not in names(uncontracted(county_admin, D(2025, 12, 31), village))
    assert "王秀英" in names(uncontracted(county_admin, D(2026, 1, 1), village))
    # a member who left is no longer listed after the day they left
    kangxi = Region.objects.get(code=KANGXI)
    assert names(uncontracted(county_admin, D(2026, 5, 31), kangxi)) == ["李四", "李五", "李六"]
    assert names(uncontracted(county_admin, D(2026, 6, 1), kangxi)) == ["李四", "李六"]


def test_the_checkup_rate_against_the_hand_count(health, county_admin):
    figure = checkup_rate(county_admin, Region.objects.get(code=DIAOTAI), 2026)
    assert (figure.counted, figure.checked, figure.rate) == (5, 3, pytest.approx(60))
    assert str(figure.rate) == "60.0"
    assert [(e.member.name, e.reason) for e in figure.excluded] == [
        ("马小军", "外出务工（务工状况：外出务工）")
    ]
    assert figure.day == D(2026, 11, 30)
    assert "2026-01-01" in figure.definition and "钓台街道" in figure.definition


def test_the_rule_in_force_on_the_rate_day_decides(health, county_admin):
    """In 2025 康西村 had not yet set its rule: 李六, away for work, is left out; 李五 had not
    left; 马小红's check-up of 2025-12-31 counts for 2025."""
    figure = checkup_rate(county_admin, Region.objects.get(code=DIAOTAI), 2025)
    assert figure.day == D(2025, 12, 31)
    assert sorted(e.member.name for e in figure.excluded) == ["李六", "马小军"]
    assert (figure.counted, figure.checked) == (5, 1)
    assert str(figure.rate) == "20.0"


def test_a_place_with_nobody_counted_has_no_rate(health, county_admin):
    figure = checkup_rate(county_admin, Region.objects.get(code="611103001201"), 2026)
    assert (figure.counted, figure.rate) == (0, None)


def test_checkup_findings_and_refusals(health, county_admin):
    row = health["head_checkup"]
    assert sorted(c.label for c in row.findings.all()) == ["糖尿病", "高血压"]
    member = health["health_members"]["王秀英"]
    for findings, kwargs, field in [
        (["x"], {}, "findings"),
        ([], {"held_on": D(1960, 1, 1)}, "held_on"),
        ([], {"held_on": D(2026, 12, 1)}, "held_on"),
        ([], {"institution": ""}, "institution"),
        ([], {"summary": "\x00"}, "summary"),
    ]:
        with pytest.raises(DomainError) as refused:
            checkup(county_admin, member, kwargs.pop("held_on", D(2026, 5, 1)), findings, **kwargs)
        assert refused.value.field == field
    assert not CheckUp.objects.filter(member=member).exists()


def test_scope_and_capability(health, other_county_admin, helper_wang, leader):
    member = health["health_members"]["王秀英"]
    with pytest.raises(OutOfScope):
        contract(other_county_admin, member, D(2026, 1, 1), D(2026, 12, 31))
    for reader in (helper_wang, leader):
        with pytest.raises(NotPermitted):
            checkup(reader, member, D(2026, 5, 1))


def test_no_record_for_a_member_who_left(health, county_admin):
    with pytest.raises(DomainError) as refused:
        checkup(county_admin, health["health_members"]["李五"], D(2026, 7, 1))
    assert refused.value.code == "member_left"


def test_records_move_with_their_household(health, county_admin):
    from bangfu.registry.services import household_update
    from tests.registry.conftest import household_input

    household = health["health_household"]
    household_update(
        actor=county_admin,
        household_id=household.pk,
        household=household_input(number=household.number, region_code=KANGXI),
    )
    assert set(
        DoctorContract.objects.filter(member__household=household).values_list(
            "region_id", flat=True
        )
    ) == {KANGXI}
    assert set(
        CheckUp.objects.filter(member__household=household).values_list("region_id", flat=True)
    ) == {KANGXI}


def test_pages(health, client, county_admin):
    client.force_login(county_admin)
    member = health["health_member"]
    page = client.get(reverse("health:member", args=[member.pk]))
    assert page.status_code == 200 and "张医生" in page.content.decode()
    household = client.get(reverse("registry:household_detail", args=[member.household_id]))
    assert reverse("health:member", args=[member.pk]) in household.content.decode()
    signed = client.post(
        reverse("health:contract_sign", args=[health["health_members"]["马小红"].pk]),
        {
            "contract-doctor": "刘医生",
            "contract-institution": "马家寨村卫生室",
            "contract-package": "3",
            "contract-signed_on": "2026-11-01",
            "contract-valid_until": "2027-10-31",
        },
    )
    assert signed.status_code == 302
    refused = client.post(
        reverse("health:checkup_record", args=[member.pk]),
        {"checkup-held_on": "2026-12-25", "checkup-institution": "卫生院"},
    )
    assert refused.status_code == 400
    listed = client.get(reverse("health:uncontracted"), {"place": MAJIAZHAI})
    body = listed.content.decode()
    assert "王秀英" in body and "马小红" not in body
    sheet = client.get(reverse("health:uncontracted"), {"place": MAJIAZHAI, "format": "xlsx"})
    assert sheet.status_code == 200
    rate = client.get(reverse("health:checkup_rate"), {"place": DIAOTAI, "year": "2026"})
    assert rate.status_code == 200 and "60.0%" in rate.content.decode()
    for bad in ({"year": "1999"}, {"year": "abc"}, {"place": "12"}):
        assert client.get(reverse("health:checkup_rate"), bad).status_code == 400
    assert client.get(reverse("health:uncontracted"), {"day": "0001-01-01"}).status_code == 400


def test_api(health, client, county_admin):
    client.force_login(county_admin)
    member = health["health_members"]["马小红"]
    created = client.post(
        f"/api/health/members/{member.pk}/checkups",
        {"held_on": "2026-11-02", "institution": "卫生院", "findings": ["3"]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["findings"] == ["3"]
    refused = client.post(
        f"/api/health/members/{member.pk}/contracts",
        {
            "doctor": "刘医生",
            "institution": "卫生室",
            "package": "9",
            "signed_on": "2026-11-01",
            "valid_until": "2027-10-31",
        },
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["field"] == "package"
    shown = client.get(f"/api/health/members/{member.pk}").json()
    assert [c["held_on"] for c in shown["checkups"]] == ["2026-11-02", "2025-12-31"]
    rate = client.get("/api/health/checkup-rate", {"place": DIAOTAI, "year": "2026"}).json()
    assert (rate["counted"], rate["checked"], rate["rate"]) == (5, 4, "80.0")
    assert [row["name"] for row in rate["excluded"]] == ["马小军"]
    listed = client.get("/api/health/uncontracted", {"place": MAJIAZHAI}).json()
    assert [row["name"] for row in listed["items"]] == ["王秀英", "马小军", "马小红"]


def overdue(user, day, place=DIAOTAI):
    from bangfu.health.selectors import overdue_follow_ups

    return [
        (c.member.name, c.due)
        for c in overdue_follow_ups(user, day, Region.objects.get(code=place))
    ]


def test_overdue_follow_ups_across_month_ends(health, county_admin):
    assert overdue(county_admin, D(2026, 11, 30)) == [
        ("王秀英", D(2026, 2, 28)),
        ("马建国", D(2026, 10, 31)),
    ]
    # due on the month's last day: not overdue that day, overdue on the next month's first
    # (李四, not yet followed up then, was due since his diagnosis)
    assert [name for name, _ in overdue(county_admin, D(2026, 10, 31))] == ["李四", "王秀英"]
    assert [name for name, _ in overdue(county_admin, D(2026, 11, 1))] == [
        "李四",
        "王秀英",
        "马建国",
    ]
    # February's last day (2026 is no leap year): 王秀英 diagnosed that day is due that day
    assert "王秀英" not in [name for name, _ in overdue(county_admin, D(2026, 2, 28))]
    # as it stood on 1 March: 马建国 and 李四 not yet followed up (due since their
    # diagnosis), 李五 still in the household
    assert overdue(county_admin, D(2026, 3, 1)) == [
        ("马建国", D(2020, 5, 1)),
        ("李四", D(2024, 1, 1)),
        ("李五", D(2025, 1, 1)),
        ("王秀英", D(2026, 2, 28)),
    ]
    # a year's end: 李四's next due day lies in next February
    assert "李四" not in [name for name, _ in overdue(county_admin, D(2027, 1, 1))]


def test_a_follow_up_settles_what_was_overdue(health, county_admin):
    from .world import follow_up

    follow_up(county_admin, health["hypertension"], D(2026, 11, 30), "clinic", D(2027, 1, 31))
    assert [name for name, _ in overdue(county_admin, D(2026, 11, 30))] == ["王秀英"]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"held_on": D(2020, 4, 30)}, "held_on"),
        ({"next_due": D(2026, 11, 30)}, "next_due"),
        ({"next_due": D(2028, 1, 1)}, "next_due"),
        ({"kind": "visit"}, "kind"),
        ({"by": ""}, "by"),
    ],
)
def test_a_bad_follow_up_is_refused_on_its_field(health, county_admin, overrides, field):
    from bangfu.health.models import FollowUp

    from .world import follow_up

    days = {"held_on": D(2026, 11, 30), "next_due": D(2026, 12, 31), **overrides}
    with pytest.raises(DomainError) as refused:
        follow_up(
            county_admin,
            health["hypertension"],
            days.pop("held_on"),
            days.pop("kind", "home"),
            days.pop("next_due"),
            **days,
        )
    assert refused.value.field == field
    assert FollowUp.objects.count() == 2


def test_illness_pages_and_api(health, client, county_admin):
    client.force_login(county_admin)
    member = health["health_member"]
    page = client.get(reverse("health:member", args=[member.pk]))
    assert "高血压" in page.content.decode()
    recorded = client.post(
        reverse("health:follow_up_record", args=[member.pk]),
        {
            "follow_up-condition": str(health["hypertension"].pk),
            "follow_up-held_on": "2026-11-29",
            "follow_up-by": "张医生",
            "follow_up-kind": "phone",
            "follow_up-next_due": "2026-12-29",
        },
    )
    assert recorded.status_code == 302
    listed = client.get(reverse("health:follow_ups_overdue"), {"place": DIAOTAI})
    body = listed.content.decode()
    assert "王秀英" in body and "马建国" not in body
    sheet = client.get(reverse("health:follow_ups_overdue"), {"format": "xlsx"})
    assert sheet.status_code == 200
    made = client.post(
        f"/api/health/members/{health['health_members']['马小红'].pk}/conditions",
        {"illness": "3", "kind": "chronic", "diagnosed_on": "2026-11-01"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["due"] == "2026-11-01"
    api = client.get("/api/health/follow-ups/overdue", {"place": DIAOTAI}).json()
    assert [row["name"] for row in api["items"]] == ["王秀英", "马小红"]
    bad = client.post(
        f"/api/health/conditions/{health['hypertension'].pk}/follow-ups",
        {"held_on": "2026-11-29", "by": "张医生", "kind": "email"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "kind"


def test_large_medical_costs(health, county_admin, client):
    from decimal import Decimal

    from bangfu.health.models import MedicalCost
    from bangfu.health.services import CostInput, medical_cost_record

    cost = health["medical_cost"]
    assert (cost.reimbursed_share, cost.paid_by_household) == (Decimal("75.0"), Decimal(14000))
    member = health["health_members"]["王秀英"]
    for data, field in [
        ({"year": 2026, "total": "100", "reimbursed": "100.01"}, "reimbursed"),
        ({"year": 2027, "total": "100", "reimbursed": "0"}, "year"),
        ({"year": 2013, "total": "100", "reimbursed": "0"}, "year"),
        ({"year": 2026, "total": "1e15", "reimbursed": "0"}, "total"),
        ({"year": 2026, "total": "-1", "reimbursed": "0"}, "total"),
    ]:
        with pytest.raises(DomainError) as refused:
            medical_cost_record(actor=county_admin, member_id=member.pk, cost=CostInput(**data))
        assert refused.value.field == field
    assert MedicalCost.objects.count() == 1
    zero = medical_cost_record(
        actor=county_admin,
        member_id=member.pk,
        cost=CostInput(year=2025, total="0", reimbursed="0"),
    )
    assert zero.reimbursed_share is None
    client.force_login(county_admin)
    page = client.get(reverse("health:member", args=[member.pk])).content.decode()
    assert "75.0%" in page
    api = client.post(
        f"/api/health/members/{member.pk}/costs",
        {"year": 2024, "total": "1000", "reimbursed": "900"},  # 2026 and 2025 are on record
        content_type="application/json",
    )
    assert api.status_code == 201 and api.json()["reimbursed_share"] == "90.0"


def test_health_activities(health, county_admin, township_staff, client):
    from bangfu.health.models import Activity
    from bangfu.health.services import ActivityInput, activity_record

    assert [
        (a.region_id, a.kind, a.people_served) for a in Activity.objects.order_by("held_on")
    ] == [(MAJIAZHAI, "free_clinic", 86), (KANGXI, "health_bus", 40)]
    for data, field in [
        (ActivityInput("611103000000", "free_clinic", D(2026, 11, 1), "医院", 1), "region_code"),
        (ActivityInput("611199999999", "free_clinic", D(2026, 11, 1), "医院", 1), "region_code"),
        (ActivityInput(MAJIAZHAI, "party", D(2026, 11, 1), "医院", 1), "kind"),
        (ActivityInput(MAJIAZHAI, "free_clinic", D(2026, 11, 1), "医院", -1), "people_served"),
        (ActivityInput(MAJIAZHAI, "free_clinic", D(2026, 11, 1), "医院", 10**6), "people_served"),
    ]:
        with pytest.raises(DomainError) as refused:
            activity_record(actor=county_admin, activity=data)
        assert refused.value.field == field
    # township staff of 马王街道 cannot record in 钓台街道's villages
    with pytest.raises(DomainError):
        activity_record(
            actor=township_staff,
            activity=ActivityInput(MAJIAZHAI, "free_clinic", D(2026, 11, 1), "医院", 1),
        )
    client.force_login(county_admin)
    page = client.get(reverse("health:activities"), {"place": DIAOTAI}).content.decode()
    assert "区人民医院" in page and "86" in page
    posted = client.post(
        reverse("health:activities"),
        {
            "region_code": KANGXI,
            "kind": "clinic_day",
            "held_on": "2026-11-20",
            "organiser": "钓台街道卫生院",
            "people_served": "15",
        },
    )
    assert posted.status_code == 302
    api = client.get("/api/health/activities", {"place": KANGXI}).json()
    assert [(row["kind"], row["people_served"]) for row in api["items"]] == [
        ("clinic_day", 15),
        ("health_bus", 40),
    ]


def test_a_members_costs_of_a_year_are_one_record(health, county_admin, client):
    """The natural key of the medical insurance bureau's sheet, held by the database too: a
    second record of the year is refused on the page and in the API, never a server error."""
    from django.db import IntegrityError, transaction

    from bangfu.health.models import MedicalCost
    from bangfu.health.services import CostInput, medical_cost_record

    wife = health["health_members"]["王秀英"]  # her 2026 costs are on record
    with pytest.raises(DomainError) as refused:
        medical_cost_record(
            actor=county_admin,
            member_id=wife.pk,
            cost=CostInput(year=2026, total="100", reimbursed="0"),
        )
    assert (refused.value.field, refused.value.code) == ("year", "duplicate")
    client.force_login(county_admin)
    api = client.post(
        f"/api/health/members/{wife.pk}/costs",
        {"year": 2026, "total": "1000", "reimbursed": "900"},
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["field"] == "year"
    cost = health["medical_cost"]
    with pytest.raises(IntegrityError), transaction.atomic():
        MedicalCost.objects.create(
            member=wife,
            region_id=cost.region_id,
            year=2026,
            total=1,
            reimbursed=0,
            recorded_at=cost.recorded_at,
            recorded_by=county_admin,
        )
    assert MedicalCost.objects.filter(member=wife, year=2026).count() == 1


def test_records_follow_a_member_who_joins_a_household_elsewhere(health, county_admin):
    from bangfu.health.models import Condition, FollowUp, MedicalCost
    from bangfu.registry.services import member_move

    member = health["health_member"]
    wife = health["health_members"]["王秀英"]
    member_move(
        actor=county_admin,
        member_id=wife.pk,
        to_household_id=health["health_other_household"].pk,
        relation="02",
        effective_on=D(2026, 11, 30),
        reason="投亲",
    )
    for model in (DoctorContract, Condition, MedicalCost):
        assert set(model.objects.filter(member=wife).values_list("region_id", flat=True)) == {
            KANGXI
        }
    assert set(
        FollowUp.objects.filter(condition__member=member).values_list("region_id", flat=True)
    ) == {MAJIAZHAI}
