"""A small nation: the shared world's province 陕西 (two counties) and a second province,
甘肃, each with households of every kind, helpers, pairings (one ended), visit rules of their
own and visits in October and November 2026 — written through the services, as a county
office would."""

import datetime
import uuid
from decimal import Decimal

import pytest

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
from bangfu.monitoring import services as monitoring
from bangfu.monitoring.services import AlertInput, ClosingInput, StepInput
from bangfu.pairing import services as pairing
from bangfu.projects import services as projects
from bangfu.registry.models import Household
from bangfu.registry.services import household_register, household_status_change
from bangfu.visits import services as visits
from tests.factories import RegionFactory, UserFactory
from tests.monitoring.conftest import commitment_photo
from tests.registry.conftest import first_status, household_input, id_number, member_input
from tests.teams.conftest import on_day  # noqa: F401 (a fixture: freezes today)
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


@pytest.fixture
def nation(world, on_day):  # noqa: F811
    """The administrator of both provinces, after their records were written."""
    on_day(TODAY)
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
