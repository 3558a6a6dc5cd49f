import datetime

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from bangfu.accounts.models import User
from bangfu.checks.models import (
    Difference,
    DifferenceClass,
    DifferenceKind,
    DifferenceState,
    ProblemList,
    Snapshot,
)
from bangfu.checks.selectors.reports import reports_late_home, village_reports
from bangfu.core.audit import verify_chain
from bangfu.core.codes import KINDS, seed_codes
from bangfu.core.models import JobState, Region
from bangfu.core.params import add_months
from bangfu.demo.households import DistrictMaker
from bangfu.exchange.models import ImportJob, ImportKind
from bangfu.health.models import Activity, CheckUp, Condition, DoctorContract, FollowUp, MedicalCost
from bangfu.health.selectors import checkup_rate, overdue_follow_ups, uncontracted
from bangfu.monitoring.models import (
    Alert,
    AlertState,
    MemberEvent,
    Procedure,
    RuleRun,
    SelfReport,
    SelfReportState,
)
from bangfu.monitoring.selectors import (
    AlertFilters,
    AssistanceList,
    alerts,
    assistance_list,
    helper_alerts,
    with_risk_code,
)
from bangfu.monitoring.services import found_by_rules
from bangfu.pairing.models import Pairing
from bangfu.pairing.selectors import coverage, helpers_over_cap, my_households
from bangfu.plans.models import Acknowledgement, Effect, Measure, MeasureStatus
from bangfu.plans.selectors import overdue_measures
from bangfu.projects.models import BeneficiaryHousehold, Output, Project, Stage
from bangfu.registry.models import Household, Member
from bangfu.reports.selectors import Figures, Period, source_figures
from bangfu.teams.models import CheckIn, LeaveRequest, RegisterEntry, Team, TeamMember
from bangfu.teams.selectors.leave import waiting_for as leave_waiting_for


def families(seed):
    import datetime

    maker = DistrictMaker(seed, datetime.date(2026, 6, 30))
    return [[(p.name, p.born, p.relation) for p in maker.family()] for _ in range(20)]


@pytest.mark.one_database  # the maker alone, no database
def test_the_same_seed_makes_the_same_district():
    assert families(7) == families(7)
    assert families(7) != families(8)


@pytest.mark.one_database  # the maker alone, no database
@pytest.mark.parametrize("seed", range(1, 9))
def test_no_one_in_a_demo_district_is_born_after_its_day(seed):
    """Seeds 2 and 3 once made a baby born in December of a June day: its ID number, rightly
    refused, stopped the demo."""
    import datetime

    from bangfu.core import idnumbers

    day = datetime.date(2026, 6, 30)
    maker = DistrictMaker(seed, day)
    for _family in range(200):
        for person in maker.family():
            assert person.born <= day
            assert idnumbers.parse(maker.id_number(person)).birth_date == person.born


# The demo is what `make run` loads, on SQLite; PostgreSQL's side of the same writes and
# figures is each app's own tests and the roll-up properties in that half.
@pytest.mark.one_database
@pytest.mark.django_db(transaction=True)
def test_demo_data_loads_a_district_in_the_seed_proportions(capsys):
    call_command("flush", interactive=False)  # an empty installation, as after migrate…
    seed_codes(apps, None, list(KINDS))  # …whose migrations seeded the code lists
    call_command("demo_data", "--households", "74", "--seed", "3")
    assert Household.objects.count() == 74
    # Seed 000: 203 of 370 households are poor through illness or disability.
    assert Household.objects.filter(main_cause__value__in=["1", "2"]).count() == round(
        74 * 203 / 370
    )
    assert Member.objects.filter(is_head=True).count() == 74
    statuses = set(Household.objects.values_list("status", flat=True))
    assert {"out_with_policy", "monitored"} <= statuses
    # Every household that needs a helper has one, but for a few left for the coverage page.
    admin = User.objects.get(username="county_admin")
    figures = coverage(admin)
    assert 0 < figures.uncovered <= round(figures.needing * 0.05) + 1
    assert helpers_over_cap(admin) == []
    assert Pairing.objects.filter(unit__isnull=False).exists()  # 企业结对
    assert my_households(User.objects.get(username="helper_wang")).exists()
    assert verify_chain()[1] is None
    # A team in every village; 马家寨村's led by the work_team login; someone short of days.
    teams = Team.objects.all()
    assert teams.count() == Region.objects.filter(level=5).count() == 18
    leader = TeamMember.objects.get(user__username="work_team")
    assert (leader.region_id, leader.role.value) == ("611103002201", "1")
    assert CheckIn.objects.exists() and RegisterEntry.objects.exists()
    assert LeaveRequest.objects.filter(state="approved").exists()
    # The work_team login has a request waiting for it, as a team leader would.
    assert [leave.member.role.value for leave in leave_waiting_for(leader.user)] == ["2"]
    month = timezone.localdate().replace(day=1)
    county = Region.objects.get(code="611103000000")
    values = Figures(admin, county, Period(month, month)).values
    present = Member.objects.filter(left_on=None, household__closed_on=None)
    assert values["teams"] == 18 and values["first_secretaries"] == 18
    if timezone.localdate().day >= 3:  # the minimum spread over the days so far is > 0
        assert values["members_short"] >= 1
    assert values == source_figures(admin, county, Period(month, month))
    # plans: every household has a plan of several kinds, some done, some overdue, and last
    # year's effect; the helper added measures to their own households through the service.
    assert not Household.objects.exclude(measures__isnull=False).exists()
    assert Measure.objects.values("kind").distinct().count() >= 5
    assert Measure.objects.filter(status=MeasureStatus.DONE).exists()
    assert overdue_measures(admin).exists()
    assert Effect.objects.filter(year=timezone.localdate().year - 1).count() == 74
    assert Measure.objects.filter(recorded_by__username="helper_wang").exists()
    assert Acknowledgement.objects.filter(recorded_by__username="helper_wang").exists()
    # Health: most members under contract, renewals kept, some lapsed; this year's check-ups.
    assert DoctorContract.objects.values("member").distinct().count() > 0.85 * present.count()
    assert DoctorContract.objects.filter(signed_on__year=2026).exists()
    assert DoctorContract.objects.filter(signed_on__year=2025).count() > 0
    lapsed = uncontracted(admin, timezone.localdate()).count()
    assert 0 < lapsed < 0.3 * present.count()
    rate = checkup_rate(admin, county, timezone.localdate().year)
    assert rate.counted == present.count() and 75 <= rate.rate <= 97
    assert CheckUp.objects.filter(findings__value="1").exists()
    assert FollowUp.objects.count() > 2 * Condition.objects.count() > 0
    late = overdue_follow_ups(admin, timezone.localdate()).count()
    assert 0 < late < Condition.objects.count()
    # Last year's costs of each serious illness, and 医保's row of this year's (the rules').
    serious = Condition.objects.filter(kind="serious").count()
    assert MedicalCost.objects.count() == serious + 1 and serious > 0
    # Every household (issue 15's demo): a member under contract, a check-up in the past year,
    # a plan; the dashboard's health figures are those the health selectors count.
    open_households = Household.objects.filter(closed_on=None)
    year_ago = timezone.localdate() - datetime.timedelta(days=365)
    assert not open_households.exclude(members__doctor_contracts__isnull=False).exists()
    assert not open_households.exclude(members__checkups__held_on__gte=year_ago).exists()
    assert values["signing_rate"] > 0.7 and values["members_ill"] > 0
    assert values["households_with_plan"] == open_households.count()
    # Figures as reported: seed 000's health line, from the district's own records.
    client = Client()
    client.force_login(admin)
    reported = client.get("/reports/reported/?place=611103000000").content.decode()
    assert "签约家庭医生" in reported and "体检率为" in reported and "累计随访" in reported
    assert "义诊" in reported and "健康巴士" in reported and "一户一策" in reported
    kinds = set(Activity.objects.values_list("kind", flat=True))
    assert kinds == {"free_clinic", "health_bus", "clinic_day"} or timezone.localdate().month < 9
    # Monitoring: alerts in every state, one identification in progress, one decided…
    assert set(Alert.objects.values_list("state", flat=True)) == set(AlertState.values)
    assert alerts(admin, filters=AlertFilters(overdue=True)).exists()
    assert Procedure.objects.filter(state="running", next_step="township_review").count() == 1
    decided = Procedure.objects.get(
        state="passed", kind="identification", household__status="monitored"
    )
    assert decided.household.monitoring_type is not None
    # …one household cleared through its whole procedure, its history kept; an exit under way.
    cleared = Procedure.objects.get(kind="risk_clearing")
    assert (cleared.state, cleared.household.status) == ("passed", "risk_cleared")
    assert cleared.steps.count() == 4 and all(row["passed"] for row in cleared.checklist)
    assert list(cleared.household.history.values_list("status", flat=True))[-2:] == [
        "monitored",
        "risk_cleared",
    ]
    under_way = Procedure.objects.get(kind="exit")
    assert (under_way.state, under_way.next_step) == ("running", "village_review")
    assert Alert.objects.filter(state="open", helper__user__username="helper_wang").exists()
    # Departments' data and the rules: the nightly run raised alerts naming their rule and the
    # records that fired them, some on the helper's home, some verified; one started the
    # identification in progress. Nothing is left for the next night to find.
    [run] = RuleRun.objects.all()
    ruled = Alert.objects.filter(source="rule")
    assert run.trigger == "nightly" and run.alerts == ruled.count()
    assert {"medical_cost", "job_loss", "unsafe_housing", "disability"} <= set(
        ruled.values_list("rule_code", flat=True)
    )
    for alert in ruled:
        fired = list(alert.fired_records.order_by("pk").values_list("object_type", "object_id"))
        assert fired and [(r["type"], r["id"]) for r in alert.fired_by] == fired
    assert MemberEvent.objects.values("kind").distinct().count() == 5
    assert set(ruled.values_list("state", flat=True)) == set(AlertState.values)
    assert ruled.get(state="not_at_risk").close_reason
    assert ruled.get(state="identifying").procedure.next_step == "township_review"
    helper = User.objects.get(username="helper_wang")
    home = helper_alerts(helper)["alerts"]
    assert {"job_loss", "medical_cost"} <= {alert.rule_code for alert, _late in home}
    assert found_by_rules(on=timezone.localdate()) == {}
    # Self-reports, one in each state, the answered one an alert of the village's household.
    reports = SelfReport.objects.all()
    assert sorted(reports.values_list("state", flat=True)) == sorted(SelfReportState.values)
    answered = reports.get(state="alert_raised")
    assert answered.alert.source == "self_report"
    assert answered.alert.household.region.code.startswith(answered.region_id)
    # The rule of assistance: one monitored household able to work without a developmental
    # measure, red; the others have one; households without labour tracked under 兜底.
    lacking = [
        h
        for h in assistance_list(admin, AssistanceList.LACKING, None, timezone.localdate())
        if h.able and not h.developmental
    ]
    assert len(lacking) == 1
    red = with_risk_code(Household.objects.filter(pk=lacking[0].pk), timezone.localdate())
    assert red.get().risk_code == "red"
    tracked = assistance_list(admin, AssistanceList.SOCIAL_SECURITY, None, timezone.localdate())
    assert tracked.filter(status="monitored", measures__kind__value="8").exists()
    assert Procedure.objects.filter(kind="identification", state="running").count() == 1
    # The monthly check: last month's national export imported through the pipeline without
    # a problem and compared; the planted differences found; each state and classification.
    last_month = add_months(timezone.localdate().replace(day=1), -1)
    [job] = ImportJob.objects.filter(kind=ImportKind.NATIONAL)
    assert job.state == JobState.DONE and not job.problems.exists()
    [snapshot] = Snapshot.objects.all()
    assert (snapshot.month, snapshot.region_id) == (last_month, "611103000000")
    assert snapshot.compared_at is not None
    found = Difference.objects.filter(snapshot=snapshot)
    assert sorted(found.values_list("field", flat=True)) == sorted(
        ["name", "name", "relation", "main_cause", "per_capita_income", "address", "member",
         "member", "household"]
    )  # fmt: skip
    assert {DifferenceKind.ONLY_SYSTEM, DifferenceKind.ONLY_HANDBOOK} <= set(
        found.values_list("kind", flat=True)
    )
    differences = Difference.objects.all()
    assert set(differences.values_list("state", flat=True)) == set(DifferenceState.values)
    assert set(differences.values_list("classification", flat=True)) == set(DifferenceClass.values)
    fixed = differences.get(state=DifferenceState.FIXED)  # by the registry's edit
    assert (fixed.classification, fixed.field, fixed.closed_by_snapshot) == (
        "handbook",
        "name",
        None,
    )
    assert differences.get(state=DifferenceState.CLOSED).close_reason
    assert found.filter(state="open", classification="").count() >= 3
    [listed] = ProblemList.objects.all()
    assert listed.items.count() == 2 and listed.items.exclude(classification="").count() == 1
    # The township's villages' reports of last month: three on time, one late, one missing,
    # on its page and its home panel.
    township = User.objects.get(username="township_staff")
    reports = village_reports(township, Region.objects.get(code="611103002000"), last_month)
    assert reports.counts == {"on_time": 3, "late": 1, "missing": 1, "pending": 0}
    assert [row.village.name for row in reports.with_state("late")] == ["康西村"]
    assert reports_late_home(township)["months"][0] == {
        "month": last_month,
        "late": 1,
        "missing": 1,
    }
    # The project library: this year's projects of the eight kinds at every stage, one
    # cancelled with its reason; last year's accepted; the township's planned by it.
    year = timezone.localdate().year
    this_year = Project.objects.filter(year=year)
    assert this_year.values("kind").distinct().count() == 8
    assert set(this_year.values_list("stage", flat=True)) == set(Stage.values)
    assert this_year.get(stage=Stage.CANCELLED).steps.get(stage=Stage.CANCELLED).reason
    assert set(Project.objects.filter(year=year - 1).values_list("stage", flat=True)) == {
        Stage.ACCEPTED
    }
    assert BeneficiaryHousehold.objects.exists() and Output.objects.exists()
    assert Project.objects.filter(recorded_by=township).exists()
    output = capsys.readouterr().out
    assert "county_admin" in output and "bangfu-demo-2026" in output
    call_command("demo_data", "--if-empty")
    assert Household.objects.count() == 74
