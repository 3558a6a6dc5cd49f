"""Every write about resident work teams, one function per use case, one transaction,
audited. The app's writes are many, so they are a package: one module per part of the work
(``teams``: teams and members; the others as they are added), all named here."""

from .leave import LeaveInput, leave_cancel, leave_decide, leave_request, leave_return
from .residence import team_reminders_send

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
from .work import (
    DisciplineInput,
    MeetingInput,
    TaskInput,
    discipline_record,
    meeting_record,
    task_done,
    work_report_submit,
)

__all__ = [
    "MemberInput",
    "TeamInput",
    "member_add",
    "member_end",
    "member_replace",
    "team_create",
    "team_update",
    # leave, residence reminders, the team's work
    "DisciplineInput",
    "LeaveInput",
    "MeetingInput",
    "TaskInput",
    "discipline_record",
    "leave_cancel",
    "leave_decide",
    "leave_request",
    "leave_return",
    "meeting_record",
    "task_done",
    "team_reminders_send",
    "work_report_submit",
    # teams and members from an office's sheet
    "TeamRow",
    "TeamsImport",
    "teams_import",
]
