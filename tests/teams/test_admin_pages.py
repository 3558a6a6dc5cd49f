"""The teams' own pages: the list of one's places, a team with its members by role and its
former members, the forms that add, replace and end a member, a member's terms, the four
teams of a village, the attendance sheet (print and .xlsx) and the teams export."""

import datetime
import io
from unittest import mock

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from bangfu.core.models import AuditEntry
from bangfu.pairing.services import helper_create, pairing_start, responsibility_set
from bangfu.registry.services import household_register
from bangfu.teams.models import DayStatus, Team, TeamMember
from bangfu.teams.selectors import admin as selectors
from bangfu.teams.services import member_end, member_replace, team_create
from tests.registry.conftest import first_status, household_input
from tests.registry.conftest import member_input as person
from tests.teams.conftest import ROLES, VILLAGE, member_input, team_input
from tests.teams.days import check_in, leave, register

D = datetime.date
TODAY = D(2026, 3, 20)  # the day the pages are read in these tests


@pytest.fixture(autouse=True)
def today():
    with mock.patch("bangfu.teams.selectors.admin._today", return_value=TODAY):
        yield


def sheet_of(response) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    return book.get_sheet_by_index(0).to_python()


def test_the_list_shows_the_teams_of_one_s_places_only(
    client, county_admin, other_county_admin, team, leader, secretary
):
    client.force_login(county_admin)
    page = client.get(reverse("teams:team_list")).content.decode()
    assert "马家寨村驻村工作队" in page and "沣西新城农业农村局" in page
    client.force_login(other_county_admin)
    assert "马家寨村" not in client.get(reverse("teams:team_list")).content.decode()


def test_the_list_filters_by_place_and_by_term(client, county_admin, team, sending_unit):
    team_create(
        actor=county_admin,
        team=team_input(
            sending_unit,
            name="康西村驻村工作队",
            region_code="611103002202",
            term_start=D(2023, 1, 1),
            term_end=D(2025, 12, 31),
        ),
    )
    client.force_login(county_admin)
    listed = client.get(reverse("teams:team_list"), {"place": "611103002202"}).content.decode()
    assert "康西村驻村工作队" in listed and "马家寨村驻村工作队" not in listed
    ended = client.get(reverse("teams:team_list"), {"state": "ended"}).content.decode()
    assert "康西村驻村工作队" in ended and "马家寨村驻村工作队" not in ended
    current = client.get(reverse("teams:team_list"), {"state": "current"}).content.decode()
    assert "马家寨村驻村工作队" in current and "康西村驻村工作队" not in current
    assert client.get(reverse("teams:team_list"), {"state": "x"}).status_code == 400


def test_a_team_is_registered_and_corrected_on_its_pages(client, county_admin, sending_unit):
    client.force_login(county_admin)
    form = {
        "name": "马家寨村驻村工作队",
        "region_code": VILLAGE,
        "villages": ["611103002202"],
        "unit_id": sending_unit.pk,
        "term_start": "2026-01-01",
        "term_end": "2027-12-31",
        "latitude": "34.25",
        "longitude": "108.7",
    }
    response = client.post(reverse("teams:team_create"), form)
    team = Team.objects.get()
    assert response.url == reverse("teams:team_detail", kwargs={"team_id": team.pk})
    assert sorted(team.villages.values_list("code", flat=True)) == [VILLAGE, "611103002202"]
    edit = reverse("teams:team_edit", kwargs={"team_id": team.pk})
    assert "康西村" in client.get(edit).content.decode()
    refused = client.post(edit, {**form, "term_end": "2025-12-31"})
    assert refused.status_code == 400 and "任期截止日期早于开始日期" in refused.content.decode()
    client.post(edit, {**form, "name": "马家寨村第二驻村工作队", "villages": []})
    team.refresh_from_db()
    assert team.name == "马家寨村第二驻村工作队"
    assert list(team.villages.values_list("code", flat=True)) == [VILLAGE]
    assert AuditEntry.objects.filter(action="team.update").count() == 1


def test_a_team_s_page_shows_members_by_role_former_members_and_forms(
    client, county_admin, team, leader, secretary, liaison, sending_unit
):
    member_replace(
        actor=county_admin,
        member_id=liaison.pk,
        on=D(2026, 3, 1),
        reason="工作调动",
        member=member_input(sending_unit, "陈联络", "104", ROLES["liaison"]),
    )
    client.force_login(county_admin)
    page = client.get(reverse("teams:team_detail", kwargs={"team_id": team.pk})).content.decode()
    _head, in_post, former, *_rest = page.split("<h2>")
    for name, role in (("张队长", "队长"), ("李书记", "第一书记"), ("陈联络", "联络员")):
        assert name in in_post and role in in_post
    assert "王联络" in former and "工作调动" in former and "2026-02-28" in former
    assert page.count('name="reason"') == 3  # an end form for each member in post
    assert reverse("teams:member_add", kwargs={"team_id": team.pk}) in page


def test_a_reader_sees_the_team_without_forms(client, leader_user_of_county, team, leader):
    client.force_login(leader_user_of_county)
    page = client.get(reverse("teams:team_detail", kwargs={"team_id": team.pk})).content.decode()
    assert "张队长" in page and 'name="reason"' not in page
    assert client.get(reverse("teams:team_create")).status_code == 403


@pytest.fixture
def leader_user_of_county(world):
    from bangfu.accounts.models import User

    return User.objects.get(username="leader")


def test_a_member_is_put_on_ended_and_replaced_through_the_pages(
    client, county_admin, team, sending_unit, leader
):
    client.force_login(county_admin)
    add = reverse("teams:member_add", kwargs={"team_id": team.pk})
    form = {
        "name": "孙队员",
        "id_number": member_input(sending_unit, "x", "301").id_number,
        "role": "4",
        "unit_id": sending_unit.pk,
        "started_on": "2026-02-01",
        "phone": "13900000001",
        "user_id": "",
    }
    assert client.post(add, form).status_code == 302
    member = TeamMember.objects.get(name="孙队员")
    again = client.post(add, {**form, "name": "孙队员二"})
    assert again.status_code == 400 and "孙队员" in again.content.decode()
    end = reverse("teams:member_end", kwargs={"member_id": member.pk})
    client.post(end, {"ended_on": "2026-01-01", "reason": "调回"})  # before the term began
    member.refresh_from_db()
    assert member.ended_on is None
    client.post(end, {"ended_on": "2026-03-10", "reason": "调回原单位"})
    member.refresh_from_db()
    assert (member.ended_on, member.end_reason) == (D(2026, 3, 10), "调回原单位")
    replace = reverse("teams:member_replace", kwargs={"member_id": leader.pk})
    assert "张队长" in client.get(replace).content.decode()
    response = client.post(
        replace,
        {
            "name": "赵队长",
            "id_number": member_input(sending_unit, "x", "302").id_number,
            "role": "1",
            "unit_id": sending_unit.pk,
            "on": "2026-03-15",
            "reason": "任期调整",
            "phone": "",
            "user_id": "",
        },
    )
    assert response.status_code == 302
    leader.refresh_from_db()
    assert leader.ended_on == D(2026, 3, 14)
    assert TeamMember.objects.get(name="赵队长").started_on == D(2026, 3, 15)


def test_a_member_s_page_lists_the_person_s_terms(client, county_admin, team, leader, sending_unit):
    member_end(actor=county_admin, member_id=leader.pk, ended_on=D(2026, 2, 28), reason="轮换")
    other = team_create(
        actor=county_admin,
        team=team_input(sending_unit, name="康西村驻村工作队", region_code="611103002202"),
    )
    from bangfu.teams.services import member_add

    later = member_add(
        actor=county_admin,
        team_id=other.pk,
        member=member_input(sending_unit, "张队长", "101", "2", started_on=D(2026, 3, 1)),
    )
    client.force_login(county_admin)
    page = client.get(reverse("teams:member_detail", kwargs={"member_id": later.pk}))
    text = page.content.decode()
    assert "马家寨村驻村工作队" in text and "康西村驻村工作队" in text and "轮换" in text
    assert "61110319800101101" not in text  # the ID number is masked


def test_the_four_teams_of_a_village(
    client, county_admin, team, leader, secretary, liaison, sending_unit
):
    household = household_register(
        actor=county_admin,
        household=household_input(),
        members=[person()],
        status=first_status(),
    )
    helper = helper_create(actor=county_admin, name="王帮扶", unit_id=sending_unit.pk)
    pairing_start(
        actor=county_admin,
        household_id=household.pk,
        helper_id=helper.pk,
        is_main=True,
        started_on=D(2026, 1, 1),
    )
    responsibility_set(actor=county_admin, region_code=VILLAGE, level="包村领导", person="刘镇长")
    client.force_login(county_admin)
    place = client.get(reverse("core:place_detail", kwargs={"code": VILLAGE})).content.decode()
    url = reverse("teams:four_teams", kwargs={"code": VILLAGE})
    assert url in place
    four = selectors.four_teams(county_admin, team.region)
    assert [m.name for m in four.secretaries] == ["李书记"]
    assert [m.name for m in four.work_team] == ["张队长", "李书记", "王联络"]
    assert [(c.name, c.households) for c in four.cadres] == [("王帮扶", 1)]
    assert ("包村领导", "刘镇长") in [
        (level, e.person if e else None) for level, e in four.committee
    ]
    page = client.get(url).content.decode()
    assert "刘镇长" in page and "王帮扶" in page and "李书记" in page
    township = reverse("teams:four_teams", kwargs={"code": "611103002000"})
    assert client.get(township).status_code == 404


def test_the_attendance_sheet_is_the_paper_grid(client, county_admin, team, leader, secretary):
    for day in range(2, 12):
        check_in(county_admin, leader, D(2026, 3, day))
    register(county_admin, leader, D(2026, 3, 12), DayStatus.OFFICIAL)
    leave(county_admin, leader, D(2026, 3, 13), D(2026, 3, 14))
    leave(county_admin, leader, D(2026, 3, 25), D(2026, 3, 26))  # ahead: blank
    sheet = selectors.attendance_sheet(team, D(2026, 3, 1))
    row = next(r for r in sheet.rows if r.member == leader)
    cells = dict(row.cells)
    assert cells[D(2026, 3, 1)] == DayStatus.ABSENT
    assert cells[D(2026, 3, 2)] == DayStatus.IN_VILLAGE
    assert cells[D(2026, 3, 12)] == DayStatus.OFFICIAL
    assert cells[D(2026, 3, 13)] == DayStatus.LEAVE
    assert cells[D(2026, 3, 21)] == cells[D(2026, 3, 25)] == ""
    assert (row.totals[DayStatus.IN_VILLAGE], row.totals[DayStatus.ABSENT]) == (10, 7)
    assert row.counted == 11 and row.short is None  # official counts, leave does not; not over
    client.force_login(county_admin)
    url = reverse("teams:attendance", kwargs={"team_id": team.pk})
    page = client.get(url, {"month": "2026-03"}).content.decode()
    assert 'class="sheet-grid"' in page and "style=" not in page
    assert page.count('data-status="in_village"') == 10
    rows = sheet_of(client.get(url, {"month": "2026-03", "format": "xlsx"}))
    assert rows[0][:3] == ["姓名", "职务", "1"] and rows[0][-1] == "差天数"
    leader_row = next(r for r in rows if r[0] == "张队长")
    assert leader_row[3] == "✓" and leader_row[13] == "公出" and leader_row[-3:] == [11.0, 20.0, ""]


def test_a_month_that_is_over_says_who_is_short(client, county_admin, team, leader, secretary):
    for day in range(1, 21):
        check_in(county_admin, secretary, D(2026, 2, day))
    for day in range(1, 11):
        check_in(county_admin, leader, D(2026, 2, day))
    sheet = selectors.attendance_sheet(team, D(2026, 2, 1))
    shorts = {row.member.name: row.short for row in sheet.rows}
    assert shorts == {"张队长": 10, "李书记": 0}
    assert sheet.over


def test_teams_and_members_download(client, county_admin, team, leader, secretary):
    client.force_login(county_admin)
    rows = sheet_of(client.get(reverse("teams:team_list"), {"format": "xlsx"}))
    assert rows[0][:3] == ["驻村工作队", "驻村村", "村代码"]
    assert [row[6] for row in rows[1:]] == ["张队长", "李书记"]
    assert rows[1][7].startswith("6111") and "*" in rows[1][7]


def test_a_team_named_with_what_excel_refuses_in_a_sheet_name_still_downloads(
    client, county_admin, sending_unit
):
    """The sheet is named from the team's name; Excel refuses []:*?/\\ there and more than 31
    units, which a team's name may hold (found by the API fuzzer at 60×)."""
    name = "马家寨村[一组]/二组: 驻村工作队*?\\ 2026年第二批"
    team = team_create(actor=county_admin, team=team_input(sending_unit, name=name))
    client.force_login(county_admin)
    url = reverse("teams:attendance", kwargs={"team_id": team.pk})
    response = client.get(url, {"month": "2026-03", "format": "xlsx"})
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    [sheet] = book.sheet_names
    assert "马家寨村 一组  二组" in sheet and len(sheet) <= 31
    assert not set(sheet) & set("[]:*?/\\")
