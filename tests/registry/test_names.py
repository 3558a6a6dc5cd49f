"""A household named as the people who visit it know it: 曾佳轩家 · 马王村三组."""

from django.utils import translation

from bangfu.registry.selectors import HouseholdName, household_names
from bangfu.registry.services import household_register
from tests.factories import RegionFactory

from .conftest import first_status, household_input, id_number, member_input


def register(actor, number, region_code, serial, head):
    return household_register(
        actor=actor,
        household=household_input(number=number, region_code=region_code),
        members=[member_input(name=head, id_number=id_number("19700101", serial))],
        status=first_status(),
    )


def test_the_head_and_the_village_and_group_name_a_household(
    county_admin, django_assert_num_queries
):
    # A group registered by its short name takes its village's; one named in full does not
    # say the village twice; a household of a village is named by the village.
    RegionFactory(code="611103001202003", name="三组", level=6, parent_id="611103001202")
    in_group = register(county_admin, "6111030012020031", "611103001202003", "001", "曾佳轩")
    in_full = register(county_admin, "6111030022010011", "611103002201001", "003", "马建国")
    in_village = register(county_admin, "6111030022020001", "611103002202", "005", "李秀英")
    with django_assert_num_queries(1):
        names = household_names([in_group, in_full, in_village])
    assert names == {
        in_group.pk: HouseholdName("6111030012020031", "曾佳轩", "马王村三组"),
        in_full.pk: HouseholdName("6111030022010011", "马建国", "马家寨村一组"),
        in_village.pk: HouseholdName("6111030022020001", "李秀英", "康西村"),
    }
    with translation.override("zh-hans"):
        assert names[in_group.pk].label == "曾佳轩家 · 马王村三组"
    with translation.override("en"):
        assert names[in_group.pk].label == "曾佳轩's household · 马王村三组"
    # No head on record: the number names it.
    assert HouseholdName("6111030022020001", "", "康西村").label == "6111030022020001 · 康西村"
    assert household_names([]) == {}
