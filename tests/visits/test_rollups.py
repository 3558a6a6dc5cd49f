"""The month roll-ups the services keep equal those rebuilt from the visits, after any
sequence of logging, correcting, deleting and solving."""

import datetime

from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bangfu.core.errors import DomainError
from bangfu.visits import rollups, services
from bangfu.visits.models import Problem, Visit, VisitMonth

from .conftest import at, log

FIRST_DAY = datetime.date(2026, 9, 1)
DAYS = 80  # September to late November 2026, all in the past
FIELDS = (
    "visits",
    "home_visits",
    "fixed_days_met",
    "last_visit_at",
    "problems_found",
    "problems_solved",
    "jobs_found",
    "goods_value",
    "money_value",
)

day = st.integers(0, DAYS - 1).map(lambda n: FIRST_DAY + datetime.timedelta(days=n))
kind = st.sampled_from(["home", "home", "phone", "online"])
operation = st.one_of(
    st.tuples(st.just("log"), st.integers(0, 2), day, kind, st.integers(0, 2), st.integers(0, 3)),
    st.tuples(st.just("edit"), st.integers(0, 50), day, kind),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("solve"), st.integers(0, 50), st.integers(0, 20)),
)


def kept() -> set:
    return {
        (row.household_id, row.month, *(getattr(row, name) for name in FIELDS))
        for row in VisitMonth.objects.all()
    }


class Rollback(Exception):
    pass


def apply(actor, households, step) -> None:
    visits = list(Visit.objects.order_by("pk"))
    problems = list(Problem.objects.filter(solved_on=None).order_by("pk"))
    try:
        if step[0] == "log":
            _, which, when, how, n_problems, jobs = step
            log(
                actor,
                households[which],
                at(when, 9 + jobs),
                kind=how,
                jobs_found=jobs,
                goods_value=jobs * 10,
                problems=[f"问题{i}" for i in range(n_problems)],
            )
        elif step[0] == "edit" and visits:
            _, which, when, how = step
            visit = visits[which % len(visits)]
            services.visit_update(
                actor=actor,
                visit_id=visit.pk,
                data=services.VisitInput(
                    household_id=visit.household_id,
                    visited_at=at(when, 14),
                    kind=how,
                    money_value=5,
                ),
            )
        elif step[0] == "delete" and visits:
            services.visit_delete(
                actor=actor, visit_id=visits[step[1] % len(visits)].pk, reason="录错"
            )
        elif step[0] == "solve" and problems:
            problem = problems[step[1] % len(problems)]
            solved = min(
                problem.found_on + datetime.timedelta(days=step[2]),
                FIRST_DAY + datetime.timedelta(days=DAYS),
            )
            services.problem_solve(
                actor=actor, problem_id=problem.pk, solved_on=solved, solution="已解决"
            )
    except DomainError:
        pass  # a refused step (a visit with solved problems) changes nothing, as it should


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(operation, min_size=1, max_size=15))
def test_kept_roll_ups_equal_rebuilt_ones(thursdays, helper_wang, households, steps):
    try:
        with transaction.atomic():
            for step in steps:
                apply(helper_wang, households, step)
            incremental = kept()
            rollups.rebuild()
            assert kept() == incremental
            raise Rollback
    except Rollback:
        pass


def test_the_command_rebuilds_what_was_lost(thursdays, helper_wang, households, capsys):
    for when in (
        datetime.date(2026, 10, 8),
        datetime.date(2026, 10, 9),
        datetime.date(2026, 11, 5),
    ):
        log(helper_wang, households[0], at(when), problems=["缺水"])
    before = kept()
    VisitMonth.objects.all().delete()
    VisitMonth.objects.create(
        household=households[2], region_id=households[2].region_id, month=FIRST_DAY, visits=9
    )
    call_command("rebuild_rollups")
    assert kept() == before and len(before) == 2
    out = capsys.readouterr().out
    assert "2 month rows rebuilt" in out and "places' figures rebuilt" in out
