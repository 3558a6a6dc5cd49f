"""Check-ins from the phone and the register kept by hand: once per id whatever the phone
resends, who may enter for whom, refusals with their field, the roll-up kept current."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.models import AuditEntry
from bangfu.teams import services
from bangfu.teams.models import CheckIn, MemberMonth, RegisterEntry
from bangfu.teams.services import checkins
from tests.factories import UserFactory
from tests.teams.attendance import HOME_OUTSIDE, at, check_in, member_with_login
from tests.teams.conftest import VILLAGE
from tests.visits.conftest import jpeg

DAY = datetime.date(2026, 3, 10)


@pytest.fixture
def li(county_admin, team, sending_unit):
    """李队员, a member who checks in with the login team_member_li."""
    return member_with_login(county_admin, team, sending_unit)


def refused(call) -> DomainError:
    with pytest.raises(DomainError) as refusal:
        call()
    return refusal.value


def month_row(member, month=datetime.date(2026, 3, 1)):
    return (
        MemberMonth.objects.filter(member=member, month=month)
        .values("days_in_village", "days_official", "days_leave", "check_ins")
        .first()
    )


def test_a_member_checks_in_for_themself_and_it_counts(li):
    member, login = li
    record = check_in(login, at(DAY), accuracy_m=15)
    assert (record.member, record.day, record.distance_m, record.recorded_by) == (
        member,
        DAY,
        0,
        login,
    )
    assert record.region_id == VILLAGE
    assert month_row(member) == {
        "days_in_village": 1,
        "days_official": 0,
        "days_leave": 0,
        "check_ins": 1,
    }
    entry = AuditEntry.objects.get(action="check_in.record")
    assert (entry.region_code, entry.object_id) == (VILLAGE, str(record.pk))


def test_a_check_in_is_recorded_once_whatever_the_phone_resends(li):
    member, login = li
    client_id = uuid.uuid4()
    first = check_in(login, at(DAY), client_id=client_id)
    again, created = services.check_in_record(
        actor=login,
        client_id=client_id,
        data=services.CheckInInput(checked_at=at(DAY, 9)),  # whatever it says now
    )
    assert (again, created) == (first, False)
    assert CheckIn.objects.count() == 1
    assert AuditEntry.objects.filter(action="check_in.record").count() == 1


def test_two_sends_racing_are_answered_with_the_winner(li, monkeypatch):
    member, login = li
    client_id = uuid.uuid4()
    winner = check_in(login, at(DAY), client_id=client_id)
    # The second send passed its check before the first was saved: it meets the unique id.
    looked = []
    real = checkins._earlier

    def late(actor, cid):
        looked.append(cid)
        return None if len(looked) == 1 else real(actor, cid)

    monkeypatch.setattr(checkins, "_earlier", late)
    again, created = services.check_in_record(
        actor=login, client_id=client_id, data=services.CheckInInput(checked_at=at(DAY))
    )
    assert (again, created) == (winner, False)
    assert CheckIn.objects.count() == 1


def test_someone_else_cannot_reuse_a_check_in_id(li, county_admin):
    member, login = li
    client_id = uuid.uuid4()
    check_in(login, at(DAY), client_id=client_id)
    refusal = refused(
        lambda: check_in(county_admin, at(DAY), client_id=client_id, member_id=member.pk)
    )
    assert (refusal.code, refusal.field) == ("client_id_taken", "client_id")


def test_a_check_in_is_refused_with_a_reason(li, helper_wang):
    member, login = li
    now = timezone.now()
    cases = [
        (lambda: check_in(login, now + datetime.timedelta(minutes=30)), "checked_at"),
        (lambda: check_in(login, None), "checked_at"),
        (lambda: check_in(login, at(DAY), position=(RESIDENCE_LAT, None)), "latitude"),
        (lambda: check_in(login, at(DAY), position=(91, 108.7)), "latitude"),
        (lambda: check_in(login, at(DAY), position=(34.2, 181)), "longitude"),
        (lambda: check_in(login, at(DAY), accuracy_m=-1), "accuracy_m"),
        # Before the member's term began (the team's term starts 2026-01-01).
        (lambda: check_in(login, at(datetime.date(2025, 12, 31))), "checked_at"),
        # A login that is no member's.
        (lambda: check_in(helper_wang, at(DAY)), "checked_at"),
    ]
    for call, field in cases:
        assert refused(call).field == field
    # A phone's clock a few minutes fast is no refusal.
    check_in(login, now + datetime.timedelta(minutes=5))
    assert CheckIn.objects.count() == 1


RESIDENCE_LAT = 34.25


def test_a_term_that_ended_takes_no_more_check_ins(county_admin, li):
    member, login = li
    services.member_end(actor=county_admin, member_id=member.pk, ended_on=DAY, reason="任期届满")
    check_in(login, at(DAY))  # the last day of the term
    assert refused(lambda: check_in(login, at(DAY + datetime.timedelta(days=1)))).code == "no_term"


def test_staff_and_the_team_leader_enter_check_ins_for_members(
    county_admin, li, leader, team_leader_login, secretary, other_county_admin, inspector
):
    member, login = li
    # The leader (队长, with a login) enters one for a member of the team (代录).
    by_leader = check_in(team_leader_login, at(DAY), member_id=secretary.pk)
    assert (by_leader.member, by_leader.recorded_by) == (secretary, team_leader_login)
    # Staff who manage teams, in their places.
    by_staff = check_in(county_admin, at(DAY), member_id=member.pk)
    assert by_staff.member == member
    # A member may not enter one for another member; staff of another county see nothing.
    with pytest.raises(NotPermitted):
        check_in(login, at(DAY), member_id=secretary.pk)
    with pytest.raises(OutOfScope):
        check_in(other_county_admin, at(DAY), member_id=member.pk)
    with pytest.raises(NotPermitted):
        check_in(inspector, at(DAY), member_id=member.pk)


def test_a_leader_of_another_team_may_not_enter_for_this_one(county_admin, li, sending_unit):
    from bangfu.teams.services import member_add, team_create
    from tests.teams.conftest import member_input, team_input

    other = team_create(
        actor=county_admin,
        team=team_input(sending_unit, name="康西村驻村工作队", region_code="611103002202"),
    )
    login = UserFactory(username="other_leader", places=[VILLAGE], roles=["work_team"])
    member_add(
        actor=county_admin,
        team_id=other.pk,
        member=member_input(sending_unit, "赵队长", "301", "1", user_id=login.pk),
    )
    member, _login = li
    with pytest.raises(NotPermitted):
        check_in(login, at(DAY), member_id=member.pk)


def test_a_photo_follows_its_check_in_once(li, county_admin):
    member, login = li
    record = check_in(login, at(DAY))
    photo, created = services.check_in_photo_add(
        actor=login, client_id=record.client_id, content=jpeg(1), name="现场.jpg"
    )
    assert created and photo.photo.name.startswith("teams/") and len(photo.photo_hash) == 16
    again, created = services.check_in_photo_add(
        actor=login, client_id=record.client_id, content=jpeg(2)
    )
    assert (again.pk, created, again.photo_hash) == (record.pk, False, photo.photo_hash)
    assert AuditEntry.objects.filter(action="check_in.photo_add").count() == 1
    assert (
        refused(
            lambda: services.check_in_photo_add(
                actor=login, client_id=check_in(login, at(DAY, 9)).client_id, content=b"not"
            )
        ).code
        == "not_a_photo"
    )
    with pytest.raises(OutOfScope):
        services.check_in_photo_add(actor=login, client_id=uuid.uuid4(), content=jpeg(1))


def test_the_register_says_what_a_day_was_over_a_check_in(
    li, leader, team_leader_login, county_admin
):
    member, login = li
    check_in(login, at(DAY))
    entry = services.register_keep(
        actor=team_leader_login,
        member_id=member.pk,
        day=DAY,
        status="absent",
        reason="打卡后返城，未在村",
    )
    assert month_row(member)["days_in_village"] == 0
    assert month_row(member)["check_ins"] == 1
    # A second entry for the day corrects the first, and the audit log keeps both.
    corrected = services.register_keep(
        actor=county_admin, member_id=member.pk, day=DAY, status="official", reason="县里开会"
    )
    assert corrected.pk == entry.pk and RegisterEntry.objects.count() == 1
    assert month_row(member)["days_official"] == 1
    last = AuditEntry.objects.filter(action="register.keep").order_by("seq").last()
    assert (last.before["status"], last.after["status"]) == ("absent", "official")
    assert last.region_code == VILLAGE


def test_the_register_is_refused_with_a_reason(li, leader, team_leader_login, inspector):
    member, login = li
    today = timezone.localdate()

    def keep(actor=team_leader_login, **given):
        fields = {"day": DAY, "status": "official", "reason": "县里开会", **given}
        return services.register_keep(actor=actor, member_id=member.pk, **fields)

    for given, field in [
        ({"day": today + datetime.timedelta(days=1)}, "day"),
        ({"day": datetime.date(2025, 12, 31)}, "day"),  # before the term
        ({"reason": ""}, "reason"),
        ({"status": "leave"}, "status"),
        ({"status": "elsewhere"}, "status"),
        ({"day": None}, "day"),
    ]:
        assert refused(lambda given=given: keep(**given)).field == field, given
    with pytest.raises(NotPermitted):
        keep(actor=inspector)
    # The leader's own days are kept by the township, not by themself.
    with pytest.raises(NotPermitted):
        services.register_keep(
            actor=team_leader_login,
            member_id=leader.pk,
            day=DAY,
            status="in_village",
            reason="在村",
        )
    assert RegisterEntry.objects.count() == 0


def test_a_far_check_in_is_recorded_and_measured(li):
    member, login = li
    record = check_in(login, at(DAY), position=HOME_OUTSIDE)
    assert 2900 < record.distance_m < 3200


def test_home_pages_lead_to_the_check_in_and_the_flags(client, li, inspector, helper_wang):
    member, login = li
    client.force_login(login)
    home = client.get("/").content.decode()
    assert 'id="my-residence"' in home and reverse("teams:check_in") in home
    client.force_login(inspector)
    home = client.get("/").content.decode()
    assert 'id="check-in-flags"' in home and reverse("teams:check_in_flags") in home
    client.force_login(helper_wang)
    home = client.get("/").content.decode()
    assert 'id="my-residence"' not in home and 'id="check-in-flags"' not in home
