"""The evaluation's pages, per named person: the ranking and its download, one subject's
breakdown with the inspector's points, publishing, schemes, the year's totals, hygiene."""

import datetime

import pytest
from django.urls import reverse

from bangfu.supervision.models import ItemScore, ScoreSheet
from tests.supervision.scores_world import COUNTY, MAJIAZHAI, build
from tests.supervision.test_scores import scheme

pytestmark = pytest.mark.django_db
QUERY = {"place": COUNTY, "level": "helper", "month": "2026-11"}


@pytest.fixture
def hand(county_admin, today, on_day):
    return build(county_admin, on_day)


@pytest.fixture
def helpers_scheme(hand, county_admin):
    return scheme(county_admin)


def test_the_ranking_and_its_download(client, leader, helpers_scheme, hand):
    client.force_login(leader)
    page = client.get(reverse("supervision:scores"), QUERY)
    assert page.status_code == 200
    text = page.content.decode()
    assert "王一" in text and "李三" in text
    # A leader reads; only those who manage the evaluation publish.
    assert 'class="publish"' not in text
    download = client.get(reverse("supervision:scores"), {**QUERY, "format": "xlsx"})
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_inspector_scores_a_subject_in_one_click(client, inspector, helpers_scheme, hand):
    client.force_login(inspector)
    one = hand.helpers["one"].pk
    url = reverse("supervision:score_subject")
    query = "?" + "&".join(f"{k}={v}" for k, v in {**QUERY, "subject": one}.items())
    page = client.get(url + query)
    assert page.status_code == 200
    scored = helpers_scheme.items.get(source="scored")
    refused = client.post(url + query, {f"points_{scored.pk}": "9", f"reason_{scored.pk}": "好"})
    assert refused.status_code == 400
    saved = client.post(
        url + query, {f"points_{scored.pk}": "4", f"reason_{scored.pk}": "台账齐全"}
    )
    assert saved.status_code == 302
    assert ItemScore.objects.get(item=scored).points == 4


def test_publish_from_the_page(client, county_admin, leader, helpers_scheme, hand):
    client.force_login(leader)
    assert (
        client.post(
            reverse("supervision:scores") + "?place=" + COUNTY + "&level=helper"
        ).status_code
        == 403
    )
    client.force_login(county_admin)
    done = client.post(
        reverse("supervision:scores") + "?place=" + COUNTY + "&level=helper&month=2026-11"
    )
    assert done.status_code == 302
    assert ScoreSheet.objects.filter(level="helper", month=datetime.date(2026, 11, 1)).exists()
    page = client.get(reverse("supervision:scores"), QUERY)
    assert page.status_code == 200 and 'class="publish"' not in page.content.decode()
    year = client.get(reverse("supervision:year_totals"), {"place": COUNTY, "level": "helper"})
    assert year.status_code == 200 and "王一" in year.content.decode()


def test_schemes_pages(client, county_admin, leader, helpers_scheme):
    client.force_login(leader)
    assert client.get(reverse("supervision:schemes")).status_code == 200
    assert client.get(reverse("supervision:scheme_create")).status_code == 403
    client.force_login(county_admin)
    form = {
        "region_code": COUNTY,
        "level": "team",
        "name": "驻村工作队考评",
        "valid_from": "2026-11-01",
        "item_1_name": "驻村",
        "item_1_source": "residence_compliance",
        "item_1_weight": "15",
        "item_2_name": "驻村",
        "item_2_source": "scored",
        "item_2_weight": "5",
    }
    refused = client.post(reverse("supervision:scheme_create"), form)
    assert refused.status_code == 400
    form["item_2_name"] = "督查评分"
    assert client.post(reverse("supervision:scheme_create"), form).status_code == 302
    edit = reverse("supervision:scheme_edit", args=[helpers_scheme.pk])
    assert client.get(edit).status_code == 200


def test_hygiene_pages(client, county_admin, township_staff, hand):
    from bangfu.supervision.services import ItemInput

    hygiene = scheme(
        county_admin,
        level="household",
        name="卫生评比",
        items=[ItemInput("庭院整洁", "scored", "50"), ItemInput("室内卫生", "scored", "50")],
    )
    yard, room = hygiene.items.order_by("position")
    client.force_login(county_admin)
    query = f"?place={MAJIAZHAI}&month=2026-11"
    entry = client.get(reverse("supervision:hygiene_entry") + query)
    assert entry.status_code == 200
    first = hand.households[1].pk
    saved = client.post(
        reverse("supervision:hygiene_entry") + query,
        {
            "household_id": first,
            f"points_{yard.pk}": "45",
            f"points_{room.pk}": "40",
            "reason": "入户检查",
        },
    )
    assert saved.status_code == 302
    refused = client.post(
        reverse("supervision:hygiene_entry") + query,
        {"household_id": first, f"points_{yard.pk}": "70", "reason": "入户检查"},
    )
    assert refused.status_code == 400
    ranking = client.get(reverse("supervision:hygiene") + query)
    assert ranking.status_code == 200 and "85.00" in ranking.content.decode()
    # township_staff answers for 马王街道, not for 马家寨村.
    client.force_login(township_staff)
    assert client.get(reverse("supervision:hygiene") + query).status_code == 404


def test_the_api(client, county_admin, inspector, helpers_scheme, hand):
    client.force_login(county_admin)
    listed = client.get("/api/supervision/schemes").json()
    assert [s["name"] for s in listed["items"]] == ["帮扶干部考评"]
    made = client.post(
        "/api/supervision/schemes",
        {
            "region_code": COUNTY,
            "level": "household",
            "name": "卫生评比",
            "valid_from": "2026-11-01",
            "items": [{"name": "庭院整洁", "source": "scored", "weight": "50"}],
        },
        content_type="application/json",
    )
    assert made.status_code == 201
    yard = made.json()["items"][0]["id"]
    scored = client.post(
        "/api/supervision/hygiene/scores",
        {
            "household_id": hand.households[1].pk,
            "month": "2026-11-01",
            "points": [{"item_id": yard, "points": "45"}],
            "reason": "入户检查",
        },
        content_type="application/json",
    )
    assert scored.status_code == 201
    ranking = client.get("/api/supervision/hygiene", {"place": MAJIAZHAI}).json()
    assert ranking[0]["total"] == "45.00"  # 45 points of a scheme worth 50
    client.force_login(inspector)
    item = helpers_scheme.items.get(source="scored").pk
    given = client.post(
        "/api/supervision/scores/items",
        {
            "item_id": item,
            "month": "2026-11-01",
            "subject": str(hand.helpers["one"].pk),
            "points": "9",
            "reason": "好",
        },
        content_type="application/json",
    )
    assert given.status_code == 400 and given.json()["field"] == "points"
    scores = client.get("/api/supervision/scores", {"place": COUNTY, "level": "helper"}).json()
    assert scores["published"] is False and len(scores["scores"]) == 3
    published = client.post(
        "/api/supervision/scores/publish",
        {"region_code": COUNTY, "level": "helper", "month": "2026-11-01"},
        content_type="application/json",
    )
    assert published.status_code == 201 and published.json()["scores"] == 3
    year = client.get("/api/supervision/scores/year", {"place": COUNTY, "level": "helper"}).json()
    assert year["months_published"] == ["2026-11-01"]
