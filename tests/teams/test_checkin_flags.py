"""Each truthfulness flag on check-ins with a planted case, and its absence where the facts
are in order. Flags never refuse: every check-in below is recorded."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from bangfu.core.services import policy_set
from bangfu.pairing.services import helper_create, pairing_start
from bangfu.registry.services import household_register
from bangfu.teams import flags, services
from bangfu.teams.models import CheckInFlag, CheckInFlagKind
from tests.registry.conftest import first_status, household_input, member_input
from tests.teams.attendance import HOME_OUTSIDE, at, check_in, member_with_login
from tests.teams.conftest import RESIDENCE
from tests.teams.conftest import member_input as team_member_input
from tests.visits.conftest import jpeg, log

DAY = datetime.date(2026, 3, 10)


@pytest.fixture
def li(county_admin, team, sending_unit):
    return member_with_login(county_admin, team, sending_unit)


def kinds(record) -> list[str]:
    return sorted(CheckInFlag.objects.filter(check_in=record).values_list("kind", flat=True))


def worded(record) -> list[str]:
    with translation.override("en"):
        return [flags.reason(flag) for flag in CheckInFlag.objects.filter(check_in=record)]


def test_far_from_the_residence_by_the_place_s_rule(county_admin, li):
    member, login = li
    near = check_in(login, at(DAY), position=(RESIDENCE[0], RESIDENCE[1] + Decimal("0.005")))
    assert kinds(near) == []  # about 460 m: inside the default 1,000 m
    far = check_in(login, at(DAY, 9), position=HOME_OUTSIDE)
    assert kinds(far) == ["far"]
    assert "the rule allows 1000 m" in worded(far)[0]
    policy_set(
        actor=county_admin,
        region_code="611103002201",
        key="teams.max_distance_m",
        value=300,
        valid_from=datetime.date(2026, 1, 1),
    )
    stricter = check_in(
        login, at(DAY, 10), position=(RESIDENCE[0], RESIDENCE[1] + Decimal("0.005"))
    )
    assert kinds(stricter) == ["far"]


def test_the_same_photo_again(county_admin, li, team, sending_unit):
    member, login = li
    first = check_in(login, at(DAY))
    services.check_in_photo_add(actor=login, client_id=first.client_id, content=jpeg(1))
    second = check_in(login, at(DAY + datetime.timedelta(days=1)))
    services.check_in_photo_add(actor=login, client_id=second.client_id, content=jpeg(1))
    assert kinds(second) == ["photo_reused"]
    assert CheckInFlag.objects.get(check_in=second).facts == {"check_in": first.pk, "bits": 0}
    # A different picture is no flag.
    third = check_in(login, at(DAY + datetime.timedelta(days=2)))
    services.check_in_photo_add(actor=login, client_id=third.client_id, content=jpeg(4))
    assert kinds(third) == []
    # Another member's check-in with the exact picture: found anywhere by its hash.
    _other, wu = member_with_login(
        county_admin, team, sending_unit, "team_member_wu", "吴队员", "202"
    )
    copied = check_in(wu, at(DAY))
    services.check_in_photo_add(actor=wu, client_id=copied.client_id, content=jpeg(1))
    assert kinds(copied) == ["photo_reused", "photo_reused"]


def paired_helper(actor, name, unit_id, number, **who):
    """A helper of ``who`` (a login, an ID number) paired with a household of 马家寨村."""
    household = household_register(
        actor=actor,
        household=household_input(number=number),
        members=[member_input()],
        status=first_status(),
    )
    helper = helper_create(actor=actor, name=name, unit_id=unit_id, **who)
    pairing_start(
        actor=actor,
        household_id=household.pk,
        helper_id=helper.pk,
        is_main=True,
        started_on=datetime.date(2026, 1, 1),
    )
    return helper, household


def test_a_visit_photo_used_for_a_check_in(county_admin, li):
    from bangfu.visits.services import visit_photo_add

    member, login = li
    helper, household = paired_helper(
        county_admin, "赵帮扶", member.unit_id, "6111030022010099", user_id=county_admin.pk
    )
    visit = log(county_admin, household, at(DAY))
    visit_photo_add(
        actor=county_admin,
        visit_client_id=visit.client_id,
        photo_client_id=visit.client_id,
        content=jpeg(3),
    )
    record = check_in(login, at(DAY + datetime.timedelta(days=1)))
    services.check_in_photo_add(actor=login, client_id=record.client_id, content=jpeg(3))
    assert kinds(record) == ["photo_reused"]
    assert worded(record) == ["The photo is the same picture as one of a visit's photos."]


def test_always_from_the_same_spot_outside_the_village(li):
    member, login = li
    spot = HOME_OUTSIDE
    made = []
    for n in range(flags.SAME_SPOT_COUNT):
        # A phone's fix wanders a few metres from morning to morning.
        wobble = Decimal(n) * Decimal("0.00005")
        made.append(
            check_in(
                login, at(DAY + datetime.timedelta(days=n)), position=(spot[0] + wobble, spot[1])
            )
        )
    assert [kinds(record) for record in made[:-1]] == [["far"]] * (flags.SAME_SPOT_COUNT - 1)
    assert kinds(made[-1]) == ["far", "same_spot_outside"]
    assert "check-ins were all made within" in " ".join(worded(made[-1]))
    # One morning in the village breaks the run: the next outside starts it again.
    check_in(login, at(DAY + datetime.timedelta(days=10)))
    after = check_in(login, at(DAY + datetime.timedelta(days=11)), position=spot)
    assert kinds(after) == ["far"]


def test_far_but_from_different_places_is_not_the_same_spot(li):
    member, login = li
    made = [
        check_in(
            login,
            at(DAY + datetime.timedelta(days=n)),
            position=(HOME_OUTSIDE[0] + Decimal(n) * Decimal("0.01"), HOME_OUTSIDE[1]),
        )
        for n in range(flags.SAME_SPOT_COUNT)
    ]
    assert kinds(made[-1]) == ["far"]


def test_another_check_in_elsewhere_too_far_for_the_time(li):
    member, login = li
    check_in(login, at(DAY, 8), position=RESIDENCE)
    # 100 km away 30 minutes later: 200 km/h, over the default 120.
    away = check_in(login, at(DAY, 8, 30), position=(RESIDENCE[0] + Decimal("0.9"), RESIDENCE[1]))
    assert "elsewhere" in kinds(away)
    assert CheckInFlag.objects.get(check_in=away, kind="elsewhere").facts["minutes"] == 30
    # The same distance over a day's drive is possible: no flag.
    later = check_in(
        login,
        at(DAY + datetime.timedelta(days=1), 8),
        position=(RESIDENCE[0] + Decimal("0.9"), RESIDENCE[1]),
    )
    evening = check_in(login, at(DAY + datetime.timedelta(days=1), 20), position=RESIDENCE)
    assert "elsewhere" not in kinds(later) + kinds(evening)


def test_a_check_in_in_the_village_while_logging_a_visit_elsewhere(county_admin, li):
    """李队员 is also a pair helper (the same login): a visit 60 km away 20 minutes before the
    check-in cannot both be true."""
    member, login = li
    helper, household = paired_helper(
        county_admin, "李队员", member.unit_id, "6111030022010098", user_id=login.pk
    )
    away = {"latitude": RESIDENCE[0] + Decimal("0.55"), "longitude": RESIDENCE[1]}
    log(login, household, at(DAY, 8), **away)
    record = check_in(login, at(DAY, 8, 20))
    assert kinds(record) == ["elsewhere"]
    assert worded(record)[0].startswith("The same person logged a visit 61.2 km away 20 minutes")
    # A visit near the residence the same morning is no flag.
    log(
        login,
        household,
        at(DAY + datetime.timedelta(days=1), 8),
        latitude=RESIDENCE[0],
        longitude=RESIDENCE[1],
    )
    assert kinds(check_in(login, at(DAY + datetime.timedelta(days=1), 8, 20))) == []


def test_a_helper_record_matched_by_id_number(county_admin, secretary, leader, team_leader_login):
    """李书记 has no login of their own: their helper record is found by ID number."""
    id_number = team_member_input(secretary.unit, "李书记", "102").id_number
    helper, household = paired_helper(
        county_admin,
        "李书记",
        secretary.unit_id,
        "6111030022010097",
        id_number=id_number,
        user_id=county_admin.pk,
    )
    away = {"latitude": RESIDENCE[0] + Decimal("0.9"), "longitude": RESIDENCE[1]}
    log(county_admin, household, at(DAY, 9), helper_id=helper.pk, **away)
    record = check_in(team_leader_login, at(DAY, 9, 10), member_id=secretary.pk)
    assert kinds(record) == ["elsewhere"]


def test_the_flags_page_is_for_inspectors_in_their_places(
    client, li, inspector, other_county_admin, helper_wang
):
    member, login = li
    check_in(login, at(DAY), position=HOME_OUTSIDE)
    url = reverse("teams:check_in_flags") + "?month=2026-03"
    client.force_login(inspector)
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "李队员" in body and "离驻地较远" in body
    client.force_login(other_county_admin)
    assert "李队员" not in client.get(url).content.decode()
    client.force_login(helper_wang)
    assert client.get(url).status_code == 403
    assert CheckInFlagKind.FAR.label
