"""The projects' roll-ups kept from the audit log equal those rebuilt from the records, and
give the projects block's figures as the records do (``projects_from_records``), after any
sequence of writes of every kind of projects record mixed with the registry's and the plans'
(the projects' part of ``test_place_rollups``' property test).

The writes are the services themselves, each audited as it is in use: projects added and
moved through their life cycle (cancelled among them), allocations, payments and reversals,
outputs, households set and removed as beneficiaries, donations, sales, villages' collective
incomes recorded and recorded again, a collective-income rule, household income measures, a
household moving village (its beneficiary rows, donations and sales follow it) and a member's
labour changing. A refused write (an overspend, a step out of order) writes nothing.

"""

# The day's fixture is imported by name, so each test that takes it "redefines" it.
# ruff: noqa: F811

import contextlib
import datetime
from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.models import Region
from bangfu.core.services import policy_set
from bangfu.plans.services import MeasureInput, measure_add
from bangfu.projects import services
from bangfu.projects.models import LedgerEntry, Project, Stage
from bangfu.registry import services as registry
from bangfu.registry.models import Household, Member
from bangfu.reports import rollups, selectors
from bangfu.reports.indicators import keys_of
from tests.fuzz.harness import FUZZ_SCALE  # make fuzz: the depth
from tests.projects.test_figures import stored
from tests.registry.conftest import first_status, household_input, id_number, member_input
from tests.teams.conftest import on_day  # noqa: F401 (a fixture)

D = datetime.date
TODAY = D(2026, 11, 30)
COUNTY, TOWNSHIPS = "611103000000", ["611103001000", "611103002000"]
VILLAGES = ["611103001201", "611103001202", "611103002201", "611103002202"]
PLACES = [COUNTY, *TOWNSHIPS, *VILLAGES]
HOMES = [  # number, village, labour
    ("6111030012010001", VILLAGES[0], "1"),
    ("6111030012020001", VILLAGES[1], "3"),
    ("6111030022010001", VILLAGES[2], "2"),
    ("6111030022020001", VILLAGES[3], "5"),
]
NEXT_STAGE = {
    Stage.PLANNED: Stage.APPROVED,
    Stage.APPROVED: Stage.STARTED,
    Stage.STARTED: Stage.COMPLETED,
    Stage.COMPLETED: Stage.ACCEPTED,
}

place = st.sampled_from([*TOWNSHIPS, *VILLAGES])
home = st.integers(0, len(HOMES) - 1)
which = st.integers(0, 20)
source = st.sampled_from(["1", "4", "5"])
yuan = st.integers(1, 200).map(lambda n: Decimal(n * 500))
day = st.integers(0, 330).map(lambda n: D(2026, 1, 1) + datetime.timedelta(days=n))
operation = st.one_of(
    st.tuples(
        st.just("add"), place, st.sampled_from(["1", "2", "6"]), st.sampled_from([2025, 2026])
    ),
    st.tuples(st.just("advance"), which, st.booleans()),  # True: cancel instead
    st.tuples(st.just("allocate"), which, source, yuan, day),
    st.tuples(st.just("pay"), which, source, yuan, day),
    st.tuples(st.just("reverse"), which),
    st.tuples(st.just("output"), which, st.sampled_from(["1", "2", "8"]), st.integers(1, 500)),
    st.tuples(st.just("benefit"), which, home),
    st.tuples(st.just("unbenefit"), which, home),
    st.tuples(st.just("donate"), home, yuan, day),
    st.tuples(st.just("donate_village"), st.sampled_from(VILLAGES), yuan, day),
    st.tuples(st.just("sell"), home, yuan, day),
    st.tuples(
        st.just("income"),
        st.sampled_from(VILLAGES),
        st.sampled_from(["1", "3"]),
        st.integers(-20, 150).map(lambda n: Decimal(n * 1000)),
    ),
    st.tuples(st.just("rule"), st.sampled_from([COUNTY, *TOWNSHIPS]), st.integers(1, 12)),
    st.tuples(
        st.just("measure"), home, st.sampled_from(["1", "2", "4"]), st.sampled_from([2025, 2026])
    ),
    st.tuples(st.just("move"), home, st.sampled_from(VILLAGES)),
    st.tuples(st.just("labour"), home, st.sampled_from(["1", "4", "5"])),
    st.tuples(st.just("read")),
)


def head_id_number(i: int) -> str:
    return id_number("19700101", f"30{i}")


def register_homes(actor) -> list[Household]:
    return [
        registry.household_register(
            actor=actor,
            household=household_input(number=number, region_code=village),
            members=[member_input(name=f"户主{i}", id_number=head_id_number(i), labour=labour)],
            status=first_status(),
        )
        for i, (number, village, labour) in enumerate(HOMES)
    ]


def chosen(rows: list, index: int):
    return rows[index % len(rows)] if rows else None


def apply(actor, step, serial: int) -> None:
    """One write (or a read catching the roll-ups up)."""
    name = step[0]
    projects = list(Project.objects.order_by("pk"))
    homes = list(Household.objects.order_by("number"))
    project = (
        chosen(projects, step[1])
        if name in ("advance", "allocate", "pay", "output", "benefit", "unbenefit")
        else None
    )
    if name == "add":
        services.project_add(
            actor=actor,
            region_code=step[1],
            number=f"XM-{serial:04d}",
            name=f"项目{serial}",
            kind=step[2],
            year=step[3],
            responsible_unit="区农业农村局",
            planned_funds={"1": Decimal(50000), "4": Decimal(10000)},
        )
    elif name == "advance" and project is not None:
        if step[2]:
            services.project_advance(
                actor=actor,
                project_id=project.pk,
                stage=Stage.CANCELLED,
                day=TODAY,
                reason="资金调整",
            )
        elif project.stage in NEXT_STAGE:
            services.project_advance(
                actor=actor, project_id=project.pk, stage=NEXT_STAGE[project.stage], day=TODAY
            )
    elif name in ("allocate", "pay") and project is not None:
        record = services.allocation_record if name == "allocate" else services.payment_record
        record(
            actor=actor,
            project_id=project.pk,
            source=step[2],
            amount=step[3],
            day=step[4],
            voucher=f"记-{serial}",
        )
    elif name == "reverse":
        entries = list(LedgerEntry.objects.filter(reverses=None, reversals=None).order_by("pk"))
        entry = chosen(entries, step[1])
        if entry is not None:
            services.entry_reverse(actor=actor, entry_id=entry.pk, day=TODAY, reason="金额有误")
    elif name == "output" and project is not None:
        services.output_record(
            actor=actor, project_id=project.pk, kind=step[2], quantity=Decimal(step[3]) / 10
        )
    elif name == "benefit" and project is not None:
        services.beneficiary_household_set(
            actor=actor, project_id=project.pk, household_id=homes[step[2]].pk, mode="1"
        )
    elif name == "unbenefit" and project is not None:
        services.beneficiary_household_remove(
            actor=actor, project_id=project.pk, household_id=homes[step[2]].pk
        )
    elif name == "donate":
        services.donation_record(
            actor=actor,
            donor_kind="enterprise",
            donor="爱心企业",
            day=step[3],
            cash=step[2],
            goods="",
            goods_value=Decimal(0),
            recipient_kind="household",
            household_id=homes[step[1]].pk,
        )
    elif name == "donate_village":
        services.donation_record(
            actor=actor,
            donor_kind="unit",
            donor="帮扶单位",
            day=step[3],
            cash=Decimal(0),
            goods="米面油",
            goods_value=step[2],
            recipient_kind="village",
            region_code=step[1],
        )
    elif name == "sell":
        services.sale_record(
            actor=actor,
            household_id=homes[step[1]].pk,
            buyer_kind="unit",
            buyer="机关食堂",
            product="猕猴桃",
            quantity=Decimal(100),
            unit="斤",
            amount=step[2],
            day=step[3],
        )
    elif name == "income":
        services.collective_income_record(
            actor=actor, village_code=step[1], year=2026, source=step[2], amount=step[3]
        )
    elif name == "rule":
        policy_set(
            actor=actor,
            region_code=step[1],
            key="projects.collective_income_floor",
            value=step[2] * 10000,
            valid_from=D(2025, 1, 1) + datetime.timedelta(days=serial),
        )
    elif name == "measure":
        measure_add(
            actor=actor,
            household_id=homes[step[1]].pk,
            measure=MeasureInput(
                kind=step[2],
                content="发展产业",
                starts_on=D(step[3], 3, 1),
                due_on=D(step[3], 12, 31),
            ),
        )
    elif name == "move":
        household = homes[step[1]]
        registry.household_update(
            actor=actor,
            household_id=household.pk,
            household=household_input(number=household.number, region_code=step[2]),
        )
    elif name == "labour":
        # Each household's one member is its head, registered with its index's number.
        home = homes[step[1]]
        member = Member.objects.get(household=home)
        index = [number for number, _village, _labour in HOMES].index(home.number)
        registry.member_update(
            actor=actor,
            member_id=member.pk,
            member=member_input(name=member.name, id_number=head_id_number(index), labour=step[2]),
        )
    elif name == "read":
        rollups.catch_up()


class Rollback(Exception):
    pass


@settings(
    max_examples=10 * FUZZ_SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    steps=st.lists(operation, min_size=1, max_size=15),
    read_each=st.booleans(),
)
def test_kept_project_roll_ups_equal_rebuilt_ones_and_the_records_figures(
    county_admin, on_day, steps, read_each
):
    try:
        with transaction.atomic():
            on_day(TODAY)
            register_homes(county_admin)
            rollups.catch_up()
            for serial, step in enumerate(steps, start=1):
                with contextlib.suppress(DomainError, NotPermitted, OutOfScope):
                    apply(county_admin, step, serial)
                if read_each:
                    rollups.catch_up()
            rollups.catch_up()
            kept = stored()
            rollups.rebuild()
            assert stored() == kept, steps
            for year in (2025, 2026):
                month = D(year, 11, 1)
                period = selectors.Period(month, month)
                for code in PLACES:
                    region = Region.objects.get(code=code)
                    values = selectors.Figures(county_admin, region, period).values
                    mine = {key: values[key] for key in keys_of("projects")}
                    from_records = selectors.projects_from_records(county_admin, region, period)
                    assert mine == from_records, (code, year, steps)
            raise Rollback
    except Rollback:
        pass
