"""What an import reports shows ID numbers and bank accounts masked by the registry's policy,
echoes the cells as the office typed them, and puts the error column's title on the header
row. Whole numbers are for holders of the right who ask, and each such download is audited."""

import datetime
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from bangfu.core.models import AuditEntry, JobState
from bangfu.core.services import policy_set
from bangfu.exchange import services
from bangfu.exchange.models import ImportProblem

from .corpus import HEAD_ID, HEADER, SON_ID, WIFE_ID, family, xlsx

ACCOUNT, OTHER_ACCOUNT = "6217000012345678", "6217000087654321"


def check(actor, path):
    with path.open("rb") as handle:
        job = services.import_upload(actor=actor, file_name=path.name, chunks=iter(handle))
    return services.import_check(job_id=job.pk)


@pytest.fixture
def head_3_tail_1(county_admin):
    """The county shows 3 leading and 1 trailing characters (the default is 4 and 2)."""
    for key, value in (("privacy.id_shown_head", 3), ("privacy.id_shown_tail", 1)):
        policy_set(
            actor=county_admin,
            region_code="611103000000",
            key=key,
            value=value,
            valid_from=datetime.date(2020, 1, 1),
        )


def three_one(value: str) -> str:
    return value[:3] + "*" * (len(value) - 4) + value[-1:]


def wrong_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def refused_file(tmp_path):
    """Every way a number reaches the report: damaged by Excel (a number cell ending in 000),
    a check digit that does not match (the registry's message quotes the number), a bank
    account two rows of a household disagree on (the message quotes the other row's)."""
    header = [*HEADER, "性别", "银行账号"]
    rows = [[*row, "", ACCOUNT] for row in family()]
    rows[0][9] = int(HEAD_ID[:15] + "000")  # Excel kept 15 digits
    rows[1][9] = wrong_check_digit(WIFE_ID)
    rows[2][-1] = OTHER_ACCOUNT
    return xlsx(tmp_path / "户信息.xlsx", [header, *rows])


# A number cell comes back as a float, 6.1110319500312e+17: its digits are a secret too.
DAMAGED = str(float(HEAD_ID[:15] + "000"))
SECRETS = [DAMAGED, HEAD_ID[:14], wrong_check_digit(WIFE_ID), ACCOUNT, OTHER_ACCOUNT]


def test_the_problem_list_masks_every_number_by_the_policy(
    signed_in, county_admin, head_3_tail_1, tmp_path
):
    job = check(county_admin, refused_file(tmp_path))
    assert job.state == JobState.REFUSED
    stored = " ".join(f"{p.value} {p.reason}" for p in ImportProblem.objects.filter(job=job))
    assert [s for s in SECRETS if s in stored] == []
    shown = {(p.row, p.column): p for p in job.problems.all()}
    assert shown[2, "证件号码"].value == three_one(DAMAGED)
    wife = shown[3, "证件号码"]
    assert wife.value == three_one(wrong_check_digit(WIFE_ID))
    assert three_one(wrong_check_digit(WIFE_ID)) in wife.reason  # quoted, masked
    account = shown[4, "银行账号"]
    assert account.value == three_one(OTHER_ACCOUNT)
    assert three_one(ACCOUNT) in account.reason  # the other row's, masked too
    # The page (whose reader may see numbers whole, but not in a list) shows the same.
    page = signed_in(county_admin).get(reverse("exchange:import_detail", args=[job.pk]))
    text = page.content.decode()
    assert [s for s in SECRETS if s in text] == []
    assert three_one(OTHER_ACCOUNT) in text


def _sheet(response):
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    return book.get_sheet_by_index(0).to_python()


def test_the_error_workbook_masks_unless_a_holder_asks_and_that_is_audited(
    signed_in, county_admin, township_staff, head_3_tail_1, tmp_path
):
    job = check(county_admin, refused_file(tmp_path))
    client = signed_in(county_admin)
    url = reverse("exchange:import_errors", args=[job.pk])
    cells = _sheet(client.get(url))
    text = repr(cells)
    assert [s for s in SECRETS if s in text] == []
    assert cells[1][9] == three_one(DAMAGED)
    assert cells[3][16] == three_one(OTHER_ACCOUNT)
    assert cells[1][8] == "马建国"  # other cells as they were
    assert not AuditEntry.objects.filter(action="import.errors_full_ids").exists()

    whole = repr(_sheet(client.get(url + "?full=1")))
    assert wrong_check_digit(WIFE_ID) in whole and OTHER_ACCOUNT in whole
    assert three_one(ACCOUNT) in whole  # the reasons stay as the list keeps them
    entry = AuditEntry.objects.get(action="import.errors_full_ids")
    assert (entry.actor_id, entry.object_id) == (county_admin.pk, str(job.pk))

    # Someone without the right gets masked numbers, and no whole ones for the asking.
    rows = [[*row[:2], "马王村", *row[3:]] for row in family("6111030012020101", "马王村")]
    rows[0][9] = int(rows[0][9][:15] + "000")
    own = check(township_staff, xlsx(tmp_path / "镇.xlsx", [HEADER, *rows]))
    staff = signed_in(township_staff)
    mine = reverse("exchange:import_errors", args=[own.pk])
    assert staff.get(mine + "?full=1").status_code == 403
    page = staff.get(reverse("exchange:import_detail", args=[own.pk])).content.decode()
    assert "?full=1" not in page


def test_the_error_column_title_stands_on_the_header_row(county_admin, tmp_path):
    rows = family()
    rows[2][9] = SON_ID[:15] + "000"
    path = xlsx(
        tmp_path / "titled.xlsx",
        [HEADER, *rows],
        above=[["沣西新城建档立卡贫困户信息表"], ["填报单位：钓台街道"]],
    )
    job = check(county_admin, path)
    cells = (
        CalamineWorkbook.from_path(
            str(services.import_error_sheet(actor=county_admin, job_id=job.pk))
        )
        .get_sheet_by_index(0)
        .to_python()
    )
    errors = len(HEADER)
    assert cells[0][0] == "沣西新城建档立卡贫困户信息表" and cells[0][errors] == ""
    assert cells[2][:errors] == HEADER
    assert cells[2][errors].startswith("错误") or cells[2][errors].startswith("Errors")
    assert "000" in cells[5][errors]


def test_a_value_is_echoed_as_the_sheet_wrote_it(county_admin, tmp_path):
    """The registry cleans 男 into "1"; the report shows 男, as the office typed it."""
    header = [*HEADER, "性别"]
    rows = [[*row, "男"] for row in family()]  # the wife's ID number says she is a woman
    job = check(county_admin, xlsx(tmp_path / "sex.xlsx", [header, *rows]))
    [problem] = job.problems.all()
    assert (problem.row, problem.column, problem.value) == (3, "性别", "男")
    cells = (
        CalamineWorkbook.from_path(
            str(services.import_error_sheet(actor=county_admin, job_id=job.pk))
        )
        .get_sheet_by_index(0)
        .to_python()
    )
    assert cells[2][len(header) - 1] == "男"


def test_a_pairing_sheet_masks_its_id_numbers_too(county_admin, tmp_path):
    header = ["户编号", "户主身份证号码", "帮扶干部手机号", "帮扶干部身份证号码", "是否主要帮扶人"]
    helper_id = wrong_check_digit(SON_ID)
    path = xlsx(tmp_path / "结对.xlsx", [header, ["6111030029999999", "", "", helper_id, "是"]])
    with path.open("rb") as handle:
        job = services.import_upload(
            actor=county_admin, file_name=path.name, chunks=iter(handle), kind="pairings"
        )
    job = services.import_check(job_id=job.pk)
    stored = " ".join(f"{p.value} {p.reason}" for p in job.problems.all())
    assert job.problems.exists() and helper_id not in stored
    sheet = repr(
        CalamineWorkbook.from_path(
            str(services.import_error_sheet(actor=county_admin, job_id=job.pk))
        )
        .get_sheet_by_index(0)
        .to_python()
    )
    assert helper_id not in sheet and helper_id[:4] in sheet
