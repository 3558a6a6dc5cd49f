"""The funds ledger's rules (资金台账): no payment beyond what is allocated from its source
(the amounts in the refusal), corrections only by reversing entries, balances equal to the
sums of the entries, entries only on a funded project, each kind by its capability."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from bangfu.core.errors import DomainError
from bangfu.core.models import AuditEntry
from bangfu.projects import selectors
from bangfu.projects.models import LedgerEntry, Stage
from bangfu.projects.services import allocation_record, entry_reverse, payment_record
from tests.visits.conftest import jpeg

from .conftest import OTHER_VILLAGE, VILLAGE

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 5, 1)


def allocate(actor, project, amount, source="1", day=DAY, **extra):
    return allocation_record(
        actor=actor, project_id=project.pk, source=source, amount=amount, day=day, **extra
    )


def pay(actor, project, amount, source="1", day=DAY, **extra):
    return payment_record(
        actor=actor, project_id=project.pk, source=source, amount=amount, day=day, **extra
    )


def test_a_payment_beyond_the_allocation_is_refused_with_the_amounts(
    today, make_project, county_admin, township_staff
):
    project = make_project(stage=Stage.STARTED)
    allocate(county_admin, project, "50000")
    pay(township_staff, project, "30000")
    with pytest.raises(DomainError) as refused:
        pay(township_staff, project, "20000.50")
    message = refused.value.message
    assert refused.value.code == "overspent"
    assert "50,000.50" in message and "50,000.00" in message and "0.50" in message
    assert project.number in message
    # What is allocated from another source does not pay for this one.
    allocate(county_admin, project, "90000", source="2")
    with pytest.raises(DomainError):
        pay(township_staff, project, "20000.01")
    pay(township_staff, project, "20000")  # exactly what is left
    assert LedgerEntry.objects.filter(project=project, kind="payment").count() == 2


def test_balances_equal_the_sums_of_the_entries(today, make_project, county_admin):
    project = make_project(
        stage=Stage.COMPLETED, planned={"1": Decimal("80000"), "3": Decimal("20000")}
    )
    allocate(county_admin, project, "60000")
    allocate(county_admin, project, "10000", source="2")
    pay(county_admin, project, "45000")
    wrong = pay(county_admin, project, "1000")
    entry_reverse(actor=county_admin, entry_id=wrong.pk, day=DAY, reason="重复报账")
    rows = {row.source.value: row for row in selectors.balances(project)}
    assert set(rows) == {"1", "2", "3"}
    assert (rows["1"].planned, rows["1"].allocated, rows["1"].paid) == (80000, 60000, 45000)
    assert rows["1"].balance == 15000 and rows["1"].rate == Decimal("75.0")
    assert (rows["2"].planned, rows["2"].allocated, rows["2"].paid) == (0, 10000, 0)
    assert (rows["3"].allocated, rows["3"].rate) == (0, None)
    total = selectors.total_of(list(rows.values()))
    assert (total.planned, total.allocated, total.paid) == (100000, 70000, 45000)


def test_a_reversal_puts_an_entry_right_once(today, make_project, county_admin):
    project = make_project(stage=Stage.STARTED)
    entry = allocate(county_admin, project, "5000", voucher="记-001")
    reversal = entry_reverse(actor=county_admin, entry_id=entry.pk, day=DAY, reason="金额有误")
    assert (reversal.amount, reversal.kind, reversal.reverses_id) == (-5000, "allocation", entry.pk)
    assert reversal.note == "金额有误" and reversal.voucher == "记-001"
    with pytest.raises(DomainError) as twice:
        entry_reverse(actor=county_admin, entry_id=entry.pk, day=DAY, reason="再次")
    assert twice.value.code == "already_reversed"
    with pytest.raises(DomainError) as of_reversal:
        entry_reverse(actor=county_admin, entry_id=reversal.pk, day=DAY, reason="再次")
    assert of_reversal.value.code == "reversal_reversed"
    with pytest.raises(DomainError) as no_reason:
        entry_reverse(
            actor=county_admin,
            entry_id=allocate(county_admin, project, "1").pk,
            day=DAY,
            reason=" ",
        )
    assert no_reason.value.field == "reason"
    with pytest.raises(DomainError) as earlier:
        entry_reverse(
            actor=county_admin, entry_id=entry.pk, day=DAY - datetime.timedelta(1), reason="x"
        )
    assert earlier.value.code in ("already_reversed", "bad_day")
    assert AuditEntry.objects.filter(action="ledger.reverse").count() == 1


def test_reversing_an_allocation_already_paid_out_is_refused(
    today, make_project, county_admin, township_staff
):
    project = make_project(stage=Stage.STARTED)
    entry = allocate(county_admin, project, "5000")
    allocate(county_admin, project, "1000")
    pay(township_staff, project, "3000")
    with pytest.raises(DomainError) as refused:
        entry_reverse(actor=county_admin, entry_id=entry.pk, day=DAY, reason="下达有误")
    assert "3,000.00" in refused.value.message and "1,000.00" in refused.value.message
    assert refused.value.field == "entry_id"
    payment = LedgerEntry.objects.get(kind="payment")
    entry_reverse(actor=township_staff, entry_id=payment.pk, day=DAY, reason="退回")
    entry_reverse(actor=county_admin, entry_id=entry.pk, day=DAY, reason="下达有误")
    (row,) = selectors.balances(project)
    assert (row.allocated, row.paid) == (1000, 0)


def test_each_kind_of_entry_needs_its_capability(
    today, make_project, county_admin, township_staff, leader
):
    project = make_project(stage=Stage.STARTED, region_code=VILLAGE)
    with pytest.raises(PermissionDenied):
        allocate(township_staff, project, "100")  # the county allocates
    entry = allocate(county_admin, project, "100")
    with pytest.raises(PermissionDenied):
        entry_reverse(actor=township_staff, entry_id=entry.pk, day=DAY, reason="x")
    with pytest.raises(PermissionDenied):
        pay(leader, project, "10")
    pay(township_staff, project, "10")


def test_a_project_outside_the_actors_places_is_missing(
    today, make_project, county_admin, township_staff, other_county_admin
):
    elsewhere = make_project(stage=Stage.STARTED, region_code=OTHER_VILLAGE)
    allocate(county_admin, elsewhere, "100")
    with pytest.raises(Http404):
        pay(township_staff, elsewhere, "10")  # another township's village
    with pytest.raises(Http404):
        allocate(other_county_admin, elsewhere, "10")


@pytest.mark.parametrize("stage", [Stage.PLANNED, Stage.CANCELLED])
def test_no_entry_before_approval_or_after_cancellation(today, make_project, county_admin, stage):
    project = make_project(stage=stage)
    with pytest.raises(DomainError) as refused:
        allocate(county_admin, project, "100")
    assert refused.value.code == "project_not_funded"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "1e15"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"source": "99"}, "source"),
        ({"day": datetime.date(2026, 12, 1)}, "day"),  # tomorrow
        ({"day": "2013-12-31"}, "day"),
        ({"voucher": "记" * 51}, "voucher"),
        ({"note": "\x00"}, "note"),
    ],
)
def test_bad_values_are_refused_and_nothing_stored(
    today, make_project, county_admin, change, field
):
    project = make_project(stage=Stage.STARTED)
    with pytest.raises(DomainError) as refused:
        allocation_record(
            actor=county_admin,
            project_id=project.pk,
            **{"source": "1", "amount": "100", "day": DAY, **change},
        )
    assert refused.value.field == field
    assert not LedgerEntry.objects.exists()


def test_the_voucher_photo_is_kept_small_and_audited_with_the_place(
    today, make_project, county_admin, township_staff
):
    project = make_project(stage=Stage.STARTED)
    allocate(county_admin, project, "1000")
    entry = pay(
        township_staff, project, "800", voucher="付-7", voucher_image=jpeg(size=(3000, 2000))
    )
    assert entry.voucher_image.name.startswith("projects/vouchers/2026/11/")
    audit = AuditEntry.objects.get(action="ledger.pay")
    assert (audit.object_type, audit.object_id) == ("projects.ledgerentry", str(entry.pk))
    assert audit.region_code == VILLAGE
    with pytest.raises(DomainError) as not_a_photo:
        pay(township_staff, project, "10", voucher_image=b"%PDF-1.4")
    assert not_a_photo.value.code == "not_a_photo"


def test_the_ledger_list_filters_and_totals(today, make_project, county_admin, township_staff):
    road = make_project("XM-1", kind="1", stage=Stage.STARTED)
    farm = make_project("XM-2", kind="2", stage=Stage.STARTED, region_code=OTHER_VILLAGE)
    allocate(county_admin, road, "1000")
    allocate(county_admin, farm, "2000", source="2")
    pay(county_admin, farm, "500", source="2")
    old = make_project("XM-3", kind="1", stage=Stage.STARTED, year=2025)
    allocate(county_admin, old, "70", day=datetime.date(2025, 12, 31))
    listed = selectors.ledger_entries(county_admin)
    assert (listed.allocated, listed.paid, listed.rate) == (3070, 500, Decimal("16.3"))
    # A year is the projects' (the year whose funds they are), not the entry's day.
    assert selectors.ledger_entries(county_admin, year=2025).allocated == 70
    allocate(county_admin, old, "30", day=datetime.date(2026, 2, 1))
    assert selectors.ledger_entries(county_admin, year=2025).allocated == 100
    assert selectors.ledger_entries(county_admin, kind="2").entries.count() == 2
    assert selectors.ledger_entries(county_admin, kind="1").allocated == 1100
    assert selectors.ledger_entries(county_admin, source="2", entry_kind="payment").paid == 500
    mine = selectors.ledger_entries(township_staff)  # 马王街道 only: the road's village
    assert (mine.allocated, mine.paid) == (1100, 0)
