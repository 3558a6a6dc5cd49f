import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn.ric import calc_check_digit

from bangfu.core.errors import DomainError
from bangfu.core.idnumbers import PROVINCE_PREFIXES, mask, normalise, parse

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")


@st.composite
def valid_ids(draw):
    province = draw(st.sampled_from(sorted(PROVINCE_PREFIXES)))
    county = draw(st.integers(0, 9999))
    born = draw(st.dates(datetime.date(1900, 1, 1), datetime.date(2025, 12, 31)))
    serial = draw(st.integers(0, 999))
    body = f"{province}{county:04d}{born:%Y%m%d}{serial:03d}"
    return body + calc_check_digit(body + "?"), born, serial


@given(valid_ids())
def test_a_valid_number_gives_its_birth_date_and_sex(case):
    value, born, serial = case
    person = parse(value)
    assert person.value == value
    assert person.birth_date == born
    assert person.sex == ("1" if serial % 2 else "2")


@given(valid_ids(), st.sampled_from(["full-width", "lower", "spaces"]))
def test_the_ways_people_type_a_number_are_the_same_number(case, style):
    value = case[0]
    typed = {
        "full-width": value.translate(FULL_WIDTH),
        "lower": value.lower(),
        "spaces": f" {value[:6]} {value[6:14]} {value[14:]}\t",
    }[style]
    assert normalise(typed) == value
    assert parse(typed).value == value


@given(valid_ids(), st.integers(0, 16), st.integers(1, 9))
def test_any_one_mistyped_digit_is_refused(case, position, shift):
    value = case[0]
    wrong = value[:position] + str((int(value[position]) + shift) % 10) + value[position + 1 :]
    with pytest.raises(DomainError):
        parse(wrong)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "18"),
        ("61110319650312001", "18"),
        ("6111031965031200AX", "X"),
        ("991103196503120011", "province"),
        ("611103196502300019", "date"),
    ],
)
def test_each_refusal_says_why(typed, reason):
    from django.utils import translation

    with translation.override("en"), pytest.raises(DomainError) as refusal:
        parse(typed)
    assert reason in str(refusal.value.message)
    assert refusal.value.field == "id_number"


def test_a_birth_date_in_the_future_is_refused():
    body = f"611103{datetime.date.today().year + 1}0101001"
    with pytest.raises(DomainError):
        parse(body + calc_check_digit(body + "?"))


def test_masking_keeps_head_and_tail():
    assert mask("61110319650312001X", 4, 2) == "6111************1X"
    assert mask("61110319650312001X", 0, 0) == "*" * 18
