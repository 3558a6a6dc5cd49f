"""Risk clearing (风险消除) and exit verification (脱贫退出): each refused while an item of its
checklist fails, naming the item and its evidence — at the start and again at the county's
decision —; the six months of stable income at their boundaries; a clearing that passes makes
the household RISK_CLEARED with its records kept."""

from decimal import Decimal

import pytest

from bangfu.core.calendar import deadline
from bangfu.core.errors import DomainError, NotPermitted
from bangfu.core.models import Code
from bangfu.health.services import CostInput, medical_cost_record
from bangfu.monitoring import engine
from bangfu.monitoring.models import Alert, IncomeCheck, Procedure, ProcedureState, Step
from bangfu.registry.models import Household, HouseholdStatus, Member
from bangfu.registry.services import member_add
from tests.registry.conftest import id_number, member_input

from .clearing import D, income, make_monitored, run_chain, start
from .conftest import raise_alert

CLEARING_ITEMS = [item.key for item in engine.RISK_CLEARING.checklist]
EXIT_ITEMS = [item.key for item in engine.EXIT.checklist]


@pytest.fixture
def monitored(today, county_admin, households):
    """A monitored household whose every clearing item passes on 2026-11-30: income checks
    above the line from 2026-03-01 to 2026-09-01, nothing else amiss."""
    household = make_monitored(county_admin, households[0])
    income(county_admin, household, D(2026, 3, 1), 8000)
    income(county_admin, household, D(2026, 9, 1), 8200)
    return household


@pytest.fixture
def poor(today, county_admin, households):
    """A registered household not yet out of poverty whose every exit item passes."""
    household = households[1]
    income(county_admin, household, D(2026, 11, 2), 4600, food=True)
    return household


def _child(actor, household, schooling):
    return member_add(
        actor=actor,
        household_id=household.pk,
        member=member_input(
            name="马小明",
            id_number=id_number("20150601", "215"),
            relation="03",
            health="1",
            labour="5",
            schooling=schooling,
        ),
    )


def _break(item, actor, household):
    """Make one item fail, nothing else."""
    head = household.members.get(is_head=True)
    match item:
        case "income_stable":
            income(actor, household, D(2026, 10, 1), 5800)
        case "exit_income":
            income(actor, household, D(2026, 11, 3), 3900, food=True)
        case "food_and_clothing":
            income(actor, household, D(2026, 11, 3), 4600, food=False)
        case "medical_costs":
            medical_cost_record(
                actor=actor,
                member_id=head.pk,
                cost=CostInput(year=2025, total=Decimal(30000), reimbursed=Decimal(18000)),
            )
        case "no_open_alert":
            raise_alert(actor, household, raised_on=D(2026, 11, 20))
        case "education":
            _child(actor, household, schooling="0")
        case "medical_insurance":
            Member.objects.filter(pk=head.pk).update(medical_insurance=False)
        case "housing":
            Household.objects.filter(pk=household.pk).update(danger_grade="D")
        case "water":
            Household.objects.filter(pk=household.pk).update(water_safe=False)
        case "labour":
            Member.objects.filter(pk=head.pk).update(
                labour=Code.objects.get(kind="labour", value="5")
            )
    household.refresh_from_db()


def _named_alone(refused, spec, item):
    """The refusal names the failing item, and no other."""
    labels = {i.key: str(i.label) for i in spec.checklist}
    assert refused.value.code == "checklist_failed"
    assert labels[item] in refused.value.message
    assert [k for k, label in labels.items() if label in refused.value.message] == [item]


@pytest.mark.parametrize("item", CLEARING_ITEMS)
def test_a_clearing_is_refused_while_one_item_fails_naming_it(monitored, county_admin, item):
    _break(item, county_admin, monitored)
    with pytest.raises(DomainError) as refused:
        start(county_admin, monitored, "risk_clearing", D(2026, 11, 30))
    _named_alone(refused, engine.RISK_CLEARING, item)
    assert not Procedure.objects.filter(kind="risk_clearing").exists()


@pytest.mark.parametrize("item", EXIT_ITEMS)
def test_an_exit_is_refused_while_one_item_fails_naming_it(poor, county_admin, item):
    _break(item, county_admin, poor)
    with pytest.raises(DomainError) as refused:
        start(county_admin, poor, "exit", D(2026, 11, 30))
    _named_alone(refused, engine.EXIT, item)
    assert not Procedure.objects.filter(kind="exit").exists()


def test_every_item_passes_with_its_evidence(monitored):
    results = engine.RISK_CLEARING.checked(monitored, D(2026, 11, 30))
    assert [(r.item.key, r.finding.passed) for r in results] == [
        (key, True) for key in CLEARING_ITEMS
    ]
    stable = results[0].finding
    assert "2026-03-01" in stable.evidence and "8,200" in stable.evidence
    assert [kind for kind, _id in stable.records] == ["monitoring.incomecheck"] * 2


def test_a_child_in_school_passes_compulsory_education(monitored, county_admin):
    _child(county_admin, monitored, schooling="2")
    found = engine.compulsory_education(monitored, D(2026, 11, 30))
    assert found.passed and "1" in found.evidence


@pytest.mark.parametrize(
    ("last", "passes"),
    [
        (D(2026, 8, 31), False),  # 5 months 30 days after 2026-03-01
        (D(2026, 9, 1), True),  # 6 months
    ],
)
def test_six_months_of_stable_income_at_the_boundary(today, county_admin, households, last, passes):
    household = make_monitored(county_admin, households[0])
    income(county_admin, household, D(2026, 3, 1), 6500)
    income(county_admin, household, last, 6500)
    found = engine.income_stable(household, D(2026, 11, 30))
    assert found.passed is passes
    if not passes:
        assert "2026-09-01" in found.evidence  # when a check would complete the months


def test_the_line_in_force_on_each_checks_day_counts(today, county_admin, households):
    from bangfu.core.services import policy_set

    household = make_monitored(county_admin, households[0])
    income(county_admin, household, D(2026, 3, 1), 6500)
    income(county_admin, household, D(2026, 9, 1), 6500)
    policy_set(
        actor=county_admin,
        region_code="611103000000",
        key="monitoring.income_line",
        value=7000,
        valid_from=D(2026, 6, 1),
    )
    found = engine.income_stable(household, D(2026, 11, 30))
    assert not found.passed  # 6,500 on 2026-09-01 is below the 7,000 line of that day


def test_a_dip_below_the_line_starts_the_count_again(today, county_admin, households):
    household = make_monitored(county_admin, households[0])
    income(county_admin, household, D(2026, 1, 5), 8000)
    income(county_admin, household, D(2026, 3, 1), 5000)  # the dip
    income(county_admin, household, D(2026, 4, 1), 8000)
    income(county_admin, household, D(2026, 9, 1), 8000)
    found = engine.income_stable(household, D(2026, 11, 30))
    assert not found.passed
    assert "2026-03-01" in found.evidence and "2026-10-01" in found.evidence
    income(county_admin, household, D(2026, 10, 1), 8000)
    assert engine.income_stable(household, D(2026, 11, 30)).passed
    # A check dated after the day asked is not read.
    assert not engine.income_stable(household, D(2026, 9, 30)).passed


def test_a_clearing_that_passes_makes_the_household_risk_cleared_and_keeps_its_records(
    monitored, county_admin, helper_wang, village_team, diaotai_staff
):
    alert = raise_alert(county_admin, monitored, raised_on=D(2026, 2, 1))
    from bangfu.monitoring.services import ClosingInput, alert_close

    alert_close(
        actor=county_admin,
        alert_id=alert.pk,
        closing=ClosingInput(outcome="not_at_risk", closed_on=D(2026, 2, 3), reason="已报销"),
    )
    procedure = start(helper_wang, monitored, "risk_clearing", D(2026, 11, 2))
    assert procedure.checked_on == D(2026, 11, 2)
    assert [row["item"] for row in procedure.checklist] == CLEARING_ITEMS
    run_chain(helper_wang, village_team, diaotai_staff, county_admin, procedure, D(2026, 11, 2))
    assert (procedure.state, procedure.ended_on) == (ProcedureState.PASSED, D(2026, 11, 11))
    assert procedure.checked_on == D(2026, 11, 11)
    monitored.refresh_from_db()
    assert monitored.status == HouseholdStatus.RISK_CLEARED
    history = list(
        monitored.history.order_by("effective_on", "pk").values_list("status", "effective_on")
    )
    assert history[-2:] == [("monitored", D(2025, 12, 1)), ("risk_cleared", D(2026, 11, 11))]
    # Nothing is deleted: the alert, the checks (one taken at the home check), the steps.
    assert Alert.objects.filter(household=monitored).count() == 1
    checks = IncomeCheck.objects.filter(household=monitored)
    assert checks.count() == 3
    assert checks.get(step__isnull=False).step.step == "home_check"
    assert Step.objects.filter(procedure=procedure).count() == 4


def test_the_county_decision_checks_the_list_again(
    monitored, county_admin, helper_wang, village_team, diaotai_staff
):
    procedure = start(helper_wang, monitored, "risk_clearing", D(2026, 11, 2))
    raise_alert(county_admin, monitored, raised_on=D(2026, 11, 10))
    with pytest.raises(DomainError) as refused:
        run_chain(helper_wang, village_team, diaotai_staff, county_admin, procedure, D(2026, 11, 2))
    _named_alone(refused, engine.RISK_CLEARING, "no_open_alert")
    procedure.refresh_from_db()
    assert procedure.next_step == "county_decision"
    monitored.refresh_from_db()
    assert monitored.status == HouseholdStatus.MONITORED


def test_an_exit_that_passes_makes_the_household_out_of_poverty(
    poor, county_admin, helper_wang, village_team, diaotai_staff
):
    procedure = start(village_team, poor, "exit", D(2026, 11, 2))
    run_chain(
        helper_wang, village_team, diaotai_staff, county_admin, procedure, D(2026, 11, 2), 4800
    )
    poor.refresh_from_db()
    assert poor.status == HouseholdStatus.OUT_WITH_POLICY
    assert poor.history.order_by("-effective_on", "-pk").first().effective_on == D(2026, 11, 11)


def test_the_home_check_takes_the_income_found(monitored, county_admin):
    procedure = start(county_admin, monitored, "risk_clearing", D(2026, 11, 2))
    from bangfu.monitoring.services import StepInput, step_record

    with pytest.raises(DomainError) as refused:
        step_record(
            actor=county_admin,
            procedure_id=procedure.pk,
            step=StepInput(step="home_check", done_on=D(2026, 11, 2)),
        )
    assert (refused.value.code, refused.value.field) == ("required", "per_capita")
    assert not Step.objects.filter(procedure=procedure).exists()


def test_who_starts_which(monitored, poor, helper_wang, village_team, inspector):
    with pytest.raises(NotPermitted):
        start(helper_wang, poor, "exit", D(2026, 11, 2))  # the village proposes an exit
    with pytest.raises(NotPermitted):
        start(inspector, monitored, "risk_clearing", D(2026, 11, 2))
    assert start(helper_wang, monitored, "risk_clearing", D(2026, 11, 2)).kind == "risk_clearing"
    assert start(village_team, poor, "exit", D(2026, 11, 2)).kind == "exit"


def test_a_household_of_the_wrong_status_or_busy_is_refused(monitored, poor, county_admin):
    with pytest.raises(DomainError) as wrong:
        start(county_admin, poor, "risk_clearing", D(2026, 11, 2))
    assert wrong.value.code == "may_not_start"
    with pytest.raises(DomainError) as not_poor:
        start(county_admin, monitored, "exit", D(2026, 11, 2))
    assert not_poor.value.code == "may_not_start"
    start(county_admin, monitored, "risk_clearing", D(2026, 11, 2))
    with pytest.raises(DomainError) as again:
        start(county_admin, monitored, "risk_clearing", D(2026, 11, 3))
    assert again.value.code == "procedure_running"
    with pytest.raises(DomainError) as kind:
        start(county_admin, monitored, "identification", D(2026, 11, 3))
    assert (kind.value.code, kind.value.field) == ("bad_kind", "kind")


def test_an_exit_running_keeps_an_identification_waiting(poor, county_admin, village_team):
    from .conftest import start_identification

    start(village_team, poor, "exit", D(2026, 11, 2))
    with pytest.raises(DomainError) as busy:
        start_identification(county_admin, poor, on=D(2026, 11, 3))
    assert busy.value.code == "procedure_running"


@pytest.mark.parametrize("working", [False, True])
def test_a_clearing_is_due_within_its_days_across_the_holidays(monitored, county_admin, working):
    from tests.visits.conftest import set_rule

    if working:
        set_rule(county_admin, "monitoring.count_working_days", "是")
    procedure = start(county_admin, monitored, "risk_clearing", D(2026, 9, 24))
    # 30 days after Thursday 09-24: calendar 10-24; in working days 09-28…30 (09-25 is
    # Mid-Autumn), 10-08, 09, the make-up Saturday 10-10 (6), then five weeks of five to
    # 11-06 (26) and 11-09…12 (30).
    expected = D(2026, 11, 12) if working else D(2026, 10, 24)
    assert procedure.due_on == expected == deadline(D(2026, 9, 24), 30, working_days=working).day
    assert procedure.days_counted == ("working" if working else "calendar")
    assert procedure.is_late(D(2026, 11, 30))


def test_the_notice_of_a_clearing_proposes_a_clearing(
    monitored, county_admin, helper_wang, village_team, client
):
    procedure = start(helper_wang, monitored, "risk_clearing", D(2026, 11, 2))
    from bangfu.monitoring.services import StepInput, step_record

    step_record(
        actor=helper_wang,
        procedure_id=procedure.pk,
        step=StepInput(step="home_check", done_on=D(2026, 11, 2), per_capita=Decimal(8100)),
    )
    step_record(
        actor=village_team,
        procedure_id=procedure.pk,
        step=StepInput(step="village_review", done_on=D(2026, 11, 3)),
    )
    client.force_login(village_team)
    page = client.get(f"/monitoring/procedures/{procedure.pk}/notice/")
    assert page.status_code == 200
    text = page.content.decode()
    assert str(engine.INCOME_STABLE.label) in text
    assert "8,100" in text or "8100" in text
