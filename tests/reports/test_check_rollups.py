"""The monthly check's roll-ups kept from the audit log equal those rebuilt from the records,
and give the check's figures as the records do, after any sequence of the check's own writes
mixed with the registry's (the check's part of ``test_place_rollups``' property test).

The writes are the services themselves, each audited as it is in use: a snapshot stored and
compared (``snapshot_store`` + ``snapshot_compare``, as the import's commit runs them),
differences classified and closed by hand, a problem list imported, a self-check report
submitted, the day due moved by a rule, and registry edits — one correcting the handbook (a
difference closed by ``households_recheck``), a member leaving, a household moving village.
Each snapshot is a copy of the records with a few fields made to differ, households and
members left out or added. Days go forward as the steps go.
"""

# The day's fixture is imported by name, so each test that takes it "redefines" it.
# ruff: noqa: F811

import contextlib
import datetime

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bangfu.checks.models import Difference, DifferenceClass, DifferenceState
from bangfu.checks.rows import SnapshotHouseholdRow
from bangfu.checks.services import (
    ProblemRow,
    difference_classify,
    difference_close,
    problem_list_store,
    self_check_report_submit,
    snapshot_compare,
    snapshot_store,
)
from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.models import Region
from bangfu.core.params import add_months
from bangfu.core.services import policy_set
from bangfu.registry import services as registry
from bangfu.registry.models import Household, Member
from bangfu.reports import rollups, selectors
from tests.checks.test_comparison import copy_of_records
from tests.fuzz.harness import FUZZ_SCALE  # make fuzz: the depth
from tests.registry.conftest import first_status, household_input, id_number, member_input
from tests.reports.test_check_figures import stored
from tests.teams.conftest import on_day  # noqa: F401 (a fixture)

D = datetime.date
START = D(2026, 2, 2)
COUNTY, TOWNSHIP = "611103000000", "611103002000"
VILLAGES = ["611103002201", "611103002202", "611103001201"]  # 马家寨村, 康西村, 石桥村
PLACES = [COUNTY, TOWNSHIP, "611103001000", *VILLAGES, "611103002201001"]
# Four households: 马家寨村 (two members), its group, 康西村 (two members), 石桥村.
HOMES = [
    ("6111030022010001", "611103002201", [("马建国", "19650312", "001", "01"),
                                          ("李秀兰", "19670705", "002", "02")]),
    ("6111030022010011", "611103002201001", [("马德胜", "19580101", "003", "01")]),
    ("6111030022020001", "611103002202", [("石桂芳", "19700202", "004", "01"),
                                          ("石小龙", "19950909", "005", "03")]),
    ("6111030012010001", "611103001201", [("石大山", "19620606", "006", "01")]),
]  # fmt: skip
SYSTEM_ADDRESS, SYSTEM_PHONE = "系统里的地址", "13800000000"

home = st.integers(0, len(HOMES) - 1)
# What a snapshot does with a household: as the records have it, a field made to differ,
# a member's name, a member left out, the household left out.
planted = st.sampled_from(["same", "same", "address", "phone", "name", "member", "gone"])
operation = st.one_of(
    st.tuples(
        st.just("snapshot"),
        st.integers(0, 2),  # months before today's
        st.lists(planted, min_size=len(HOMES), max_size=len(HOMES)),
        st.booleans(),  # a household only the system holds
    ),
    st.tuples(st.just("classify"), st.integers(0, 20), st.sampled_from(list(DifferenceClass))),
    st.tuples(st.just("close"), st.integers(0, 20)),
    st.tuples(st.just("problems"), home, st.sampled_from(["phone", ""])),
    st.tuples(st.just("report"), st.sampled_from(VILLAGES), st.integers(0, 2)),
    st.tuples(st.just("rule"), st.sampled_from([COUNTY, TOWNSHIP]), st.integers(0, 3)),
    st.tuples(st.just("correct"), st.integers(0, 20)),
    st.tuples(st.just("leave"), home),
    st.tuples(st.just("move"), home, st.sampled_from(VILLAGES[:2])),
    st.tuples(st.just("read")),
)


def register_homes(actor) -> None:
    for number, village, people in HOMES:
        registry.household_register(
            actor=actor,
            household=household_input(number=number, region_code=village),
            members=[
                member_input(name=name, id_number=id_number(born, serial), relation=relation)
                for name, born, serial, relation in people
            ],
            status=first_status(),
        )


def snapshot_of(plants: list[str], stranger: bool):
    """A copy of the records with each household's plant, and perhaps a household only the
    system holds (in 康西村)."""
    households, members = copy_of_records()
    numbers = [number for number, _village, _people in HOMES]
    for row in list(households):
        plant = plants[numbers.index(row.number)]
        mine = [m for m in members if m.household_number == row.number]
        if plant == "address":
            row.address = SYSTEM_ADDRESS
        elif plant == "phone":
            row.phone = SYSTEM_PHONE
        elif plant == "name" and mine:
            mine[0].name += "明"
        elif plant == "member" and len(mine) > 1:
            members.remove(mine[-1])
        elif plant == "gone":
            households.remove(row)
            for member in mine:
                members.remove(member)
    if stranger:
        households.append(SnapshotHouseholdRow(number="6111030022020099", region_code=VILLAGES[1]))
    return households, members


def update(actor, household: Household, **changes) -> None:
    """The household as it stands, with ``changes``: an edit through the registry."""
    current = {
        "number": household.number,
        "region_code": household.region_id,
        "address": household.address,
        "phone": household.phone,
    }
    registry.household_update(
        actor=actor, household_id=household.pk, household=household_input(**current | changes)
    )


def apply(actor, step, today: datetime.date, serial: int) -> None:
    """One write of the check or the registry (or a read catching the roll-ups up); a
    refused one (a month already worked on, a second report, a closed difference) writes
    nothing."""
    name = step[0]
    open_ones = list(
        Difference.objects.filter(state=DifferenceState.OPEN)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    household = Household.objects.get(number=HOMES[step[1]][0]) if name in (
        "problems", "leave", "move") else None  # fmt: skip
    if name == "snapshot":
        month = add_months(today.replace(day=1), -step[1])
        households, members = snapshot_of(step[2], step[3])
        snapshot = snapshot_store(
            actor=actor,
            region_code=COUNTY,
            month=month,
            file_name=f"国家系统导出{month:%Y%m}.xlsx",
            households=households,
            members=members,
        )
        snapshot_compare(snapshot_id=snapshot.pk)
    elif name == "classify" and open_ones:
        difference_classify(
            actor=actor,
            difference_id=open_ones[step[1] % len(open_ones)],
            classification=step[2].value,
        )
    elif name == "close" and open_ones:
        difference_close(
            actor=actor,
            difference_id=open_ones[step[1] % len(open_ones)],
            reason="已核实，系统滞后",
        )
    elif name == "problems":
        problem_list_store(
            actor=actor,
            rows=[
                ProblemRow(
                    household.number,
                    "与系统不一致",
                    field=step[2],
                    field_name="联系电话" if step[2] else "",
                )
            ],  # fmt: skip
            source=f"问题数据清单{today:%Y%m%d}.xlsx",
            commit=True,
        )
    elif name == "report":
        month = add_months(today.replace(day=1), -step[2])
        self_check_report_submit(actor=actor, region_code=step[1], month=month, note="已核对")
    elif name == "rule":
        policy_set(
            actor=actor,
            region_code=step[1],
            key="checks.report_due",
            value=step[2],
            valid_from=D(2025, 1, 1) + datetime.timedelta(days=serial),
        )
    elif name == "correct":
        # The handbook was wrong: an open difference of an address or a phone corrected in
        # the records to what the system holds (the edit closes it, by ``households_recheck``).
        wrong = list(
            Difference.objects.filter(
                state=DifferenceState.OPEN, field__in=["address", "phone"], snapshot__isnull=False
            ).order_by("pk")
        )
        if wrong:
            chosen = wrong[step[1] % len(wrong)]
            update(actor, chosen.household, **{chosen.field: SYSTEM_ADDRESS
                   if chosen.field == "address" else SYSTEM_PHONE})  # fmt: skip
    elif name == "leave":
        # A member not the head leaves: the one the system no longer holds, if any.
        members = Member.objects.filter(household=household, left_on=None).exclude(
            relation__value="01"
        )
        member = (
            members.filter(
                pk__in=Difference.objects.filter(state=DifferenceState.OPEN).values("member_id")
            ).first()
            or members.order_by("pk").last()
        )
        if member is not None:
            registry.member_leave(actor=actor, member_id=member.pk, left_on=today, reason="出嫁")
    elif name == "move":
        update(actor, household, region_code=step[2])
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
    first=st.lists(planted, min_size=len(HOMES), max_size=len(HOMES)),
    steps=st.lists(st.tuples(operation, st.integers(0, 9)), min_size=1, max_size=12),
    read_each=st.booleans(),
)
def test_kept_check_roll_ups_equal_rebuilt_ones_and_the_records_figures(
    county_admin, on_day, first, steps, read_each
):
    """Reads after each write check each write's own places and months; reads now and then
    check writes taken together. January's snapshot comes first; each step comes some days
    after the one before."""
    try:
        with transaction.atomic():
            today = on_day(START)
            register_homes(county_admin)
            apply(county_admin, ("snapshot", 1, first, False), today, 0)
            rollups.catch_up()
            for serial, (step, days) in enumerate(steps, start=1):
                today = on_day(today + datetime.timedelta(days=days))
                with contextlib.suppress(DomainError, NotPermitted, OutOfScope):
                    apply(county_admin, step, today, serial)
                if read_each:
                    rollups.catch_up()
            rollups.catch_up()
            kept = stored()
            rollups.rebuild()
            assert stored() == kept
            months = {add_months(today.replace(day=1), -n) for n in range(3)}
            for code in PLACES:
                place = Region.objects.get(code=code)
                for month in sorted(months):
                    period = selectors.Period(month, month)
                    from_records = selectors.checks_from_records(county_admin, place, period)
                    values = selectors.Figures(county_admin, place, period).values
                    assert {key: values[key] for key in from_records} == from_records, (
                        code,
                        month,
                        steps,
                    )
            raise Rollback
    except Rollback:
        pass
