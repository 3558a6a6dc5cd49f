"""The rounds' pages and API: the list with its filters and download, planning through the
form (a refusal on its field), a round's page with its sample and draws, the buttons to draw,
draw again (with a reason) and close, the check of a draw; who sees what."""

import io
import json

import pytest
from python_calamine import CalamineWorkbook

from bangfu.supervision import selectors
from bangfu.supervision.models import InspectionRound, SampleDraw
from tests.supervision.conftest import COUNTY, OTHER_VILLAGE, TOWNSHIP
from tests.supervision.test_rounds import district, plan  # noqa: F401 (a fixture)


@pytest.fixture
def drawn(today, district, county_admin):  # noqa: F811
    from bangfu.supervision.services import sample_draw

    inspection = plan(county_admin, title="11月脱贫攻坚督查")
    sample_draw(actor=county_admin, round_id=inspection.pk)
    return inspection


@pytest.mark.parametrize("who", ["county_admin", "inspector", "leader"])
def test_the_pages_render_for_readers(who, drawn, signed_in, request):
    client = signed_in(request.getfixturevalue(who))
    listing = client.get("/supervision/rounds/").content.decode()
    assert "11月脱贫攻坚督查" in listing and "沣西新城" in listing
    page = client.get(f"/supervision/rounds/{drawn.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "户主1" in body or "户主2" in body or "户主3" in body  # households with their heads
    assert "石桥村" in body and "马家寨村" in body  # township by township
    assert "马家寨村驻村工作队" in body and "沣西新城农业农村局" in body
    inspects = who != "leader"
    assert ("/draw/" in body) is False  # drawn already
    assert (f"/supervision/rounds/{drawn.pk}/redraw/" in body) is inspects
    assert (f"/supervision/rounds/{drawn.pk}/close/" in body) is inspects
    check = client.get(f"/supervision/rounds/{drawn.pk}/check/").content.decode()
    assert 'id="verdict" class="ok"' in check
    assert client.get("/supervision/rounds/plan/").status_code == (200 if inspects else 403)


def test_the_list_filters_and_downloads(drawn, county_admin, signed_in):
    plan(county_admin, region_code=TOWNSHIP, month="2026-10", title="10月钓台街道督查")
    client = signed_in(county_admin)
    november = client.get("/supervision/rounds/?month=2026-11").content.decode()
    assert "11月脱贫攻坚督查" in november and "10月钓台街道督查" not in november
    township = client.get(f"/supervision/rounds/?place={TOWNSHIP}").content.decode()
    assert "10月钓台街道督查" in township and "11月脱贫攻坚督查" not in township
    assert client.get("/supervision/rounds/?month=2026-13").status_code == 400
    assert client.get("/supervision/rounds/?state=gone").status_code == 400
    sheet = client.get("/supervision/rounds/?format=xlsx")
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(sheet.streaming_content)))
    rows = [tuple(row) for row in book.get_sheet_by_index(0).to_python()]
    assert len(rows) == 3
    assert rows[1][:3] == ("2026-11", "沣西新城", "11月脱贫攻坚督查")
    assert "、" in rows[1][3]  # its two methods


def test_a_round_is_planned_on_its_page_and_a_refusal_shows_on_its_field(
    today, county_admin, inspector, signed_in
):
    client = signed_in(inspector)
    form = {
        "region_code": COUNTY,
        "month": "2026-13",
        "title": "12月督查",
        "methods": ["on_site", "phone"],
        "inspectors": [str(inspector.pk), str(county_admin.pk)],
        "households_wanted": "10",
        "helpers_wanted": "4",
        "units_wanted": "2",
        "teams_wanted": "2",
        "stratified": "on",
    }
    refused = client.post("/supervision/rounds/plan/", form)
    assert refused.status_code == 400 and 'class="field has-error"' in refused.content.decode()
    assert not InspectionRound.objects.filter(title="12月督查").exists()
    done = client.post("/supervision/rounds/plan/", form | {"month": "2026-12"})
    inspection = InspectionRound.objects.get(title="12月督查")
    assert done.status_code == 302 and done["Location"] == f"/supervision/rounds/{inspection.pk}/"
    assert inspection.stratified and inspection.methods == "on_site,phone"
    assert set(inspection.inspectors.all()) == {inspector, county_admin}
    edit = client.get(f"/supervision/rounds/{inspection.pk}/edit/")
    assert edit.status_code == 200
    changed = client.post(
        f"/supervision/rounds/{inspection.pk}/edit/",
        {k: v for k, v in form.items() if k not in ("region_code", "month")}
        | {"title": "12月入户督查"},
    )
    assert changed.status_code == 302
    inspection.refresh_from_db()
    assert inspection.title == "12月入户督查"


def test_draw_redraw_and_close_by_the_buttons(today, district, county_admin, signed_in):  # noqa: F811
    inspection = plan(county_admin)
    client = signed_in(county_admin)
    assert "/draw/" in client.get(f"/supervision/rounds/{inspection.pk}/").content.decode()
    client.post(f"/supervision/rounds/{inspection.pk}/draw/")
    assert SampleDraw.objects.filter(round=inspection).count() == 1
    without = client.post(f"/supervision/rounds/{inspection.pk}/redraw/", {"reason": ""})
    assert without.status_code == 400 and SampleDraw.objects.filter(round=inspection).count() == 1
    client.post(f"/supervision/rounds/{inspection.pk}/redraw/", {"reason": "样本户搬迁"})
    page = client.get(f"/supervision/rounds/{inspection.pk}/").content.decode()
    assert "样本户搬迁" in page and page.count("<li>") >= 2
    client.post(f"/supervision/rounds/{inspection.pk}/close/")
    inspection.refresh_from_db()
    assert inspection.state == "closed"
    again = client.post(f"/supervision/rounds/{inspection.pk}/redraw/", {"reason": "再抽"})
    assert again.status_code == 400 and SampleDraw.objects.filter(round=inspection).count() == 2


def test_the_api_plans_draws_redraws_and_checks(today, district, county_admin, signed_in):  # noqa: F811
    client = signed_in(county_admin)
    body = {
        "region_code": COUNTY,
        "month": "2026-11",
        "title": "接口督查",
        "methods": ["phone"],
        "inspector_ids": [county_admin.pk],
        "households_wanted": 3,
        "stratified": True,
    }
    made = client.post("/api/supervision/rounds", json.dumps(body), content_type="application/json")
    assert made.status_code == 201, made.content
    round_id = made.json()["id"]
    refused = client.post(
        "/api/supervision/rounds",
        json.dumps(body | {"methods": []}),
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["field"] == "methods"
    drawn = client.post(f"/api/supervision/rounds/{round_id}/draw").json()
    assert drawn["draw"]["number"] == 1 and isinstance(drawn["draw"]["seed"], str)
    households = [row for row in drawn["sample"] if row["kind"] == "household"]
    assert len(households) == 3 and all(row["head"].startswith("户主") for row in households)
    no_reason = client.post(
        f"/api/supervision/rounds/{round_id}/redraw",
        json.dumps({"reason": ""}),
        content_type="application/json",
    )
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
    again = client.post(
        f"/api/supervision/rounds/{round_id}/redraw",
        json.dumps({"reason": "电话无法接通"}),
        content_type="application/json",
    ).json()
    assert [d["number"] for d in again["draws"]] == [1, 2]
    assert again["draws"][0]["seed"] != again["draws"][1]["seed"]
    check = client.get(f"/api/supervision/rounds/{round_id}/check").json()
    assert check["drawn"] and check["matches"] and check["number"] == 2
    listed = client.get("/api/supervision/rounds?month=2026-11").json()
    assert [row["title"] for row in listed["items"]] == ["接口督查"]
    closed = client.post(f"/api/supervision/rounds/{round_id}/close").json()
    assert closed["state"] == "closed"


def test_surveys_read_the_sampled_households_of_the_current_draw(drawn):
    households = list(selectors.sampled(drawn, "household"))
    assert len(households) == 4 and all(item.household_id for item in households)
    assert {item.region_id[:9] for item in households} == {"611103001", OTHER_VILLAGE[:9]}
