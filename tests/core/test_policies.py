import datetime

import pytest

from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.models import AuditEntry, Policy
from bangfu.core.policies import REGISTRY, effective_policy, policy_for
from bangfu.core.services import policy_set, policy_withdraw

KEY = "visits.min_per_month"
DAY = datetime.date(2026, 3, 1)
COUNTY, TOWNSHIP, VILLAGE = "611103000000", "611103002000", "611103002201"


def set_rule(actor, code, value, valid_from=DAY, key=KEY):
    return policy_set(actor=actor, region_code=code, key=key, value=value, valid_from=valid_from)


def test_every_rule_has_a_typed_default():
    assert REGISTRY["visits.min_per_month"].default == 4
    assert REGISTRY["teams.residence_days_min"].default == 20
    assert REGISTRY["auth.lockout_failures"].default == 5
    for spec in REGISTRY.values():
        assert spec.parse(spec.default) == spec.default


def test_the_default_holds_where_nothing_is_set(world):
    assert policy_for(VILLAGE, KEY, on=DAY) == 4
    assert effective_policy(VILLAGE, KEY, on=DAY).region_code is None


def test_a_value_set_on_the_county_holds_in_its_villages(county_admin):
    set_rule(county_admin, COUNTY, "6")
    assert policy_for(VILLAGE, KEY, on=DAY) == 6
    assert policy_for("611103002201001", KEY, on=DAY) == 6  # a group inherits too
    assert policy_for(VILLAGE, KEY, on=DAY - datetime.timedelta(days=1)) == 4  # not yet valid
    assert policy_for("610118001201", KEY, on=DAY) == 4  # another county is untouched


def test_the_nearest_place_wins_over_a_later_value_above(county_admin):
    set_rule(county_admin, TOWNSHIP, 8, valid_from=DAY)
    set_rule(county_admin, COUNTY, 6, valid_from=DAY + datetime.timedelta(days=30))
    later = DAY + datetime.timedelta(days=60)
    assert policy_for(VILLAGE, KEY, on=later) == 8
    assert policy_for("611103001201", KEY, on=later) == 6


def test_the_latest_value_in_force_wins_at_one_place(county_admin):
    set_rule(county_admin, COUNTY, 5, valid_from=DAY)
    set_rule(county_admin, COUNTY, 7, valid_from=DAY + datetime.timedelta(days=31))
    assert policy_for(VILLAGE, KEY, on=DAY + datetime.timedelta(days=30)) == 5
    assert policy_for(VILLAGE, KEY, on=DAY + datetime.timedelta(days=31)) == 7


def test_setting_the_same_day_again_replaces_and_is_audited(county_admin):
    set_rule(county_admin, COUNTY, 5)
    set_rule(county_admin, COUNTY, 6)
    assert Policy.objects.filter(region_id=COUNTY, key=KEY).count() == 1
    entries = list(AuditEntry.objects.filter(action="policy.set").order_by("seq"))
    assert [e.after["value"] for e in entries] == [5, 6]
    assert entries[1].before["value"] == 5
    assert entries[1].region_code == COUNTY


def test_withdrawing_falls_back_to_the_place_above(county_admin):
    set_rule(county_admin, COUNTY, 6)
    township_value = set_rule(county_admin, TOWNSHIP, 9)
    policy_withdraw(actor=county_admin, policy_id=township_value.pk)
    assert policy_for(VILLAGE, KEY, on=DAY) == 6
    assert AuditEntry.objects.filter(action="policy.withdraw").count() == 1


@pytest.mark.parametrize("value", ["abc", "-1", "32", ""])
def test_a_bad_value_is_refused_naming_the_field(county_admin, value):
    with pytest.raises(DomainError) as refusal:
        set_rule(county_admin, COUNTY, value)
    assert refusal.value.field == "value"
    assert not Policy.objects.exists()


def test_an_unknown_rule_is_refused(county_admin):
    with pytest.raises(DomainError, match="no.such"):
        set_rule(county_admin, COUNTY, 1, key="no.such")


def test_only_administrators_set_rules(leader, inspector):
    for person in (leader, inspector):
        with pytest.raises(NotPermitted):
            set_rule(person, COUNTY, 6)


def test_a_place_outside_is_out_of_reach(other_county_admin, county_admin):
    with pytest.raises(OutOfScope):
        set_rule(other_county_admin, COUNTY, 6)
    mine = set_rule(county_admin, COUNTY, 6)
    with pytest.raises(OutOfScope):
        policy_withdraw(actor=other_county_admin, policy_id=mine.pk)
    assert Policy.objects.count() == 1


def test_the_rules_page_sets_a_value(signed_in, county_admin):
    client = signed_in(county_admin)
    page = client.get(f"/places/{VILLAGE}/rules/")
    assert page.status_code == 200 and "valid_from" in page.content.decode()
    response = client.post(
        f"/places/{VILLAGE}/rules/", {"key": KEY, "value": "5", "valid_from": "2026-01-01"}
    )
    assert response.status_code == 302
    assert policy_for(VILLAGE, KEY, on=DAY) == 5


def test_the_rules_page_shows_a_refusal_on_the_field(signed_in, county_admin):
    client = signed_in(county_admin)
    response = client.post(
        f"/places/{VILLAGE}/rules/", {"key": KEY, "value": "99", "valid_from": "2026-01-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["value"]


def test_a_leader_reads_rules_but_cannot_set_them(signed_in, leader):
    client = signed_in(leader)
    page = client.get(f"/places/{VILLAGE}/rules/")
    assert page.status_code == 200 and "valid_from" not in page.content.decode()
    response = client.post(
        f"/places/{VILLAGE}/rules/", {"key": KEY, "value": "5", "valid_from": "2026-01-01"}
    )
    assert response.status_code == 403
    assert not Policy.objects.exists()


def test_rules_read_once_for_every_place_agree_with_each_look_up(
    county_admin, django_assert_num_queries
):
    """A page over many places and months reads the rules once (policies_everywhere); what
    it answers for each place and day is what effective_policies answers for them."""
    from bangfu.core.policies import effective_policies, policies_everywhere

    set_rule(county_admin, COUNTY, "6", valid_from=DAY)
    set_rule(county_admin, TOWNSHIP, "3", valid_from=DAY + datetime.timedelta(days=40))
    set_rule(county_admin, COUNTY, "8", valid_from=DAY + datetime.timedelta(days=80))
    set_rule(county_admin, COUNTY, "每周四", valid_from=DAY, key="visits.fixed_days")
    keys = [KEY, "visits.fixed_days", "reports.max_months"]
    with django_assert_num_queries(1):
        everywhere = policies_everywhere(keys)
    places = [VILLAGE, "611103002201001", "611103001201", TOWNSHIP, COUNTY, "610118001201"]
    for offset in range(-10, 150, 7):
        day = DAY + datetime.timedelta(days=offset)
        for place in places:
            with django_assert_num_queries(0):
                answered = everywhere(place, day)
            assert answered == effective_policies(place, keys, on=day), (place, day)


def test_every_rule_shows_its_values_as_people_write_them_and_reads_them_back():
    """Each key's kind shows a value so that it can be typed in again: no True, no [...]."""
    for spec in REGISTRY.values():
        shown = spec.show(spec.default)
        assert isinstance(shown, str)
        assert not any(raw in shown for raw in ("True", "False", "[", "'", "None")), spec.key
        assert spec.parse(shown) == spec.default, spec.key
    assert REGISTRY["visits.fixed_day_moves_off_holidays"].show(True) == "是"
    assert REGISTRY["visits.fixed_day_moves_off_holidays"].show(False) == "否"
    assert REGISTRY["pairing.responsibility_levels"].show(["包村单位", "乡镇包抓单位"]) == (
        "包村单位、乡镇包抓单位"
    )
    assert REGISTRY["visits.max_distance_m"].show(100000) == "100000"
    assert REGISTRY["visits.fixed_days"].show("每月第1、3个周四") == "每月第1、3个周四"


def test_the_english_page_shows_yes_and_no_in_english():
    from django.utils import translation

    with translation.override("en"):
        assert REGISTRY["visits.fixed_day_moves_off_holidays"].show(True) == "yes"
        assert REGISTRY["visits.fixed_day_moves_off_holidays"].parse("no") is False


def test_the_rules_page_its_download_and_the_api_show_values_as_written(signed_in, county_admin):
    import io

    from python_calamine import CalamineWorkbook

    set_rule(county_admin, COUNTY, "包村单位、包片领导", key="pairing.responsibility_levels")
    set_rule(county_admin, COUNTY, "否", key="visits.fixed_day_moves_off_holidays")
    set_rule(county_admin, COUNTY, "每周四", key="visits.fixed_days")
    client = signed_in(county_admin)
    expected = ["包村单位、包片领导", "否", "每周四"]

    page = client.get(f"/places/{VILLAGE}/rules/").content.decode()
    for text in expected:
        assert text in page
    assert not any(raw in page for raw in ("True", "False", "['", "[&#x27;"))
    assert page.count("包村单位、包片领导") == 1  # in force at the village, set on the county

    county_page = client.get(f"/places/{COUNTY}/rules/").content.decode()
    assert county_page.count("包村单位、包片领导") == 2  # in force, and set on this place

    download = client.get(f"/places/{VILLAGE}/rules/?format=xlsx")
    assert download.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(download.streaming_content)))
    rows = book.get_sheet_by_index(0).to_python()
    cells = [str(cell) for row in rows for cell in row]
    for text in expected:
        assert any(text in cell for cell in cells), text
    assert not any(cell in ("True", "False") or cell.startswith("[") for cell in cells)

    rules = {r["key"]: r for r in client.get(f"/api/places/{VILLAGE}/rules").json()}
    levels = rules["pairing.responsibility_levels"]
    assert levels["value"] == ["包村单位", "包片领导"]  # typed, for machines
    assert levels["value_text"] == "包村单位、包片领导"
    assert levels["default_text"].startswith("包村单位、乡镇包抓单位、")
    assert rules["visits.fixed_day_moves_off_holidays"]["value_text"] == "否"
    assert rules["visits.min_per_month"]["value_text"] == "4"
    # What is shown can be sent back as it is.
    again = client.put(
        f"/api/places/{VILLAGE}/rules/pairing.responsibility_levels",
        {"value": levels["value_text"], "valid_from": "2026-01-01"},
        "application/json",
    )
    assert again.status_code == 200 and again.json()["value"] == ["包村单位", "包片领导"]
