"""Pairing from a sheet: the import's preview, errors and all-or-nothing commit."""

import pytest
from django.utils import translation

from bangfu.core.models import JobState
from bangfu.exchange import services
from bangfu.exchange.models import ImportKind
from bangfu.pairing import services as pairing
from bangfu.pairing.models import Pairing
from tests.pairing.test_pairing import register
from tests.registry.conftest import id_number

from .corpus import xlsx

HEAD_ID = id_number("19700101", "001")  # the head of household 611103002201001 below
HEADER = ["户编号", "户主身份证号码", "帮扶干部手机号", "是否主要帮扶人", "结对日期"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def helpers(county_admin):
    unit = pairing.unit_create(
        actor=county_admin,
        name="沣西新城财政局",
        kind="government",
        level="county",
        region_code="611103000000",
    )
    return [
        pairing.helper_create(actor=county_admin, name=name, unit_id=unit.pk, phone=phone)
        for name, phone in (("王哲铭", "13900000001"), ("李娜", "13900000002"))
    ]


def run(actor, path, *, commit):
    with path.open("rb") as handle:
        job = services.import_upload(
            actor=actor, file_name=path.name, chunks=iter(handle), kind=ImportKind.PAIRINGS
        )
    job = services.import_check(job_id=job.pk)
    if commit and job.state == JobState.CHECKED:
        job = services.import_commit(job_id=job.pk)
    return job


def test_a_good_sheet_previews_then_pairs_and_twice_changes_nothing(
    county_admin, helpers, tmp_path
):
    first = register(county_admin, "611103002201001", "001")
    register(county_admin, "611103002201002", "003")
    rows = (
        [
            ["611103002201001", "", 13900000001, "是", "2026-03-01"],
            ["611103002201001", "", "13900000002", "否", "2026年3月1日"],
            ["", first.members.get().pk and "", 13900000002, "", ""],  # no household given
        ][:2]
        + [["611103002201002", "", "13900000002", "是", 20260301]]
    )
    path = xlsx(tmp_path / "结对.xlsx", [HEADER, *rows])
    job = run(county_admin, path, commit=False)
    assert job.state == JobState.CHECKED and job.summary["pairings"] == {"new": 3, "unchanged": 0}
    assert not Pairing.objects.exists()  # the preview wrote nothing
    job = run(county_admin, path, commit=True)
    assert job.state == JobState.DONE and Pairing.objects.count() == 3
    assert Pairing.objects.get(household=first, is_main=True).helper == helpers[0]
    again = run(county_admin, path, commit=False)
    assert again.summary["pairings"] == {"new": 0, "unchanged": 3}


def test_one_bad_row_rolls_the_whole_sheet_back(county_admin, helpers, tmp_path):
    register(county_admin, "611103002201001", "001")
    rows = [
        ["611103002201001", "", "13900000001", "是", "2026-03-01"],
        ["", HEAD_ID, "13900000009", "否", "2026-03-01"],  # nobody has this phone
        ["611103009999999", "", "13900000002", "否", "2026-03-01"],  # no such household
    ]
    job = run(county_admin, xlsx(tmp_path / "结对.xlsx", [HEADER, *rows]), commit=True)
    assert job.state == JobState.REFUSED
    assert [(p.row, p.column, p.reason) for p in job.problems.all()] == [
        (
            3,
            "帮扶干部手机号",
            "No helper in post has the phone number 13900000009 among your places.",
        ),
        (
            4,
            "户编号",
            "No household with this number or head's ID number among your places.",
        ),
    ]
    assert not Pairing.objects.exists()


def test_a_helper_is_found_by_id_number_too(county_admin, tmp_path):
    unit = pairing.unit_create(
        actor=county_admin,
        name="沣西新城财政局",
        kind="government",
        level="county",
        region_code="611103000000",
    )
    helper_id = id_number("19800505", "011")
    helper = pairing.helper_create(
        actor=county_admin, name="赵六", unit_id=unit.pk, id_number=helper_id
    )
    register(county_admin, "611103002201001", "001")
    header = ["户编号", "帮扶干部身份证号码", "是否主要帮扶人", "结对日期"]
    rows = [["611103002201001", helper_id, "是", "2026-03-01"]]
    job = run(county_admin, xlsx(tmp_path / "按身份证.xlsx", [header, *rows]), commit=True)
    assert job.state == JobState.DONE
    assert Pairing.objects.get().helper == helper
