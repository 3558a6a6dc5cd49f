"""The value rules (core.values): what each kind of value refuses, and in which words."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from bangfu.core import values
from bangfu.core.errors import DomainError
from bangfu.registry.models import Household, Toilet


def refused(rule, raw):
    with pytest.raises(DomainError) as refusal:
        rule.clean(raw, label="住房面积", field="housing_area")
    assert refusal.value.field == "housing_area"
    return refusal.value


@pytest.mark.parametrize("raw", ["a\x00b", "tab\x07", "\x1b[31m", "\ud800", "x\x85y"])
def test_text_refuses_control_characters(raw):
    assert refused(values.Text(50), raw).code == "bad_text"


def test_text_folds_line_breaks_on_one_line_fields_and_keeps_them_where_lines_are_held():
    assert (
        values.Text(50).clean(" 西咸新区\r\n沣西新城\t", label="", field="") == "西咸新区 沣西新城"
    )
    notes = values.Text(50, lines=True).clean("送米\n送油", label="", field="")
    assert notes == "送米\n送油"


def test_text_counts_characters_not_bytes():
    rule = values.Text(3)
    assert rule.clean("𠮷𡈼䶮", label="", field="") == "𠮷𡈼䶮"
    refusal = refused(rule, "𠮷𡈼䶮安")
    assert refusal.code == "too_long" and "3" in str(refusal.message)


@pytest.mark.parametrize("raw", ["1e15", 1e30, Decimal("-0.01"), "10000", 2**63])
def test_a_number_out_of_bounds_is_refused_with_its_bounds(raw):
    refusal = refused(values.Number(Decimal(0), Decimal("9999.99")), raw)
    assert refusal.code == "out_of_range"
    assert "9,999.99" in str(refusal.message)


@pytest.mark.parametrize("raw", ["NaN", "Infinity", float("nan"), float("-inf"), "12a", True, []])
def test_what_is_not_a_finite_number_is_refused(raw):
    assert refused(values.Number(Decimal(0), Decimal(10)), raw).code == "bad_number"


def test_a_number_is_kept_to_its_places():
    rule = values.Number(Decimal(-90), Decimal(90), places=6)
    assert rule.clean(34.1234565, label="", field="") == Decimal("34.123457")
    assert rule.clean("", label="", field="") is None


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("2.5", "bad_number"),
        (True, "bad_number"),
        ("9" * 19, "bad_number"),
        (2**63, "out_of_range"),
    ],
)
def test_whole_numbers(raw, code):
    assert refused(values.Whole(0, 100), raw).code == code


def test_a_whole_number_may_arrive_as_text_or_as_a_whole_float():
    assert values.Whole(0, 100).clean(" 7 ", label="", field="") == 7
    assert values.Whole(0, 100).clean(7.0, label="", field="") == 7


def test_a_year_runs_to_this_year_and_the_database_to_2100():
    this_year = timezone.localdate().year
    rule = values.Year(1980)
    assert rule.clean(this_year, label="", field="") == this_year
    assert refused(rule, this_year + 1).code == "out_of_range"
    assert rule.conditions("year")["range"].children == [("year__gte", 1980), ("year__lte", 2100)]


def test_a_day_has_a_window():
    rule = values.Day(datetime.date(1980, 1, 1))
    assert rule.clean("2016-05-01", label="", field="") == datetime.date(2016, 5, 1)
    for raw in ["0001-01-01", "2099-01-01", timezone.localdate() + datetime.timedelta(days=1)]:
        assert refused(rule, raw).code == "out_of_range"
    assert refused(rule, "2016-13-01").code == "bad_date"
    ahead = values.Day(ahead=None)
    assert ahead.clean("2099-01-01", label="", field="") == datetime.date(2099, 1, 1)


@pytest.mark.parametrize(
    "raw",
    [
        datetime.datetime(1, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
        datetime.datetime(
            9999, 12, 31, 23, tzinfo=datetime.timezone(datetime.timedelta(hours=-12))
        ),
        "0001-01-01T00:00:00+08:00",
    ],
)
def test_a_moment_far_away_is_refused_before_any_time_zone_arithmetic(raw):
    rule = values.Moment(datetime.date(2014, 1, 1))
    assert refused(rule, raw).code == "out_of_range"


def test_a_moment_may_run_a_clock_s_slack_ahead():
    rule = values.Moment(datetime.date(2014, 1, 1), slack=datetime.timedelta(minutes=10))
    soon = timezone.now() + datetime.timedelta(minutes=5)
    assert rule.clean(soon, label="", field="") == soon
    later = timezone.now() + datetime.timedelta(hours=1)
    assert refused(rule, later).code == "future_time"


def test_phones_and_digits():
    assert values.Phone().clean("029-8888 6666", label="", field="") == "029-88886666"
    assert refused(values.Phone(), "call me").code == "bad_phone"
    assert values.Digits(32).clean("6217 0000-1234", label="", field="") == "621700001234"
    assert refused(values.Digits(32), "6217０000").code == "bad_digits"  # a full-width zero
    assert refused(values.Digits(32), "1" * 33).code == "too_long"


def test_a_choice_is_one_of_its_list():
    assert values.Choice(Toilet).clean("sanitary", label="", field="") == "sanitary"
    assert refused(values.Choice(Toilet), "golden").code == "bad_choice"


def test_clean_takes_the_label_from_the_model_and_refuses_an_empty_required_value():
    with pytest.raises(DomainError) as refusal:
        values.clean(Household, "number", "  ")
    assert refusal.value.code == "required" and refusal.value.field == "number"
    assert values.clean(Household, "housing_area", "") is None
    with pytest.raises(DomainError) as refusal:
        values.clean(Household, "housing_area", "1e15", field="household.housing_area")
    assert refusal.value.field == "household.housing_area"
    assert "住房面积" in str(refusal.value.message) or "housing area" in str(refusal.value.message)


def test_every_rule_names_a_field_of_its_model_and_fits_its_column():
    """A rule never allows what its column cannot hold: no stored value fails a later read."""
    from django.apps import apps

    ruled = [m for m in apps.get_models() if hasattr(m, "value_rules")]
    assert len(ruled) >= 15
    for model in ruled:
        for name, rule in model.value_rules.items():
            column = model._meta.get_field(name)
            if isinstance(rule, values.Text) and column.get_internal_type() == "CharField":
                assert rule.max_length <= column.max_length, (model, name)
            if isinstance(rule, values.Number):
                whole_digits = column.max_digits - column.decimal_places
                assert max(abs(rule.minimum), rule.maximum) < 10**whole_digits, (model, name)
                assert rule.places == column.decimal_places, (model, name)
            constraint_names = {c.name for c in model._meta.constraints}
            for suffix in rule.conditions(name):
                assert any(n.endswith(f"_{name}_{suffix}") for n in constraint_names), (model, name)


def test_every_text_column_people_write_has_a_rule():
    """Each CharField and TextField of a model that takes input is bounded by a rule (or is
    written only by the code itself: hashes, sealed values, codes of a list)."""
    from django.apps import apps

    written_by_code = {
        "id_number_hash",
        "id_number_sealed",
        "bank_account_sealed",
        "key_hash",
        "prefix",
        "phash",
        "photo_hash",  # a check-in photo's difference hash, as phash
        "address_hash",  # a self-report's client address, keyed-hashed for the flood rule
        "sent_digest",  # a digest of what a phone sent with its id (supervision)
        "password",
        "first_name",
        "last_name",
        "email",
        "image",
        "key",  # a policy's key, one of the registry's
        "kind",  # a code list's, one of core.codes.KINDS
        # A data issue is written by the services and migrations, never typed.
        "region_code",
        "other_region_code",
        "region_end",  # a disaster's place's code range's end, derived from its place
        "object_type",
        "object_id",
        "field",
    }
    unruled = [
        (model.__name__, column.name)
        for model in apps.get_models()
        if hasattr(model, "value_rules")
        for column in model._meta.concrete_fields
        if column.get_internal_type() in ("CharField", "TextField")
        and not column.choices
        and not column.primary_key
        and column.name not in written_by_code
        and column.name not in model.value_rules
    ]
    assert unruled == []
