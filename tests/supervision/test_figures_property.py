"""Supervision's roll-ups kept from the audit log equal those rebuilt from the records, and give
the supervision figures as the records do, after any sequence of the supervision services'
writes (rounds planned and their samples drawn, findings recorded, submitted and closed or
returned, households surveyed — contradicted answers raising findings —, a month's scores
published) mixed with households moving village (their surveys follow them).

The writes are the parts' services themselves, each audited as it is in use (the part of
``test_place_rollups``' property test for supervision). It needs the rounds, findings,
surveys and scores parts merged: their services are imported by their agreed names."""

# The day's fixture is imported by name, so each test that takes it "redefines" it.
# ruff: noqa: F811

import contextlib
import datetime

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.models import Region
from bangfu.registry import services as registry
from bangfu.registry.models import Household
from bangfu.reports import rollups, selectors
from bangfu.reports.indicators import keys_of
from bangfu.supervision.models import (
    Finding,
    InspectionRound,
    Purpose,
    Question,
    SupervisionMonth,
)
from bangfu.supervision.selectors.figures import figures_from_records
from bangfu.supervision.services import (
    finding_record,
    questionnaire_create,
    rectification_close,
    rectification_return,
    rectification_submit,
    round_plan,
    sample_draw,
    scheme_create,
    scores_publish,
    survey_record,
)
from bangfu.supervision.services.scores import ItemInput
from bangfu.visits.rollups import next_month
from tests.registry.conftest import first_status, household_input, id_number, member_input
from tests.teams.conftest import on_day  # noqa: F401 (a fixture)

D = datetime.date
TODAY = D(2026, 11, 30)
COUNTY, TOWNSHIPS = "611103000000", ["611103001000", "611103002000"]
VILLAGES = ["611103001201", "611103001202", "611103002201", "611103002202"]
PLACES = [COUNTY, *TOWNSHIPS, *VILLAGES]
MONTHS = [D(2026, 10, 1), D(2026, 11, 1)]
HOMES = [
    ("6111030012010001", VILLAGES[0]),
    ("6111030012020001", VILLAGES[1]),
    ("6111030022010001", VILLAGES[2]),
    ("6111030022020001", VILLAGES[3]),
]

which = st.integers(0, 20)
home = st.integers(0, len(HOMES) - 1)
day = st.integers(0, 60).map(lambda n: D(2026, 10, 1) + datetime.timedelta(days=n))
operation = st.one_of(
    st.tuples(st.just("plan"), st.sampled_from([COUNTY, *TOWNSHIPS]), st.sampled_from(MONTHS)),
    st.tuples(st.just("draw"), which),
    st.tuples(st.just("find"), home, st.sampled_from(["1", "2", "4"]), day),
    st.tuples(st.just("submit"), which),
    st.tuples(st.just("close"), which),
    st.tuples(st.just("return"), which),
    st.tuples(st.just("survey"), home, st.integers(1, 5), day),
    st.tuples(st.just("publish"), st.sampled_from(MONTHS)),
    st.tuples(st.just("move"), home, st.sampled_from(VILLAGES)),
    st.tuples(st.just("read")),
)


def chosen(rows: list, index: int):
    return rows[index % len(rows)] if rows else None


def setting_up(actor) -> None:
    for i, (number, village) in enumerate(HOMES):
        registry.household_register(
            actor=actor,
            household=household_input(number=number, region_code=village),
            members=[member_input(name=f"户主{i}", id_number=id_number("19700101", f"40{i}"))],
            status=first_status(),
        )
    questionnaire_create(actor=actor, region_code=COUNTY, name="群众满意度调查", standard=True)
    scheme_create(
        actor=actor,
        region_code=COUNTY,
        level="township",
        name="乡镇月度考评",
        valid_from=D(2026, 1, 1),
        items=[
            ItemInput("按期整改", "rectified_on_time", "60"),
            ItemInput("群众满意度", "satisfaction", "40"),
        ],
    )


def apply(county_admin, inspector, township_staff, step) -> None:
    """One write (or a read catching the roll-ups up)."""
    name = step[0]
    homes = list(Household.objects.order_by("number"))
    findings = list(Finding.objects.order_by("pk"))
    finding = chosen(findings, step[1]) if name in ("submit", "close", "return") else None
    if name == "plan":
        round_plan(
            actor=county_admin,
            region_code=step[1],
            month=step[2],
            title="月度督查",
            methods=["on_site", "phone"],
            inspector_ids=[inspector.pk],
            households_wanted=2,
        )
    elif name == "draw":
        inspection = chosen(list(InspectionRound.objects.order_by("pk")), step[1])
        if inspection is not None:
            sample_draw(actor=county_admin, round_id=inspection.pk)
    elif name == "find":
        household = homes[step[1]]
        finding_record(
            actor=inspector,
            region_code=household.region_id,
            category=step[2],
            description="未按规定入户走访",
            found_on=step[3],
            household_id=household.pk,
        )
    elif name == "submit" and finding is not None:
        # The township's staff rectify what lies in their township; the county the rest.
        by = township_staff if finding.region_id.startswith("611103001") else county_admin
        rectification_submit(actor=by, finding_id=finding.pk, note="已整改到位")
    elif name == "close" and finding is not None:
        rectification_close(actor=inspector, finding_id=finding.pk, note="核查属实")
    elif name == "return" and finding is not None:
        rectification_return(actor=inspector, finding_id=finding.pk, reason="佐证不足")
    elif name == "survey":
        question = Question.objects.get(purpose=Purpose.SATISFACTION, retired=False)
        survey_record(
            actor=inspector,
            household_id=homes[step[1]].pk,
            method="phone",
            surveyed_on=step[3],
            answers={question.pk: str(step[2])},
        )
    elif name == "publish":
        scores_publish(actor=county_admin, region_code=COUNTY, level="township", month=step[1])
    elif name == "move":
        household = homes[step[1]]
        registry.household_update(
            actor=county_admin,
            household_id=household.pk,
            household=household_input(number=household.number, region_code=step[2]),
        )
    elif name == "read":
        rollups.catch_up()


def stored() -> dict:
    """Every kept supervision row's figures, by place and month."""
    return {
        (row.region_id, row.month): {
            name: getattr(row, name) for name in rollups._figures(row) if name != "id"
        }
        for row in SupervisionMonth.objects.all()
    }


class Rollback(Exception):
    pass


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(operation, min_size=1, max_size=14), read_each=st.booleans())
def test_kept_supervision_roll_ups_equal_rebuilt_ones_and_the_records_figures(
    county_admin, inspector, township_staff, on_day, steps, read_each
):
    try:
        with transaction.atomic():
            on_day(TODAY)
            setting_up(county_admin)
            rollups.catch_up()
            for step in steps:
                refused = contextlib.suppress(DomainError, NotPermitted, OutOfScope)
                with refused, transaction.atomic():
                    apply(county_admin, inspector, township_staff, step)
                if read_each:
                    rollups.catch_up()
            rollups.catch_up()
            kept = stored()
            rollups.rebuild()
            assert stored() == kept, steps
            for month in MONTHS:
                period = selectors.Period(month, month)
                for code in PLACES:
                    region = Region.objects.get(code=code)
                    values = selectors.Figures(county_admin, region, period).values
                    mine = {key: values[key] for key in keys_of("supervision")}
                    last_day = next_month(month) - datetime.timedelta(days=1)
                    from_records = figures_from_records(
                        county_admin, region, month, last_day, period.end
                    )
                    assert mine == from_records, (code, month, steps)
            raise Rollback
    except Rollback:
        pass
