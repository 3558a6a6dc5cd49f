"""The national system's export kept as a county's monthly snapshot (国家系统快照).

The export is written in the national form by bangfu's own export of registered households,
with the two columns only the snapshot reads added; the same export reordered, renamed,
in traditional characters and full-width digits must give the very same stored rows.
"""

import datetime
import io
import random
from pathlib import Path
from typing import Any

import opencc
import pytest
from django.core.management import call_command
from django.urls import reverse

from bangfu.checks.models import (
    Difference,
    DifferenceClass,
    DifferenceKind,
    Snapshot,
    SnapshotHousehold,
    SnapshotMember,
)
from bangfu.checks.services import snapshot_store
from bangfu.core.errors import DomainError, NotPermitted
from bangfu.core.models import AuditEntry, JobState
from bangfu.exchange import selectors as exchange_selectors
from bangfu.exchange import services, sheets
from bangfu.exchange.models import ImportKind
from bangfu.exchange.selectors import export_for
from bangfu.registry.models import Household, Member
from bangfu.registry.services import household_register
from tests.exchange.corpus import xlsx
from tests.registry.conftest import first_status, household_input, id_number, member_input
from tests.teams.conftest import on_day  # noqa: F401 (a fixture)

COUNTY = "611103000000"
MONTH = datetime.date(2026, 9, 1)
HOUSEHOLD_FIELDS = [
    f.attname for f in SnapshotHousehold._meta.concrete_fields if f.name not in ("id", "snapshot")
]
MEMBER_FIELDS = [
    f.attname for f in SnapshotMember._meta.concrete_fields if f.name not in ("id", "snapshot")
]
TO_TRADITIONAL = opencc.OpenCC("s2t")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.fixture(autouse=True)
def today(on_day):  # noqa: F811
    return on_day(datetime.date(2026, 11, 30))


@pytest.fixture
def registered(county_admin):
    """Two households of 马家寨村 and one of 石桥村, with what the national form shows."""
    made = []
    for n, (village, people) in enumerate(
        [
            (
                "611103002201",
                [("马建国", "19650312", "001", "01"), ("李秀兰", "19670705", "002", "02")],
            ),
            ("611103002201001", [("马德胜", "19580101", "003", "01")]),
            (
                "611103001201",
                [("石桂芳", "19700202", "004", "01"), ("石小龙", "19950909", "005", "05")],
            ),
        ],
        start=1,
    ):
        made.append(
            household_register(
                actor=county_admin,
                household=household_input(
                    number=f"611103002201{n:04d}",
                    region_code=village,
                    other_causes=["8", "3"],
                    address=f"{village}{n}号",
                    phone="13800000000",
                    housing_area="85.5",
                    land_area_mu="3.2",
                ),
                members=[
                    member_input(
                        name=name,
                        id_number=id_number(birth, serial),
                        relation=relation,
                        education="3",
                    )
                    for name, birth, serial, relation in people
                ],
                status=first_status(),
            )
        )
    return made


def exported(actor, tmp_path: Path) -> list[list[Any]]:
    """The registry's households as bangfu writes the national form, with full ID numbers,
    and the income columns the national export has beside them."""
    job = services.export_request(actor=actor, filters={}, full_ids=True)
    services.export_write(job_id=job.pk)
    path = Path(export_for(actor, job.pk).path)
    rows = [row.values for row in sheets.rows(path, sheets.sheet_names(path)[0])]
    header_at = next(i for i, row in enumerate(rows) if "户编号" in row)
    header, data = rows[header_at], [r for r in rows[header_at + 1 :] if any(r)]
    return [header + ["人均纯收入", "收入年度"]] + [r + [6512.5, 2025] for r in data]


def stored(snapshot: Snapshot) -> tuple[list[dict], list[dict]]:
    households = SnapshotHousehold.objects.filter(snapshot=snapshot).order_by("number")
    members = SnapshotMember.objects.filter(snapshot=snapshot).order_by("id_number_hash")
    return (
        list(households.values(*HOUSEHOLD_FIELDS)),
        list(members.values(*MEMBER_FIELDS)),
    )


def kept(actor, path: Path, month: datetime.date = MONTH):
    """The export uploaded, checked and committed as the county's snapshot of ``month``."""
    job = services.snapshot_upload(
        actor=actor,
        region_code=COUNTY,
        month=month,
        file_name=path.name,
        chunks=[path.read_bytes()],
    )
    services.import_check(job_id=job.pk)
    job.refresh_from_db()
    if job.state == JobState.CHECKED:
        services.import_commit_request(actor=actor, job_id=job.pk)
        services.import_commit(job_id=job.pk)
        job.refresh_from_db()
    return job


def problems(job) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.reason) for p in job.problems.all()]


def test_an_export_is_stored_as_the_registry_has_it(county_admin, registered, tmp_path):
    path = xlsx(tmp_path / "国家系统导出.xlsx", exported(county_admin, tmp_path))
    job = kept(county_admin, path)
    assert job.state == JobState.DONE, (job.message, problems(job))
    assert problems(job) == []
    assert job.summary["households"] == 3 and job.summary["members"] == 5
    snapshot = Snapshot.objects.get(pk=job.summary["snapshot"])
    assert (snapshot.region_id, snapshot.month, snapshot.households, snapshot.members) == (
        COUNTY,
        MONTH,
        3,
        5,
    )
    households, members = stored(snapshot)
    for row in households:
        record = Household.objects.get(number=row["number"])
        assert row["region_code"] == record.region_id
        assert row["attribute"] == record.attribute.value
        assert row["main_cause"] == record.main_cause.value
        assert row["other_causes"] == "3,8"
        assert row["year_identified"] == record.year_identified
        assert row["status"] == record.status
        assert row["address"] == record.address
        assert row["housing_area"] == record.housing_area
        assert row["land_area_mu"] == record.land_area_mu
        assert str(row["per_capita_income"]) == "6512.50" and row["income_year"] == 2025
        # The export has every column but the snapshot's own few it lacks: nothing skipped.
        assert row["unreadable"] == []
    by_hash = {m.id_number_hash: m for m in Member.objects.select_related("relation")}
    for row in members:
        member = by_hash[row["id_number_hash"]]  # keyed exactly as the registry keys members
        assert row["name"] == member.name
        assert row["relation"] == member.relation.value
        assert (row["sex"], row["birth_date"]) == (member.sex, member.birth_date)
        assert row["household_number"] == member.household.number
        assert row["id_number_masked"].startswith("6111") and "*" in row["id_number_masked"]
        assert row["unreadable"] == []
    entries = AuditEntry.objects.filter(action="snapshot.store")
    assert [(e.object_id, e.after["households"], e.after["members"]) for e in entries] == [
        (str(snapshot.pk), 3, 5)
    ]


def test_a_check_read_before_new_keys_is_read_again_at_the_commit(
    county_admin, registered, tmp_path, settings
):
    path = xlsx(tmp_path / "国家系统导出.xlsx", exported(county_admin, tmp_path))
    job = services.snapshot_upload(
        actor=county_admin, region_code=COUNTY, month=MONTH, file_name=path.name,
        chunks=[path.read_bytes()],
    )  # fmt: skip
    services.import_check(job_id=job.pk)
    # A new look-up key between the check and the commit, the rotation run to its end.
    settings.LOOKUP_KEY, settings.LOOKUP_KEY_PREVIOUS = "a new look-up key", settings.LOOKUP_KEY
    call_command("rotate_keys", stdout=io.StringIO())
    settings.LOOKUP_KEY_PREVIOUS = ""
    services.import_commit_request(actor=county_admin, job_id=job.pk)
    services.import_commit(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.message
    stored_hashes = SnapshotMember.objects.values_list("id_number_hash", flat=True)
    assert set(stored_hashes) == set(Member.objects.values_list("id_number_hash", flat=True))
    assert not Difference.objects.exclude(id_number_hash="").exists()  # nobody twice


RENAMED = {
    "户编号": "户编码",
    "证件号码": "身份证号码",
    "与户主关系": "与户主的关系",
    "人均纯收入": "家庭年人均纯收入",
    "收入年度": "收入年份",
    "行政村": "村名",
    "健康状况": "健康情况",
}
# Columns whose values are codes' labels, written in traditional characters by the variant;
# names and addresses are kept as written.
CODED = {"户属性", "识别标准", "主要致贫原因", "其他致贫原因", "脱贫状态", "与户主关系", "民族",
         "健康状况", "劳动技能", "文化程度", "乡（镇）", "县（市、区）"}  # fmt: skip
NUMBERS = {"户编号", "证件号码", "识别年度", "收入年度", "行政区划代码"}


def variant(
    rows: list[list[Any]],
    *,
    renamed: dict[str, str] = RENAMED,
    coded: set[str] = CODED,
    rows_seed: int | None = None,
) -> list[list[Any]]:
    """The same export with rows and columns in another order (rows reversed, or shuffled by
    ``rows_seed``), headers renamed to synonyms (``renamed``) and written in traditional
    characters, the values of the ``coded`` columns in traditional characters and the
    numbers in full-width digits."""
    header, data = rows[0], rows[1:]
    order = list(range(len(header)))
    random.Random(17).shuffle(order)
    if rows_seed is None:
        data = list(reversed(data))
    else:
        data = list(data)
        random.Random(rows_seed).shuffle(data)

    def cell(name: str, value: Any) -> Any:
        if name in coded and isinstance(value, str):
            return TO_TRADITIONAL.convert(value)
        if name in NUMBERS and value not in (None, ""):
            text = str(int(value)) if isinstance(value, float) else str(value)
            return text.translate(FULL_WIDTH)
        return value

    renamed_header = [TO_TRADITIONAL.convert(renamed.get(name, name)) for name in header]
    return [[renamed_header[i] for i in order]] + [
        [cell(header[i], row[i]) for i in order] for row in data
    ]


def test_reordered_renamed_traditional_full_width_gives_the_same_rows(
    county_admin, registered, tmp_path
):
    rows = exported(county_admin, tmp_path)
    again = variant(rows)
    assert "與戶主的關係" in again[0] and "戶編碼" in again[0]
    assert any("戶主" in row for row in again[1:])
    assert any(isinstance(v, str) and "６１１１０３" in v for v in again[1])
    first = kept(county_admin, xlsx(tmp_path / "导出.xlsx", rows))
    second = kept(county_admin, xlsx(tmp_path / "導出.xlsx", again), MONTH.replace(month=10))
    assert second.state == JobState.DONE and problems(second) == []
    one = Snapshot.objects.get(pk=first.summary["snapshot"])
    other = Snapshot.objects.get(pk=second.summary["snapshot"])
    assert stored(one) == stored(other)


def test_unreadable_cells_are_kept_empty_flagged_and_listed(county_admin, registered, tmp_path):
    rows = exported(county_admin, tmp_path)
    header = rows[0]
    rows[1][header.index("民族")] = "火星族"
    rows[1][header.index("出生日期")] = "1965-13-45"
    rows[1][header.index("住房结构")] = "砖混" * 30  # longer than the column holds
    job = kept(county_admin, xlsx(tmp_path / "损坏.xlsx", rows))
    assert job.state == JobState.DONE
    assert job.summary["unreadable"] == 3
    listed = {column: reason for _row, column, reason in problems(job)}
    assert set(listed) == {"民族", "出生日期", "住房结构"}
    assert "not in the list" in listed["民族"] or "不在" in listed["民族"]
    assert all(row == 2 for row, _c, _r in problems(job))
    number = rows[1][header.index("户编号")]
    household = SnapshotHousehold.objects.get(number=number)
    assert household.housing_structure == "" and household.unreadable == ["housing_structure"]
    hashes = {m.name: m for m in SnapshotMember.objects.filter(household_number=number)}
    member = hashes[rows[1][header.index("姓名")]]
    assert (member.ethnicity, member.birth_date) == ("", None)
    assert member.unreadable == ["birth_date", "ethnicity"]


def test_rows_without_keys_or_outside_the_county_are_not_kept(county_admin, registered, tmp_path):
    rows = exported(county_admin, tmp_path)
    header = rows[0]
    at = {name: header.index(name) for name in ("户编号", "证件号码", "行政区划代码", "行政村")}
    stranger = list(rows[1])
    stranger[at["户编号"]], stranger[at["行政区划代码"]] = "6101180010019999", "610118001001"
    stranger[at["证件号码"]] = id_number("19800101", "777")
    nowhere = list(rows[1])
    nowhere[at["户编号"]], nowhere[at["行政区划代码"]] = "6111030029990001", ""
    nowhere[at["行政村"]] = "不存在村"
    nowhere[at["证件号码"]] = id_number("19800101", "778")
    no_number, no_id = list(rows[1]), list(rows[1])
    no_number[at["户编号"]] = ""
    no_id[at["证件号码"]] = ""
    repeated = list(rows[1])
    job = kept(
        county_admin,
        xlsx(tmp_path / "混杂.xlsx", [*rows, stranger, nowhere, no_number, no_id, repeated]),
    )
    assert job.state == JobState.DONE
    assert job.summary["refused"] == 5 and job.summary["households"] == 3
    reasons = [reason for _row, _column, reason in problems(job)]
    assert len(reasons) == 5
    assert any("another county" in r or "另一" in r for r in reasons)
    assert not SnapshotHousehold.objects.filter(number__in=["6101180010019999", "6111030029990001"])
    assert SnapshotMember.objects.count() == 5


def test_a_file_of_another_county_is_refused_whole(county_admin, registered, tmp_path):
    rows = exported(county_admin, tmp_path)
    code = rows[0].index("行政区划代码")
    for row in rows[1:]:
        row[code] = "610118001001"
    job = kept(county_admin, xlsx(tmp_path / "别县.xlsx", rows))
    assert job.state == JobState.REFUSED and "沣西新城" in job.message
    assert not Snapshot.objects.exists()


def test_one_snapshot_a_month_replaced_while_untouched(county_admin, registered, tmp_path):
    rows = exported(county_admin, tmp_path)
    first = kept(county_admin, xlsx(tmp_path / "九月.xlsx", rows))
    earlier = Snapshot.objects.get(pk=first.summary["snapshot"])
    older = snapshot_store(
        actor=county_admin,
        region_code=COUNTY,
        month=datetime.date(2026, 8, 1),
        file_name="八月.xlsx",
        households=[],
        members=[],
    )
    closed = Difference.objects.create(
        region_id="611103002201",
        snapshot=older,
        household_number="6111030022010001",
        field="address",
        field_name="家庭住址",
        kind=DifferenceKind.VALUE,
        found_on=datetime.date(2026, 8, 20),
        state="fixed",
        closed_on=datetime.date(2026, 9, 20),
        closed_by_snapshot=earlier,
    )
    second = kept(county_admin, xlsx(tmp_path / "九月重导.xlsx", rows))
    assert second.state == JobState.DONE
    assert Snapshot.objects.filter(month=MONTH).count() == 1
    replaced = AuditEntry.objects.get(action="snapshot.replace")
    assert replaced.before["file"] == "九月.xlsx" and replaced.after["file"] == "九月重导.xlsx"
    # Opened again when the snapshot that closed it was replaced, then decided anew by the
    # new export's comparison: the records and the export agree, so the new one closes it.
    closed.refresh_from_db()
    now = Snapshot.objects.get(month=MONTH)
    assert now.pk != earlier.pk
    assert (closed.state, closed.closed_by_snapshot_id) == ("fixed", now.pk)
    # Once a difference of the month is classified, the month stays as it is.
    Difference.objects.create(
        region_id="611103002201",
        snapshot=Snapshot.objects.get(month=MONTH),
        household_number="6111030022010001",
        field="address",
        field_name="家庭住址",
        kind=DifferenceKind.VALUE,
        found_on=datetime.date(2026, 9, 20),
        classification=DifferenceClass.SYSTEM_WRONG,
    )
    third = kept(county_admin, xlsx(tmp_path / "九月三导.xlsx", rows))
    assert third.state == JobState.REFUSED
    assert "九月重导.xlsx" in third.message and "已分类" in third.message
    assert Snapshot.objects.get(month=MONTH).file_name == "九月重导.xlsx"


def test_the_county_and_month_are_checked_on_upload(county_admin, township_staff, tmp_path):
    def upload(actor, region_code=COUNTY, month=MONTH):
        return services.snapshot_upload(
            actor=actor, region_code=region_code, month=month, file_name="a.xlsx", chunks=[b""]
        )

    with pytest.raises(DomainError) as outside:
        upload(county_admin, region_code="610118000000")
    assert outside.value.field == "region_code"
    with pytest.raises(DomainError):
        upload(county_admin, region_code="611103002201")  # a village, not a county
    with pytest.raises(DomainError) as early:
        upload(county_admin, month=datetime.date(2013, 12, 1))
    assert early.value.field == "month"
    with pytest.raises(DomainError):
        upload(county_admin, month=datetime.date(2100, 1, 1))
    with pytest.raises(NotPermitted):
        upload(township_staff)
    with pytest.raises(DomainError):  # only through its own page, with county and month
        services.import_upload(
            actor=county_admin, file_name="a.xlsx", chunks=[b""], kind=ImportKind.NATIONAL
        )


def test_the_household_import_does_not_read_the_snapshots_columns(db):
    names = exchange_selectors.synonym_map()
    assert sheets.header_key("人均纯收入") not in names
    assert sheets.header_key("家庭年人均纯收入") not in names


def test_the_pages(county_admin, registered, client, tmp_path):
    client.force_login(county_admin)
    page = client.get(reverse("exchange:snapshot_upload"))
    assert page.status_code == 200 and "沣西新城" in page.content.decode()
    rows = exported(county_admin, tmp_path)
    path = xlsx(tmp_path / "国家系统.xlsx", rows)
    with path.open("rb") as handle:
        response = client.post(
            reverse("exchange:snapshot_upload"),
            {"region_code": COUNTY, "month": "2026-09", "file": handle},
        )
    assert response.status_code == 302
    job = services.selectors.imports_of(county_admin).get(kind=ImportKind.NATIONAL)
    detail = client.get(reverse("exchange:import_detail", args=[job.pk])).content.decode()
    assert job.summary["households"] == 3
    assert reverse("exchange:import_commit", args=[job.pk]) in detail
    client.post(reverse("exchange:import_commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == JobState.DONE
    listed = client.get(reverse("checks:snapshots")).content.decode()
    assert "国家系统.xlsx" in listed
    shown = client.get(reverse("checks:snapshot", args=[job.summary["snapshot"]]))
    assert shown.status_code == 200 and "国家系统.xlsx" in shown.content.decode()
    download = client.get(reverse("checks:snapshots") + "?format=xlsx")
    assert download.status_code == 200
    api = client.get("/api/checks/snapshots").json()
    assert [(s["county_code"], s["month"], s["households"]) for s in api["items"]] == [
        (COUNTY, "2026-09", 3)
    ]
    future = client.post(
        reverse("exchange:snapshot_upload"), {"region_code": COUNTY, "month": "2026-12"}
    )
    assert future.status_code == 400
