"""Logging visits: who may, what is refused, follow-up tasks, the minimum-visits rule."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from bangfu.core.errors import DomainError, NotPermitted
from bangfu.core.models import AuditEntry
from bangfu.pairing import services as pairing
from bangfu.visits import selectors, services
from bangfu.visits.models import Problem, Visit, VisitMonth

from .conftest import at, log, set_rule

D = datetime.date
OCTOBER = D(2026, 10, 1)


def test_a_visit_is_logged_once_whatever_the_phone_resends(helper_wang, households):
    household = households[0]
    client_id = uuid.uuid4()
    data = services.VisitInput(
        household_id=household.pk, visited_at=at(D(2026, 10, 8)), services=["2", "8"]
    )
    first, created = services.visit_record(actor=helper_wang, client_id=client_id, data=data)
    again, created_again = services.visit_record(actor=helper_wang, client_id=client_id, data=data)
    assert (created, created_again) == (True, False) and again.pk == first.pk
    assert Visit.objects.count() == 1
    assert sorted(first.services.values_list("label", flat=True)) == ["送政策", "送物资"]
    assert AuditEntry.objects.filter(action="visit.record").count() == 1


def test_someone_else_cannot_reuse_a_visit_id(helper_wang, county_admin, households):
    visit = log(helper_wang, households[0], at(D(2026, 10, 8)))
    with pytest.raises(DomainError) as refusal:
        log(county_admin, households[0], at(D(2026, 10, 8)), client_id=visit.client_id)
    assert refusal.value.code == "client_id_taken"


def test_a_visit_is_refused_with_a_reason(helper_wang, households):
    household = households[0]
    cases = [
        ({"visited_at": timezone.now() + datetime.timedelta(days=1)}, "future_time"),
        ({"visited_at": at(D(2025, 12, 20))}, "not_paired"),  # before the pairing began
        ({"services": ["77"]}, "bad_service"),
        ({"kind": "letter"}, "bad_choice"),
        ({"goods_value": "-5"}, "out_of_range"),
        ({"latitude": 34.2}, "bad_position"),
        ({"problems": ["x" * 301]}, "too_long"),
    ]
    for fields, code in cases:
        data = {"visited_at": at(D(2026, 10, 8)), **fields}
        with pytest.raises(DomainError) as refusal:
            log(helper_wang, household, when=data.pop("visited_at"), **data)
        assert refusal.value.code == code, fields
    assert Visit.objects.count() == 0 and Problem.objects.count() == 0


def test_a_helper_logs_only_for_themself_and_staff_enter_paper_records(
    helper_wang, county_admin, unit, wang, households
):
    other = pairing.helper_create(actor=county_admin, name="李娜", unit_id=unit.pk)
    pairing.pairing_start(
        actor=county_admin,
        household_id=households[0].pk,
        helper_id=other.pk,
        started_on=D(2026, 1, 1),
    )
    with pytest.raises(NotPermitted):
        log(helper_wang, households[0], at(D(2026, 10, 8)), helper_id=other.pk)
    entered = log(county_admin, households[0], at(D(2026, 10, 8)), helper_id=other.pk)
    assert entered.helper == other and entered.recorded_by == county_admin


def test_problems_become_follow_ups_and_are_counted_when_solved(helper_wang, households):
    household = households[0]
    visit = log(
        helper_wang,
        household,
        at(D(2026, 10, 8)),
        problems=["屋顶漏雨", "", "孩子上学交通不便"],
        jobs_found=1,
        goods_value="150.5",
        money_value="200",
    )
    open_ones = list(Problem.objects.filter(household=household, solved_on=None).order_by("pk"))
    assert [p.description for p in open_ones] == ["屋顶漏雨", "孩子上学交通不便"]
    assert all(p.found_on == D(2026, 10, 8) and p.visit == visit for p in open_ones)
    services.problem_solve(
        actor=helper_wang,
        problem_id=open_ones[0].pk,
        solved_on=D(2026, 11, 2),
        solution="镇上危改资金维修",
    )
    with pytest.raises(DomainError):  # once only
        services.problem_solve(
            actor=helper_wang, problem_id=open_ones[0].pk, solved_on=D(2026, 11, 3), solution="再次"
        )
    with pytest.raises(DomainError):  # not before it was found
        services.problem_solve(
            actor=helper_wang, problem_id=open_ones[1].pk, solved_on=D(2026, 10, 1), solution="早了"
        )
    solved = Problem.objects.get(pk=open_ones[0].pk)
    assert solved.solved_by == helper_wang and solved.solution == "镇上危改资金维修"
    october = VisitMonth.objects.get(household=household, month=OCTOBER)
    november = VisitMonth.objects.get(household=household, month=D(2026, 11, 1))
    assert (october.problems_found, october.problems_solved) == (2, 0)
    assert (november.problems_found, november.problems_solved, november.visits) == (0, 1, 0)
    assert (october.jobs_found, october.goods_value, october.money_value) == (
        1,
        Decimal("150.50"),
        Decimal("200.00"),
    )


def test_a_visit_with_solved_problems_stays(helper_wang, households):
    visit = log(helper_wang, households[0], at(D(2026, 10, 8)), problems=["缺化肥"])
    services.problem_solve(
        actor=helper_wang,
        problem_id=visit.problems.get().pk,
        solved_on=D(2026, 10, 9),
        solution="送化肥",
    )
    with pytest.raises(DomainError) as refusal:
        services.visit_delete(actor=helper_wang, visit_id=visit.pk, reason="录错")
    assert refusal.value.code == "visit_has_solved_problems"


def test_the_minimum_counts_home_visits_in_the_month(world, county_admin, helper_wang, households):
    """Hand count for October 2026 under 每周四 (10-01 moves to 10-08): four fixed days."""
    set_rule(county_admin, "visits.fixed_days", "每周四")
    first, second, third = households
    for day in (8, 15, 22, 29):  # four home visits, all on fixed days
        log(helper_wang, first, at(D(2026, 10, day)))
    for day in (8, 9, 10):  # three home visits and a phone call: one short
        log(helper_wang, second, at(D(2026, 10, day)))
    log(helper_wang, second, at(D(2026, 10, 20)), kind="phone")
    log(helper_wang, third, at(D(2026, 9, 30)))  # September does not count for October
    log(helper_wang, first, at(D(2026, 10, 8), 15))  # a second visit on one fixed day
    figures = selectors.compliance(helper_wang, None, OCTOBER)
    assert (figures.households, figures.compliant, figures.behind) == (3, 1, 2)
    assert (figures.visits, figures.home_visits) == (9, 8)
    assert (figures.fixed_days, figures.fixed_days_met) == (12, 4 + 1)
    rows = {r.household_id: r for r in VisitMonth.objects.filter(month=OCTOBER)}
    assert (rows[first.pk].home_visits, rows[first.pk].fixed_days_met) == (5, 4)
    assert (
        rows[second.pk].visits,
        rows[second.pk].home_visits,
        rows[second.pk].fixed_days_met,
    ) == (4, 3, 1)
    assert third.pk not in rows
    overdue = selectors.overdue_households(helper_wang, None, OCTOBER)
    assert [(e.household.number, e.home_visits, e.expected) for e in overdue] == [
        (second.number, 3, 4),
        (third.number, 0, 4),
    ]
    assert overdue[0].helpers == ["王哲铭"]
    by_helper = selectors.compliance_by_helper(helper_wang, None, OCTOBER)
    assert [(f.helper.name, f.households, f.compliant, f.own_visits) for f in by_helper] == [
        ("王哲铭", 3, 1, 9)
    ]


def test_a_corrected_date_moves_the_visit_between_months(helper_wang, households):
    visit = log(helper_wang, households[0], at(D(2026, 10, 30)), problems=["缺水"])
    services.visit_update(
        actor=helper_wang,
        visit_id=visit.pk,
        data=services.VisitInput(
            household_id=households[0].pk, visited_at=at(D(2026, 11, 2)), kind="phone"
        ),
    )
    assert not VisitMonth.objects.filter(month=OCTOBER).exists()
    november = VisitMonth.objects.get(month=D(2026, 11, 1))
    assert (november.visits, november.home_visits, november.problems_found) == (1, 0, 1)
    assert visit.problems.get().found_on == D(2026, 11, 2)


def test_a_deleted_visit_leaves_its_reason_in_the_audit_log(helper_wang, households):
    visit = log(helper_wang, households[0], at(D(2026, 10, 8)), notes="补录", problems=["待核"])
    services.visit_delete(actor=helper_wang, visit_id=visit.pk, reason="重复录入")
    assert not Visit.objects.exists() and not Problem.objects.exists()
    assert not VisitMonth.objects.exists()
    entry = AuditEntry.objects.get(action="visit.delete")
    assert entry.before["notes"] == "补录" and entry.after == {"reason": "重复录入"}


def test_a_helper_sees_their_month_and_what_is_due(world, county_admin, helper_wang, households):
    set_rule(county_admin, "visits.fixed_days", "每周四")
    for day in (5, 12, 19):
        log(helper_wang, households[0], at(D(2026, 11, day)))
    log(helper_wang, households[1], at(D(2026, 11, 5)))
    month = selectors.my_month(helper_wang, on=D(2026, 11, 20))
    assert [(e.home_visits, e.expected, e.overdue) for e in month.households] == [
        (3, 3, False),
        (1, 3, True),
        (0, 3, True),
    ]
    assert [(e.household.pk, day) for e, day in month.due] == [
        (h.pk, D(2026, 11, 26)) for h in households
    ]
    assert month.households[0].next_fixed_day == D(2026, 11, 26)
