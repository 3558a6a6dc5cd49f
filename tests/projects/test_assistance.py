"""Assets, donations, consumption assistance, collective income and the coverage of household
income projects (到户项目), through their services; today is 2026-11-30."""

import datetime
from decimal import Decimal

import pytest

from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.models import AuditEntry, Code, Region
from bangfu.core.services import policy_set
from bangfu.plans.models import MeasureStatus
from bangfu.projects import selectors, services
from bangfu.projects.models import BeneficiaryHousehold, Stage
from bangfu.registry.services import household_register, household_update
from tests.plans.conftest import add as measure
from tests.projects.conftest import VILLAGE
from tests.registry.conftest import first_status, household_input, id_number, member_input

pytestmark = pytest.mark.django_db
DAY = datetime.date


def household(actor, serial: str, *, region_code: str = VILLAGE, labour: str = "3"):
    """A household of one member, its head, of ``labour`` ability."""
    return household_register(
        actor=actor,
        household=household_input(number=f"{region_code}{serial}", region_code=region_code),
        members=[
            member_input(
                name=f"户主{serial}",
                id_number=id_number(f"197001{region_code[-2:]}", serial[-3:]),
                labour=labour,
            )
        ],
        status=first_status(),
    )


def asset(actor, project, **overrides):
    values = {
        "project_id": project.pk,
        "village_code": VILLAGE,
        "kind": "1",
        "name": "石桥村产业路",
        "quantity": "2.5",
        "unit": "公里",
        "value": "850000",
        "owner": "collective",
        "maintainer": "石桥村村委会",
        "registered_on": DAY(2026, 10, 1),
    }
    values.update(overrides)
    return services.asset_register(actor=actor, **values)


# -- assets ----------------------------------------------------------------------------------


def test_an_accepted_project_registers_its_assets(today, make_project, township_staff):
    project = make_project(stage=Stage.ACCEPTED, day=DAY(2026, 9, 20))
    made = asset(township_staff, project)
    assert (made.region_id, made.kind.value, made.value) == (VILLAGE, "1", Decimal("850000"))
    entry = AuditEntry.objects.get(action="asset.register")
    assert (entry.object_type, entry.region_code) == ("projects.asset", VILLAGE)
    assert list(selectors.assets(township_staff)) == [made]


@pytest.mark.parametrize("stage", [Stage.PLANNED, Stage.APPROVED, Stage.STARTED, Stage.COMPLETED])
def test_assets_wait_for_acceptance(today, make_project, county_admin, stage):
    project = make_project(stage=stage)
    with pytest.raises(DomainError) as refused:
        asset(county_admin, project)
    assert refused.value.code == "not_accepted" and project.number in str(refused.value.message)


def test_asset_rules(today, make_project, county_admin, helper_wang, other_county_admin):
    project = make_project(stage=Stage.ACCEPTED, day=DAY(2026, 9, 20))
    refusals = {
        "before_accepted": {"registered_on": DAY(2026, 9, 1)},
        "not_a_village": {"village_code": "611103001000"},
        "no_household": {"owner": "household"},
        "bad_kind": {"kind": "9"},
        "required": {"maintainer": " "},
        "too_long": {"unit": "公" * 21},
    }
    for code, overrides in refusals.items():
        with pytest.raises(DomainError) as refused:
            asset(county_admin, project, **overrides)
        assert refused.value.code == code, overrides
    with pytest.raises(NotPermitted):
        asset(helper_wang, project)
    with pytest.raises(OutOfScope):
        asset(other_county_admin, project, village_code="610118001201")


def test_a_household_owns_an_asset_of_its_village(today, make_project, county_admin):
    project = make_project(stage=Stage.ACCEPTED, day=DAY(2026, 9, 20))
    here, there = (
        household(county_admin, "0001"),
        household(county_admin, "0001", region_code="611103001202"),
    )
    owned = asset(county_admin, project, kind="3", owner="household", owner_household_id=here.pk)
    assert owned.owner_household == here
    with pytest.raises(DomainError) as refused:
        asset(county_admin, project, kind="3", owner="household", owner_household_id=there.pk)
    assert refused.value.code == "household_elsewhere"


def test_a_new_maintainer_is_audited(today, make_project, county_admin):
    made = asset(county_admin, make_project(stage=Stage.ACCEPTED, day=DAY(2026, 9, 20)))
    services.asset_update(
        actor=county_admin, asset_id=made.pk, maintainer="石桥村合作社", value="800000"
    )
    entry = AuditEntry.objects.get(action="asset.update")
    assert (
        entry.before["maintainer"] == "石桥村村委会" and entry.after["maintainer"] == "石桥村合作社"
    )
    assert entry.after["value"] in ("800000.00", 800000, "800000")


# -- donations, agreements, sales -----------------------------------------------------------


def donation(actor, **overrides):
    values = {
        "donor_kind": "enterprise",
        "donor": "陕西某建材公司",
        "day": DAY(2026, 6, 1),
        "cash": "5000",
        "goods": "",
        "goods_value": "",
        "recipient_kind": "village",
        "region_code": VILLAGE,
    }
    values.update(overrides)
    return services.donation_record(actor=actor, **values)


def test_donations_reach_their_recipients_places(today, county_admin):
    home = household(county_admin, "0001")
    to_village = donation(county_admin)
    to_home = donation(
        county_admin,
        recipient_kind="household",
        household_id=home.pk,
        region_code=None,
        cash="0",
        goods="大米10袋",
        goods_value="600",
    )
    to_student = donation(
        county_admin,
        recipient_kind="student",
        region_code="611103001000",
        recipient="马王中学 李同学",
    )
    assert [d.region_id for d in (to_village, to_home, to_student)] == [
        VILLAGE,
        VILLAGE,
        "611103001000",
    ]
    totals = selectors.donation_totals(selectors.donations(county_admin, year=2026))
    assert (totals.count, totals.amount, totals.goods_value) == (
        3,
        Decimal("10000"),
        Decimal("600"),
    )
    assert AuditEntry.objects.filter(action="donation.record").count() == 3


def test_donation_rules(today, county_admin, helper_wang):
    refusals = {
        "no_value": {"cash": "0"},
        "goods_unvalued": {"goods": "棉被20床"},
        "goods_unnamed": {"goods_value": "300"},
        "no_recipient": {"recipient_kind": "school"},
        "no_household": {"recipient_kind": "household", "region_code": None},
        "not_a_village": {"region_code": "610118001201"},
        "bad_choice": {"donor_kind": "alien"},
        "out_of_range": {"day": DAY(2026, 12, 1)},
    }
    for code, overrides in refusals.items():
        with pytest.raises(DomainError) as refused:
            donation(county_admin, **overrides)
        assert refused.value.code == code, overrides
    with pytest.raises(NotPermitted):
        donation(helper_wang)


def test_sales_under_an_agreement_are_its_sellers(today, county_admin):
    home = household(county_admin, "0001")
    agreement = services.agreement_record(
        actor=county_admin,
        buyer_kind="unit",
        buyer="区机关食堂",
        products="土鸡蛋",
        signed_on=DAY(2026, 3, 1),
        valid_until=DAY(2026, 12, 31),
        amount="20000",
        household_id=home.pk,
    )
    sale = {
        "buyer_kind": "unit",
        "buyer": "区机关食堂",
        "product": "土鸡蛋",
        "quantity": "300",
        "unit": "斤",
        "amount": "2400",
        "day": DAY(2026, 5, 10),
    }
    under = services.sale_record(actor=county_admin, agreement_id=agreement.pk, **sale)
    assert (under.household, under.region_id) == (home, VILLAGE)
    plain = services.sale_record(actor=county_admin, region_code=VILLAGE, **sale)
    assert plain.agreement is None and plain.household is None
    assert selectors.sale_totals(selectors.sales(county_admin, year=2026)).amount == Decimal("4800")
    assert selectors.agreements(county_admin).get().sold == Decimal("2400")
    refusals = {
        "outside_agreement": {"agreement_id": agreement.pk, "day": DAY(2026, 2, 1)},
        "other_seller": {"agreement_id": agreement.pk, "region_code": VILLAGE},
        "household_or_place": {"household_id": home.pk, "region_code": VILLAGE},
        "not_a_village": {"region_code": "611103001000"},
    }
    for code, overrides in refusals.items():
        with pytest.raises(DomainError) as refused:
            services.sale_record(actor=county_admin, **{**sale, **overrides})
        assert refused.value.code == code, overrides
    with pytest.raises(DomainError) as refused:
        services.agreement_record(
            actor=county_admin,
            buyer_kind="unit",
            buyer="食堂",
            products="蛋",
            signed_on=DAY(2026, 3, 1),
            valid_until=DAY(2026, 2, 1),
            region_code=VILLAGE,
        )
    assert refused.value.code == "bad_valid_until"


def test_a_households_records_move_with_it(today, county_admin):
    home = household(county_admin, "0001")
    given = donation(
        county_admin, recipient_kind="household", household_id=home.pk, region_code=None
    )
    household_update(
        actor=county_admin,
        household_id=home.pk,
        household=household_input(number=home.number, region_code="611103001202"),
    )
    given.refresh_from_db()
    assert given.region_id == "611103001202"


# -- collective income -----------------------------------------------------------------------


def record(actor, village, source, amount, year=2026):
    return services.collective_income_record(
        actor=actor, village_code=village, year=year, source=source, amount=amount
    )


def test_recording_a_source_again_replaces_it(today, county_admin):
    record(county_admin, VILLAGE, "1", "40000")
    again = record(county_admin, VILLAGE, "1", "45000")
    assert again.amount == Decimal("45000")
    entries = list(AuditEntry.objects.filter(action="collective_income.record").order_by("seq"))
    assert entries[0].before is None and entries[1].before["amount"] in ("40000.00", "40000")
    with pytest.raises(DomainError) as refused:
        record(county_admin, "611103001000", "1", "1")
    assert refused.value.code == "not_a_village"
    with pytest.raises(DomainError) as refused:
        record(county_admin, VILLAGE, "9", "1")
    assert refused.value.code == "bad_source"


def test_collective_income_against_its_targets(today, county_admin):
    """Hand-computed: the county's four villages in 2026, 钓台街道's floor lowered to 20,000.

    石桥村 40,000 + 20,000 = 60,000: above the floor (50,000), below good (100,000);
    马王村 120,000: good; 马家寨村 30,000 − 5,000 = 25,000: above its township's floor;
    康西村 nothing recorded: below. Floor reached 3 of 4, good 1 of 4 = 25.0% < 50%."""
    policy_set(
        actor=county_admin,
        region_code="611103002000",
        key="projects.collective_income_floor",
        value="20000",
        valid_from=DAY(2026, 1, 1),
    )
    record(county_admin, "611103001201", "1", "40000")
    record(county_admin, "611103001201", "3", "20000")
    record(county_admin, "611103001202", "2", "120000")
    record(county_admin, "611103002201", "1", "30000")
    record(county_admin, "611103002201", "5", "-5000")
    record(county_admin, "611103002202", "1", "999999", year=2025)  # another year
    county = Region.objects.get(code="611103000000")
    standing = selectors.collective_income_standing(county_admin, within=county, year=2026)
    by_village = {row.village.name: row for row in standing.rows}
    assert {name: row.total for name, row in by_village.items()} == {
        "石桥村": Decimal("60000"),
        "马王村": Decimal("120000"),
        "马家寨村": Decimal("25000"),
        "康西村": None,
    }
    assert by_village["石桥村"].by_source == {"1": Decimal("40000"), "3": Decimal("20000")}
    assert (by_village["马家寨村"].floor, by_village["石桥村"].floor) == (20000, 50000)
    assert (standing.villages, standing.reaching_floor, standing.reaching_good) == (4, 3, 1)
    assert (standing.share_good, standing.good_share, standing.meets_good_share) == (
        Decimal("25.0"),
        50,
        False,
    )
    assert [row.village.name for row in standing.below] == ["康西村"]
    township = Region.objects.get(code="611103001000")
    there = selectors.collective_income_standing(county_admin, within=township, year=2026)
    assert (there.villages, there.reaching_good, there.meets_good_share) == (2, 1, True)


# -- household income projects (到户项目) ------------------------------------------------------


def test_coverage_lists_households_able_to_work_without_an_income_project(
    today, county_admin, make_project
):
    """In 石桥村: 0001 an industry measure this year (covered); 0002 only an education
    measure; 0003 a beneficiary of a 2026 project (covered); 0004 no one able to work; 0005
    an income measure dropped; 0006 an employment measure that ended in 2025; 0007 a
    beneficiary of a cancelled project."""
    made = {
        serial: household(county_admin, serial)
        for serial in ("0001", "0002", "0003", "0005", "0006", "0007")
    }
    made["0004"] = household(county_admin, "0004", labour="4")
    measure(county_admin, made["0001"], kind="1")
    measure(county_admin, made["0002"], kind="3")
    measure(county_admin, made["0004"], kind="1")
    measure(county_admin, made["0005"], kind="2", status=MeasureStatus.DROPPED)
    measure(
        county_admin, made["0006"], kind="2", starts_on=DAY(2025, 3, 1), due_on=DAY(2025, 12, 31)
    )
    for number, stage, serial in (
        ("XM-1", Stage.STARTED, "0003"),
        ("XM-2", Stage.CANCELLED, "0007"),
    ):
        BeneficiaryHousehold.objects.create(
            project=make_project(number, stage=stage),
            household=made[serial],
            region_id=VILLAGE,
            mode=Code.objects.filter(kind="benefit_mode").first(),
        )
    village = Region.objects.get(code=VILLAGE)
    coverage = selectors.income_project_coverage(county_admin, within=village, year=2026)
    assert (coverage.able, coverage.covered) == (6, 2)
    assert [(h.number[-4:], h.head_name) for h in coverage.without] == [
        ("0002", "户主0002"),
        ("0005", "户主0005"),
        ("0006", "户主0006"),
        ("0007", "户主0007"),
    ]
    assert selectors.income_project_coverage(county_admin, within=village, year=2025).covered == 1
