"""Departments' records about members (部门数据), many at once: 民政, 教育, 残联, 住建 and 人社
sheets, matched to members by the exchange's keyed reader and written with the health
bureau's bulk machinery (``health.bulk.apply``): a record's natural key is the member, its
kind and its day; a row whose key is on record updates it (``member_event.update``), any other
is new (``member_event.record``), each audited with the household's place."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from bangfu.core.errors import DomainError
from bangfu.health import bulk
from bangfu.registry.bulk import MatchedRow, RowVerdict

from ..models import EventKind, MemberEvent

EVENT_FIELDS = ["member", "kind", "day", "until", "grade", "detail"]
SUPPORT = ("低保", "特困")  # what 民政's support is
HOUSING_GRADES = ("A", "B", "C", "D")


@dataclass(slots=True)
class EventInput:
    """A department's record about a member: its day and, as the kind has them, the day it
    ended, a grade (or kind of support) and words."""

    day: Any
    until: Any = None
    grade: str = ""
    detail: str = ""


def _kind(kind: str) -> bulk.Kind:
    return bulk.Kind(
        MemberEvent,
        "member",
        "day",
        ("day", "until", "grade", "detail"),
        EVENT_FIELDS,
        "member_event.record",
        "member_event.update",
        where={"kind": kind},
        also=lambda row: {"household_id": row.member.household_id},
        keeps_source=True,
    )


def _check(kind: str):
    def check(row: MatchedRow, work: Any) -> None:
        record = work.record
        if record.day < row.member.birth_date:
            raise DomainError(
                _("%(name)s was born on %(day)s.")
                % {"name": row.member.name, "day": row.member.birth_date.isoformat()},
                code="before_birth",
                field="day",
            )
        if record.until is not None and record.until < record.day:
            raise DomainError(
                _("The day it ended is on or after the day it began."),
                code="bad_until",
                field="until",
            )
        allowed = {EventKind.ASSISTANCE: SUPPORT, EventKind.UNSAFE_HOUSING: HOUSING_GRADES}.get(
            EventKind(kind)
        )
        if allowed and record.grade not in allowed:
            raise DomainError(
                _("Write one of %(words)s.") % {"words": "、".join(allowed)},
                code="bad_grade",
                field="grade",
            )

    return check


def events_apply(kind: str):
    """The bulk service of one kind of department record, for the exchange's keyed reader:
    (actor, rows, source) → a verdict a row; written when given ``source``."""

    def apply(*, actor, rows: list[MatchedRow], source: str | None = None) -> list[RowVerdict]:
        return bulk.apply(
            _kind(kind),
            actor=actor,
            rows=rows,
            source=source,
            owner_of=bulk.member_owner,
            check=_check(kind),
        )

    return apply


def day_key(member: int, day: datetime.date) -> int:
    return member << 20 | day.toordinal()


def monitoring_follow_member(member_id: int, household_id: int, region_code: str) -> None:
    """A member joined another household (the registry's move, split or merge, audited
    there, in its transaction): the departments' records about them go with them, so that a
    rule fires for the household they live in now and its place reads them."""
    MemberEvent.objects.filter(member_id=member_id).update(
        household_id=household_id, region_id=region_code
    )
