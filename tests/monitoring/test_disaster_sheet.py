"""The emergency office's disasters sheet (灾情, 应急管理局/农业农村局): rows by place and day,
places named by code or by township and village among the importer's places, bad rows
refused naming row, column and reason, all or nothing; a re-import updates and never
duplicates; once committed, the disaster rule fires for the households of the place and not
for those of a neighbouring village, nor for a disaster older than monitoring.disaster_days."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bangfu.core.models import AuditEntry, JobState
from bangfu.exchange.models import ImportKind
from bangfu.monitoring.models import Alert, Disaster, RuleRun
from bangfu.registry.services import household_register
from tests.exchange.corpus import xlsx
from tests.health.test_import import problems, run
from tests.registry.conftest import first_status, household_input, id_number, member_input

from .conftest import TODAY

KANGXI = "611103002202"  # 康西村, beside 马家寨村 in 钓台街道
HEADER = ["序号", "乡镇（街道）", "行政村", "区划代码", "灾种", "受灾日期", "灾情等级", "灾情描述"]


def days_ago(n: int) -> str:
    return (TODAY - datetime.timedelta(days=n)).isoformat()


@pytest.fixture
def kangxi_household(county_admin):
    return household_register(
        actor=county_admin,
        household=household_input(number="6111030022020001", region_code=KANGXI),
        members=[member_input(name="康大山", id_number=id_number("19700101", "071"))],
        status=first_status(),
    )


def alerted():
    return sorted(
        Alert.objects.filter(rule_code="disaster").values_list("household__number", flat=True)
    )


def test_a_disaster_fires_for_the_place_not_its_neighbour_nor_when_older(
    today, county_admin, households, kangxi_household, tmp_path
):
    rows = [
        [1, "钓台街道", "马家寨村", "", "暴雨", days_ago(29), "较大", "山洪冲毁农田"],
        # 康西村 by its code: a day older than the 30 days a disaster raises alerts.
        [2, "", "", KANGXI, "冰雹", days_ago(30), 2, ""],
    ]
    path = xlsx(tmp_path / "灾情.xlsx", [HEADER, *rows])
    checked = run(county_admin, path, ImportKind.DISASTERS, commit=False)
    assert checked.state == JobState.CHECKED, problems(checked)
    assert checked.summary["disasters"] == {"new": 2, "changed": 0, "unchanged": 0}
    assert not Disaster.objects.exists()  # the preview writes nothing
    job = run(county_admin, path, ImportKind.DISASTERS, commit=True)
    assert job.state == JobState.DONE, problems(job)
    flood = Disaster.objects.get(kind="flood")
    assert (flood.region_id, flood.severity, flood.note) == ("611103002201", 2, "山洪冲毁农田")
    assert Disaster.objects.get(kind="hail").region_id == KANGXI
    assert AuditEntry.objects.filter(action="disaster.record").count() == 2
    # The rules ran over both places' households: 马家寨村's three, not 康西村's.
    assert alerted() == sorted(h.number for h in households)
    assert RuleRun.objects.get().trigger == RuleRun.Trigger.IMPORT
    alert = Alert.objects.filter(rule_code="disaster").first()
    assert alert.fired_by == [{"type": "monitoring.disaster", "id": flood.pk}]

    # The same sheet again changes nothing; a severity corrected is an update, audited.
    again = run(county_admin, path, ImportKind.DISASTERS, commit=True)
    assert again.summary["disasters"] == {"new": 0, "changed": 0, "unchanged": 2}
    rows[0][6] = "重大"
    corrected = xlsx(tmp_path / "灾情2.xlsx", [HEADER, *rows])
    job = run(county_admin, corrected, ImportKind.DISASTERS, commit=True)
    assert job.summary["disasters"] == {"new": 0, "changed": 1, "unchanged": 1}
    assert Disaster.objects.count() == 2
    assert Disaster.objects.get(kind="flood").severity == 3
    update = AuditEntry.objects.get(action="disaster.update")
    assert (update.before["severity"], update.after["severity"]) == (2, 3)
    assert Alert.objects.filter(rule_code="disaster").count() == 3  # none raised twice


def test_bad_rows_are_refused_naming_row_column_and_reason(
    today, county_admin, households, tmp_path
):
    rows = [
        [1, "钓台街道", "马家寨村", "", "洪涝", days_ago(3), "一般", ""],  # good
        [2, "钓台街道", "无名村", "", "洪涝", days_ago(3), 1, ""],  # no such village
        [3, "", "", "610118001201", "洪涝", days_ago(3), 1, ""],  # 东韩村: another county's
        [4, "钓台街道", "马家寨村", "", "海啸", days_ago(3), 1, ""],  # not a kind we know
        [5, "钓台街道", "马家寨村", "", "干旱", days_ago(3), 5, ""],  # severity 1–4
        [6, "钓台街道", "马家寨村", "", "干旱", "2026-12-05", 1, ""],  # after today
        [7, "", "马家寨村", "", "洪水", days_ago(3), 2, ""],  # row 2's disaster again
        [8, "马王街道", "", "611103002201", "地震", days_ago(3), 1, ""],  # code and name differ
        [9, "", "", "", "地震", days_ago(3), 1, ""],  # no place
    ]
    path = xlsx(tmp_path / "灾情.xlsx", [HEADER, *rows])
    job = run(county_admin, path, ImportKind.DISASTERS, commit=True)
    assert job.state == JobState.REFUSED
    found = {row: (column, reason) for row, column, _value, reason in problems(job)}
    assert sorted(found) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert found[3][0] == "行政村" and found[4][0] == "区划代码"
    assert found[3][1] == found[4][1]  # outside the importer's places: the words of nowhere
    assert found[5][0] == "灾种" and "海啸" in found[5][1]
    assert found[6][0] == "灾情等级" and "1" in found[6][1]
    assert found[7][0] == "受灾日期"
    assert found[8][0] == "受灾日期"  # the same place, kind and day as row 3
    assert found[9][0] == "乡镇（街道）"
    assert found[10][0] == "区划代码"
    assert not Disaster.objects.exists() and not Alert.objects.exists()  # all or nothing


def test_a_sheet_without_place_columns_says_which_are_missing(today, county_admin, tmp_path):
    path = xlsx(
        tmp_path / "灾情.xlsx", [["灾种", "受灾日期", "灾情等级"], ["洪涝", days_ago(3), 1]]
    )
    job = run(county_admin, path, ImportKind.DISASTERS, commit=False)
    assert job.state == JobState.REFUSED
    [(_row, column, _value, _reason)] = problems(job)
    assert column == "行政区划代码 / 乡镇"


def test_the_template_is_a_sheet_the_import_reads(
    today, county_admin, households, client, tmp_path
):
    from django.urls import reverse

    from bangfu.exchange import sheets

    client.force_login(county_admin)
    answer = client.get(reverse("exchange:import_template"), {"kind": ImportKind.DISASTERS})
    assert answer.status_code == 200
    path = tmp_path / "模板.xlsx"
    path.write_bytes(b"".join(answer.streaming_content))
    [first, *_notes] = sheets.sheet_names(path)
    [header] = [row.values for row in sheets.rows(path, first)]
    assert header[:3] == ["行政区划代码", "乡镇", "村"] and "*灾害种类" in header
    # Filled in, it is read as it is.
    filled = ["", "钓台街道", "马家寨村", "洪涝", days_ago(1), "一般", ""]
    job = run(
        county_admin,
        xlsx(tmp_path / "填.xlsx", [header, filled]),
        ImportKind.DISASTERS,
        commit=False,
    )
    assert job.state == JobState.CHECKED, problems(job)
    bad = client.get(reverse("exchange:import_template"), {"kind": "nothing"})
    assert bad.status_code == 400


CELLS = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc")), max_size=30),
    st.text(alphabet="\x01\u200b洪涝一般Ⅰ级马家寨村钓台街道6111030022010-/ .", max_size=20),
    st.integers(min_value=-(10**16), max_value=10**16),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["1", "4", "5", "0", "洪涝", "2026-02-30", "99999999", "611103002201"]),
)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(rows=st.lists(st.lists(CELLS, min_size=7, max_size=7), min_size=1, max_size=3))
def test_hostile_cells_are_refused_with_a_message_never_stored_never_an_error(
    today, county_admin, households, tmp_path, rows
):
    """Whatever a workbook's cells hold, the check and the commit end checked, refused (each
    problem with its reason) or done: never a failed job, and nothing stored against the
    table's rules (the CHECK constraints would make the commit fail)."""
    header = ["乡镇", "村", "行政区划代码", "灾害种类", "发生日期", "灾害等级", "备注"]
    path = xlsx(tmp_path / "灾情.xlsx", [header, *rows])
    job = run(county_admin, path, ImportKind.DISASTERS, commit=True)
    assert job.state in (JobState.REFUSED, JobState.DONE), (job.state, job.message)
    assert all(reason for *_rest, reason in problems(job))
    for disaster in Disaster.objects.all():
        assert 1 <= disaster.severity <= 4 and disaster.day <= TODAY
