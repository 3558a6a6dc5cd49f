"""A small nation: the shared world's province 陕西 (two counties) and a second province,
甘肃, each with households of every kind, helpers, pairings (one ended), visit rules of their
own and visits in October and November 2026 — written through the services, as a county
office would."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db import transaction

from bangfu.checks.models import Difference
from bangfu.checks.rows import SnapshotHouseholdRow
from bangfu.checks.services import (
    ProblemRow,
    difference_close,
    problem_list_store,
    self_check_report_submit,
    snapshot_compare,
    snapshot_store,
)
from bangfu.core.services import policy_set
from bangfu.health.services import ActivityInput, activity_record
from bangfu.monitoring import services as monitoring
from bangfu.monitoring.services import AlertInput, ClosingInput, StepInput
from bangfu.pairing import services as pairing
from bangfu.plans.models import MeasureStatus
from bangfu.projects import services as projects
from bangfu.registry.models import Household
from bangfu.registry.services import (
    household_register,
    household_status_change,
    member_add,
    member_leave,
    member_update,
)
from bangfu.supervision import services as supervision
from bangfu.supervision.selectors import questionnaire_in_use
from bangfu.teams import services as team_services
from bangfu.visits import services as visits
from conftest import ensure_world
from tests.factories import RegionFactory, UserFactory
from tests.health.world import checkup, condition, contract, follow_up
from tests.monitoring.conftest import commitment_photo
from tests.plans.conftest import add as measure
from tests.registry.conftest import first_status, household_input, id_number, member_input
from tests.supervision.rounds_world import round_json
from tests.supervision.surveys_world import by_purpose, standard_questionnaire
from tests.teams.conftest import member_input as team_member_input
from tests.teams.conftest import (
    on_day,  # noqa: F401 (a fixture: freezes today)
    team_input,
    today_freezer,
)
from tests.visits.conftest import at

D = datetime.date
OCTOBER, NOVEMBER = D(2026, 10, 1), D(2026, 11, 1)
# The day the figures are read on: November still running, so both a closed month and the
# current one are judged ("as they stand on the period's last day, or today while it runs").
TODAY = D(2026, 11, 30)
GANSU = [
    ("620000000000", "甘肃省", 1, None),
    ("620100000000", "兰州市", 2, "620000000000"),
    ("620102000000", "城关区", 3, "620100000000"),
    ("620102001000", "伏龙坪街道", 4, "620102000000"),
    ("620102001201", "伏龙坪村", 5, "620102001000"),
    ("620102001202", "上沟村", 5, "620102001000"),
]
VILLAGES = ["611103002201", "611103002202", "611103001201", "610118001201"] + [
    code for code, _name, level, _parent in GANSU if level == 5
]
PROVINCES = ["610000000000", "620000000000"]
COUNTIES = ["611103000000", "610118000000", "620102000000"]
# Heads' names and the households' numbers, which must never leave in an export.
HEAD = "欧阳{}"


def _household(actor, village: str, serial: int, status):
    return household_register(
        actor=actor,
        household=household_input(number=f"{village}{serial:04d}", region_code=village),
        members=[
            member_input(
                name=HEAD.format(f"{village[-3:]}{serial}"),
                id_number=id_number(
                    f"19{60 + serial}0{1 + VILLAGES.index(village)}01", f"{serial:03d}"
                ),
            )
        ],
        status=status,
    )


def _visit(actor, household, helper, day: D, kind: str = "home", **fields) -> None:
    visits.visit_record(
        actor=actor,
        client_id=uuid.uuid5(uuid.NAMESPACE_URL, f"{household.pk}/{day}/{kind}"),
        data=visits.VisitInput(household_id=household.pk, visited_at=at(day), kind=kind, **fields),
        helper_id=helper.pk,
    )


def _alert(actor, household, day: D):
    return monitoring.alert_raise(
        actor=actor, household_id=household.pk, alert=AlertInput("排查：主要劳动力因病住院", day)
    )


def _identified(actor, household) -> None:
    """An alert closed by starting an identification, decided in October: monitored."""
    alert = _alert(actor, household, D(2026, 10, 9))
    procedure = monitoring.alert_close(
        actor=actor, alert_id=alert.pk, closing=ClosingInput("identifying", D(2026, 10, 9))
    ).procedure
    steps = [
        ("application", D(2026, 10, 9), {}),
        ("home_check", D(2026, 10, 12), {}),
        ("village_review", D(2026, 10, 13), {"notice_from": D(2026, 10, 13)}),
        ("township_review", D(2026, 10, 21), {}),
        ("county_decision", D(2026, 10, 22), {"monitoring_type": "3", "risk_types": ["1"]}),
    ]
    for key, day, fields in steps:
        monitoring.step_record(
            actor=actor,
            procedure_id=procedure.pk,
            step=StepInput(step=key, done_on=day, **fields),
            photo=commitment_photo() if key == "application" else None,
        )


@pytest.fixture(scope="module")
def written_nation(django_db_setup, django_db_blocker):
    """The nation, written once for a module's tests (it takes seconds; each of ten tests wrote
    it again): in a transaction rolled back after the module's last test, which each test's
    own transaction nests in (a savepoint, rolled back after the test)."""
    with (
        django_db_blocker.unblock(),
        pytest.MonkeyPatch.context() as patch,
        transaction.atomic(),
    ):
        ensure_world()
        yield _written(today_freezer(patch))
        transaction.set_rollback(True)


@pytest.fixture
def nation(written_nation, world, on_day):  # noqa: F811
    """The administrator of both provinces, after their records were written; today is
    ``TODAY``."""
    on_day(TODAY)
    return written_nation


def _written(freeze) -> object:
    """Both provinces' records, written as their offices would; their administrator."""
    freeze(TODAY)
    for code, name, level, parent in GANSU:
        RegionFactory(code=code, name=name, level=level, parent_id=parent)
    admin = UserFactory(username="nation_admin", places=PROVINCES, roles=["county_admin"])
    # 陕西's one county visits every Thursday, 甘肃 on the 1st and 3rd Thursday, at least 2.
    policy_set(
        actor=admin,
        region_code="611103000000",
        key="visits.fixed_days",
        value="每周四",
        valid_from=D(2021, 1, 1),
    )
    policy_set(
        actor=admin,
        region_code="620000000000",
        key="visits.fixed_days",
        value="每月第1、3个周四",
        valid_from=D(2021, 1, 1),
    )
    for county in COUNTIES:
        unit = pairing.unit_create(
            actor=admin,
            name=f"{county[:6]}农业农村局",
            kind="government",
            level="county",
            region_code=county,
        )
        for village in [v for v in VILLAGES if v.startswith(county[:6])]:
            helpers = [
                pairing.helper_create(actor=admin, name=f"帮扶干部{village}{n}", unit_id=unit.pk)
                for n in range(2)
            ]
            _village(admin, village, helpers)
    _checks_and_projects(admin)
    _wellbeing(admin)
    _teams_and_supervision(admin, freeze)
    return admin


def _village(admin, village: str, helpers) -> None:
    """Six households: monitored, out without policy (needs no helper), one never paired,
    and three not yet out; in October household n had n home visits (the monitored one
    none), each a phone call with a problem found, each a home visit in November."""
    statuses = [
        first_status(
            status="monitored", monitoring_type="1", risk_types=["1"], effective_on=D(2021, 6, 1)
        ),
        first_status(status="out_without_policy", effective_on=D(2020, 12, 1)),
        first_status(),
        first_status(),
        first_status(),
        first_status(),
    ]
    for serial, status in enumerate(statuses):
        household = _household(admin, village, serial, status)
        if serial == 2:  # never paired; identified as monitored in October
            _identified(admin, household)
            continue
        helper = helpers[serial % 2]
        paired = pairing.pairing_start(
            actor=admin,
            household_id=household.pk,
            helper_id=helper.pk,
            is_main=True,
            started_on=D(2026, 1, 1),
        )
        for n in range(serial):  # October: 0 to 5 home visits on its Thursdays
            _visit(admin, household, helper, D(2026, 10, 1 + 7 * (n % 5)), jobs_found=n % 2)
        _visit(
            admin,
            household,
            helper,
            D(2026, 10, 20),
            kind="phone",
            problems=["缺少种苗"],
            goods_value=Decimal("35.50"),
            money_value=Decimal("200"),
        )
        _visit(admin, household, helper, D(2026, 11, 5))
        if serial == 5:  # this one's helper left in November: paired no more
            pairing.pairing_end(
                actor=admin, pairing_id=paired.pk, ended_on=D(2026, 11, 20), reason="调离"
            )
        if serial == 3:  # an alert verified on time: not at risk
            alert = _alert(admin, household, D(2026, 10, 8))
            monitoring.alert_close(
                actor=admin,
                alert_id=alert.pk,
                closing=ClosingInput("not_at_risk", D(2026, 10, 12), "务工收入稳定"),
            )
        if serial == 4:
            _alert(admin, household, D(2026, 11, 3))  # still open
            household_status_change(
                actor=admin,
                household_id=household.pk,
                change=first_status(
                    status="out_with_policy", effective_on=D(2026, 11, 1), reason="2026 年脱贫"
                ),
            )


def _numbered(village: str, serial: int):
    return Household.objects.get(number=f"{village}{serial:04d}")


def _checks_and_projects(admin) -> None:
    """The monthly check and projects and funds, different in each county: problems listed
    in October (陕西's 沣西新城, one closed by hand) and November (甘肃); 甘肃's county
    compared twice (October's export holds no household, November's one, whose difference
    of presence is fixed); self-check reports submitted on the day read (October's late);
    projects of 2026 at each stage with their ledgers, a beneficiary, donations, sales and
    collective incomes either side of the floor and the good target."""
    listed = []
    for county, received_on in (("611103", OCTOBER), ("620102", NOVEMBER)):
        rows = [
            ProblemRow(household_number=f"{village}0003", problem="人均纯收入与银行流水不符")
            for village in VILLAGES
            if village.startswith(county)
        ]
        found = problem_list_store(
            actor=admin,
            rows=rows,
            source=f"{county}问题清单.xlsx",
            commit=True,
            received_on=received_on + datetime.timedelta(days=14),
        )
        listed.append(found.problem_list_id)
    first = Difference.objects.filter(kind="problem").order_by("pk").first()
    difference_close(actor=admin, difference_id=first.pk, reason="已核实，系统数据已更正")
    for month, held in ((OCTOBER, []), (NOVEMBER, ["620102001201"])):
        snapshot = snapshot_store(
            actor=admin,
            region_code="620102000000",
            month=month,
            file_name=f"城关区国家系统导出{month:%Y%m}.xlsx",
            households=[
                SnapshotHouseholdRow(
                    number=f"{village}0000",
                    region_code=village,
                    place_written="伏龙坪村",
                    attribute="1",
                )
                for village in held
            ],
            members=[],
        )
        snapshot_compare(snapshot_id=snapshot.pk)
    for village, month in (("611103002201", OCTOBER), ("611103002201", NOVEMBER)):
        self_check_report_submit(actor=admin, region_code=village, month=month, note="")
    self_check_report_submit(actor=admin, region_code="620102001201", month=NOVEMBER, note="")
    _projects(admin)


def _project(admin, village: str, serial: int, stages: list[str], planned: str):
    project = projects.project_add(
        actor=admin,
        region_code=village,
        number=f"{village[:6]}-2026-{serial:03d}",
        name=f"产业路{serial}",
        kind="1",
        year=2026,
        responsible_unit="农业农村局",
        planned_funds={"1": planned},
    )
    for stage in stages:
        projects.project_advance(
            actor=admin,
            project_id=project.pk,
            stage=stage,
            day=TODAY,
            reason="资金未落实" if stage == "cancelled" else "",
        )
    return project


def _projects(admin) -> None:
    started = _project(admin, "611103002201", 1, ["approved", "started"], "500000")
    projects.allocation_record(
        actor=admin, project_id=started.pk, source="1", amount="300000", day=TODAY
    )
    projects.payment_record(
        actor=admin, project_id=started.pk, source="1", amount="120000.50", day=TODAY
    )
    projects.output_record(actor=admin, project_id=started.pk, kind="1", quantity="2.5")
    accepted = _project(
        admin, "620102001201", 1, ["approved", "started", "completed", "accepted"], "200000"
    )
    projects.allocation_record(
        actor=admin, project_id=accepted.pk, source="1", amount="200000", day=TODAY
    )
    projects.payment_record(
        actor=admin, project_id=accepted.pk, source="1", amount="150000", day=TODAY
    )
    for serial in (1, 4):
        projects.beneficiary_household_set(
            actor=admin,
            project_id=accepted.pk,
            household_id=_numbered("620102001201", serial).pk,
            mode="1",
        )
    _project(admin, "610118001201", 1, ["cancelled"], "10000")
    given = {"donor_kind": "enterprise", "donor": "爱心企业", "goods": ""}
    projects.donation_record(
        actor=admin,
        **given,
        day=D(2026, 10, 10),
        cash="1000",
        goods_value="0",
        recipient_kind="village",
        region_code="611103002201",
    )
    projects.donation_record(
        actor=admin,
        **(given | {"goods": "米面油"}),
        day=D(2026, 11, 5),
        cash="200",
        goods_value="300.50",
        recipient_kind="household",
        household_id=_numbered("620102001202", 3).pk,
    )
    sold = {"buyer_kind": "unit", "buyer": "机关食堂", "product": "猕猴桃", "unit": "斤"}
    for village, day, amount in (
        ("611103001201", D(2026, 10, 3), "800"),
        ("620102001201", D(2026, 11, 12), "1500.50"),
        ("620102001202", D(2026, 11, 20), "99.99"),
    ):
        projects.sale_record(
            actor=admin, **sold, region_code=village, quantity="100", amount=amount, day=day
        )
    for village, amount in (
        ("611103002201", "60000"),
        ("620102001201", "120000"),
        ("620102001202", "20000"),
    ):
        projects.collective_income_record(
            actor=admin, village_code=village, year=2026, source="1", amount=amount
        )


def _decided(actor, household, raised: D, decided: D) -> None:
    """An identification from an alert raised on ``raised``, decided on ``decided``."""
    alert = _alert(actor, household, raised)
    procedure = monitoring.alert_close(
        actor=actor, alert_id=alert.pk, closing=ClosingInput("identifying", raised)
    ).procedure
    day = datetime.timedelta(days=1)
    steps = [
        ("application", raised, {}),
        ("home_check", raised + 3 * day, {}),
        ("village_review", raised + 4 * day, {"notice_from": raised + 4 * day}),
        ("township_review", decided - day, {}),
        ("county_decision", decided, {"monitoring_type": "1", "risk_types": ["1"]}),
    ]
    for key, on, fields in steps:
        monitoring.step_record(
            actor=actor,
            procedure_id=procedure.pk,
            step=StepInput(step=key, done_on=on, **fields),
            photo=commitment_photo() if key == "application" else None,
        )


def _wellbeing(admin) -> None:
    """Health, plans and the rule of assistance, varied village by village (i, its index):
    contracts lapsing in October, check-ups, members away for work (陕西 only, the rule
    off in 610118 from November), a member leaving in November, illnesses due and overdue,
    activities; measures overdue, developmental or not; monitored households unable to
    work, one risk cleared; alerts overdue and identifications of 35 to 50 days (陕西
    only: 甘肃's alerts and procedures are counted in test_records)."""
    policy_set(
        actor=admin,
        region_code="610118000000",
        key="health.checkup_excludes_away_for_work",
        value=False,
        valid_from=D(2026, 11, 1),
    )
    decided = {0: D(2026, 9, 25), 1: D(2026, 9, 20), 2: D(2026, 9, 10), 3: D(2026, 10, 16)}
    for i, village in enumerate(VILLAGES):
        hh = list(Household.objects.filter(region_id=village).order_by("pk"))
        head = [household.members.get() for household in hh]
        contract(admin, head[3], D(2026, 1, 1), D(2026, 10, 31) if i % 2 == 0 else D(2026, 12, 31))
        if i % 3:
            checkup(admin, head[3], D(2026, 10, 15))
        if i % 2 == 0:
            checkup(admin, head[4], D(2026, 11, 10))
        if i in (0, 3):  # away for work: left out of the check-up rate
            away = member_add(
                actor=admin,
                household_id=hh[3].pk,
                member=member_input(
                    name=f"外出{village[-3:]}",
                    id_number=id_number("19950101", f"{800 + i}"),
                    relation="03",
                    work_status="外出务工",
                ),
            )
            checkup(admin, away, D(2026, 10, 20))
        if i in (1, 4):  # in the registry in October only
            leaving = member_add(
                actor=admin,
                household_id=hh[4].pk,
                member=member_input(
                    name=f"迁出{village[-3:]}",
                    id_number=id_number("19960101", f"{810 + i}"),
                    relation="03",
                ),
            )
            contract(admin, leaving, D(2026, 1, 1), D(2026, 12, 31))
            member_leave(actor=admin, member_id=leaving.pk, left_on=D(2026, 11, 10), reason="出嫁")
        if i % 2 == 0:  # never followed up: due (and overdue) since its diagnosis
            illness = condition(admin, head[1], "1", "chronic", D(2026, 10, 5))
            if i == 2:
                follow_up(admin, illness, D(2026, 11, 12), "home", D(2027, 1, 10))
        else:
            illness = condition(admin, head[1], "2", "chronic", D(2025, 3, 1))
            follow_up(admin, illness, D(2026, 10, 20), "home", D(2026, 11, 20))
        activity_record(
            actor=admin,
            activity=ActivityInput(
                village, "free_clinic", D(2026, 10, 10 + i), "卫生院", 5 + 10 * i
            ),
        )
        if i % 2:
            activity_record(
                actor=admin,
                activity=ActivityInput(village, "health_bus", D(2026, 11, 3), "卫生院", 7 + i),
            )
        measure(admin, hh[0], kind="1" if i % 2 == 0 else "3")
        measure(admin, hh[3], kind="4", due_on=D(2026, 10, 20) if i % 2 else D(2026, 11, 15))
        if i < 3:
            measure(admin, hh[5], kind="2", due_on=D(2026, 9, 1), status=MeasureStatus.DONE)
        if i == 5:
            measure(admin, hh[2], kind="1", status=MeasureStatus.DROPPED)
        if i in (1, 5):  # monitored, no one able to work: social security
            member_update(
                actor=admin,
                member_id=head[0].pk,
                member=member_input(
                    name=HEAD.format(f"{village[-3:]}0"),
                    id_number=id_number(f"19600{1 + i}01", "000"),
                    labour="5",
                ),
            )
        if i == 0:
            household_status_change(
                actor=admin,
                household_id=hh[0].pk,
                change=first_status(status="risk_cleared", effective_on=D(2026, 11, 10)),
            )
        if i in decided:
            _decided(admin, hh[5], decided[i], D(2026, 10, 30))
        if i in (0, 3):
            _alert(admin, hh[1], D(2026, 9, 20) if i == 0 else D(2026, 10, 15))


# -- Resident work teams and supervision ----------------------------------------------------


def _register(admin, member, days: list[D]) -> None:
    for day in days:
        team_services.register_keep(
            actor=admin, member_id=member.pk, day=day, status="in_village", reason="驻村登记"
        )


def _team(admin, village: str, term: tuple[D, D | None], roles: list[str], serial: int):
    """A team stationed in ``village`` with a member of each of ``roles`` (the 队员 of 陕西's
    first team signs in, to ask for leave)."""
    county = village[:6].ljust(12, "0")
    unit = pairing.unit_create(
        actor=admin, name=f"{village}驻村派出单位", kind="government", level="county",
        region_code=county,
    )  # fmt: skip
    team = team_services.team_create(
        actor=admin, team=team_input(unit, region_code=village, term_start=term[0],
                                     term_end=term[1], name=f"{village}驻村工作队"),
    )  # fmt: skip
    members = []
    for n, role in enumerate(roles):
        login = None
        if village == "611103002201" and role == "4":
            login = UserFactory(
                username="nation_team_member", places=[village], roles=["work_team"]
            )
        members.append(
            team_services.member_add(
                actor=admin,
                team_id=team.pk,
                member=team_member_input(
                    unit,
                    f"队员{serial}{n}",
                    f"{serial}{n}",
                    role,
                    started_on=D(2026, 1, 1),
                    user_id=login.pk if login else None,
                ),
            )  # fmt: skip
        )
    return team, members, login


def _meeting(admin, team, members, held_on: D, due: list[D]):
    return team_services.meeting_record(
        actor=admin,
        team_id=team.pk,
        meeting=team_services.MeetingInput(
            held_on=held_on,
            attendee_ids=[m.pk for m in members],
            tasks=[team_services.TaskInput(f"落实{day:%m%d}", day, members[0].pk) for day in due],
        ),
    )


def _teams_and_supervision(admin, on_day) -> None:  # noqa: F811
    """Teams in three villages (陕西's second county's term ended in October) with residence
    days, approved leave, meetings and tasks; inspection rounds with samples, findings closed
    on time, late or still open, and satisfaction surveys — in October and November."""
    for code, days in [("611103000000", "3"), ("620000000000", "2")]:
        policy_set(actor=admin, region_code=code, key="teams.residence_days_min", value=days,
                   valid_from=D(2021, 1, 1))  # fmt: skip
    policy_set(actor=admin, region_code="611103000000", key="teams.leave_approvers",
               value="县", valid_from=D(2021, 1, 1))  # fmt: skip
    year = (D(2026, 1, 1), D(2027, 12, 31))
    shaanxi, (leader, secretary, _liaison, member), login = _team(
        admin, "611103002201", year, ["1", "2", "3", "4"], 71
    )
    gansu, (g_secretary, g_member, g_leaving), _none = _team(
        admin, "620102001201", (D(2026, 1, 1), None), ["2", "4", "4"], 72
    )
    _ended, (c_leader,), _none = _team(
        admin, "610118001201", (D(2025, 1, 1), D(2026, 10, 31)), ["1"], 73
    )
    on_day(D(2026, 10, 10))  # leave is asked for ahead, and approved by the county (县)
    leave = team_services.leave_request(
        actor=login, leave=team_services.LeaveInput("1", D(2026, 10, 12), D(2026, 10, 13), "探亲")
    )
    county = UserFactory(username="nation_county", places=["611103000000"], roles=["county_admin"])
    team_services.leave_decide(actor=county, leave_id=leave.pk, approve=True)
    on_day(TODAY)
    october = [D(2026, 10, day) for day in range(1, 6)]
    november = [D(2026, 11, day) for day in range(2, 6)]
    _register(admin, leader, october[:3])
    _register(admin, secretary, october[:2])
    _register(admin, member, november[:3])
    _register(admin, g_secretary, october[:2] + november[:2])
    _register(admin, g_member, november[:1])
    _register(admin, g_leaving, october[3:5])
    _register(admin, c_leader, october[:1])
    team_services.member_end(
        actor=admin, member_id=g_leaving.pk, ended_on=D(2026, 11, 20), reason="调回原单位"
    )
    _meeting(
        admin, shaanxi, [leader, secretary], D(2026, 10, 15), [D(2026, 10, 20), D(2026, 11, 10)]
    )
    done = _meeting(admin, gansu, [g_secretary, g_member], D(2026, 11, 3),
                    [D(2026, 11, 25), D(2026, 11, 12)])  # fmt: skip
    task = done.tasks.get(due_on=D(2026, 11, 25))
    team_services.task_done(actor=admin, task_id=task.pk, done_on=D(2026, 11, 26), note="已落实")
    _supervision(admin, on_day)


def _supervision(admin, on_day) -> None:  # noqa: F811
    """Rounds of 陕西's county in October and 甘肃's in November (its sample drawn again), a
    township's round of documents; findings found in October, closed on time, late or not
    at all, and one in November; satisfaction surveys of both months."""
    verifier = UserFactory(username="nation_verifier", places=PROVINCES, roles=["county_admin"])
    wanted = [("611103000000", "2026-10", 2), ("620102000000", "2026-11", 3)]
    wanted += [("611103002000", "2026-11", 0)]
    for place, month, households in wanted:
        planned = supervision.round_plan(
            actor=admin, region_code=place, month=month,
            **round_json(admin.pk, households_wanted=households, helpers_wanted=0, units_wanted=0),
        )  # fmt: skip
        if households:
            supervision.sample_draw(actor=admin, round_id=planned.pk)
        if place.startswith("62"):
            supervision.sample_redraw(actor=admin, round_id=planned.pk, reason="户籍核对后重抽")
    found = []
    for village, day in [
        ("611103002201", D(2026, 10, 9)),
        ("611103002202", D(2026, 10, 12)),
        ("611103001201", D(2026, 10, 13)),
        ("620102001202", D(2026, 11, 2)),
    ]:
        found.append(
            supervision.finding_record(
                actor=admin,
                region_code=village,
                category="1",
                found_on=day,
                description="走访记录与实际不符",
            )  # fmt: skip
        )
    for finding, closed_on in [(found[0], D(2026, 10, 20)), (found[1], D(2026, 11, 25))]:
        on_day(closed_on)
        supervision.rectification_start(actor=admin, finding_id=finding.pk)
        supervision.rectification_submit(actor=admin, finding_id=finding.pk, note="已整改")
        supervision.rectification_close(actor=verifier, finding_id=finding.pk, note="核实")
    on_day(TODAY)
    for province in PROVINCES:
        standard_questionnaire(admin, province)
    for village, day, answers in [
        ("611103002201", D(2026, 10, 20), [5, 4, 2]),
        ("610118001201", D(2026, 10, 21), [3]),
        ("620102001201", D(2026, 11, 5), [5, 1]),
    ]:
        households = Household.objects.filter(region_id=village).order_by("pk")
        for household, value in zip(households, answers, strict=False):
            questionnaire = questionnaire_in_use(village)
            supervision.survey_record(
                actor=admin, household_id=household.pk, method="phone", surveyed_on=day,
                answers=by_purpose(questionnaire, satisfaction=value),
            )  # fmt: skip
