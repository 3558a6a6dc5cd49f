"""Teams and terms: a replacement keeps the history, a person is on one team at a time."""

import datetime

import pytest

from bangfu.core.errors import DomainError
from bangfu.core.models import AuditEntry, DataIssue
from bangfu.teams.models import TeamMember
from bangfu.teams.services import member_add, member_end, member_replace, team_create
from tests.teams.conftest import member_input, team_input


def refused(call) -> DomainError:
    with pytest.raises(DomainError) as refusal:
        call()
    return refusal.value


def test_a_team_serves_its_own_village_and_those_named(county_admin, sending_unit):
    team = team_create(actor=county_admin, team=team_input(sending_unit, villages=["611103002202"]))
    assert sorted(team.villages.values_list("code", flat=True)) == ["611103002201", "611103002202"]
    assert AuditEntry.objects.filter(action="team.create", region_code="611103002201").exists()


def test_a_team_is_stationed_in_a_village_of_one_s_places(county_admin, sending_unit):
    for code in ("611103002000", "610118001201", "6111\x0003"):
        assert (
            refused(
                lambda code=code: team_create(
                    actor=county_admin, team=team_input(sending_unit, region_code=code)
                )
            ).field
            == "region"
        )


def test_a_replacement_ends_one_term_and_starts_another(county_admin, leader, sending_unit):
    coming = member_replace(
        actor=county_admin,
        member_id=leader.pk,
        on=datetime.date(2026, 7, 1),
        reason="任期调整",
        member=member_input(sending_unit, "赵队长", "201", "1"),
    )
    leader.refresh_from_db()
    assert leader.ended_on == datetime.date(2026, 6, 30) and leader.end_reason == "任期调整"
    assert coming.started_on == datetime.date(2026, 7, 1) and coming.role.value == "1"
    assert list(TeamMember.objects.filter(team=leader.team).order_by("pk")) == [leader, coming]


def test_a_person_is_on_one_team_at_a_time(county_admin, team, leader, sending_unit):
    other = team_create(
        actor=county_admin,
        team=team_input(sending_unit, name="康西村驻村工作队", region_code="611103002202"),
    )
    again = member_input(sending_unit, "张队长", "101", "4")
    refusal = refused(lambda: member_add(actor=county_admin, team_id=other.pk, member=again))
    assert refusal.code == "on_another_team" and "马家寨村驻村工作队" in str(refusal.message)
    member_end(actor=county_admin, member_id=leader.pk, ended_on=datetime.date(2026, 5, 31),
               reason="任期届满")  # fmt: skip
    moved = member_add(actor=county_admin, team_id=other.pk, member=again)
    assert moved.team == other


def test_a_person_on_a_team_of_another_county_is_a_clash(
    county_admin, other_county_admin, leader, sending_unit
):
    from bangfu.pairing.services import unit_create

    unit_b = unit_create(
        actor=other_county_admin, name="鄠邑区农业农村局", kind="government", level="county",
        region_code="610118000000",
    )  # fmt: skip
    team_b = team_create(
        actor=other_county_admin,
        team=team_input(unit_b, name="东韩村驻村工作队", region_code="610118001201"),
    )
    refusal = refused(
        lambda: member_add(
            actor=other_county_admin,
            team_id=team_b.pk,
            member=member_input(unit_b, "张队长", "101", "2"),
        )
    )
    assert refusal.code == "needs_check" and "马家寨村" not in str(refusal.message)
    assert DataIssue.objects.get().other_region_code == "611103002201"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("name", "张" * 51, "too_long"),
        ("phone", "call me", "bad_phone"),
        ("started_on", datetime.date(2025, 12, 31), "before_term"),
        ("role", "9", "bad_role"),
        ("id_number", "61110319800101101X", "bad_id_number"),
    ],
)
def test_a_member_s_values_are_refused_on_their_field(
    county_admin, team, sending_unit, field, value, code
):
    data = member_input(sending_unit, "孙队员", "301")
    setattr(data, field, value)
    refusal = refused(lambda: member_add(actor=county_admin, team_id=team.pk, member=data))
    assert (refusal.field, refusal.code) == (field, code)
    assert not TeamMember.objects.exists()
