"""Risk clearing and exit on the pages and the API: started from the household page by those
who may, the checklist with each item's result and evidence before starting and on the
procedure, the refusal naming the failing item; income checks recorded from their page."""

from django.urls import reverse

from bangfu.monitoring import engine
from bangfu.monitoring.models import IncomeCheck, Procedure

from .clearing import D, income, make_monitored


def _monitored(county_admin, household):
    household = make_monitored(county_admin, household)
    income(county_admin, household, D(2026, 3, 1), 8000)
    income(county_admin, household, D(2026, 9, 1), 8200)
    return household


def test_the_household_page_offers_what_its_reader_may_start(
    today, signed_in, county_admin, helper_wang, village_team, inspector, households
):
    monitored = _monitored(county_admin, households[0])
    clearing = reverse("monitoring:start_clearing", args=[monitored.pk])
    exit_page = reverse("monitoring:start_exit", args=[households[1].pk])

    def page(user, household):
        url = reverse("registry:household_detail", args=[household.pk])
        return signed_in(user).get(url).content.decode()

    assert clearing in page(helper_wang, monitored)
    assert exit_page not in page(helper_wang, households[1])  # the village proposes exits
    assert exit_page in page(village_team, households[1])
    assert clearing not in page(inspector, monitored)
    assert reverse("monitoring:start_exit", args=[monitored.pk]) not in page(
        county_admin, monitored
    )


def test_the_start_page_shows_the_checklist_and_starts(
    today, signed_in, county_admin, helper_wang, households
):
    monitored = _monitored(county_admin, households[0])
    client = signed_in(helper_wang)
    url = reverse("monitoring:start_clearing", args=[monitored.pk])
    body = client.get(url).content.decode()
    for item in engine.RISK_CLEARING.checklist:
        assert str(item.label) in body
    assert "2026-03-01" in body  # the stable income's evidence
    started = client.post(url, {"started_on": "2026-11-30"})
    procedure = Procedure.objects.get(kind="risk_clearing")
    assert started["Location"] == reverse("monitoring:procedure", args=[procedure.pk])
    shown = client.get(started["Location"]).content.decode()
    assert str(engine.LABOUR.label) in shown and 'name="per_capita"' in shown


def test_a_start_refused_names_the_item(today, signed_in, county_admin, households):
    monitored = make_monitored(county_admin, households[0])  # no income check
    client = signed_in(county_admin)
    url = reverse("monitoring:start_clearing", args=[monitored.pk])
    refused = client.post(url, {"started_on": "2026-11-30"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert str(engine.INCOME_STABLE.label) in body
    assert not Procedure.objects.exists()


def test_income_checks_are_recorded_from_their_page(
    today, signed_in, helper_wang, inspector, households
):
    url = reverse("monitoring:income_checks", args=[households[0].pk])
    client = signed_in(helper_wang)
    assert 'name="per_capita"' in client.get(url).content.decode()
    assert client.post(url, {"assessed_on": "2026-11-30", "per_capita": ""}).status_code == 400
    done = client.post(
        url, {"assessed_on": "2026-11-30", "per_capita": "7300", "food_and_clothing": "true"}
    )
    assert done.status_code == 302
    check = IncomeCheck.objects.get()
    assert (check.per_capita, check.food_and_clothing) == (7300, True)
    reader = signed_in(inspector)
    assert 'name="per_capita"' not in reader.get(url).content.decode()
    assert reader.post(url, {"assessed_on": "2026-11-30", "per_capita": "1"}).status_code == 403


def test_api_reads_the_checklist_starts_and_is_refused_with_the_item(
    today, signed_in, county_admin, households
):
    client = signed_in(county_admin)
    poor = households[1]
    before = client.get(f"/api/households/{poor.pk}/checklist", {"kind": "exit"}).json()
    assert [row["item"] for row in before] == [i.key for i in engine.EXIT.checklist]
    assert not before[0]["passed"]
    refused = client.post(
        f"/api/households/{poor.pk}/procedures",
        {"kind": "exit", "started_on": "2026-11-30"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "checklist_failed"
    assert str(engine.EXIT_INCOME.label) in refused.json()["message"]
    recorded = client.post(
        f"/api/households/{poor.pk}/income-checks",
        {"per_capita": "4700", "assessed_on": "2026-11-20", "food_and_clothing": True},
        content_type="application/json",
    )
    assert recorded.status_code == 201
    started = client.post(
        f"/api/households/{poor.pk}/procedures",
        {"kind": "exit", "started_on": "2026-11-30"},
        content_type="application/json",
    )
    assert started.status_code == 201
    answer = started.json()
    assert (answer["kind"], answer["next_step"], answer["checked_on"]) == (
        "exit",
        "home_check",
        "2026-11-30",
    )
    assert all(row["passed"] for row in answer["checklist"])
