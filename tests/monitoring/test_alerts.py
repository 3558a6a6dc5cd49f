"""Alerts: raised by screening or by a rule (naming its records), assigned to the helper and
the township, closed with an outcome, listed when overdue, and seen only in their places."""

import uuid

import pytest
from django.http import Http404

from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.models import AuditEntry
from bangfu.monitoring import selectors, services
from bangfu.monitoring.models import Alert, AlertState, Procedure
from bangfu.monitoring.services import AlertInput, ClosingInput

from .conftest import D, raise_alert

CLOSED_ON = D(2026, 9, 30)


def close(actor, alert, outcome, closed_on=CLOSED_ON, reason=""):
    return services.alert_close(
        actor=actor,
        alert_id=alert.pk,
        closing=ClosingInput(outcome=outcome, closed_on=closed_on, reason=reason),
    )


def test_screening_raises_an_alert_for_the_helper_and_the_township(
    today, helper_wang, households, wang
):
    alert = raise_alert(helper_wang, households[0])
    assert (alert.source, alert.state, alert.helper_id) == ("screening", "open", wang.pk)
    assert (alert.region_id, alert.township_id) == ("611103002201", "611103002000")
    entry = AuditEntry.objects.get(action="alert.raise")
    assert entry.region_code == "611103002201"


def test_an_alert_may_concern_one_member(today, county_admin, households):
    member = households[0].members.get()
    alert = services.alert_raise(
        actor=county_admin,
        household_id=households[0].pk,
        alert=AlertInput(summary="确诊恶性肿瘤", raised_on=D(2026, 9, 24), member_id=member.pk),
    )
    assert alert.member_id == member.pk
    other = households[1].members.get()
    with pytest.raises(DomainError) as refused:
        services.alert_raise(
            actor=county_admin,
            household_id=households[0].pk,
            alert=AlertInput(summary="x", member_id=other.pk),
        )
    assert refused.value.field == "member_id"


def test_a_rules_alert_names_the_rule_and_the_records_that_fired_it(
    today, county_admin, households
):
    alert = services.alert_raise(
        actor=county_admin,
        household_id=households[0].pk,
        alert=AlertInput(summary="自付医疗费用超过阈值", raised_on=D(2026, 9, 24)),
        source="rule",
        rule_code="medical_cost_high",
        fired_by=[{"type": "health.medicalcost", "id": 12}],
    )
    assert alert.fired_by == [{"type": "health.medicalcost", "id": 12}]
    for fired_by in ([], [{"type": "nothing.here", "id": 1}], [{"type": "health.medicalcost"}]):
        with pytest.raises(DomainError) as refused:
            services.alert_raise(
                actor=county_admin,
                household_id=households[0].pk,
                alert=AlertInput(summary="x"),
                source="rule",
                rule_code="medical_cost_high",
                fired_by=fired_by,
            )
        assert refused.value.field == "fired_by"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"summary": ""}, "summary"),
        ({"summary": "长" * 501}, "summary"),
        ({"summary": "a\x00b"}, "summary"),
        ({"summary": "x", "raised_on": D(2020, 12, 31)}, "raised_on"),
        ({"summary": "x", "raised_on": D(2026, 12, 1)}, "raised_on"),
    ],
)
def test_bad_values_are_refused_and_nothing_stored(today, county_admin, households, fields, field):
    with pytest.raises(DomainError) as refused:
        services.alert_raise(
            actor=county_admin, household_id=households[0].pk, alert=AlertInput(**fields)
        )
    assert refused.value.field == field
    assert not Alert.objects.exists()


def test_not_at_risk_needs_the_reason(today, county_admin, households):
    alert = raise_alert(county_admin, households[0])
    with pytest.raises(DomainError) as refused:
        close(county_admin, alert, "not_at_risk")
    assert (refused.value.code, refused.value.field) == ("no_reason", "reason")
    closed = close(county_admin, alert, "not_at_risk", reason="已获大病保险报销，自付不足2000元")
    assert (closed.state, closed.closed_on, closed.procedure) == (
        AlertState.NOT_AT_RISK,
        D(2026, 9, 30),
        None,
    )
    with pytest.raises(DomainError) as again:
        close(county_admin, alert, "identifying")
    assert again.value.code == "alert_closed"


def test_closing_with_identification_opens_one_and_a_second_alert_joins_it(
    today, county_admin, households
):
    first = close(county_admin, raise_alert(county_admin, households[0]), "identifying")
    second = close(county_admin, raise_alert(county_admin, households[0]), "identifying")
    assert first.procedure_id == second.procedure_id
    procedure = Procedure.objects.get()
    assert (procedure.kind, procedure.started_on, procedure.next_step) == (
        "identification",
        D(2026, 9, 30),
        "application",
    )


@pytest.mark.parametrize(
    ("outcome", "closed_on", "field"),
    [("", D(2026, 9, 30), "outcome"), ("open", D(2026, 9, 30), "outcome"),
     ("identifying", D(2026, 9, 23), "closed_on"), ("identifying", D(2026, 12, 1), "closed_on")],
)  # fmt: skip
def test_closing_refuses_bad_outcomes_and_days(
    today, county_admin, households, outcome, closed_on, field
):
    alert = raise_alert(county_admin, households[0])
    with pytest.raises(DomainError) as refused:
        close(county_admin, alert, outcome, closed_on)
    assert refused.value.field == field
    alert.refresh_from_db()
    assert alert.state == "open"


def test_overdue_alerts_are_listed(today, county_admin, households):
    late = raise_alert(county_admin, households[0], raised_on=D(2026, 11, 20))  # due 11-27
    raise_alert(county_admin, households[1], raised_on=D(2026, 11, 25))  # due 12-02
    done = raise_alert(county_admin, households[2], raised_on=D(2026, 9, 1))
    close(county_admin, done, "not_at_risk", reason="核实无风险")
    overdue = selectors.alerts(county_admin, filters=selectors.AlertFilters(overdue=True))
    assert [a.pk for a in overdue] == [late.pk]
    closed = selectors.alerts(county_admin, filters=selectors.AlertFilters(state="not_at_risk"))
    assert [a.pk for a in closed] == [done.pk]


def test_a_township_sees_only_its_alerts(today, county_admin, township_staff, households):
    """township_staff holds 马王街道; the households are in 马家寨村 of 钓台街道."""
    alert = raise_alert(county_admin, households[0])
    assert list(selectors.alerts(township_staff)) == []
    with pytest.raises(Http404):
        selectors.alert_for(township_staff, alert.pk)
    with pytest.raises(OutOfScope):
        close(township_staff, alert, "not_at_risk", reason="x")
    with pytest.raises(OutOfScope):
        raise_alert(township_staff, households[0])


def test_the_township_over_the_village_sees_and_closes(
    today, county_admin, diaotai_staff, households
):
    alert = raise_alert(county_admin, households[0])
    assert [a.pk for a in selectors.alerts(diaotai_staff)] == [alert.pk]
    assert close(diaotai_staff, alert, "not_at_risk", reason="核实无风险").state == "not_at_risk"


def test_readers_without_the_capability_cannot_raise(today, inspector, leader, households):
    for person in (inspector, leader):
        with pytest.raises(NotPermitted):
            raise_alert(person, households[0])


def test_alerts_move_with_their_household(today, county_admin, households):
    from bangfu.registry.services import household_update
    from tests.registry.conftest import household_input

    alert = raise_alert(county_admin, households[0])
    household_update(
        actor=county_admin,
        household_id=households[0].pk,
        household=household_input(number=households[0].number, region_code="611103001201"),
    )
    alert.refresh_from_db()
    assert (alert.region_id, alert.township_id) == ("611103001201", "611103001000")


# Closing at the household on a phone, perhaps offline (an id made on the phone).

PHONE_ID = uuid.UUID(int=16)


def close_sent(actor, alert, outcome, reason="", client_id=PHONE_ID):
    return services.alert_close_sent(
        actor=actor,
        client_id=client_id,
        alert_id=alert.pk,
        closing=ClosingInput(outcome=outcome, closed_on=CLOSED_ON, reason=reason),
    )


def test_a_closing_sent_twice_answers_with_the_first(today, helper_wang, households):
    alert = raise_alert(helper_wang, households[0])
    closed, new = close_sent(helper_wang, alert, "identifying")
    assert new and closed.closed_client_id == PHONE_ID and closed.procedure_id
    # The answer was lost on a weak signal; the phone sends again, even with other words.
    again, new = close_sent(helper_wang, alert, "not_at_risk", reason="x")
    assert not new
    assert (again.pk, again.state, again.procedure_id) == (
        alert.pk,
        "identifying",
        closed.procedure_id,
    )
    assert Procedure.objects.count() == 1
    assert AuditEntry.objects.filter(action="alert.close").count() == 1


def test_a_closing_id_another_person_used_is_refused(today, county_admin, helper_wang, households):
    first = raise_alert(helper_wang, households[0])
    close_sent(helper_wang, first, "not_at_risk", reason="已获大病保险报销")
    second = raise_alert(county_admin, households[0])
    with pytest.raises(DomainError) as refused:
        close_sent(county_admin, second, "not_at_risk", reason="核实无风险")
    assert (refused.value.code, refused.value.field) == ("client_id_taken", "client_id")
    second.refresh_from_db()
    assert second.state == "open"


def test_an_alert_closed_meanwhile_refuses_the_phones_closing_saying_by_whom(
    today, county_admin, helper_wang, households
):
    """The helper closed it offline at the household; the office closed it before the phone
    found a network: the phone's closing is refused with words it keeps in its queue."""
    alert = raise_alert(helper_wang, households[0])
    close(county_admin, alert, "not_at_risk", reason="已获大病保险报销")
    with pytest.raises(DomainError) as refused:
        close_sent(helper_wang, alert, "identifying")
    assert refused.value.code == "alert_closed"
    assert "2026-09-30" in str(refused.value) and str(county_admin) in str(refused.value)
    alert.refresh_from_db()
    assert (alert.state, alert.closed_by_id, alert.closed_client_id) == (
        "not_at_risk",
        county_admin.pk,
        None,
    )
    assert not Procedure.objects.exists()
