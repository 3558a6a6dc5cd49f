from django.urls import path

from bangfu.visits.views import service_worker

from .views import admin, checkins, leave, residence, work

app_name = "teams"
urlpatterns = [
    # teams and members, the four teams of a village, the attendance sheet
    path("", admin.team_list, name="team_list"),
    path("new/", admin.team_create, name="team_create"),
    path("<id:team_id>/", admin.team_detail, name="team_detail"),
    path("<id:team_id>/edit/", admin.team_edit, name="team_edit"),
    path("<id:team_id>/members/add/", admin.member_add, name="member_add"),
    path("<id:team_id>/attendance/", admin.attendance, name="attendance"),
    path("members/<id:member_id>/", admin.member_detail, name="member_detail"),
    path("members/<id:member_id>/end/", admin.member_end, name="member_end"),
    path("members/<id:member_id>/replace/", admin.member_replace, name="member_replace"),
    path("places/<place:code>/four-teams/", admin.four_teams, name="four_teams"),
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
    # check-ins, the member's month, the register by hand, check-in flags
    path("sw.js", service_worker, name="service_worker"),
    path("check-in/", checkins.check_in, name="check_in"),
    path("members/<id:member_id>/month/", checkins.member_month, name="member_month"),
    path("members/<id:member_id>/register/", checkins.register_keep, name="register_keep"),
    path("check-ins/<id:check_in_id>/photo/", checkins.check_in_photo, name="check_in_photo"),
    path("check-ins/flags/", checkins.check_in_flags, name="check_in_flags"),
]
