from django.urls import path

from .views import leave, residence, work

app_name = "teams"
urlpatterns = [
    # leave
    path("leave/", leave.leave_mine, name="leave_mine"),
    path("leave/waiting/", leave.leave_waiting, name="leave_waiting"),
    path("leave/<id:leave_id>/", leave.leave_detail, name="leave_detail"),
    path("leave/<id:leave_id>/decide/", leave.leave_decide, name="leave_decide"),
    path("leave/<id:leave_id>/cancel/", leave.leave_cancel, name="leave_cancel"),
    path("leave/<id:leave_id>/return/", leave.leave_return, name="leave_return"),
    path("<id:team_id>/leave/", leave.team_leave, name="team_leave"),
    # residence days
    path("residence/", residence.residence, name="residence"),
    path("<id:team_id>/residence/", residence.team_residence, name="team_residence"),
    # meetings, tasks, reports, discipline
    path("<id:team_id>/meetings/", work.meetings, name="meetings"),
    path("meetings/<id:meeting_id>/", work.meeting_detail, name="meeting_detail"),
    path("tasks/<id:task_id>/done/", work.task_done, name="task_done"),
    path("tasks/overdue/", work.tasks_overdue, name="tasks_overdue"),
    path("<id:team_id>/reports/", work.work_reports, name="work_reports"),
    path("reports/<id:report_id>/", work.work_report_detail, name="work_report_detail"),
    path("<id:team_id>/discipline/", work.discipline, name="discipline"),
]
