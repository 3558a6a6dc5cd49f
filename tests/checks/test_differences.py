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
