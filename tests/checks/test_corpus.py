"""The monthly check end to end through the file (issue 17's acceptance): a planted-difference
corpus built from the demo district.

The demo district of ``test_comparison`` (``demo.households.make_households``, with incomes)
is exported in the national form by exchange's own writer, with the two columns only the
snapshot reads (人均纯收入, 收入年度) filled from the registry's incomes; each file is then
uploaded with its county and month, checked and committed as the county's snapshot, and the
commit compares it (``snapshot_compare``):

- the export as written differs in nothing;
- the same export with rows shuffled, columns reordered, every header renamed to a synonym,
  headers and coded values in traditional characters and numbers in full-width digits
  differs in nothing;
- the export with differences planted in its cells (a name, an ID number, a relation, the
  main and other causes, an income, a member added, a member removed, a household's rows
  removed, a household the registry does not hold), also reordered and renamed: every
  planted difference found exactly once, at its household, member, field, values and place,
  and nothing else.
"""

import datetime
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from stdnum.cn.ric import calc_check_digit

from bangfu.checks.fields import field_name
from bangfu.checks.models import Difference, DifferenceKind, DifferenceState, Snapshot
from bangfu.core import idnumbers
from bangfu.core.models import Code, JobState
from bangfu.core.policies import policy_for
from bangfu.exchange.columns import COLUMNS
from bangfu.exchange.snapshots import BY_KEY, SNAPSHOT_ONLY
from bangfu.registry.models import AnnualIncome, Household, Member
from tests.checks.test_comparison import COUNTY, VILLAGES, district, label  # noqa: F401
from tests.checks.test_snapshots import (
    CODED,
    TO_TRADITIONAL,
    exported,
    kept,
    problems,
    variant,
)
from tests.exchange.corpus import xlsx
from tests.teams.conftest import on_day  # noqa: F401 (a fixture)

JUNE = datetime.date(2026, 6, 1)
COMPARED_ON = datetime.date(2026, 7, 6)  # a Monday after June's export came
SEED = 17
# Every header the national form gives a synonym for is renamed to one of them (chosen by a
# fixed seed); the four without one (纬度, 经度, 性别, 民族) are only written traditional.
SYNONYMS = {
    column.header: random.Random(f"{SEED}{column.key}").choice(column.synonyms)
    for column in COLUMNS + SNAPSHOT_ONLY
    if column.synonyms
}
# Every column whose values are codes or fixed words, written traditional in the variant.
ALL_CODED = CODED | {
    BY_KEY[key].header
    for key in (
        "village", "group", "monitoring_type", "risk_types", "danger_grade", "toilet", "sex",
        "schooling", "water_difficulty", "water_safe", "has_power", "dibao",
        "medical_insurance", "pension_insurance",
    )
}  # fmt: skip


@pytest.fixture(autouse=True)
def today(on_day):  # noqa: F811
    return on_day(COMPARED_ON)


def as_exported(actor, tmp_path: Path) -> list[list[Any]]:
    """The district as exchange writes the national form (full ID numbers), with each
    household's per-capita net income of its latest year in the snapshot's own columns."""
    rows = exported(actor, tmp_path)
    header = rows[0]
    number, income, year = (header.index(BY_KEY[k].header) for k in
                            ("number", "per_capita_income", "income_year"))  # fmt: skip
    latest = {}
    for record in AnnualIncome.objects.select_related("household").order_by("year"):
        latest[record.household.number] = record
    for row in rows[1:]:
        record = latest[row[number]]
        row[income], row[year] = float(record.per_capita_net), record.year
    return rows


def shuffled(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows shuffled, columns reordered, every header renamed, traditional, full width."""
    return variant(rows, renamed=SYNONYMS, coded=ALL_CODED, rows_seed=SEED)


def compared(actor, path: Path, month: datetime.date = JUNE) -> Snapshot:
    """The file kept as the county's snapshot of ``month``, compared by the commit."""
    job = kept(actor, path, month)
    assert job.state == JobState.DONE, (job.message, problems(job))
    assert problems(job) == []  # every cell read: nothing skipped that could hide a difference
    snapshot = Snapshot.objects.get(pk=job.summary["snapshot"])
    assert snapshot.compared_at is not None
    return snapshot


def test_the_export_as_written_differs_in_nothing(county_admin, district, tmp_path):  # noqa: F811
    rows = as_exported(county_admin, tmp_path)
    snapshot = compared(county_admin, xlsx(tmp_path / "国家系统导出.xlsx", rows))
    assert (snapshot.households, snapshot.members) == (
        len(district),
        Member.objects.filter(left_on=None).count(),
    )
    assert list(Difference.objects.values_list("household_number", "field", "kind")) == []


def test_reordered_renamed_traditional_full_width_differs_in_nothing(
    county_admin,
    district,  # noqa: F811
    tmp_path,
):
    rows = as_exported(county_admin, tmp_path)
    again = shuffled(rows)
    header = again[0]
    # Every header the form has a synonym for is written under another name.
    assert not set(header) & {c.header for c in COLUMNS + SNAPSHOT_ONLY if c.synonyms}
    cells = {cell for row in again[1:] for cell in row}
    assert {"戶主", "無", "已脫貧(享受政策)"} <= cells  # 危房等级 无 read as 無 too
    numbers = [r[header.index(TO_TRADITIONAL.convert(SYNONYMS["户编号"]))] for r in again[1:]]
    assert all("６１１１０３" in n for n in numbers)
    assert numbers not in (sorted(numbers), sorted(numbers, reverse=True))  # shuffled
    compared(county_admin, xlsx(tmp_path / "國家系統導出.xlsx", again))
    assert list(Difference.objects.values_list("household_number", "field", "kind")) == []


# -- the planted differences -----------------------------------------------------------


def another_id(number: str, used: set[str]) -> str:
    """A valid ID number of the same place, birth day and sex (its check digit right), not
    one of ``used``."""
    serial = int(number[14:17])
    while True:
        serial = (serial + 2) % 1000
        body = f"{number[:14]}{serial:03d}"
        other = body + calc_check_digit(body + "?")
        if other not in used:
            used.add(other)
            return other


def code_label(kind: str, value: str) -> str:
    return Code.objects.get(kind=kind, value=value).label


class Planter:
    """Plants differences in the exported rows and says what the check must find."""

    def __init__(self, rows: list[list[Any]]):
        self.header, self.rows = rows[0], rows[1:]
        self.at = {c.key: self.header.index(c.header) for c in COLUMNS + SNAPSHOT_ONLY}
        self.expected: list[dict[str, Any]] = []
        self.used = {str(r[self.at["id_number"]]) for r in self.rows}
        self.head = policy_for(COUNTY, "privacy.id_shown_head", COMPARED_ON)
        self.tail = policy_for(COUNTY, "privacy.id_shown_tail", COMPARED_ON)

    def of(self, number: str) -> list[list[Any]]:
        return [r for r in self.rows if r[self.at["number"]] == number]

    def cell(self, row: list[Any], key: str) -> Any:
        return row[self.at[key]]

    def masked(self, number: str) -> str:
        return idnumbers.mask(number, self.head, self.tail)

    def expect(self, number: str, field: str, kind: str, system: str, handbook: str, *,
               member: str = "", place: str = "") -> None:  # fmt: skip
        self.expected.append(
            {
                "household_number": number,
                "member_name": member,
                "field": field,
                "field_name": field_name(field),
                "kind": kind,
                "system_value": system,
                "handbook_value": handbook,
                "region_id": place or Household.objects.get(number=number).region_id,
            }
        )

    def file(self) -> list[list[Any]]:
        return [self.header, *self.rows]


def planted(rows: list[list[Any]], households: list[Household]) -> Planter:
    """Each difference planted in a household of its own; the last household untouched."""
    plant = Planter(rows)
    several = [h.number for h in households if len(plant.of(h.number)) > 1]
    # The households with two members or more take what needs a second member.
    relation_at, removed_at = several[0], several[1]
    rest = [h.number for h in households if h.number not in (relation_at, removed_at)]
    name_at, cause_at, income_at, added_at, id_at, gone, untouched = rest[:7]
    assert untouched == rest[-1]

    # A name written otherwise in the system.
    row = plant.of(name_at)[0]
    was = row[plant.at["name"]]
    row[plant.at["name"]] = was + "明"
    plant.expect(name_at, "name", DifferenceKind.VALUE, was + "明", was, member=was)

    # A relation: a non-head member is a grandchild in the system.
    row = next(r for r in plant.of(relation_at) if r[plant.at["relation"]] != "户主")
    member = Member.objects.get(name=row[plant.at["name"]], household__number=relation_at)
    new = "05" if member.relation.value != "05" else "06"
    row[plant.at["relation"]] = code_label("relation", new)
    plant.expect(relation_at, "relation", DifferenceKind.VALUE, label("relation", new),
                 label("relation", member.relation.value), member=member.name)  # fmt: skip

    # The main cause and the other causes, on every row of the household (as the export
    # repeats a household's columns).
    household = Household.objects.get(number=cause_at)
    cause = "5" if household.main_cause.value != "5" else "6"
    others = sorted(c.value for c in household.other_causes.all())
    other = ["4", "11"] if others != ["11", "4"] else ["9"]
    for r in plant.of(cause_at):
        r[plant.at["main_cause"]] = code_label("poverty_cause", cause)
        r[plant.at["other_causes"]] = "、".join(code_label("poverty_cause", v) for v in other)
    plant.expect(cause_at, "main_cause", DifferenceKind.VALUE, label("poverty_cause", cause),
                 label("poverty_cause", household.main_cause.value))  # fmt: skip
    plant.expect(
        cause_at,
        "other_causes",
        DifferenceKind.VALUE,
        "、".join(label("poverty_cause", v) for v in sorted(other)),
        "、".join(label("poverty_cause", v) for v in others),
    )

    # The income: 100 yuan a person more in the system.
    for r in plant.of(income_at):
        registered = Decimal(str(r[plant.at["per_capita_income"]]))
        r[plant.at["per_capita_income"]] = float(registered + 100)
    plant.expect(income_at, "per_capita_income", DifferenceKind.VALUE,
                 f"{(registered + 100).normalize():f}", f"{registered.normalize():f}")  # fmt: skip

    # An ID number changed: another valid one, same birth day and sex, same name.
    row = plant.of(id_at)[0]
    was = str(row[plant.at["id_number"]])
    row[plant.at["id_number"]] = another_id(was, plant.used)
    plant.expect(id_at, "id_number", DifferenceKind.VALUE,
                 plant.masked(row[plant.at["id_number"]]), plant.masked(was),
                 member=row[plant.at["name"]])  # fmt: skip

    # A member only in the system: a grandchild born this year, in the household's rows.
    newborn = list(plant.of(added_at)[-1])
    body = "61110320260101001"
    born = body + calc_check_digit(body + "?")
    newborn[plant.at["name"]] = "新生儿"
    newborn[plant.at["id_number"]] = born
    newborn[plant.at["sex"]] = "女"
    newborn[plant.at["birth_date"]] = "2026-01-01"
    newborn[plant.at["relation"]] = code_label("relation", "05")
    plant.rows.append(newborn)
    plant.expect(added_at, "member", DifferenceKind.ONLY_SYSTEM,
                 f"新生儿 {plant.masked(born)}", "", member="新生儿")  # fmt: skip

    # A member only in the records: the last row of a household of several.
    row = plant.of(removed_at)[-1]
    plant.rows.remove(row)
    plant.expect(removed_at, "member", DifferenceKind.ONLY_HANDBOOK, "",
                 f"{row[plant.at['name']]} {plant.masked(str(row[plant.at['id_number']]))}",
                 member=row[plant.at["name"]])  # fmt: skip

    # A household only in the records: all its rows gone.
    for row in plant.of(gone):
        plant.rows.remove(row)
    plant.expect(gone, "household", DifferenceKind.ONLY_HANDBOOK, "", gone)

    # A household only in the system, at a group of the county, with one member.
    stranger = list(next(r for r in plant.rows if r[plant.at["region_code"]] == VILLAGES[2]))
    number = f"{VILLAGES[2]}0999"
    body = "61110319750505003"
    stranger[plant.at["number"]] = number
    stranger[plant.at["name"]] = "外来户"
    stranger[plant.at["id_number"]] = body + calc_check_digit(body + "?")
    stranger[plant.at["sex"]] = "男"
    stranger[plant.at["birth_date"]] = "1975-05-05"
    stranger[plant.at["relation"]] = code_label("relation", "01")
    plant.rows.append(stranger)
    plant.expect(number, "household", DifferenceKind.ONLY_SYSTEM, f"{number} {VILLAGES[2]}",
                 "", place=VILLAGES[2])  # fmt: skip
    return plant


FIELDS = ("household_number", "member_name", "field", "field_name", "kind", "system_value",
          "handbook_value", "region_id")  # fmt: skip


@pytest.mark.parametrize("reordered", [False, True], ids=["as-written", "reordered"])
def test_every_planted_difference_is_found_once_where_it_is(
    county_admin,
    district,  # noqa: F811
    tmp_path,
    reordered,
):
    plant = planted(as_exported(county_admin, tmp_path), district)
    rows = shuffled(plant.file()) if reordered else plant.file()
    snapshot = compared(county_admin, xlsx(tmp_path / "国家系统导出.xlsx", rows))

    found = list(Difference.objects.values(*FIELDS))
    assert len(plant.expected) == 10
    key = lambda d: (d["household_number"], d["field"], d["kind"])  # noqa: E731
    assert sorted(found, key=key) == sorted(plant.expected, key=key)
    for difference in Difference.objects.select_related("household", "member"):
        assert difference.snapshot_id == snapshot.pk and difference.found_on == JUNE
        assert difference.state == DifferenceState.OPEN
        if difference.kind != DifferenceKind.ONLY_SYSTEM or difference.field == "member":
            assert difference.household.number == difference.household_number
        else:
            assert difference.household is None
        # A member of the records is linked wherever the records hold one.
        of_member = difference.field in ("name", "relation", "id_number") or (
            difference.field == "member" and difference.kind == DifferenceKind.ONLY_HANDBOOK
        )
        assert (difference.member_id is not None) == of_member, difference.field
        if of_member:
            assert difference.member.name == difference.member_name
