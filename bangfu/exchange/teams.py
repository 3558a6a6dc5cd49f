"""A sheet of resident work teams and their members (驻村工作队名单), a roster whose rows
``teams.services.teams_import`` takes.

A row is a person's term on a team: the sending unit, the village the team lives in, the
team's name (optional), the person's name, ID number, role on the team and phone, the day
they were sent and, optionally, the end of the team's term.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.core.capabilities import Capability
from bangfu.teams.services import TeamRow, TeamsImport, teams_import

from . import cleaning, sheets
from .rosters import Roster

COLUMNS = {
    # key: (header, synonyms)
    "unit_name": ("派出单位", ("驻村单位", "选派单位", "帮扶单位")),
    "village": ("所驻村", ("驻村村名", "驻村村", "行政村", "所驻村代码")),
    "team_name": ("队伍名称", ("工作队名称", "驻村工作队")),
    "name": ("姓名", ("队员姓名", "驻村干部姓名")),
    "id_number": ("身份证号", ("身份证号码", "公民身份号码")),
    "role": ("队内职务", ("职务", "驻村职务")),
    "phone": ("手机号", ("联系电话", "手机号码", "电话")),
    "started_on": ("派驻时间", ("任职时间", "驻村时间", "选派时间")),
    "term_end": ("任期截止", ("任期截止时间", "任期至", "期满时间")),
}
CLEAN = {
    "unit_name": cleaning.text,
    "village": cleaning.text,
    "team_name": cleaning.text,
    "name": cleaning.name,
    "id_number": cleaning.id_number,
    "role": cleaning.text,
    "phone": lambda raw: cleaning.digits(raw, what=_("phone number")),
    "started_on": cleaning.date,
    "term_end": cleaning.date,
}
REQUIRED = ("unit_name", "village", "name", "id_number", "role", "started_on")
# Where the services' refusals point: their field, the sheet's column.
FIELD_COLUMNS = {
    "region": "village",
    "villages": "village",
    "unit": "unit_name",
    "term_start": "started_on",
    "reason": "name",
    "user": "name",
}


def _missing(header: sheets.Header) -> list[str]:
    return [COLUMNS[key][0] for key in REQUIRED if key not in header.positions]


def _row(values: dict[str, Any]) -> TeamRow:
    return TeamRow(
        unit_name=values["unit_name"],
        village=values["village"],
        name=values["name"],
        id_number=values["id_number"],
        role=values["role"],
        started_on=values["started_on"],
        team_name=values.get("team_name", ""),
        phone=values.get("phone", ""),
        term_end=values.get("term_end"),
    )


def _counts(result: TeamsImport) -> dict[str, Any]:
    return {
        "teams": {"new": result.teams_new},
        "members": {"new": result.members_new, "unchanged": result.unchanged},
    }


ROSTER = Roster(
    columns=COLUMNS,
    clean=CLEAN,
    missing=_missing,
    no_header=gettext_lazy("No sheet has a header row with 所驻村, 姓名 and 身份证号."),
    make_row=_row,
    capability=Capability.MANAGE_TEAMS,
    write=teams_import,
    counts=_counts,
    required=REQUIRED,
    field_columns=FIELD_COLUMNS,
    fallback="name",
)
