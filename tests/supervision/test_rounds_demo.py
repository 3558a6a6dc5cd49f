"""The demo's inspection rounds, filled in the test county through the services: last
month's drawn and drawn again with its reason, this month's drawn, each checkable."""

from bangfu.core.audit import verify_chain
from bangfu.demo.supervision_rounds import REDRAW_REASON, fill
from bangfu.supervision import selectors
from bangfu.supervision.models import InspectionRound
from tests.supervision.conftest import TODAY
from tests.supervision.test_rounds import district  # noqa: F401 (a fixture)


def test_the_demo_has_two_months_of_rounds_and_a_redraw(district, county_admin, inspector):  # noqa: F811
    assert fill(actor=county_admin, today=TODAY, seed=0, inspector_login=inspector) == 2
    last, current = InspectionRound.objects.order_by("month")
    assert (f"{last.month:%Y-%m}", f"{current.month:%Y-%m}") == ("2026-10", "2026-11")
    assert last.stratified and last.recorded_by == inspector
    assert [(d.number, d.reason) for d in selectors.draws_of(last)] == [
        (1, ""),
        (2, REDRAW_REASON),
    ]
    assert [d.number for d in selectors.draws_of(current)] == [1]
    sample = selectors.sample_of(selectors.current_draw(current))
    # The test county has 8 households, 2 helpers, 1 unit, 1 team: all of them are drawn.
    assert [len(sample[kind]) for kind in ("household", "helper", "unit", "team")] == [8, 2, 1, 1]
    for inspection in (last, current):
        assert selectors.check_draw(selectors.current_draw(inspection)).matches
    assert verify_chain()[1] is None
