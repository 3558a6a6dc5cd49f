"""Differences worked by hand: classified by the village's work team, its township or the
county; closed by hand only with a reason; only open ones; another village's difference is
not found (404 as a missing one); every write audited. The pages and the API over them."""

# ruff: noqa: F811 (the fixtures imported from difference_world)

import pytest

from bangfu.checks import services
from bangfu.checks.models import Difference, DifferenceClass, DifferenceState
from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.models import AuditEntry
from tests.teams.conftest import on_day  # noqa: F401 (a fixture)

from .difference_world import (  # noqa: F401 (fixtures)
    TODAY,
    checks_today,
    diaotai_staff,
    difference,
    majiazhai,
    majiazhai_team,
    shiqiao,
    shiqiao_team,
    snapshot,
)


@pytest.fixture
def open_one(county_admin, majiazhai):
    return difference(majiazhai, snapshot(county_admin))


def test_the_village_team_classifies_and_may_change_its_mind_while_open(
    checks_today, majiazhai_team, open_one
):
    services.difference_classify(
        actor=majiazhai_team, difference_id=open_one.pk, classification="home_check"
    )
    done = services.difference_classify(
        actor=majiazhai_team, difference_id=open_one.pk, classification="system"
    )
    assert done.classification == DifferenceClass.SYSTEM_WRONG
    assert done.classified_by == majiazhai_team and done.classified_at is not None
    assert done.state == DifferenceState.OPEN
    entries = AuditEntry.objects.filter(action="difference.classify", object_id=str(open_one.pk))
    assert entries.count() == 2
    assert entries.last().region_code == open_one.region_id
    assert entries.last().before["classification"] == "home_check"


@pytest.mark.parametrize("value", ["", "wrong", "SYSTEM", None, "system\x00"])
def test_a_classification_not_of_the_list_is_refused_and_nothing_stored(
    checks_today, majiazhai_team, open_one, value
):
    with pytest.raises(DomainError) as refused:
        services.difference_classify(
            actor=majiazhai_team, difference_id=open_one.pk, classification=value
        )
    assert refused.value.field == "classification"
    open_one.refresh_from_db()
    assert open_one.classification == ""
    assert not AuditEntry.objects.filter(action="difference.classify").exists()


def test_closed_by_hand_with_a_reason_by_the_township(checks_today, diaotai_staff, open_one):
    closed = services.difference_close(
        actor=diaotai_staff, difference_id=open_one.pk, reason="  系统已于11月更正，待下月比对  "
    )
    assert closed.state == DifferenceState.CLOSED
    assert closed.close_reason == "系统已于11月更正，待下月比对"
    assert (closed.closed_on, closed.closed_by) == (TODAY, diaotai_staff)
    entry = AuditEntry.objects.get(action="difference.close", object_id=str(open_one.pk))
    assert entry.after["state"] == "closed" and entry.before["state"] == "open"


@pytest.mark.parametrize("reason", ["", "   ", "理" * 301, "原因\x07"])
def test_closing_without_a_fit_reason_is_refused(checks_today, county_admin, open_one, reason):
    with pytest.raises(DomainError) as refused:
        services.difference_close(actor=county_admin, difference_id=open_one.pk, reason=reason)
    assert refused.value.field == "reason"
    open_one.refresh_from_db()
    assert open_one.state == DifferenceState.OPEN and open_one.close_reason == ""


def test_only_an_open_difference_is_classified_or_closed(checks_today, county_admin, open_one):
    services.difference_close(actor=county_admin, difference_id=open_one.pk, reason="已核实")
    with pytest.raises(DomainError) as refused:
        services.difference_classify(
            actor=county_admin, difference_id=open_one.pk, classification="accepted"
        )
    assert refused.value.code == "difference_not_open"
    with pytest.raises(DomainError):
        services.difference_close(actor=county_admin, difference_id=open_one.pk, reason="再次")
    fixed = difference(open_one.household, open_one.snapshot, state=DifferenceState.FIXED)
    with pytest.raises(DomainError):
        services.difference_classify(
            actor=county_admin, difference_id=fixed.pk, classification="system"
        )


def test_another_village_difference_is_not_found_and_others_may_not_work(
    checks_today, shiqiao_team, open_one, helper_wang, leader
):
    for call in (
        lambda: services.difference_classify(
            actor=shiqiao_team, difference_id=open_one.pk, classification="system"
        ),
        lambda: services.difference_close(
            actor=shiqiao_team, difference_id=open_one.pk, reason="x"
        ),
        lambda: services.difference_close(actor=shiqiao_team, difference_id=10**30, reason="x"),
    ):
        with pytest.raises(OutOfScope):
            call()
    # A pair helper and a leader see 马家寨村 but check no handbooks.
    for person in (helper_wang, leader):
        with pytest.raises(NotPermitted):
            services.difference_close(actor=person, difference_id=open_one.pk, reason="x")
    open_one.refresh_from_db()
    assert open_one.state == DifferenceState.OPEN
    assert Difference.objects.count() == 1


# --- pages and API ------------------------------------------------------------------------


@pytest.fixture
def several(county_admin, majiazhai, shiqiao):
    source = snapshot(county_admin)
    return {
        "phone": difference(majiazhai, source),
        "name": difference(
            majiazhai,
            source,
            field="name",
            field_name="姓名",
            member_name="马建国",
            system_value="马健国",
            handbook_value="马建国",
            classification="system",
        ),
        "fixed": difference(majiazhai, source, field="address", state=DifferenceState.FIXED),
        "shiqiao": difference(shiqiao, source, field_name="联系电话"),
    }


def test_the_list_filters_within_the_readers_places_and_downloads(
    checks_today, client, majiazhai_team, county_admin, several
):
    client.force_login(majiazhai_team)
    page = client.get("/checks/differences/")
    assert page.status_code == 200
    shown = [d.pk for d in page.context["page"]]
    # 石桥村's is not 马家寨村's team's; the open ones first, the household's own fields
    # before its members'.
    assert shown == [several["phone"].pk, several["name"].pk, several["fixed"].pk]
    for query, expected in [
        ("state=open", {"name", "phone"}),
        ("classification=none", {"phone", "fixed"}),
        ("classification=system", {"name"}),
        ("field=姓名", {"name"}),
        ("field=phone", {"phone"}),
        ("kind=problem", set()),
        (f"snapshot={several['phone'].snapshot_id}", {"name", "phone", "fixed"}),
        ("problem_list=999", set()),
    ]:
        page = client.get(f"/checks/differences/?{query}")
        assert {k for k, d in several.items() if d in page.context["page"]} == expected, query
    for bad in ("state=shut", "classification=x", "kind=x", "snapshot=abc", "field=" + "x" * 61):
        assert client.get(f"/checks/differences/?{bad}").status_code == 400, bad
    sheet = client.get("/checks/differences/?format=xlsx&state=open")
    assert sheet.status_code == 200 and sheet["Content-Type"].startswith("application/vnd")
    client.force_login(county_admin)
    place = client.get("/checks/places/611103001201/differences/")
    assert [d.pk for d in place.context["page"]] == [several["shiqiao"].pk]
    assert (
        "/checks/places/611103001201/differences/"
        in client.get("/places/611103001201/").content.decode()
    )


def test_the_page_classifies_and_closes_and_refuses_with_the_form(
    checks_today, client, majiazhai_team, several
):
    client.force_login(majiazhai_team)
    d = several["phone"]
    page = client.get(f"/checks/differences/{d.pk}/")
    assert page.status_code == 200 and page.context["may_work"]
    body = page.content.decode()
    assert "13800000000" in body and "13900000000" in body
    assert f"/households/{d.household_id}/" in body
    done = client.post(f"/checks/differences/{d.pk}/classify/", {"classification": "handbook"})
    assert done.status_code == 302
    refused = client.post(f"/checks/differences/{d.pk}/close/", {"reason": "  "})
    assert refused.status_code == 400
    done = client.post(f"/checks/differences/{d.pk}/close/", {"reason": "已入户核实，手册已改"})
    assert done.status_code == 302
    d.refresh_from_db()
    assert (d.classification, d.state) == ("handbook", "closed")
    closed = client.get(f"/checks/differences/{d.pk}/")
    assert not closed.context["may_work"] and "已入户核实" in closed.content.decode()
    # The household page lists its open differences only.
    household = client.get(f"/households/{d.household_id}/").content.decode()
    assert f"/checks/differences/{several['name'].pk}/" in household
    assert f"/checks/differences/{d.pk}/" not in household


def test_another_village_answers_404_on_pages_and_api(checks_today, client, shiqiao_team, several):
    client.force_login(shiqiao_team)
    pk = several["phone"].pk
    for address in (
        f"/checks/differences/{pk}/",
        f"/api/checks/differences/{pk}",
    ):
        assert client.get(address).status_code == 404
    assert client.post(f"/checks/differences/{pk}/close/", {"reason": "x"}).status_code == 404
    answer = client.post(
        f"/api/checks/differences/{pk}/classify",
        {"classification": "system"},
        content_type="application/json",
    )
    assert answer.status_code == 404
    several["phone"].refresh_from_db()
    assert several["phone"].classification == ""


def test_the_api_lists_reads_classifies_and_closes(checks_today, client, diaotai_staff, several):
    client.force_login(diaotai_staff)
    listed = client.get("/api/checks/differences?state=open&place=611103002201").json()
    assert {item["id"] for item in listed["items"]} == {several["phone"].pk, several["name"].pk}
    assert client.get("/api/checks/differences?classification=x").status_code == 400
    pk = several["phone"].pk
    post = lambda path, body: client.post(  # noqa: E731
        f"/api/checks/differences/{pk}/{path}", body, content_type="application/json"
    )
    refused = post("classify", {"classification": "maybe"})
    assert refused.status_code == 400 and refused.json()["field"] == "classification"
    assert post("classify", {"classification": "accepted"}).json()["classification"] == "accepted"
    refused = post("close", {"reason": ""})
    assert refused.status_code == 400 and refused.json()["field"] == "reason"
    closed = post("close", {"reason": "已知滞后，下月系统更新"}).json()
    assert (closed["state"], closed["closed_on"]) == ("closed", TODAY.isoformat())
    assert post("close", {"reason": "再次"}).json()["code"] == "difference_not_open"
    assert client.get("/api/checks/problem-lists").json()["items"] == []
