"""Fixed assistance days (帮扶日) under both seed schedules, with holidays moved or not."""

import datetime

import pytest

from bangfu.core.calendar import FixedDays, fixed_days_in_month
from bangfu.core.errors import DomainError
from bangfu.visits.schedule import month_schedule

from .conftest import set_rule

D = datetime.date
EVERY_THURSDAY = FixedDays.from_text("每周四")  # seed 000
FIRST_AND_THIRD = FixedDays.from_text("每月第1、3个周四")  # seed 001


def days(schedule, year, month, move=True):
    return fixed_days_in_month(schedule, year, month, move_off_holidays=move).dates


def test_the_phrases_offices_write_are_read_and_written_back():
    assert FixedDays(weekday=3) == EVERY_THURSDAY
    assert FixedDays(weekday=3, weeks=(1, 3)) == FIRST_AND_THIRD
    for text in ("每月第一、三个星期四", "每月第1,3个礼拜四", "每月 第3、1 个周四"):
        assert FixedDays.from_text(text) == FIRST_AND_THIRD
    assert FIRST_AND_THIRD.text == "每月第1、3个周四"
    assert FixedDays.from_text("无") == FixedDays() and FixedDays().text == "无"
    with pytest.raises(DomainError) as refusal:
        FixedDays.from_text("周四下午")
    assert "每周四" in str(refusal.value.message)


def test_every_thursday_in_a_month_with_four_and_one_with_five():
    assert days(EVERY_THURSDAY, 2026, 11) == [
        D(2026, 11, 5),
        D(2026, 11, 12),
        D(2026, 11, 19),
        D(2026, 11, 26),
    ]
    assert days(EVERY_THURSDAY, 2026, 12) == [D(2026, 12, d) for d in (3, 10, 17, 24, 31)]


def test_first_and_third_thursday():
    assert days(FIRST_AND_THIRD, 2026, 11) == [D(2026, 11, 5), D(2026, 11, 19)]
    assert days(FIRST_AND_THIRD, 2026, 12) == [D(2026, 12, 3), D(2026, 12, 17)]


def test_a_fixed_day_on_a_holiday_moves_to_the_next_working_day():
    # 2026-10-01 is a Thursday of the National Day holiday (10-01…10-07).
    month = fixed_days_in_month(FIRST_AND_THIRD, 2026, 10, move_off_holidays=True)
    assert month.dates == [D(2026, 10, 8), D(2026, 10, 15)]
    assert month.days[0].moved_from == D(2026, 10, 1) and month.days[0].holiday == "国庆节"
    # Every Thursday: 10-01 moves onto 10-08, itself a fixed day, and counts once.
    assert days(EVERY_THURSDAY, 2026, 10) == [D(2026, 10, d) for d in (8, 15, 22, 29)]
    # Where the rule says days stay, they stay.
    assert days(FIRST_AND_THIRD, 2026, 10, move=False) == [D(2026, 10, 1), D(2026, 10, 15)]


def test_the_next_working_day_may_be_a_make_up_sunday():
    # New Year 2026: 01-01…01-03 off, Sunday 01-04 a make-up working day (调休).
    assert days(FIRST_AND_THIRD, 2026, 1) == [D(2026, 1, 4), D(2026, 1, 15)]


def test_a_weekend_fixed_day_is_not_moved():
    assert days(FixedDays.from_text("每周六"), 2026, 11)[0] == D(2026, 11, 7)


def test_a_year_the_calendar_does_not_know_is_shown_unmoved_and_said_so():
    month = fixed_days_in_month(FIRST_AND_THIRD, 2031, 1, move_off_holidays=True)
    assert not month.holidays_known
    assert month.dates == [D(2031, 1, 2), D(2031, 1, 16)]


def test_a_place_inherits_its_schedule_and_a_village_may_set_its_own(world, county_admin):
    set_rule(county_admin, "visits.fixed_days", "每周四")
    set_rule(county_admin, "visits.fixed_days", "每月第一、三个星期四", code="611103002201")
    set_rule(county_admin, "visits.min_per_month", "2", code="611103002201")
    county_village = month_schedule("611103002202", D(2026, 11, 1))
    own_rule = month_schedule("611103002201001", D(2026, 11, 1))  # a group takes its village's
    assert len(county_village.fixed.days) == 4 and county_village.minimum == 4
    assert own_rule.fixed.dates == [D(2026, 11, 5), D(2026, 11, 19)] and own_rule.minimum == 2


def test_the_minimum_is_expected_fixed_day_by_fixed_day(world):
    november = month_schedule("611103002201", D(2026, 11, 1))  # no fixed days by default
    assert november.expected_by(D(2026, 11, 15)) == 2  # four a month, spread evenly
    assert november.expected_by(D(2026, 11, 30)) == 4
    assert november.expected_by(D(2026, 10, 31)) == 0


def test_expected_visits_follow_the_fixed_days(world, county_admin):
    set_rule(county_admin, "visits.fixed_days", "每周四")
    november = month_schedule("611103002201", D(2026, 11, 1))
    assert [november.expected_by(D(2026, 11, d)) for d in (4, 5, 18, 19, 26, 30)] == [
        0,
        1,
        2,
        3,
        4,
        4,
    ]
    assert november.next_fixed_day(D(2026, 11, 20)) == D(2026, 11, 26)
    assert november.next_fixed_day(D(2026, 11, 27)) is None
