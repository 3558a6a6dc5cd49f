"""Deadlines counted across public holidays and make-up working days, in working days or
calendar days as the rule says: the alert's verification, the identification and the notice."""

import datetime

import pytest

from bangfu.core.calendar import deadline
from bangfu.core.errors import DomainError

from .conftest import D, raise_alert, start_identification, step


def test_national_day_2025_in_working_days_and_calendar_days():
    # 2025-09-28 (Sunday) is a make-up working day; 10-01…10-08 are holidays.
    assert deadline(D(2025, 9, 26), 5, working_days=True).day == D(2025, 10, 10)
    assert deadline(D(2025, 9, 26), 5, working_days=False).day == D(2025, 10, 1)
    # The make-up Saturday 10-11 counts: the 6th working day after 09-26.
    assert deadline(D(2025, 9, 26), 6, working_days=True).day == D(2025, 10, 11)


def test_a_year_the_calendar_does_not_cover_is_counted_in_calendar_days_and_says_so():
    found = deadline(D(2099, 12, 20), 15, working_days=True)
    assert found == type(found)(D(2100, 1, 4), False)


def test_an_alert_is_to_be_verified_within_the_rules_days(today, county_admin, households):
    alert = raise_alert(county_admin, households[0], raised_on=D(2026, 9, 24))
    assert (alert.due_on, alert.days_counted) == (D(2026, 10, 1), "calendar")


def test_an_alert_in_working_days_skips_mid_autumn_and_national_day(
    today, county_admin, households, working_days
):
    # After Thursday 09-24: 09-28, 29, 30, then 10-08, 09, 10 (make-up Saturday), 12.
    alert = raise_alert(county_admin, households[0], raised_on=D(2026, 9, 24))
    assert (alert.due_on, alert.days_counted) == (D(2026, 10, 12), "working")


def test_identification_within_15_calendar_days(today, county_admin, households):
    procedure = start_identification(county_admin, households[0], on=D(2026, 9, 24))
    assert (procedure.due_on, procedure.days_counted) == (D(2026, 10, 9), "calendar")


def test_identification_within_15_working_days_across_the_holidays(
    today, county_admin, households, working_days
):
    procedure = start_identification(county_admin, households[0], on=D(2026, 9, 24))
    assert (procedure.due_on, procedure.days_counted) == (D(2026, 10, 22), "working")


def test_the_rule_in_force_on_the_start_day_counts(today, county_admin, households):
    from tests.visits.conftest import set_rule

    set_rule(county_admin, "monitoring.identify_days", 20, code="611103002201")
    procedure = start_identification(county_admin, households[0], on=D(2026, 9, 24))
    assert procedure.due_on == D(2026, 10, 14)


@pytest.mark.parametrize(("working", "until"), [(False, D(2026, 10, 4)), (True, D(2026, 10, 12))])
def test_the_public_notice_runs_its_days_and_the_township_waits(
    today, county_admin, households, working, until
):
    from tests.visits.conftest import set_rule

    if working:
        set_rule(county_admin, "monitoring.count_working_days", "是")
    procedure = start_identification(county_admin, households[0], on=D(2026, 9, 24))
    step(county_admin, procedure, "application", D(2026, 9, 24))
    step(county_admin, procedure, "home_check", D(2026, 9, 28))
    review = step(
        county_admin, procedure, "village_review", D(2026, 9, 29), notice_from=D(2026, 9, 30)
    )
    assert (review.notice_from, review.notice_until) == (D(2026, 9, 30), until)
    with pytest.raises(DomainError) as refused:
        step(county_admin, procedure, "township_review", until)
    assert (refused.value.code, refused.value.field) == ("notice_running", "done_on")
    passed = step(county_admin, procedure, "township_review", until + datetime.timedelta(days=1))
    assert passed.outcome == "passed"
