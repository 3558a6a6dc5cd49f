"""Departments' sheets (部门数据) for the early-warning rules: matched to members by the keyed
ID hash, unmatched rows named (the keyed reader's words, alike
whoever holds the number), all or nothing,
a re-import updates; once committed, the rules run over the households written."""

from bangfu.core.models import AuditEntry, JobState
from bangfu.exchange.models import ImportKind
from bangfu.health.models import MedicalCost
from bangfu.monitoring.models import Alert, MemberEvent, RuleRun
from tests.exchange.corpus import xlsx
from tests.health.conftest import health  # noqa: F401 (a fixture)
from tests.health.test_import import MA, NOBODY, WANG, problems, run

from .conftest import TODAY

COSTS_HEADER = ["姓名", "公民身份号码", "年份", "总费用", "报销费用"]


def test_medical_costs_are_health_records_and_raise_alerts_once_committed(
    today,
    county_admin,
    health,  # noqa: F811
    tmp_path,
):
    rows = [["马建国", MA, 2026, 30001, 20000], ["王秀英", WANG, 2026, 3000, 2000]]
    path = xlsx(tmp_path / "医保.xlsx", [COSTS_HEADER, *rows])
    job = run(county_admin, path, ImportKind.MEDICAL_COSTS, commit=True)
    assert job.state == JobState.DONE, problems(job)
    assert MedicalCost.objects.filter(year=2026).count() == 2
    alert = Alert.objects.get(rule_code="medical_cost")
    assert alert.household.members.filter(name="马建国").exists()
    assert RuleRun.objects.get().trigger == "import"
    # Given again with another reimbursement: the year is updated, audited, not doubled.
    updated = AuditEntry.objects.filter(action="medical_cost.update").count()
    rows[0][4] = 25000
    path = xlsx(tmp_path / "医保2.xlsx", [COSTS_HEADER, *rows])
    job = run(county_admin, path, ImportKind.MEDICAL_COSTS, commit=True)
    assert job.summary["records"] == {"new": 0, "changed": 1, "unchanged": 1}
    assert MedicalCost.objects.filter(year=2026).count() == 2
    assert AuditEntry.objects.filter(action="medical_cost.update").count() == updated + 1


def test_unmatched_rows_are_named_alike_and_nothing_is_written(
    today,
    county_admin,
    health,  # noqa: F811
    tmp_path,
):
    header = ["姓名", "身份证号", "发证日期", "残疾等级"]
    rows = [["马建国", MA, "2026-11-01", "二级"], ["某人", NOBODY, "2026-11-01", "一级"]]
    path = xlsx(tmp_path / "残联.xlsx", [header, *rows])
    job = run(county_admin, path, ImportKind.DISABILITY, commit=True)
    assert job.state == JobState.REFUSED
    [(row, column, _value, reason)] = problems(job)
    assert (row, column) == (3, "身份证号")
    assert not MemberEvent.objects.exists() and not Alert.objects.exists()


def test_another_countys_member_is_refused_like_nobody_and_nothing_is_said_of_them(
    today,
    other_county_admin,
    health,  # noqa: F811
    tmp_path,
):
    """鄠邑区's office imports a sheet naming 马建国 of 沣西新城's 马家寨村: the row is refused
    with the words said of a number nobody has, the number masked, no place of theirs named."""
    from conftest import COUNTY_A_MARKERS

    header = ["姓名", "身份证号", "失业日期"]
    held = run(
        other_county_admin,
        xlsx(tmp_path / "人社.xlsx", [header, ["马建国", MA, "2026-11-01"]]),
        ImportKind.JOB_LOSS,
        commit=True,
    )
    nobody = run(
        other_county_admin,
        xlsx(tmp_path / "人社2.xlsx", [header, ["某人", NOBODY, "2026-11-01"]]),
        ImportKind.JOB_LOSS,
        commit=True,
    )
    assert held.state == nobody.state == JobState.REFUSED
    [(row, column, value, reason)] = problems(held)
    assert (row, column) == (2, "身份证号")
    assert reason == problems(nobody)[0][3]
    assert MA not in value + reason
    assert not any(marker in value + reason for marker in COUNTY_A_MARKERS)
    assert not MemberEvent.objects.exists() and not Alert.objects.exists()


def test_department_records_follow_a_member_to_another_household(
    today,
    county_admin,
    health,  # noqa: F811
    tmp_path,
):
    """王秀英's new disability certificate, imported while in 马家寨村; she joins 李四's
    household in 康西村: the record goes with her, and the rule fires for her new household."""
    from bangfu.monitoring.services import rules_run
    from bangfu.registry.services import member_move
    from tests.health.world import KANGXI

    header = ["姓名", "身份证号", "发证日期", "残疾等级"]
    path = xlsx(tmp_path / "残联.xlsx", [header, ["王秀英", WANG, "2026-11-01", "二级"]])
    job = run(county_admin, path, ImportKind.DISABILITY, commit=True)
    assert job.state == JobState.DONE, problems(job)
    wife = health["health_members"]["王秀英"]
    first = Alert.objects.get(rule_code="disability")
    assert first.household_id == wife.household_id
    new_household = health["health_other_household"]
    member_move(
        actor=county_admin,
        member_id=wife.pk,
        to_household_id=new_household.pk,
        relation="02",
        effective_on=TODAY,
        reason="投亲",
    )
    event = MemberEvent.objects.get(member=wife)
    assert (event.household_id, event.region_id) == (new_household.pk, KANGXI)
    # Moved in the move's transaction, covered by its audit entry.
    assert AuditEntry.objects.filter(action="member.move", object_id=str(wife.pk)).exists()
    rules_run(on=TODAY)
    [second] = Alert.objects.filter(rule_code="disability").exclude(pk=first.pk)
    assert (second.household_id, second.member_id) == (new_household.pk, wife.pk)


def test_a_departments_record_keeps_the_file_it_last_came_from(
    today,
    county_admin,
    health,  # noqa: F811
    tmp_path,
):
    header = ["姓名", "身份证号", "发证日期", "残疾等级"]
    first = xlsx(tmp_path / "残联11月.xlsx", [header, ["马建国", MA, "2026-11-01", "二级"]])
    job = run(county_admin, first, ImportKind.DISABILITY, commit=True)
    assert job.state == JobState.DONE, problems(job)
    assert MemberEvent.objects.get().source == "残联11月.xlsx"
    again = xlsx(tmp_path / "残联更正.xlsx", [header, ["马建国", MA, "2026-11-01", "一级"]])
    job = run(county_admin, again, ImportKind.DISABILITY, commit=True)
    assert job.state == JobState.DONE, problems(job)
    assert MemberEvent.objects.get().source == "残联更正.xlsx"
