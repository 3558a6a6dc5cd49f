"""Files that are no spreadsheet, or a damaged one, made here byte by byte: each import
fails with what was expected, what was found and what to do; its page and its error
workbook answer; no exception text reaches a person."""

import io
import random
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from python_calamine import CalamineWorkbook

from bangfu.core.errors import DomainError
from bangfu.core.models import JobState
from bangfu.exchange import services
from bangfu.exchange.models import ImportKind
from bangfu.exchange.sniffing import OLE2

from .corpus import HEADER, csv_file, family, xls, xlsx

SAVE_AS = "Open it in Excel or WPS and save it as .xlsx."
PRINTED = (
    "A table in a PDF or a picture cannot be read back: upload the Excel file it was made from."
)
COPY = "Copy the table into Excel or WPS and save it as .xlsx."
REPAIR = "Open it in Excel or WPS, which can often repair it, and save it again as .xlsx."
UNKNOWN = (
    "it looks like data of an unknown kind. Open it in Excel or WPS and save it as .xlsx; if "
    "they cannot open it either, the file is damaged: ask its sender for it again."
)
UTF16 = (
    "it looks like text in UTF-16 (Excel's “Unicode text”). In Excel or WPS save it as .xlsx, "
    "or as “CSV UTF-8”."
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def good(tmp_path: Path) -> Path:
    return xlsx(tmp_path / "good.xlsx", [HEADER, *family()])


def rezipped(source: Path, *, drop: str = "", replace: dict[str, bytes] | None = None) -> bytes:
    """``source``'s archive with a part left out or rewritten."""
    target = source.with_suffix(".rezipped")
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            if item.filename != drop:
                new.writestr(item, (replace or {}).get(item.filename, old.read(item)))
    return target.read_bytes()


def zipped(parts: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def ole2(*streams: str) -> bytes:
    """An Office 97–2003 container's first bytes and directory names, the rest garbage."""
    names = b"".join(name.encode("utf-16-le") + b"\0\0" for name in streams)
    return OLE2 + bytes(504) + names + bytes(1024)


def gbk_rows_then_a_stray_byte(tmp_path: Path) -> bytes:
    """Rows a household sheet and a pairing sheet both read (so that both read on to the
    stray byte), in GBK."""
    header = [*HEADER, "帮扶干部手机号", "结对日期"]
    rows = [[*row, "13900000001", "2026-03-01"] for row in family() * 40]
    return csv_file(tmp_path / "gbk.csv", [header, *rows], "gbk").read_bytes() + b"\xff\xff,\r\n"


SHEET, BOOK = "xl/worksheets/sheet1.xml", "xl/workbook.xml"
CASES = {
    # name: (the file's bytes, given a folder to build in; the message after its name)
    "报表.xlsx": (
        lambda tmp: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        f"is not an Excel workbook: it looks like a PDF document. {PRINTED}",
    ),
    "photo.xlsx": (
        lambda tmp: b"\x89PNG\r\n\x1a\n" + bytes(200),
        f"is not an Excel workbook: it looks like a picture. {PRINTED}",
    ),
    "notes.xlsx": (
        lambda tmp: "户编号,姓名,证件号码\n6111030022010101,马建国,x\n".encode(),
        f"is not an Excel workbook: it looks like plain text. {SAVE_AS}",
    ),
    "page.xls": (
        lambda tmp: b"<html><body><table><tr><td>1</td></tr></table></body></html>",
        f"is not an Excel workbook: it looks like a web page (HTML). {SAVE_AS}",
    ),
    "2003.xls": (
        lambda tmp: (
            b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:'
            b'office:spreadsheet"></Workbook>'
        ),
        f"is not an Excel workbook: it looks like an Excel 2003 XML spreadsheet. {SAVE_AS}",
    ),
    "data.xlsx": (
        lambda tmp: b'<?xml version="1.0" encoding="UTF-8"?>\n<households><h n="1"/></households>',
        f"is not an Excel workbook: it looks like an XML file. {SAVE_AS}",
    ),
    "folder.xlsx": (
        lambda tmp: zipped({"readme.txt": "hello"}),
        "is not an Excel workbook: it looks like a zip archive with no spreadsheet in it. "
        "Upload the spreadsheet itself, not an archive.",
    ),
    "bundle.xlsx": (
        lambda tmp: zipped({"2026/户信息.xlsx": good(tmp).read_bytes(), "2026/说明.docx": "x"}),
        "is a zip archive holding 户信息.xlsx: unzip it and upload the spreadsheet itself.",
    ),
    "letter.xlsx": (
        lambda tmp: zipped({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}),
        f"is not an Excel workbook: it looks like a Word document. {COPY}",
    ),
    "no-rels.xlsx": (
        lambda tmp: rezipped(good(tmp), drop="xl/_rels/workbook.xml.rels"),
        "is a damaged Excel workbook: xl/_rels/workbook.xml.rels in it is missing or cannot "
        f"be read. {REPAIR}",
    ),
    "no-book.xlsx": (
        lambda tmp: rezipped(good(tmp), drop=BOOK),
        f"is a damaged Excel workbook: {BOOK} in it is missing or cannot be read. {REPAIR}",
    ),
    "no-sheet.xlsx": (
        lambda tmp: rezipped(good(tmp), drop=SHEET),
        f"is a damaged Excel workbook: {SHEET} in it is missing or cannot be read. {REPAIR}",
    ),
    "bad-xml.xlsx": (
        lambda tmp: rezipped(good(tmp), replace={SHEET: b"<worksheet><sheetData><row r="}),
        f"is a damaged Excel workbook: {SHEET} in it is missing or cannot be read. {REPAIR}",
    ),
    "bad-book.xlsx": (
        lambda tmp: rezipped(good(tmp), replace={BOOK: b"<workbook"}),
        f"is a damaged Excel workbook: {BOOK} in it is missing or cannot be read. {REPAIR}",
    ),
    "bad-cell.xlsx": (
        lambda tmp: rezipped(
            good(tmp),
            replace={
                SHEET: b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                b'main"><sheetData><row r="1"><c r="A1" t="s"><v>99999</v></c></row>'
                b"</sheetData></worksheet>"
            },
        ),
        f"is a damaged Excel workbook: {SHEET} in it is missing or cannot be read. {REPAIR}",
    ),
    "cut.xlsx": (
        lambda tmp: good(tmp).read_bytes()[:3000],
        "is a damaged Excel workbook: the file is cut short or garbled. Ask its sender for it "
        "again, or open it in Excel or WPS, which can sometimes repair it, and save it again as "
        ".xlsx.",
    ),
    "empty.xlsx": (
        lambda tmp: b"",
        "is empty (0 bytes): the upload may have been cut off. Choose the file and upload it "
        "again.",
    ),
    "empty.csv": (
        lambda tmp: b"",
        "is empty (0 bytes): the upload may have been cut off. Choose the file and upload it "
        "again.",
    ),
    "unicode.csv": (
        lambda tmp: "\ufeff户编号\t姓名\n6111030022010101\t马建国\n".encode("utf-16-le"),
        f"is not CSV text: {UTF16}",
    ),
    "no-bom.csv": (
        lambda tmp: "户编号,姓名,证件号码\n6111030022010101,马建国,x\n".encode("utf-16-le"),
        f"is not CSV text: {UTF16}",
    ),
    "noise.csv": (lambda tmp: random.Random(12).randbytes(5000), f"is not CSV text: {UNKNOWN}"),
    "noise.xlsx": (
        lambda tmp: random.Random(12).randbytes(5000),
        f"is not an Excel workbook: {UNKNOWN}",
    ),
    "stray-byte.csv": (
        gbk_rows_then_a_stray_byte,
        "is not text in UTF-8 or GBK: line 122 holds characters of another encoding. In Excel "
        "or WPS save it as .xlsx, or as “CSV UTF-8”.",
    ),
    "long-cell.csv": (
        lambda tmp: ("户编号,姓名\n1," + "长" * 200_000 + "\n").encode(),
        f"cannot be read as CSV: line 2 is not in CSV form. {SAVE_AS}",
    ),
    "old.xls": (
        lambda tmp: ole2("Root Entry"),
        f"looks like an Excel 97–2003 workbook (.xls) but cannot be read: it is damaged. {REPAIR}",
    ),
    "secret.xlsx": (
        lambda tmp: ole2("Root Entry", "EncryptionInfo", "EncryptedPackage"),
        "is protected by a password, so it cannot be read. Open it in Excel or WPS, remove the "
        "password and save it again.",
    ),
    "memo.xls": (
        lambda tmp: ole2("Root Entry", "WordDocument", "1Table"),
        f"is not an Excel workbook: it looks like a Word document. {COPY}",
    ),
    "broken.ods": (
        lambda tmp: zipped(
            {
                "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                "content.xml": "<office:document-content",
            }
        ),
        f"looks like an OpenDocument spreadsheet (.ods) but cannot be read: it is damaged. "
        f"{REPAIR}",
    ),
}


def upload(actor, name: str, content: bytes, kind: str):
    return services.import_upload(actor=actor, file_name=name, chunks=[content], kind=kind)


@pytest.mark.parametrize("kind", [ImportKind.HOUSEHOLDS, ImportKind.PAIRINGS])
@pytest.mark.parametrize("name", list(CASES))
def test_an_unreadable_file_says_what_it_is_and_what_to_do(county_admin, tmp_path, name, kind):
    build, said = CASES[name]
    job = upload(county_admin, name, build(tmp_path), kind)
    job = services.import_check(job_id=job.pk)
    assert (job.state, job.message) == (JobState.FAILED, f"{name} {said}")
    assert not job.problems.exists()

    path = services.import_error_sheet(actor=county_admin, job_id=job.pk)
    cells = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert cells == [
        ["The file could not be read, so no row of it is marked."],
        [f"{name} {said}"],
    ]


def test_a_workbook_is_read_as_what_it_is_whatever_its_name(county_admin, tmp_path):
    """An .xls renamed .xlsx, an .xlsx renamed .xls or .csv: the content decides."""
    rows = [HEADER, *family()]
    for name, content in (
        ("old-renamed.xlsx", xls(tmp_path / "old.xls", rows).read_bytes()),
        ("new-renamed.xls", xlsx(tmp_path / "new.xlsx", rows).read_bytes()),
        ("new-renamed.csv", xlsx(tmp_path / "new.xlsx", rows).read_bytes()),
    ):
        job = services.import_check(
            job_id=upload(county_admin, name, content, ImportKind.HOUSEHOLDS).pk
        )
        assert (job.state, job.message) == (JobState.CHECKED, ""), name
        assert job.summary["members"]["new"] == 3


def test_the_page_and_the_error_workbook_say_it_in_chinese(signed_in, county_admin):
    """The example of the issue, through the pages, in the language the person uses."""
    client = signed_in(county_admin)
    with translation.override("zh-hans"):
        pdf = CASES["报表.xlsx"][0](None)
        answer = client.post(
            reverse("exchange:import_list"),
            {"kind": ImportKind.HOUSEHOLDS, "file": SimpleUploadedFile("户信息.xlsx", pdf)},
            follow=True,
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    said = (
        "文件 户信息.xlsx 不是 Excel 工作簿：它看起来是一份 PDF 文件。"
        "PDF 或图片中的表格无法读回，请上传制作它的 Excel 文件。"
    )
    page = answer.content.decode()
    assert answer.status_code == 200 and said in page
    assert "Error" not in page and "Traceback" not in page
    job = answer.context["job"]
    errors = client.get(reverse("exchange:import_errors", args=[job.pk]))
    assert errors.status_code == 200
    book = io.BytesIO(b"".join(errors.streaming_content))
    cells = CalamineWorkbook.from_filelike(book).get_sheet_by_index(0).to_python()
    assert cells == [["文件无法读取，因此没有标出任何一行。"], [said]]


def test_a_control_character_in_a_cell_is_shown_as_a_space(county_admin, tmp_path):
    """PostgreSQL refuses NUL in text: the problem about such a cell is stored all the same."""
    rows = family("6111030022010105") * 30  # past the first bytes, which must look like text
    rows[-1] = [*rows[-1][:10], "户\x00主", *rows[-1][11:]]
    path = csv_file(tmp_path / "nul.csv", [HEADER, *rows])
    job = services.import_check(
        job_id=upload(county_admin, path.name, path.read_bytes(), ImportKind.HOUSEHOLDS).pk
    )
    [problem] = [p for p in job.problems.all() if p.column == "与户主关系"]
    assert (problem.row, problem.value) == (91, "户 主")
    assert "\x00" not in problem.reason


@pytest.mark.parametrize("name", ["户" * 196 + ".xlsx", "户信息\x00.xlsx", "户信息\n.csv"])
def test_a_name_the_job_cannot_keep_is_refused_at_upload(county_admin, name):
    with pytest.raises(DomainError) as refusal:
        upload(county_admin, name, b"", ImportKind.HOUSEHOLDS)
    assert refusal.value.message == (
        "The file's name is longer than 200 characters or holds control characters; rename "
        "the file and upload it again."
    )
