import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bangfu.core.calendar import (
    CalendarNotCovered,
    covered_years,
    holiday_name,
    is_working_day,
    last_working_day,
    next_working_day,
    nth_weekday,
    weekdays_in_month,
)

D = datetime.date
THURSDAY = 3


def test_make_up_working_days_fall_on_weekends():
    assert is_working_day(D(2024, 2, 4))  # Sunday, before the Spring Festival
    assert is_working_day(D(2024, 9, 14))  # Saturday, before Mid-autumn
    assert is_working_day(D(2024, 10, 12))  # Saturday, after National Day
    assert not is_working_day(D(2024, 3, 16))  # an ordinary Saturday


def test_the_national_day_week_is_a_holiday():
    assert [is_working_day(D(2024, 10, day)) for day in range(1, 8)] == [False] * 7
    assert holiday_name(D(2024, 10, 3)) == "国庆节"
    assert holiday_name(D(2024, 10, 12)) is None  # a make-up working day is no holiday
    assert next_working_day(D(2024, 10, 1)) == D(2024, 10, 8)
    assert next_working_day(D(2024, 10, 8)) == D(2024, 10, 8)
    assert next_working_day(D(2024, 10, 8), include_today=False) == D(2024, 10, 9)


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2024, 9, D(2024, 9, 30)),  # a Monday, and a working day
        (2023, 9, D(2023, 9, 28)),  # 29–30 Sept 2023: Mid-autumn and National Day
        (2024, 6, D(2024, 6, 28)),  # 30 June 2024 is a Sunday
        (2025, 1, D(2025, 1, 27)),  # the Spring Festival holiday starts on 28 Jan 2025
    ],
)
def test_the_last_working_day_of_a_month(year, month, expected):
    assert last_working_day(year, month) == expected


def test_first_and_third_thursdays_in_months_of_four_and_five_thursdays():
    # August 2024 has five Thursdays (1, 8, 15, 22, 29); March 2024 has four (7, 14, 21, 28).
    assert len(weekdays_in_month(2024, 8, THURSDAY)) == 5
    assert [nth_weekday(2024, 8, THURSDAY, n) for n in (1, 3, 5, -1)] == [
        D(2024, 8, 1),
        D(2024, 8, 15),
        D(2024, 8, 29),
        D(2024, 8, 29),
    ]
    assert [nth_weekday(2024, 3, THURSDAY, n) for n in (1, 3, -1)] == [
        D(2024, 3, 7),
        D(2024, 3, 21),
        D(2024, 3, 28),
    ]
    assert nth_weekday(2024, 3, THURSDAY, 5) is None


@pytest.mark.parametrize("n", [0, 6, -6])
def test_nth_weekday_refuses_nonsense(n):
    with pytest.raises(ValueError):
        nth_weekday(2024, 3, THURSDAY, n)


@pytest.mark.parametrize("day", [D(1999, 5, 1), D(2031, 1, 2)])
def test_a_year_the_calendar_does_not_cover_is_refused_not_guessed(day):
    with pytest.raises(CalendarNotCovered) as refusal:
        is_working_day(day)
    assert str(day.year) in str(refusal.value.message)
    with pytest.raises(CalendarNotCovered):
        last_working_day(day.year, day.month)


covered_days = st.dates(
    min_value=D(covered_years().start, 1, 1), max_value=D(covered_years().stop - 1, 12, 20)
)


@given(day=covered_days)
def test_next_working_day_is_the_first_working_day_from_then(day):
    found = next_working_day(day)
    assert found >= day and is_working_day(found)
    between = (day + datetime.timedelta(days=i) for i in range((found - day).days))
    assert not any(is_working_day(d) for d in between)
