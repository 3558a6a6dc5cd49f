"""The early-warning rules (预警规则): each fires on a planted case and not on its near miss
(at the threshold, one yuan short, a day outside the window…), names its records, goes to
the helper and the township with the deadline, and a second run raises nothing again."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from bangfu.core import audit
from bangfu.core.models import AuditEntry
from bangfu.health.services import CostInput, medical_cost_record
from bangfu.monitoring import services
from bangfu.monitoring.models import Alert, Disaster, EventKind, FiredRecord, MemberEvent, RuleRun
from bangfu.monitoring.services import ClosingInput
from bangfu.registry.services import IncomeInput, income_record, member_add
from tests.registry.conftest import id_number, member_input
from tests.visits.conftest import set_rule

from .conftest import TODAY, D

VILLAGE, TOWNSHIP = "611103002201", "611103002000"


def run(on=TODAY, **options):
    return services.rules_run(on=on, **options)


def fired(code):
    return sorted(Alert.objects.filter(rule_code=code).values_list("household__number", flat=True))


def income(actor, household, year, wages, size_note=None):
    return income_record(
        actor=actor,
        household_id=household.pk,
        income=IncomeInput(
            year=year,
            wages=Decimal(wages),
            business=Decimal(0),
            transfers=Decimal(0),
            property_income=Decimal(0),
            costs=Decimal(0),
        ),
    )


def event(member, kind, day, grade=""):
    return MemberEvent.objects.create(
        member=member,
        household_id=member.household_id,
        region_id=member.household.region_id,
        kind=kind,
        day=day,
        grade=grade,
        recorded_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
    )


def head(household):
    return household.members.get(is_head=True)


def test_income_below_the_line_fires_and_at_the_line_does_not(today, county_admin, households):
    # One member each: per-capita income is the household's.
    income(county_admin, households[0], 2025, 5999)
    income(county_admin, households[1], 2025, 6000)  # at the line: not below it
    income(county_admin, households[2], 2024, 1000)
    income(county_admin, households[2], 2025, 9000)  # its latest year is above
    result = run()
    assert fired("income_low") == [households[0].number]
    alert = Alert.objects.get(rule_code="income_low")
    assert (alert.source, alert.helper.name, alert.township_id) == ("rule", "王哲铭", TOWNSHIP)
    assert alert.due_on == TODAY + datetime.timedelta(days=7)  # monitoring.verify_days
    assert alert.fired_by[0]["type"] == "registry.annualincome"
    assert "5999.00" in alert.summary
    assert result.by_rule["income_low"] == 1
    assert AuditEntry.objects.filter(action="alert.raise").count() == result.alerts
    # Raised as plain rows, audited with the record as a page's raise would snapshot it.
    entry = AuditEntry.objects.get(action="alert.raise")
    assert entry.object_id == str(alert.pk) and entry.region_code == alert.region_id
    assert entry.after == audit.snapshot(alert)
    assert audit.verify_chain()[1] is None


def test_the_line_is_the_places_policy(today, county_admin, households):
    income(county_admin, households[0], 2025, 6500)
    assert fired("income_low") == [] and not run().alerts
    set_rule(county_admin, "monitoring.income_line", "7000")
    run()
    assert fired("income_low") == [households[0].number]


def test_a_fall_by_more_than_the_share_fires(today, county_admin, households):
    for household, now in zip(households, (6999, 7000, 7001), strict=True):
        income(county_admin, household, 2024, 10000)
        income(county_admin, household, 2025, now)
    run()
    # 30 % of 10,000: down to 6,999 fell by more; to 7,000 by exactly the share.
    assert fired("income_drop") == [households[0].number]
    assert len(Alert.objects.get(rule_code="income_drop").fired_by) == 2


def test_medical_costs_above_the_amount_or_the_share_of_income(today, county_admin, households):
    def cost(household, total, reimbursed, year=2026):
        medical_cost_record(
            actor=county_admin,
            member_id=head(household).pk,
            cost=CostInput(year=year, total=Decimal(total), reimbursed=Decimal(reimbursed)),
        )

    cost(households[0], 30001, 20000)  # paid 10,001: above 10,000
    cost(households[1], 30000, 20000)  # paid 10,000: at the amount
    cost(households[2], 9000, 4000)  # paid 5,000, income 10,000: half, not above it
    income(county_admin, households[2], 2026, 10000)
    run()
    assert fired("medical_cost") == [households[0].number]
    cost(households[2], 20, 19, year=2025)  # another year: its own sum
    set_rule(county_admin, "monitoring.medical_cost_share", "49")
    run()
    assert fired("medical_cost") == sorted([households[0].number, households[2].number])


def test_member_events_fire_within_the_lookback(today, county_admin, households):
    a, b, c = (head(h) for h in households)
    event(a, EventKind.DISABILITY, TODAY - datetime.timedelta(days=89))
    event(b, EventKind.DISABILITY, TODAY - datetime.timedelta(days=90))  # a day outside
    event(c, EventKind.DISABILITY, TODAY + datetime.timedelta(days=1))  # not yet
    event(a, EventKind.UNSAFE_HOUSING, D(2026, 11, 1), grade="D")
    event(b, EventKind.UNSAFE_HOUSING, D(2026, 11, 1), grade="B")  # not unsafe
    run()
    assert fired("disability") == [households[0].number]
    assert fired("unsafe_housing") == [households[0].number]
    alert = Alert.objects.get(rule_code="disability")
    assert alert.member_id == a.pk
    assert alert.fired_by == [
        {
            "type": "monitoring.memberevent",
            "id": MemberEvent.objects.get(member=a, kind="disability").pk,
        }
    ]


def test_a_child_of_school_age_out_of_school(today, county_admin, households):
    child = member_add(
        actor=county_admin,
        household_id=households[0].pk,
        member=member_input(name="曾小明", id_number=id_number("20140101", "031"), relation="03"),
    )
    older = member_add(
        actor=county_admin,
        household_id=households[1].pk,
        member=member_input(name="马大力", id_number=id_number("20101129", "041"), relation="03"),
    )  # 16 on the day of the run: past compulsory schooling
    event(child, EventKind.OUT_OF_SCHOOL, D(2026, 10, 8))
    event(older, EventKind.OUT_OF_SCHOOL, D(2026, 10, 8))
    run()
    assert fired("out_of_school") == [households[0].number]


def test_a_job_lost_by_a_member_able_to_work(today, county_admin, households):
    earner = member_add(
        actor=county_admin,
        household_id=households[0].pk,
        member=member_input(
            name="曾大壮", id_number=id_number("19900101", "051"), labour="1", relation="03"
        ),
    )
    event(earner, EventKind.JOB_LOSS, D(2026, 11, 20))
    event(head(households[1]), EventKind.JOB_LOSS, D(2026, 11, 20))  # weak labour (3)
    run()
    assert fired("job_loss") == [households[0].number]


def disaster(code, day, end=None):
    from bangfu.core.regions import code_range

    return Disaster.objects.create(
        region_id=code,
        region_end=code_range(code, 5 if code == VILLAGE else 4)[1],
        kind="flood",
        day=day,
        severity=2,
        recorded_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
    )


def test_a_disaster_in_the_village_or_township(today, county_admin, households):
    disaster(TOWNSHIP, TODAY - datetime.timedelta(days=30))  # a day outside 30 days
    run()
    assert fired("disaster") == []
    disaster(VILLAGE, TODAY - datetime.timedelta(days=29))
    run()
    assert fired("disaster") == sorted(h.number for h in households)


def test_a_rule_switched_off_fires_nowhere(today, county_admin, households):
    event(head(households[0]), EventKind.DISABILITY, D(2026, 11, 1))
    set_rule(county_admin, "monitoring.rule_disability", "否")
    run()
    assert fired("disability") == []


def test_a_second_run_raises_nothing_again(today, county_admin, households):
    a = head(households[0])
    event(a, EventKind.DISABILITY, D(2026, 11, 1))
    assert run().alerts == 1
    assert run().alerts == 0  # the alert is open
    alert = Alert.objects.get()
    services.alert_close(
        actor=county_admin,
        alert_id=alert.pk,
        closing=ClosingInput(outcome="not_at_risk", closed_on=TODAY, reason="轻度，不影响务工"),
    )
    assert run().alerts == 0  # the certificate fired already
    event(a, EventKind.DISABILITY, D(2026, 11, 20))  # a new certificate
    assert run().alerts == 1
    assert FiredRecord.objects.count() == 2


def test_a_run_over_a_place_or_named_households(today, county_admin, households):
    for household in households:
        event(head(household), EventKind.DISABILITY, D(2026, 11, 1))
    assert run(households=[households[0].pk]).alerts == 1
    assert run(place="611103000000", actor=county_admin).alerts == 2
    assert RuleRun.objects.count() == 2


def test_the_command_runs_the_rules(today, county_admin, households):
    event(head(households[0]), EventKind.DISABILITY, D(2026, 11, 1))
    call_command("run_alert_rules")
    assert fired("disability") == [households[0].number]
    assert RuleRun.objects.get().trigger == "nightly"


@pytest.mark.parametrize("place", ["611103000000", None])
def test_the_task_runs_the_rules(today, county_admin, households, place):
    from bangfu.monitoring.tasks import run_alert_rules

    event(head(households[0]), EventKind.DISABILITY, D(2026, 11, 1))
    assert run_alert_rules.enqueue(place).return_value == 1


def test_the_run_gives_back_the_connections_settings(today, county_admin, households):
    """The run sets SQLite's page cache for itself only: a worker's connection lives on."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's settings")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        run()
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == before
