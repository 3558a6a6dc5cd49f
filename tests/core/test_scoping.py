import pytest
from django.http import Http404
from hypothesis import given
from hypothesis import strategies as st

from bangfu.core.errors import DomainError
from bangfu.core.models import Region
from bangfu.core.regions import ancestor_codes, code_range, infer_level, validate_code
from bangfu.core.scoping import covers, get_visible_or_404, merge_ranges, user_ranges
from tests.factories import UserFactory


def test_a_place_covers_its_own_code_range():
    assert code_range("611103001000", 4) == ("611103001000", "611103002000")
    assert code_range("610000000000", 1) == ("610000000000", "620000000000")
    # A village's groups carry 15 digits and still fall inside the village's range.
    lo, hi = code_range("611103002201", 5)
    assert lo <= "611103002201001" < hi
    assert not lo <= "611103002202001" < hi


def test_ancestor_codes_come_from_the_digits():
    assert ancestor_codes("611103002201001") == [
        "610000000000",
        "611100000000",
        "611103000000",
        "611103002000",
        "611103002201",
        "611103002201001",
    ]
    assert ancestor_codes("611103000000") == ["610000000000", "611100000000", "611103000000"]


def test_levels_are_read_from_codes():
    assert infer_level("610000000000") == 1
    assert infer_level("611103000000") == 3
    assert infer_level("611103002201") == 5
    assert infer_level("611103002201001") == 6
    assert infer_level("6111") is None


@pytest.mark.parametrize(
    ("code", "level", "parent", "parent_level"),
    [
        ("611103000000", 4, "611103000000", 3),  # a township code with no township digits
        ("611103001001", 4, None, None),  # village digits on a township
        ("61110300100", 4, None, None),  # eleven digits
        ("61110300100X", 4, None, None),
        ("612103001000", 4, "611103000000", 3),  # not under its parent
        ("611103001000", 4, "611103001201", 5),  # a parent below it
    ],
)
def test_malformed_codes_are_refused(code, level, parent, parent_level):
    with pytest.raises(DomainError):
        validate_code(code, level, parent, parent_level)


def test_merge_drops_ranges_inside_others():
    county = code_range("611103000000", 3)
    township = code_range("611103001000", 4)
    other = code_range("610118000000", 3)
    assert merge_ranges([township, county, other]) == sorted([county, other])


def visible_codes(user):
    return set(Region.objects.visible_to(user).values_list("code", flat=True))


def test_a_county_admin_sees_exactly_the_county(county_admin):
    codes = visible_codes(county_admin)
    assert "611103000000" in codes and "611103002201001" in codes
    assert all(code.startswith("611103") for code in codes)
    assert "611100000000" not in codes  # the city above is not theirs


def test_a_township_user_sees_only_the_township(township_staff):
    assert visible_codes(township_staff) == {"611103001000", "611103001201", "611103001202"}


def test_deny_by_default(world):
    nobody = UserFactory(username="no_place")
    assert visible_codes(nobody) == set()
    assert user_ranges(nobody) == []


def test_a_closed_account_sees_nothing(county_admin):
    county_admin.is_active = False
    assert visible_codes(county_admin) == set()


def test_out_of_scope_and_missing_look_the_same(other_county_admin):
    with pytest.raises(Http404) as out_of_scope:
        get_visible_or_404(Region.objects.all(), other_county_admin, code="611103000000")
    with pytest.raises(Http404) as missing:
        get_visible_or_404(Region.objects.all(), other_county_admin, code="619999000000")
    assert type(out_of_scope.value) is type(missing.value)


digits = st.text(alphabet="0123456789", min_size=12, max_size=12)


@given(code=digits)
def test_covers_means_the_code_starts_with_the_place_digits(code):
    class Holder:
        is_authenticated = is_active = True

        def held_places(self):
            return [("611103001000", 4)]

    assert covers(Holder(), code) == code.startswith("611103001")
