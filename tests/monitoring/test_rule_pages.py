"""The early-warning rules page (each rule on or off at the viewer's place, its numbers in
force there, linked to the policies page) and the page of the last runs (what each raised in
the reader's places, by rule; a run started there by the county office), with their API."""

from django.urls import reverse

from bangfu.core.models import AuditEntry
from bangfu.monitoring.models import Alert, RuleRun
from bangfu.registry.services import household_update
from tests.registry.conftest import household_input
from tests.visits.conftest import set_rule

from .test_rules import income, run

COUNTY, DIAOTAI, MAJIAZHAI, SHIQIAO = "611103000000", "611103002000", "611103002201", "611103001201"


def _rules(response) -> dict:
    return {row.rule.code: row for row in response.context["rules"]}


def test_the_page_shows_each_rule_on_or_off_and_its_numbers_at_the_place(
    today, signed_in, county_admin
):
    set_rule(county_admin, "monitoring.income_line", "7000", code=DIAOTAI)
    set_rule(county_admin, "monitoring.rule_disaster", "否", code=DIAOTAI)
    client = signed_in(county_admin)
    village = client.get(reverse("monitoring:place_rules", args=[MAJIAZHAI]))
    assert village.status_code == 200
    rules = _rules(village)
    assert len(rules) == 8 and rules["income_low"].on and not rules["disaster"].on
    line = rules["income_low"].parameters[0]
    assert (line.spec.key, line.effective.value, line.source.code) == (
        "monitoring.income_line",
        7000,
        DIAOTAI,
    )
    body = village.content.decode()
    # Each value leads to the policies page of the place, the key chosen there.
    edit = reverse("core:place_rules", args=[MAJIAZHAI]) + "?key=monitoring.income_line"
    assert edit in body and "钓台街道" in body
    assert "医保" in body or "medical insurance" in body  # the sheet that feeds medical_cost
    # The county itself keeps the defaults; without a place, the viewer's own is shown.
    county = _rules(client.get(reverse("monitoring:rules")))
    assert county["disaster"].on and county["income_low"].parameters[0].effective.value == 6000
    # The policies page opens with the key chosen.
    form = client.get(edit).context["form"]
    assert form.initial["key"] == "monitoring.income_line"


def test_a_reader_without_policies_reads_the_values_without_links(today, signed_in, inspector):
    body = signed_in(inspector).get(reverse("monitoring:rules")).content.decode()
    assert "?key=monitoring.income_line" not in body and "6000" in body


def test_a_run_from_the_page_raises_the_alerts(today, signed_in, county_admin, households):
    income(county_admin, households[0], 2025, 5999)
    client = signed_in(county_admin)
    page = client.get(reverse("monitoring:rule_runs"))
    assert page.status_code == 200 and page.context["form"] is not None
    bad = client.post(reverse("monitoring:rule_run_start"), {"place": "610118000000"})
    assert bad.status_code == 400 and not RuleRun.objects.exists()
    done = client.post(reverse("monitoring:rule_run_start"), {"place": COUNTY})
    assert done.status_code == 302
    ran = RuleRun.objects.get()
    assert (ran.trigger, ran.place_id, ran.started_by, ran.alerts) == (
        "command",
        COUNTY,
        county_admin,
        1,
    )
    assert AuditEntry.objects.filter(action="monitoring.rules_run").count() == 1
    alert = Alert.objects.get(rule_code="income_low")
    assert alert.household == households[0]
    listed = client.get(reverse("monitoring:rule_runs"))
    ((shown, counts),) = listed.context["rows"]
    assert shown == ran and counts.by_rule == {"income_low": 1}
    by_run = client.get(reverse("monitoring:alerts"), {"run": ran.pk, "rule": "income_low"})
    assert [a.pk for a in by_run.context["page"]] == [alert.pk]
    assert not list(client.get(reverse("monitoring:alerts"), {"rule": "disaster"}).context["page"])


def test_others_may_not_start_a_run(today, signed_in, township_staff):
    client = signed_in(township_staff)
    assert client.get(reverse("monitoring:rule_runs")).context["form"] is None
    assert client.post(reverse("monitoring:rule_run_start"), {"place": COUNTY}).status_code == 403


def test_a_township_reads_only_its_places_counts(
    today, signed_in, county_admin, township_staff, other_county_admin, households
):
    household_update(
        actor=county_admin,
        household_id=households[1].pk,
        household=household_input(number=households[1].number, region_code=SHIQIAO),
    )
    income(county_admin, households[0], 2025, 5999)  # 马家寨村, 钓台街道
    income(county_admin, households[1], 2025, 5000)  # 石桥村, 马王街道 (township_staff's)
    nightly = run(trigger=RuleRun.Trigger.NIGHTLY)
    assert nightly.alerts == 2
    client = signed_in(township_staff)
    ((shown, counts),) = client.get(reverse("monitoring:rule_runs")).context["rows"]
    assert shown == nightly and (counts.alerts, counts.households) == (1, 1)
    listed = client.get("/api/monitoring/rule-runs").json()["items"]
    assert [(r["id"], r["alerts"], r["by_rule"]) for r in listed] == [
        (nightly.pk, 1, {"income_low": 1})
    ]
    alerts = client.get("/api/monitoring/alerts", {"run": nightly.pk}).json()["items"]
    assert [a["household_id"] for a in alerts] == [households[1].pk]
    # A run over county A is not another county's to know of; the nightly one is, empty.
    over_a = run(actor=county_admin, place=COUNTY)
    other = signed_in(other_county_admin).get("/api/monitoring/rule-runs").json()["items"]
    assert [(r["id"], r["alerts"]) for r in other] == [(nightly.pk, 0)]
    assert over_a.pk not in [r["id"] for r in other]


def test_the_api_lists_the_rules_at_a_place_on_a_day(today, signed_in, county_admin):
    set_rule(county_admin, "monitoring.rule_job_loss", "否", code=MAJIAZHAI)
    client = signed_in(county_admin)
    rules = client.get("/api/monitoring/rules", {"place": MAJIAZHAI}).json()["items"]
    job_loss = next(r for r in rules if r["code"] == "job_loss")
    assert job_loss["on"] is False and job_loss["switch"]["set_on"] == MAJIAZHAI
    assert job_loss["parameters"][0]["key"] == "monitoring.lookback_days"
    before = client.get("/api/monitoring/rules", {"place": MAJIAZHAI, "on": "2025-12-31"})
    assert next(r for r in before.json()["items"] if r["code"] == "job_loss")["on"] is True
    assert client.get("/api/monitoring/rules", {"on": "明天"}).status_code == 400
    assert client.get("/api/monitoring/rules", {"place": "610118000000"}).status_code == 404


def test_bad_filters_are_refused_not_500(today, signed_in, county_admin):
    client = signed_in(county_admin)
    for query in ({"rule": "nope"}, {"run": "abc"}, {"run": "-1"}):
        assert client.get(reverse("monitoring:alerts"), query).status_code == 400, query
        assert client.get("/api/monitoring/alerts", query).status_code == 400, query
    assert client.get(reverse("monitoring:rule_runs"), {"page": "x"}).status_code == 200
    assert client.get(reverse("monitoring:rules"), {"place": "x"}).status_code == 400
    assert client.get(reverse("core:place_rules", args=[COUNTY]), {"key": "x"}).status_code == 400
