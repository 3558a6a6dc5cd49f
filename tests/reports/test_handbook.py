"""The household handbook (帮扶手册) as PDF: what it prints, that rare name characters print,
that it is scoped like every other read, and that ID numbers stay masked unless revealed.

The PDF is read back with poppler (pdftotext, pdfinfo, pdftoppm). Outside CI a machine
without poppler-utils skips those checks with the reason; in CI (``CI=true``) they fail,
because a green run must mean the PDF was looked at.
"""

import datetime
import io
import logging
import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext
from fontTools.ttLib import TTFont
from PIL import Image

from bangfu.core.models import AuditEntry
from bangfu.pairing import services as pairing
from bangfu.registry.selectors import id_mask_for, masked_id
from bangfu.registry.services import IncomeInput, household_register, income_record, member_add
from bangfu.reports.handbook import render_handbook
from bangfu.visits.services import problem_solve
from tests.registry.conftest import first_status, household_input, id_number, member_input
from tests.visits.conftest import at, log, unit, wang  # noqa: F401 (fixtures)

VILLAGE = "611103002201"  # 马家寨村, where helper_wang works
OTHER_VILLAGE = "611103001201"  # 石桥村
TEMPLATE = Path(settings.BASE_DIR, "bangfu/reports/templates/reports/handbook.html")
FONTS = ["Noto Serif CJK SC", "Noto Sans CJK SC", "HanaMinA", "HanaMinB", "serif"]
# Names with characters of CJK Extension A (䶮) and B (𠮷 𡈼 𪚥) and of Extension E (𬌗):
# Noto CJK lacks most of B; HanaMinA/B have them.
RARE_NAMES = ["刘䶮", "𠮷安", "王𡈼", "张𪚥", "李𬌗"]
HEAD_ID = id_number("19650312", "001")


def tool(name: str, package: str = "poppler-utils") -> str:
    """The path of a command-line tool; skipped with the reason if missing, failed in CI."""
    path = shutil.which(name)
    if path is None:
        reason = f"{name} not found: install Debian's {package} (apt-get install {package})"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def page_texts(pdf: bytes) -> list[str]:
    """The text of each page, as poppler extracts it (table rows kept on their lines)."""
    if shutil.which("pdftotext") is None:
        try:
            from pypdf import PdfReader
        except ImportError:
            tool("pdftotext")  # skips outside CI, fails in it
        else:
            return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    out = subprocess.run(
        [tool("pdftotext"), "-layout", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return out.split("\f")[:-1]  # every page ends with a form feed


def page_count(pdf: bytes) -> int:
    info = subprocess.run(
        [tool("pdfinfo"), "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


@pytest.fixture
def li(county_admin, unit):  # noqa: F811 (the fixture imported above)
    return pairing.helper_create(
        actor=county_admin, name="李帮扶", unit_id=unit.pk, phone="13800138000"
    )


@pytest.fixture
def rare(county_admin, helper_wang, wang, li):  # noqa: F811
    """马家寨村's household whose members' names use rare characters, helped by 王哲铭 from
    January and by 李帮扶 from June (a change of helper), visited in March with a follow-up
    that was solved."""
    household = household_register(
        actor=county_admin,
        household=household_input(number="6111030022010001", region_code=VILLAGE),
        members=[
            member_input(name=RARE_NAMES[0], id_number=HEAD_ID),
            member_input(name=RARE_NAMES[1], id_number=id_number("19680806", "002"), relation="02"),
            member_input(name=RARE_NAMES[2], id_number=id_number("19900101", "003"), relation="03"),
            member_input(name=RARE_NAMES[3], id_number=id_number("19920202", "004"), relation="04"),
            member_input(name=RARE_NAMES[4], id_number=id_number("19940303", "005"), relation="03"),
        ],
        status=first_status(),
    )
    pairing.pairing_start(
        actor=county_admin,
        household_id=household.pk,
        helper_id=wang.pk,
        is_main=True,
        started_on=datetime.date(2026, 1, 1),
    )
    visit = log(
        helper_wang,
        household,
        at(datetime.date(2026, 3, 5)),
        services=["2"],
        notes="送米面油一套",
        goods_value=Decimal("200"),
        problems=["屋顶漏雨"],
    )
    problem_solve(
        actor=county_admin,
        problem_id=visit.problems.get().pk,
        solved_on=datetime.date(2026, 3, 20),
        solution="联系住建部门修缮",
    )
    pairing.helper_transfer(
        actor=county_admin,
        from_helper_id=wang.pk,
        to_helper_id=li.pk,
        on=datetime.date(2026, 6, 1),
        reason="工作调动",
    )
    income_record(
        actor=county_admin,
        household_id=household.pk,
        income=IncomeInput(2025, Decimal(30000), Decimal(8000), Decimal(2000), 0, Decimal(1000)),
    )
    return household


def village_households(county_admin, count: int) -> list:
    return [
        household_register(
            actor=county_admin,
            household=household_input(number=f"611103002201{n:04d}", region_code=VILLAGE),
            members=[member_input(id_number=id_number("19700101", f"{n:03d}"))],
            status=first_status(),
        )
        for n in range(2, 2 + count)
    ]


def download(client, user, name: str, query: str = "", **kwargs):
    client.force_login(user)
    return client.get(reverse(f"reports:{name}", kwargs=kwargs) + query)


def village_pdf(client, user, code: str, query: str = ""):
    """Ask for a village's handbooks as its page does; the tests' worker runs the job at
    once, so the job's page offers the file."""
    client.force_login(user)
    started = client.post(reverse("reports:handbook_place", kwargs={"code": code}) + query)
    assert started.status_code == 302 and "/handbook/jobs/" in started["Location"]
    job_page = client.get(started["Location"]).content.decode()
    assert "file.pdf" in job_page
    return client.get(started["Location"] + "file.pdf")


@pytest.mark.one_database  # the fonts and the layout, whatever stores the names
def test_rare_name_characters_print_with_no_missing_glyph(rare, county_admin, caplog):
    named = ", ".join([*(f'"{family}"' for family in FONTS[:-1]), FONTS[-1]])
    assert f"font-family: {named};" in TEMPLATE.read_text()
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_handbook(county_admin, [rare])
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")]
    assert [w for w in warnings if ".notdef" in w or "glyph" in w] == []
    assert warnings == []  # nor any CSS WeasyPrint did not understand
    # The capture would see one: no font here has CJK Extension G (U+30000).
    from weasyprint import HTML

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        HTML(string="<p>\U00030000</p>").write_pdf()
    assert any("U+30000" in r.getMessage() for r in caplog.records)

    # And independently of WeasyPrint's logging: every character of the names is in the
    # character map of one of the fonts the style sheet names, as installed here.
    fc_list = tool("fc-list", "fontconfig")
    cmaps = []
    for family in FONTS[:-1]:
        listed = subprocess.run(
            [fc_list, "-f", "%{file}|%{index}\n", f":family={family}"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout.splitlines()
        assert listed, f"font {family} is not installed (fonts-noto-cjk, fonts-hanazono)"
        path, index = listed[0].split("|")
        with TTFont(path, fontNumber=int(index), lazy=True) as font:
            cmaps.append((family, set(font.getBestCmap())))
    for char in "".join(RARE_NAMES):
        holders = [family for family, cmap in cmaps if ord(char) in cmap]
        assert holders, f"no font of the handbook has {char} (U+{ord(char):04X})"


def test_the_household_pdf_prints_the_record_with_masked_ids(rare, county_admin, client):
    response = download(client, county_admin, "handbook_household", household_id=rare.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    name = quote(f"{gettext('Household handbook')}-{rare.number}.pdf", safe="")
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"handbook-{rare.number}.pdf\"; filename*=utf-8''{name}"
    )
    text = "\n".join(page_texts(response.content))
    assert rare.number in text
    for name in RARE_NAMES:
        assert name in text
    lines = text.splitlines()
    # Each helper on a line of their own with their own start date; the first one ended.
    assert any(re.search(r"王哲铭.*2026-01-01\s+2026-06-01", line) for line in lines), text
    assert any(re.search(r"李帮扶.*13800138000\s+2026-06-01", line) for line in lines), text
    assert any(re.search(r"2026-03-05\s+王哲铭.*送物资", line) for line in lines), text
    assert "送米面油一套" in text
    assert any(
        re.search(r"屋顶漏雨\s+2026-03-05\s+2026-03-20\s+联系住建部门修缮", line) for line in lines
    )
    assert masked_id(HEAD_ID, id_mask_for(county_admin)) in text
    assert re.search(r"\b6111\*{12}\d{2}\b", text)
    assert HEAD_ID not in text and HEAD_ID[4:14] not in text


def test_full_id_numbers_only_for_those_allowed_who_ask_and_each_look_is_audited(
    rare, county_admin, helper_wang, client
):
    reveals = AuditEntry.objects.filter(action="member.id_numbers_revealed", object_id=rare.pk)
    refused = download(client, helper_wang, "handbook_household", "?full=1", household_id=rare.pk)
    assert refused.status_code == 403
    masked = download(client, helper_wang, "handbook_household", household_id=rare.pk)
    assert HEAD_ID not in "\n".join(page_texts(masked.content))
    assert reveals.count() == 0

    full = download(client, county_admin, "handbook_household", "?full=1", household_id=rare.pk)
    assert full.status_code == 200
    assert HEAD_ID in "\n".join(page_texts(full.content))
    assert reveals.get().actor == county_admin


def test_a_village_pdf_holds_each_household_from_a_new_page_in_number_order(
    rare, county_admin, client
):
    others = village_households(county_admin, 3)
    elsewhere = household_register(
        actor=county_admin,
        household=household_input(number="6111030012019999", region_code=OTHER_VILLAGE),
        members=[member_input(id_number=id_number("19700101", "999"))],
        status=first_status(),
    )
    response = village_pdf(client, county_admin, VILLAGE)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    name = quote(f"{gettext('Household handbook')}-马家寨村.pdf", safe="")
    assert response["Content-Disposition"].endswith(f"; filename*=utf-8''{name}")
    numbers = [h.number for h in [rare, *others]]
    pages = page_texts(response.content)
    assert len(pages) == page_count(response.content) >= len(numbers)
    # The running header names the household on every page; each household starts a page.
    on_page = []
    for text in pages:
        named = [number for number in numbers if number in text]
        assert len(named) == 1, text
        on_page.append(named[0])
    assert on_page == sorted(on_page)  # in number order, each household's pages together
    assert set(on_page) == set(numbers)
    assert elsewhere.number not in "".join(pages)


def test_a_place_above_a_village_is_refused_with_a_message(county_admin, client):
    response = download(client, county_admin, "handbook_place", code="611103002000")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:place_detail", kwargs={"code": "611103002000"})
    [message] = list(get_messages(response.wsgi_request))
    assert message.level_tag == "error"
    assert "钓台街道" in str(message)


def test_another_county_gets_404_as_for_a_missing_record(rare, other_county_admin, client):
    for name, aimed, missing in [
        ("handbook_household", {"household_id": rare.pk}, {"household_id": 10**9}),
        ("handbook_place", {"code": VILLAGE}, {"code": "619999999999"}),
    ]:
        assert download(client, other_county_admin, name, **aimed).status_code == 404
        assert download(client, other_county_admin, name, **missing).status_code == 404
        assert download(client, other_county_admin, name, "?full=1", **aimed).status_code == 404
    assert not AuditEntry.objects.filter(action="member.id_numbers_revealed").exists()


@pytest.mark.one_database  # the layout, whatever stores the record
def test_the_first_page_is_not_blank(rare, county_admin, tmp_path):
    pdftoppm = tool("pdftoppm")
    source = tmp_path / "handbook.pdf"
    source.write_bytes(render_handbook(county_admin, [rare]))
    subprocess.run(
        [pdftoppm, "-png", "-r", "50", "-f", "1", "-l", "1", str(source), str(tmp_path / "p")],
        check=True,
    )
    [png] = tmp_path.glob("p*.png")
    with Image.open(png) as image:
        darkest, _lightest = image.convert("L").getextrema()
    assert darkest < 128  # text and table rules, not a white page


def test_reads_do_not_grow_with_a_households_visits_or_members(rare, li, county_admin):
    """A household's reads are a fixed number of queries, however many members, helpers
    and visits it has; the place's chain and names are read once for a village."""
    [plain] = village_households(county_admin, 1)

    def queries(households) -> int:
        with CaptureQueriesContext(connection) as captured:
            render_handbook(county_admin, households)
        return len(captured)

    before = queries([rare])
    for day in (2, 9, 16):
        log(county_admin, rare, at(datetime.date(2026, 7, day)), helper_id=li.pk, problems=["缺肥"])
    member_add(
        actor=county_admin,
        household_id=rare.pk,
        member=member_input(name="刘小䶮", id_number=id_number("20150505", "006"), relation="07"),
    )
    assert queries([rare]) == before
    assert queries([plain, rare]) < queries([plain]) + before


def test_a_village_job_is_its_owners_audited_and_says_when_it_failed(
    rare, county_admin, leader, client, monkeypatch
):
    client.force_login(county_admin)
    started = client.post(reverse("reports:handbook_place", kwargs={"code": VILLAGE}))
    job_page = started["Location"]
    entry = AuditEntry.objects.filter(action="handbook.request").get()
    assert (entry.region_code, entry.after["households"]) == (VILLAGE, 1)
    listed = client.get(reverse("reports:handbook_place", kwargs={"code": VILLAGE}))
    assert job_page in listed.content.decode()  # to come back to it from the village
    client.force_login(leader)  # the same county, but not the one who asked
    listed = client.get(reverse("reports:handbook_place", kwargs={"code": VILLAGE}))
    assert job_page not in listed.content.decode()
    assert client.get(job_page).status_code == 404
    assert client.get(job_page + "file.pdf").status_code == 404

    def broken(*args, **kwargs):
        raise RuntimeError("layout failed")

    monkeypatch.setattr("bangfu.reports.handbook.render_handbook", broken)
    client.force_login(county_admin)
    failed = client.post(reverse("reports:handbook_place", kwargs={"code": VILLAGE}))
    page = client.get(failed["Location"]).content.decode()
    assert "layout failed" not in page and 'role="alert"' in page
    assert client.get(failed["Location"] + "file.pdf").status_code == 302


def test_full_id_numbers_need_the_right_before_the_job_starts(rare, leader, client):
    client.force_login(leader)
    url = reverse("reports:handbook_place", kwargs={"code": VILLAGE})
    assert client.post(url + "?full=1").status_code == 403
    assert not AuditEntry.objects.filter(action="handbook.request").exists()
