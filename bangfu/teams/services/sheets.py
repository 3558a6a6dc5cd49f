"""Teams and members from an office's sheet (驻村工作队名单): every row through the same
services as the pages (``team_create``, ``member_add``), all rows in one transaction.

A row is a person's term on a team: the team by its name and village (a team in post there
by that name, or one the sheet makes, its term from the earliest start of its rows to the
row's 任期截止), the sending unit by name, the role by its label or code. A person already in
post on that team is counted unchanged, so a sheet imported twice changes nothing.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from bangfu.core import idnumbers
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError
from bangfu.core.models import Code, Region
from bangfu.core.protection import lookup_hashes
from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import is_place_code
from bangfu.pairing.models import Unit

from ..models import Team, TeamMember
from .teams import MemberInput, TeamInput, member_add, team_create

# A team the sheet leaves unnamed is named as offices name them: data, in the data's language.
TEAM_NAME = "{village}驻村工作队"


@dataclass
class TeamRow:
    """One row of a teams sheet, its cells cleaned."""

    unit_name: str
    village: str  # a village's name or its 12-digit code
    name: str
    id_number: str
    role: str  # 队长, 第一书记… or the role's code
    started_on: datetime.date | None
    team_name: str = ""  # default: the village's name + 驻村工作队
    phone: str = ""
    term_end: datetime.date | None = None


@dataclass
class TeamsImport:
    teams_new: int = 0
    members_new: int = 0
    unchanged: int = 0
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (row, field, why)


def _village(actor, text: str) -> Region:
    villages = Region.objects.visible_to(actor).filter(level=RegionLevel.VILLAGE)
    value = text.strip()
    found = list(
        villages.filter(code=value)[:1] if is_place_code(value) else villages.filter(name=value)[:2]
    )
    if not found:
        raise DomainError(
            _("No village of this name or code among your places."),
            code="bad_place",
            field="village",
        )
    if len(found) > 1:
        raise DomainError(
            _("Several villages among your places have this name: write the village's code."),
            code="ambiguous_place",
            field="village",
        )
    return found[0]


def _unit(actor, name: str) -> Unit:
    found = list(Unit.objects.visible_to(actor).filter(name=name.strip())[:2])
    if len(found) != 1:
        raise DomainError(
            _("No unit of this name among your places; register it under Units first.")
            if not found
            else _("Several units among your places have this name."),
            code="bad_unit",
            field="unit_name",
        )
    return found[0]


def _role(text: str) -> str:
    """A role as offices write it (第一书记) or as its code (2): the code."""
    value = text.strip()
    role = (
        Code.objects.filter(kind="team_role", retired=False)
        .filter(Q(value=value) | Q(label=value))
        .values_list("value", flat=True)
        .first()
    )
    return role or value  # an unknown role is refused by the service, on its field


def _team(actor, row: TeamRow, village: Region, unit: Unit, starts: dict, result) -> Team:
    name = row.team_name or TEAM_NAME.format(village=village.name)
    team = (
        Team.objects.visible_to(actor)
        .filter(region=village, name=name)
        .filter(Q(term_end=None) | Q(term_end__gte=row.started_on))
        .order_by("-term_start")
        .first()
    )
    if team is not None:
        return team
    result.teams_new += 1
    return team_create(
        actor=actor,
        team=TeamInput(
            name=name,
            region_code=village.code,
            unit_id=unit.pk,
            term_start=starts[(village.code, name)],
            term_end=row.term_end,
        ),
    )


def teams_import(*, actor, rows: list[TeamRow], source: str, commit: bool) -> TeamsImport:
    """Register teams and put members on them from a sheet (批量导入驻村工作队), each row
    under the same rules as the pages. Nothing stays written if any row is refused, or
    without ``commit``: the preview runs the very same writes and rolls them back."""
    require(actor, Capability.MANAGE_TEAMS)
    result = TeamsImport()
    # A team the sheet makes starts on the earliest start of its rows.
    starts: dict[tuple[str, str], datetime.date] = {}
    villages: dict[str, Region] = {}
    for row in rows:
        try:
            village = villages.setdefault(row.village, _village(actor, row.village))
        except DomainError:
            continue
        name = row.team_name or TEAM_NAME.format(village=village.name)
        if row.started_on is not None:
            known = starts.get((village.code, name))
            starts[(village.code, name)] = min(filter(None, [known, row.started_on]))
    with transaction.atomic():
        for index, row in enumerate(rows):
            try:
                with transaction.atomic():  # a savepoint: a refused row undoes only itself
                    _import_row(actor, row, starts, result)
            except DomainError as refusal:
                result.problems.append((index, refusal.field or "", str(refusal.message)))
        if result.problems or not commit:
            transaction.set_rollback(True)
    return result


def _import_row(actor, row: TeamRow, starts: dict, result: TeamsImport) -> None:
    if row.started_on is None:
        raise DomainError(
            _("Give the day the member was sent (派驻时间)."), code="no_date", field="started_on"
        )
    village = _village(actor, row.village)
    unit = _unit(actor, row.unit_name)
    team = _team(actor, row, village, unit, starts, result)
    digests = lookup_hashes(idnumbers.parse(row.id_number).value)
    if TeamMember.objects.filter(team=team, id_number_hash__in=digests, ended_on=None).exists():
        result.unchanged += 1
        return
    member_add(
        actor=actor,
        team_id=team.pk,
        member=MemberInput(
            name=row.name,
            id_number=row.id_number,
            role=_role(row.role),
            unit_id=unit.pk,
            started_on=row.started_on,
            phone=row.phone,
        ),
    )
    result.members_new += 1
