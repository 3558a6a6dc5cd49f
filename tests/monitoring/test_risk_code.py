"""The household at a glance (三色码): red when an alert or a procedure is past its deadline,
yellow when one is open or the household is monitored, green otherwise; each on a planted
case and its near miss, computed for a page in a constant number of queries, and shown only
within the reader's places."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bangfu.core.models import Code
from bangfu.monitoring import selectors
from bangfu.monitoring.selectors import RiskCode
from bangfu.plans.services import MeasureInput, measure_add, measure_update
from bangfu.registry.models import Household, Member
from bangfu.registry.services import StatusInput, household_status_change
from tests.registry.test_pages import _registered
from tests.visits.conftest import set_rule

from .conftest import TODAY, D, raise_alert, start_identification
from .test_alerts import close


def code_of(household) -> RiskCode:
    rows = selectors.with_risk_code(Household.objects.filter(pk=household.pk), TODAY)
    return RiskCode(rows.get().risk_code)


def monitored(actor, household, status="monitored"):
    household_status_change(
        actor=actor,
        household_id=household.pk,
        change=StatusInput(
            status, D(2026, 6, 1), "因病收入下降", monitoring_type="1", risk_types=["1"]
        ),
    )


def test_an_alert_overdue_for_verification_is_red_one_due_today_yellow(
    today, county_admin, households
):
    raise_alert(county_admin, households[0], raised_on=D(2026, 11, 22))  # due 11-29
    raise_alert(county_admin, households[1], raised_on=D(2026, 11, 23))  # due 11-30
    assert code_of(households[0]) == RiskCode.RED
    assert code_of(households[1]) == RiskCode.YELLOW


def test_a_late_procedure_is_red_one_within_its_days_yellow(today, county_admin, households):
    start_identification(county_admin, households[0], on=D(2026, 11, 10))  # due 11-25
    start_identification(county_admin, households[1], on=D(2026, 11, 20))  # due 12-05
    assert code_of(households[0]) == RiskCode.RED
    assert code_of(households[1]) == RiskCode.YELLOW


def test_a_monitored_household_is_yellow_one_whose_risk_is_cleared_green(
    today, county_admin, households
):
    # Its member is able to work (弱劳动力或半劳动力): with an industry measure, not red.
    measure(county_admin, households[0], "1")
    monitored(county_admin, households[0])
    monitored(county_admin, households[1])
    household_status_change(
        actor=county_admin,
        household_id=households[1].pk,
        change=StatusInput("risk_cleared", D(2026, 11, 1), "收入稳定超过监测线"),
    )
    assert code_of(households[0]) == RiskCode.YELLOW
    assert code_of(households[1]) == RiskCode.GREEN


def measure(actor, household, kind, status="planned"):
    return measure_add(
        actor=actor,
        household_id=household.pk,
        measure=MeasureInput(
            kind=kind,
            content="发展养殖",
            starts_on=D(2026, 6, 1),
            due_on=D(2026, 12, 31),
            responsible_name="农业站",
            status=status,
        ),
    )


def test_a_monitored_household_able_to_work_without_a_developmental_measure_is_red(
    today, county_admin, households
):
    for household in households:
        monitored(county_admin, household)
    measure(county_admin, households[0], "2")  # 就业帮扶: developmental
    measure(county_admin, households[1], "4")  # 健康帮扶: not developmental
    dropped = measure(county_admin, households[2], "1")  # 产业帮扶, then given up
    measure_update(
        actor=county_admin,
        measure_id=dropped.pk,
        measure=MeasureInput(
            kind="1",
            content="发展养殖",
            starts_on=D(2026, 6, 1),
            due_on=D(2026, 12, 31),
            responsible_name="农业站",
            status="dropped",
        ),
    )
    assert code_of(households[0]) == RiskCode.YELLOW
    assert code_of(households[1]) == RiskCode.RED
    assert code_of(households[2]) == RiskCode.RED


def test_a_household_with_no_member_able_to_work_needs_no_developmental_measure(
    today, county_admin, households
):
    Member.objects.filter(household=households[0]).update(
        labour=Code.objects.get(kind="labour", value="5")  # 无劳动力
    )
    monitored(county_admin, households[0])
    assert code_of(households[0]) == RiskCode.YELLOW


def test_the_county_may_count_public_welfare_posts_as_developmental(
    today, county_admin, households
):
    monitored(county_admin, households[0])
    measure(county_admin, households[0], "9")  # 生态公益岗位
    assert code_of(households[0]) == RiskCode.RED
    set_rule(county_admin, "monitoring.developmental_measure_kinds", "1、2、9")
    assert code_of(households[0]) == RiskCode.YELLOW


def test_nothing_open_is_green_even_after_an_overdue_alert_was_closed(
    today, county_admin, households
):
    alert = raise_alert(county_admin, households[0], raised_on=D(2026, 9, 24))
    close(county_admin, alert, "not_at_risk", reason="务工收入稳定")
    assert code_of(households[0]) == RiskCode.GREEN
    assert code_of(households[1]) == RiskCode.GREEN


def test_the_household_page_shows_the_word_and_the_rule(today, signed_in, county_admin, households):
    raise_alert(county_admin, households[0], raised_on=D(2026, 9, 24))
    page = signed_in(county_admin).get(f"/households/{households[0].pk}/").content.decode()
    assert 'class="risk-code risk-red"' in page and ">红<" in page
    assert "三色码" in page
    assert "红：" in page  # the definition under the code
    assert "style=" not in page


def test_the_list_shows_each_households_code_in_a_constant_number_of_queries(
    today, signed_in, county_admin
):
    client = signed_in(county_admin)
    _registered(county_admin, 1)
    with CaptureQueriesContext(connection) as one:
        client.get("/households/")
    _registered(county_admin, 7, first=1)
    first = Household.objects.order_by("pk").first()
    raise_alert(county_admin, first, raised_on=D(2026, 9, 24))
    with CaptureQueriesContext(connection) as eight:
        page = client.get("/households/").content.decode()
    assert len(eight.captured_queries) == len(one.captured_queries)
    assert "三色码" in page.split("</thead>")[0]
    assert page.count('class="risk-code risk-red"') == 1
    assert page.count('class="risk-code risk-green"') == 7


def test_the_code_reads_nothing_outside_the_readers_places(
    today, signed_in, county_admin, other_county_admin, households
):
    raise_alert(county_admin, households[0], raised_on=D(2026, 9, 24))
    page = signed_in(other_county_admin).get("/households/").content.decode()
    assert "risk-red" not in page and "曾佳轩" not in page
    assert signed_in(other_county_admin).get(f"/households/{households[0].pk}/").status_code == 404


@pytest.mark.parametrize("code", list(RiskCode))
def test_each_code_has_a_word_besides_its_colour(code):
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(code.label) in {"红", "黄", "绿"}


def test_the_helpers_list_of_households_shows_each_code(today, signed_in, helper_wang, households):
    raise_alert(helper_wang, households[0], raised_on=D(2026, 9, 24))
    page = signed_in(helper_wang).get("/visits/mine/").content.decode()
    line = page.split(f'data-household="{households[0].pk}"')[1].split("</li>")[0]
    assert 'class="risk-code risk-red"' in line and ">红<" in line
    assert page.count('class="risk-code risk-green"') == 2
