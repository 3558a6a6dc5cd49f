"""A small year of projects in 沣西新城 for the figures' tests, as the parts' services will
record it: projects put in the library at a stage (``make_project``'s way), then ledger
entries (a reversal among them), outputs, beneficiaries, measures, donations, sales and
collective incomes written as rows, each audited about its record and its place as the
services audit theirs (``object_type`` ``projects.*``, ``measure.*``), which is what the
place roll-ups read. Households go through the registry's services.

Hand-counted for the county in 2026 (period 2026-11):

- projects P1 石桥村 基建 started, P2 马家寨村 产业 accepted, P3 马王街道 基建 cancelled
  (2026); P4 石桥村 产业 accepted (2025);
- planned 2026 (not cancelled): P1 100,000 central + 20,000 county, P2 50,000 central;
- allocated 2026: P1 100,000 + 20,000, P2 50,000, P3 10,000 reversed = 170,000;
  paid 2026: P1 60,000 + 5,000 (+3,000 reversed), P2 50,000 = 115,000;
- outputs: 硬化道路 2.5 公里 (P1), 产业基地 120 亩 (P2); P3's 路灯 left out (cancelled);
- households able to work: H1, H2, H3 (石桥村, 石桥村, 马家寨村) and H5 (石桥村); H4 has no
  one able. Covered in 2026: H1 (an industry measure), H2 and H3 (beneficiaries of P1);
  H5 only of the cancelled P3;
- donations in November: 1,000 cash to H1, 500 to a school of 马王街道 (October's 2,000 of
  goods aside); sales in November: 3,000 + 1,500.50;
- collective income 2026: 石桥村 55,000 (below 马王街道's own floor of 60,000), 马王村
  30,000, 马家寨村 120,000, 康西村 none: 1 village of 4 reaches the floor and the good target.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from bangfu.core import audit
from bangfu.core.models import Code, Region
from bangfu.core.services import policy_set
from bangfu.plans.models import Measure
from bangfu.projects.models import (
    BeneficiaryHousehold,
    CollectiveIncome,
    Donation,
    EntryKind,
    LedgerEntry,
    Output,
    Project,
    Sale,
    Stage,
)
from bangfu.registry.services import household_register
from tests.registry.conftest import first_status, household_input, id_number, member_input

D = datetime.date
COUNTY, TOWNSHIP, VILLAGE = "611103000000", "611103001000", "611103001201"
OTHER_TOWNSHIP, OTHER_VILLAGE = "611103002000", "611103002201"
MAWANG = "611103001202"  # 马王村


def code(kind: str, value: str) -> Code:
    return Code.objects.get(kind=kind, value=value)


def touch(actor, row, action: str = "projects.test_write") -> None:
    """Audit a write about a record with its place, as the services do."""
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=action,
            obj=row,
            region_code=row.region_id,
            after=audit.snapshot(row),
        )


def entry(actor, project: Project, kind: str, source: str, amount, day, reverses=None):
    row = LedgerEntry.objects.create(
        project=project,
        region=project.region,
        kind=kind,
        source=code("fund_source", source),
        amount=Decimal(amount),
        day=day,
        voucher=f"记-{project.number}-{LedgerEntry.objects.count() + 1}",
        reverses=reverses,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    touch(actor, row)
    return row


def household(actor, number: str, village: str, labour: str, serial: str):
    return household_register(
        actor=actor,
        household=household_input(number=number, region_code=village),
        members=[
            member_input(
                name=f"户主{serial}", id_number=id_number("19700101", serial), labour=labour
            )
        ],
        status=first_status(),
    )


def measure(actor, home, kind: str, starts_on, due_on):
    row = Measure.objects.create(
        household=home,
        region=home.region,
        kind=code("plan_measure", kind),
        content="发展养殖",
        starts_on=starts_on,
        due_on=due_on,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    touch(actor, row, "measure.test_write")
    return row


def benefit(actor, project: Project, home) -> BeneficiaryHousehold:
    row = BeneficiaryHousehold.objects.create(
        project=project, household=home, region=home.region, mode=code("benefit_mode", "1")
    )
    touch(actor, row)
    return row


def output(actor, project: Project, kind: str, quantity) -> Output:
    row = Output.objects.create(
        project=project,
        region=project.region,
        kind=code("output_kind", kind),
        quantity=Decimal(quantity),
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    touch(actor, row)
    return row


def donation(actor, place: str, day, *, cash=0, goods_value=0, home=None) -> Donation:
    row = Donation.objects.create(
        region_id=place,
        donor_kind="enterprise",
        donor="西咸爱心企业",
        day=day,
        cash=Decimal(cash),
        goods="米面油" if goods_value else "",
        goods_value=Decimal(goods_value),
        recipient_kind="household" if home else "school",
        household=home,
        recipient="" if home else "马王小学",
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    touch(actor, row)
    return row


def sale(actor, place: str, day, amount) -> Sale:
    row = Sale.objects.create(
        region_id=place,
        buyer_kind="unit",
        buyer="新区机关食堂",
        product="猕猴桃",
        quantity=Decimal(100),
        unit="斤",
        amount=Decimal(amount),
        day=day,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    touch(actor, row)
    return row


def income(actor, village: str, year: int, source: str, amount) -> CollectiveIncome:
    row = CollectiveIncome.objects.create(
        region_id=village,
        year=year,
        source=code("collective_income_source", source),
        amount=Decimal(amount),
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    touch(actor, row)
    return row


def figures_world(actor, make_project) -> dict:
    """The year described above; answers its records by name."""
    p1 = make_project(
        "XM-2026-001",
        region_code=VILLAGE,
        kind="1",
        stage=Stage.STARTED,
        planned={"1": Decimal(100000), "4": Decimal(20000)},
    )
    p2 = make_project(
        "XM-2026-002",
        region_code=OTHER_VILLAGE,
        kind="2",
        stage=Stage.ACCEPTED,
        planned={"1": Decimal(50000)},
    )
    p3 = make_project(
        "XM-2026-003",
        region_code=TOWNSHIP,
        kind="1",
        stage=Stage.CANCELLED,
        planned={"5": Decimal(30000)},
    )
    p4 = make_project(
        "XM-2025-001",
        region_code=VILLAGE,
        kind="2",
        year=2025,
        stage=Stage.ACCEPTED,
        day=D(2025, 6, 1),
        planned={"1": Decimal(80000)},
    )
    for project in (p1, p2, p3, p4):
        touch(actor, project)
    allocation, payment = EntryKind.ALLOCATION, EntryKind.PAYMENT
    entry(actor, p1, allocation, "1", 100000, D(2026, 3, 10))
    entry(actor, p1, payment, "1", 60000, D(2026, 5, 10))
    entry(actor, p1, allocation, "4", 20000, D(2026, 3, 10))
    entry(actor, p1, payment, "4", 5000, D(2026, 6, 1))
    wrong = entry(actor, p1, payment, "4", 3000, D(2026, 6, 2))
    entry(actor, p1, payment, "4", -3000, D(2026, 6, 3), reverses=wrong)
    entry(actor, p2, allocation, "1", 50000, D(2026, 4, 1))
    entry(actor, p2, payment, "1", 50000, D(2026, 8, 1))
    given = entry(actor, p3, allocation, "5", 10000, D(2026, 4, 1))
    entry(actor, p3, allocation, "5", -10000, D(2026, 5, 1), reverses=given)
    entry(actor, p4, allocation, "1", 80000, D(2025, 7, 1))
    entry(actor, p4, payment, "1", 80000, D(2025, 9, 1))
    output(actor, p1, "1", "2.5")
    output(actor, p2, "8", "120")
    output(actor, p3, "2", "10")
    h1 = household(actor, "6111030012010001", VILLAGE, "1", "101")
    h2 = household(actor, "6111030012010002", VILLAGE, "2", "102")
    h3 = household(actor, "6111030022010003", OTHER_VILLAGE, "3", "103")
    h4 = household(actor, "6111030022010004", OTHER_VILLAGE, "5", "104")
    h5 = household(actor, "6111030012010005", VILLAGE, "1", "105")
    measure(actor, h1, "1", D(2026, 3, 1), D(2026, 12, 31))  # 产业, running in 2026
    measure(actor, h3, "4", D(2026, 3, 1), D(2026, 12, 31))  # 健康: no income project
    measure(actor, h5, "2", D(2024, 3, 1), D(2025, 12, 31))  # 就业, over before 2026
    benefit(actor, p1, h2)
    benefit(actor, p1, h3)
    benefit(actor, p3, h5)
    benefit(actor, p4, h1)
    donation(actor, VILLAGE, D(2026, 11, 5), cash=1000, home=h1)
    donation(actor, OTHER_VILLAGE, D(2026, 10, 10), goods_value=2000)
    donation(actor, TOWNSHIP, D(2026, 11, 20), cash=500)
    sale(actor, VILLAGE, D(2026, 11, 10), "3000")
    sale(actor, OTHER_VILLAGE, D(2026, 11, 12), "1500.50")
    income(actor, VILLAGE, 2026, "1", 40000)
    income(actor, VILLAGE, 2026, "3", 15000)
    income(actor, MAWANG, 2026, "1", 30000)
    income(actor, OTHER_VILLAGE, 2026, "1", 120000)
    income(actor, OTHER_VILLAGE, 2025, "1", 90000)
    policy_set(
        actor=actor,
        region_code=TOWNSHIP,
        key="projects.collective_income_floor",
        value=60000,
        valid_from=D(2026, 1, 1),
    )
    return {
        "projects": [p1, p2, p3, p4],
        "households": [h1, h2, h3, h4, h5],
        "village": Region.objects.get(code=VILLAGE),
    }
