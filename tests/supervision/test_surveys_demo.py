"""The surveys' demo in the test county: the rounds' samples surveyed (or households on their
own in a month without a round), the two contradictions planted, satisfaction high."""

import datetime

from bangfu.demo.supervision_surveys import fill
from bangfu.supervision.models import Finding, Survey
from bangfu.supervision.selectors import satisfaction
from tests.supervision.conftest import COUNTY, MONTH, TODAY
from tests.supervision.surveys_world import round_with_sample
from tests.visits.conftest import at, households, log, unit, wang  # noqa: F401 (fixtures)


def test_the_demo_surveys_the_samples_and_plants_two_contradictions(
    today,
    county_admin,
    inspector,
    helper_wang,
    households,  # noqa: F811
):
    for day in (5, 12, 19, 26):
        log(helper_wang, households[0], at(datetime.date(2026, 11, day)))
    inspection = round_with_sample(inspector, COUNTY, MONTH, households[:2])
    filled = fill(actor=county_admin, today=TODAY, seed=0, inspector_login=inspector)
    assert filled.surveys == 3 + 2  # October: the county's three households; November: the sample
    assert set(Survey.objects.filter(surveyed_on__gte=MONTH).values_list("round", flat=True)) == {
        inspection.pk
    }
    assert filled.findings == 2
    assert sorted(Finding.objects.values_list("category__value", flat=True)) == ["2", "7"]
    surveyed, satisfied, _rate, meets = satisfaction(inspector, COUNTY, MONTH)
    assert (surveyed, satisfied, meets) == (2, 2, True)
