"""Every write about resident work teams, one function per use case, one transaction,
audited. The app's writes are many, so they are a package, one module per part of the work:
``teams`` (teams and members), ``sheets`` (teams and members from an office's sheet),
``leave``, ``residence`` (reminders of days short), ``work`` (meetings, tasks, reports,
discipline) and ``checkins`` (check-ins and the register kept by hand), all named here."""

from .checkins import CheckInInput, check_in_photo_add, check_in_record, register_keep
from .leave import LeaveInput, leave_cancel, leave_decide, leave_request, leave_return
from .residence import team_reminders_send
from .sheets import TeamRow, TeamsImport, teams_import
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
    # teams and members
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
    # check-ins and the register kept by hand
    "CheckInInput",
    "check_in_photo_add",
    "check_in_record",
    "register_keep",
]
