"""The demo's funds ledgers on projects put in the library the way the library's demo
leaves them: every started-or-later project funded within its plan, never paid beyond what
is allocated, an accepted one paid in full, a few voucher photos, one reversal."""

import datetime
from decimal import Decimal

import pytest

from bangfu.core.models import AuditEntry
from bangfu.demo import projects_funds
from bangfu.projects import selectors
from bangfu.projects.models import LedgerEntry, Stage

from .conftest import OTHER_VILLAGE, TODAY

pytestmark = pytest.mark.django_db


def test_the_demo_funds_the_projects_under_way(today, make_project, county_admin, township_staff):
    plan = {"1": Decimal("300000"), "4": Decimal("50000")}
    made = {
        stage: make_project(f"XM-{n}", stage=stage, planned=plan, day=datetime.date(2026, 4, 1))
        for n, stage in enumerate(
            [Stage.PLANNED, Stage.APPROVED, Stage.STARTED, Stage.COMPLETED, Stage.ACCEPTED]
        )
    }
    elsewhere = make_project("XM-9", stage=Stage.ACCEPTED, region_code=OTHER_VILLAGE)
    entries = projects_funds.fill(
        actor=county_admin, seed=0, today=TODAY, township_login=township_staff
    )
    assert entries == LedgerEntry.objects.count() > 0
    assert not LedgerEntry.objects.filter(project__in=[made["planned"], made["approved"]])
    for project in [made["started"], made["completed"], made["accepted"], elsewhere]:
        for row in selectors.balances(project):
            assert 0 < row.allocated <= row.planned
            assert 0 < row.paid <= row.allocated
    assert all(row.rate == 100 for row in selectors.balances(made["accepted"]))
    assert LedgerEntry.objects.filter(reverses__isnull=False).count() == 1
    assert LedgerEntry.objects.exclude(voucher_image="").exists()
    # The township pays in its own places; the county elsewhere.
    payers = set(
        LedgerEntry.objects.filter(kind="payment", reverses=None).values_list(
            "project__region_id", "recorded_by__username"
        )
    )
    assert (OTHER_VILLAGE, "county_admin") in payers
    assert ("611103001201", "township_staff") in payers
    assert AuditEntry.objects.filter(action="ledger.reverse").count() == 1
