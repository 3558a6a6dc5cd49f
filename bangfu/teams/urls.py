from django.urls import path

from .views import admin

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
]
