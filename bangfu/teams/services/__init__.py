"""Every write about resident work teams, one function per use case, one transaction,
audited. The app's writes are many, so they are a package: one module per part of the work
(``teams``: teams and members; the others as they are added), all named here."""

# teams and members from an office's sheet
from .sheets import TeamRow, TeamsImport, teams_import  # noqa: E402  (a part's own block)
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
    "MemberInput",
    "TeamInput",
    "member_add",
    "member_end",
    "member_replace",
    "team_create",
    "team_update",
    # teams and members from an office's sheet
    "TeamRow",
    "TeamsImport",
    "teams_import",
]
