"""Every write about resident work teams, one function per use case, one transaction,
audited. The app's writes are many, so they are a package: one module per part of the work
(``teams``: teams and members; the others as they are added), all named here."""

from .checkins import CheckInInput, check_in_photo_add, check_in_record, register_keep
from .teams import (
    MemberInput,
    TeamInput,
    member_add,
    member_end,
    member_replace,
    team_create,
    team_update,
)

__all__ = [
    "CheckInInput",
    "check_in_photo_add",
    "check_in_record",
    "register_keep",
    "MemberInput",
    "TeamInput",
    "member_add",
    "member_end",
    "member_replace",
    "team_create",
    "team_update",
]
