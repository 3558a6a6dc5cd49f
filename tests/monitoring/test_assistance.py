"""Assistance (帮扶落实): a monitored household able to work has a developmental measure and
every monitored household a helper; those with no member able to work are tracked under
social security (兜底) and stay listed once their risk is cleared. One definition
(``selectors.lacks_assistance_q``, ``social_security_q``) serves the lists, the household page
and the risk code; each on a planted case and its near miss."""

import pytest

from bangfu.core.models import Code
from bangfu.monitoring import selectors
from bangfu.monitoring.selectors import AssistanceList
from bangfu.pairing.models import Pairing
from bangfu.registry.models import Household, Member
from bangfu.registry.services import StatusInput, household_status_change
from tests.test_downloads import cells

from .conftest import TODAY, D
from .test_risk_code import measure, monitored


def listed(user, which) -> list[str]:
    return [h.number for h in selectors.assistance_list(user, which, today=TODAY)]


def no_labour(household):
    Member.objects.filter(household=household).update(
        labour=Code.objects.get(kind="labour", value="4")  # 丧失劳动力
    )


@pytest.fixture
def planted(today, county_admin, households):
    """households[0]: monitored, able, an industry measure, paired — assisted.
    households[1]: monitored, able, only a health measure — lacks a developmental measure.
    households[2]: monitored, no member able to work, its pairing ended — lacks a helper,
    and is tracked under social security."""
    for household in households:
        monitored(county_admin, household)
    measure(county_admin, households[0], "1")
    measure(county_admin, households[1], "4")
    no_labour(households[2])
    Pairing.objects.filter(household=households[2]).update(ended_on=D(2026, 10, 1))
    return households


def test_the_lacking_list_names_what_is_missing(planted, county_admin):
    rows = {h.number: h for h in selectors.assistance_list(county_admin, "lacking", today=TODAY)}
    assert sorted(rows) == [planted[1].number, planted[2].number]
    assert (rows[planted[1].number].able, rows[planted[1].number].developmental) == (True, False)
    assert rows[planted[1].number].helped
    assert (rows[planted[2].number].able, rows[planted[2].number].helped) == (False, False)


def test_social_security_households_stay_listed_after_their_risk_is_cleared(planted, county_admin):
    assert listed(county_admin, "social_security") == [planted[2].number]
    household_status_change(
        actor=county_admin,
        household_id=planted[2].pk,
        change=StatusInput("risk_cleared", D(2026, 11, 1), "兜底保障落实，风险消除"),
    )
    assert listed(county_admin, "social_security") == [planted[2].number]
    # Cleared, it is no longer monitored: nothing is lacking any more.
    assert listed(county_admin, "lacking") == [planted[1].number]


def test_a_member_who_left_does_not_make_a_household_able_to_work(planted, county_admin):
    Member.objects.filter(household=planted[1]).update(left_on=D(2026, 5, 1))
    assert planted[1].number not in listed(county_admin, "lacking")
    assert planted[1].number in listed(county_admin, "social_security")


def test_a_household_not_monitored_is_on_neither_list(today, county_admin, households):
    no_labour(households[0])
    assert listed(county_admin, "lacking") == []
    assert listed(county_admin, "social_security") == []


def test_the_page_and_its_download(planted, signed_in, county_admin, other_county_admin):
    client = signed_in(county_admin)
    page = client.get("/monitoring/assistance/").content.decode()
    assert "马建国" in page and "李秀英" in page and "曾佳轩" not in page
    assert "兜底" in page
    page = client.get("/monitoring/assistance/?list=social_security").content.decode()
    assert "李秀英" in page and "马建国" not in page
    sheet = cells(client.get("/monitoring/places/611103002201/assistance/?format=xlsx"))
    assert planted[1].number in sheet and planted[0].number not in sheet
    assert client.get("/monitoring/assistance/?list=everyone").status_code == 400
    other = signed_in(other_county_admin)
    assert planted[1].number not in other.get("/monitoring/assistance/").content.decode()
    assert planted[1].number not in cells(other.get("/monitoring/assistance/?format=xlsx"))


def test_the_household_page_says_what_is_missing(planted, signed_in, county_admin):
    client = signed_in(county_admin)
    page = client.get(f"/households/{planted[1].pk}/").content.decode()
    assert "没有开发式帮扶措施" in page
    page = client.get(f"/households/{planted[2].pk}/").content.decode()
    assert "兜底保障跟踪" in page and "未结对帮扶责任人" in page
    page = client.get(f"/households/{planted[0].pk}/").content.decode()
    assert "有开发式帮扶措施" in page


def test_the_rule_as_a_condition_counts_in_one_query(planted, django_assert_num_queries):
    with django_assert_num_queries(2):  # the rules set anywhere, then the count
        n = Household.objects.filter(selectors.lacks_assistance_q(TODAY)).count()
    assert n == 2


def test_a_rule_set_on_a_township_holds_under_it_only(planted, county_admin):
    from tests.visits.conftest import set_rule

    # 马家寨村's township counts 健康帮扶 as developmental; the county does not.
    set_rule(county_admin, "monitoring.developmental_measure_kinds", "1、2、4", "611103002000")
    assert listed(county_admin, "lacking") == [planted[2].number]
    set_rule(county_admin, "monitoring.developmental_measure_kinds", "1", "611103002201")
    assert listed(county_admin, "lacking") == [planted[1].number, planted[2].number]
    assert AssistanceList("lacking").label


def test_the_place_page_counts_households_by_risk_code_for_each_place_under_it(
    planted, signed_in, county_admin, other_county_admin
):
    # In 马家寨村: households[0] yellow (assisted), [1] red (no developmental measure),
    # [2] yellow (no member able to work; its missing helper is a list's, not the code's).
    client = signed_in(county_admin)
    page = client.get("/places/611103002000/").content.decode()
    section = page.split('id="risk-by-place"')[1].split("</section>")[0]
    row = section.split("马家寨村")[1].split("</tr>")[0]
    assert 'region_code=611103002201&amp;risk=red">1<' in row
    assert 'region_code=611103002201&amp;risk=yellow">2<' in row
    assert 'region_code=611103002201&amp;risk=green">0<' in row
    listed = client.get("/households/?region_code=611103002201&risk=red").content.decode()
    assert "马建国" in listed and "曾佳轩" not in listed and "李秀英" not in listed
    assert client.get("/households/?risk=purple").status_code == 400
    api = client.get("/api/households?risk=yellow").json()
    assert sorted(h["number"] for h in api["items"]) == [planted[0].number, planted[2].number]
    other = signed_in(other_county_admin).get("/households/?risk=red").content.decode()
    assert "马建国" not in other
