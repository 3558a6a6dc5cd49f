"""Pairing over the API: the same services and rules as the pages."""

import datetime
import json

from bangfu.pairing import services

from .test_pairing import register


def post(client, url, payload):
    return client.post(url, json.dumps(payload), content_type="application/json")


def test_pair_list_end_and_coverage_over_the_api(county_admin, signed_in):
    client = signed_in(county_admin)
    unit = services.unit_create(
        actor=county_admin,
        name="沣西新城财政局",
        kind="government",
        level="county",
        region_code="611103000000",
    )
    helper = services.helper_create(actor=county_admin, name="李娜", unit_id=unit.pk)
    household = register(county_admin, "611103002201001", "001")
    assert client.get("/api/coverage").json()["covered"] == 0

    started = post(
        client,
        "/api/pairings",
        {
            "household_id": household.pk,
            "helper_id": helper.pk,
            "is_main": True,
            "started_on": "2026-03-01",
        },
    )
    assert started.status_code == 201 and started.json()["unit_name"] == "沣西新城财政局"
    again = post(
        client,
        "/api/pairings",
        {"household_id": household.pk, "helper_id": helper.pk, "started_on": "2026-03-01"},
    )
    assert again.status_code == 400 and again.json()["code"] == "already_paired"
    assert client.get("/api/coverage?place=611103002201").json()["rate"] == 1.0

    ended = post(
        client,
        f"/api/pairings/{started.json()['id']}/end",
        {"ended_on": "2026-04-01", "reason": "调离"},
    )
    assert ended.json()["ended_on"] == "2026-04-01"
    listed = client.get(f"/api/households/{household.pk}/pairings").json()
    assert [(p["helper_name"], p["end_reason"]) for p in listed] == [("李娜", "调离")]


def test_units_helpers_and_transfer_over_the_api(county_admin, signed_in):
    client = signed_in(county_admin)
    unit = post(
        client,
        "/api/units",
        {
            "name": "沣西新城财政局",
            "kind": "government",
            "level": "county",
            "region_code": "611103000000",
        },
    ).json()
    bad = post(
        client,
        "/api/units",
        {
            "name": "某公司",
            "kind": "private_enterprise",
            "level": "county",
            "region_code": "611103000000",
            "credit_code": "123",
        },
    )
    assert bad.status_code == 400 and bad.json()["code"] == "bad_credit_code"
    wang = post(client, "/api/helpers", {"name": "王哲铭", "unit_id": unit["id"]}).json()
    li = post(client, "/api/helpers", {"name": "李娜", "unit_id": unit["id"]}).json()
    household = register(county_admin, "611103002201001", "001")
    services.pairing_start(
        actor=county_admin,
        household_id=household.pk,
        helper_id=wang["id"],
        started_on=datetime.date(2026, 3, 1),
    )
    moved = post(
        client,
        f"/api/helpers/{wang['id']}/transfer",
        {"to_helper_id": li["id"], "on": "2026-06-01", "reason": "调离"},
    ).json()
    assert [p["helper_name"] for p in moved] == ["李娜"]
    loads = {h["name"]: h["households"] for h in client.get("/api/helpers").json()}
    assert loads == {"王哲铭": 0, "李娜": 1}
    renamed = client.put(
        f"/api/helpers/{li['id']}",
        {"name": "李娜娜", "unit_id": unit["id"], "phone": "13900000003"},
        content_type="application/json",
    )
    assert renamed.status_code == 200
    assert (renamed.json()["name"], renamed.json()["phone"], renamed.json()["households"]) == (
        "李娜娜",
        "13900000003",
        1,
    )


def test_one_household_is_handed_over_over_the_api(county_admin, signed_in):
    client = signed_in(county_admin)
    unit = services.unit_create(
        actor=county_admin,
        name="沣西新城财政局",
        kind="government",
        level="county",
        region_code="611103000000",
    )
    wang = services.helper_create(actor=county_admin, name="王哲铭", unit_id=unit.pk)
    li = services.helper_create(actor=county_admin, name="李娜", unit_id=unit.pk)
    household = register(county_admin, "611103002201001", "001")
    pairing = services.pairing_start(
        actor=county_admin,
        household_id=household.pk,
        helper_id=wang.pk,
        is_main=True,
        started_on=datetime.date(2026, 3, 1),
    )
    url = f"/api/pairings/{pairing.pk}/handover"
    handed = post(client, url, {"to_helper_id": li.pk, "on": "2026-06-01", "reason": "就近帮扶"})
    assert handed.status_code == 201
    assert {k: handed.json()[k] for k in ("helper_name", "is_main", "started_on", "ended_on")} == {
        "helper_name": "李娜",
        "is_main": True,
        "started_on": "2026-06-01",
        "ended_on": None,
    }
    listed = client.get(f"/api/households/{household.pk}/pairings").json()
    assert [(p["helper_name"], p["ended_on"], p["end_reason"]) for p in listed] == [
        ("李娜", None, ""),
        ("王哲铭", "2026-06-01", "就近帮扶"),
    ]
    again = post(client, url, {"to_helper_id": li.pk, "on": "2026-06-01", "reason": "再交"})
    assert again.status_code == 400 and again.json()["code"] == "ended"
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]["HandoverIn"]
    assert schema["properties"]["reason"]["maxLength"] == 200
