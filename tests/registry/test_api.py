from bangfu.registry.models import Household
from tests.registry.conftest import id_number

HEAD = id_number("19650312", "001")
REGISTRATION = {
    "household": {
        "number": "6111030022010007",
        "region_code": "611103002201",
        "attribute": "1",
        "standard": "1",
        "main_cause": "1",
        "other_causes": ["8"],
        "year_identified": 2015,
    },
    "members": [
        {
            "name": "马建国",
            "id_number": HEAD,
            "relation": "01",
            "ethnicity": "01",
            "health": "3",
            "labour": "3",
        }
    ],
    "status": {"status": "not_out", "effective_on": "2015-05-01", "reason": "精准识别"},
}


def post(client, url, payload):
    return client.post(url, payload, content_type="application/json")


def test_register_read_update_and_change_status(signed_in, county_admin):
    client = signed_in(county_admin)
    created = post(client, "/api/households", REGISTRATION)
    assert created.status_code == 201
    body = created.json()
    assert body["members"][0]["id_number"] == "6111************" + HEAD[-2:]
    assert body["members"][0]["birth_date"] == "1965-03-12"
    assert body["history"][0]["status"] == "not_out"
    url = f"/api/households/{body['id']}"
    changed = client.put(
        url, {**REGISTRATION["household"], "main_cause": "2"}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["main_cause"] == "2"
    status = post(
        client,
        url + "/status",
        {"status": "out_with_policy", "effective_on": "2019-12-01", "reason": "脱贫"},
    )
    assert [h["status"] for h in status.json()["history"]] == ["not_out", "out_with_policy"]
    listed = client.get("/api/households?main_cause=2").json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == "6111030022010007"


def test_a_refused_member_names_its_place_in_the_payload(signed_in, county_admin):
    client = signed_in(county_admin)
    bad = {**REGISTRATION, "members": [{**REGISTRATION["members"][0], "id_number": HEAD[:-1]}]}
    response = post(client, "/api/households", bad)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_id_number"
    assert response.json()["field"] == "members.0.id_number"
    assert not Household.objects.exists()


def test_members_are_added_and_updated(signed_in, county_admin):
    client = signed_in(county_admin)
    household_id = post(client, "/api/households", REGISTRATION).json()["id"]
    spouse = {
        "name": "李秀英",
        "id_number": id_number("19680806", "002"),
        "relation": "02",
        "ethnicity": "01",
        "health": "1",
        "labour": "1",
    }
    added = post(client, f"/api/households/{household_id}/members", spouse)
    assert added.status_code == 201 and len(added.json()["members"]) == 2
    spouse_id = next(m["id"] for m in added.json()["members"] if m["name"] == "李秀英")
    renamed = client.put(
        f"/api/members/{spouse_id}", {**spouse, "name": "李秀瑛"}, content_type="application/json"
    )
    assert "李秀瑛" in [m["name"] for m in renamed.json()["members"]]
