"""Query parameters and ids in addresses, parsed once (``core.params``): what is accepted, what
falls back to the default, and what is refused with which field."""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone
from pydantic import TypeAdapter, ValidationError

from bangfu.core import params
from bangfu.core.params import MAX_ID, BadParameter

D = datetime.date


def refused(call, *args, **kwargs) -> BadParameter:
    with pytest.raises(BadParameter) as caught:
        call(*args, **kwargs)
    return caught.value


def test_a_bad_parameter_is_a_refusal_and_a_bad_request():
    from django.core.exceptions import BadRequest

    from bangfu.core.errors import DomainError

    error = refused(params.month, "soon")
    assert isinstance(error, DomainError) and isinstance(error, BadRequest)
    assert (error.code, error.field) == ("bad_parameter", "month")


def test_months_in_the_window_are_read():
    assert params.month("2026-11") == D(2026, 11, 1)
    assert params.month(" 2026-3 ") == D(2026, 3, 1)
    assert params.month("2013-01") == params.FIRST_MONTH


def test_no_month_is_this_month_or_the_default():
    assert params.month("") == params.month(None) == timezone.localdate().replace(day=1)
    assert params.month("", default=D(2026, 1, 1)) == D(2026, 1, 1)


@pytest.mark.parametrize(
    "raw",
    ["2026-13", "2026-00", "2026", "11-2026", "2026/11", "2026-11-05", "２０２６-11", "a\x00"],
)
def test_malformed_months_are_refused(raw):
    assert "YYYY-MM" in str(refused(params.month, raw).message)


@pytest.mark.parametrize("raw", ["9999-12", "0001-01", "0000-01", "1600-01", "2012-12"])
def test_months_outside_the_window_are_refused(raw):
    error = refused(params.month, raw, field="to")
    assert error.field == "to" and "2013-01" in str(error.message)


def test_the_window_ends_with_next_year():
    today = timezone.localdate()
    first, last = params.month_window()
    assert (first, last) == (D(2013, 1, 1), D(today.year + 1, 12, 1))
    assert params.month(f"{today.year + 1}-12") == last
    refused(params.month, f"{today.year + 2}-01")
    assert params.month_window(D(2030, 6, 15)) == (D(2013, 1, 1), D(2031, 12, 1))


def test_ranges_are_put_in_order_and_one_end_is_one_month():
    assert params.month_range("", None) is None
    assert params.month_range("2026-11", "2026-09") == (D(2026, 9, 1), D(2026, 11, 1))
    assert params.month_range("2026-09", "") == (D(2026, 9, 1), D(2026, 9, 1))
    assert params.month_range("", "2026-09") == (D(2026, 9, 1), D(2026, 9, 1))
    assert refused(params.month_range, "1600-01", "2026-01").field == "from"
    assert refused(params.month_range, "2026-01", "9999-12").field == "to"


def test_month_arithmetic_takes_one_step_whatever_the_span():
    assert params.add_months(D(2026, 11, 1), 3) == D(2027, 2, 1)
    assert params.add_months(D(2026, 1, 1), -1) == D(2025, 12, 1)
    assert params.months_between(D(2025, 11, 1), D(2027, 10, 1)) == 24
    # A span of ten thousand years is one subtraction, not a walk through its months.
    assert params.months_between(D(1, 1, 1), D(9999, 12, 1)) == 9999 * 12
    assert params.months_from(D(2025, 12, 1), D(2026, 2, 1)) == [
        D(2025, 12, 1),
        D(2026, 1, 1),
        D(2026, 2, 1),
    ]


def test_links_to_the_months_around_stop_at_the_window():
    assert params.months_around(D(2026, 1, 1)) == (D(2025, 12, 1), D(2026, 2, 1))
    assert params.months_around(params.FIRST_MONTH) == (None, D(2013, 2, 1))
    last = params.month_window()[1]
    assert params.months_around(last) == (params.add_months(last, -1), None)


def test_place_codes():
    assert params.place("") == ""
    assert params.place(" 611103002201 ") == "611103002201"
    assert params.place("611103002201001") == "611103002201001"
    for raw in ["6111", "6111030022010", "61110300220100100", "61110300220x", "６" * 12, "\x00"]:
        assert refused(params.place, raw, field="region_code").field == "region_code"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1", 1),
        ("007", 7),
        (str(MAX_ID), MAX_ID),
        (42, 42),
        ("0", None),
        ("-1", None),
        (str(MAX_ID + 1), None),
        ("1" * 20, None),
        ("1" * 5000, None),
        ("１", None),  # full-width: a digit to str.isdigit(), never in an address we make
        ("²", None),
        ("", None),
        ("1.0", None),
        (True, None),
        (0, None),
        (10**20, None),
    ],
)
def test_possible_ids(raw, expected):
    assert params.possible_id(raw) == expected


def test_an_id_given_as_a_hint_falls_back_to_none():
    assert params.optional_id("12") == 12
    assert params.optional_id(None) is params.optional_id('"]x') is None


def test_the_id_converter_matches_only_ids_a_record_can_have():
    import re

    converter = params.IdConverter()
    assert re.fullmatch(converter.regex, "9" * 19) and not re.fullmatch(converter.regex, "9" * 20)
    assert converter.to_python(str(MAX_ID)) == MAX_ID
    for raw in ["0", str(MAX_ID + 1)]:
        with pytest.raises(ValueError):
            converter.to_python(raw)
    assert converter.to_url(12) == "12"
    with pytest.raises(ValueError):
        converter.to_url(10**20)


def test_the_place_converter():
    import re

    converter = params.PlaceCodeConverter()
    for code in ["611103002201", "611103002201001"]:
        assert re.fullmatch(converter.regex, code) and converter.to_url(code) == code
    for code in ["6111030022", "6111030022011", "abc"]:
        assert not re.fullmatch(converter.regex, code)
    with pytest.raises(ValueError):
        converter.to_url("abc")


def test_ids_for_the_api():
    ids = TypeAdapter(params.Id)
    assert ids.validate_python(5) == ids.validate_python("5") == 5
    for impossible in [0, -3, MAX_ID + 1, 10**20, "100000000000000000000"]:
        with pytest.raises(Http404):  # answered not_found, exactly like a missing record
            ids.validate_python(impossible)
    for malformed in ["abc", 1.5, None]:
        with pytest.raises(ValidationError):  # answered invalid (422)
            ids.validate_python(malformed)
    schema = ids.json_schema()
    assert (schema["minimum"], schema["maximum"]) == (1, MAX_ID)
    codes = TypeAdapter(params.PlaceCode)
    assert codes.validate_python("611103002201") == "611103002201"
    with pytest.raises(Http404):
        codes.validate_python("611103\x00")


@pytest.mark.parametrize(
    "raw, expected",
    [(None, 1), ("", 1), ("abc", 1), ("0", 1), ("-3", 1), ("²", 1), ("7", 7), ("1" * 30, 100_000)],
)
def test_page_numbers(raw, expected):
    assert params.page_number(raw) == expected


def test_text():
    assert params.text("  王  ", field="name", most=5) == "王"
    assert params.text(None, field="name", most=5) == ""
    assert refused(params.text, "王" * 6, field="name", most=5).field == "name"
    assert refused(params.text, "王\x00", field="name", most=5).field == "name"


def test_choices_flags_and_downloads():
    assert params.choice("", field="sort", choices=["place", "number"], default="place") == "place"
    assert params.choice("number", field="sort", choices=["place", "number"]) == "number"
    assert "number, place" in str(
        refused(params.choice, "x", field="sort", choices=["place", "number"]).message
    )
    assert params.flag("1", field="full") is True
    assert params.flag("", field="full") is params.flag("0", field="full") is False
    assert refused(params.flag, "yes", field="full").field == "full"
    assert params.download({"format": "xlsx"}, "xlsx") == "xlsx"
    assert params.download({}, "xlsx") == ""
    assert refused(params.download, {"format": "pdf"}, "xlsx").field == "format"


@pytest.mark.django_db
def test_a_mapped_list_reads_only_the_page_asked_for(django_assert_num_queries):
    from bangfu.core.models import Region

    rows = params.Mapped(Region.objects.order_by("code"), lambda region: region.code)
    assert rows.all() is rows
    every = list(rows.rows.values_list("code", flat=True))
    with django_assert_num_queries(1):
        assert rows.count() == len(every)
    with django_assert_num_queries(1):
        assert rows[1:3] == every[1:3]
