"""A household that moves to another village takes its pairings, visits, follow-ups, flags
and month roll-ups along: the new village's staff see its history, the old one's no longer."""

import datetime

from bangfu.pairing import services as pairing
from bangfu.pairing.models import Pairing
from bangfu.registry.models import Household
from bangfu.registry.services import household_update
from bangfu.reports import selectors as reports
from bangfu.visits.models import FlagKind, Problem, Visit, VisitFlag, VisitMonth
from tests.exchange.corpus import HEADER, family, xlsx
from tests.exchange.test_import import imported as imported_into
from tests.registry.conftest import household_input

from .conftest import at, log

D = datetime.date
KANGXI = "611103002202"


def places_of(household_id: int) -> set[str]:
    return {
        *Pairing.objects.filter(household_id=household_id).values_list("region_id", flat=True),
        *Visit.objects.filter(household_id=household_id).values_list("region_id", flat=True),
        *Problem.objects.filter(household_id=household_id).values_list("region_id", flat=True),
        *VisitFlag.objects.filter(visit__household_id=household_id).values_list(
            "region_id", flat=True
        ),
        *VisitMonth.objects.filter(household_id=household_id).values_list("region_id", flat=True),
    }


def test_a_moved_household_takes_its_records_along(
    thursdays, county_admin, helper_wang, households
):
    moving = households[0]
    visit = log(helper_wang, moving, at(D(2026, 10, 8)), problems=["屋顶漏雨"])
    VisitFlag.objects.create(visit=visit, region_id=visit.region_id, kind=FlagKind.LATE)
    household_update(
        actor=county_admin,
        household_id=moving.pk,
        household=household_input(number=moving.number, region_code=KANGXI),
    )
    assert places_of(moving.pk) == {KANGXI}
    assert not Visit.objects.visible_to(helper_wang).filter(pk=visit.pk).exists()
    october = reports.Period(D(2026, 10, 1), D(2026, 10, 1))
    kangxi = Household.objects.get(pk=moving.pk).region
    figures = reports.Figures(county_admin, kangxi, october).values
    assert (figures["households"], figures["visits"], figures["problems_found"]) == (1, 1, 1)
    assert figures == reports.source_figures(county_admin, kangxi, october)


def test_an_import_that_moves_a_household_takes_its_records_along(
    thursdays, county_admin, wang, tmp_path
):
    def imported(rows, name):
        imported_into(county_admin, xlsx(tmp_path / name, [HEADER, *rows]))

    imported(family(), "first.xlsx")
    household = Household.objects.get(number="6111030022010101")
    pairing.pairing_start(
        actor=county_admin, household_id=household.pk, helper_id=wang.pk, started_on=D(2026, 1, 1)
    )
    imported(family(village="康西村"), "moved.xlsx")
    assert Household.objects.get(pk=household.pk).region_id == KANGXI
    assert places_of(household.pk) == {KANGXI}
