"""The month's computed shares against a world counted by hand (``scores_world``), and the
two ways of computing them (roll-ups, records) agreeing."""

import random
from decimal import Decimal

import pytest

from bangfu.pairing import services as pairing
from bangfu.supervision.scoring import computed_shares
from bangfu.teams.services import register_keep
from tests.supervision.scores_world import COUNTY, DIAOTAI, MAWANG, MONTH, at, build, day, log

pytestmark = pytest.mark.django_db

D = Decimal
NA = None


@pytest.fixture
def hand(county_admin, today, on_day):
    return build(county_admin, on_day)


def shares(level, *, from_records=False):
    return computed_shares(level, COUNTY, MONTH, from_records=from_records)


def test_helpers_shares_counted_by_hand(hand):
    found = shares("helper")
    one, two, three = (str(hand.helpers[k].pk) for k in ("one", "two", "three"))
    # 王一: H1 (2 visits), H2 (1), H3 (3) → 2 of 3 met; the finding naming him closed on time;
    # H1 satisfied (5), H2 not (3).
    assert found[one]["visit_compliance"] == D("66.67")
    assert found[one]["rectified_on_time"] == D("100.00")
    assert found[one]["satisfaction"] == D("50.00")
    assert found[one]["pairing_coverage"] is NA  # not applicable to helpers
    # 王二: H4 (0) and H6 (2) → 1 of 2; no finding, no survey: n/a.
    assert found[two]["visit_compliance"] == D("50.00")
    assert found[two]["rectified_on_time"] is NA
    assert found[two]["satisfaction"] is NA
    # 李三: H7 (2), H8 (0) → 1 of 2; H7 satisfied.
    assert found[three]["visit_compliance"] == D("50.00")
    assert found[three]["satisfaction"] == D("100.00")


def test_units_shares_counted_by_hand(hand):
    found = shares("unit")
    farm, water = (str(hand.units[k].pk) for k in ("farm", "water"))
    # 农业局: H1, H2, H3, H4, H6 → H1, H3, H6 met: 3 of 5. Findings due in November: 3,
    # one closed on time (the December one does not count yet).
    assert found[farm]["visit_compliance"] == D("60.00")
    assert found[farm]["rectified_on_time"] == D("33.33")
    assert found[farm]["satisfaction"] == D("50.00")
    assert found[water]["visit_compliance"] == D("50.00")
    assert found[water]["rectified_on_time"] is NA
    assert found[water]["satisfaction"] == D("100.00")


def test_teams_and_townships_counted_by_hand(hand):
    team = shares("team")[str(hand.team.pk)]
    # 马家寨村: paired H1–H4, met H1, H3; H5 unpaired: coverage 4 of 5. 甲 has 20 days, 乙 5.
    # The team's finding on time, and the village's findings naming no team: the 农业局's
    # due the 10th (on time) and the 20th (late): 2 of 3. Report on time: 1 of 1.
    assert team == {
        "visit_compliance": D("50.00"),
        "pairing_coverage": D("80.00"),
        "residence_compliance": D("50.00"),
        "rectified_on_time": D("66.67"),
        "check_reports_on_time": D("100.00"),
        "satisfaction": D("50.00"),
    }
    townships = shares("township")
    assert townships[DIAOTAI]["visit_compliance"] == D("50.00")
    assert townships[DIAOTAI]["check_reports_on_time"] == D("100.00")
    # 马王街道: H6, H7, H8 → 2 of 3 met, all paired; its villages' reports not yet due
    # (due the 30th, today): none counted; no team there.
    assert townships[MAWANG] == {
        "visit_compliance": D("66.67"),
        "pairing_coverage": D("100.00"),
        "residence_compliance": NA,
        "rectified_on_time": D("0.00"),
        "check_reports_on_time": NA,
        "satisfaction": D("100.00"),
    }


@pytest.mark.parametrize("level", ["unit", "team", "township", "helper"])
def test_both_ways_agree(hand, level):
    assert shares(level) == shares(level, from_records=True)


def test_both_ways_agree_after_random_writes(hand, county_admin):
    """Random visits, register days, pairings ended and households paired: the roll-ups and
    the records agree on every share, write after write."""
    rng = random.Random(19)
    households = list(hand.households.values())
    helpers = list(hand.helpers.values())
    members = list(hand.members.values())
    for step in range(12):
        action = rng.choice(["visit", "visit", "day", "pair", "end"])
        household = rng.choice(households)
        current = household.pairings.filter(ended_on=None).first()
        if action == "visit" and current is not None:
            log(
                county_admin,
                household,
                at(day(rng.randint(1, 29)), hour=rng.randint(8, 20)),
                kind=rng.choice(["home", "phone"]),
                helper_id=current.helper_id,
            )
        elif action == "day":
            register_keep(
                actor=county_admin,
                member_id=rng.choice(members).pk,
                day=day(rng.randint(21, 29)),
                status=rng.choice(["in_village", "official", "absent"]),
                reason="补登",
            )
        elif action == "pair" and current is None:
            pairing.pairing_start(
                actor=county_admin,
                household_id=household.pk,
                helper_id=rng.choice(helpers).pk,
                is_main=True,
                started_on=day(1),
            )
        elif action == "end" and current is not None:
            pairing.pairing_end(
                actor=county_admin, pairing_id=current.pk, ended_on=day(28), reason="调整"
            )
        for level in ("unit", "team", "township", "helper"):
            assert shares(level) == shares(level, from_records=True), (step, action, level)


def test_rectified_on_time_is_the_findings_rate(hand, county_admin):
    """The scores' item counts as the findings' rates do (``on_time_counts``): on the day
    judged (today, the 30th) a finding due today and still open is not yet due; one due
    today and closed is counted, on time."""
    from bangfu.supervision.models import Finding
    from bangfu.supervision.scoring import share
    from bangfu.supervision.selectors.findings import on_time_counts
    from tests.supervision.scores_world import MAJIAZHAI, SHIQIAO, finding

    water = hand.units["water"]
    finding(county_admin, region=SHIQIAO, deadline=day(30), unit=water)
    assert shares("unit")[str(water.pk)]["rectified_on_time"] is NA
    finding(county_admin, region=SHIQIAO, deadline=day(30), closed_on=day(29), unit=water)
    assert shares("unit")[str(water.pk)]["rectified_on_time"] == D("100.00")
    units = shares("unit")
    for unit in hand.units.values():
        due, on_time = on_time_counts(Finding.objects.filter(unit=unit), MONTH, day(30))
        assert units[str(unit.pk)]["rectified_on_time"] == share((on_time, due))
    # The team's: those naming it and those of its village naming no team (all of 马家寨村's).
    due, on_time = on_time_counts(Finding.objects.filter(region_id=MAJIAZHAI), MONTH, day(30))
    assert shares("team")[str(hand.team.pk)]["rectified_on_time"] == share((on_time, due))
