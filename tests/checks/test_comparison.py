"""The comparison of a snapshot with the records, on a planted-difference corpus.

The records are a small demo district (``demo.households.make_households``: plausible
families, valid ID numbers) with incomes; the snapshot is first a copy made from the records
themselves (``copy_of_records``), which must give no difference at all, then the same copy
with differences planted on each side: every one found exactly once, at its household,
member, field, values and place.
"""

import dataclasses
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from bangfu.checks.models import (
    Difference,
    DifferenceKind,
    DifferenceState,
    Snapshot,
    SnapshotHousehold,
    SnapshotMember,
)
from bangfu.checks.rows import SnapshotHouseholdRow, SnapshotMemberRow
from bangfu.checks.services import households_recheck, snapshot_compare, snapshot_store
from bangfu.core import idnumbers, rotation
from bangfu.core import services as core
from bangfu.core.audit import verify_chain
from bangfu.core.errors import DomainError
from bangfu.core.models import AuditEntry, Code
from bangfu.core.protection import lookup_hash, unseal
from bangfu.demo.households import make_households
from bangfu.exchange import services as exchange
from bangfu.registry import services as registry
from bangfu.registry.models import AnnualIncome, Household, HouseholdStatus, Member, StatusChange
from tests.teams.conftest import on_day  # noqa: F401 (a fixture)

COUNTY = "611103000000"
VILLAGES = ["611103001201", "611103002201", "611103002201001"]
MAY, JUNE = datetime.date(2026, 5, 1), datetime.date(2026, 6, 1)
COMPARED_ON = datetime.date(2026, 7, 6)  # a Monday after June's export came


@pytest.fixture
def district(county_admin):
    make_households(actor=county_admin, villages=VILLAGES, count=9, seed=5)
    for index, household in enumerate(Household.objects.order_by("number")):
        registry.income_record(
            actor=county_admin,
            household_id=household.pk,
            income=registry.IncomeInput(
                year=2025,
                wages=Decimal(9000 + 1000 * index),
                business=Decimal("1200.50"),
                transfers=Decimal(800),
                property_income=Decimal(0),
                costs=Decimal(300),
            ),
        )
    return list(Household.objects.order_by("number"))


def _value(code) -> str:
    return code.value if code is not None else ""


def copy_of_records() -> tuple[list[SnapshotHouseholdRow], list[SnapshotMemberRow]]:
    """The county's open households and current members as the national system would export
    them if it agreed with the records in everything."""
    households, members = [], []
    for h in Household.objects.filter(closed_on=None).order_by("number"):
        monitored = (
            StatusChange.objects.filter(household=h, status=HouseholdStatus.MONITORED)
            .order_by("-effective_on", "-pk")
            .first()
        )
        income = AnnualIncome.objects.filter(household=h).order_by("-year").first()
        households.append(
            SnapshotHouseholdRow(
                number=h.number,
                region_code=h.region_id,
                attribute=h.attribute.value,
                standard=h.standard.value,
                main_cause=h.main_cause.value,
                other_causes=",".join(sorted(c.value for c in h.other_causes.all())),
                year_identified=h.year_identified,
                planned_exit_year=h.planned_exit_year,
                status=h.status,
                monitoring_type=_value(h.monitoring_type),
                risk_types=",".join(sorted(c.value for c in monitored.risk_types.all()))
                if monitored
                else "",
                address=h.address,
                phone=h.phone,
                bank_name=h.bank_name,
                land_area_mu=h.land_area_mu,
                housing_area=h.housing_area,
                housing_structure=h.housing_structure,
                danger_grade=h.danger_grade,
                water_difficulty=h.water_difficulty,
                water_safe=h.water_safe,
                has_power=h.has_power,
                toilet=h.toilet,
                road_distance_km=h.road_distance_km,
                per_capita_income=income.per_capita_net if income else None,
                income_year=income.year if income else None,
            )
        )
        for m in h.members.filter(left_on=None).order_by("pk"):
            members.append(
                SnapshotMemberRow(
                    household_number=h.number,
                    id_number_hash=m.id_number_hash,
                    id_number_masked=idnumbers.mask(unseal(m.id_number_sealed), 4, 2),
                    name=m.name,
                    sex=m.sex,
                    birth_date=m.birth_date,
                    relation=m.relation.value,
                    ethnicity=m.ethnicity.value,
                    education=_value(m.education),
                    schooling=_value(m.schooling),
                    health=m.health.value,
                    disability=m.disability,
                    labour=m.labour.value,
                    work_status=m.work_status,
                    dibao=m.dibao,
                    medical_insurance=m.medical_insurance,
                    pension_insurance=m.pension_insurance,
                )
            )
    return households, members


def stored(month, households, members, *, by) -> Snapshot:
    """The snapshot as the import's store keeps it (part of the check built beside this)."""
    snapshot = Snapshot.objects.create(
        region_id=COUNTY,
        month=month,
        file_name="国家系统导出.xlsx",
        imported_by=by,
        households=len(households),
        members=len(members),
    )
    SnapshotHousehold.objects.bulk_create(
        SnapshotHousehold(snapshot=snapshot, **dataclasses.asdict(row)) for row in households
    )
    SnapshotMember.objects.bulk_create(
        SnapshotMember(snapshot=snapshot, **dataclasses.asdict(row)) for row in members
    )
    return snapshot


def label(kind: str, value: str) -> str:
    """A code as a difference shows it: its label, then its code."""
    return f"{Code.objects.get(kind=kind, value=value).label}（{value}）"


def test_a_copy_of_the_records_differs_in_nothing(district, county_admin):
    households, members = copy_of_records()
    result = snapshot_compare(snapshot_id=stored(MAY, households, members, by=county_admin).pk)
    assert Difference.objects.count() == 0
    assert (result.households, result.members) == (len(households), len(members))
    assert (result.opened, result.fixed, result.still_open) == (0, 0, 0)
    assert AuditEntry.objects.filter(action="snapshot.compare").count() == 1


def test_every_planted_difference_is_found_once_where_it_is(district, county_admin):
    households, members = copy_of_records()
    by_number = {row.number: row for row in households}
    numbers = sorted(by_number)
    place = {h.number: h.region_id for h in district}
    member_place = {}
    expected = set()

    def of(number):
        return [m for m in members if m.household_number == number]

    # A name changed in the system.
    one = of(numbers[0])[0]
    registry_name, one.name = one.name, one.name + "明"
    expected.add((numbers[0], registry_name, "name", "value", one.name, registry_name))
    # A relation changed.
    two = of(numbers[0])[1] if len(of(numbers[0])) > 1 else of(numbers[4])[1]
    relation = two.relation
    two.relation = "05" if relation != "05" else "06"
    expected.add(
        (two.household_number, two.name, "relation", "value",
         label("relation", two.relation), label("relation", relation))
    )  # fmt: skip
    # The main cause and the other causes.
    h = by_number[numbers[1]]
    cause, h.main_cause = h.main_cause, "5" if h.main_cause != "5" else "6"
    expected.add(
        (numbers[1], "", "main_cause", "value", label("poverty_cause", h.main_cause),
         label("poverty_cause", cause))
    )  # fmt: skip
    h.other_causes = "" if h.other_causes else "3"
    expected.add((numbers[1], "", "other_causes", "value", "?", "?"))
    # The income: 100 yuan a person more in the system.
    h2 = by_number[numbers[2]]
    registry_income = h2.per_capita_income
    h2.per_capita_income = registry_income + 100
    expected.add(
        (numbers[2], "", "per_capita_income", "value", f"{h2.per_capita_income.normalize():f}",
         f"{registry_income.normalize():f}")
    )  # fmt: skip
    # The village or group.
    h3 = by_number[numbers[3]]
    h3.region_code = VILLAGES[0] if h3.region_code != VILLAGES[0] else VILLAGES[1]
    expected.add((numbers[3], "", "region_code", "value", h3.region_code, place[numbers[3]]))
    # An ID number changed (the same person, by name, in the same household).
    three = of(numbers[5])[0]
    three.id_number_hash = lookup_hash("610118199001011234")
    registry_masked = idnumbers.mask(
        unseal(Member.objects.get(name=three.name, household__number=numbers[5]).id_number_sealed),
        4,
        2,
    )
    three.id_number_masked = "6101************34"
    expected.add(
        (numbers[5], three.name, "id_number", "value", "6101************34", registry_masked)
    )
    # A member only in the system; a member only in the records.
    newborn = SnapshotMemberRow(
        household_number=numbers[6],
        id_number_hash=lookup_hash("611103202601010011"),
        id_number_masked="6111************11",
        name="新生儿",
        relation="05",
    )
    members.append(newborn)
    expected.add((numbers[6], "新生儿", "member", "only_system", "新生儿 6111************11", ""))
    gone = of(numbers[7])[-1]
    members.remove(gone)
    expected.add((numbers[7], gone.name, "member", "only_handbook", "", "?"))
    # A member the system holds in another household of the county.
    moved = of(numbers[4])[-1]
    moved.household_number = numbers[8]
    expected.add((numbers[4], moved.name, "number", "value", numbers[8], numbers[4]))
    member_place[moved.name] = place[numbers[4]]
    # A household only in the records; one only in the system, at a group of the county.
    only_records = numbers[8]
    households.remove(by_number[only_records])
    for m in of(only_records):
        if m is not moved:
            members.remove(m)
    expected.add((only_records, "", "household", "only_handbook", "", only_records))
    households.append(SnapshotHouseholdRow(number="611103002201009999", region_code=VILLAGES[2]))
    expected.add(("611103002201009999", "", "household", "only_system", "611103002201009999", ""))
    place["611103002201009999"] = VILLAGES[2]

    # The same rows in another order: order never makes a difference.
    households.reverse()
    members.reverse()
    result = snapshot_compare(snapshot_id=stored(MAY, households, members, by=county_admin).pk)

    differences = list(Difference.objects.all())
    got = {(d.household_number, d.member_name, d.field, d.kind) for d in differences}
    assert len(got) == len(differences)  # each found once
    assert got == {e[:4] for e in expected}
    assert result.opened == len(expected) == result.still_open
    for d in differences:
        want = next(e for e in expected if e[:4] == (d.household_number, d.member_name,
                                                        d.field, d.kind))  # fmt: skip
        if want[4] != "?":
            assert d.system_value == want[4], d.field
        if want[5] != "?":
            assert d.handbook_value == want[5], d.field
        assert d.region_id == member_place.get(d.member_name, place[d.household_number])
        assert d.found_on == MAY and d.state == DifferenceState.OPEN
        if d.kind != DifferenceKind.ONLY_SYSTEM or d.field == "member":
            assert d.household.number == d.household_number
        if d.member_id:
            assert d.member.name == d.member_name
    by_field = {d.field: d for d in differences}
    assert by_field["relation"].field_name == "与户主关系"
    assert by_field["per_capita_income"].field_name == "人均纯收入"
    assert by_field["id_number"].field_name == "证件号码"
    assert by_field["number"].field_name == "户编号"
    # A code shows its label with its code; a person reads several joined by 、.
    assert by_field["relation"].system_value.endswith(f"（{two.relation}）")
    assert "（" in by_field["main_cause"].handbook_value
    assert by_field["household"].member_id is None
    assert AuditEntry.objects.filter(action="difference.find").count() == len(expected)
    assert verify_chain()[1] is None


def test_the_next_snapshot_closes_what_now_agrees_and_raises_nothing_twice(
    district,
    county_admin,
    on_day,  # noqa: F811
):
    today = on_day(COMPARED_ON)
    households, members = copy_of_records()
    households[0].address = "系统里的地址"
    households[1].phone = "13800000000"
    snapshot_compare(snapshot_id=stored(MAY, households, members, by=county_admin).pk)
    assert Difference.objects.count() == 2
    # June: the first corrected at the national system, the second still there.
    households[0].address = district[0].address
    june = stored(JUNE, households, members, by=county_admin)
    result = snapshot_compare(snapshot_id=june.pk)
    assert (result.opened, result.fixed, result.still_open) == (0, 1, 1)
    fixed = Difference.objects.get(field="address")
    assert fixed.state == DifferenceState.FIXED
    assert fixed.closed_by_snapshot == june and fixed.closed_on == today
    assert Difference.objects.get(field="phone").snapshot.month == MAY  # kept, not raised again
    assert AuditEntry.objects.filter(action="difference.fix").count() == 1


def test_a_difference_closed_by_hand_comes_back_only_with_other_values(district, county_admin):
    households, members = copy_of_records()
    households[0].address = "系统里的地址"
    snapshot_compare(snapshot_id=stored(MAY, households, members, by=county_admin).pk)
    Difference.objects.update(state=DifferenceState.CLOSED, close_reason="已核实，系统滞后")
    snapshot_compare(snapshot_id=stored(JUNE, households, members, by=county_admin).pk)
    assert Difference.objects.count() == 1
    households[0].address = "又一个地址"
    july = stored(datetime.date(2026, 7, 1), households, members, by=county_admin)
    assert snapshot_compare(snapshot_id=july.pk).opened == 1
    assert Difference.objects.get(state=DifferenceState.OPEN).system_value == "又一个地址"


def test_a_registry_edit_closes_what_now_agrees(district, county_admin, on_day):  # noqa: F811
    today = on_day(COMPARED_ON)
    households, members = copy_of_records()
    households[0].housing_structure = (
        "框架" if households[0].housing_structure != "框架" else "砖混"
    )
    households[1].address = "系统里的地址"
    snapshot_compare(snapshot_id=stored(MAY, households, members, by=county_admin).pk)
    first = Household.objects.get(number=households[0].number)
    # The handbook was wrong: the village corrects the record through the registry.
    data = registry.HouseholdInput(
        number=first.number,
        region_code=first.region_id,
        attribute=first.attribute.value,
        standard=first.standard.value,
        main_cause=first.main_cause.value,
        other_causes=sorted(c.value for c in first.other_causes.all()),
        year_identified=first.year_identified,
        address=first.address,
        land_area_mu=first.land_area_mu,
        housing_area=first.housing_area,
        housing_structure=households[0].housing_structure,
        toilet=first.toilet,
    )
    registry.household_update(actor=county_admin, household_id=first.pk, household=data)
    fixed = Difference.objects.get(field="housing_structure")
    assert fixed.state == DifferenceState.FIXED and fixed.closed_by_snapshot is None
    assert fixed.closed_on == today
    assert Difference.objects.get(field="address").state == DifferenceState.OPEN
    # An edit of a household with no open difference costs one query and closes nothing.
    assert households_recheck(household_ids=[first.pk]) == 0


def test_a_recheck_without_open_differences_is_one_query(district, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert households_recheck(household_ids=[h.pk for h in district]) == 0


def test_a_key_rotation_moves_snapshots_and_differences_with_the_people(
    district, county_admin, settings
):
    households, members = copy_of_records()
    renamed, gone = members[0], members.pop(1)
    renamed.name = "系统里的名字"
    snapshot_compare(snapshot_id=stored(MAY, households, members, by=county_admin).pk)
    assert Difference.objects.filter(state=DifferenceState.OPEN).count() == 2
    settings.SM4_KEYS = ["0123456789abcdeffedcba9876543210"]
    settings.CRYPTO_PROFILE, settings.CRYPTO_PREVIOUS = "gm", "intl"
    # While the rotation runs an export is not stored: its members would be hashed under gm
    # and the registry's people not yet rotated under intl.
    with pytest.raises(DomainError) as refusal:
        snapshot_store(
            actor=county_admin,
            region_code=COUNTY,
            month=JUNE,
            file_name="国家系统导出.xlsx",
            households=households,
            members=members,
        )
    assert refusal.value.code == "keys_rotating"
    with pytest.raises(DomainError) as refusal:  # nor taken at the upload
        exchange.snapshot_upload(
            actor=county_admin,
            region_code=COUNTY,
            month=JUNE,
            file_name="国家系统导出.xlsx",
            chunks=[b"PK"],
        )
    assert refusal.value.code == "keys_rotating"
    # A correction meanwhile closes its difference and keeps the member's hash for the
    # rotation to move with its copies.
    member = Member.objects.get(id_number_hash=renamed.id_number_hash)
    fields = {
        f.name: getattr(renamed, f.name)
        for f in dataclasses.fields(registry.MemberInput)
        if f.name != "id_number"
    }
    fields["id_number"] = unseal(member.id_number_sealed)
    registry.member_update(
        actor=county_admin, member_id=member.pk, member=registry.MemberInput(**fields)
    )
    assert Member.objects.get(pk=member.pk).id_number_hash == renamed.id_number_hash
    assert Difference.objects.get(field="name").state == DifferenceState.FIXED

    out = io.StringIO()
    call_command("rotate_keys", stdout=out)
    assert "copies of their hashes moved with them" in out.getvalue()
    settings.CRYPTO_PREVIOUS = ""
    under_gm = {lookup_hash(unseal(m.id_number_sealed)) for m in Member.objects.all()}
    assert set(SnapshotMember.objects.values_list("id_number_hash", flat=True)) <= under_gm
    moved = Difference.objects.exclude(id_number_hash="").values_list("id_number_hash", flat=True)
    assert len(moved) == 2 and set(moved) <= under_gm
    # June's export, hashed under gm, with the same member left out: the open difference is
    # found again (not raised twice, not closed); the corrected one stays fixed.
    households, members = copy_of_records()
    members = [
        m for m in members if (m.household_number, m.name) != (gone.household_number, gone.name)
    ]
    result = snapshot_compare(snapshot_id=stored(JUNE, households, members, by=county_admin).pk)
    assert (result.opened, result.fixed, result.still_open) == (0, 0, 1)
    assert verify_chain()[1] is None


def test_each_copy_of_a_hash_is_found_by_an_index_in_a_rotation():
    carried = {str(column): column for column in rotation.carried_columns()}
    assert set(carried) == {
        "checks.difference.id_number_hash",
        "checks.snapshotmember.id_number_hash",
    }
    for column in carried.values():
        meta = column.model._meta
        leading = [i.fields[0] for i in meta.indexes] + [
            c.fields[0] for c in meta.constraints if getattr(c, "fields", None)
        ]
        assert column.hashed in leading, column


def test_a_member_only_in_the_records_is_shown_masked_as_the_place_rules(
    district,
    county_admin,
    on_day,  # noqa: F811
):
    on_day(COMPARED_ON)
    township = VILLAGES[0][:9] + "000"
    for key, shown in (("privacy.id_shown_head", 3), ("privacy.id_shown_tail", 1)):
        core.policy_set(
            actor=county_admin,
            region_code=township,
            key=key,
            value=shown,
            valid_from=datetime.date(2026, 1, 1),
        )
    households, members = copy_of_records()
    expected = {}
    for village, head, tail in ((VILLAGES[0], 3, 1), (VILLAGES[1], 4, 2)):
        household = next(h for h in district if h.region_id == village)
        gone = next(m for m in members if m.household_number == household.number)
        members.remove(gone)
        registered = Member.objects.get(id_number_hash=gone.id_number_hash)
        masked = idnumbers.mask(unseal(registered.id_number_sealed), head, tail)
        expected[household.number] = f"{gone.name} {masked}"
    snapshot_compare(snapshot_id=stored(MAY, households, members, by=county_admin).pk)
    assert {
        d.household_number: d.handbook_value
        for d in Difference.objects.filter(kind=DifferenceKind.ONLY_HANDBOOK)
    } == expected
