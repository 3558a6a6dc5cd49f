"""Teams and members from an office's sheet: columns by their synonyms, a preview that runs
the very writes and rolls them back, each error at its row and column in Chinese, all or
nothing, and the same rules as the pages."""

# The teams tests' fixtures are imported by name, so every test that takes one "redefines" it.
# ruff: noqa: F811

import pytest

from bangfu.core.models import AuditEntry, JobState
from bangfu.exchange import services
from bangfu.exchange.models import ImportKind
from bangfu.teams.models import Team, TeamMember
from bangfu.teams.services import member_add
from tests.registry.conftest import id_number
from tests.teams.conftest import member_input, sending_unit, team  # noqa: F401 (fixtures)

from .corpus import xlsx

HEADER = [
    "驻村单位",
    "驻村村名",
    "队伍名称",
    "姓名",
    "身份证号码",
    "职务",
    "手机号",
    "任职时间",
    "任期截止",
]
UNIT = "沣西新城农业农村局"


def person(serial: str) -> str:
    return id_number("19800101", serial)


def run(actor, path, *, commit):
    with path.open("rb") as handle:
        job = services.import_upload(
            actor=actor, file_name=path.name, chunks=iter(handle), kind=ImportKind.TEAMS
        )
    job = services.import_check(job_id=job.pk)
    if commit and job.state == JobState.CHECKED:
        job = services.import_commit(job_id=job.pk)
    return job


ROWS = [
    [
        UNIT,
        "马家寨村",
        "",
        "张队长",
        person("101"),
        "队长",
        "13900000001",
        "2026-01-05",
        "2027-12-31",
    ],
    [UNIT, "马家寨村", "", "李书记", person("102"), "第一书记", "", "2026年1月1日", ""],
    [UNIT, "611103002202", "康西村工作队", "王联络", person("103"), "3", "", 20260201, ""],
]


def test_a_good_sheet_previews_then_imports_and_twice_changes_nothing(
    county_admin, sending_unit, tmp_path
):
    path = xlsx(tmp_path / "驻村工作队.xlsx", [HEADER, *ROWS])
    job = run(county_admin, path, commit=False)
    assert job.state == JobState.CHECKED, list(job.problems.values_list("reason", flat=True))
    assert job.summary["teams"] == {"new": 2}
    assert job.summary["members"] == {"new": 3, "unchanged": 0}
    assert not Team.objects.exists() and not TeamMember.objects.exists()  # the preview
    job = run(county_admin, path, commit=True)
    assert job.state == JobState.DONE
    majiazhai = Team.objects.get(region_id="611103002201")
    assert majiazhai.name == "马家寨村驻村工作队"
    assert majiazhai.term_start.isoformat() == "2026-01-01"  # the earliest of its rows
    assert majiazhai.term_end.isoformat() == "2027-12-31"
    assert sorted(majiazhai.members.values_list("name", "role__label")) == [
        ("张队长", "队长"),
        ("李书记", "第一书记"),
    ]
    assert Team.objects.get(region_id="611103002202").name == "康西村工作队"
    assert AuditEntry.objects.filter(action="team_member.add").count() == 3
    again = run(county_admin, path, commit=False)
    assert again.summary["teams"] == {"new": 0}
    assert again.summary["members"] == {"new": 0, "unchanged": 3}


def test_each_error_names_its_row_and_column_and_nothing_is_written(
    county_admin, sending_unit, team, tmp_path
):
    member_add(
        actor=county_admin, team_id=team.pk, member=member_input(sending_unit, "赵某", "109", "4")
    )
    rows = [
        ROWS[0],
        ["某某局", "马家寨村", "", "钱某", person("104"), "队员", "", "2026-02-01", ""],
        [UNIT, "不存在村", "", "孙某", person("105"), "队员", "", "2026-02-01", ""],
        [UNIT, "马家寨村", "", "周某", "61110319800101106X", "队员", "", "2026-02-01", ""],
        [UNIT, "马家寨村", "", "吴某", person("107"), "村长", "", "2026-02-01", ""],
        [UNIT, "马家寨村", "", "郑某", person("108"), "队员", "", "", ""],
        [UNIT, "康西村", "", "赵某", person("109"), "队员", "", "2026-02-01", ""],
        [UNIT, "马家寨村", "", "冯某", person("110"), "队员", "", "2025-12-01", ""],
    ]
    job = run(county_admin, xlsx(tmp_path / "驻村工作队.xlsx", [HEADER, *rows]), commit=True)
    assert job.state == JobState.REFUSED
    found = [(p.row, p.column) for p in job.problems.all()]
    assert found == [
        (3, "驻村单位"),
        (4, "驻村村名"),
        (5, "身份证号码"),
        (6, "职务"),
        (7, "任职时间"),
        (8, "身份证号码"),
        (9, "任职时间"),
    ]
    reasons = {p.row: p.reason for p in job.problems.all()}
    assert "帮扶单位" in reasons[3] or "单位" in reasons[3]
    assert "马家寨村驻村工作队" in reasons[8]  # on another team since…
    assert all(any("\u4e00" <= c <= "\u9fff" for c in reason) for reason in reasons.values())
    assert TeamMember.objects.count() == 1 and Team.objects.count() == 1


def test_a_sheet_without_the_needed_columns_says_which(county_admin, sending_unit, tmp_path):
    path = xlsx(
        tmp_path / "名单.xlsx", [["姓名", "驻村村名", "职务"], ["张队长", "马家寨村", "队长"]]
    )
    job = run(county_admin, path, commit=False)
    assert job.state == JobState.REFUSED
    problem = job.problems.get()
    assert "派出单位" in problem.column and "身份证号" in problem.column


@pytest.mark.parametrize("username", ["leader", "helper_wang"])
def test_only_those_who_manage_teams_import_them(username, world, tmp_path):
    from bangfu.accounts.models import User
    from bangfu.core.errors import NotPermitted

    path = xlsx(tmp_path / "驻村工作队.xlsx", [HEADER, *ROWS])
    with pytest.raises(NotPermitted):
        run(User.objects.get(username=username), path, commit=False)
