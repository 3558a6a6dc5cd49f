"""The demo's findings, filled in the test county through the services: every state of a
rectification, closed on time and late, overdue ones, photos, the township's rounds joined."""

import datetime

from django.utils import timezone

from bangfu.core.audit import verify_chain
from bangfu.demo.supervision_findings import STORIES, fill
from bangfu.supervision.models import Evidence, Finding, FindingState, InspectionRound

from .conftest import COUNTY, TODAY
from .test_findings import household  # noqa: F401 (a fixture)


def test_the_demo_has_findings_in_every_state(
    county_admin,
    inspector,
    township_staff,
    household,  # noqa: F811
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    # No frozen day here: the demo lives each step on its own day (``checks._on``).
    this_month = InspectionRound.objects.create(
        region_id=COUNTY,
        month=TODAY.replace(day=1),
        title="11月督查",
        methods="on_site",
        recorded_at=timezone.now(),
        recorded_by=county_admin,
    )
    made = fill(
        actor=county_admin,
        today=TODAY,
        seed=0,
        inspector_login=inspector,
        township_login=township_staff,
    )
    assert made == Finding.objects.count() == len(STORIES)
    assert set(Finding.objects.values_list("state", flat=True)) == set(FindingState.values)
    closed = Finding.objects.filter(state=FindingState.CLOSED)
    on_time = [f.closed_on <= f.deadline for f in closed]
    assert sorted(on_time) == [False, True]
    assert (
        Finding.objects.filter(state__in=["assigned", "in_progress"], deadline__lt=TODAY).count()
        == 2
    )
    assert Evidence.objects.filter(step=None).exists()
    assert Evidence.objects.exclude(step=None).exists()
    assert len(set(Finding.objects.values_list("category__value", flat=True))) == len(STORIES)
    # This month's findings belong to this month's open round; last month's have none.
    for finding in Finding.objects.all():
        in_month = finding.found_on >= datetime.date(2026, 11, 1)
        assert finding.round_id == (this_month.pk if in_month else None)
    assert Finding.objects.filter(household=household).exists()
    assert verify_chain()[1] is None
